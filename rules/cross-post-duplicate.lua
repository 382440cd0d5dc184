-- Seed 003: cross-posting the same words everywhere is marketing, not conversation. Each
-- platform has its own readers, length and manners; a post written for all of them is
-- written for none.
local calendar = require("lib.calendar")
local edit = require("lib.edit")

-- The post's words (folded) as a set of `k`-word shingles, and its size.
local function shingles(post, k)
  local norms = {}
  for _, w in ipairs(post.words) do
    norms[#norms + 1] = w.norm
  end
  local set, n = {}, 0
  if #norms == 0 then
    return set, 0, 0
  end
  local span = math.min(k, #norms)
  for i = 1, #norms - span + 1 do
    local s = table.concat(norms, " ", i, i + span - 1)
    if not set[s] then
      set[s] = true
      n = n + 1
    end
  end
  return set, n, #norms
end

local function platform_key(post)
  local list = {}
  for _, p in ipairs(post.platforms) do
    list[#list + 1] = p
  end
  table.sort(list)
  return table.concat(list, ",")
end

-- Posts for the tests below.
local function to(platform, text)
  return "---\nplatform: " .. platform .. "\n---\n" .. text .. "\n"
end
local CLUB = "We moved our book club from Thursdays to Sunday mornings and attendance doubled. "
  .. "What time works best for yours?"
local CLUB2 = "We moved our book club from Thursdays to Sunday mornings and attendance nearly "
  .. "doubled! What time works for yours? #books"

return {
  id = "cross-post-duplicate",
  summary = "The same text posted to another platform unchanged",
  docs = [[
Cross-posting one text unchanged to several platforms is marketing, not conversation: each
platform's readers expect their own length, tone and conventions, and followers on two of
them see the same words twice.

The rule compares each post being linted with every post of the repository that targets other
platforms. Texts are compared as sets of `shingle`-word sequences (folded words; links,
hashtags and mentions left out), and two posts whose Jaccard similarity is at least
`threshold` (0 to 1) are near-duplicates. Posts of fewer than `min_words` words are not
compared.

Bad: posts/x/launch.md and posts/linkedin/launch.md with the same paragraph.
Good: the LinkedIn post tells the story behind the launch; the X post asks one question.]],
  severity = "warning",
  options = { threshold = 0.6, shingle = 2, min_words = 8 },

  check_set = function(posts, ctx)
    local o = ctx.options
    -- Candidates by a prefix filter (PPJoin, Xiao et al. 2008), so that common word pairs
    -- ("of the") do not make every post a candidate of every other. Two posts with Jaccard
    -- similarity >= threshold share at least ceil(threshold * n) of the n shingles of each;
    -- with the shingles of every post in one order (rarest first), the first shingle they
    -- share is then among the first n - ceil(threshold * n) + 1 of both. Only those
    -- prefixes are indexed; candidates are verified by counting their shingles in common.
    local info, df = {}, {}
    for i, p in ipairs(posts) do
      local set, n, words = shingles(p, o.shingle)
      if words >= o.min_words then
        info[i] = { set = set, n = n, platforms = platform_key(p) }
        for s in pairs(set) do
          df[s] = (df[s] or 0) + 1
        end
      end
    end
    local index = {}
    for i = 1, #posts do
      local mine = info[i]
      if mine then
        -- sort keys of the count (fixed width) and the shingle: table.sort compares them
        -- itself, much faster than with a Lua comparator
        local keyed = {}
        for s in pairs(mine.set) do
          keyed[#keyed + 1] = string.format("%09d %s", df[s], s)
        end
        table.sort(keyed)
        -- the overlap needed, rounded down a little for floating point (a longer prefix
        -- only costs time)
        local need = math.max(1, math.ceil(o.threshold * mine.n - 1e-7))
        local prefix = {}
        for k = 1, mine.n - need + 1 do
          local s = keyed[k]:sub(11)
          prefix[k] = s
          local list = index[s]
          if not list then
            list = {}
            index[s] = list
          end
          list[#list + 1] = i
        end
        mine.prefix = prefix
      end
    end
    -- Jaccard similarity is at most min(n, m) / max(n, m): posts of very different sizes
    -- cannot reach the threshold (with a margin for rounding)
    local low = o.threshold - 1e-9
    for i, p in ipairs(posts) do
      local mine = info[i]
      if p.linted and mine then
        local shared = {}
        for _, s in ipairs(mine.prefix) do
          for _, j in ipairs(index[s]) do
            local other = info[j]
            if j ~= i and not shared[j] then
              shared[j] = 0
              -- only posts for other platforms count
              if other.platforms ~= mine.platforms
                and math.min(mine.n, other.n) >= low * math.max(mine.n, other.n) then
                local small, large = mine.set, other.set
                if other.n < mine.n then
                  small, large = large, small
                end
                local count = 0
                for sh in pairs(small) do
                  if large[sh] then
                    count = count + 1
                  end
                end
                shared[j] = count
              end
            end
          end
        end
        local best, best_j = -1, nil
        for j, count in pairs(shared) do
          local other = info[j]
          local sim = count / (mine.n + other.n - count)
          if count > 0 and other.platforms ~= mine.platforms and sim >= o.threshold
            and (sim > best or (sim == best and posts[j].path < posts[best_j].path)) then
            best, best_j = sim, j
          end
        end
        if best_j then
          local other = posts[best_j]
          local where = other.platforms[1] and table.concat(other.platforms, ", ") or "no platform"
          local first, last = edit.first_line(p)
          ctx:report{
            post = p,
            message = string.format("%d%% the same as %s (%s): cross-posting one text "
              .. "unchanged is marketing, not conversation; write it for this platform's readers",
              math.floor(best * 100 + 0.5), calendar.name(other), where),
            first = first, last = last,
            suggestions = { { title = "Rewrite it for this platform: its length, its tone, "
              .. "one question for its readers" } },
          }
        end
      end
    end
  end,

  tests = {
    valid = {
      { posts = { to("x", CLUB), to("linkedin", "I rewrote our onboarding checklist after three "
        .. "new starters got lost on day one. What helped you most in your first week?") } },
      { posts = { to("x", CLUB), to("x", CLUB2) } },           -- one platform: not a cross-post
      { posts = { to("x", "Sunday club?"), to("linkedin", "Sunday club?") } }, -- too short to judge
      { posts = { to("x", CLUB), to("linkedin", CLUB2) }, options = { threshold = 0.95 } },
    },
    invalid = {
      { posts = { to("x", CLUB), to("linkedin", CLUB2) },
        errors = { { path = "post1.md", message = "^%d+%% the same as post2.md %(linkedin%)",
                     line = 4, column = 1 },
                   { path = "post2.md", message = "the same as post1.md %(x%)" } } },
      { posts = { { text = to("x", CLUB), linted = false }, to("mastodon", CLUB) },
        errors = { { path = "post2.md", message = "^100%% the same" } } },
    },
  },
}
