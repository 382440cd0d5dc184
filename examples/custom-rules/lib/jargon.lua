-- Jargon and what to say instead; shared by the plugin's rules (require("lib.jargon")).
return {
  ["synergy"] = "teamwork",
  ["circle back"] = "follow up",
  ["deep dive"] = "close look",
  ["move the needle"] = "make a difference",
}
