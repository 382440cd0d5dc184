-- "!!!" and a post full of exclamation marks: excitement that reads as noise.
local platforms = require("lib.platforms")

return {
  id = "exclamation-overuse",
  summary = "One exclamation mark at a time, and few of them",
  docs = [[
Runs of exclamation marks ("Great news!!!") read as shouting or spam, and a post where every
sentence ends in "!" loses the emphasis it wanted. The rule reports:

- a run of two or more "!" after a word (`!?` and `?!` are left alone). Fix (safe): one "!".
- more than `max` (default 2) exclamations in one thread part, from the first one past the
  maximum. Suggestion: end those sentences with a full stop.

Only prose counts: code, URLs and quotations are skipped.

Bad:   We did it!!! Thank you all! Best team ever! See you soon!
Good:  We did it! Thank you all - see you soon.]],
  severity = "warning",
  fixable = true,
  options = { max = 2 },

  check = function(post, ctx)
    local text = post.text
    local at = text:find("!", post.body.first, true)
    if not at then
      return -- most posts: no need to look at the words
    end
    local per_part = {}
    local words = post.words
    -- each "!" right after a word: the word is found by the host (post:word_at), so only
    -- the words before a "!" have their tables made
    while at do
      local i = post:word_at(at - 1)
      local w = i and words[i]
      local run_end = at
      if w and w.last == at - 1 and not w.quoted then
        while text:sub(run_end + 1, run_end + 1) == "!" do
          run_end = run_end + 1
        end
        local mixed = text:sub(run_end + 1, run_end + 1) == "?" or text:sub(at - 1, at - 1) == "?"
        if run_end > at and not mixed then
          ctx:report{
            message = string.format("%d exclamation marks in a row", run_end - at + 1),
            first = at, last = run_end,
            fix = { { first = at, last = run_end, text = "!" } },
          }
        end
        per_part[w.part] = per_part[w.part] or {}
        table.insert(per_part[w.part], { first = at, last = run_end })
      end
      at = text:find("!", run_end + 1, true)
    end
    local max = ctx.options.max
    for part, marks in pairs(per_part) do
      if #marks > max then
        local edits = {}
        for k = max + 1, math.min(#marks, max + 500) do
          edits[#edits + 1] = { first = marks[k].first, last = marks[k].last, text = "." }
        end
        ctx:report{
          message = string.format("%d exclamations in %s; keep at most %d", #marks,
            #post.parts > 1 and ("part " .. part) or "the post", max),
          first = marks[max + 1].first, last = marks[#marks].last,
          suggestions = { { title = string.format("End the last %d of those sentences with a "
            .. "full stop", #marks - max), edits = edits } },
        }
      end
    end
  end,

  tests = {
    valid = {
      "We shipped it! Thank you all.",
      "Wait, what?! Really!?",
      "`rm -rf /tmp/x!!` is not prose",
      "Look at https://example.com/a!!b for details.",
      { text = "Yes! Yes! Yes!", options = { max = 3 } },
      "One! Two!\n\n---\n\nThree! Four!",
    },
    invalid = {
      { text = "Great news!!! We launch today.",
        errors = { { message = "^3 exclamation marks in a row$", line = 1, column = 11 } },
        output = "Great news! We launch today." },
      { text = "We did it! Thank you all! Best team ever! See you soon!",
        errors = { { message = "^4 exclamations in the post; keep at most 2$", column = 41 } } },
      { text = "Wow!! Nice!!", errors = 2, output = "Wow! Nice!" },
    },
  },
}
