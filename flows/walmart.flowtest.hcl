# Tests of the Walmart flows on Walmart's documented examples (see
# testdata/SOURCES.md).

run "a shipped order in JSON" {
  flow           = "walmart_orders"
  input          = file("testdata/walmart/order_shipped_with_tracking.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '1577684050862' && steps.canonical.channel == 'walmart'"
    error_message = "the purchase order id"
  }
  assert {
    condition     = "steps.canonical.totals.grand_total.amount == decimal('21.69')"
    error_message = "19.99 with 1.70 tax"
  }
}

run "an order in XML" {
  flow           = "walmart_orders_xml"
  input          = file("testdata/walmart/v3_order.xml")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '2575193093772' && steps.canonical.totals.grand_total.amount == decimal('135.91')"
    error_message = "124.98 with 10.93 tax"
  }
}

run "an amount with a fraction of a cent is refused" {
  flow               = "walmart_orders"
  input              = file("testdata/walmart/order_fraction_of_cent.json")
  expect_dead_letter = "INVALID_MONEY"
}

run "an XML body with an external entity is refused" {
  flow               = "walmart_orders_xml"
  input              = file("testdata/walmart/order_xxe.xml")
  expect_dead_letter = "INVALID_XML"
}

run "refunds recorded on an XML order" {
  flow           = "walmart_refunds_xml"
  input          = file("testdata/walmart/v3_order_refund.xml")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.totals.refund_total.amount == decimal('16.12') && steps.canonical.totals.tax.amount == decimal('5.08')"
    error_message = "16.12 back to the buyer, of which 5.08 tax"
  }
}

run "a return" {
  flow           = "walmart_returns"
  input          = file("testdata/walmart/returns_list.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '103738048909818825' && steps.canonical.order_id == '4790210558890' && steps.canonical.totals.refund_total.amount == decimal('127.45')"
    error_message = "the return of one unit: 119.95 + 7.50 tax"
  }
}

run "item inventory in XML" {
  flow           = "walmart_inventory"
  input          = file("testdata/walmart/v2_item_inventory.xml")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.sku == 'create-gmp1a' && steps.canonical.available.value == decimal('23') && steps.canonical.available.uom == 'EA'"
    error_message = "23 EACH"
  }
}

run "a refund recorded on a JSON order" {
  flow           = "walmart_refunds"
  input          = file("testdata/walmart/order_shipped_with_tracking.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '1577684050862' && steps.canonical.totals.refund_total.amount == decimal('0.01')"
    error_message = "0.01 Lost in Transit"
  }
}
