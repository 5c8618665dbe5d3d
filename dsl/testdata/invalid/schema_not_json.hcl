type "T" {
  schema = "garbage.json" # ERROR: Invalid schema
}
