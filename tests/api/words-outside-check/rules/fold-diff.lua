-- lint.fold on ASCII text (src/lua/api_lint.c folds it without utf8proc) against the plain
-- Lua answer, string.lower: for every word and sentence of every post, the whole body, and
-- strings of every ASCII byte (NUL and controls among them). Each difference is a warning;
-- one info finding counts the strings compared. Used by test_words_outside.py.
local function ascii(s)
  return not s:find("[\128-\255]")
end

return {
  id = "fold-diff",
  severity = "warning",
  summary = "lint.fold of ASCII is string.lower",
  docs = "A test rule: reports ASCII text that lint.fold folds otherwise than string.lower.",

  check = function(post, ctx)
    local texts = { post.text:sub(post.body.first, post.body.last) }
    for _, list in ipairs({ post.words, post.sentences }) do
      for _, t in ipairs(list) do
        texts[#texts + 1] = t.text
      end
    end
    local bytes = {}
    for b = 0, 127 do
      bytes[#bytes + 1] = string.char(b)
    end
    texts[#texts + 1] = table.concat(bytes)
    local compared = 0
    for _, s in ipairs(texts) do
      if ascii(s) then
        compared = compared + 1
        if lint.fold(s) ~= s:lower() then
          ctx:report{ message = string.format("%q folds to %q", s, lint.fold(s)) }
        end
      end
    end
    ctx:report{ severity = "info", message = string.format("compared %d", compared) }
  end,
}
