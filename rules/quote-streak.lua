-- Golden rule 1 (seed 004) at calendar scale: "I would unfollow anyone who persistently just
-- tweets quotes". One quotation is a post without you in it; a run of them is an account
-- without you in it.
local analysis = require("lib.analysis")
local calendar = require("lib.calendar")
local edit = require("lib.edit")

return {
  id = "quote-streak",
  summary = "Several bare quotes in a row in the calendar",
  docs = [[
"Personally I would unfollow anyone who persistently just tweets quotes." Readers forgive one
quotation; a feed of them says there is nobody behind the account.

The rule puts the repository's dated posts in calendar order (front matter `scheduled:` or
`date:`, or a dated file name) and looks for runs of bare quotes (the judgment of
no-bare-quote, with its `min_words`). A run longer than `max_in_row` is reported on each of
its posts being linted. Any post of your own words between them breaks the run.

Bad (three days in a row):
    "Stay hungry, stay foolish." — Steve Jobs
    "Simplicity is the ultimate sophistication." — Leonardo da Vinci
    "Culture eats strategy for breakfast." — Peter Drucker

Good: say what one of the quotes means to you, or post something of your own between them.]],
  severity = "warning",
  options = { max_in_row = 2, min_words = 3 },

  check_set = function(posts, ctx)
    local o = ctx.options
    local dated = calendar.dated(posts)
    local i = 1
    while i <= #dated do
      local j = i
      while j <= #dated and analysis.is_bare_quote(analysis.of(dated[j]), o.min_words) do
        j = j + 1
      end
      local run = j - i
      if run > o.max_in_row then
        for k = i, j - 1 do
          local p = dated[k]
          if p.linted then
            local a = analysis.of(p)
            local first, last
            if a.quote.token then
              first, last = a.quote.token.first, a.quote.token.last
            else
              first, last = edit.first_line(p)
            end
            ctx:report{
              post = p,
              message = string.format("%d bare quotes in a row (%s to %s): this is post %d "
                .. "of them; add your own words to it or post something of yours between them",
                run, calendar.day(dated[i]), calendar.day(dated[j - 1]), k - i + 1),
              first = first, last = last,
              suggestions = { { title = "Say what the quote means to you and ask readers",
                edits = { edit.insert(edit.body_end(p), "\n\n" .. analysis.phrase(a, "quote")) } } },
            }
          end
        end
      end
      i = math.max(j, i + 1)
    end
  end,
}
