-- post:sales and post:sales_signs (src/lua/api_sales.c) against the plain Lua that
-- rules/lib/analysis.lua ran before the host answered them (analyze_sales, its patterns and
-- body_matches, as they were, below). Word lists stand in for lib/words.lua's (a plugin
-- cannot require the built-in modules): matched on word boundaries, and searched as
-- substrings (Japanese). For each post it compares the prices and percentages of each kind,
-- and the score, categories and digits with every combination of retweeted text (none, at
-- "RT", mid-text) and the whole post quoted or not; each difference is a warning, and one
-- info finding counts the analyses compared and those with a score. Used by
-- test_words_outside.py.
local compare = require("lib.compare")
local plain_lua = require("lib.plain")
local span_index = plain_lua.span_index
local find = plain_lua.find
local region = plain_lua.region
local own_options = plain_lua.own_options
local matches = plain_lua.matches
local any_match = plain_lua.any_match
local NOT_QUOTED = plain_lua.NOT_QUOTED

local LISTS = {
  cta = { "buy", "order now", "shop", "sign up", "order", "read this", "check out" },
  imperative_only = { "buy", "shop", "order" },
  giveaway = { "giveaway", "win" },
  offer = { "discount", "sale" },
  urgency = { "today only", "last chance", "now", "stay" },
  launch = { "launch", "new", "launched", "app" },
  entry = { "enter", "comment to win" },
  ownership = { "our", "my shop" },
  non_commercial = { "charity", "open source" },
  customer = { "i bought", "as a customer" },
}
local JAPANESE = { cta = { "購入" }, imperative_only = {}, giveaway = { "プレゼント" },
  offer = { "割引" }, urgency = { "今だけ" }, launch = { "新発売" }, entry = { "応募" },
  ownership = { "当店" }, non_commercial = { "寄付" }, customer = { "買いました" } }

local function word_lists(lists, substring)
  return plain_lua.word_lists(lists, substring and "ja" or "en", substring)
end

local WORD_LISTS = { word_lists(LISTS, false), word_lists(JAPANESE, true) }

-- ---- the plain Lua, as it was ----

local DISCLOSURE_TAGS = {
  ad = true, ads = true, sponsored = true, spon = true, anzeige = true, werbung = true,
  publi = true, publicidad = true, affiliate = true, partner = true, ["pr"] = true,
}

local WEIGHTS = { cta = 2, giveaway = 2, offer = 1, urgency = 1, launch = 1, price = 1,
  disclosure = 1, entry = 1 }
-- signs that a post is not commerce (charity, free software) or is a customer's voice
-- (a list: the order they are taken in is the same every run)
local DISCOUNTS = { { name = "non_commercial", minus = 2 }, { name = "customer", minus = 2 } }

-- Matches of Lua patterns over the body (lower-cased first when `lower`), as ranges.
-- Only the first `count` patterns are tried (all when nil). Each pattern comes with a
-- literal that every match of it contains ("$", "%", "/mo"): a pattern whose literal is not
-- in the body cannot match, and a plain search (memchr) says so for a fraction of the
-- pattern's cost - most bodies have no price or percentage at all.
local function body_matches(a, patterns, lower, count)
  local out = {}
  local from = a.post.body.first
  local body = a.post.text:sub(from, a.post.body.last)
  local subject -- lower-casing keeps every literal below as it is (ASCII "%", non-ASCII)
  for k = 1, count or #patterns do
    local p = patterns[k]
    if body:find(p.literal, 1, true) then
      subject = subject or (lower and body:lower() or body)
      local init = 1
      while true do
        local s, e = subject:find(p.pattern, init)
        if not s then
          break
        end
        out[#out + 1] = { first = from + s - 1, last = from + e - 1, text = body:sub(s, e) }
        init = e + 1
      end
    end
  end
  return out
end

-- Prices and percentages. Currency signs are separate patterns, not a [set]: Lua sets are
-- sets of bytes, and "€" is three of them.
local PRICE_PATTERNS = {
  { pattern = "/mo%f[%W]", literal = "/mo" },
  { pattern = "/month", literal = "/month" },
  { pattern = "per month", literal = "per month" },
}
local PRICE_WORDS = #PRICE_PATTERNS -- the patterns above; all the others need a digit
-- Digit runs start at a frontier (%f[%d]): otherwise the search retries from every digit of
-- a long run of digits, which is quadratic.
for _, c in ipairs({ { "%$", "$" }, { "€" }, { "£" }, { "¥" }, { "円" }, { "EUR" }, { "USD" } }) do
  local sign, literal = c[1], c[2] or c[1]
  PRICE_PATTERNS[#PRICE_PATTERNS + 1] = { pattern = sign .. "%s?%d[%d,%.]*", literal = literal }
  PRICE_PATTERNS[#PRICE_PATTERNS + 1] = { pattern = "%f[%d]%d[%d,%.]*%s?" .. sign,
    literal = literal }
end
local PERCENT_OFF_PATTERNS = {}
for _, tail in ipairs({ "%%%s?off", "%%%s?rabatt", "%%%s?de descuento", "%%%s?dto",
  "%%%s?discount", "%%%s?オフ", "％%s?オフ" }) do
  PERCENT_OFF_PATTERNS[#PERCENT_OFF_PATTERNS + 1] = { pattern = "%f[%d]%d+%s?" .. tail,
    literal = tail:sub(1, 2) == "%%" and "%" or "％" }
end

local SALES_LISTS = { "cta", "giveaway", "offer", "urgency", "launch", "entry" }

-- Whether match m of sales list `name` counts: "buy", "order", "shop" ... are calls to action
-- only as imperatives (a sentence's first word).
local function sales_match_counts(a, name, m)
  if name == "cta" and a.W.sets.imperative_only[lint.fold(m.phrase)] and m.word then
    local w = a.post.words[m.word]
    local s = w.sentence and a.post.sentences[w.sentence]
    return s ~= nil and s.first_word == m.word
  end
  return true
end

-- The signs of a sale found in the post, as { category, match }, in text order (then by
-- category). Those of the lists, prices and percentages, and disclosure tags, outside
-- quotations.
local function sales_found(a, digits)
  local post = a.post
  local body_first, body_last = post.body.first, post.body.last
  local found = {}
  local function add(category, m)
    if region(a, m.first) ~= "quote" then
      found[#found + 1] = { category = category, match = m }
    end
  end
  for _, name in ipairs(SALES_LISTS) do
    for _, m in ipairs(matches(a, name, body_first, body_last, NOT_QUOTED)) do
      if sales_match_counts(a, name, m) then
        add(name, m)
      end
    end
  end
  if digits then
    for _, m in ipairs(body_matches(a, PERCENT_OFF_PATTERNS, true)) do
      add("offer", m)
    end
  end
  for _, m in ipairs(body_matches(a, PRICE_PATTERNS, false, not digits and PRICE_WORDS or nil)) do
    add("price", m)
  end
  for _, h in ipairs(post.hashtags) do
    if DISCLOSURE_TAGS[lint.fold(h.tag)] then
      add("disclosure", h)
    end
  end
  table.sort(found, function(x, y)
    if x.match.first ~= y.match.first then
      return x.match.first < y.match.first
    end
    return x.category < y.category
  end)
  return found
end

-- a sign found outside quotations (of body_matches' or the hashtags)
local function any_outside_quotes(a, list)
  for _, m in ipairs(list) do
    if region(a, m.first) ~= "quote" then
      return true
    end
  end
  return false
end

local function analyze_sales(a)
  local post = a.post
  local body_first, body_last = post.body.first, post.body.last
  local categories, score = {}, 0
  for _, name in ipairs(SALES_LISTS) do
    if name == "cta" then
      for _, m in ipairs(matches(a, name, body_first, body_last, NOT_QUOTED)) do
        if sales_match_counts(a, name, m) then
          categories.cta = true
          break
        end
      end
    elseif any_match(a, name, body_first, body_last, NOT_QUOTED) then
      categories[name] = true
    end
  end
  -- percentages and prices need a digit, which most bodies lack: without one, only the
  -- price patterns of words are tried
  local digit = post.text:find("%d", body_first)
  local digits = digit ~= nil and digit <= body_last
  if digits and any_outside_quotes(a, body_matches(a, PERCENT_OFF_PATTERNS, true)) then
    categories.offer = true
  end
  if any_outside_quotes(a, body_matches(a, PRICE_PATTERNS, false,
    not digits and PRICE_WORDS or nil)) then
    categories.price = true
  end
  for _, h in ipairs(post.hashtags) do
    if DISCLOSURE_TAGS[lint.fold(h.tag)] and region(a, h.first) ~= "quote" then
      categories.disclosure = true
    end
  end
  local others = 0
  for category in pairs(categories) do
    score = score + WEIGHTS[category]
    others = others + 1
  end
  if others > 0 then
    if any_match(a, "ownership", body_first, body_last, NOT_QUOTED) then
      score = score + 1
      categories.ownership = true
    end
    for _, l in ipairs(post.links) do
      if region(a, l.first) ~= "quote" then
        score = score + 1
        categories.link = true
        break
      end
    end
  end
  for _, discount in ipairs(DISCOUNTS) do
    if score > 0 and any_match(a, discount.name, body_first, body_last, NOT_QUOTED) then
      score = score - discount.minus
      categories[discount.name] = true
    end
  end
  a.sales_raw = score
  a.sales = { score = score, categories = categories, digits = digits }
end

-- ---- the comparison ----

local function plain(post, W, rt_first, all_quoted)
  local a = { post = post, W = W, found = {}, rt_first = rt_first, all_quoted = all_quoted,
    quote_index = span_index(post.quotes) }
  own_options(a)
  analyze_sales(a)
  return a.sales
end

local function keys(set)
  local list = {}
  for k, v in pairs(set) do
    list[#list + 1] = k .. "=" .. tostring(v)
  end
  table.sort(list)
  return table.concat(list, " ")
end

return {
  id = "sales-diff",
  severity = "warning",
  summary = "post:sales and post:sales_signs answer as the plain Lua did",
  docs = "A test rule: reports each analysis that differs from the plain Lua.",

  check = function(post, ctx)
    local report, done = compare.differences(ctx)
    local a = { post = post }
    for kind, args in pairs({ percent = { PERCENT_OFF_PATTERNS, true },
      price = { PRICE_PATTERNS, false }, price_words = { PRICE_PATTERNS, false, PRICE_WORDS } }) do
      local got, want = post:sales_signs(kind), body_matches(a, args[1], args[2], args[3])
      if not compare.same_ranges(got, want) then
        report("%s: %d signs, not %d", kind, #got, #want)
      end
    end
    local compared, scored = 0, 0
    for wi, W in ipairs(WORD_LISTS) do
      for _, rt_first in ipairs(compare.retweet_offsets(post, true)) do
        for _, all_quoted in ipairs({ false, true }) do
          local want = plain(post, W, rt_first or nil, all_quoted)
          local score, categories, digits = post:sales({ W = W, rt_first = rt_first or nil,
            all_quoted = all_quoted }, DISCLOSURE_TAGS)
          compared = compared + 1
          if want.score > 0 then
            scored = scored + 1
          end
          if score ~= want.score or keys(categories) ~= keys(want.categories)
            or digits ~= want.digits then
            report("lists %d, rt %s, all quoted %s: %d {%s} %s, not %d {%s} %s", wi,
              tostring(rt_first), tostring(all_quoted), score, keys(categories),
              tostring(digits), want.score, keys(want.categories), tostring(want.digits))
          end
        end
      end
    end
    done(compared, scored)
  end,
}
