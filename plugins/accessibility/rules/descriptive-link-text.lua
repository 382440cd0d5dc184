-- Links are often read out of context (a screen reader's list of links): their text must
-- say where they go (WCAG 2.4.4).

-- Words for a link's destination from its URL: the last path segment, else the host.
local function describe_url(url)
  local host, path = url:match("^%a[%w+.-]*://([^/?#]+)([^?#]*)")
  if not host then
    return nil
  end
  host = host:gsub("^www%.", "")
  local last = path:match("([^/]+)/*$")
  if last then
    last = last:gsub("%.%w+$", ""):gsub("[-_+]+", " ")
    if last:find("%a") then
      return last .. " (" .. host .. ")"
    end
  end
  return host
end

return {
  id = "descriptive-link-text",
  summary = "Link text says where the link goes, not \"click here\"",
  docs = [[
Screen reader users jump from link to link, hearing only the link text: "click here, here,
read more" tells them nothing. Say where the link goes:

    Bad:  For the full schedule, [click here](https://example.com/schedule).
    Good: Read the [full conference schedule](https://example.com/schedule).

Reports Markdown links whose visible text is one of the `vague` phrases (compared
case-insensitively, ignoring punctuation around them). The suggestion replaces the text with
words taken from the address; better words are yours to write.]],
  severity = "warning",
  options = {
    vague = { "click here", "click", "here", "link", "this link", "this", "read more",
              "more", "learn more", "click this", "go", "this page", "page", "website",
              "details", "info" },
  },

  check = function(post, ctx)
    local vague = {}
    for _, phrase in ipairs(ctx.options.vague) do
      vague[table.concat(lint.words(phrase), " ")] = true
    end
    for _, link in ipairs(post.links) do
      if link.kind == "markdown" then
        local words = table.concat(lint.words(link.text), " ")
        if vague[words] then
          local report = {
            message = "Link text \"" .. link.text .. "\" does not say where the link goes",
            first = link.text_first, last = link.text_last,
          }
          local better = describe_url(link.url)
          if better then
            report.suggestions = { {
              title = "Name the destination",
              edits = { { first = link.text_first, last = link.text_last, text = better } },
            } }
          end
          ctx:report(report)
        end
      end
    end
  end,

  tests = {
    valid = {
      "Read the [full conference schedule](https://example.com/schedule).",
      "Bare links are their own text: https://example.com/here",
      "We are here: [our office](https://maps.example/office).",
    },
    invalid = {
      { name = "click here", text = "For the schedule, [click here](https://example.com/2026-schedule).",
        errors = { { message = "\"click here\" does not say", line = 1, column = 20, end_column = 30,
                     suggestions = { { title = "Name the destination",
                                       output = "For the schedule, [2026 schedule (example.com)](https://example.com/2026-schedule)." } } } } },
      { name = "case and punctuation", text = "Details [HERE!](https://www.example.com/)",
        errors = { { suggestions = { { output = "Details [example.com](https://www.example.com/)" } } } } },
      { name = "read more", text = "New post. [Read more](https://blog.example/p/fast-builds.html)", errors = 1 },
      { name = "option", text = "[the docs](https://x.example)", options = { vague = { "the docs" } }, errors = 1 },
    },
  },
}
