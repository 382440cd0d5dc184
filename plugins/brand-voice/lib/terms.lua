-- Matching a table of { ["term"] = "replacement" } against a post, shared by the pack's rules
-- (require("lib.terms")).
local M = {}

-- The replacement written the way the found text starts: "Synergy" -> "Collaboration".
function M.match_case(found, replacement)
  local first = found:sub(1, 1)
  if first:match("%u") and replacement:sub(1, 1):match("%l") then
    return replacement:sub(1, 1):upper() .. replacement:sub(2)
  end
  return replacement
end

-- Every match of the table's terms in the post, in order of position:
-- { first, last, text, term, replacement }. Terms are matched as lint.phrases matches
-- them: whole words, case-insensitively, "*" for a prefix.
function M.find(post, terms)
  local list, by_fold = {}, {}
  for term, replacement in pairs(terms) do
    list[#list + 1] = term
    by_fold[table.concat(lint.words(term), " ")] = { term = term, replacement = replacement }
  end
  if #list == 0 then
    return {}
  end
  table.sort(list) -- pairs() order is arbitrary: keep the results stable
  local found = {}
  for _, m in ipairs(post:find(lint.phrases(list))) do
    local entry = by_fold[table.concat(lint.words(m.phrase), " ")]
    if entry then
      found[#found + 1] = { first = m.first, last = m.last, text = m.text,
                            term = entry.term, replacement = entry.replacement }
    end
  end
  return found
end

return M
