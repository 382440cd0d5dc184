-- Helpers the pack's rules share (loaded with require("lib.lines")).
local M = {}

-- Whether only spaces and tabs stand between the start of the line and offset pos.
function M.starts_line(text, pos)
  local i = pos - 1
  while i >= 1 do
    local c = text:sub(i, i)
    if c == "\n" then
      return true
    elseif c ~= " " and c ~= "\t" then
      return false
    end
    i = i - 1
  end
  return true
end

-- The line number of offset pos (1-based).
function M.line_of(text, pos)
  local _, n = text:sub(1, pos - 1):gsub("\n", "")
  return n + 1
end

return M
