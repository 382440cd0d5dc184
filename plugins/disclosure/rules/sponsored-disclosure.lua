-- Advertising rules (the FTC's Endorsement Guides, the UK's CAP code, the EU's unfair
-- commercial practices directive) want paid content marked as such where readers see it
-- before they engage: at the start, not after "...more" or among closing hashtags.

-- The last byte offset inside the first `within` characters of the body.
local function window_end(body, within)
  local after = utf8.offset(body.text, within + 1)
  if not after or after > #body.text then
    return body.last
  end
  return body.first + after - 2
end

-- Where the body's text starts (after leading blank lines and spaces).
local function text_start(body)
  local skip = body.text:match("^%s*()") or 1
  return body.first + skip - 1
end

-- The first affiliate link, with the pattern that matched.
local function affiliate_link(post, patterns)
  for _, link in ipairs(post.links) do
    for _, pattern in ipairs(patterns) do
      if link.url:find(pattern) then
        return link
      end
    end
  end
  return nil
end

-- The earliest disclosure: a hashtag from the list or one of the phrases.
local function first_disclosure(post, ctx)
  local tags = {}
  for _, t in ipairs(ctx.options.hashtags) do
    tags[lint.fold((t:gsub("^#", "")))] = true
  end
  local best
  for _, h in ipairs(post.hashtags) do
    if tags[lint.fold(h.tag)] and (not best or h.first < best.first) then
      best = h
    end
  end
  if #ctx.options.phrases > 0 then
    for _, m in ipairs(post:find(lint.phrases(ctx.options.phrases))) do
      if not best or m.first < best.first then
        best = m
      end
      break -- matches come in order of position
    end
  end
  return best
end

return {
  id = "sponsored-disclosure",
  summary = "Sponsored posts and affiliate links carry #ad or a disclosure at the start",
  docs = [[
A post someone paid for, or one whose links earn a commission, must say so where every
reader sees it: in the first words, before "...more", not hidden among closing hashtags.

    ---
    sponsored: true
    ---
    Bad:  Loving my new Trailblazer boots! Ten miles, dry feet. #hiking #ad
    Good: #ad Loving my new Trailblazer boots! Ten miles, dry feet. #hiking

A post is sponsored when its front matter says `sponsored: true`, or when one of its links
matches an `affiliate` pattern (Lua patterns matched against the URL; the defaults catch
Amazon affiliate links and common `aff_id`/`affiliate` parameters - set your networks' in
`.lintrc`). It is disclosed when one of the `hashtags` (#ad, #sponsored, ...) or `phrases`
("paid partnership", "sponsored by", ...) starts within the first `within` characters of
the body (Instagram cuts captions after about 125).

For `sponsored: true` the fix inserts the `insert` text at the start of the body: the
author marked the post as paid, so saying so is safe. For an affiliate link it is a
suggestion (a person confirms that the link earns money).]],
  severity = "error",
  fixable = true,
  options = {
    affiliate = { "amzn%.to/", "amazon%.[%a.]+/.*[?&]tag=", "[?&]aff_?id=", "[?&]affiliate" },
    hashtags = { "ad", "sponsored", "advertisement", "paid", "paidpartnership", "affiliate",
                 "anzeige", "werbung", "publicidad" },
    phrases = { "paid partnership", "sponsored by", "sponsored post", "in partnership with",
                "affiliate link*" },
    within = 125,
    insert = "#ad",
  },

  check = function(post, ctx)
    local o = ctx.options
    local sponsored = post.meta.sponsored == true
    local link = not sponsored and affiliate_link(post, o.affiliate)
    if not sponsored and not link then
      return
    end
    local limit = window_end(post.body, o.within)
    local found = first_disclosure(post, ctx)
    if found and found.first <= limit then
      return
    end
    local start = text_start(post.body)
    local edit = { first = start, last = start - 1, text = o.insert .. " " }
    local why = sponsored and "Sponsored post (sponsored: true)"
      or ("Affiliate link " .. link.url)
    local report = { first = start, last = start - 1 }
    if found then
      report.message = why .. ": the disclosure \"" .. found.text .. "\" comes after the first "
        .. o.within .. " characters; put it at the start"
      report.first, report.last = found.first, found.last
    else
      report.message = why .. " without a disclosure (" .. o.insert .. ") in its first "
        .. o.within .. " characters"
      if link then
        report.first, report.last = link.first, link.last
      end
    end
    if sponsored and not found then
      report.fix = edit
    else
      report.suggestions = { { title = "Disclose at the start", edits = { edit } } }
    end
    ctx:report(report)
  end,

  tests = {
    valid = {
      "Loving my new boots! Ten miles, dry feet. #hiking",
      "---\nsponsored: true\n---\n#ad Loving my new Trailblazer boots! #hiking",
      "---\nsponsored: true\n---\nPaid partnership with Trailblazer: ten miles, dry feet.",
      "---\nsponsored: false\n---\nMy own boots, bought with my own money.",
      "#Sponsored: the tools I use -> https://amzn.to/3xYz",
      { text = "Tools I use: https://shop.example/?ref=me", options = { affiliate = {} } },
    },
    invalid = {
      { name = "sponsored, no disclosure: fixed",
        text = "---\nsponsored: true\n---\nLoving my new Trailblazer boots!\n",
        errors = { { message = "^Sponsored post %(sponsored: true%) without a disclosure", line = 4, column = 1 } },
        output = "---\nsponsored: true\n---\n#ad Loving my new Trailblazer boots!\n" },
      { name = "disclosure too late",
        text = "---\nsponsored: true\n---\n" .. string.rep("Ten miles, dry feet. ", 8) .. "#ad",
        errors = { { message = "comes after the first 125 characters", line = 4, column = 169,
                     suggestions = { { title = "Disclose at the start" } } } } },
      { name = "affiliate link: a suggestion",
        text = "The desk lamp I use: https://amzn.to/3xYz",
        errors = { { message = "^Affiliate link https://amzn.to/3xYz without",
                     suggestions = { { output = "#ad The desk lamp I use: https://amzn.to/3xYz" } } } } },
      { name = "configured pattern and disclosure text",
        text = "Sale at [our partner](https://shop.example/?partner=42). Ad by them.",
        options = { affiliate = { "[?&]partner=" }, phrases = { "ad by them" }, within = 20 },
        errors = 1 },
      { name = "custom insert", text = "---\nsponsored: true\n---\nHello", options = { insert = "[Anzeige]" },
        errors = 1, output = "---\nsponsored: true\n---\n[Anzeige] Hello" },
    },
  },
}
