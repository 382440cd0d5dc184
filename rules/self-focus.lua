-- Golden rule 3 (seeds 000 and 003): "twitter and the like aren't all about me, me, me.
-- They're about us, us, us."
local analysis = require("lib.analysis")
local edit = require("lib.edit")

return {
  id = "self-focus",
  summary = "Talk about the reader, not \"me, me, me\"",
  docs = [[
"Internet marketing is all about you. What you can do, what you have done." A post that is
about the poster - their day, their launch, their new position - and never turns to the reader
gives readers nowhere to come in.

The rule fires when your own words are about you (I, me, my, we, our, or a diary-style
sentence with no subject: "Just landed in Lisbon") and they never turn to the reader: no
"you", no question to readers, no "anyone who...", no thanks to someone. Posts mainly about
something else - a link you recommend, a quotation, a retweet - are not self-focused even when
framed with "I". Brands that speak of themselves by name can list those names in the
`self_names` option.

Bad:
    Just finished my first half marathon in 2:04:31! My legs hate me but I did it.

Good:
    Just finished my first half marathon in 2:04:31! What got you through your first one?]],
  severity = "warning",
  options = { self_names = {}, sales_threshold = 3 },

  check = function(post, ctx)
    local a = analysis.of(post)
    if not a then
      return
    end
    local s = analysis.self(a, ctx.options.self_names, ctx.options.sales_threshold)
    if not s.selfref or s.turns or s.external then
      return
    end
    local first, last
    if s.first_person[1] then
      first, last = s.first_person[1].first, s.first_person[1].last
    else
      first, last = edit.first_line(post)
    end
    local closing = analysis.closing_point(a)
    local end_at = closing and closing.last or (edit.body_end(post) - 1)
    ctx:report{
      message = "Me, me, me: the post is about you and never turns to the reader (no \"you\", no question to them)",
      first = first, last = last,
      suggestions = {
        { title = "Turn to the reader with a question",
          edits = { edit.insert(end_at + 1, edit.joiner(post, end_at, a.W.lang) .. analysis.phrase(a, "self")) } },
      },
    }
  end,

  tests = {
    valid = {
      "Three things I wish I'd known as a junior developer: your first solution is a draft.",
      "I messed up and didn't bring my charger. Anyone got one I could borrow?",
      "I'm really loving the new search site Wolfram Alpha. https://www.wolframalpha.com/",
      "TIL that octopuses have three hearts and blue blood.",
      "@airline Very good flight, thank you!",
      { text = "Zentrix continues to lead the market in widgets.", options = {} },
    },
    invalid = {
      { text = "Just finished my first half marathon in 2:04:31! My legs hate me but I did it.",
        errors = { { message = "^Me, me, me", line = 1, column = 15 } } },
      { text = "Went to see the new Star Trek movie last night. Very satisfying.", errors = 1 },
      { text = "Hoy he terminado mi primera novela. Estoy agotada y feliz.", errors = 1 },
      { text = "Heute meinen ersten Marathon gelaufen. Ich bin so stolz auf mich.", errors = 1 },
      { text = "Zentrix continues to lead the market in widgets.",
        options = { self_names = { "Zentrix" } }, errors = 1 },
      { text = "Dentist tomorrow. Have to brush well. Like I make my hair nice before a cut. Why?",
        errors = 1 },
    },
  },
}
