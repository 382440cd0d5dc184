-- Golden rule 3 (seed 004): adopt a pull method instead of push; "does your post focus in on
-- just being a sales message? If so, ditch it".
local analysis = require("lib.analysis")
local edit = require("lib.edit")

-- Every form of price and percentage the analysis looks for, as written and as shown. Its
-- patterns run only where their literal part ("$", "%", "/mo") is in the post: a wrong
-- literal would silently lose a form, so each one is a test case below.
local PRICE_FORMS = {
  { "$49" }, { "49 $" }, { "€49" }, { "49€" }, { "£ 49" }, { "49£" }, { "¥490" }, { "490 ¥" },
  { "円480" }, { "480円" }, { "EUR 49" }, { "49EUR" }, { "USD 49" }, { "49 USD" },
  { "9/mo", "/mo" }, { "9/month", "/month" }, { "9 per month", "per month" },
  { "50% off" }, { "50% OFF" }, { "30 % Rabatt" }, { "20% de descuento" }, { "10% dto" },
  { "15%discount" }, { "20%オフ" }, { "20％オフ" },
}
local function price_cases(cases)
  for _, form in ipairs(PRICE_FORMS) do
    local shown = (form[2] or form[1]):gsub("%p", "%%%0")
    cases[#cases + 1] = { text = "Buy now: " .. form[1],
      errors = { { message = '^Pure sales push %("Buy now", "' .. shown .. '"[,)]' } } }
  end
  return cases
end

return {
  id = "no-sales-push",
  summary = "No pure sales pushes: give readers something to respond to",
  docs = [[
"People are sick and tired of receiving messages that are pushed onto them." A post whose
whole point is an offer - buy, sign up, download, a discount, a deadline, a giveaway - with
nothing useful, personal or open to discussion gets few buyers and no conversation.

The rule weighs push signals in the post (retweeted ad text included, quotations excluded):
calls to action (2 points), giveaways (2), discounts and offers, prices, urgency, launch
announcements, "our"/"we" with any of those, a link with any of those, #ad disclosures (1 each).
At `threshold` points (default 3) the post is a push - unless it also asks readers a genuine
question, which makes it a conversation about the offer.

Bad:
    Want 50% off? Buy now! Only 24 hours left -> https://shop.example/spring

Good:
    We're planning the spring range. Which would you use more: the 1 litre flask or the
    travel mug? (Early pickers get 50% off: https://shop.example/spring)

The suggestion replaces the first call to action with a question about the reader's need.]],
  severity = "warning",
  options = { threshold = 3 },

  check = function(post, ctx)
    local a = analysis.of(post)
    if not analysis.is_sales_push(a, ctx.options.threshold) then
      return
    end
    local shown, seen, cta = {}, {}, nil
    for _, f in ipairs(a.sales.found) do
      local text = post.text:sub(f.match.first, f.match.last)
      local key = lint.fold(text)
      if not seen[key] and #shown < 4 then
        seen[key] = true
        shown[#shown + 1] = edit.quote(text, 30)
      end
      if f.category == "cta" and not cta then
        cta = f.match
      end
    end
    local at = cta or (a.sales.found[1] and a.sales.found[1].match)
    local first, last
    if at then
      first, last = at.first, at.last
    else
      first, last = edit.first_line(post)
    end
    local question = analysis.phrase(a, "pull")
    local suggestion
    if cta then
      suggestion = { title = "Pull, don't push: ask about the reader's need instead",
        edits = { { first = cta.first, last = cta.last, text = question } } }
    else
      local s = analysis.closing_point(a)
      local end_at = s and s.last or (edit.body_end(post) - 1)
      suggestion = { title = "Pull, don't push: ask about the reader's need",
        edits = { edit.insert(end_at + 1, edit.joiner(post, end_at, a.W.lang) .. question) } }
    end
    ctx:report{
      message = "Pure sales push (" .. table.concat(shown, ", ")
        .. "): nothing for readers to respond to",
      first = first, last = last,
      suggestions = { suggestion },
    }
  end,

  tests = {
    valid = {
      "Spent the weekend testing three standing desks. The cheapest one won. Which setup do you use?",
      "Anyone who was going to buy a new phone should donate to the flood appeal instead.",
      "Safeway offering mobile coupons https://news.example.com/coupons",
      "Our new candle range is out today. Which scent are you lighting first?",
      { text = "Sale ends soon, buy now! https://shop.example.com", options = { threshold = 9 } },
    },
    invalid = price_cases({
      { text = "Want 50% off? Buy now! Only 24 hours left -> https://deals.example.com/spring",
        errors = { { message = "^Pure sales push %(.*\"Buy now\"", line = 1, column = 15 } },
        output = "Want 50% off? Buy now! Only 24 hours left -> https://deals.example.com/spring" },
      { text = "Come by our booth 1415 for your chance to win a tablet!", errors = 1 },
      { text = "Nur noch heute: 30 % Rabatt auf alle Gartenmöbel! Jetzt im Onlineshop bestellen.",
        errors = 1 },
      { text = "新商品のいちごタルトが本日発売🍓 1個480円、数量限定。", errors = 1 },
      { text = "Pre-save now: https://lnk.example/papermoons New single out Friday!", errors = 1 },
    }),
  },
}
