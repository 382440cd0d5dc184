-- Golden rule 3 (seed 004) at calendar scale: "adopt a pull method instead of push". One
-- offer among useful posts is fine; a calendar crowded with offers is a sales channel.
local analysis = require("lib.analysis")
local calendar = require("lib.calendar")
local edit = require("lib.edit")

local DAY = 86400

-- A post scheduled on a day of December 2026 (for the tests below).
local function on(day, text)
  return string.format("---\nscheduled: 2026-12-%02d\n---\n%s\n", day, text)
end
local PUSH1 = "Black Friday: 40% off everything, buy now! https://shop.example.com"
local PUSH2 = "Last chance: 40% off ends tonight, shop now! https://shop.example.com"

return {
  id = "promo-ratio",
  summary = "Too many sales pushes scheduled around this one",
  docs = [[
"People are sick and tired of receiving messages that are pushed onto them." A single offer
among useful, personal posts is welcome; a calendar where every few posts is an offer turns
the account into an advert that people mute.

For each sales push being linted (the same judgment as no-sales-push, at `threshold` points),
the rule counts the posts scheduled within `window_days` days around it (half before, half
after: front matter `scheduled:` or `date:`, or a dated file name like 2026-12-01-launch.md)
across the whole repository. When more than `max_percent` percent of them are sales pushes,
and the window holds at least `min_posts` posts, the push is reported. Posts without a date
are not part of the calendar.

Bad (a week of posts/):
    2026-12-01  "Black Friday: 40% off everything, buy now!"
    2026-12-02  "Last chance: 40% off ends tonight, shop now!"
    2026-12-03  "Which gift did you love getting as a child?"

Good: one offer in a fortnight of posts that give readers something to respond to.]],
  severity = "warning",
  options = { max_percent = 20, window_days = 14, min_posts = 3, threshold = 3 },

  -- Runs on every post, linted or not, in the per-post pass (where lib.analysis already
  -- analysed it for the golden rules): nil for a post that is not a sales push, else where
  -- to report and what to suggest.
  collect = function(post, ctx)
    local a = analysis.of(post)
    if not analysis.is_sales_push(a, ctx.options.threshold) then
      return nil
    end
    local cta, any
    for _, f in ipairs(a.sales.found) do
      any = any or f.match
      if f.category == "cta" and not cta then
        cta = f.match
      end
    end
    local at = cta or any
    local first, last
    if at then
      first, last = at.first, at.last
    else
      first, last = edit.first_line(post)
    end
    return { first = first, last = last, pull = cta and analysis.phrase(a, "pull") or nil }
  end,

  check_set = function(posts, ctx)
    local o = ctx.options
    -- push[k]: whether dated[k]'s collect returned data, that is, it is a sales push
    local dated, linted, push = calendar.dated(posts)
    local function count(from, to)
      local c = 0
      for k = from, to do
        if push[k] then c = c + 1 end
      end
      return c
    end
    local function report_if_crowded(p, n, pushes)
      if n >= o.min_posts and pushes * 100 > o.max_percent * n then
        local push = p.collected
        local suggestions = { { title = "Move it to a week with fewer offers, or make it a post "
          .. "readers can answer" } }
        if push.pull then
          suggestions[1].edits = { { first = push.first, last = push.last, text = push.pull } }
        end
        ctx:report{
          post = p,
          message = string.format("%d of the %d posts scheduled within %d days around %s are "
            .. "sales pushes (%d%%, more than %d%%): the calendar pushes instead of pulling",
            pushes, n, o.window_days, calendar.day(p), pushes * 100 // n, o.max_percent),
          first = push.first, last = push.last,
          suggestions = suggestions,
        }
      end
    end
    -- the first position in [from, to] whose time is after t (or at least t, with `at`),
    -- to + 1 when none: a commit's post is found in its window without a walk from the
    -- calendar's start
    local function first_past(t, from, to, at)
      local a, b = from, to + 1
      while a < b do
        local mid = (a + b) // 2
        local time = dated[mid].time
        if time < t or (not at and time == t) then
          a = mid + 1
        else
          b = mid
        end
      end
      return a
    end
    local half = o.window_days * DAY / 2
    -- the window [time - half, time + half] slides forward with i; pushes counts [lo, hi]
    local lo, hi, pushes = 1, 0, 0
    -- only the posts being linted are reported on: in a commit, one of thousands
    for _, i in ipairs(linted) do
      local p = dated[i]
      if push[i] then
        local new_hi = first_past(p.time + half, hi + 1, #dated) - 1
        local new_lo = first_past(p.time - half, lo, i, true)
        if new_lo > hi then
          pushes = count(new_lo, new_hi)
        else
          pushes = pushes - count(lo, new_lo - 1) + count(hi + 1, new_hi)
        end
        lo, hi = new_lo, new_hi
        report_if_crowded(p, hi - lo + 1, pushes)
      end
    end
  end,

  tests = {
    valid = {
      { posts = { on(1, PUSH1), on(2, "Which gift did you love getting as a child? Tell me yours."),
        on(3, "We tested three standing desks for a month. The cheapest won. Which do you use?"),
        on(4, "Our team answered 400 questions last week. What should we write a guide on?"),
        on(5, "I fixed the squeaky stairs with talcum powder. Any other old-house tricks?"),
        on(6, "Ten minutes of reading before bed changed my mornings. What do you read?") } },
      -- the same two pushes three weeks apart: too few posts around either to judge
      { posts = { on(1, PUSH1), on(2, "Which gift did you love getting as a child?"),
        on(24, PUSH2), on(25, "What is the best present you ever gave?") } },
      -- a looser limit
      { posts = { on(1, PUSH1), on(2, PUSH2), on(3, "Which gift did you love getting as a child?") },
        options = { max_percent = 70 } },
    },
    invalid = {
      { posts = { on(1, PUSH1), on(2, PUSH2), on(3, "Which gift did you love getting as a child?") },
        errors = { { path = "post1.md", message = "^2 of the 3 posts scheduled within 14 days",
                     line = 4, column = 35 },
                   { path = "post2.md", line = 4 } } },
      -- context posts count, but only linted posts are reported
      { posts = { { text = on(1, PUSH1), linted = false }, on(2, PUSH2),
        on(3, "Which gift did you love getting as a child?") },
        errors = { { path = "post2.md" } } },
      -- two pushes being linted, weeks apart, each among context posts: each is judged by
      -- its own window
      { posts = { { text = on(1, PUSH1), linted = false },
        { text = on(3, "Which gift did you love getting as a child?"), linted = false },
        on(5, PUSH2), { text = on(20, PUSH1), linted = false }, on(21, PUSH2),
        { text = on(22, "What is the best present you ever gave?"), linted = false } },
        errors = { { path = "post3.md", message = "^2 of the 3 posts scheduled within 14 days" },
                   { path = "post5.md", message = "^2 of the 3 posts scheduled within 14 days" } } },
    },
  },
}
