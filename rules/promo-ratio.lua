-- Golden rule 3 (seed 004) at calendar scale: "adopt a pull method instead of push". One
-- offer among useful posts is fine; a calendar crowded with offers is a sales channel.
local analysis = require("lib.analysis")
local calendar = require("lib.calendar")
local edit = require("lib.edit")

local DAY = 86400

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

  check_set = function(posts, ctx)
    local o = ctx.options
    local dated = calendar.dated(posts)
    local push = {}
    for i, p in ipairs(dated) do
      push[i] = analysis.is_sales_push(analysis.of(p), o.threshold)
    end
    local half = o.window_days * DAY / 2
    local lo, hi, pushes = 1, 0, 0
    for i, p in ipairs(dated) do
      -- the window [time - half, time + half] slides forward with i
      while hi < #dated and dated[hi + 1].time <= p.time + half do
        hi = hi + 1
        if push[hi] then pushes = pushes + 1 end
      end
      while dated[lo].time < p.time - half do
        if push[lo] then pushes = pushes - 1 end
        lo = lo + 1
      end
      local n = hi - lo + 1
      if push[i] and p.linted and n >= o.min_posts and pushes * 100 > o.max_percent * n then
        local a = analysis.of(p)
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
          first, last = edit.first_line(p)
        end
        local suggestions = { { title = "Move it to a week with fewer offers, or make it a post "
          .. "readers can answer" } }
        if cta then
          suggestions[1].edits = { { first = cta.first, last = cta.last,
            text = analysis.phrase(a, "pull") } }
        end
        ctx:report{
          post = p,
          message = string.format("%d of the %d posts scheduled within %d days around %s are "
            .. "sales pushes (%d%%, more than %d%%): the calendar pushes instead of pulling",
            pushes, n, o.window_days, calendar.day(p), pushes * 100 // n, o.max_percent),
          first = first, last = last,
          suggestions = suggestions,
        }
      end
    end
  end,
}
