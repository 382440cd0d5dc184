-- post:words_outside (src/lua/api_words_outside.c) against the same answers worked out the
-- plain way in Lua (what rules/lib/analysis.lua did before the host did it). For each post
-- it tries the post's quotations and random nested spans, with and without a `before`
-- offset; and post:own_words, for retweeted text or none and all quoted or not. Each
-- difference is a warning, and one info finding says how many words were compared. Used by
-- test_words_outside.py.
local compare = require("lib.compare")
local same_list = compare.same_list
local seed = 77
local function random(n) -- a small LCG: the same spans on every machine
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

-- the latest starting span holding pos (spans sorted by first), or false
local function span_at(spans, pos)
  local found = false
  for _, sp in ipairs(spans) do
    if sp.first <= pos and sp.last >= pos then
      found = sp
    end
  end
  return found
end

local function plain(post, spans, before)
  local own, by_sentence, words_by_sentence, span_of = {}, {}, {}, {}
  for i, w in ipairs(post.words) do
    span_of[i] = span_at(spans, w.first)
    if not w.link and not span_of[i] and not (before and w.first >= before) then
      own[#own + 1] = i
      if w.sentence then
        by_sentence[w.sentence] = by_sentence[w.sentence] or {}
        words_by_sentence[w.sentence] = words_by_sentence[w.sentence] or {}
        table.insert(by_sentence[w.sentence], i)
        table.insert(words_by_sentence[w.sentence], w)
      end
    end
  end
  return own, by_sentence, words_by_sentence, span_of
end

local function same_lists(x, y)
  for key, list in pairs(x) do
    if not y[key] or not same_list(list, y[key]) then
      return false
    end
  end
  for key in pairs(y) do
    if not x[key] then
      return false
    end
  end
  return true
end

local function random_spans(len)
  local spans = {}
  for _ = 1, random(6) - 1 do
    local first = random(len + 2) - 1
    spans[#spans + 1] = { first = first, last = first + random(len // 2 + 2) - 2 }
  end
  table.sort(spans, function(x, y) return x.first < y.first end)
  return spans
end

return {
  id = "words-outside-diff",
  severity = "warning",
  summary = "post:words_outside agrees with the plain Lua",
  docs = "A test rule: reports where post:words_outside and the plain Lua disagree.",
  check = function(post, ctx)
    local compared = 0
    -- one wide span and many small ones inside it (the nesting a per-word walk back over
    -- earlier spans was quadratic in)
    local nested = { { first = 1, last = #post.text } }
    for _, sp in ipairs(random_spans(#post.text)) do
      nested[#nested + 1] = sp
    end
    for _ = 1, 40 do
      local at = random(#post.text + 1)
      nested[#nested + 1] = { first = at, last = at + random(3) - 2 }
    end
    table.sort(nested, function(x, y) return x.first < y.first end)
    local cases = {
      { post.quotes, nil }, { post.quotes, random(#post.text + 2) - 1 }, { post.quotes, 1 },
      { random_spans(#post.text), nil }, { random_spans(#post.text), random(#post.text + 2) },
      { nested, nil }, { post.quotes, false },
    }
    for k, case in ipairs(cases) do
      local spans, before = case[1], case[2]
      local got = table.pack(post:words_outside(spans, before))
      local want = table.pack(plain(post, spans, before))
      local parts = { "own", "by_sentence", "words_by_sentence", "span_of" }
      local ok = { same_list(got[1], want[1]), same_lists(got[2], want[2]),
                   same_lists(got[3], want[3]), same_list(got[4], want[4]) }
      for p = 1, 4 do
        if not ok[p] then
          ctx:report{ message = string.format("case %d: %s differs (%d spans, before %s)",
            k, parts[p], #spans, tostring(before)), first = 1, last = 1 }
        end
      end
      compared = compared + #post.words
    end
    -- post:own_words: the same own words for post.quotes, with the sentences that have any
    for _, case in ipairs({ { nil, false }, { random(#post.text + 2), false }, { nil, true },
      { 1, false } }) do
      local rt_first, all_quoted = case[1], case[2]
      local own, sentences = post:own_words(rt_first, all_quoted)
      local want, by_sentence = plain(post, post.quotes, all_quoted and 1 or rt_first)
      local want_sentences = {}
      for si in ipairs(post.sentences) do
        if by_sentence[si] then
          want_sentences[#want_sentences + 1] = si
        end
      end
      if not same_list(own, want) or not same_list(sentences, want_sentences) then
        ctx:report{ message = string.format("post:own_words(%s, %s) differs: %d words, %d "
          .. "sentences, not %d and %d", tostring(rt_first), tostring(all_quoted), #own,
          #sentences, #want, #want_sentences), first = 1, last = 1 }
      end
      compared = compared + #post.words
    end
    -- what is refused: spans out of order, a first that is a string, a light post's call
    local refused = {
      { { { first = 5, last = 9 }, { first = 2, last = 3 } }, "sorted by first" },
      { { { first = "1", last = 3 } }, "no integer 'first'" },
      { { 7 }, "span 1 is not a table" },
    }
    for k, r in ipairs(refused) do
      local ok, err = pcall(post.words_outside, post, r[1])
      if ok or not tostring(err):find(r[2], 1, true) then
        ctx:report{ message = string.format("refused case %d: %s", k, tostring(err)),
          first = 1, last = 1 }
      end
    end
    -- a list whose __len lies: an error, not an allocation whose size wraps around (2^61 + 1
    -- spans of 24 bytes is 24 bytes modulo 2^64) and writes past it
    local liar = setmetatable({}, { __len = function() return (1 << 61) + 1 end,
      __index = function() return { first = 1, last = 1 } end })
    local ok, err = pcall(post.words_outside, post, liar)
    if ok or not tostring(err):find("too long", 1, true) then
      ctx:report{ message = "a list with a huge __len: " .. tostring(err), first = 1, last = 1 }
    end
    ctx:report{ severity = "info", message = "compared " .. compared .. " words",
                first = 1, last = 1 }
  end,
}
