-- Several links in one post split attention, and networks down-rank posts full of links.
local platforms = require("lib.platforms")

return {
  id = "link-limit",
  summary = "One post, one place to go: limit the links",
  docs = [[
Each extra link in a post splits the reader's attention and makes the post look like an
aggregator; several networks show a preview card for one link only. The rule counts the links
of each thread part (bare URLs, `<autolinks>` and Markdown `[text](url)` links) and reports
those past `max` (default 2).

Bad:   Read https://a.example/1 and https://b.example/2 and https://c.example/3
Good:  The one piece worth your time this week: https://a.example/1

The suggestion removes the links past the maximum; move them to a reply or a thread part.]],
  severity = "warning",
  options = { max = 2 },

  check = function(post, ctx)
    platforms.report_excess(post, ctx, post.links, ctx.options.max, "link", nil,
      " and move the rest to a reply")
  end,

  tests = {
    valid = {
      "Worth reading: https://a.example/1",
      "Compare https://a.example/1 with https://b.example/2",
      "One part https://a.example/1 https://b.example/2\n\n---\n\nTwo https://c.example/3",
    },
    invalid = {
      { text = "Read https://a.example/1 and https://b.example/2 and [this](https://c.example/3)",
        errors = { { message = "^3 links; at most 2$", line = 1, column = 54 } } },
      { text = "See https://a.example/1 and https://b.example/2", options = { max = 1 },
        errors = 1 },
      -- links inside a bare URL's text: their removals overlap, and are made one
      { text = "http://g(http://d[](e) [](h)", options = { max = 1 },
        errors = { { message = "^4 links; at most 1$" } } },
      { text = "http://g(http://d[](e) [](h)", errors = { { message = "^4 links; at most 2$" } } },
    },
  },
}
