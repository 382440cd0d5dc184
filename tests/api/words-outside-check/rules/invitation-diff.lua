-- post:invitation (src/lua/api_invitation.c) against the plain Lua that rules/lib/analysis.lua
-- ran before the host answered it (analyze_invitation and its helpers, as they were, below).
-- Word lists of two kinds stand in for lib/words.lua's (a plugin cannot require the built-in
-- modules): phrases matched on word boundaries, and a language searched as substrings
-- (Japanese), each also without a set of rhetorical question words. For each post it tries
-- every combination of retweeted text (none, at "RT", mid-text), the whole post quoted or
-- not, and a sales score under and over 2; each difference is a warning, and one info finding
-- counts the analyses compared and those with a genuine invitation. Used by
-- test_words_outside.py.
local compare = require("lib.compare")
local plain_lua = require("lib.plain")
local lower_bound = plain_lua.lower_bound
local find = plain_lua.find
local matches = plain_lua.matches
local OWN = plain_lua.OWN
local ANYWHERE = plain_lua.ANYWHERE

local LISTS = {
  request_phrases = { "let me know", "tell me", "thoughts", "教えて", "ください" },
  second_person = { "you", "your", "you guys", "あなた", "皆さん" },
  reader_groups = { "anyone", "everyone", "folks", "みんな" },
  advice = { "should", "try", "べき" },
  self_questions = { "why did i", "what if i", "i wonder", "なぜ私" },
  rhetorical = { "who doesn't", "how can you not", "まさか" },
  hook_starters = { "want", "need", "looking for", "今なら" },
  answer_starters = { "because", "here's why", "answer", "なぜなら" },
  question_aux = { "does", "do", "is", "can", "has" },
  question_requests = { "thoughts", "ideas", "recommendations" },
  rhetorical_wh = { "who", "how", "why" },
  stopwords = { "the", "and", "of", "a", "for", "to", "in" },
}

local function word_lists(substring, without)
  local lists = {}
  for name, list in pairs(LISTS) do
    if name ~= without then
      lists[name] = list
    end
  end
  return plain_lua.word_lists(lists, substring and "ja" or "en", substring)
end

local WORD_LISTS = { word_lists(false), word_lists(true), word_lists(false, "rhetorical_wh") }

-- ---- the plain Lua, as it was ----

-- Lua patterns work on bytes, so multi-byte punctuation is compared as code points here.
local QUESTION_MARKS = { [0x3F] = true, [0xFF1F] = true, [0x203D] = true, [0x2048] = true,
  [0x2049] = true, [0x2047] = true }
local EXCLAMATION_MARKS = { [0x21] = true, [0xFF01] = true, [0x203D] = true, [0x203C] = true,
  [0x2048] = true, [0x2049] = true }
local CLOSERS = { [0x20] = true, [0x09] = true, [0x22] = true, [0x27] = true, [0x29] = true,
  [0x2E] = true, [0x3002] = true, [0x201D] = true, [0x2019] = true, [0xBB] = true,
  [0x300D] = true, [0x300F] = true }

local function codepoints(text)
  local cps = {}
  local ok = pcall(function()
    for _, c in utf8.codes(text) do
      cps[#cps + 1] = c
    end
  end)
  return ok and cps or {}
end

-- The marks ending a sentence: has_question, has_exclamation.
local function ending_marks(text)
  local q, x = false, false
  -- an ASCII sentence (most) is read from its end a byte at a time; others are decoded
  -- whole (invalid UTF-8 then has no marks, as utf8.codes raises)
  local cps = text:find("[\128-\255]") and codepoints(text)
  for i = cps and #cps or #text, 1, -1 do
    local c = cps and cps[i] or text:byte(i)
    if QUESTION_MARKS[c] or EXCLAMATION_MARKS[c] then
      q = q or QUESTION_MARKS[c] or false
      x = x or EXCLAMATION_MARKS[c] or false
    elseif not CLOSERS[c] then
      break
    end
  end
  return q, x
end

-- text without trailing code points of the given set
local function strip_end(text, set)
  local cps = codepoints(text)
  local n = #cps
  while n > 0 and set[cps[n]] do
    n = n - 1
  end
  local out = {}
  for i = 1, n do
    out[i] = utf8.char(cps[i])
  end
  return table.concat(out)
end

-- Whether a phrase of list `name` starts at one of the first `within` own words of the
-- sentence (1 by default: the sentence starts with it).
local function starts_with_list(a, si, name, within)
  local s = a.post.sentences[si]
  local own = a.own_in_sentence[si]
  if not own then
    return false
  end
  local starts = {}
  for k = 1, math.min(within or 1, #own) do
    starts[a.post.words[own[k]].first] = true
  end
  for _, m in ipairs(matches(a, name, s.first, s.last, ANYWHERE)) do
    if starts[m.first] then
      return true
    end
  end
  return false
end

local function sentence_has(a, si, name, want)
  local s = a.post.sentences[si]
  return matches(a, name, s.first, s.last, want or OWN, true)
end

local NO_WORDS = {}

-- The own words of sentence si, as indices into post.words (made by own_words; callers only
-- read the list). Indices, not the words: post.words makes a word's table when it is first
-- read, and most questions here need a sentence's first or last word at most.
local function sentence_own(a, si)
  return a.own_in_sentence[si] or NO_WORDS
end

-- Is the sentence a question? Question marks, Japanese "か" endings, and (without a mark)
-- an auxiliary verb followed by "anyone"/"you": "does anyone have a contact at ...".
local function is_question(a, si)
  local post, s = a.post, a.post.sentences[si]
  local own, words = sentence_own(a, si), post.words
  if #own == 0 then
    return false
  end
  if s.question then
    -- "#doyoureallyneedthat?": the mark belongs to a hashtag, not to a sentence
    local tail = post.text:sub(words[own[#own]].last + 1, s.last)
    if tail:find("#[^%s#]+%?[%s%p]*$") or tail:find("#[^%s#]+？") then
      return false
    end
    return true
  end
  if a.W.substring then
    local t = strip_end(s.text, { [0x3002] = true, [0xFF01] = true, [0x21] = true,
      [0x20] = true })
    return t:sub(-3) == "か" or t:sub(-6) == "かな"
  end
  local aux, norms = a.W.sets.question_aux, post.norms
  if aux[norms[own[1]]] and own[2] then
    local second = norms[own[2]]
    return a.W.sets.second_person[second] or a.W.sets.reader_groups[second] or false
  end
  return false
end

-- Whether one of the own words 2 to 5 (indices own into post.norms) is a negation.
local function has_negation(norms, own)
  for k = 2, 5 do
    local norm = own[k] and norms[own[k]]
    if norm and (norm == "not" or norm:sub(-3) == "n't" or norm == "nicht"
      or norm == "kein" or norm == "no") then
      return true
    end
  end
  return false
end

-- The text between the end of a sentence and the next link, if only spaces and separators
-- stand between them on the same line.
local function link_follows(a, si)
  local s = a.post.sentences[si]
  local l = a.post.links[lower_bound(a.post.links, s.last + 1)]
  if not l then
    return false
  end
  local gap = a.post.text:sub(s.last + 1, l.first - 1)
  return not gap:find("\n") and not gap:find("%w")
end

local function analyze_invitation(a)
  local post, W = a.post, a.W
  local leading_mention = #post.mentions > 0 and post.mentions[1].first == post.body.first
  local questions, genuine, genuine_at = {}, false, {}
  local own_sentences = a.own_sentences
  local norms = post.norms
  for k, si in ipairs(own_sentences) do
    local s = post.sentences[si]
    local own = sentence_own(a, si)
    local q = is_question(a, si)
    local request = sentence_has(a, si, "request_phrases")
    local info = { sentence = s, index = si, question = q, request = request }
    if q then
      local addressed = sentence_has(a, si, "second_person") or sentence_has(a, si, "reader_groups")
        or (leading_mention and k <= 2)
      local qrequest = false
      for _, i in ipairs(own) do
        if W.sets.question_requests[norms[i]] then
          qrequest = true
        end
      end
      request = request or qrequest
      local advice = sentence_has(a, si, "advice")
      local has_q, has_x = ending_marks(s.text)
      local exclaimed = has_q and has_x
      local short = #own <= 2
      local self_directed = starts_with_list(a, si, "self_questions") and not advice
      local first = own[1] and norms[own[1]]
      -- "how can you not love ...", "who doesn't love ...", "why wouldn't you ..."
      local rhetorical = sentence_has(a, si, "rhetorical")
        or (first and W.sets.rhetorical_wh and W.sets.rhetorical_wh[first]
          and has_negation(norms, own) and not advice)
      -- "Want 50% off?", "SXSW attendees - need a scanner?": a hook opens the sentence
      local hook = a.sales_raw >= 2 and starts_with_list(a, si, "hook_starters", 3)
      -- a headline: title case, or the post's opening question right before a link
      local headline = not addressed and not request and not advice
        and (#post:title_words(a.own_in_sentence[si] or NO_WORDS, W.sets.stopwords) > 0
          or (k == 1 and link_follows(a, si)))
      local answered = false
      local next_si = own_sentences[k + 1]
      if next_si and not addressed and not request and not advice then
        answered = not is_question(a, next_si)
      end
      if next_si and starts_with_list(a, next_si, "answer_starters") then
        answered = true
      end
      info.addressed, info.short, info.hook, info.self_directed = addressed, short, hook,
        self_directed
      info.genuine = request and not hook and not exclaimed
        or not (exclaimed or short or self_directed or rhetorical or hook or headline or answered)
    else
      info.genuine = request
    end
    if info.genuine then
      genuine = true
      genuine_at[si] = true
    end
    questions[#questions + 1] = info
  end
  a.invitation = { genuine = genuine, sentences = questions, genuine_at = genuine_at }
end

-- ---- the comparison ----

local function plain(post, W, rt_first, all_quoted, sales_raw)
  local a = plain_lua.analysis(post, W, rt_first, all_quoted)
  a.sales_raw = sales_raw
  analyze_invitation(a)
  return a.invitation
end

local FIELDS = { "sentence", "index", "question", "request", "addressed", "short", "hook",
  "self_directed", "genuine" }

-- What post:self and is_bare_quote ask of the sentences, derived from the plain infos:
-- whether one turns to the reader, whether one asks something.
local function turns_and_asks(sentences)
  local turns, asks = false, false
  for _, info in ipairs(sentences) do
    turns = turns or info.genuine
      or (info.question and not info.self_directed and (not info.short or info.hook)) or false
    asks = asks or info.question or info.genuine or false
  end
  return turns, asks
end

-- The first difference between two invitations, or nil.
local function difference(got, want, nsentences)
  if got.genuine ~= want.genuine then
    return "genuine " .. tostring(got.genuine)
  end
  -- the infos are made when first read (no table per sentence for a rule that reads genuine)
  if rawget(got, "sentences") ~= nil then
    return "sentences made before they were read"
  end
  local turns, asks = turns_and_asks(want.sentences)
  if got.turns_to_reader ~= turns or got.asks ~= asks then
    return string.format("turns_to_reader %s, asks %s, not %s, %s", tostring(got.turns_to_reader),
      tostring(got.asks), tostring(turns), tostring(asks))
  end
  for si = 1, nsentences do
    if got.genuine_at[si] ~= want.genuine_at[si] then
      return "genuine_at[" .. si .. "]"
    end
  end
  if #got.sentences ~= #want.sentences then
    return #got.sentences .. " sentences, not " .. #want.sentences
  end
  for k, info in ipairs(want.sentences) do
    for _, field in ipairs(FIELDS) do
      if not rawequal(got.sentences[k][field], info[field]) then
        return string.format("sentence %d: %s is %s, not %s", info.index, field,
          tostring(got.sentences[k][field]), tostring(info[field]))
      end
    end
  end
  return nil
end

return {
  id = "invitation-diff",
  severity = "warning",
  summary = "post:invitation answers as the plain Lua did",
  docs = "A test rule: reports each analysis that differs from the plain Lua.",

  check = function(post, ctx)
    local report, done = compare.differences(ctx)
    local compared, genuine = 0, 0
    for wi, W in ipairs(WORD_LISTS) do
      for _, rt_first in ipairs(compare.retweet_offsets(post, true)) do
        for _, all_quoted in ipairs({ false, true }) do
          for _, sales in ipairs({ 0, 2 }) do
            local got = post:invitation(W, rt_first or nil, all_quoted, sales)
            local want = plain(post, W, rt_first or nil, all_quoted, sales)
            compared = compared + 1
            if want.genuine then
              genuine = genuine + 1
            end
            local d = difference(got, want, #post.sentences)
            if d then
              report("lists %d, rt %s, all quoted %s, sales %d: %s", wi, tostring(rt_first),
                tostring(all_quoted), sales, d)
            end
          end
        end
      end
    end
    done(compared, genuine)
  end,
}
