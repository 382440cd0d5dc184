-- "1/5 ... 5/5": numbered threads whose markers are missing, out of order or wrong in total.
local platforms = require("lib.platforms")

return {
  id = "thread-numbering",
  summary = "Thread markers count 1/N, 2/N, ... N/N without gaps",
  docs = [[
A numbered thread promises readers where they are: "3/5" means two parts came before and two
follow. Parts get added, removed and reordered while drafting, and the numbers drift. The rule
looks at threads whose parts (separated by `---` lines, or starting with a marker) carry
numbered markers - `1/5`, `(2/5)`, `🧵 3/5` or `4/` - and reports each marker that is out of
order or has the wrong total, and each part that lacks one.

It only speaks when the post is clearly a numbered thread: at least two parts with markers,
and at least half of the markers already in their right place (so "1/2 cup flour" on two lines
of a recipe is left alone).

Fix (safe): renumber - each part gets its position, and the total is the number of parts
(markers written without a total, like `2/`, stay without one).

Bad:   1/3 Intro ... 2/3 Middle ... 2/3 End ... (a fourth part without a marker)
Good:  1/4 Intro ... 2/4 Middle ... 3/4 End ... 4/4 Thanks]],
  severity = "warning",
  fixable = true,
  options = {},

  check = function(post, ctx)
    local parts = post.parts
    if #parts < 2 then
      return
    end
    local markers, count, in_place, with_total = {}, 0, 0, false
    for i, part in ipairs(parts) do
      local m = platforms.marker(post, part)
      markers[i] = m
      if m then
        count = count + 1
        if m.n == i then
          in_place = in_place + 1
        end
        with_total = with_total or m.total ~= nil
      end
    end
    if count < 2 or in_place * 2 < count then
      return
    end
    local total = #parts
    for i, part in ipairs(parts) do
      local want = with_total and string.format("%d/%d", i, total) or string.format("%d/", i)
      local m = markers[i]
      if not m then
        local first = platforms.part_range(post, part)
        ctx:report{
          message = string.format("Part %d of %d has no thread marker", i, total),
          first = first, last = first - 1,
          fix = { { first = first, last = first - 1, text = want .. " " } },
        }
      elseif m.text ~= want then
        local message
        if m.n ~= i then
          message = string.format("Thread marker %s is out of order: this is part %d of %d",
            m.text, i, total)
        else
          message = string.format("Thread marker %s: the thread has %d parts", m.text, total)
        end
        ctx:report{ message = message, first = m.first, last = m.last,
          fix = { { first = m.first, last = m.last, text = want } } }
      end
    end
  end,

  tests = {
    valid = {
      "1/3 Intro\n\n2/3 Middle\n\n3/3 End",
      "1/ Intro\n\n2/ Middle\n\n3/ End",
      "🧵 (1/2) Intro\n---\n(2/2) End",
      "A single post mentioning 1/2 of the budget.",
      -- a recipe, not a thread: the numbers are fractions
      "Mix 1/2 cup flour\n1/4 cup milk\n1/3 cup sugar",
    },
    invalid = {
      { text = "1/3 Intro\n\n2/3 Middle\n\n2/3 End",
        errors = { { message = "^Thread marker 2/3 is out of order: this is part 3 of 3$",
          line = 5, column = 1 } },
        output = "1/3 Intro\n\n2/3 Middle\n\n3/3 End" },
      { text = "1/3 Intro\n\n2/3 Middle\n\n3/3 End\n\n---\n\nThanks for reading",
        errors = { { message = "the thread has 4 parts", line = 1 }, { line = 3 }, { line = 5 },
          { message = "^Part 4 of 4 has no thread marker$", line = 9 } },
        output = "1/4 Intro\n\n2/4 Middle\n\n3/4 End\n\n---\n\n4/4 Thanks for reading" },
      { text = "---\nplatform: x\n---\n🧵 1/ Start\n\n2/ Next\n\n4/ Skipped one",
        errors = { { message = "^Thread marker 4/ is out of order: this is part 3 of 3$", line = 8 } },
        output = "---\nplatform: x\n---\n🧵 1/ Start\n\n2/ Next\n\n3/ Skipped one" },
    },
  },
}
