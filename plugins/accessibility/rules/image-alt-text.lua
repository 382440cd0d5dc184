-- Images need a description for people who cannot see them (WCAG 1.1.1).

local function is_filename(alt)
  return alt:match("^[%w%-_ ]+%.%a%a%a%a?$") ~= nil
end

return {
  id = "image-alt-text",
  summary = "Every image has alt text that describes it",
  docs = [[
Screen readers read an image's alt text; without it they say "image" or read the file name.
Bluesky, Mastodon, X and LinkedIn all take the description from the post, so write it where
the image is:

    Bad:  ![](team.jpg)    ![image](team.jpg)    ![IMG_2041.jpg](team.jpg)
    Good: ![Six of us around a whiteboard covered in sticky notes](team.jpg)

The rule reports Markdown images whose alt text is empty, a file name, or a generic word
(the `generic` option: "image", "photo", ...). The suggestion puts a placeholder (the
`placeholder` option) where the description goes: only a person can write it.]],
  severity = "warning",
  options = {
    generic = { "image", "photo", "picture", "pic", "img", "screenshot", "graphic", "alt" },
    placeholder = "describe what the image shows",
  },

  check = function(post, ctx)
    local generic = {}
    for _, w in ipairs(ctx.options.generic) do
      generic[lint.fold(w)] = true
    end
    for _, image in ipairs(post.images) do
      local alt = image.alt:match("^%s*(.-)%s*$")
      local problem
      if alt == "" then
        problem = "Image without alt text: screen readers can only say \"image\""
      elseif generic[lint.fold(alt)] then
        problem = "Alt text \"" .. alt .. "\" says nothing about the image"
      elseif is_filename(alt) then
        problem = "Alt text \"" .. alt .. "\" is a file name, not a description"
      end
      if problem then
        ctx:report{
          message = problem,
          at = image,
          suggestions = { {
            title = "Describe what the image shows",
            edits = { { first = image.alt_first, last = image.alt_last,
                        text = ctx.options.placeholder } },
          } },
        }
      end
    end
  end,

  tests = {
    valid = {
      "![Six of us around a whiteboard covered in sticky notes](team.jpg)",
      "No images here, just [a link](https://example.com).",
      { text = "![diagram](a.png)", options = { generic = { "image" } } },
    },
    invalid = {
      { name = "empty alt", text = "Our new office! ![](office.jpg)",
        errors = { { message = "without alt text", line = 1, column = 17,
                     suggestions = { { title = "Describe",
                                       output = "Our new office! ![describe what the image shows](office.jpg)" } } } } },
      { name = "blank alt", text = "![  ](a.png)", errors = 1 },
      { name = "generic word", text = "Look: ![Photo](a.png)",
        errors = { { message = "says nothing" } } },
      { name = "file name", text = "![IMG_2041.jpg](a.jpg)",
        errors = { { message = "is a file name" } } },
    },
  },
}
