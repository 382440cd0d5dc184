-- Our spelling and style choices, with a safe fix. Copy this pack and edit the `terms`
-- option (or set it in .lintrc) to make it yours.
local terms = require("lib.terms")

return {
  id = "preferred-terms",
  summary = "Use the team's spelling of common terms (e-mail -> email)",
  docs = [[
A team writes a word one way. The `terms` option maps each variant to the preferred form;
the fix replaces it, keeping a capital first letter:

    Bad:  Sign up by E-mail on our web site.
    Good: Sign up by Email on our website.

Set your own in .lintrc:

    rules = { ["preferred-terms"] = { "warning", terms = { ["sign-up"] = "sign up" } } }

Terms match whole words, case-insensitively; "-" and spaces between words both match.]],
  severity = "warning",
  fixable = true,
  options = {
    terms = { ["e-mail"] = "email", ["web site"] = "website", ["on-line"] = "online",
              ["log-in"] = "log in", ["whilst"] = "while" },
  },

  check = function(post, ctx)
    for _, m in ipairs(terms.find(post, ctx.options.terms)) do
      local better = terms.match_case(m.text, m.replacement)
      if m.text ~= better then
        ctx:report{
          message = "Write \"" .. better .. "\", not \"" .. m.text .. "\"",
          first = m.first, last = m.last,
          fix = { first = m.first, last = m.last, text = better },
        }
      end
    end
  end,

  tests = {
    valid = {
      "Sign up by email on our website.",
      { text = "Send an e-mail.", options = { terms = {} } },
    },
    invalid = {
      { name = "two variants, case kept", text = "Sign up by E-mail on our web site.",
        errors = { { message = "Write \"Email\", not \"E-mail\"", column = 12 },
                   { message = "Write \"website\"", column = 26 } },
        output = "Sign up by Email on our website." },
      { name = "configured terms", text = "Sign-up today",
        options = { terms = { ["sign-up"] = "sign up" } },
        errors = 1, output = "Sign up today" },
    },
  },
}
