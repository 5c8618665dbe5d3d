# Tests of the Amazon flows on the SP-API's documented examples and
# sandbox answers (see testdata/SOURCES.md).

run "an Orders v0 order with its items" {
  flow           = "amazon_orders"
  input          = file("testdata/amazon/ordersV0_getOrders_sandbox_0_with_getOrderItems_sandbox.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '902-1845936-5435065' && steps.canonical.currency == 'USD' && steps.canonical.marketplace == 'amazon.com'"
    error_message = "the order id, currency and marketplace"
  }
  assert {
    condition     = "steps.canonical.totals.grand_total.amount == decimal('11.01') && steps.canonical.totals.tax.amount == decimal('1.01')"
    error_message = "10.00 and 1.01 tax"
  }
}

run "an Orders 2026-01-01 order" {
  flow           = "amazon_orders"
  input          = file("testdata/amazon/orders_2026-01-01_getOrder_example.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.currency == 'GBP' && steps.canonical.status == 'closed' && steps.canonical.ship_to.country == 'GB'"
    error_message = "a closed order in GBP shipped to the UK"
  }
  assert {
    condition     = "steps.canonical.lines[0].base_quantity.value == decimal('3') && steps.canonical.totals.grand_total.amount == decimal('103.97')"
    error_message = "3 EA, 89.97 + 10.00 shipping + 4.00 tax"
  }
}

run "a vendor purchase order" {
  flow           = "amazon_vendor_orders"
  input          = file("testdata/amazon/vendorOrders_getPurchaseOrder_sandbox.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '4Z32PABC' && steps.canonical.channel == 'amazon_vendor' && size(steps.canonical.lines) == 3"
    error_message = "the PO and its three items"
  }
  assert {
    condition     = "steps.canonical.totals.grand_total.amount == decimal('5664.88')"
    error_message = "the PO total"
  }
}

run "a vendor item ordered in cases has its base quantity from unitSize" {
  flow           = "amazon_vendor_orders"
  input          = file("testdata/amazon/derived_vendorOrders_item2_in_cases.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.lines[1].base_quantity.value == decimal('24') && steps.canonical.lines[1].base_quantity.uom == 'EA'"
    error_message = "2 cases of 12 are 24 EA"
  }
}

run "FBA inventory summaries, one level each" {
  flow  = "amazon_inventory"
  input = file("testdata/amazon/fbaInventory_getInventorySummaries_sandbox.json")

  assert {
    condition     = "size(outcomes) == 3 && outcomes.all(o, o.outcome == 'delivered')"
    error_message = "three summaries, three levels"
  }
}
