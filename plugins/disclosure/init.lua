return {
  name = "disclosure",
  version = "1.0.0",
  description = "Sponsored posts and affiliate links say so, up front",
}
