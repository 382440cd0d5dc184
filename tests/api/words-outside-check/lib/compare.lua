-- What the check rules of this plugin share: comparing lists, and whether a call raises.
local M = {}

-- Whether two lists hold the same values in the same order.
function M.same_list(x, y)
  if #x ~= #y then
    return false
  end
  for k = 1, #x do
    if x[k] ~= y[k] then
      return false
    end
  end
  return true
end

-- Whether two lists of ranges ({ first, last, text }: matches, signs) are the same ranges of
-- the same text, in the same order.
function M.same_ranges(x, y)
  if #x ~= #y then
    return false
  end
  for k = 1, #x do
    if x[k].first ~= y[k].first or x[k].last ~= y[k].last or x[k].text ~= y[k].text then
      return false
    end
  end
  return true
end

-- Whether f() raises an error whose message contains the Lua pattern.
function M.raises(f, pattern)
  local ok, err = pcall(f)
  return not ok and tostring(err):find(pattern) ~= nil
end

-- Where a check tries retweeted text: none, at the first "RT", and (with mid) mid-text.
function M.retweet_offsets(post, mid)
  local offsets = { false }
  if mid then
    offsets[#offsets + 1] = #post.text // 2
  end
  local rt = post.text:find("RT", 1, true)
  if rt then
    offsets[#offsets + 1] = rt
  end
  return offsets
end

-- A reporter of differences for a check rule's post: report(format, ...) reports the first
-- five as warnings; done(compared, having) reports the info finding "compared N M" that
-- test_words_outside.py reads.
function M.differences(ctx)
  local reported = 0
  local function report(format, ...)
    if reported < 5 then
      reported = reported + 1
      ctx:report{ message = string.format(format, ...), first = 1, last = 1 }
    end
  end
  local function done(compared, having)
    ctx:report{ severity = "info", message = "compared " .. compared .. " " .. having,
      first = 1, last = 1 }
  end
  return report, done
end

return M
