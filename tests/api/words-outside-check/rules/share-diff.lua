-- post:share (src/lua/api_share.c) against the plain Lua that rules/lib/analysis.lua ran
-- before the host answered it (analyze_share and its helpers, as they were, below). Word
-- lists stand in for lib/words.lua's (a plugin cannot require the built-in modules): in
-- English and Spanish (titles are taken out), German (they are not) and Japanese (searched
-- as substrings). For each post it tries every combination of retweeted text (none, at
-- "RT", mid-text), the whole post quoted or not, and a sales score under and over the
-- threshold, with the post's quote-tweet and its invitation (post:invitation, checked by
-- invitation-diff); each difference is a warning, and one info finding counts the analyses
-- compared and those with items shared. Used by test_words_outside.py.
local compare = require("lib.compare")
local plain_lua = require("lib.plain")
local lower_bound = plain_lua.lower_bound
local person_set = plain_lua.person_set
local is_person = plain_lua.is_person
local find = plain_lua.find
local region = plain_lua.region
local matches = plain_lua.matches
local any_match = plain_lua.any_match
local OWN = plain_lua.OWN
local ANYWHERE = plain_lua.ANYWHERE
local covered_by = plain_lua.covered_by

local LISTS = {
  framing = { "new post", "new blog post", "check out", "read", "via", "ニュース" },
  interjections = { "wow", "great", "すごい" },
  own_media = { "my new video", "our podcast", "私のブログ" },
  first_person = { "i", "my", "we", "our", "私" },
  second_person = { "you", "your", "あなた" },
  stopwords = { "the", "and", "of", "a", "for", "to", "in", "on", "de", "la", "el", "der" },
  request_phrases = { "let me know", "thoughts" },
}

local function word_lists(lang, substring)
  return plain_lua.word_lists(LISTS, lang, substring)
end

local WORD_LISTS = { word_lists("en", false), word_lists("es", false), word_lists("de", false),
  word_lists("ja", true) }
local THRESHOLD = 3

-- ---- the plain Lua, as it was ----

local NO_WORDS = {}

-- A norm's class for the share's count of what is left: "I" or "you" (PERSON), a content
-- word (CONTENT: no stopword, an ASCII letter), or neither (false). Asked of every own word of
-- a post with a link, where a pattern search per word was a third of the share's analysis;
-- the answer depends on the norm and the language only, so the language's word lists keep
-- it, for up to MAX_CLASSES norms (a state's memory is capped).
local PERSON, CONTENT = 1, 2
local MAX_CLASSES = 20000

local function word_classes(W)
  W.word_classes, W.word_classes_n = {}, 0
  return W.word_classes
end

local function word_class(W, norm)
  local class = false
  if person_set(W)[norm] then
    class = PERSON
  elseif not W.sets.stopwords[norm] and norm:find("%a") then
    class = CONTENT
  end
  if W.word_classes_n < MAX_CLASSES then
    W.word_classes[norm] = class
    W.word_classes_n = W.word_classes_n + 1
  end
  return class
end

local function analyze_share(a, threshold)
  local post, W = a.post, a.W
  local items = {}
  if a.rt_first then
    items[#items + 1] = { kind = "retweet", first = a.rt_first, last = a.rt_first + 1 }
  end
  if a.quote_tweet then
    items[#items + 1] = { kind = "quote-tweet", first = a.quote_tweet.first,
      last = a.quote_tweet.last }
  end
  local own_media = any_match(a, "own_media", post.body.first, post.body.last, OWN)
  local is_sales = a.sales_raw >= threshold
  for _, l in ipairs(post.links) do
    local r = region(a, l.first)
    if r == "own" and not own_media and not is_sales then
      items[#items + 1] = { kind = "link", first = l.first, last = l.last, link = l }
    end
  end
  a.share = { items = items }
  if #items == 0 then
    return
  end
  table.sort(items, function(x, y)
    return x.first < y.first
  end)

  -- what is left of the own words once titles, framing and reactions are taken out
  local removed = {}
  covered_by(a, "framing", removed)
  covered_by(a, "interjections", removed)
  -- titles: a segment of a sentence (split at " - ", ":", "|", dashes and line breaks) in
  -- title case, unless the sentence asks readers something
  local titled = W.lang == "en" or W.lang == "es"
  for _, si in ipairs(titled and a.own_sentences or NO_WORDS) do
    if not a.invitation.genuine_at[si] then
      for _, i in ipairs(post:title_words(a.own_in_sentence[si], W.sets.stopwords, true)) do
        removed[i] = true
      end
    end
  end
  -- the sentence right before a link, on its line, is the link's title unless it speaks as
  -- "I" or to "you"; so is whatever follows "New blog post:" and the like
  for _, item in ipairs(items) do
    if item.kind == "link" then
      local k = lower_bound(a.own_sentence_spans, item.first) - 1
      local before = k >= 1 and a.own_sentences[k] or nil
      if before then
        local s = post.sentences[before]
        local gap = item.first - s.last < 200 and post.text:sub(s.last + 1, item.first - 1)
        local adjacent = (gap and not gap:find("\n") and not gap:find("[%w]"))
          or s.last >= item.first
        local words, person = {}, false
        for _, i in ipairs(a.own_in_sentence[before]) do
          local w = post.words[i]
          if w.last < item.first then
            words[#words + 1] = i
            person = person or is_person(W, w)
          end
        end
        if adjacent and not person and not a.invitation.genuine_at[before] then
          for _, i in ipairs(words) do
            removed[i] = true
          end
        end
      end
    end
  end
  for _, si in ipairs(a.own_sentences) do
    local s = post.sentences[si]
    local colon = s.text:find(":", 1, true)
    if colon then
      local head = s.first + colon - 1
      if matches(a, "framing", s.first, head - 1, ANYWHERE, true) then
        for _, i in ipairs(a.own_in_sentence[si]) do
          if post.words[i].first > head then
            removed[i] = true
          end
        end
      end
    end
  end
  -- what is left: content words, and whether it speaks as "I" or to "you" (by norm: the
  -- words' tables are not needed; each norm's class is kept, see word_class)
  local content, person = 0, false
  local classes, norms = W.word_classes or word_classes(W), post.norms
  local own = a.own
  for k = 1, #own do
    local i = own[k]
    if not removed[i] then
      local norm = norms[i]
      local class = classes[norm]
      if class == nil then
        class = word_class(W, norm)
      end
      if class == PERSON then
        person = true
      elseif class == CONTENT then
        content = content + 1
      end
    end
  end
  a.share.content = content
  a.share.person = person
end

-- ---- the comparison ----

local function plain(post, W, rt_first, all_quoted, quote_tweet, sales_raw, invitation)
  local a = plain_lua.analysis(post, W, rt_first, all_quoted)
  a.quote_tweet, a.sales_raw, a.invitation = quote_tweet, sales_raw, invitation
  analyze_share(a, THRESHOLD)
  return a.share
end

-- The first difference between two shares, or nil.
local function difference(got, want)
  if #got.items ~= #want.items then
    return #got.items .. " items, not " .. #want.items
  end
  for k, item in ipairs(want.items) do
    for _, field in ipairs({ "kind", "first", "last", "link" }) do
      if not rawequal(got.items[k][field], item[field]) then
        return string.format("item %d: %s is %s, not %s", k, field,
          tostring(got.items[k][field]), tostring(item[field]))
      end
    end
  end
  for _, field in ipairs({ "content", "person" }) do
    if not rawequal(got[field], want[field]) then
      return string.format("%s is %s, not %s", field, tostring(got[field]),
        tostring(want[field]))
    end
  end
  return nil
end

return {
  id = "share-diff",
  severity = "warning",
  summary = "post:share answers as the plain Lua did",
  docs = "A test rule: reports each analysis that differs from the plain Lua.",

  check = function(post, ctx)
    local report, done = compare.differences(ctx)
    local quote_tweet = plain_lua.quote_tweet(post)
    local compared, shared = 0, 0
    for wi, W in ipairs(WORD_LISTS) do
      for _, rt_first in ipairs(compare.retweet_offsets(post, true)) do
        for _, all_quoted in ipairs({ false, true }) do
          for _, sales in ipairs({ 0, THRESHOLD }) do
            local invitation = post:invitation(W, rt_first or nil, all_quoted, sales)
            local a = { W = W, rt_first = rt_first or nil, all_quoted = all_quoted,
              quote_tweet = quote_tweet, sales_raw = sales, invitation = invitation }
            local got = post:share(a, THRESHOLD)
            local want = plain(post, W, rt_first or nil, all_quoted, quote_tweet, sales,
              invitation)
            compared = compared + 1
            if #want.items > 0 then
              shared = shared + 1
            end
            local d = difference(got, want)
            if d then
              report("lists %d, rt %s, all quoted %s, sales %d: %s", wi, tostring(rt_first),
                tostring(all_quoted), sales, d)
            end
          end
        end
      end
    end
    done(compared, shared)
  end,
}
