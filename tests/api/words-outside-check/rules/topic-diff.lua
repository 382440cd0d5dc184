-- post:topic (src/lua/api_analysis.c) against the plain Lua that rules/lib/analysis.lua ran
-- before the host answered it (analyze_topic's run of names and repeated word, as they were).
-- For each post it tries all words, every other word, the words from the third on and those
-- without a capital (the repeated word decides), with sets plain, behind a metatable, and
-- none, in English and not; each difference is a warning, and one info finding counts the
-- lists compared and the topics found. Wrong arguments must raise errors. Used by
-- test_words_outside.py.
local compare = require("lib.compare")
local raises = compare.raises
local SKIP = { think = true, should = true, launched = true, read = true }
local STOP = { the = true, ["and"] = true, of = true, this = true, here = true, you = true }
local LAZY = setmetatable({}, { __index = function(_, norm) return STOP[norm] end })

-- the plain Lua, as it was
local function plain(post, own, skip, stopwords, english)
  local sentences, words = post.sentences, post.words
  local best, best_len, run, run_len, prev = nil, 0, nil, 0, nil
  for _, i in ipairs(own) do
    local w = words[i]
    local name = w.capital
    if name then
      local s = w.sentence and sentences[w.sentence]
      local initial = s and s.first_word == i
      name = not initial and not w.text:match("^%u+$") and not skip[w.norm]
        and not stopwords[w.norm]
    end
    if name then
      if run_len > 0 and prev == i - 1 then
        run_len = run_len + 1
        run[run_len] = w.text
      else
        if run_len > best_len then
          best, best_len = run, run_len
        end
        run, run_len = { w.text }, 1
      end
      prev = i
    end
  end
  if run_len > best_len then
    best = run
  end
  if best then
    return table.concat(best, " ")
  end
  local counts, first_seen = {}, {}
  for _, i in ipairs(own) do
    local n = words[i].norm
    if not skip[n] and not stopwords[n] and #n >= 4 and n:find("%a")
      and not (english and (n:sub(-2) == "ed" or n:sub(-3) == "ing" or n:sub(-2) == "ly"))
      and lint.graphemes(n) >= 4 then
      counts[n] = (counts[n] or 0) + 1
      first_seen[n] = first_seen[n] or i
    end
  end
  local pick
  for n, c in pairs(counts) do
    if c >= 2 and (not pick or c > counts[pick]
      or (c == counts[pick] and first_seen[n] < first_seen[pick])) then
      pick = n
    end
  end
  return pick
end

return {
  id = "topic-diff",
  severity = "warning",
  summary = "post:topic as the plain Lua says",
  docs = "A test rule: reports a list whose topic differs from the plain Lua.",

  check = function(post, ctx)
    local all, every_other, from_third, lower = {}, {}, {}, {}
    for i = 1, #post.words do
      all[#all + 1] = i
      if not post.words[i].capital then
        lower[#lower + 1] = i -- no names: the repeated word decides
      end
      if i % 2 == 0 then
        every_other[#every_other + 1] = i
      end
      if i >= 3 then
        from_third[#from_third + 1] = i
      end
    end
    local compared, found = 0, 0
    for _, list in ipairs({ all, every_other, from_third, lower }) do
      for _, sets in ipairs({ { SKIP, STOP }, { LAZY, LAZY }, { {}, {} } }) do
        for _, english in ipairs({ true, false }) do
          local want = plain(post, list, sets[1], sets[2], english)
          local got = post:topic(list, sets[1], sets[2], english)
          compared = compared + 1
          found = found + (want and 1 or 0)
          if want ~= got then
            ctx:report{ message = string.format("%s english=%s: want %s, got %s",
              post.text:sub(post.body.first, post.body.first + 60):gsub("\n", " "),
              tostring(english), tostring(want), tostring(got)) }
          end
        end
      end
    end
    local bad = 0
    bad = bad + (raises(function() post:topic({ #post.words + 1 }) end, "not the index") and 0 or 1)
    bad = bad + (raises(function() post:topic({}, 7) end, "table expected") and 0 or 1)
    if bad > 0 then
      ctx:report{ message = string.format("%d wrong arguments were not refused", bad) }
    end
    ctx:report{ severity = "info", message = string.format("compared %d %d", compared, found) }
  end,
}
