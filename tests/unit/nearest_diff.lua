-- lint.nearest against a brute-force search written the plain way: every wanted item compared
-- with every item of another group, Jaccard similarity of the token sets, the most similar
-- kept (ties to the smaller name, then index); and lint.nearest_posts against lint.nearest on
-- the same items given as posts with collected data. Random corpora are made the way the
-- benchmark's are: from a few "sentences", so that identical sets in one group and across
-- groups, shared prefixes, empty sets and false items all occur. Returns the cases compared and the
-- differences (printed). Called by test_lua_diff.c with the number of corpora.
local corpora = ...
local seed = 12345
local function random(n) -- a small LCG: the same cases on every machine
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

local function token(k) return string.pack("<I8", k * 2654435761 % 4294967296 + 7) end

local function make_set(sentences)
  local seen, list = {}, {}
  for _ = 1, random(4) - 1 do
    for _, k in ipairs(sentences[random(#sentences)]) do
      if not seen[k] then seen[k] = true; list[#list + 1] = k end
    end
  end
  if random(5) == 1 then list[#list + 1] = list[1] end -- a duplicate token counts once
  table.sort(list)
  local parts = {}
  for i, k in ipairs(list) do parts[i] = token(k) end
  return table.concat(parts), seen
end

local function brute(items, sets, threshold)
  local out = {}
  for i, a in ipairs(items) do
    if a and a.want ~= false then
      local best, best_sim
      for j, b in ipairs(items) do
        if j ~= i and b and (a.group or "") ~= (b.group or "") then
          local common, size_a, size_b = 0, 0, 0
          for _ in pairs(sets[i]) do size_a = size_a + 1 end
          for k in pairs(sets[j]) do
            size_b = size_b + 1
            if sets[i][k] then common = common + 1 end
          end
          local sim = common > 0 and common / (size_a + size_b - common) or 0
          if common > 0 and sim >= threshold - 1e-9 and (not best or sim > best_sim
              or (sim == best_sim and ((b.name or "") < (items[best].name or "")
                or ((b.name or "") == (items[best].name or "") and j < best)))) then
            best, best_sim = j, sim
          end
        end
      end
      if best then out[i] = { index = best, similarity = best_sim } end
    end
  end
  return out
end

local cases, failures = 0, 0
for c = 1, corpora do
  local sentences = {}
  for s = 1, 3 + random(12) do
    local words = {}
    for w = 1, random(8) do words[w] = random(40 + c % 60) end
    sentences[s] = words
  end
  local groups = { "x", "linkedin", "mastodon", "linkedin,x" }
  -- odd corpora ask for a few items (lint.nearest compares them with every item), even ones
  -- for most of them (it indexes the prefixes)
  local few = c % 2 == 1
  local items, sets = {}, {}
  -- every 50th corpus is large (hundreds of wanted items): lint.nearest shares its search
  -- out among threads there (test_lua_diff allows three)
  local size = few and 5 + random(60) or c % 50 == 0 and 400 + random(300) or 30 + random(50)
  for i = 1, size do
    if random(15) == 1 then
      items[i], sets[i] = false, {}
    elseif i > 1 and items[i - 1] and random(4) == 1 then
      -- the text of an earlier post again (another platform, or the same): ties
      local k = random(i - 1)
      k = items[k] and k or i - 1
      items[i] = { set = items[k].set, group = groups[random(#groups)],
                   name = string.format("p%03d.md", random(500)),
                   want = not few or random(3) == 1 }
      sets[i] = sets[k]
    else
      local set, members = make_set(sentences)
      local name = random(4) == 1 and "same.md" or string.format("p%03d.md", random(500))
      items[i] = { set = set, group = random(6) > 1 and groups[random(#groups)] or nil,
                   name = name, want = not few and random(8) ~= 1 or few and random(20) == 1 }
      sets[i] = members
    end
  end
  local threshold = ({ 0.3, 0.6, 0.9, 1 })[random(4)]
  local got, want = lint.nearest(items, threshold), brute(items, sets, threshold)
  -- lint.nearest_posts on the same items as posts with collected data: odd corpora with the
  -- sets under other keys, false items as posts without collected data
  local set_key, group_key = c % 2 == 1 and "s" or "shingles", c % 2 == 1 and "g" or "platforms"
  -- (every third corpus, each post's own `first` and `last` carried into its match)
  local posts = {}
  for i, it in ipairs(items) do
    posts[i] = { path = it and it.name, linted = it and it.want,
                 collected = it and { [set_key] = it.set, [group_key] = it.group,
                                      first = i * 3, last = "end " .. i } or nil }
  end
  local carry = c % 3 == 0 and { "last", "first" } or nil
  local got_posts = lint.nearest_posts(posts, threshold, set_key, group_key, carry)
  for i = 1, #items do
    cases = cases + 1
    local g, p = got[i], got_posts[i]
    local carried = p == nil or (carry and p.first == i * 3 and p.last == "end " .. i)
      or (not carry and p.first == nil and p.last == nil)
    if (g == nil) ~= (p == nil) or (g and (g.index ~= p.index or g.similarity ~= p.similarity))
      or not carried
    then
      failures = failures + 1
      if failures <= 10 then
        print(string.format("# corpus %d item %d: lint.nearest %s, lint.nearest_posts %s%s",
          c, i, g and (g.index .. "@" .. g.similarity) or "none",
          p and (p.index .. "@" .. p.similarity) or "none",
          carried and "" or " (its carried fields wrong)"))
      end
    end
  end
  for i = 1, #items do
    cases = cases + 1
    local g, w = got[i], want[i]
    local same = (g == nil and w == nil) or (g and w and g.index == w.index
      and math.abs(g.similarity - w.similarity) < 1e-9)
    if not same then
      failures = failures + 1
      if failures <= 10 then
        print(string.format("# corpus %d item %d (threshold %g): lint.nearest %s, brute force %s",
          c, i, threshold, g and (g.index .. "@" .. g.similarity) or "none",
          w and (w.index .. "@" .. w.similarity) or "none"))
      end
    end
  end
end

-- Fields that metamethods make afresh on every read: the strings have no other owner once read,
-- and the search reads them long after (they were freed under it). The same answers as the
-- plain items, and a post whose collected data is false takes no part, as nil.
do
  local sentences = {}
  for s = 1, 12 do
    local words = {}
    for w = 1, 6 do words[w] = random(50) end
    sentences[s] = words
  end
  local items, proxies, posts = {}, {}, {}
  local groups = { "x", "linkedin", "mastodon" }
  for i = 1, 600 do
    local set = make_set(sentences)
    local item = { set = set, group = groups[random(3)], name = string.format("p%03d.md", i),
                   want = random(3) == 1 }
    items[i] = item
    local function fresh(v) return v and (v .. "#"):sub(1, -2) end -- a new string each time
    proxies[i] = setmetatable({}, { __index = function(_, k)
      return k == "want" and item.want or fresh(item[k])
    end })
    posts[i] = setmetatable({}, { __index = function(_, k)
      if k == "path" then return fresh(item.name) end
      if k == "linted" then return item.want end
      if k == "collected" then
        return setmetatable({}, { __index = function(_, f)
          return fresh(f == "shingles" and item.set or f == "platforms" and item.group or nil)
        end })
      end
    end })
  end
  posts[601] = { path = "false.md", linted = true, collected = false }
  local want = lint.nearest(items, 0.3)
  local got = { lint.nearest(proxies, 0.3),
                lint.nearest_posts(posts, 0.3, "shingles", "platforms") }
  for k, result in ipairs(got) do
    for i = 1, 601 do
      cases = cases + 1
      local g, w = result[i], want[i]
      if (g == nil) ~= (w == nil) or (g and (g.index ~= w.index or g.similarity ~= w.similarity))
      then
        failures = failures + 1
        if failures <= 10 then
          print(string.format("# fields made by metamethods (%s) item %d: %s, plain %s",
            k == 1 and "lint.nearest" or "lint.nearest_posts", i,
            g and (g.index .. "@" .. g.similarity) or "none",
            w and (w.index .. "@" .. w.similarity) or "none"))
        end
      end
    end
  end
end

-- A match has its own index and similarity: carrying fields of those names is an error, as
-- is a list of anything but strings, or of more than 8.
do
  local posts = { { path = "a.md", linted = true, collected = { s = string.rep("\1", 8) } } }
  for _, carry in ipairs({ { "index" }, { "similarity" }, { 1 }, { "a", "b", "c", "d", "e",
                           "f", "g", "h", "i" } }) do
    cases = cases + 1
    local ok, err = pcall(lint.nearest_posts, posts, 0.5, "s", "g", carry)
    if ok or not tostring(err):find("bad argument #5", 1, true) then
      failures = failures + 1
      print(string.format("# carrying %s: %s", table.concat(carry, ","),
        ok and "no error" or tostring(err)))
    end
  end
end
return cases, failures
