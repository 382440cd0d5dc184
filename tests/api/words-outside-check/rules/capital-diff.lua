-- word.capital (src/lua/api_post.c) against the test rules/lib/analysis.lua made in Lua
-- before the host answered it, for every word of every post: each difference is a warning,
-- and one info finding counts the words compared, the capitals, and those not ASCII. Used by test_words_outside.py.
local function is_upper_initial(text) -- the plain Lua, as it was
  local b = text:byte(1)
  if b and b < 0x80 then
    local b2 = text:byte(2)
    if not b2 or b2 < 0x80 or b2 > 0xBF then
      return b >= 65 and b <= 90
    end
  end
  if text:sub(1, 1):match("%u") then
    return true
  end
  local first = text:match("^[%z\1-\127\194-\244][\128-\191]*")
  return first ~= nil and #first > 1 and lint.fold(first) ~= first
end

return {
  id = "capital-diff",
  severity = "warning",
  summary = "word.capital as the plain Lua says",
  docs = "A test rule: reports a word whose capital field differs from the plain Lua.",

  check = function(post, ctx)
    local compared, capitals, wide = 0, 0, 0
    for _, w in ipairs(post.words) do
      compared = compared + 1
      if w.capital then
        capitals = capitals + 1
        wide = wide + (w.text:byte(1) >= 0x80 and 1 or 0)
      end
      if (w.capital or false) ~= is_upper_initial(w.text) then
        ctx:report{ message = string.format("%q: capital %s", w.text, tostring(w.capital)),
          first = w.first, last = w.last }
      end
    end
    ctx:report{ severity = "info",
      message = string.format("compared %d %d %d", compared, capitals, wide) }
  end,
}
