table "items" {
  file = "items.csv"
  key  = "id" # ERROR: Invalid table key
}
