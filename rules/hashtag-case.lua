-- "#socialmediatips" is one long word to a screen reader; "#SocialMediaTips" is three.

-- Short words are where a dictionary split goes wrong ("ab", "ad", "em"): only these may be
-- parts of a hashtag.
local SHORT = {}
for w in ("a i an am as at be by do go he hi if in is it me my no of oh ok on or so to up us "
  .. "we ai tv uk us"):gmatch("%a+") do
  SHORT[w] = true
end

local dictionary -- set of words, built on first use (lib/dictionary/en.lua is 40,000 words)

local function words()
  if not dictionary then
    dictionary = {}
    for w in require("lib.dictionary.en"):gmatch("%a+") do
      dictionary[w] = true
    end
  end
  return dictionary
end

local function is_word(w)
  if #w < 3 then
    return SHORT[w] == true
  end
  return words()[w] == true
end

-- The split of a lower-case tag into the fewest dictionary words (runs of digits stand on
-- their own), or nil when some stretch is not a word.
local function segment(tag)
  local n = #tag
  local best = { [0] = { count = 0 } }
  for i = 1, n do
    for j = math.max(1, i - 24), i do
      local prev = best[j - 1]
      if prev then
        local piece = tag:sub(j, i)
        if piece:match("^%d+$") or is_word(piece) then
          local count = prev.count + 1
          if not best[i] or count < best[i].count then
            best[i] = { count = count, from = j, prev = j - 1 }
          end
        end
      end
    end
  end
  if not best[n] then
    return nil
  end
  local pieces, i = {}, n
  while i > 0 do
    table.insert(pieces, 1, tag:sub(best[i].from, i))
    i = best[i].prev
  end
  return pieces
end

return {
  id = "hashtag-case",
  summary = "Write multi-word hashtags in CamelCase",
  docs = [[
Screen readers read "#socialmediatips" as one long made-up word, and sighted readers stumble
too ("#therapistfinder"). Capitalising each word - "#SocialMediaTips" - makes the words audible
and readable, and search still finds the tag (hashtags are case-insensitive).

The rule looks at hashtags written all in lower case (at least `min_length` letters, default 8)
and splits them into English words with a dictionary (SCOWL's 40,000 common words, plus words
of the social web; see rules/lib/dictionary/en.lua). It reports a tag only when the whole tag
splits into two or more dictionary words - a tag it cannot split (#ootd, #buenosdias) is left
alone rather than guessed at. Among the possible splits it takes the one with the fewest words.
Posts in a language other than English are skipped.

Bad:   Five ideas for your feed #socialmediatips
Good:  Five ideas for your feed #SocialMediaTips

Suggestion (check the split before applying it): the CamelCase tag.]],
  severity = "warning",
  options = { min_length = 8 },

  check = function(post, ctx)
    if post.lang and post.lang ~= "en" then
      return
    end
    for _, t in ipairs(post.hashtags) do
      local tag = t.tag
      if #tag >= ctx.options.min_length and tag:match("^[a-z][a-z0-9]*$") and not is_word(tag) then
        local pieces = segment(tag)
        if pieces and #pieces >= 2 then
          local camel = {}
          for k, p in ipairs(pieces) do
            camel[k] = p:sub(1, 1):upper() .. p:sub(2)
          end
          local better = table.concat(camel)
          local sign_len = #t.text - #tag
          ctx:report{
            message = string.format("#%s reads as one word; write it #%s", tag, better),
            first = t.first, last = t.last,
            suggestions = { { title = "Capitalise each word",
              edits = { { first = t.first + sign_len, last = t.last, text = better } } } },
          }
        end
      end
    end
  end,

  tests = {
    valid = {
      "Five ideas for your feed #SocialMediaTips",
      "Morning #coffee",
      "Outfit of the day #ootd",
      "Learning #python today",
      { text = "Buenos días #buenosdias", lang = "es" },
    },
    invalid = {
      { text = "Five ideas for your feed #socialmediatips",
        errors = { { message = "^#socialmediatips reads as one word; write it #SocialMediaTips$",
          line = 1, column = 26 } } },
      { text = "Join us #throwbackthursday", errors = { { message = "#ThrowbackThursday" } } },
      { text = "Top picks #books2024", options = { min_length = 6 },
        errors = { { message = "#Books2024" } } },
    },
  },
}
