-- post:title_words (src/lua/api_analysis.c) against the plain Lua that rules/lib/analysis.lua
-- ran before the host answered it (segments and title_case, as they were). For each post it
-- tries every sentence's words, all the post's words and every other word, split and whole,
-- with a list of stopwords, one with a metatable, and none; each difference is a warning,
-- and one info finding counts the lists compared and those with words in title case. Wrong
-- arguments must raise errors. Used by test_words_outside.py.
local compare = require("lib.compare")
local same_list = compare.same_list
local raises = compare.raises
local STOP = { the = true, ["and"] = true, of = true, a = true, ["for"] = true, to = true }
local LAZY_STOP = setmetatable({}, { __index = function(_, norm) return STOP[norm] end })

-- the plain Lua, as it was
local function title_case(words, skip_first, stop)
  local counted, caps = 0, 0
  for i, w in ipairs(words) do
    if (i > 1 or not skip_first) and #w.text >= 3 and not (stop and stop[w.norm])
      and w.text:match("%a") then
      counted = counted + 1
      if w.capital or w.text:find("%u") then
        caps = caps + 1
      end
    end
  end
  return counted >= 2 and caps / counted >= 0.6
end

local function segments(post, list)
  local text, words = post.text, post.words
  local out, current = {}, {}
  local prev
  for _, i in ipairs(list) do
    local w = words[i]
    if prev then
      local from = prev.last + 1
      if not (w.first == from + 1 and text:byte(from) == 32) then
        local gap = text:sub(from, w.first - 1)
        if gap:find("\n") or gap:find("%s%-+%s") or gap:find(":", 1, true)
          or gap:find("|", 1, true) or gap:find("—", 1, true) or gap:find("–", 1, true) then
          out[#out + 1] = current
          current = {}
        end
      end
    end
    current[#current + 1] = i
    prev = w
  end
  if #current > 0 then
    out[#out + 1] = current
  end
  return out
end

local function plain(post, list, stop, split)
  local out = {}
  for _, seg in ipairs(split and segments(post, list) or { list }) do
    local ws = {}
    for k, i in ipairs(seg) do
      ws[k] = post.words[i]
    end
    if #seg > 0 and title_case(ws, true, stop) then
      for _, i in ipairs(seg) do
        out[#out + 1] = i
      end
    end
  end
  return out
end

return {
  id = "title-diff",
  severity = "warning",
  summary = "post:title_words as the plain Lua says",
  docs = "A test rule: reports a list whose title words differ from the plain Lua.",

  check = function(post, ctx)
    local lists = {}
    for _, s in ipairs(post.sentences) do
      local list = {}
      for i = s.first_word, s.last_word do
        list[#list + 1] = i
      end
      lists[#lists + 1] = list
    end
    local all, every_other = {}, {}
    for i = 1, #post.words do
      all[#all + 1] = i
      if i % 2 == 1 then
        every_other[#every_other + 1] = i
      end
    end
    lists[#lists + 1], lists[#lists + 2] = all, every_other
    local compared, titled = 0, 0
    for _, list in ipairs(lists) do
      for _, stop in ipairs({ STOP, LAZY_STOP, false }) do
        for _, split in ipairs({ true, false }) do
          local want = plain(post, list, stop or nil, split)
          local got = post:title_words(list, stop or nil, split)
          compared = compared + 1
          titled = titled + (#want > 0 and 1 or 0)
          if not same_list(want, got) then
            ctx:report{ message = string.format("%s split=%s: want {%s}, got {%s}",
              post.text:sub(post.body.first, post.body.first + 60):gsub("\n", " "),
              tostring(split), table.concat(want, ","), table.concat(got, ",")) }
          end
        end
      end
    end
    -- wrong arguments
    local n = #post.words
    local bad = 0
    bad = bad + (raises(function() post:title_words({ n + 1 }) end, "not the index") and 0 or 1)
    bad = bad + (raises(function() post:title_words({ 0 }) end, "not the index") and 0 or 1)
    bad = bad + (raises(function() post:title_words({ "x" }) end, "not the index") and 0 or 1)
    bad = bad + (raises(function() post:title_words({}, "stop") end, "table expected") and 0 or 1)
    local liar = setmetatable({}, { __len = function() return (1 << 61) + 1 end })
    bad = bad + (raises(function() post:title_words(liar) end, "title_words") and 0 or 1)
    if bad > 0 then
      ctx:report{ message = string.format("%d wrong arguments were not refused", bad) }
    end
    ctx:report{ severity = "info", message = string.format("compared %d %d", compared, titled) }
  end,
}
