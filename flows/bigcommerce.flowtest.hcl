# Tests of the BigCommerce flow (see testdata/SOURCES.md).

run "an order with a coupon, tax and shipping" {
  flow           = "bigcommerce_orders"
  input          = file("testdata/bigcommerce/v2_order_101_coupon_tax_shipping.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '101' && size(steps.canonical.lines) == 2 && steps.canonical.totals.grand_total.amount == decimal('159.30')"
    error_message = "order 101: two products, 159.30"
  }
}

run "a price with four significant decimals is refused" {
  flow               = "bigcommerce_orders"
  input              = file("testdata/bigcommerce/v2_order_104_four_decimal_price.json")
  expect_dead_letter = "INVALID_MONEY"
}
