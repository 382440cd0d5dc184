-- WORDS IN CAPITALS read as shouting, and screen readers may spell them out letter by letter.

-- Acronyms and initialisms that are written in capitals on purpose (words without vowels,
-- like HTML or SXSW, are taken for acronyms anyway).
local ACRONYMS = { "NASA", "NATO", "ASAP", "AIDS", "UNESCO", "UNICEF", "COVID", "OPEC", "FIFA",
  "UEFA", "NOAA", "ICANN", "IKEA", "AJAX", "JSON", "YAML", "TOML", "SARS", "MERS", "SIM", "RAM",
  "ROM", "LASER", "RADAR", "SCUBA", "PIN", "GIF", "JPEG", "MPEG", "UNIX", "BASIC", "COBOL",
  "FORTRAN", "AMA", "FAQ", "CEO", "CTO", "CFO", "COO", "TEDX", "OKR", "OKRS", "KPI", "ROI",
  "B2B", "SAAS", "EU", "USA", "UK", "UAE", "NYC", "LGBTQ", "LGBTQIA", "ADHD", "IPO", "API",
  "UI", "UX", "AI", "AGI", "IOS", "MACOS", "WWDC", "CES", "SXSW", "EOD", "ETA", "FOMO", "YOLO",
  "IMHO", "IIRC", "TLDR", "TIL", "ELI5", "NSFW", "PSA", "BREAKING", "IDEA", "GIS", "FOSS",
  "NOAA", "DATEV", "SAP", "ASUS", "AMD", "BMW", "AUDI", "FIAT", "LEGO", "NASDAQ", "NYSE" }
local ACRONYM_SET = {}
for _, a in ipairs(ACRONYMS) do
  ACRONYM_SET[a] = true
end

return {
  id = "no-shouting",
  summary = "Avoid words in ALL CAPS beyond acronyms",
  docs = [[
Capitals read as shouting, look like spam to filters, and are harder to read (the eye
recognises words by their shape). Some screen readers spell unknown all-caps words letter by
letter. Emphasis belongs in the wording, or in one *emphasised* word where Markdown renders.

The rule reports runs of words of `min_letters` (default 4) or more letters written entirely in
capitals. Acronyms are left alone: words without vowels (HTML, SXSW), a built-in list (NASA,
ASAP, COVID, ...) and the `allow` option (`allow = { "OKAY" }`). Quotations and link text are
someone else's words and are skipped, and so are labels in brackets ("[VIDEO]").

Bad:   This is HUGE. Our BIGGEST SALE EVER starts now.
Good:  This is big: our largest sale starts now.

The suggestion writes the words in lower case (capitalised at the start of a sentence).]],
  severity = "warning",
  options = { min_letters = 4, allow = {} },

  check = function(post, ctx)
    -- the built-in list as a set once per run; a copy with the option's words only when
    -- there are any (most configurations have none)
    local allowed = ACRONYM_SET
    if #ctx.options.allow > 0 then
      allowed = {}
      for a in pairs(ACRONYM_SET) do
        allowed[a] = true
      end
      for _, a in ipairs(ctx.options.allow) do
        allowed[tostring(a):upper()] = true
      end
    end
    local min = ctx.options.min_letters
    -- (w is written in capitals: an upper-case letter and no lower-case one, in any script)
    local function shouted(w)
      local t = w.text
      if w.quoted or w.link or post.text:sub(w.first - 1, w.first - 1) == "[" then
        return false -- quotations, link text, "[VIDEO]"-style labels
      end
      if t:find("%d") then
        return false -- a code or a model ("A380", "COVID19")
      end
      local core = t:gsub("['’%-%.]", "")
      if (utf8.len(core) or #core) < min or allowed[core:upper()] then
        return false
      end
      -- no vowel (HTML, SXSW): an acronym; non-ASCII letters count as vowels
      return core:find("[AEIOUY\128-\255]") ~= nil
    end
    -- only the words in capitals are looked at (and their tables made): a run of shouted
    -- words is a run of consecutive indices in this list
    local words, capitals = post.words, post.words_in_capitals
    local c = 1
    while c <= #capitals do
      local i = capitals[c]
      local w = words[i]
      if shouted(w) then
        local j = i
        while capitals[c + 1] == j + 1 do
          local next_word = words[j + 1]
          if not shouted(next_word) or next_word.sentence ~= w.sentence then
            break
          end
          j, c = j + 1, c + 1
        end
        local first, last = words[i].first, words[j].last
        local original = post.text:sub(first, last)
        local lower = lint.fold(original)
        local s = words[i].sentence and post.sentences[words[i].sentence]
        if s and s.first_word == i then
          lower = lower:sub(1, 1):upper() .. lower:sub(2)
        end
        ctx:report{
          message = string.format("\"%s\" is in capitals: it reads as shouting", original),
          first = first, last = last,
          suggestions = { { title = "Write it in lower case",
            edits = { { first = first, last = last, text = lower } } } },
        }
      end
      c = c + 1
    end
  end,

  tests = {
    valid = {
      "NASA and the ESA shared the HTML docs ASAP.",
      "We met at SXSW and talked about AI for an hour.",
      "\"STOP THE PRESSES\" was the headline in 1962.",
      { text = "Big OKAY from the team", options = { allow = { "okay" } } },
      "日本語のテキスト",
      "LOL that was fun",
    },
    invalid = {
      { text = "This is HUGE. Our BIGGEST SALE EVER starts now.",
        errors = { { message = "^\"HUGE\" is in capitals", line = 1, column = 9 },
          { message = "^\"BIGGEST SALE EVER\"", column = 19 } } },
      { text = "AMAZING news today", errors = 1 },
      { text = "Das ist GROSSARTIG", errors = 1 },
      -- capitals in any script; a name in Cyrillic or Greek is no shouting
      { text = "Wir waren in Москва und Αθήνα, ПРОСТО СУПЕР", errors = {
        { message = "^\"ПРОСТО СУПЕР\" is in capitals", column = 32 } } },
    },
  },
}
