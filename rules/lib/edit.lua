-- Helpers for building the edits of fixes and suggestions (1-based inclusive offsets).
local M = {}

-- An insertion before offset `at` (the text lands between at-1 and at).
function M.insert(at, text)
  return { first = at, last = at - 1, text = text }
end

-- The offset just after the last non-space character of the body.
function M.body_end(post)
  local last = post.body.last
  while last >= post.body.first and post.text:sub(last, last):match("%s") do
    last = last - 1
  end
  return last + 1
end

-- The first non-space character of the body.
function M.body_start(post)
  local first = post.body.first
  while first <= post.body.last and post.text:sub(first, first):match("%s") do
    first = first + 1
  end
  return first
end

-- Text to put after the sentence ending at `last` before adding a sentence of our own:
-- a full stop if the sentence has none, then a space (none for Japanese).
function M.joiner(post, last, lang)
  local c = post.text:sub(last, last)
  -- after a link, hashtag or mention a full stop would join it: start a new paragraph
  for _, list in ipairs({ post.links, post.hashtags, post.mentions }) do
    for _, t in ipairs(list) do
      if t.last == last then
        return "\n\n"
      end
    end
  end
  if lang == "ja" then
    return ""
  end
  if c:match("[%w]") then
    return ". "
  end
  return " "
end

-- The start of the line holding offset `at` (at most 4 KB back: beyond that, `at`).
function M.line_start(post, at)
  local i = at
  while i > 1 and at - i < 4096 do
    local c = post.text:byte(i - 1)
    if c == 10 then
      return i
    end
    i = i - 1
  end
  return i == 1 and 1 or at
end

-- The range of the first line of the body, for post-level reports.
function M.first_line(post)
  local first = M.body_start(post)
  local eol = post.text:find("\n", first, true) or (post.body.last + 1)
  local last = eol - 1
  if post.text:sub(last, last) == "\r" then
    last = last - 1
  end
  if last < first then
    last = first - 1
  end
  return first, last
end

-- Quotes a snippet of post text for a message.
function M.quote(text, max)
  max = max or 40
  text = text:gsub("%s+", " ")
  if #text > max then
    local cut = max
    while cut > 1 and text:byte(cut + 1) and text:byte(cut + 1) >= 0x80 and text:byte(cut + 1) < 0xC0 do
      cut = cut - 1
    end
    text = text:sub(1, cut) .. "..."
  end
  return '"' .. text .. '"'
end

return M
