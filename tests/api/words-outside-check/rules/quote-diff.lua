-- post:quote (src/lua/api_quote.c) against the plain Lua that rules/lib/analysis.lua ran
-- before the host answered it (analyze_quote and its helpers, as they were, below). Word
-- lists stand in for lib/words.lua's (a plugin cannot require the built-in modules): in
-- English, German and Japanese (searched as substrings). For each post it tries every
-- combination of retweeted text (none, at "RT"), the whole post quoted or not, and tagged as
-- a quotation or not; each difference is a warning, and one info finding counts the analyses
-- compared and those with words of the poster's own left. Used by test_words_outside.py.
local compare = require("lib.compare")
local plain_lua = require("lib.plain")
local lower_bound = plain_lua.lower_bound
local person_set = plain_lua.person_set
local is_person = plain_lua.is_person
local find = plain_lua.find
local covered_by = plain_lua.covered_by

local LISTS = {
  framing = { "as they say", "quote of the day", "via", "zitat", "名言" },
  interjections = { "wow", "so true", "yes", "すごい" },
  first_person = { "i", "my", "we", "私" },
  second_person = { "you", "your", "あなた" },
  stopwords = { "the", "and", "of", "a", "for", "to", "in", "with", "this", "said" },
}

local function word_lists(lang, substring)
  return plain_lua.word_lists(LISTS, lang, substring)
end

local WORD_LISTS = { word_lists("en", false), word_lists("de", false), word_lists("ja", true) }

-- ---- the plain Lua, as it was ----

local NO_WORDS = {}

local DASH_PREFIXES = { "—", "–", "―", "--", "-", "~" }
local DASH_CODES = { [0x2D] = true, [0x2014] = true, [0x2013] = true, [0x2015] = true,
  [0x7E] = true }

-- text without leading spaces, emoji and symbols (but not dashes, letters or digits), as
-- in '🎶 — The Beatles'; looks at the first few characters only
local function skip_decoration(text)
  local skip = 0
  local ok = pcall(function()
    for pos, c in utf8.codes(text) do
      if pos > 64 or DASH_CODES[c] or (c < 0x80 and string.char(c):match("[%w@#]")) then
        return
      end
      local ch = utf8.char(c)
      if c >= 0x80 and lint.words(ch)[1] then
        return -- a letter of another script
      end
      skip = pos + #ch - 1
    end
  end)
  if not ok then
    return text
  end
  return text:sub(skip + 1)
end

local function starts_with_dash(text)
  local b = text:byte(1)
  if b ~= 0x2D and b ~= 0x7E and b ~= 0xE2 then
    return false -- "-", "~", or the lead byte of the three long dashes
  end
  for _, d in ipairs(DASH_PREFIXES) do
    if text:sub(1, #d) == d then
      return true
    end
  end
  return false
end

local function analyze_quote(a)
  local post, W = a.post, a.W
  local q = { quoted = false }
  a.quote = q
  local longest
  for _, t in ipairs(a.quote_tokens) do
    if t.text:sub(1, 1) ~= "@" and (not longest or #t.text > #longest.text) then
      longest = t
    end
  end
  if not longest and not a.quote_tagged then
    return
  end
  q.quoted = true
  q.token = longest
  q.tagged = a.quote_tagged
  if a.all_quoted then
    q.remaining = {}
    return
  end
  -- whether word i lies within quotation marks
  local words, word_span = post.words, a.word_span
  local function inside(i)
    local t = word_span[i]
    return t and words[i].last <= t.last or false
  end
  local removed = {}
  covered_by(a, "framing", removed)
  covered_by(a, "interjections", removed)
  -- RT markers and retweeted framing around a retweeted quotation
  if a.rt_first then
    for i, w in ipairs(post.words) do
      if w.first >= a.rt_first and (w.norm == "rt" or w.norm == "mt"
        or W.sets.interjections[w.norm]) then
        removed[i] = true
      end
    end
  end
  -- attribution: after a dash following the quotation, or "Name:" before it
  local sentences = post.sentences
  local function attribution_sentence(si)
    local s = sentences[si]
    local words, person = {}, false
    for i = s.first_word, s.last_word do
      local w = post.words[i]
      if not inside(i) then
        words[#words + 1] = i
        if is_person(W, w) then
          person = true
        end
      end
    end
    return words, person
  end
  local maxlast = a.quote_index.maxlast -- the latest end among the quotations 1..k
  for si, s in ipairs(sentences) do
    local dash, after_quote = false, false
    -- the quotations that end near this sentence: the last few starting before its end
    local top = lower_bound(a.quote_tokens, s.last + 1) - 1
    local near = NO_WORDS
    if top >= 1 and maxlast[top] >= s.first - 24 then
      -- (else none of them ends within 24 bytes of its start or later: most sentences)
      near = {}
      for k = top, 1, -1 do
        near[#near + 1] = a.quote_tokens[k]
        if #near == 4 then
          break
        end
      end
    end
    for _, t in ipairs(near) do
      -- the attribution follows the quotation closely: only decoration in between
      if t.last < s.first and s.first - t.last <= 24
        and not post.text:sub(t.last + 1, s.first - 1):find("%w") then
        after_quote = true
      end
      -- the dash can also sit inside the quote's own sentence: '"..." - Name'
      if t.last >= s.first and t.last < s.last then
        local rest = skip_decoration(post.text:sub(t.last + 1, s.last))
        if starts_with_dash(rest) then
          dash, after_quote = true, true
        end
      end
    end
    -- the sentence's own lead dash matters only after a quotation (most sentences are not)
    if after_quote and not dash then
      dash = starts_with_dash(skip_decoration(post.text:sub(s.first, s.last)))
    end
    if dash and after_quote then
      local words, person = attribution_sentence(si)
      if #words <= 7 and not person then
        for _, i in ipairs(words) do
          removed[i] = true
        end
      end
    end
  end
  -- "Kawasaki: "..."" - a name and a colon right before the quotation
  for _, t in ipairs(a.quote_tokens) do
    local before = post.text:sub(math.max(post.body.first, t.first - 200), t.first - 1)
    -- the text after the last line break (a pattern anchored only at the end, "[^\n]*$",
    -- is tried from every offset: quadratic, and a tenth of the patterns' time)
    local cut = 0
    repeat
      local nl = before:find("\n", cut + 1, true)
      cut = nl or cut
    until not nl
    local line = before:sub(cut + 1)
    if line:match(":%s*$") then
      local n = 0
      for _ in line:gmatch("[^%s:]+") do
        n = n + 1
      end
      if n <= 4 then
        for i, w in ipairs(post.words) do
          if w.last < t.first and w.first >= t.first - #line then
            removed[i] = true
          end
        end
      end
    end
  end
  -- the words left of the poster's own: only whether there are any counts in the end, and
  -- four or more are never all taken for an attribution below, so the first four will do
  local remaining = {}
  for i = 1, #words do
    local w = words[i]
    if not removed[i] and not w.link and not inside(i) then
      remaining[#remaining + 1] = w
      if #remaining == 4 then
        break
      end
    end
  end
  -- a lone name left over at the end ("... #SXSW Lavelle") is an attribution too, and so is
  -- a short trailing name in a post tagged as a quotation ('"..." margaret lee #quotes')
  local person, person_words = false, person_set(W)
  for _, w in ipairs(remaining) do
    if person_words[w.norm] then
      person = true
      break
    end
  end
  if a.quote_tagged and #remaining <= 3 and not person then
    remaining = {}
  end
  if #remaining <= 2 then
    local all_names = true
    for _, w in ipairs(remaining) do
      if not w.capital or W.sets.stopwords[w.norm] then
        all_names = false
      end
    end
    if all_names then
      remaining = {}
    end
  end
  q.remaining = remaining -- the first (up to four) words of the poster's own, or none
end

-- ---- the comparison ----

local function analysis_of(post, W, rt_first, all_quoted, tagged)
  local a = plain_lua.analysis(post, W, rt_first, all_quoted)
  a.quote_tagged = tagged
  return a
end

-- The first difference between two answers, or nil.
local function difference(got, want)
  for _, field in ipairs({ "quoted", "token", "tagged" }) do
    if not rawequal(got[field], want[field]) then
      return string.format("%s is %s, not %s", field, tostring(got[field]), tostring(want[field]))
    end
  end
  if (got.remaining == nil) ~= (want.remaining == nil) then
    return "remaining is " .. tostring(got.remaining)
  end
  if want.remaining then
    if #got.remaining ~= #want.remaining then
      return #got.remaining .. " words remaining, not " .. #want.remaining
    end
    for k, w in ipairs(want.remaining) do
      if not rawequal(got.remaining[k], w) then
        return "remaining word " .. k .. " is " .. tostring(got.remaining[k].text)
      end
    end
  end
  return nil
end

return {
  id = "quote-diff",
  severity = "warning",
  summary = "post:quote answers as the plain Lua did",
  docs = "A test rule: reports each analysis that differs from the plain Lua.",

  check = function(post, ctx)
    local report, done = compare.differences(ctx)
    local compared, remaining = 0, 0
    for wi, W in ipairs(WORD_LISTS) do
      for _, rt_first in ipairs(compare.retweet_offsets(post)) do
        for _, all_quoted in ipairs({ false, true }) do
          for _, tagged in ipairs({ false, true }) do
            local a = analysis_of(post, W, rt_first or nil, all_quoted, tagged)
            analyze_quote(a)
            local want = a.quote
            local got = post:quote(a)
            compared = compared + 1
            if want.remaining and #want.remaining > 0 then
              remaining = remaining + 1
            end
            local d = difference(got, want)
            if d then
              report("lists %d, rt %s, all quoted %s, tagged %s: %s", wi, tostring(rt_first),
                tostring(all_quoted), tostring(tagged), d)
            end
          end
        end
      end
    end
    done(compared, remaining)
  end,
}
