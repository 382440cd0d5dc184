return {
  name = "brand-voice",
  version = "1.0.0",
  description = "A team's words: preferred terms, banned terms, product names (a template to copy)",
}
