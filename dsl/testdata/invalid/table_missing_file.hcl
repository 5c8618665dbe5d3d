table "items" {
  file = "nope.csv" # ERROR: Cannot read table
  key  = "sku"
}
