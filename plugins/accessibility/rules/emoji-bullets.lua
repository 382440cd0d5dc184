-- Emoji as list bullets: a screen reader reads each one's name before every line.
local lines = require("lib.lines")

return {
  id = "emoji-bullets",
  summary = "Lists use plain bullets, not emoji",
  docs = [[
A screen reader reads every emoji by its name, so a list with emoji bullets sounds like
"check mark button Faster builds, check mark button Fewer flaky tests, rocket Ships today".

    Bad:               Good:
    ✅ Faster builds   - Faster builds
    ✅ Fewer flakes    - Fewer flakes

Reported when at least `min_lines` lines start with an emoji. The suggestion replaces each
line's leading emoji with the `bullet` text; keep one emoji in the post if it carries
meaning.]],
  severity = "warning",
  options = { min_lines = 2, bullet = "-" },

  check = function(post, ctx)
    local text = post.text
    local bullets = {} -- { first, last } of the leading emoji of each line
    local previous
    for _, e in ipairs(post.emoji) do
      if previous and previous.last + 1 == e.first and bullets[#bullets]
          and bullets[#bullets].last == previous.last then
        bullets[#bullets].last = e.last -- a second emoji right after the bullet: part of it
      elseif lines.starts_line(text, e.first) then
        bullets[#bullets + 1] = { first = e.first, last = e.last }
      end
      previous = e
    end
    if #bullets < ctx.options.min_lines then
      return
    end
    local edits = {}
    for _, b in ipairs(bullets) do
      edits[#edits + 1] = { first = b.first, last = b.last, text = ctx.options.bullet }
    end
    ctx:report{
      message = #bullets .. " lines start with emoji used as bullets: screen readers read "
        .. "each emoji's name before the line",
      first = bullets[1].first, last = bullets[1].last,
      suggestions = { { title = "Use \"" .. ctx.options.bullet .. "\" as the bullet", edits = edits } },
    }
  end,

  tests = {
    valid = {
      "Shipped today 🚀\nThanks to everyone who tested it.",
      "✅ One line starting with an emoji is not a list.",
      "- Faster builds\n- Fewer flaky tests",
    },
    invalid = {
      { name = "check mark list",
        text = "What changed:\n✅ Faster builds\n✅ Fewer flaky tests\n🚀🚀 Ships today",
        errors = { { message = "^3 lines start with emoji", line = 2, column = 1,
                     suggestions = { { output = "What changed:\n- Faster builds\n- Fewer flaky tests\n- Ships today" } } } } },
      { name = "indented bullets", text = "  👉 one\n  👉 two", errors = 1 },
      { name = "min_lines", text = "👉 one", options = { min_lines = 1 }, errors = 1 },
    },
  },
}
