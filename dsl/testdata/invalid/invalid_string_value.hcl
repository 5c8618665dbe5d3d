table "items" {
  file = ["items.csv"] # ERROR: Invalid value
  key  = "sku"
}
