-- Per-language word lists for the built-in rules, compiled once per Lua state.
--   local words = require("lib.words")
--   local W = words("en")   -- nil when postlint has no lists for the language
--   W.data.first_person     -- the raw list (lib/words/en.lua)
--   W.sets.first_person["i"] -- membership of single words
--   W.phrases.first_person  -- compiled for post:find (nil for substring languages)
-- A rule with no lists for a post's language stays silent rather than guess.
local supported = { en = true, es = true, de = true, ja = true }
local compiled = {}

return function(lang)
  if not supported[lang] then
    return nil
  end
  local W = compiled[lang]
  if W then
    return W
  end
  local data = require("lib.words." .. lang)
  W = { lang = lang, data = data, sets = {}, phrases = {}, substring = data.substring == true }
  for name, list in pairs(data) do
    if type(list) == "table" and name ~= "templates" then
      local set = {}
      for _, phrase in ipairs(list) do
        set[phrase] = true
      end
      W.sets[name] = set
      if not W.substring then
        W.phrases[name] = lint.phrases(list)
      end
    end
  end
  compiled[lang] = W
  return W
end
