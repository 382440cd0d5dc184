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

-- Whether f() raises an error whose message contains the Lua pattern.
function M.raises(f, pattern)
  local ok, err = pcall(f)
  return not ok and tostring(err):find(pattern) ~= nil
end

return M
