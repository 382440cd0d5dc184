-- post:matches (src/lua/api_post.c, api_matches.c) against the plain Lua the golden rules'
-- analysis ran before the host answered it: post:find(list, { quoted = true }), each match's
-- start tested against the quotations' spans (post.quotes) and an offset, in Lua. For each
-- post it asks every list over the whole text, each sentence, random ranges (some cutting
-- through matches) and the text before the first quotation, with every combination of the
-- options; each difference is a warning, and one info finding counts the questions and the
-- non-empty answers. Wrong arguments must raise errors. Used by test_words_outside.py.
local compare = require("lib.compare")
local raises = compare.raises

-- The first five lists are one group (lint.phrase_group: post:matches scans its members in
-- one walk, api_phrase_group.c), their first words shared among members ("you", "thank",
-- "our"), one member with prefixes and exact phrases, one empty; the last two are copies of
-- two members made alone (each scanned by itself). post:find scans each list by itself.
local GROUP = lint.phrase_group()
local LISTS = {
  lint.phrases({ "you", "your", "you guys", "thank you", "thanks for reading" }, GROUP),
  lint.phrases({ "i", "i think", "we", "our", "our new app", "stay", "you know", "thank" },
    GROUP),
  lint.phrases({ "read this", "buy now", "what do you think", "hungry", "zitat", "名言",
    "our new", "you guys rock" }, GROUP),
  lint.phrases({ "quot*", "thank*", "launch*", "t*", "you know", "stay hungry" }, GROUP),
  lint.phrases({}, GROUP),
  lint.phrases({ "you", "your", "you guys", "thank you", "thanks for reading" }),
  lint.phrases({ "quot*", "thank*", "launch*", "t*", "you know", "stay hungry" }),
}

local function inside_quotation(post, pos)
  for _, q in ipairs(post.quotes) do
    if q.first <= pos and pos <= q.last then
      return true
    end
  end
  return false
end

-- the plain Lua: the matches of the whole scan within [first, last], filtered
local function plain(post, list, first, last, opts)
  local out = {}
  for _, m in ipairs(post:find(list, { quoted = true })) do
    if m.first >= first and m.last <= last and (not opts.before or m.first < opts.before)
      and (opts.quoted or not inside_quotation(post, m.first)) then
      out[#out + 1] = m
    end
  end
  if opts.any then
    return #out > 0
  end
  return out
end

local function same(x, y)
  if type(x) ~= "table" or type(y) ~= "table" then
    return x == y
  end
  if #x ~= #y then
    return false
  end
  for k = 1, #x do
    for _, field in ipairs({ "first", "last", "text", "phrase", "word" }) do
      if x[k][field] ~= y[k][field] then
        return false
      end
    end
  end
  return true
end

return {
  id = "matches-diff",
  severity = "warning",
  summary = "post:matches answers as the plain Lua did",
  docs = "A test rule: reports each range whose answer differs from the plain Lua.",

  check = function(post, ctx)
    local text = post.text
    local ranges = { { 1, #text }, { post.body.first, post.body.last } }
    for _, s in ipairs(post.sentences) do
      ranges[#ranges + 1] = { s.first, s.last }
    end
    -- a seed of the post's own, so that each run asks the same questions
    local seed = #text
    for k = 1, #text, 7 do
      seed = (seed * 31 + text:byte(k)) % 2147483647
    end
    for _ = 1, 6 do
      seed = (seed * 48271) % 2147483647
      local a = seed % (#text + 2)
      seed = (seed * 48271) % 2147483647
      ranges[#ranges + 1] = { a, a + seed % 40 }
    end
    local cut = post.quotes[1] and post.quotes[1].first or nil
    local options = {}
    for _, before in ipairs({ false, cut or #text // 2 }) do
      for _, quoted in ipairs({ false, true }) do
        for _, any in ipairs({ false, true }) do
          options[#options + 1] = { before = before or nil, quoted = quoted, any = any }
        end
      end
    end
    local asked, found, differences = 0, 0, 0
    for li, list in ipairs(LISTS) do
      for _, r in ipairs(ranges) do
        for _, o in ipairs(options) do
          local got, want = post:matches(list, r[1], r[2], o), plain(post, list, r[1], r[2], o)
          asked = asked + 1
          if want == true or (type(want) == "table" and #want > 0) then
            found = found + 1
          end
          if not same(got, want) and differences < 5 then
            differences = differences + 1
            ctx:report{ message = string.format("list %d, range %d-%d, before %s, quoted %s, "
              .. "any %s: %s matches, not %s", li, r[1], r[2], tostring(o.before),
              tostring(o.quoted), tostring(o.any),
              type(got) == "table" and #got or tostring(got),
              type(want) == "table" and #want or tostring(want)), first = 1, last = 1 }
          end
        end
      end
    end
    -- a member that joins the group once posts were scanned: the next scan takes it in, and
    -- leaves the members this post was scanned for as they were
    local late = lint.phrases({ "think", "you", "stay foolish", "our*" }, GROUP)
    for li, list in ipairs({ late, LISTS[1] }) do
      local got, want = post:matches(list, 1, #text, { quoted = true }),
        plain(post, list, 1, #text, { quoted = true })
      asked = asked + 1
      if not same(got, want) then
        ctx:report{ message = string.format("joined late (%d): %d matches, not %d", li, #got,
          #want), first = 1, last = 1 }
      end
    end
    -- without options it is { quoted = false, any = false }, no offset
    if not same(post:matches(LISTS[1], 1, #text), plain(post, LISTS[1], 1, #text, {})) then
      ctx:report{ message = "no options: differs", first = 1, last = 1 }
    end
    for what, f in pairs({
      ["a string for the list"] = function() return post:matches("you", 1, 2) end,
      ["no range"] = function() return post:matches(LISTS[1]) end,
      ["before not an integer"] = function() return post:matches(LISTS[1], 1, 2, { before = 1.5 }) end,
      ["options not a table"] = function() return post:matches(LISTS[1], 1, 2, true) end,
      ["a group that is no group"] = function() return lint.phrases({ "a" }, LISTS[1]) end,
      ["a group that is a table"] = function() return lint.phrases({ "a" }, {}) end,
    }) do
      if not raises(f, ".") then
        ctx:report{ message = what .. " was not refused", first = 1, last = 1 }
      end
    end
    ctx:report{ severity = "info", message = "compared " .. asked .. " " .. found,
      first = 1, last = 1 }
  end,
}
