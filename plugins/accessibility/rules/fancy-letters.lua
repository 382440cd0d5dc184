-- "Fancy text" generators write with Unicode's mathematical alphabets; screen readers spell
-- those out letter by letter ("mathematical bold capital B, ...") or skip them, and search
-- cannot find the words.

-- Letterlike symbols that fill the holes of the mathematical alphabets (script B is U+212C,
-- not in the U+1D400 block): fancy only inside a run of other fancy letters.
local HOLES = {
  [0x2102] = true, [0x210A] = true, [0x210B] = true, [0x210C] = true, [0x210D] = true,
  [0x210E] = true, [0x2110] = true, [0x2111] = true, [0x2112] = true, [0x2115] = true,
  [0x2119] = true, [0x211A] = true, [0x211B] = true, [0x211C] = true, [0x211D] = true,
  [0x2124] = true, [0x2128] = true, [0x212C] = true, [0x212D] = true, [0x212F] = true,
  [0x2130] = true, [0x2131] = true, [0x2133] = true, [0x2134] = true,
}

-- "core": a letter of a fancy alphabet; "hole": a letterlike symbol; nil: anything else.
local function kind(cp, fullwidth)
  if cp >= 0x1D400 and cp <= 0x1D7FF then
    return "core" -- mathematical alphanumeric symbols
  elseif cp >= 0x24B6 and cp <= 0x24E9 then
    return "core" -- circled letters
  elseif cp >= 0x1F130 and cp <= 0x1F149 then
    return "core" -- squared capitals
  elseif fullwidth and ((cp >= 0xFF10 and cp <= 0xFF19) or (cp >= 0xFF21 and cp <= 0xFF3A)
      or (cp >= 0xFF41 and cp <= 0xFF5A)) then
    return "core"
  elseif HOLES[cp] then
    return "hole"
  end
  return nil
end

-- The plain form of one fancy character, when it has one (a letter or digit).
local function plain(ch)
  local p = lint.nfkc(ch)
  if p:match("^%w$") then
    return p
  end
  return nil
end

-- CJK writing uses fullwidth Latin letters as ordinary text.
local FULLWIDTH_NATIVE = { ja = true, zh = true, ko = true }

return {
  id = "fancy-letters",
  summary = "Plain letters instead of Unicode \"fancy text\"",
  docs = [[
Bold, italic, script or circled "fonts" in posts are not fonts: they are mathematical symbols
(U+1D400-U+1D7FF), circled and squared letters, or fullwidth forms. Screen readers spell them
out symbol by symbol or say nothing, search and hashtags do not find the words, and some
apps show empty boxes.

    Bad:  𝐁𝐢𝐠 𝐧𝐞𝐰𝐬: our app is 𝓯𝓻𝓮𝓮 today
    Good: Big news: our app is free today

The fix replaces each run with the plain letters (the NFKC form of each symbol, by
`lint.nfkc`); use the platform's own bold or a word for emphasis instead. Fullwidth letters
are checked only when the `fullwidth` option is on and the post is not in Japanese, Chinese
or Korean, whose writing uses them as ordinary text.]],
  severity = "warning",
  fixable = true,
  options = { fullwidth = true },

  check = function(post, ctx)
    local text = post.text
    local fullwidth = ctx.options.fullwidth and not FULLWIDTH_NATIVE[post.lang]
    local body = post.body
    local runs, run = {}, nil
    local gap_ok = false -- only spaces and punctuation since the run's last fancy letter
    for pos, cp in utf8.codes(body.text, true) do
      local at = body.first + pos - 1
      local k = kind(cp, fullwidth)
      local ch = utf8.char(cp)
      if k and plain(ch) then
        if run and gap_ok then
          run.last = at + #ch - 1
          run.core = run.core or k == "core"
        else
          run = { first = at, last = at + #ch - 1, core = k == "core" }
          runs[#runs + 1] = run
        end
        gap_ok = true
      elseif cp < 0x80 and not ch:match("[%w\n]") then
        -- spaces and punctuation do not end a run: "𝐁𝐢𝐠 𝐧𝐞𝐰𝐬!" is one
      else
        gap_ok = false
      end
    end
    for _, r in ipairs(runs) do
      if r.core then
        local fancy = text:sub(r.first, r.last)
        local out = {}
        for _, cp in utf8.codes(fancy) do
          local ch = utf8.char(cp)
          out[#out + 1] = kind(cp, fullwidth) and plain(ch) or ch
        end
        local fixed = table.concat(out)
        ctx:report{
          message = "\"Fancy\" letters in \"" .. fancy .. "\": screen readers spell them out "
            .. "or skip them; write \"" .. fixed .. "\"",
          first = r.first, last = r.last,
          fix = { first = r.first, last = r.last, text = fixed },
        }
      end
    end
  end,

  tests = {
    valid = {
      "Plain text with x² and the ﬁ ligature stays as it is.",
      "The real numbers ℝ alone are not fancy text.",
      { text = "---\nlang: ja\n---\nＯＫです。", platform = "x" },
      { text = "ＦＵＬＬ width allowed here", options = { fullwidth = false } },
    },
    invalid = {
      { name = "bold and script", text = "𝐁𝐢𝐠 𝐧𝐞𝐰𝐬: our app is 𝓯𝓻𝓮𝓮 today",
        errors = { { message = "\"𝐁𝐢𝐠 𝐧𝐞𝐰𝐬\"", line = 1, column = 1, end_column = 9 },
                   { message = "write \"free\"", column = 22 } },
        output = "Big news: our app is free today" },
      { name = "script with a letterlike hole", text = "ℬ𝓇𝒶𝓃𝒹",
        errors = 1, output = "Brand" },
      { name = "circled and fullwidth", text = "Ⓢⓐⓛⓔ and ＦＲＥＥ",
        errors = 2, output = "Sale and FREE" },
      { name = "digits", text = "Only 𝟓 left", errors = 1, output = "Only 5 left" },
      { name = "after front matter", text = "---\ngoal: replies\n---\n𝘏𝘪 all",
        errors = { { line = 4, column = 1 } }, output = "---\ngoal: replies\n---\nHi all" },
    },
  },
}
