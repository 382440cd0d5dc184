-- post:structure (src/lua/api_structure.c) against the plain Lua that rules/lib/analysis.lua
-- ran before the host answered it (find_retweet and find_quotes, as they were, below). Word
-- lists stand in for lib/words.lua's (a plugin cannot require the built-in modules): framing
-- in English, German and Japanese (searched as substrings). For each post it compares where
-- the retweeted text starts, the quote-tweet, whether the post is tagged as a quotation and
-- whether all of it is one; each difference is a warning, and one info finding counts the
-- analyses compared and those with retweeted text, a quote-tweet or a quotation tag. Used by
-- test_words_outside.py.
local compare = require("lib.compare")
local plain_lua = require("lib.plain")
local span_index = plain_lua.span_index
local WITH_QUOTED = plain_lua.WITH_QUOTED
local find = plain_lua.find

local LISTS = { framing = { "quote of the day", "as they say", "via", "tageszitat", "名言",
  "cita del día", "new post", "so excited" } }

local function word_lists(lang, substring)
  return plain_lua.word_lists(LISTS, lang, substring)
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
    local report, done = compare.differences(ctx)
    local compared, retweets = 0, 0
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
      if d then
        report("lists %d: %s", wi, d)
      end
    end
    done(compared, retweets)
  end,
}
