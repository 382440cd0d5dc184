-- The front matter names a network postlint does not know: its length rules cannot check it.
local platforms = require("lib.platforms")

local ALIASES = { twitter = "x", tweet = "x", ["x.com"] = "x", ["twitter.com"] = "x",
  fb = "facebook", meta = "facebook", ig = "instagram", insta = "instagram", bsky = "bluesky",
  ["bsky.app"] = "bluesky", ["bsky.social"] = "bluesky", ["linked-in"] = "linkedin", li = "linkedin",
  toot = "mastodon", fediverse = "mastodon", ["threads.net"] = "threads" }

local function distance(a, b)
  if #a > 32 or #b > 32 then
    return 99
  end
  local row = {}
  for j = 0, #b do
    row[j] = j
  end
  for i = 1, #a do
    local prev = row[0]
    row[0] = i
    for j = 1, #b do
      local cur = row[j]
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      row[j] = math.min(row[j] + 1, row[j - 1] + 1, prev + cost)
      prev = cur
    end
  end
  return row[#b]
end

-- Where a platform value is written in the front matter (its first occurrence after "platform").
local function value_range(post, name)
  local fm = post.front_matter
  if not fm then
    return nil
  end
  local text = post.text
  local key = text:find("platforms?%s*:", fm.first)
  if not key or key > fm.last then
    return nil
  end
  local pos = key
  while true do
    local s, e = text:find(name, pos, true)
    if not s or e > fm.last then
      return nil
    end
    local before, after = text:sub(s - 1, s - 1), text:sub(e + 1, e + 1)
    if not before:match("[%w%-%.]") and not after:match("[%w%-%.]") then
      return s, e
    end
    pos = e + 1
  end
end

return {
  id = "unknown-platform",
  summary = "Front matter platforms must be ones postlint knows",
  docs = [[
`platform:` in the front matter decides which length limits and per-network rules apply. A
name postlint does not know (a typo, an old name) silently turns those checks off for the post.
Known: x, mastodon, bluesky, threads, linkedin, facebook, instagram.

Fix (safe) for the usual other names: twitter -> x, fb -> facebook, ig/insta -> instagram,
bsky -> bluesky, linked-in -> linkedin, toot -> mastodon. Otherwise a suggestion offers the
closest known name.

Bad:   platform: twitter
Good:  platform: x]],
  severity = "error",
  fixable = true,
  options = {},

  check = function(post, ctx)
    local v = post.meta.platform
    if v == nil then
      v = post.meta.platforms
    end
    if v == nil then
      return
    end
    local list = type(v) == "table" and v or { v }
    for _, raw in ipairs(list) do
      local name = type(raw) == "string" and lint.fold(raw) or nil
      if not name or not platforms.known[name] then
        local shown = type(raw) == "string" and raw or tostring(raw)
        local first, last = value_range(post, shown)
        local whole_line = false
        if not first then
          -- written in a way we cannot find (an escaped string): point at the key's line
          local fm = post.front_matter
          local key = fm and post.text:find("platforms?%s*:", fm.first)
          first = key or 1
          last = (post.text:find("\n", first, true) or (#post.text + 1)) - 1
          whole_line = true
        end
        local alias = name and ALIASES[name]
        local best, best_d = nil, 3
        for _, known in ipairs(platforms.names) do
          local d = name and distance(name, known) or 99
          if d < best_d then
            best, best_d = known, d
          end
        end
        local report = {
          message = string.format("Unknown platform '%s' (known: %s)", shown,
            table.concat(platforms.names, ", ")),
          first = first, last = last,
        }
        if alias and not whole_line then
          report.message = report.message .. string.format("; did you mean '%s'?", alias)
          report.fix = { { first = first, last = last, text = alias } }
        else
          local options = {}
          for _, known in ipairs((alias or best) and { alias or best } or platforms.names) do
            options[#options + 1] = { title = "Use '" .. known .. "'",
              edits = { { first = first, last = last,
                text = whole_line and ("platform: " .. known) or known } } }
          end
          report.suggestions = options
        end
        ctx:report(report)
      end
    end
  end,

  tests = {
    valid = {
      "---\nplatform: x\n---\nHello",
      "---\nplatform: [x, linkedin, Mastodon]\n---\nHello",
      "No front matter",
    },
    invalid = {
      { text = "---\nplatform: twitter\n---\nHello",
        errors = { { message = "^Unknown platform 'twitter' %(known: .*%); did you mean 'x'%?$",
          line = 2, column = 11 } },
        output = "---\nplatform: x\n---\nHello" },
      { text = "---\nplatform: [linkedin, mastodn]\n---\nHello",
        errors = { { message = "^Unknown platform 'mastodn'", line = 2, column = 22 } } },
      { text = "---\nplatform: 42\n---\nHello", errors = { { message = "^Unknown platform '42'" } } },
      { text = "---\nplatforms:\n  - x\n  - insta\n---\nHello", errors = 1,
        output = "---\nplatforms:\n  - x\n  - instagram\n---\nHello" },
    },
  },
}
