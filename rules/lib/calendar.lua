-- Helpers for rules across posts (check_set): the posts in calendar order.
--
--   local calendar = require("lib.calendar")
--   for _, p in ipairs(calendar.dated(posts)) do ... end   -- posts with a time, oldest first
local M = {}

-- The posts that have a time (front matter `scheduled`/`date`, or a dated file name),
-- sorted by time, then path (a stable order for posts scheduled at the same moment). A new
-- list each call: callers may change it. Sorted in C (lint.dated): key strings and
-- table.sort here were most of what two rules did in the pre-commit hook, with the
-- repository's other posts as context. Also the positions of the posts being linted, and
-- for a rule with collect whether each post has data (lint.dated's three lists).
function M.dated(posts)
  return lint.dated(posts)
end

-- "2026-12-01" for a post's time.
function M.day(post)
  return os.date("!%Y-%m-%d", post.time)
end

-- The file name of a post's path, for messages.
function M.name(post)
  -- after the last "/" (found by plain searches: a pattern anchored at the end only, such
  -- as "[^/]+$", is tried from every offset of the path)
  local path, cut = post.path, 0
  repeat
    local slash = path:find("/", cut + 1, true)
    cut = slash or cut
  until not slash
  return cut < #path and path:sub(cut + 1) or path
end

return M
