-- Helpers for rules across posts (check_set): the posts in calendar order.
--
--   local calendar = require("lib.calendar")
--   for _, p in ipairs(calendar.dated(posts)) do ... end   -- posts with a time, oldest first
local M = {}

-- The posts that have a time (front matter `scheduled`/`date`, or a dated file name),
-- sorted by time, then path (a stable order for posts scheduled at the same moment).
function M.dated(posts)
  local out = {}
  for _, p in ipairs(posts) do
    if p.time then
      out[#out + 1] = p
    end
  end
  table.sort(out, function(x, y)
    if x.time ~= y.time then
      return x.time < y.time
    end
    return x.path < y.path
  end)
  return out
end

-- "2026-12-01" for a post's time.
function M.day(post)
  return os.date("!%Y-%m-%d", post.time)
end

-- The file name of a post's path, for messages.
function M.name(post)
  return post.path:match("[^/]+$") or post.path
end

-- judge(post) over the dated list, as a function of the index: each post is judged at most
-- once, and only when asked, so that linting one post (a commit) does not analyse the whole
-- repository.
function M.memo(dated, judge)
  local known = {}
  return function(k)
    local v = known[k]
    if v == nil then
      v = judge(dated[k])
      known[k] = v
    end
    return v
  end
end

return M
