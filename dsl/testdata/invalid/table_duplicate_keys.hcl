table "items" {
  file = "dupkeys.csv" # ERROR: Invalid table
  key  = "sku"
}
