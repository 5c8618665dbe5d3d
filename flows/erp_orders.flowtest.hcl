# Tests of erp_orders: where a canonical order goes, and what stops it.
# The ERP documents themselves are tested per ERP in tests/erp_*_test.go.

run "without erp_url the ERP document goes to the outbox" {
  flow           = "erp_orders"
  input          = file("testdata/erp_orders/b2b_portal_PO-77120.json")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['outbox'] && deliveries[0].key == 'b2b:PO-77120'"
    error_message = "one file in the outbox, named by the business key"
  }
}

run "with erp_url it goes to the ERP named by erp" {
  flow  = "erp_orders"
  input = file("testdata/erp_orders/b2b_portal_PO-77120.json")
  variables = {
    erp_url            = "https://erp.example.invalid/api"
    erp                = "business_central"
    bc_company_id      = "b6f4017a-b749-ee11-ad0b-a1422c0f7f1f"
    bc_customer_number = "C00010"
    bc_freight_account = "6810"
  }
  expect_outcome = "delivered"

  mock "business_central" {
    status = 201
  }

  assert {
    condition     = "deliveries.map(d, d.sink) == ['business_central']"
    error_message = "the business_central sink"
  }
}

run "a cancelled order the ERP never had is filtered" {
  flow           = "erp_orders"
  input          = jsonencode(merge(jsondecode(file("testdata/erp_orders/b2b_portal_PO-77120.json")), { status = "cancelled" }))
  expect_outcome = "filtered"
}

run "totals that do not add up are a business dead letter" {
  flow = "erp_orders"
  input = jsonencode(merge(jsondecode(file("testdata/erp_orders/b2b_portal_PO-77120.json")), {
    totals = merge(jsondecode(file("testdata/erp_orders/b2b_portal_PO-77120.json")).totals, {
      grand_total = { amount = "3260.21", currency = "USD" }
    })
  }))
  expect_dead_letter = "TOTALS_MISMATCH"
}

run "an SKU the item master does not know" {
  flow = "erp_orders"
  input = jsonencode(merge(jsondecode(file("testdata/erp_orders/b2b_portal_PO-77120.json")), {
    lines = [merge(jsondecode(file("testdata/erp_orders/b2b_portal_PO-77120.json")).lines[0], { sku = "NOT-IN-ITEMS" }),
    jsondecode(file("testdata/erp_orders/b2b_portal_PO-77120.json")).lines[1]]
  }))
  expect_dead_letter = "UNKNOWN_SKU"
}
