type "T" {
  schema = "missing.json" # ERROR: Cannot read schema
}
