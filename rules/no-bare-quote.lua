-- Golden rule 1 (seed 004): "simply posting out random quotes shows a complete lack of
-- interest and initiative".
local analysis = require("lib.analysis")
local edit = require("lib.edit")

return {
  id = "no-bare-quote",
  summary = "A quotation alone is not a post: add your own words",
  docs = [[
"Personally I would unfollow anyone who persistently just tweets quotes." A quotation with an
attribution and a few hashtags says nothing about you or to your readers.

A post is a bare quote when it is a quotation presented as such - in quotation marks
(“…”, "…", „…“, «…», 「…」) or a '>' block, attributed ("— Name", "-@handle", "Name: …"), or
marked with #quote, #quotes, #quoteoftheday, #Zitat, #名言 or "Quote of the day" - and the
rest is only attribution, hashtags, mentions, links, emoji or a reaction ("so true").
Anything you add about it - how it applies, what it means to you, a question - makes it a post.

A quotation of fewer than `min_words` words that is neither attributed nor tagged ("a
"limited time" offer") is a word in quotes, not a quotation.

Bad:
    "Premature optimization is the root of all evil." — Donald Knuth

Good:
    "Premature optimization is the root of all evil." — Donald Knuth
    We spent a month tuning a query nobody ran. Which "optimization" do you regret?]],
  severity = "warning",
  options = { min_words = 3 },

  check = function(post, ctx)
    local a = analysis.of(post)
    if not analysis.is_bare_quote(a, ctx.options.min_words) then
      return
    end
    local first, last
    if a.quote.token then
      first, last = a.quote.token.first, a.quote.token.last
    else
      first, last = edit.first_line(post)
    end
    local at = edit.body_end(post)
    local sep = a.W.lang == "ja" and "\n" or "\n\n"
    ctx:report{
      message = "A bare quote: add your own words - why it matters to you, or a question for readers",
      first = first, last = last,
      suggestions = {
        { title = "Say what the quote means to you and ask readers",
          edits = { edit.insert(at, sep .. analysis.phrase(a, "quote")) } },
      },
    }
  end,

  tests = {
    valid = {
      "Kawasaki: \"pagemaker saved Apple.\" Oh those were the days. #sxsw",
      "\"...a full service web app...\" - I can only assume this is something like a browser plugin.",
      "When bad things happen you have to try and remain positive. #inspirational",
      "“Stay hungry, stay foolish.” Which habit keeps you hungry?",
      "The only word in quotes here is \"cool\", and the rest is my own long sentence about it.",
      "“Wow.”",
      { text = "“Stay hungry, stay foolish.”", options = { min_words = 5 } },
    },
    invalid = {
      { text = "“Premature optimization is the root of all evil.” — Donald Knuth",
        errors = { { message = "^A bare quote", line = 1, column = 1 } } },
      { text = "silence is a source of great strength. lao tzu #inspiration #quote", errors = 1 },
      { text = "\"Culture eats strategy for breakfast.\" — Peter Drucker\n\n#leadership #culture", errors = 1 },
      { text = "„Das Leben ist wie Fahrradfahren.“ — Albert Einstein", errors = 1 },
      { text = "> Simplicity is prerequisite for reliability.\n\n— Edsger W. Dijkstra", errors = 1 },
      { text = "“Stay hungry, stay foolish.”", errors = 1 },
      { text = "“Wow.” #quote", errors = 1 },
      { text = "RT @someone: \"Someone is sitting in the shade today because someone planted a tree.\" - Warren Buffett",
        errors = 1 },
    },
  },
}
