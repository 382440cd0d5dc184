-- Acme writes plain words: each jargon phrase has a plain replacement, applied by --fix.
local jargon = require("lib.jargon")

return {
  id = "no-jargon",
  summary = "Plain words instead of office jargon",
  docs = [[
Readers skim past jargon. Say what you mean:

    Bad:  Let's circle back after our deep dive.
    Good: Let's follow up after our close look.

The `extra` option adds phrases: extra = { ["leverage"] = "use" }.]],
  severity = "warning",
  fixable = true,
  options = { extra = {} },

  check = function(post, ctx)
    local replacements, phrases = {}, {}
    for _, list in ipairs({ jargon, ctx.options.extra }) do
      for phrase, plain in pairs(list) do
        replacements[phrase] = plain
        phrases[#phrases + 1] = phrase
      end
    end
    table.sort(phrases)
    for _, m in ipairs(post:find(lint.phrases(phrases))) do
      local plain = replacements[m.phrase]
      ctx:report{
        message = "Jargon: say \"" .. plain .. "\" instead of \"" .. m.text .. "\"",
        first = m.first, last = m.last,
        fix = { first = m.first, last = m.last, text = plain },
      }
    end
  end,

  tests = {
    valid = { "Let's follow up after our close look." },
    invalid = {
      { text = "Let's circle back after our deep dive.",
        errors = { { message = "say \"follow up\"", line = 1, column = 7 },
                   { message = "say \"close look\"", line = 1, column = 29 } },
        output = "Let's follow up after our close look." },
      { text = "We leverage it.", options = { extra = { ["leverage"] = "use" } },
        errors = 1, output = "We use it." },
    },
  },
}
