run "a UPC-A becomes a GTIN-14" {
  flow           = "supplier_items"
  input          = "sku,gtin,description\nCOKE-12,036000291452,Cola 12 oz\n"
  expect_outcome = "delivered"

  assert {
    condition     = "steps.item.gtin == '00036000291452'"
    error_message = "zero-padded to 14 digits"
  }
}

run "a wrong check digit is a dead letter" {
  flow               = "supplier_items"
  input              = "sku,gtin\nCOKE-12,036000291453\n"
  expect_dead_letter = "INVALID_GTIN"
}
