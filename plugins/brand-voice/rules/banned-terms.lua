-- Words the brand never uses, each with what to say instead.
local terms = require("lib.terms")

return {
  id = "banned-terms",
  summary = "No banned words (jargon, hype): say what you mean",
  docs = [[
Words that do not sound like us: jargon, hype, words that talk down to readers. The
`banned` option maps each to a replacement; the fix replaces it (keeping a capital first
letter). A term whose replacement is "" has no safe replacement: the suggestion deletes it
and a person rewrites the sentence.

    Bad:  We leverage synergy to deliver best-in-class tools.
    Good: We use collaboration to deliver good tools.

Matching is by whole words, case-insensitive; "disrupt*" matches every word starting with
"disrupt".]],
  severity = "error",
  fixable = true,
  options = {
    banned = { ["synergy"] = "collaboration", ["leverage"] = "use", ["utilize"] = "use",
               ["best-in-class"] = "good", ["game-changer"] = "big change",
               ["world-class"] = "", ["disrupt*"] = "" },
  },

  check = function(post, ctx)
    for _, m in ipairs(terms.find(post, ctx.options.banned)) do
      local report = { first = m.first, last = m.last }
      if m.replacement ~= "" then
        local better = terms.match_case(m.text, m.replacement)
        report.message = "\"" .. m.text .. "\" is not our voice: say \"" .. better .. "\""
        report.fix = { first = m.first, last = m.last, text = better }
      else
        report.message = "\"" .. m.text .. "\" is not our voice: say what you mean"
        report.suggestions = { { title = "Remove it and rephrase",
                                 edits = { { first = m.first, last = m.last, text = "" } } } }
      end
      ctx:report(report)
    end
  end,

  tests = {
    valid = {
      "We work together to build tools people like.",
      { text = "We leverage it.", options = { banned = { synergy = "collaboration" } } },
    },
    invalid = {
      { name = "replacements", text = "We leverage synergy to deliver best-in-class tools.",
        errors = 3, output = "We use collaboration to deliver good tools." },
      { name = "capital kept", text = "Synergy matters.",
        errors = { { message = "say \"Collaboration\"", line = 1, column = 1 } },
        output = "Collaboration matters." },
      { name = "no replacement: a suggestion", text = "A disruptive, world-class idea.",
        errors = { { message = "\"disruptive\" is not our voice",
                     suggestions = { { output = "A , world-class idea." } } },
                   { message = "\"world%-class\"", suggestions = 1 } } },
    },
  },
}
