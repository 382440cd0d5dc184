-- post:structure (src/lua/api_structure.c) against the plain Lua that rules/lib/analysis.lua
-- ran before the host answered it (find_retweet and find_quotes, as they were, below). Word
-- lists stand in for lib/words.lua's (a plugin cannot require the built-in modules): framing
-- in English, German and Japanese (searched as substrings). For each post it compares where
-- the retweeted text starts, the quote-tweet, whether the post is tagged as a quotation and
-- whether all of it is one; each difference is a warning, and one info finding counts the
-- analyses compared and those with retweeted text, a quote-tweet or a quotation tag. Used by
-- test_words_outside.py.
local LISTS = { framing = { "quote of the day", "as they say", "via", "tageszitat", "名言",
  "cita del día", "new post", "so excited" } }

local function word_lists(lang, substring)
  local data = { substring = substring, framing = LISTS.framing }
  local W = { lang = lang, data = data, substring = substring }
  W.sets = {}
  W.phrases = setmetatable({}, { __index = function(phrases, name)
    if substring or not data[name] then
      return nil
    end
    local compiled = lint.phrases(data[name])
    rawset(phrases, name, compiled)
    return compiled
  end })
  return W
end

local WORD_LISTS = { word_lists("en", false), word_lists("de", false), word_lists("ja", true) }

-- ---- the plain Lua, as it was ----

-- Hashtags that mark a post as a quotation, in any language.
local QUOTE_TAGS = {
  quote = true, quotes = true, quoteoftheday = true, qotd = true, quotestoliveby = true,
  dailyquote = true, quotesdaily = true, inspirationalquotes = true, motivationalquotes = true,
  wisdomquotes = true, lifequotes = true, zitat = true, zitate = true, ["名言"] = true,
  cita = true, citas = true, frasedeldia = true, citation = true,
}
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

-- The words "RT" and "MT", found by the host's phrase search rather than a look at every word.
local RT_MARKERS = lint.phrases({ "rt", "mt" })

local function find_retweet(a)
  local post, text = a.post, a.post.text
  for _, m in ipairs(post:find(RT_MARKERS, WITH_QUOTED)) do
    local i = m.word
    local w = post.words[i]
    if w.text ~= "mt" and not w.quoted then
      local after = text:sub(w.last + 1, w.last + 3)
      -- "RT @user", "RT:", "RT@user", or a post that starts with "RT" and another post's
      -- words ("RT Look, available..."); "RT to win" is an imperative, not a retweet
      local next_word = post.words[i + 1]
      local leading = i == 1 and not (next_word and next_word.text:match("^%l"))
      if after:match("^@") or after:match("^:") or after:match("^%s+@") or leading then
        return w.first
      end
    end
  end
  return nil
end

local function find_quotes(a)
  local post = a.post
  a.quote_tokens = post.quotes -- sorted by position by the tokenizer
  for _, q in ipairs(post.quotes) do
    -- a quote-tweet ("@user: ...") is a share, not a quotation
    if q.text:sub(1, 1) == "@" then
      a.quote_tweet = a.quote_tweet or q
    end
  end
  a.quote_index = span_index(a.quote_tokens)
  a.quote_tagged = false
  for _, h in ipairs(post.hashtags) do
    if QUOTE_TAGS[lint.fold(h.tag)] then
      a.quote_tagged = true
    end
  end
  for _, m in ipairs(find(a, "framing")) do
    local p = lint.fold(m.phrase)
    if p:find("quote") or p:find("zitat") or p:find("cita") or p:find("名言") then
      a.quote_tagged = true
    end
  end
  -- "#quote" with no quotation marks: the whole text is the quotation
  local marked = false
  for _, q in ipairs(a.quote_tokens) do
    if #q.text >= 8 then
      marked = true
    end
  end
  a.all_quoted = a.quote_tagged and not marked
end


-- ---- the comparison ----

return {
  id = "structure-diff",
  severity = "warning",
  summary = "post:structure answers as the plain Lua did",
  docs = "A test rule: reports each analysis that differs from the plain Lua.",

  check = function(post, ctx)
    local compared, retweets, differences = 0, 0, 0
    for wi, W in ipairs(WORD_LISTS) do
      local a = { post = post, W = W, found = {} }
      a.rt_first = find_retweet(a)
      find_quotes(a)
      local rt_first, quote_tweet, tagged, all_quoted = post:structure(W, RT_MARKERS, QUOTE_TAGS)
      compared = compared + 1
      if a.rt_first or a.quote_tweet or a.quote_tagged then
        retweets = retweets + 1
      end
      local d
      if rt_first ~= a.rt_first then
        d = "rt_first " .. tostring(rt_first) .. ", not " .. tostring(a.rt_first)
      elseif not rawequal(quote_tweet, a.quote_tweet) then
        d = "quote_tweet " .. tostring(quote_tweet)
      elseif tagged ~= a.quote_tagged then
        d = "quote_tagged " .. tostring(tagged)
      elseif all_quoted ~= a.all_quoted then
        d = "all_quoted " .. tostring(all_quoted)
      end
      if d and differences < 5 then
        differences = differences + 1
        ctx:report{ message = string.format("lists %d: %s", wi, d), first = 1, last = 1 }
      end
    end
    ctx:report{ severity = "info", message = "compared " .. compared .. " " .. retweets,
      first = 1, last = 1 }
  end,
}
