-- The post methods that read a post's text or words, kept from collect and called on a light
-- post in check_set (where posts have no text): each must raise a clear error, not run on
-- the empty post. Used by test_words_outside.py, with --jobs 1 so that collect and
-- check_set share this module's state.
local kept = {}

return {
  id = "light-methods",
  severity = "warning",
  summary = "post methods refuse light posts",
  docs = "A test rule: reports a post method that runs on a light post.",

  collect = function(post)
    kept.find, kept.shingles, kept.length = post.find, post.shingles, post.length
    kept.words_outside, kept.matches = post.words_outside, post.matches
    return { seen = true }
  end,

  check_set = function(posts, ctx)
    local p, checked = posts[1], 0
    for name, method in pairs(kept) do
      local ok, err = pcall(method, p, {})
      checked = checked + 1
      if ok or not tostring(err):find("not available in check_set", 1, true) then
        ctx:report{ post = p, message = name .. " on a light post: " .. tostring(err),
          first = 1, last = 1 }
      end
    end
    ctx:report{ post = p, severity = "info", message = "checked " .. checked .. " methods",
      first = 1, last = 1 }
  end,
}
