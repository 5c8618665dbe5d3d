# Tests of the flows that bring the ERP's documents back, with the
# default ERP (NetSuite). Each ERP's own read-back mappings are tested in
# tests/erp_*_test.go.

run "a NetSuite item fulfillment goes back to the channel" {
  flow           = "erp_shipments"
  input          = file("testdata/erp_events/netsuite_itemFulfillment_PO-77120.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == 'IF1043' && steps.canonical.order_id == 'PO-77120' && steps.canonical.channel == 'b2b'"
    error_message = "the fulfillment finds the channel order it ships"
  }
  assert {
    condition     = "deliveries.map(d, d.flow) == ['channel_shipments']"
    error_message = "a marketplace or portal shipment goes to channel_shipments"
  }
}

run "an EDI order's shipment becomes an 856" {
  flow           = "erp_shipments"
  input          = replace(file("testdata/erp_events/netsuite_itemFulfillment_PO-77120.json"), "b2b", "edi_x12")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.flow) == ['edi_asn']"
    error_message = "an edi_x12 shipment goes to edi_asn"
  }
}

run "a NetSuite invoice" {
  flow           = "erp_invoices"
  input          = file("testdata/erp_events/netsuite_invoice_PO-77120.json")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == 'INV10077' && steps.canonical.totals.grand_total.amount == decimal('2907.40')"
    error_message = "the invoice and its total"
  }
  assert {
    condition     = "deliveries.map(d, d.sink) == ['outbox']"
    error_message = "a portal's invoice goes to the outbox"
  }
}

run "a NetSuite item's stock, one level per location" {
  flow  = "erp_inventory"
  input = file("testdata/erp_events/netsuite_inventoryItem_IPOD2008GREEN.json")

  assert {
    condition     = "size(outcomes) == 2 && outcomes.all(o, o.outcome == 'delivered')"
    error_message = "two locations, two levels"
  }
}
