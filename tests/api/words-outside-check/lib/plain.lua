-- The plain Lua that rules/lib/analysis.lua ran before the host answered its questions in C
-- (as it was), shared by the check rules that compare the two: finding a word list's
-- matches by region (own text, retweeted text, quotations), and word lists shaped as
-- lib/words.lua makes them.
local M = {}

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


-- "I" or "you" (and their forms): the poster speaking, or speaking to the reader. Asked of
-- most words of a post, so the two lists are one set, made once per language.
local function person_set(W)
  local set = W.person
  if not set then
    set = {}
    for phrase in pairs(W.sets.first_person) do
      set[phrase] = true
    end
    for phrase in pairs(W.sets.second_person) do
      set[phrase] = true
    end
    W.person = set
  end
  return set
end

local function is_person(W, w)
  return person_set(W)[w.norm]
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
-- (OWN, NOT_QUOTED or ANYWHERE); with `one`, only whether there is any (a list that is only
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

local function any_match(a, name, first, last, want)
  return matches(a, name, first, last, want, true)
end

local OWN = { own = true }
local NOT_QUOTED = { own = true, rt = true }
local ANYWHERE = { own = true, rt = true, quote = true }

-- Word indices covered by matches of list `name` among own words.
local function covered_by(a, name, into)
  for _, m in ipairs(matches(a, name, 1, #a.post.text, OWN)) do
    if m.word then
      -- the match's words: from its first to the one its last byte is in (found by the
      -- host, which spares making the tables of the words between)
      for i = m.word, a.post:word_at(m.last) or m.word do
        into[i] = true
      end
    else
      for i, w in ipairs(a.post.words) do
        if w.first >= m.first and w.last <= m.last then
          into[i] = true
        end
      end
    end
  end
end


-- The analysis a as analysis.lua made it before its parts moved to C, for post with the word
-- lists W: the quotations and their spans, the options for own text, and the own words
-- (a.own, a.own_in_sentence, a.word_span, a.own_sentences, a.own_sentence_spans). The
-- checks add what their part read besides.
function M.analysis(post, W, rt_first, all_quoted)
  local a = { post = post, W = W, found = {}, rt_first = rt_first, all_quoted = all_quoted,
    quote_tokens = post.quotes, quote_index = span_index(post.quotes) }
  own_options(a)
  local _
  a.own, a.own_in_sentence, _, a.word_span =
    post:words_outside(post.quotes, all_quoted and 1 or rt_first)
  a.own_sentences, a.own_sentence_spans = {}, {}
  for si, s in ipairs(post.sentences) do
    if a.own_in_sentence[si] then
      a.own_sentences[#a.own_sentences + 1] = si
      a.own_sentence_spans[#a.own_sentence_spans + 1] = s
    end
  end
  return a
end

-- The first quote-tweet of the post ("@user: ..."), as find_quotes found it.
function M.quote_tweet(post)
  for _, q in ipairs(post.quotes) do
    if q.text:sub(1, 1) == "@" then
      return q
    end
  end
  return nil
end

-- A table shaped as lib/words.lua makes them from lists (name -> list of phrases): sets and
-- compiled lists made on first use; searched as substrings when substring (Japanese).
function M.word_lists(lists, lang, substring)
  local data = { substring = substring }
  for name, list in pairs(lists) do
    data[name] = list
  end
  -- as lib/words.lua makes them, the lists are one group (lint.phrase_group: scanned
  -- together, asked as single-word sets by hash); the German variant's are made alone, so
  -- that the checks see both ways
  local W = { lang = lang, data = data, substring = substring,
    group = lang ~= "de" and lint.phrase_group() or nil }
  W.sets = setmetatable({}, { __index = function(sets, name)
    if not data[name] then
      return nil
    end
    local set = {}
    for _, phrase in ipairs(data[name]) do
      set[phrase] = true
    end
    rawset(sets, name, set)
    return set
  end })
  W.phrases = setmetatable({}, { __index = function(phrases, name)
    if substring or not data[name] then
      return nil
    end
    local compiled = lint.phrases(data[name], W.group)
    rawset(phrases, name, compiled)
    return compiled
  end })
  return W
end

M.lazy_field = lazy_field
M.lower_bound = lower_bound
M.span_index = span_index
M.span_at = span_at
M.person_set = person_set
M.is_person = is_person
M.WITH_QUOTED = WITH_QUOTED
M.find = find
M.region = region
M.ANY = ANY
M.QUOTED = QUOTED
M.QUOTED_ANY = QUOTED_ANY
M.own_options = own_options
M.matches = matches
M.any_match = any_match
M.OWN = OWN
M.NOT_QUOTED = NOT_QUOTED
M.ANYWHERE = ANYWHERE
M.covered_by = covered_by

return M
