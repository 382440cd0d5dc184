-- Seed 003: cross-posting the same words everywhere is marketing, not conversation. Each
-- platform has its own readers, length and manners; a post written for all of them is
-- written for none.
local calendar = require("lib.calendar")
local edit = require("lib.edit")

-- The post's platforms as one key ("linkedin,x"): posts with the same key are not compared.
local function platform_key(post)
  local list = {}
  for _, p in ipairs(post.platforms) do
    list[#list + 1] = p
  end
  table.sort(list)
  return table.concat(list, ",")
end

-- "0%" .. "100%": a similarity's share as the message writes it, each made when first
-- reported (made up front, the 101 strings cost every run 250,000 instructions: 5% of a
-- one-post lint).
local PERCENT = {}
local function percent_of(similarity)
  local n = math.floor(similarity * 100 + 0.5)
  local text = PERCENT[n]
  if not text then
    text = n .. "%"
    PERCENT[n] = text
  end
  return text
end

-- The fields of each matched post's collected data that lint.nearest_posts copies into its
-- match.
local CARRY = { "first", "last" }

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

  -- Runs on every post in the per-post pass: its shingles (sorted, one per line), their
  -- count, its platforms and where a report goes; nil for a post too short to judge.
  collect = function(post, ctx)
    local shingles, words = post:shingles(ctx.options.shingle)
    if words < ctx.options.min_words then
      return nil
    end
    local first, last = edit.first_line(post)
    return { shingles = shingles, platforms = platform_key(post), first = first, last = last }
  end,

  check_set = function(posts, ctx)
    local o = ctx.options
    -- (the message's parts and the suggestion are made once, and each message is joined in
    -- one concatenation: a calendar of 100,000 posts reports some 66,000 cross-posts, where
    -- string.format's number conversion and its pieces were a third of the report loop)
    local tail = "): cross-posting one text unchanged is marketing, not conversation; "
      .. "write it for this platform's readers"
    local suggestions = { { title = "Rewrite it for this platform: its length, its tone, "
      .. "one question for its readers" } }
    -- lint.nearest_posts finds, for each linted post, the most similar post of other
    -- platforms (Jaccard similarity of the collected shingle sets, with a prefix filter in
    -- C, reading the sets where the host keeps them): posts built from the same sentences
    -- make a pairwise search in Lua quadratic in practice, and a calendar's sets copied into
    -- Lua cost more than the search.
    -- Each match carries where its post's report goes (`first`, `last`): reading
    -- p.collected for them decoded the post's whole data, its shingles too (at 100,000
    -- posts, a sixth of the rule's time).
    local nearest = lint.nearest_posts(posts, o.threshold, "shingles", "platforms", CARRY)
    -- each message made once per post matched and share: posts built from the same
    -- sentences match the same few (10,000 posts: 6,658 reports, 1,473 posts matched)
    local messages = {}
    -- one report table for every report (ctx:report copies what it reads): a table each
    -- was garbage the collector walked again and again over a calendar's heap
    local report = { post = false, message = false, first = 0, last = 0,
                     suggestions = suggestions }
    for i, p in ipairs(posts) do
      local match = nearest[i]
      if match and p.linted then -- (most posts of a calendar have no match: asked first)
        local share = percent_of(match.similarity)
        local of_share = messages[share]
        if not of_share then
          of_share = {}
          messages[share] = of_share
        end
        local message = of_share[match.index]
        if not message then
          local other = posts[match.index]
          local where = other.platforms[1] and table.concat(other.platforms, ", ")
            or "no platform"
          message = share .. " the same as " .. calendar.name(other) .. " (" .. where .. tail
          of_share[match.index] = message
        end
        report.post, report.message, report.first, report.last =
          p, message, match.first, match.last
        ctx:report(report)
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
      -- three posts matching post1 (one message made for two of them), one at a lower share
      { posts = { to("x", CLUB), to("linkedin", CLUB), to("mastodon", CLUB),
                  to("threads", CLUB2) },
        errors = { { path = "post1.md", message = "^100%% the same as post2.md %(linkedin%)" },
                   { path = "post2.md", message = "^100%% the same as post1.md %(x%)" },
                   { path = "post3.md", message = "^100%% the same as post1.md %(x%)" },
                   { path = "post4.md", message = "^%d%d%% the same as post1.md %(x%)" } } },
    },
  },
}
