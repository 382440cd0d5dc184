return {
  name = "acme-style",
  version = "1.0.0",
  description = "Acme's house style: plain words",
}
