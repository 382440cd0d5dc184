-- What the platform rules share: the platforms a post is for, its thread parts and their
-- numbered markers ("1/5", "(2/5)", "🧵 3/"), and per-platform option tables.
--
--   local platforms = require("lib.platforms")
--   for _, name in ipairs(platforms.of(post)) do ... end   -- known platforms only
--   platforms.limit_for(post, ctx.options.max, DEFAULTS)   -- the strictest number, or nil
local M = {}

M.known = { x = true, mastodon = true, bluesky = true, threads = true, linkedin = true,
  facebook = true, instagram = true }
M.names = { "x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram" }

-- The post's known platforms, in order, without duplicates.
function M.of(post)
  local out, seen = {}, {}
  for _, p in ipairs(post.platforms) do
    if M.known[p] and not seen[p] then
      seen[p] = true
      out[#out + 1] = p
    end
  end
  return out
end

-- The smallest per-platform number for the post's platforms: `option` (from config, may be
-- a number for every platform or a partial table) first, then `defaults`. Returns the number
-- and the platform it comes from, or nil when the post names no platform with a number.
function M.limit_for(post, option, defaults)
  local best, from
  for _, p in ipairs(M.of(post)) do
    local n
    if type(option) == "number" then
      n = option
    elseif type(option) == "table" and option[p] ~= nil then
      n = option[p]
    else
      n = defaults[p]
    end
    if type(n) == "number" and (not best or n < best) then
      best, from = n, p
    end
  end
  return best, from
end

-- The range of part i without the blank lines around it: first, last (last < first when the
-- part is empty).
function M.part_range(post, part)
  local text = post.text
  local first, last = part.first, part.last
  while first <= last and text:sub(first, first):match("%s") do
    first = first + 1
  end
  while last >= first and text:sub(last, last):match("%s") do
    last = last - 1
  end
  return first, last
end

-- The thread marker at the start of a part: { first, last, n, total (or nil), text }, or nil.
-- first/last cover the numbers only ("2/5"), so renumbering keeps brackets and emoji.
function M.marker(post, part)
  local first, last = M.part_range(post, part)
  if last < first then
    return nil
  end
  local line = post.text:sub(first, math.min(last, first + 40))
  local prefix = line:match("^\240\159\167\181%s*") or "" -- U+1F9F5 thread
  local rest = line:sub(#prefix + 1)
  local open = rest:match("^%(") and 1 or 0
  local n, total, after = rest:sub(open + 1):match("^(%d+)/(%d*)()")
  if not n or #n > 4 then
    return nil
  end
  local ends = rest:sub(open + after)
  if ends ~= "" and not ends:match("^%)?[%s]") and not ends:match("^%)?$") then
    return nil
  end
  local mfirst = first + #prefix + open
  local mlast = mfirst + #n + #total
  return { first = mfirst, last = mlast, n = tonumber(n), total = total ~= "" and tonumber(total) or nil,
    text = post.text:sub(mfirst, mlast) }
end

-- Tokens of a list that lie in part i (tokens carry their part number).
function M.in_part(list, i)
  local out = {}
  for _, t in ipairs(list) do
    if t.part == i then
      out[#out + 1] = t
    end
  end
  return out
end

-- An edit removing a token and the space before it (or after it at a line start).
function M.remove(post, t)
  local text = post.text
  local first, last = t.first, t.last
  if first > 1 and text:sub(first - 1, first - 1):match("[ \t]") then
    first = first - 1
    while first > 1 and text:sub(first - 1, first - 1):match("[ \t]") do
      first = first - 1
    end
  elseif text:sub(last + 1, last + 1):match("[ \t]") then
    last = last + 1
  end
  return { first = first, last = last, text = "" }
end

-- Reports each thread part holding more than max of tokens (hashtags, mentions, links), with
-- a suggestion that removes those past max. noun names one token ("hashtag"); where ends the
-- message (" on x") and rest the suggestion's title; both may be nil.
function M.report_excess(post, ctx, tokens, max, noun, where, rest)
  for i = 1, #post.parts do
    local found = M.in_part(tokens, i)
    if #found > max then
      local edits = {}
      for k = max + 1, math.min(#found, max + 500) do -- edits per suggestion are capped
        local e, prev = M.remove(post, found[k]), edits[#edits]
        if prev and e.first <= prev.last then
          -- tokens that overlap (a link inside a bare URL's text) or share the space between
          -- them: one removal of both, since a suggestion's edits must not overlap
          prev.last = math.max(prev.last, e.last)
        else
          edits[#edits + 1] = e
        end
      end
      ctx:report{
        message = string.format("%d %ss; at most %d%s", #found, noun, max, where or ""),
        first = found[max + 1].first, last = found[#found].last,
        suggestions = { { title = string.format("Keep the first %d %s%s%s", max, noun,
          max == 1 and "" or "s", rest or ""), edits = edits } },
      }
    end
  end
end

return M
