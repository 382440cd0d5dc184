-- Per-language word lists for the built-in rules, compiled once per Lua state.
--   local words = require("lib.words")
--   local W = words("en")   -- nil when postlint has no lists for the language
--   W.data.first_person     -- the raw list (lib/words/en.lua)
--   W.sets.first_person["i"] -- membership of single words
--   W.phrases.first_person  -- compiled for post:find (nil for substring languages), in the
--                           -- group W.group: post:matches scans the group's lists together
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
  -- the lists' compiled sets are one group: a post's words are walked once for all of them
  W = { lang = lang, data = data, substring = data.substring == true,
    group = lint.phrase_group() }
  local function list_of(name)
    local list = data[name]
    return type(list) == "table" and name ~= "templates" and list or nil
  end
  -- each list is made into a set and compiled when a rule first asks for it: a post uses
  -- about half of the 37 lists, and compiling them all was a tenth of a one-post run
  W.sets = setmetatable({}, { __index = function(sets, name)
    local list = list_of(name)
    if not list then
      return nil
    end
    local set = {}
    for _, phrase in ipairs(list) do
      set[phrase] = true
    end
    rawset(sets, name, set)
    return set
  end })
  W.phrases = setmetatable({}, { __index = function(phrases, name)
    local list = not W.substring and list_of(name)
    if not list then
      return nil
    end
    local compiled_list = lint.phrases(list, W.group)
    rawset(phrases, name, compiled_list)
    return compiled_list
  end })
  compiled[lang] = W
  return W
end
