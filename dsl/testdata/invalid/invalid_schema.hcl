type "T" {
  schema = "bad.schema.json" # ERROR: Invalid schema
}
