-- Long runs of emoji: each one is read out by name.

return {
  id = "emoji-runs",
  summary = "No long runs of emoji",
  docs = [[
Screen readers read every emoji by its full name: "🔥🔥🔥🔥" is "fire fire fire fire". One
emoji makes the point.

    Bad:  Launch day 🔥🔥🔥🔥🔥
    Good: Launch day 🔥

Reports more than `max_run` emoji in a row (spaces between them do not break a run). The
suggestion keeps the first one.]],
  severity = "warning",
  options = { max_run = 3 },

  check = function(post, ctx)
    local text = post.text
    local runs, run = {}, nil
    for _, e in ipairs(post.emoji) do
      local between = run and text:sub(run.last + 1, e.first - 1)
      if run and between:match("^[ \t]*$") then
        run.last = e.last
        run.count = run.count + 1
      else
        run = { first = e.first, last = e.last, keep_last = e.last, count = 1 }
        runs[#runs + 1] = run
      end
    end
    for _, r in ipairs(runs) do
      if r.count > ctx.options.max_run then
        ctx:report{
          message = r.count .. " emoji in a row: screen readers read out every one",
          first = r.first, last = r.last,
          suggestions = { {
            title = "Keep one",
            edits = { { first = r.keep_last + 1, last = r.last, text = "" } },
          } },
        }
      end
    end
  end,

  tests = {
    valid = {
      "Launch day 🔥",
      "Three is fine 🎉🎉🎉",
      "Spread out 🔥 across 🔥 the 🔥 text 🔥",
      { text = "🎉🎉🎉🎉🎉", options = { max_run = 5 } },
    },
    invalid = {
      { name = "five in a row", text = "Launch day 🔥🔥🔥🔥🔥",
        errors = { { message = "^5 emoji in a row", column = 12, end_column = 17,
                     suggestions = { { title = "Keep one", output = "Launch day 🔥" } } } } },
      { name = "spaced run", text = "Yes 👏 👏 👏 👏", errors = 1 },
      { name = "two runs", text = "🎉🎉🎉🎉 and 🚀🚀🚀🚀", errors = 2 },
    },
  },
}
