-- "RT to win", "like if you agree", "comment YES": asking for clicks instead of conversation.
local edit = require("lib.edit")

-- Requests for a mechanical action. Matched on word boundaries, case-insensitively (post:find).
local BAIT = {
  "rt to win", "retweet to win", "rt if you", "retweet if you", "rt if", "retweet if",
  "like if you", "like if", "like this if", "like and share", "like and retweet", "like & retweet",
  "like & share", "like + share", "like and rt", "please rt", "pls rt", "plz rt", "please retweet",
  "share if you", "share this if", "share if", "follow us for more", "follow for more",
  "follow me for more", "follow for follow", "follow back", "tag a friend", "tag someone",
  "tag your friends", "tag 3 friends", "tag three friends", "tag a friend who", "comment yes",
  "comment \"yes\"", "comment 'yes'", "type yes", "type amen", "say yes if", "comment below to get",
  "comment to get", "comment for the link", "drop a comment to get", "smash that like",
  "hit that like", "hit like", "double tap if", "like for part 2", "like for more",
  "follow and rt", "follow + rt", "follow & rt",
}

-- Compiled phrase lists by options table: the host hands every post of a config the same
-- options table, so the list is compiled once per config, not once per post.
local compiled = setmetatable({}, { __mode = "k" })

return {
  id = "engagement-bait",
  summary = "Ask for a reply, not for a like, a retweet or a follow",
  docs = [[
"RT to win", "like if you agree", "follow us for more", "comment YES to get the link": these
ask readers for a mechanical action, not for their thoughts. Networks demote engagement bait
(Facebook and LinkedIn say so openly), and the likes it collects say nothing about whether
anyone cared. The golden rule is conversation: ask something a reader can answer.

The rule finds requests to like, share, retweet, follow, tag or type a word (English phrases,
matched case-insensitively on word boundaries, outside quotations) and suggests replacing the
sentence with a real question. Extra phrases go in `phrases`.

Bad:   New video is up! Like if you agree and follow us for more.
Good:  New video is up. Which of the three tips would you try first?]],
  severity = "warning",
  options = { phrases = {}, question = "What do you think?" },

  check = function(post, ctx)
    local phrases = compiled[ctx.options]
    if not phrases then
      local list = {}
      for _, p in ipairs(BAIT) do
        list[#list + 1] = p
      end
      for _, p in ipairs(ctx.options.phrases) do
        list[#list + 1] = p
      end
      phrases = lint.phrases(list)
      compiled[ctx.options] = phrases
    end
    local found = post:find(phrases)
    local reported = {}
    for _, m in ipairs(found) do
      local w = post.words[m.word]
      local s = w.sentence and post.sentences[w.sentence]
      local first, last = m.first, m.last
      if s then
        first, last = s.first, s.last
      end
      if not reported[first] then
        reported[first] = true
        ctx:report{
          message = string.format("Engagement bait: %s asks for a click, not a reply",
            edit.quote(m.text, 30)),
          first = m.first, last = m.last,
          suggestions = { { title = "Ask a real question instead",
            edits = { { first = first, last = last, text = ctx.options.question } } } },
        }
      end
    end
  end,

  tests = {
    valid = {
      "New video is up. Which of the three tips would you try first?",
      "I like it if the coffee is strong.",
      "He said \"like and share\" was his whole strategy.",
      "Follow the river for more than a mile and you reach the falls.",
    },
    invalid = {
      { text = "New video is up! Like if you agree and follow us for more.",
        errors = { { message = "^Engagement bait: \"Like if you\" asks for a click, not a reply$",
          line = 1, column = 18 } } },
      { text = "RT to win a signed copy!", errors = 1 },
      { text = "Comment YES to get the link", errors = 1 },
      { text = "Tag a friend who needs this", errors = 1 },
      { text = "Smash it", options = { phrases = { "smash it" } }, errors = 1 },
    },
  },
}
