-- Mass-mentioning: tagging many accounts in one post reads as spam and gets posts hidden.
local platforms = require("lib.platforms")

return {
  id = "mention-limit",
  summary = "Do not mention more accounts than a conversation needs",
  docs = [[
Tagging a crowd of accounts in one post pings people who did not ask to be part of it; networks
treat it as spam (X and Bluesky limit or hide mass mentions) and readers skip it. The rule
counts the @mentions of each thread part (`@user` and `@user@server`) and reports those past
`max` (default 5). Mentions at the very start of a reply are counted too.

Bad:   Great panel with @ana @ben @cleo @dev @eli @fay @gus!
Good:  Great panel today - thank you all (tagging the moderator, @ana).

The suggestion removes the mentions past the maximum; thank the rest in a reply.]],
  severity = "warning",
  options = { max = 5 },

  check = function(post, ctx)
    platforms.report_excess(post, ctx, post.mentions, ctx.options.max, "mention")
  end,

  tests = {
    valid = {
      "Thanks @ana and @ben for the review!",
      "Panel: @a1 @b2 @c3 @d4 @e5",
      { text = "@a1 @b2 @c3", options = { max = 3 } },
    },
    invalid = {
      { text = "Great panel with @ana @ben @cleo @dev @eli @fay @gus!",
        errors = { { message = "^7 mentions; at most 5$", line = 1, column = 44 } } },
      { text = "Hi @ana@mastodon.social @ben@example.org", options = { max = 1 }, errors = 1 },
    },
  },
}
