table "items" {
  file = "broken.csv" # ERROR: Invalid table
  key  = "sku"
}
