-- Per-language word lists for the built-in rules, compiled once per Lua state.
--   local words = require("lib.words")
--   local W = words("en")   -- nil when postlint has no lists for the language
--   W.data.first_person     -- the list as a table of phrases (lib/words/en.lua writes it as
--                           -- one string, "i, me, my, ...": see lint.phrase_list)
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
  local written = require("lib.words." .. lang)
  -- a list is written as one string of phrases ("i, me, my"): a language's thousand phrases
  -- as short strings, each hashed and interned as the chunk loaded, were 7% of a
  -- one-post lint. W.data holds the lists as tables, each made when first read; lint.phrases
  -- reads the string itself, with no Lua string per phrase.
  local data = setmetatable({}, { __index = function(lists, name)
    local value = written[name]
    if type(value) == "string" then
      value = lint.phrase_list(value)
    end
    if value ~= nil then
      rawset(lists, name, value)
    end
    return value
  end })
  W = { lang = lang, data = data, written = written, substring = written.substring == true,
    group = lint.phrase_group() }
  -- a word list as written (a string of phrases, or a table of them), or nil for what is
  -- not one (the templates, the substring flag)
  local function written_list(name)
    local list = name ~= "templates" and written[name]
    return (type(list) == "string" or type(list) == "table") and list or nil
  end
  local function list_of(name)
    return written_list(name) and data[name]
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
    local list = not W.substring and written_list(name)
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
