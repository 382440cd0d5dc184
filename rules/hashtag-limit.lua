-- Too many hashtags for the network: they crowd out the message and read as spam.
local platforms = require("lib.platforms")

-- Per-network maximums: X and Bluesky readers skim past tag clouds (X's own guidance is one or
-- two); Instagram suggests 3 to 5; Threads allows one topic tag per post; LinkedIn 3 to 5.
local DEFAULTS = { x = 2, bluesky = 2, threads = 1, mastodon = 4, linkedin = 3, facebook = 2,
  instagram = 5 }

return {
  id = "hashtag-limit",
  summary = "No more hashtags than the network's readers tolerate",
  docs = [[
A wall of hashtags buries the message, reads as spam and is noise to screen readers, which
spell out every tag. The rule counts the hashtags of each thread part against a per-network
maximum - x 2, bluesky 2, threads 1, mastodon 4, linkedin 3, facebook 2, instagram 5 - and uses
the strictest one among the post's platforms. Set `max` to a number (every network) or to a
table (`max = { instagram = 10 }`; networks not named keep their defaults).

Bad (platform: x):  New recipe! #food #cooking #recipe #dinner
Good:               New recipe! #cooking

The suggestion removes the hashtags past the maximum (the last ones: keep the tags that
matter most first).]],
  severity = "warning",
  options = { max = {} },

  check = function(post, ctx)
    local max, from = platforms.limit_for(post, ctx.options.max, DEFAULTS)
    if max then
      platforms.report_excess(post, ctx, post.hashtags, max, "hashtag", " on " .. from)
    end
  end,

  tests = {
    valid = {
      { text = "New recipe tonight #cooking #dinner", platform = "x" },
      "No platform, no limit #a1 #b2 #c3 #d4 #e5",
      { text = "Five is fine here #one #two #three #four #five", platform = "instagram" },
      { text = "#one #two #three", platform = "x", options = { max = 3 } },
    },
    invalid = {
      { text = "New recipe tonight #food #cooking #recipe #dinner", platform = "x",
        errors = { { message = "^4 hashtags; at most 2 on x$", line = 1, column = 35 } } },
      { text = "---\nplatform: [instagram, threads]\n---\nLake day #summer #lake", errors = 1 },
      { text = "#a1 #b2 #c3 #d4 #e5 #f6", platform = "instagram",
        options = { max = { instagram = 3 } }, errors = 1 },
    },
  },
}
