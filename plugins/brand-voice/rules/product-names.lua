-- Product and company names spelled exactly as their owners write them.

return {
  id = "product-names",
  summary = "Product names with their exact capitalisation (Github -> GitHub)",
  docs = [[
Names are spelled the way their owners spell them: GitHub, not Github; iPhone, not Iphone.
List yours (and your own products) in the `names` option; the fix rewrites a name found
with other capitals or spacing.

    Bad:  We moved from Github to Gitlab; the Javascript SDK ships Monday.
    Good: We moved from GitHub to GitLab; the JavaScript SDK ships Monday.

Names in URLs, hashtags and mentions are left alone (#github is a tag, not prose), and so
are quotations.]],
  severity = "warning",
  fixable = true,
  options = {
    names = { "GitHub", "GitLab", "JavaScript", "TypeScript", "LinkedIn", "YouTube", "iPhone",
              "macOS", "WordPress", "PostgreSQL" },
  },

  check = function(post, ctx)
    local names = ctx.options.names
    if #names == 0 then
      return
    end
    local exact = {}
    for _, name in ipairs(names) do
      exact[table.concat(lint.words(name), " ")] = name
    end
    for _, m in ipairs(post:find(lint.phrases(names))) do
      local name = exact[table.concat(lint.words(m.phrase), " ")]
      if name and m.text ~= name then
        ctx:report{
          message = "Write \"" .. name .. "\", not \"" .. m.text .. "\"",
          first = m.first, last = m.last,
          fix = { first = m.first, last = m.last, text = name },
        }
      end
    end
  end,

  tests = {
    valid = {
      "We moved from GitHub to GitLab.",
      "Links and tags stay: https://github.com/acme #github @github",
      { text = "Our Acme Cloud is live", options = { names = { "Acme Cloud" } } },
    },
    invalid = {
      { name = "wrong capitals", text = "We moved from Github to Gitlab; the Javascript SDK ships.",
        errors = 3, output = "We moved from GitHub to GitLab; the JavaScript SDK ships." },
      { name = "lower-case start", text = "IPHONE and Iphone users",
        errors = { { column = 1, end_column = 7 }, { column = 12 } },
        output = "iPhone and iPhone users" },
      { name = "multi-word name", text = "Try acme  cloud today", options = { names = { "Acme Cloud" } },
        errors = 1, output = "Try Acme Cloud today" },
    },
  },
}
