-- A post (or thread part) longer than its network accepts, counted the way the network counts
-- (post:length: twitter-text for X, graphemes and bytes for Bluesky, and so on).
local platforms = require("lib.platforms")

local DISPLAY = { x = "X", mastodon = "Mastodon", bluesky = "Bluesky", threads = "Threads",
  linkedin = "LinkedIn", facebook = "Facebook", instagram = "Instagram" }
-- room left in every piece of a split for its "12/15 " marker
local MARKER_ROOM = 6

-- s without its leading and trailing spaces (Lua's %s). The end is found by a walk back:
-- the pattern "%s+$" is tried at every offset of the text, and the split measures pieces
-- of the whole post many times over.
local function trim(s)
  local first = s:find("%S")
  if not first then
    return ""
  end
  local last = #s
  local b = s:byte(last)
  while b == 32 or (b >= 9 and b <= 13) do
    last = last - 1
    b = s:byte(last)
  end
  return s:sub(first, last)
end

local function fits(post, platform, text, max_bytes)
  local n, limit = post:length(platform, text)
  return n <= limit and (not max_bytes or #text <= max_bytes)
end

-- Offsets inside [first, last] where a piece may end: sentence ends, or word ends.
local function ends_of(list, first, last)
  local out = {}
  for _, t in ipairs(list) do
    if t.last >= first and t.last < last then
      out[#out + 1] = t.last
    end
  end
  out[#out + 1] = last
  return out
end

-- The longest prefix of text[start..] ending at one of `cuts` (sorted) that fits with `room`
-- to spare. A longer prefix never counts less, so this is a binary search: a post far over a
-- large limit (Facebook's 63,206) costs a few dozen measurements, not thousands.
local function longest_fit(post, platform, cuts, start, room, max_bytes)
  local from = 1
  while from <= #cuts and cuts[from] < start do
    from = from + 1
  end
  local function ok(k)
    local piece = trim(post.text:sub(start, cuts[k])) .. string.rep(" ", room)
    return fits(post, platform, piece, max_bytes)
  end
  -- find the last k in [from, #cuts] with ok(k)
  local best
  local lo, hi = from, #cuts
  while lo <= hi do
    local mid = (lo + hi) // 2
    if ok(mid) then
      best = cuts[mid]
      lo = mid + 1
    else
      hi = mid - 1
    end
  end
  return best
end

-- Splits [first, last] into pieces that fit, at sentence ends (word ends when a sentence is
-- longer than a whole post). nil when even one word does not fit.
local function split(post, platform, first, last, max_bytes)
  local sentence_cuts = ends_of(post.sentences, first, last)
  local word_cuts = ends_of(post.words, first, last)
  local pieces, start = {}, first
  while start <= last do
    local stop = longest_fit(post, platform, sentence_cuts, start, MARKER_ROOM, max_bytes)
      or longest_fit(post, platform, word_cuts, start, MARKER_ROOM, max_bytes)
    if not stop then
      return nil
    end
    pieces[#pieces + 1] = trim(post.text:sub(start, stop))
    start = stop + 1
    while start <= last and post.text:sub(start, start):match("%s") do
      start = start + 1
    end
    if #pieces > 99 then
      return nil
    end
  end
  return pieces
end

-- Where the text stops fitting: the first word past the limit (binary search over words).
local function overflow_start(post, platform, first, last, max_bytes)
  local words = {}
  for _, w in ipairs(post.words) do
    if w.first >= first and w.last <= last then
      words[#words + 1] = w
    end
  end
  local lo, hi = 0, #words -- words[1..lo] fit
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if fits(post, platform, post.text:sub(first, words[mid].last), max_bytes) then
      lo = mid
    else
      hi = mid - 1
    end
  end
  if lo < #words then
    return words[lo + 1].first
  end
  return first
end

return {
  id = "max-length",
  summary = "A post or thread part must fit its network's length limit",
  docs = [[
Every network refuses (or silently cuts) a post over its limit, and each counts differently:
X weighs characters with twitter-text (CJK and emoji count 2, every link 23), Bluesky counts
graphemes (300) and UTF-8 bytes (3000), Mastodon counts graphemes with links as 23 and
`@user@server` as `@user`. `postlint length FILE` shows the numbers; the limits come from one
table that `.lintrc` can override (`platform_limits = { mastodon = { limit = 11000 } }`).

Each thread part (parts are separated by `---` lines or start with `1/5`-style markers) is
checked on its own, for each platform of the post. The range shown starts at the first word
past the limit.

Suggestion: where the network has threads (X, Mastodon, Bluesky, Threads), split the text
into a numbered thread at sentence boundaries (at word boundaries when one sentence is too
long), and show the split; a part of an existing thread is split with `---` lines so that
`thread-numbering` can renumber the whole thread. Elsewhere (and when a split would need more
than 99 posts), cut after the last sentence that fits. Set `split = false` to always get the
cut.

Bad (platform: x): a 300-character post. Good: the same text as "1/2 ..." and "2/2 ...".]],
  severity = "error",
  options = { split = true },

  check = function(post, ctx)
    local nparts = #post.parts
    for _, platform in ipairs(platforms.of(post)) do
      for i, part in ipairs(post.parts) do
        local n, limit, info = post:length(platform, nparts > 1 and i or nil)
        if info and info.over then
          local first, last = platforms.part_range(post, part)
          local max_bytes = info.max_bytes
          local what
          if n > limit then
            what = string.format("%d/%d %s (%d over)", n, limit, info.unit, n - limit)
          else
            what = string.format("%d/%d bytes (%d over)", info.bytes, max_bytes,
              info.bytes - max_bytes)
          end
          local where = nparts > 1 and string.format("Part %d is too long", i) or "Too long"
          local suggestion
          local pieces = ctx.options.split and info.threads
            and split(post, platform, first, last, max_bytes)
          if pieces and #pieces > 1 then
            local joined
            if nparts > 1 then
              joined = table.concat(pieces, "\n\n---\n\n")
            else
              local numbered = {}
              for k, piece in ipairs(pieces) do
                numbered[k] = string.format("%d/%d %s", k, #pieces, piece)
              end
              joined = table.concat(numbered, "\n\n")
            end
            suggestion = { title = string.format("Split into %d %s at sentence boundaries",
              #pieces, nparts > 1 and "parts" or "numbered posts"),
              edits = { { first = first, last = last, text = joined } } }
          else
            local cut = longest_fit(post, platform, ends_of(post.sentences, first, last),
              first, 0, max_bytes)
              or longest_fit(post, platform, ends_of(post.words, first, last), first, 0, max_bytes)
            if cut and cut < last then
              suggestion = { title = "Shorten: cut after the last sentence that fits",
                edits = { { first = cut + 1, last = last, text = "" } } }
            else
              suggestion = { title = "Shorten the post", edits = { { first = first, last = last,
                text = post.text:sub(first, last) } } }
            end
          end
          ctx:report{
            message = string.format("%s for %s: %s", where, DISPLAY[platform], what),
            first = overflow_start(post, platform, first, last, max_bytes), last = last,
            suggestions = { suggestion },
          }
        end
      end
    end
  end,

  tests = {
    valid = {
      { text = "A short post.", platform = "x" },
      -- no platform: nothing to measure against
      string.rep("Long enough to be over any short limit. ", 10),
      -- 400 characters fit Mastodon's 500
      { text = string.rep("Mastodon allows five hundred. ", 13), platform = "mastodon" },
      -- each part of a thread is counted on its own
      { text = string.rep("First part sentence. ", 10) .. "\n\n---\n\n"
        .. string.rep("Second part sentence. ", 10), platform = "x" },
      -- 140 CJK characters weigh exactly 280 on X
      { text = string.rep("漢字", 70), platform = "x" },
    },
    invalid = {
      { text = "---\nplatform: x\n---\n" .. string.rep("This sentence is forty characters long. ", 8),
        errors = { { message = "^Too long for X: 319/280 characters %(39 over%)$", line = 4 } } },
      -- 141 CJK characters: 282 on X
      { text = string.rep("漢字", 70) .. "字", platform = "x",
        errors = { { message = "282/280" } } },
      -- Bluesky: 300 graphemes fit, but not 3000 bytes (each emoji is 25 bytes)
      { text = string.rep("👨‍👩‍👧‍👦", 130), platform = "bluesky",
        errors = { { message = "^Too long for Bluesky: 3250/3000 bytes" } } },
      { text = "One part.\n\n---\n\n" .. string.rep("Second part is long. ", 15), platform = "x",
        errors = { { message = "^Part 2 is too long for X: 314/280", line = 5 } } },
      { text = string.rep("A LinkedIn post that goes on. ", 110), platform = "linkedin",
        errors = { { message = "^Too long for LinkedIn: 3299/3000 characters" } } },
    },
  },
}
