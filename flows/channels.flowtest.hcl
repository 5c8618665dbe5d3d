# Tests of the flows back to the channels (channel_shipments,
# channel_inventory) on the drop-folder samples. The request bodies are
# checked field by field against the vendors' documented shapes in
# tests/channel_backflows_test.go.

run "a Walmart shipment without walmart_url goes to the outbox" {
  flow           = "channel_shipments"
  input          = file("testdata/channels/walmart_1577684050862.json")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['outbox'] && deliveries[0].key == 'walmart:SHP-1577684050862-1#target=walmart:1'"
    error_message = "one file in the outbox, named by the business key and the package"
  }
  assert {
    condition     = "deliveries[0].body.orderShipment.orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0].trackingInfo.shipDateTime == 1485549015000"
    error_message = "the ship date in epoch milliseconds"
  }
}

run "with walmart_url it goes to Walmart" {
  flow           = "channel_shipments"
  input          = file("testdata/channels/walmart_1577684050862.json")
  variables      = { walmart_url = "https://marketplace.walmartapis.example.invalid" }
  expect_outcome = "delivered"

  mock "walmart" {
    status = 200
  }

  assert {
    condition     = "deliveries.map(d, d.sink) == ['walmart']"
    error_message = "the walmart sink"
  }
}

run "an Amazon shipment confirms its order item" {
  flow           = "channel_shipments"
  input          = file("testdata/channels/amazon_902-1845936-5435065.json")
  variables      = { amazon_url = "https://sellingpartnerapi-na.amazon.example.invalid" }
  expect_outcome = "delivered"

  mock "amazon" {
    status = 204
  }

  assert {
    condition     = "deliveries.map(d, d.sink) == ['amazon'] && deliveries[0].body.packageDetail.orderItems[0].orderItemId == '05015851154158'"
    error_message = "confirmShipment of order item 05015851154158"
  }
}

run "a shipment of another channel is filtered" {
  flow           = "channel_shipments"
  input          = jsonencode(merge(jsondecode(file("testdata/channels/walmart_1577684050862.json")), { channel = "edi_x12" }))
  expect_outcome = "filtered"
}

run "a shipment without tracking is a dead letter" {
  flow               = "channel_shipments"
  input              = jsonencode(merge(jsondecode(file("testdata/channels/walmart_1577684050862.json")), { tracking = [] }))
  expect_dead_letter = "NULL_REQUIRED_FIELD"
}

run "an inventory level goes to every channel, to the outbox without URLs" {
  flow  = "channel_inventory"
  input = file("testdata/channels/erp_IPOD2008GREEN_WH-MAIN.json")

  assert {
    condition     = "size(outcomes) == 3 && outcomes.all(o, o.outcome == 'delivered')"
    error_message = "three requests: Shopify, Walmart, Amazon"
  }
}

run "an inventory level with walmart_url set goes to Walmart" {
  flow      = "channel_inventory"
  input     = file("testdata/channels/erp_IPOD2008GREEN_WH-MAIN.json")
  variables = { walmart_url = "https://marketplace.walmartapis.example.invalid", shopify_inventory_sync = "false", amazon_inventory_sync = "false" }

  mock "walmart_inventory" {
    status = 200
  }

  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['walmart_inventory'] && deliveries[0].body.quantity.amount == 25"
    error_message = "25 EACH to Walmart"
  }
}

run "a Shopify shipment goes to channel_shipments_shopify" {
  flow           = "channel_shipments"
  input          = file("testdata/channels/shopify_450789469.json")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.flow) == ['channel_shipments_shopify'] && deliveries[0].body.id == 'SHP-450789469-1' && deliveries[0].body.lines[0].line_id == '518995019'"
    error_message = "the shipment goes on to the Shopify flow, which sends it or writes it to the outbox"
  }
}
