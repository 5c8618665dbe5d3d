run "a portal order" {
  flow           = "portal_orders"
  input          = file("testdata/order_so1.json")
  variables      = { portal_url = "http://127.0.0.1:9/api/orders" }
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == 'SO-1' && steps.canonical.totals.grand_total.amount == decimal('219.40')"
    error_message = "12 × 15.00 + 25.00 freight + 14.40 tax"
  }
}

run "totals that do not add up" {
  flow               = "portal_orders"
  input              = replace(file("testdata/order_so1.json"), "219.40", "219.41")
  variables          = { portal_url = "http://127.0.0.1:9/api/orders" }
  expect_dead_letter = "TOTALS_MISMATCH"
}
