-- Helpers for rules across posts (check_set): the posts in calendar order.
--
--   local calendar = require("lib.calendar")
--   for _, p in ipairs(calendar.dated(posts)) do ... end   -- posts with a time, oldest first
local M = {}

-- The last list sorted, and the posts it was made from: every rule across posts of a run
-- asks for the same calendar, and sorting thousands of posts is most of what two of them do
-- in the pre-commit hook. Posts are read-only, so the same posts sort the same way. Weak:
-- the memo never keeps a run's posts alive (a post collected is a miss, never a wrong hit).
local WEAK = { __mode = "v" }
-- times are seconds since 1970, before it too: shifted to sort as digits of one width
local TIME_OFFSET = 1 << 62
local last_posts, last_dated = setmetatable({}, WEAK), setmetatable({}, WEAK)

local function copy(list, mt)
  local out = setmetatable({}, mt)
  for i = 1, #list do
    out[i] = list[i]
  end
  return out
end

local function same_list(a, b)
  if #a ~= #b then
    return false
  end
  for i = 1, #a do
    if a[i] ~= b[i] then
      return false
    end
  end
  return true
end

-- The posts that have a time (front matter `scheduled`/`date`, or a dated file name),
-- sorted by time, then path (a stable order for posts scheduled at the same moment). A new
-- list each call: callers may change it.
function M.dated(posts)
  if same_list(posts, last_posts) then
    return copy(last_dated)
  end
  -- one string per post that sorts as (time, path) does, so that table.sort compares in C
  -- instead of calling a Lua function a hundred thousand times for 10,000 posts; the index
  -- keeps two posts with the same time and path apart
  local keys, by_key = {}, {}
  for i, p in ipairs(posts) do
    local t = p.time
    if t then
      local key = string.format("%020d\0%s\0%d", t + TIME_OFFSET, p.path, i)
      keys[#keys + 1] = key
      by_key[key] = p
    end
  end
  table.sort(keys)
  local out = {}
  for i, key in ipairs(keys) do
    out[i] = by_key[key]
  end
  last_posts, last_dated = copy(posts, WEAK), copy(out, WEAK)
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
