-- Golden rule 1 (seeds 000 and 004): invite conversation; "stop the blah blah blah and start
-- inquiring, replying and engaging".
local analysis = require("lib.analysis")
local edit = require("lib.edit")

return {
  id = "invite-conversation",
  summary = "Posts should invite a reply, not broadcast",
  docs = [[
A post that only broadcasts gets read and scrolled past; a post that asks readers something
gets replies, and replies are the conversation social media is for ("stop the blah blah blah
and start inquiring, replying and engaging").

The rule is satisfied by a genuine question to readers (one you do not answer yourself, that is
not a sales hook or a headline), or by a plain request for replies: "let me know", "thoughts?",
"agree or disagree?", a poll. Questions inside quotations or retweets do not count, and neither
do requests for mechanical actions (retweet, follow, like to win).

Bad:
    We rebuilt our onboarding flow this quarter. Activation is up 12%.

Good:
    We rebuilt our onboarding flow this quarter. Activation is up 12%.
    What's the one onboarding step you would never cut?

The suggestion adds a closing question built from the post's topic. Posts whose front matter
says `kind: reply` are skipped (they answer someone already); see the skip_kinds option.
Word lists exist for English, Spanish, German and Japanese; posts in other languages are
skipped.]],
  severity = "warning",
  options = { skip_kinds = { "reply" } },

  check = function(post, ctx)
    for _, kind in ipairs(ctx.options.skip_kinds) do
      if post.kind == kind then
        return
      end
    end
    local a = analysis.of(post)
    if not a or a.invitation.genuine then
      return
    end
    local question = analysis.phrase(a, "invite")
    local s = analysis.closing_point(a)
    local first, last, at, joiner
    if s then
      first, last = s.first, s.last
      at = s.last + 1
      joiner = edit.joiner(post, s.last, a.W.lang)
    else
      first, last = edit.first_line(post)
      at = edit.body_end(post)
      joiner = a.W.lang == "ja" and "" or "\n\n"
    end
    ctx:report{
      message = "The post does not invite a reply: nothing in it asks readers for their view or experience",
      first = first, last = last,
      suggestions = {
        { title = "End with a question to your readers", edits = { edit.insert(at, joiner .. question) } },
      },
    }
  end,

  tests = {
    valid = {
      "What's a tool you started using this year that you can't imagine working without?",
      "Putting together a list of hiking trails near Lyon. Let me know the ones you'd add.",
      "Our team switched to four-day weeks in March. Would this work in healthcare? Thoughts?",
      "Which one should I frame for the hallway, the lighthouse or the boats?",
      "¿Qué libro os ha cambiado la forma de pensar este año?",
      "Was meint ihr: lohnt sich der Umstieg auf Linux?",
      "週末はどこに行きましたか？",
      { text = "---\nkind: reply\n---\nThanks, that helped a lot.", options = {} },
    },
    invalid = {
      { text = "We rebuilt our onboarding flow this quarter. Activation is up 12%.",
        errors = { { message = "does not invite a reply", line = 1, column = 46 } },
        output = "We rebuilt our onboarding flow this quarter. Activation is up 12%." },
      -- a question the poster answers at once is rhetorical
      { text = "Why do most onboarding programs fail? Because they are built for the company.",
        errors = 1 },
      -- a sales hook is not an invitation
      { text = "Want 50% off our courses? Buy now, only 24 hours left!", errors = 1 },
      -- a headline in front of a link is not a question to readers
      { text = "Can indie game studios survive? https://news.example.com/indie", errors = 1 },
      -- an exclamation, and a question inside a quotation
      { text = "How did we not win that?!", errors = 1 },
      { text = "\"Do you know what matters? Kindness.\" - Someone Famous #quote", errors = 1 },
      { text = "Das Team hat heute das neue Büro bezogen.", errors = 1 },
      -- the question names the post's topic: its longest run of capitalised own words in
      -- mid-sentence (a word between ends a run; of runs as long, the first)
      { text = "We tried the new Vantage Analytics dashboard with Acme yesterday.",
        errors = { { suggestions = { { output = "We tried the new Vantage Analytics dashboard "
          .. "with Acme yesterday. What's your take on Vantage Analytics?" } } } } },
      { text = "We met Acme, then Vantage Analytics today.",
        errors = { { suggestions = { { output = "We met Acme, then Vantage Analytics today. "
          .. "What's your take on Vantage Analytics?" } } } } },
      { text = "We compared Vantage and Acme for our team.",
        errors = { { suggestions = { { output = "We compared Vantage and Acme for our team. "
          .. "What's your take on Vantage?" } } } } },
      { text = "Our Acme team met the Vantage crew and the Nimbus folks.",
        errors = { { suggestions = { { output = "Our Acme team met the Vantage crew and the "
          .. "Nimbus folks. What's your take on Acme?" } } } } },
    },
  },
}
