-- lint.dated against the order it stands for, written the plain way: the posts with a time,
-- by time, then path (bytes), then position in the list; and its second list, the positions
-- of the posts whose `linted` is true. Random calendars of plain tables
-- (lint.dated reads post.time and post.path as fields, like the host's posts) with many
-- ties: few distinct times and paths, posts without a time, times before 1970 and far
-- ahead; half of the calendars in path order (the radix sort's case), half not. Also the
-- errors for a post without a path and a time that is not whole. Returns the cases compared
-- and the differences (printed). Called by test_lua_diff.c with the number of calendars.
local calendars = ...
local seed = 4242
local function random(n) -- a small LCG: the same cases on every machine
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

local TIMES = { -86400 * 365 * 80, -1, 0, 1, 1767225600, 1767225601, 1767229200, 4102444800,
  1 << 52 }
-- times on either side of each byte of a 32-bit offset, spanning exactly 2^32 - 1 seconds
-- and then 2^32: the radix sort's passes and its limit
local BYTE_EDGES = { 1000, 1001, 1255, 1256, 66535, 66536, 16778215, 16778216, 4294968295,
  4294968296 }
local PATHS = { "a.md", "b.md", "posts/a.md", "posts/a.md.bak", "posts/é.md", "posts/z.md",
  "Posts/A.md", "posts/a", "x/y/z.md" }

-- The posts that keep(post) accepts, sorted by less(x, y) on posts, ties by position.
local function sorted(posts, keep, less)
  local out = {}
  for i, p in ipairs(posts) do
    if keep(p) then
      out[#out + 1] = { post = p, index = i }
    end
  end
  table.sort(out, function(x, y)
    if less(x.post, y.post) or less(y.post, x.post) then
      return less(x.post, y.post)
    end
    return x.index < y.index
  end)
  for k, e in ipairs(out) do
    out[k] = e.post
  end
  return out
end

local function by_path(x, y)
  return x.path < y.path
end

local function plain_order(posts)
  return sorted(posts, function(p)
    return p.time ~= nil
  end, function(x, y)
    if x.time ~= y.time then
      return x.time < y.time
    end
    return by_path(x, y)
  end)
end

local cases, failures = 0, 0
local function fail(fmt, ...)
  failures = failures + 1
  if failures <= 10 then
    print("# " .. string.format(fmt, ...))
  end
end

-- Whether list got is list want (same length, same items), told once per calendar c;
-- show(item) describes an item.
local function same_lists(c, what, got, want, show)
  if #got ~= #want then
    fail("calendar %d: %d %s, want %d", c, #got, what, #want)
    return
  end
  for k = 1, #want do
    if got[k] ~= want[k] then
      fail("calendar %d, %s, position %d: %s, want %s", c, what, k, show(got[k]), show(want[k]))
      return
    end
  end
end

for c = 1, calendars do
  local posts = {}
  for i = 1, random(60) - 1 do
    local times = c % 4 == 0 and BYTE_EDGES or TIMES
    local t = random(5) > 1 and times[random(math.min(#times, 1 + c % #times))] or nil
    posts[i] = { time = t, path = PATHS[random(1 + c % #PATHS)], linted = random(3) == 1 }
  end
  if c % 2 == 0 then
    -- in path order, as the host hands a calendar over: lint.dated's radix sort by time
    posts = sorted(posts, function()
      return true
    end, by_path)
  end
  local got, linted = lint.dated(posts)
  local want = plain_order(posts)
  cases = cases + #want
  -- the second list: the positions in the first of the posts being linted, ascending
  local want_linted = {}
  for k, p in ipairs(want) do
    if p.linted then
      want_linted[#want_linted + 1] = k
    end
  end
  same_lists(c, "linted positions", linted, want_linted, function(k)
    return string.format("%s", k)
  end)
  same_lists(c, "posts dated", got, want, function(p)
    return string.format("%s %s", p.time, p.path)
  end)
  if got == posts then
    fail("calendar %d: lint.dated returned its argument, not a new list", c)
  end
end

-- the host's posts always have a path and whole seconds; anything else is the rule's bug
local ok, err = pcall(lint.dated, { { time = 1, path = "a.md" }, { time = 2 } })
cases = cases + 1
if ok or not tostring(err):find("post 2 has no path", 1, true) then
  fail("a post without a path: %s", tostring(err))
end
ok, err = pcall(lint.dated, { { time = 1.5, path = "a.md" } })
cases = cases + 1
if ok or not tostring(err):find("not a whole number", 1, true) then
  fail("a time of 1.5 seconds: %s", tostring(err))
end
return cases, failures
