-- Plugin metadata, shown by `postlint test` and `postlint explain`.
return {
  name = "accessibility",
  version = "1.0.0",
  description = "Posts everyone can read: alt text, emoji, fancy letters, link text",
}
