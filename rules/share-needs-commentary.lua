-- Golden rule 2 (seeds 002 and 004): "simply sharing or retweeting is not starting a
-- conversation"; say why the shared item matters.
local analysis = require("lib.analysis")
local edit = require("lib.edit")

return {
  id = "share-needs-commentary",
  summary = "Shared links, retweets and quote-posts need your own commentary",
  docs = [[
"Simply sharing or retweeting is not starting a conversation." A bare link, a retweet or a
quote-post tells readers nothing about why you shared it, so there is nothing to reply to.

A post is a share when it carries someone else's content: a link to an article, video or post
(your own blog post included), a retweet ("RT @user ..."), a quote-tweet, or a "RE: <url>"
quote-post. It has commentary when your own words say something specific about it: an opinion
with content, a reason, added information, your experience with it, or a question to readers.
A headline or title, hashtags, mentions, "via @x", and reactions that fit under any link
("Must read", "Nice!", "+1", "Interesting") are not commentary. A link that is the target of a
sales post, or your own photo, is not a share.

Bad:
    Must read 👇 https://hbr.example.org/2024/03/the-case-for-slower-hiring

Good:
    We cut our hiring loop from six interviews to three and lost nothing - this piece explains
    why slower, fewer interviews work: https://hbr.example.org/2024/03/the-case-for-slower-hiring

Commentary counts when it has at least `min_words` content words, or two with "I"/"you".]],
  severity = "warning",
  options = { min_words = 6, sales_threshold = 3 },

  check = function(post, ctx)
    local a = analysis.of(post)
    if not a then
      return
    end
    local share = analysis.share(a, ctx.options.sales_threshold)
    if #share.items == 0 or a.invitation.genuine then
      return
    end
    if (share.person and share.content >= 2) or share.content >= ctx.options.min_words then
      return
    end
    local item = share.items[1]
    local what = item.kind == "link" and "A shared link"
      or item.kind == "retweet" and "A retweet"
      or "A quote-post"
    local t = a.W.data.templates
    local insert = analysis.phrase(a, "share") .. t.share_slot .. t.share_question .. " "
    -- the commentary opens the line that holds the shared item
    local at = edit.line_start(post, item.first)
    if at < post.body.first then
      at = edit.body_start(post)
    end
    ctx:report{
      message = what .. " with no commentary of your own: say why it matters to your readers",
      first = item.first, last = item.last,
      suggestions = {
        { title = "Add a sentence on why it matters, and ask readers", edits = { edit.insert(at, insert) } },
      },
    }
  end,

  tests = {
    valid = {
      "Just a thought about remote teams, no link here.",
      "Sharing this because it matches what we saw at my last company: when we removed weekly status reports nobody missed them. https://news.example.com/status",
      "Anyone tried this self-hosted photo library? Looks like a decent replacement but I'm wary of the sync. https://github.com/immich-app/immich",
      "Interesting piece on four-day weeks. Would this work in healthcare? https://news.example.org/four-day",
      "Want 50% off? Buy now! Only 24 hours left https://deals.example.com/spring",
    },
    invalid = {
      { text = "Must read 👇\nhttps://hbr.example.org/2024/03/the-case-for-slower-hiring",
        errors = { { message = "^A shared link with no commentary", line = 2, column = 1 } } },
      { text = "RT @TechNewsDaily: OpenRail raises $40M to modernise freight scheduling https://tcrn.example/4aBc",
        errors = { { message = "^A retweet", line = 1, column = 1 } } },
      { text = "Nice! RT @someone Apple opening popup store downtown", errors = 1 },
      { text = "Gartner: 5 Trends Shaping Customer Service in 2025 #CX https://lnkd.example/eX4m", errors = 1 },
      { text = "New blog post: Harvard Versus Stanford - Who Wins? http://bit.ly/MCoCo", errors = 1 },
      { text = "RE: https://social.example/@osm/1122\n\n+1", errors = 1 },
    },
  },
}
