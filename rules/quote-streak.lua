-- Golden rule 1 (seed 004) at calendar scale: "I would unfollow anyone who persistently just
-- tweets quotes". One quotation is a post without you in it; a run of them is an account
-- without you in it.
local analysis = require("lib.analysis")
local calendar = require("lib.calendar")
local edit = require("lib.edit")

-- A post scheduled on a day of December 2026 (for the tests below).
local function on(day, text)
  return string.format("---\nscheduled: 2026-12-%02d\n---\n%s\n", day, text)
end
local Q1 = "“Stay hungry, stay foolish.” — Steve Jobs"
local Q2 = "“Simplicity is the ultimate sophistication.” — Leonardo da Vinci"
local Q3 = "“Culture eats strategy for breakfast.” — Peter Drucker"

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

  -- Runs on every post in the per-post pass: nil unless the post is a bare quote, else
  -- where to report and the closing question to suggest.
  collect = function(post, ctx)
    local a = analysis.of(post)
    if not analysis.is_bare_quote(a, ctx.options.min_words) then
      return nil
    end
    local first, last
    if a.quote.token then
      first, last = a.quote.token.first, a.quote.token.last
    else
      first, last = edit.first_line(post)
    end
    return { first = first, last = last, body_end = edit.body_end(post),
      question = analysis.phrase(a, "quote") }
  end,

  check_set = function(posts, ctx)
    local o = ctx.options
    -- bare[k]: whether dated[k]'s collect returned data, that is, it is a bare quote
    local dated, linted, bare = calendar.dated(posts)
    -- only the runs that hold a post being linted are walked: in a commit, one of thousands
    local next_k = 1 -- the first position no run reported so far covers
    for _, k in ipairs(linted) do
      if k >= next_k and bare[k] then
        -- the whole run of bare quotes that holds post k: [i, j - 1]
        local i, j = k, k + 1
        while i > 1 and bare[i - 1] do
          i = i - 1
        end
        while j <= #dated and bare[j] do
          j = j + 1
        end
        local run = j - i
        if run > o.max_in_row then
          for m = k, j - 1 do
            local q = dated[m]
            if q.linted then
              local bare = q.collected
              ctx:report{
                post = q,
                message = string.format("%d bare quotes in a row (%s to %s): this is post %d "
                  .. "of them; add your own words to it or post something of yours between "
                  .. "them", run, calendar.day(dated[i]), calendar.day(dated[j - 1]), m - i + 1),
                first = bare.first, last = bare.last,
                suggestions = { { title = "Say what the quote means to you and ask readers",
                  edits = { edit.insert(bare.body_end, "\n\n" .. bare.question) } } },
              }
            end
          end
        end
        next_k = j
      end
    end
  end,

  tests = {
    valid = {
      { posts = { on(1, Q1), on(2, Q2) } },
      { posts = { on(1, Q1), on(2, Q2),
        on(3, "We tried a four-day week this summer. Meetings shrank first. Would it work for you?"),
        on(4, Q3) } },
      -- calendar order, not file order: the own post falls between the quotes
      { posts = { on(1, Q1), on(3, Q2), on(4, Q3),
        on(2, "We tried a four-day week this summer. Meetings shrank first. Would it work for you?") } },
      { posts = { on(1, Q1), on(2, Q2), on(3, Q3) }, options = { max_in_row = 3 } },
    },
    invalid = {
      { posts = { on(3, Q3), on(1, Q1), on(2, Q2) },
        errors = { { path = "post1.md", message = "^3 bare quotes in a row %(2026%-12%-01 to 2026%-12%-03%): this is post 3",
                     line = 4, column = 1 },
                   { path = "post2.md", message = "this is post 1" },
                   { path = "post3.md", message = "this is post 2" } } },
      { posts = { { text = on(1, Q1), linted = false }, { text = on(2, Q2), linted = false }, on(3, Q3) },
        errors = 1 },
      -- two runs, each with one post being linted among context posts: both are reported,
      -- each with its place in its own run
      { posts = { { text = on(1, Q1), linted = false }, on(2, Q2), { text = on(3, Q3), linted = false },
        { text = on(4, "We tried a four-day week this summer. Would it work for you?"), linted = false },
        on(5, Q1), { text = on(6, Q2), linted = false }, { text = on(7, Q3), linted = false } },
        errors = { { path = "post2.md", message = "^3 bare quotes in a row %(2026%-12%-01 to 2026%-12%-03%): this is post 2" },
                   { path = "post5.md", message = "^3 bare quotes in a row %(2026%-12%-05 to 2026%-12%-07%): this is post 1" } } },
    },
  },
}
