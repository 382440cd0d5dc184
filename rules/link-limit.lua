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
    local max = ctx.options.max
    for i = 1, #post.parts do
      local links = platforms.in_part(post.links, i)
      if #links > max then
        local edits = {}
        for k = max + 1, math.min(#links, max + 500) do -- edits per suggestion are capped
          edits[#edits + 1] = platforms.remove(post, links[k])
        end
        ctx:report{
          message = string.format("%d links; at most %d", #links, max),
          first = links[max + 1].first, last = links[#links].last,
          suggestions = { { title = string.format("Keep the first %d link%s and move the rest "
            .. "to a reply", max, max == 1 and "" or "s"), edits = edits } },
        }
      end
    end
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
    },
  },
}
