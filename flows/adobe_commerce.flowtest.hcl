# Tests of the Adobe Commerce flow (see testdata/SOURCES.md).

run "a configurable product and a bundle with a coupon" {
  flow           = "adobe_commerce_orders"
  input          = file("testdata/adobe_commerce/order_configurable_bundle_coupon.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '215' && size(steps.canonical.lines) == 5 && steps.canonical.totals.grand_total.amount == decimal('173.66')"
    error_message = "order 215: five lines, 173.66"
  }
  assert {
    condition     = "steps.canonical.lines.filter(l, has(l.kit_parent)).all(l, l.total.amount == decimal('0'))"
    error_message = "bundle components carry no price of their own"
  }
}

run "a price with three decimals is refused" {
  flow               = "adobe_commerce_orders"
  input              = file("testdata/adobe_commerce/order_three_decimal_price.json")
  expect_dead_letter = "INVALID_MONEY"
}
