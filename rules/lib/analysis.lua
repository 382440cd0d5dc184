-- What the golden rules need to know about a post, computed once and shared by them.
--
--   local analysis = require("lib.analysis")
--   local a = analysis.of(post)   -- nil when postlint has no word lists for post.lang
--
-- The key idea is "own words": the post's words minus quotations, retweeted text, link text,
-- hashtags, mentions and emoji (the tokenizer already leaves the last four out). Each golden
-- rule asks a question about the own words:
--   a.invitation  does the post ask readers to reply?            (invite-conversation)
--   a.sales       how hard does it push an offer?                (no-sales-push)
--   a.share       is it someone else's content without comment?  (share-needs-commentary)
--   a.quote       is it a quotation and nothing else?            (no-bare-quote)
--   a.self        is it about the poster and never the reader?   (self-focus)
-- plus a.topic (a word or two for suggestions) and a.W (the word lists).
local words_for = require("lib.words")

local M = {}
local cache = setmetatable({}, { __mode = "k" })

-- Hashtags that mark a post as a quotation, in any language.
local QUOTE_TAGS = {
  quote = true, quotes = true, quoteoftheday = true, qotd = true, quotestoliveby = true,
  dailyquote = true, quotesdaily = true, inspirationalquotes = true, motivationalquotes = true,
  wisdomquotes = true, lifequotes = true, zitat = true, zitate = true, ["名言"] = true,
  cita = true, citas = true, frasedeldia = true, citation = true,
}
-- Hashtags that disclose a paid post.
local DISCLOSURE_TAGS = {
  ad = true, ads = true, sponsored = true, spon = true, anzeige = true, werbung = true,
  publi = true, publicidad = true, affiliate = true, partner = true, ["pr"] = true,
}

---------------------------------------------------------------------------------------------
-- small helpers

-- A metatable whose __index makes the field `key` of its table with make(table) when it is
-- first read, and keeps it there (later reads are plain); other missing keys are nil.
local function lazy_field(key, make)
  return {
    __index = function(t, k)
      if k ~= key then
        return nil
      end
      local value = make(t)
      rawset(t, key, value)
      return value
    end,
  }
end

-- Index of the first item of a list sorted by `first` whose first >= pos (or #list + 1).
-- Everything here must stay close to linear: a long post has thousands of tokens.
local function lower_bound(list, pos)
  local lo, hi = 1, #list + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if list[mid].first < pos then
      lo = mid + 1
    else
      hi = mid
    end
  end
  return lo
end

-- Spans (sorted by first, possibly nested) with a running maximum of their ends, so that
-- "is pos inside any span" is a binary search and a short walk back.
local function span_index(spans)
  local maxlast, m = {}, 0
  for i, sp in ipairs(spans) do
    if sp.last > m then
      m = sp.last
    end
    maxlast[i] = m
  end
  return { spans = spans, maxlast = maxlast }
end

local function span_at(index, pos)
  local k = lower_bound(index.spans, pos + 1) - 1 -- last span with first <= pos
  while k >= 1 and index.maxlast[k] >= pos do
    if index.spans[k].last >= pos then
      return index.spans[k]
    end
    k = k - 1
  end
  return nil
end

-- Whether text starts with a capital. A word of the post has this as word.capital, made by
-- the host (the same answer, without a Lua call per word); this is for other text.
local function is_upper_initial(text)
  local b = text:byte(1)
  if b and b < 0x80 then
    local b2 = text:byte(2)
    if not b2 or b2 < 0x80 or b2 > 0xBF then
      return b >= 65 and b <= 90 -- ASCII, the usual case: two searches saved
    end
  end
  local c = text:sub(1, 1)
  if c:match("%u") then
    return true
  end
  -- non-ASCII capitals: compare with the folded form
  local first = text:match("^[%z\1-\127\194-\244][\128-\191]*")
  return first ~= nil and #first > 1 and lint.fold(first) ~= first
end

local WITH_QUOTED = { quoted = true } -- post:find's options, made once

-- Matches of a word list over the whole post (quoted text included), sorted by position.
-- Substring languages (Japanese) search the text; the others match on word boundaries.
local function find(a, name)
  local found = a.found[name]
  if found then
    return found
  end
  if a.W.substring then
    found = {}
    local text, from = a.post.text, a.post.body.first
    for _, phrase in ipairs(a.W.data[name] or {}) do
      local init = from
      while true do
        local s, e = text:find(phrase, init, true)
        if not s then
          break
        end
        found[#found + 1] = { first = s, last = e, text = phrase, phrase = phrase }
        init = e + 1
      end
    end
    table.sort(found, function(x, y)
      return x.first < y.first
    end)
  elseif a.W.phrases[name] then
    found = a.post:find(a.W.phrases[name], WITH_QUOTED)
  else
    found = {}
  end
  a.found[name] = found
  return found
end

-- Where an offset is: "quote" (a quotation), "rt" (retweeted text), or "own".
local function region(a, pos)
  if a.all_quoted or span_at(a.quote_index, pos) then
    return "quote"
  end
  if a.rt_first and pos >= a.rt_first then
    return "rt"
  end
  return "own"
end

-- post:matches' options, by the regions a caller accepts (`want`, a set like { own = true,
-- rt = true }) and whether it asks only if there is a match (`one`): see matches. "own" stops
-- at the retweeted text, whose offset is the post's: its two tables are made with the
-- analysis (own_options), so that no read of `a` there misses (a missing key calls
-- LAZY_TOPIC's __index once the analysis is done).
local ANY = { any = true }
local QUOTED = { quoted = true }
local QUOTED_ANY = { quoted = true, any = true }

local function own_options(a)
  a.own_any = a.rt_first and { before = a.rt_first, any = true } or ANY
  a.own_list = a.rt_first and { before = a.rt_first } or false -- (false: none)
end

-- Matches of list `name` inside [first, last] whose region is accepted by `want`
-- (OWN or NOT_QUOTED); with `one`, only whether there is any (a list that is only
-- counted or tested is not built). The host keeps each list's matches of the post and
-- answers the range (post:matches); substring languages search here.
local function matches(a, name, first, last, want, one)
  if a.all_quoted and not want.quote then
    return not one and {} or false -- all of it is a quotation
  end
  if not a.W.substring then
    local list = a.W.phrases[name]
    if not list then
      return not one and {} or false
    end
    -- (the options chosen here, not in a function: the analysis asks some fifty times a
    -- post, and a Lua call more each time was a tenth of asking)
    local options
    if want.quote then
      options = one and QUOTED_ANY or QUOTED
    elseif one then
      options = want.rt and ANY or a.own_any
    else
      options = not want.rt and a.own_list or nil
    end
    return a.post:matches(list, first, last, options)
  end
  local out = not one and {} or nil
  local found = find(a, name)
  for k = lower_bound(found, first), #found do
    local m = found[k]
    if m.first > last then
      break
    end
    if m.last <= last and want[region(a, m.first)] then
      if one then
        return true
      end
      out[#out + 1] = m
    end
  end
  return out or false
end


local OWN = { own = true }
local NOT_QUOTED = { own = true, rt = true }

---------------------------------------------------------------------------------------------
-- structure: retweets, quotations, own words

-- The words "RT" and "MT", found by the host's phrase search rather than a look at every word
-- (post:structure).
local RT_MARKERS = lint.phrases({ "rt", "mt" })

-- a.own: the indices of the own words, in order; a.own_sentences: the sentences that have
-- any. Own is region(a, w.first) == "own" for a word that is not link text
-- (post:own_words). Made when first read (see LAZY_PARTS): the analyses in C find their own,
-- and only a suggestion's topic and place read these.
local function own_words(a)
  a.own, a.own_sentences = a.post:own_words(a.rt_first, a.all_quoted)
end

---------------------------------------------------------------------------------------------
-- invitation: questions and requests to readers

local NO_WORDS = {}

-- a.invitation: which own sentences are questions or requests to readers, and whether one is
-- genuine (post:invitation, in C: api_invitation.c says what counts and why) - a question
-- that is not rhetorical, self-directed, exclaimed, a headline, a sales hook, or answered by
-- the next sentence; or a request ("let me know").
local function analyze_invitation(a)
  a.invitation = a.post:invitation(a.W, a.rt_first, a.all_quoted, a.sales_raw)
end

---------------------------------------------------------------------------------------------
-- sales push

local SALES_LISTS = { "cta", "giveaway", "offer", "urgency", "launch", "entry" }

-- Whether match m of sales list `name` counts: "buy", "order", "shop" ... are calls to action
-- only as imperatives (a sentence's first word).
local function sales_match_counts(a, name, m)
  if name == "cta" and a.W.sets.imperative_only[lint.fold(m.phrase)] and m.word then
    local w = a.post.words[m.word]
    local s = w.sentence and a.post.sentences[w.sentence]
    return s ~= nil and s.first_word == m.word
  end
  return true
end

-- The signs of a sale found in the post, as { category, match }, in text order (then by
-- category). Those of the lists, prices and percentages, and disclosure tags, outside
-- quotations.
local function sales_found(a, digits)
  local post = a.post
  local body_first, body_last = post.body.first, post.body.last
  local found = {}
  local function add(category, m)
    if region(a, m.first) ~= "quote" then
      found[#found + 1] = { category = category, match = m }
    end
  end
  for _, name in ipairs(SALES_LISTS) do
    for _, m in ipairs(matches(a, name, body_first, body_last, NOT_QUOTED)) do
      if sales_match_counts(a, name, m) then
        add(name, m)
      end
    end
  end
  if digits then
    for _, m in ipairs(post:sales_signs("percent")) do
      add("offer", m)
    end
  end
  for _, m in ipairs(post:sales_signs(digits and "price" or "price_words")) do
    add("price", m)
  end
  for _, h in ipairs(post.hashtags) do
    if DISCLOSURE_TAGS[lint.fold(h.tag)] then
      add("disclosure", h)
    end
  end
  table.sort(found, function(x, y)
    if x.match.first ~= y.match.first then
      return x.match.first < y.match.first
    end
    return x.category < y.category
  end)
  return found
end

-- a.sales.found is made when first read: the rules show it for a sales push only, and the
-- score needs just which categories are there (asked with post:matches' any, where a Lua
-- table was made for every "now", "free", "new" of every post). Its inputs are kept in the
-- sales table under the private keys below.
local SALES_OF, SALES_DIGITS = {}, {}
local SALES_LAZY = lazy_field("found", function(sales)
  return sales_found(rawget(sales, SALES_OF), rawget(sales, SALES_DIGITS))
end)

-- a.sales: how hard the post pushes an offer (post:sales, in C: api_sales.c says what counts
-- and how much), and a.sales_raw, its score.
local function analyze_sales(a)
  local score, categories, digits = a.post:sales(a, DISCLOSURE_TAGS)
  a.sales_raw = score
  a.sales = setmetatable({ score = score, categories = categories, [SALES_OF] = a,
    [SALES_DIGITS] = digits }, SALES_LAZY)
end

---------------------------------------------------------------------------------------------
-- shares without commentary

-- a.share: the items the post shares (a retweet, a quote-tweet, links in the poster's own
-- text) and, with any, how much of the poster's own comment is left once titles, framing and
-- reactions are taken out (post:share, in C: api_share.c says what is taken out and why).
local function analyze_share(a, threshold)
  a.share = a.post:share(a, threshold)
end

---------------------------------------------------------------------------------------------
-- bare quotations

-- a.quote: whether the post is a quotation, its longest one, and the first words of the
-- poster's own beside it once attributions and framing are out (post:quote, in C: api_quote.c
-- says what is taken out and why).
local function analyze_quote(a)
  a.quote = a.post:quote(a)
end

---------------------------------------------------------------------------------------------
-- self focus

local compiled_names = setmetatable({}, { __mode = "k" })

-- The first-person matches of the post outside "we all", "most of us" (people in general,
-- not the poster).
local function first_person_matches(a)
  local first, last = a.post.body.first, a.post.body.last
  local general = matches(a, "general_we", first, last, OWN)
  local firsts = {}
  for _, m in ipairs(matches(a, "first_person", first, last, OWN)) do
    local in_general = false
    for _, g in ipairs(general) do
      if m.first >= g.first and m.last <= g.last then
        in_general = true
      end
    end
    if not in_general then
      firsts[#firsts + 1] = m
    end
  end
  return firsts
end

-- a.self.first_person is made when first read: only a post self-focus reports needs it, and
-- its tables (one per "I", "my", "we" of a post) were a tenth of analysing the self. It
-- holds first_person_matches, then what else made the post refer to itself, in the order
-- found (kept in the self's table under the private keys below).
local SELF_OF, SELF_MORE = {}, {}
local SELF_LAZY = lazy_field("first_person", function(s)
  local list = first_person_matches(rawget(s, SELF_OF))
  for _, x in ipairs(rawget(s, SELF_MORE)) do
    list[#list + 1] = x
  end
  return list
end)

-- a.self: whether the post refers to the poster (selfref), turns to the reader (turns), or is
-- mainly about something else (external), from post:self (in C: api_self.c says what counts);
-- a.self.first_person, the first-person matches and what else made it refer to itself, is
-- made when read (see SELF_LAZY).
local function analyze_self(a, self_names)
  local s = {}
  a.self = s
  local names
  if self_names and #self_names > 0 then
    names = compiled_names[self_names]
    if not names then -- options tables live as long as the run: compile once
      names = lint.phrases(self_names)
      compiled_names[self_names] = names
    end
  end
  local selfref, more, turns, external = a.post:self(a, names)
  s[SELF_OF], s[SELF_MORE] = a, more or NO_WORDS
  setmetatable(s, SELF_LAZY)
  s.selfref, s.turns, s.external = selfref, turns, external
end

---------------------------------------------------------------------------------------------
-- topic, for suggestions

local function split_camel(tag)
  local words = {}
  for part in tag:gsub("(%l)(%u)", "%1 %2"):gmatch("%S+") do
    words[#words + 1] = part:match("^%u%u") and part or part:lower()
  end
  return table.concat(words, " "), #words
end

-- Every single word of every list: such words (calls to action, reactions, pronouns) are
-- never the topic.
local function list_words(W)
  if W.all_words then
    return W.all_words
  end
  local set = {}
  for name in pairs(W.written) do
    local list = W.data[name]
    if type(list) == "table" and name ~= "templates" then
      for _, phrase in ipairs(list) do
        for _, w in ipairs(lint.words(phrase)) do
          set[w] = true
        end
      end
    end
  end
  W.all_words = set
  return set
end

-- A topic for suggestions, only when the post makes one clear; otherwise nil and the
-- suggestion uses its generic wording (better than a wrong word):
--   1. a CamelCase hashtag ("#SocialMediaTips" -> "social media tips");
--   2. a name in the middle of a sentence ("the new Vantage Analytics dashboard");
--   3. a content word the post repeats.
local function analyze_topic(a)
  local post, W = a.post, a.W
  local skip = list_words(W)
  for _, h in ipairs(post.hashtags) do
    local key = lint.fold(h.tag)
    if not QUOTE_TAGS[key] and not DISCLOSURE_TAGS[key] then
      local phrase, n = split_camel(h.tag)
      if n >= 2 then
        a.topic = phrase
        return
      end
    end
  end
  -- a name (the longest run of own capitalised words) or a content word the post repeats
  -- (post:topic, in C: it visits every own word)
  a.topic = post:topic(a.own, skip, W.sets.stopwords, W.lang == "en")
end

---------------------------------------------------------------------------------------------

-- a.topic is only needed for the wording of a suggestion: it is worked out on first use
-- (from the post and its own words, which do not change), not for every post of a calendar.
-- The parts of the analysis that the Lua reads seldom, made when first read: the quotations
-- and their spans (for region), and the own words.
local LAZY_PARTS = {
  quote_tokens = function(a)
    a.quote_tokens = a.post.quotes -- sorted by position by the tokenizer
  end,
  quote_index = function(a)
    a.quote_index = span_index(a.quote_tokens)
  end,
  own = own_words, own_sentences = own_words,
}

local LAZY_TOPIC = {
  __index = function(a, key)
    if key == "topic" and not rawget(a, "topic_done") then
      rawset(a, "topic_done", true)
      analyze_topic(a)
      return rawget(a, "topic")
    end
    local make = LAZY_PARTS[key]
    if make then
      make(a)
      return rawget(a, key)
    end
    return nil
  end,
}

local function analyze(post)
  local W = words_for(post.lang)
  if not W or (#post.words == 0 and #post.links == 0) then
    return nil -- no lists for the language, or nothing written yet
  end
  -- every field the analysis sets, named here (nil until set) so that the table is made
  -- with room for them: growing it one rehash at a time cost about a percent of a run
  local a = { post = post, W = W, found = {}, rt_first = nil, own_any = nil, own_list = nil,
    quote_tokens = nil, quote_tweet = nil, quote_index = nil, quote_tagged = nil,
    all_quoted = nil, own = nil, own_sentences = nil, sales_raw = nil, sales = nil,
    invitation = nil, quote = nil, share = nil, share_threshold = nil, self = nil,
    topic = nil, topic_done = nil }
  setmetatable(a, LAZY_TOPIC)
  a.rt_first, a.quote_tweet, a.quote_tagged, a.all_quoted =
    post:structure(W, RT_MARKERS, QUOTE_TAGS)
  own_options(a)
  analyze_sales(a)
  analyze_invitation(a)
  analyze_quote(a)
  return a
end

-- The analysis of post (cached), or nil when its language has no word lists or its body
-- has no words or links at all.
-- Parts that depend on a rule's options are computed by the functions below.
function M.of(post)
  local a = cache[post]
  if a == nil then
    a = analyze(post) or false
    cache[post] = a
  end
  return a or nil
end

-- Shares, given the sales threshold that makes a link a call to action.
function M.share(a, sales_threshold)
  if not a.share or a.share_threshold ~= sales_threshold then
    analyze_share(a, sales_threshold)
    a.share_threshold = sales_threshold
  end
  return a.share
end

function M.self(a, self_names, sales_threshold)
  M.share(a, sales_threshold)
  analyze_self(a, self_names)
  return a.self
end

-- Judgments shared by the per-post golden rules and the rules across posts, so that a
-- calendar counts as a sales push or a bare quote exactly what the post rules report.

-- Is the post a pure sales push (no-sales-push)? Pushing at `threshold` points or more,
-- with no genuine question to readers.
function M.is_sales_push(a, threshold)
  return a ~= nil and not a.invitation.genuine and a.sales.score >= threshold
end

-- Is the post a bare quote (no-bare-quote)? A quotation with nothing of the poster's own
-- beside it, of at least `min_words` words unless attributed or tagged, and no question.
function M.is_bare_quote(a, min_words)
  if not a or not a.quote.quoted or #a.quote.remaining > 0 then
    return false
  end
  if a.quote.token and not a.quote.tagged and #lint.words(a.quote.token.text) < min_words then
    return false
  end
  -- a question about the quote makes it a conversation
  return not a.invitation.asks
end

M.matches = matches
M.region = region
M.is_upper_initial = is_upper_initial

-- The end of the last own sentence (where a closing question goes), or the body's end.
function M.closing_point(a)
  local post = a.post
  local si = a.own_sentences[#a.own_sentences]
  if si then
    return post.sentences[si]
  end
  return nil
end

-- Fills a template from the word lists with the topic, or uses its generic form.
function M.phrase(a, name)
  local t = a.W.data.templates
  if a.topic and t[name .. "_topic"] then
    return string.format(t[name .. "_topic"], a.topic)
  end
  return t[name]
end

return M
