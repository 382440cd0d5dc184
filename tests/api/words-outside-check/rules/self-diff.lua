-- post:self (src/lua/api_self.c) against the plain Lua that rules/lib/analysis.lua ran
-- before the host answered it (analyze_self and its helpers, as they were, below). Word
-- lists stand in for lib/words.lua's (a plugin cannot require the built-in modules): in
-- English (subjects left out are read), German and Japanese (searched as substrings). For
-- each post it tries every combination of retweeted text (none, at "RT"), the whole post
-- quoted or not, a sales score under and over the threshold, and names or none, with the
-- post's quote-tweet, share (post:share) and invitation (post:invitation); each difference
-- is a warning, and one info finding counts the analyses compared and those that refer to
-- the poster. Used by test_words_outside.py.
local compare = require("lib.compare")
local plain_lua = require("lib.plain")
local lazy_field = plain_lua.lazy_field
local find = plain_lua.find
local region = plain_lua.region
local matches = plain_lua.matches
local any_match = plain_lua.any_match
local OWN = plain_lua.OWN

local LISTS = {
  general_we = { "we all", "most of us", "all of us" },
  first_person = { "i", "me", "my", "we", "our", "i'm", "us", "私" },
  second_person = { "you", "your", "あなた" },
  reader_groups = { "anyone", "everyone", "folks", "皆さん" },
  thanks = { "thanks", "thank you", "ありがとう" },
  not_thanks = { "thanks to", "no thanks" },
  first_person_possessive = { "my", "our", "私の" },
  item_words = { "this post", "this article", "link", "記事" },
  elided_starts = { "excited to", "thrilled to", "happy to", "嬉しい" },
  not_elided = { "breaking", "trending", "during", "nothing", "something", "everything" },
  framing = { "new post", "update", "so", "just" },
  stopwords = { "the", "and", "of", "a", "for", "to", "in", "with", "this" },
  self_hashtags = { "mylife", "humblebrag", "selfie" },
  request_phrases = { "let me know" },
  hook_starters = { "want", "need" },
}

local function word_lists(lang, substring)
  return plain_lua.word_lists(LISTS, lang, substring)
end

local WORD_LISTS = { word_lists("en", false), word_lists("de", false), word_lists("ja", true) }
local THRESHOLD = 2 -- (not analysis.lua's default of 3, which a.share_threshold overrides)
local NAMES = { "Acme", "Vantage Analytics", "nimbus" }

-- ---- the plain Lua, as it was ----

local NO_WORDS = {}

local function elided_subject(a)
  local post, W = a.post, a.W
  local si = a.own_sentences[1]
  if not si then
    return false
  end
  local idx = a.own_in_sentence[si]
  for k = 1, math.min(2, #idx) do
    local w = post.words[idx[k]]
    for _, m in ipairs(find(a, "elided_starts")) do
      if m.first == w.first then
        return true
      end
    end
    local n = w.norm
    if W.lang == "en" and #n >= 5 and not W.sets.not_elided[n] and w.capital
      and (n:sub(-2) == "ed" or n:sub(-3) == "ing") then
      return true
    end
    if not W.sets.framing[n] then
      break
    end
  end
  return false
end

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

local function analyze_self(a, self_names)
  local post, W = a.post, a.W
  local s = { own = #a.own }
  a.self = s
  if #a.own == 0 then
    return
  end
  local first, last = post.body.first, post.body.last
  local firsts = {} -- what refers to the poster besides first_person_matches
  if any_match(a, "general_we", first, last, OWN) then
    -- (seldom: the list decides)
    firsts = first_person_matches(a)
    s.first_person = firsts
    s.selfref = #firsts > 0
  else
    s[SELF_OF], s[SELF_MORE] = a, firsts
    setmetatable(s, SELF_LAZY)
    s.selfref = any_match(a, "first_person", first, last, OWN)
  end
  s.selfref = s.selfref or elided_subject(a)
  -- a brand naming itself: a name the post repeats, in a post that pushes a sale
  if not s.selfref and a.sales.score >= (a.share_threshold or 3) then
    local seen = {}
    for _, i in ipairs(a.own) do
      local w = post.words[i]
      if w.capital and not W.sets.stopwords[w.norm] and #w.norm >= 4 then
        seen[w.norm] = (seen[w.norm] or 0) + 1
        if seen[w.norm] >= 2 then
          s.selfref = true
          firsts[#firsts + 1] = w
          break
        end
      end
    end
  end
  for _, h in ipairs(post.hashtags) do
    if W.sets.self_hashtags[lint.fold(h.tag)] then
      s.selfref = true
    end
  end
  if self_names and #self_names > 0 then
    local names = compiled_names[self_names]
    if not names then -- options tables live as long as the run: compile once
      names = lint.phrases(self_names)
      compiled_names[self_names] = names
    end
    for _, m in ipairs(post:find(names)) do
      if region(a, m.first) == "own" then
        s.selfref = true
        firsts[#firsts + 1] = m
      end
    end
  end
  -- turning to the reader
  local turn = any_match(a, "second_person", first, last, OWN)
    or any_match(a, "reader_groups", first, last, OWN)
  local thanks = #matches(a, "thanks", first, last, OWN)
  local not_thanks = #matches(a, "not_thanks", first, last, OWN)
  if thanks > not_thanks then
    turn = true
  end
  for _, info in ipairs(a.invitation.sentences) do
    if info.genuine then
      turn = true
    elseif info.question and not info.self_directed and (not info.short or info.hook) then
      turn = true
    end
  end
  s.turns = turn
  -- mainly about something else: a quotation, a retweet, or a link put forward
  -- ...unless the poster's own things lead ("my application", "our launch")
  local possessive = any_match(a, "first_person_possessive", first, last, OWN)
  local external = a.rt_first ~= nil or a.quote_tweet ~= nil
  -- (each test below can only make it true: once it is, the rest is not asked)
  for _, t in ipairs(not external and not possessive and a.quote_tokens or NO_WORDS) do
    local _, n = t.text:gsub("%S+", "")
    if n >= 3 then
      external = true
      break
    end
  end
  for _, item in ipairs(not external and a.share.items or NO_WORDS) do
    if item.kind == "link" then
      local pointing = any_match(a, "item_words", first, last, OWN)
      if not possessive or pointing then
        external = true
        break
      end
    end
  end
  s.external = external
end

-- ---- the comparison ----

-- The analysis a, as analysis.lua makes it, for the plain Lua and post:self alike.
local function analysis_of(post, W, rt_first, all_quoted, score)
  local a = plain_lua.analysis(post, W, rt_first, all_quoted)
  a.quote_tweet, a.sales_raw, a.sales = plain_lua.quote_tweet(post), score, { score = score }
  a.invitation = post:invitation(W, rt_first, all_quoted, score)
  a.share = post:share(a, THRESHOLD)
  a.share_threshold = THRESHOLD
  return a
end

return {
  id = "self-diff",
  severity = "warning",
  summary = "post:self answers as the plain Lua did",
  docs = "A test rule: reports each analysis that differs from the plain Lua.",

  check = function(post, ctx)
    local report, done = compare.differences(ctx)
    local compared, selfref = 0, 0
    for wi, W in ipairs(WORD_LISTS) do
      for _, rt_first in ipairs(compare.retweet_offsets(post)) do
        for _, all_quoted in ipairs({ false, true }) do
          for _, score in ipairs({ 0, THRESHOLD }) do
            for _, names in ipairs({ false, NAMES }) do
              local a = analysis_of(post, W, rt_first or nil, all_quoted, score)
              analyze_self(a, names or nil)
              local want = a.self
              if want.own > 0 then
                local compiled = names and lint.phrases(names) or nil
                local got_ref, more, turns, external = post:self(a, compiled)
                local firsts = first_person_matches(a)
                for _, m in ipairs(more or {}) do
                  firsts[#firsts + 1] = m
                end
                compared = compared + 1
                if want.selfref then
                  selfref = selfref + 1
                end
                local d
                if got_ref ~= (want.selfref and true or false) then
                  d = "selfref " .. tostring(got_ref)
                elseif turns ~= (want.turns and true or false) then
                  d = "turns " .. tostring(turns)
                elseif external ~= want.external then
                  d = "external " .. tostring(external)
                elseif not compare.same_ranges(firsts, want.first_person) then
                  d = #firsts .. " first-person matches, not " .. #want.first_person
                end
                if d then
                  report("lists %d, rt %s, all quoted %s, score %d, names %s: %s", wi,
                    tostring(rt_first), tostring(all_quoted), score, tostring(names and true), d)
                end
              end
            end
          end
        end
      end
    end
    done(compared, selfref)
  end,
}
