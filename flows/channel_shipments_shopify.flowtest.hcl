# Tests of channel_shipments_shopify on the drop-folder sample: a shipment
# of line item 518995019 (IPOD2008RED) of Shopify's example order #1001
# (450789469), USPS 1Z2345. The mock answers of the sink shopify are the
# fulfillment orders of that order (testdata/shopify/
# graphql_fulfillment_orders_450789469.json: fulfillment order 1046000836
# holds the line item as fulfillment order line item 1058737576), with
# Shopify's fulfillmentCreate answer beside them: one mock answers both
# requests, and each reads its own part. The request bodies are checked
# further in tests/channel_backflows_test.go.

run "a Shopify shipment with a shop is fulfilled with its tracking" {
  flow           = "channel_shipments_shopify"
  input          = file("testdata/channels/shopify_450789469.json")
  variables      = { shopify_admin_url = "https://shop.example.invalid/admin/api/2026-10/graphql.json" }
  expect_outcome = "delivered"

  mock "shopify" {
    body = {
      data = merge(jsondecode(file("testdata/shopify/graphql_fulfillment_orders_450789469.json")).data, {
        fulfillmentCreate = {
          fulfillment = { id = "gid://shopify/Fulfillment/255858047", name = "#1001.1", status = "SUCCESS" }
          userErrors  = []
        }
      })
    }
  }

  assert {
    condition     = "steps.fulfillment_orders.data.order.fulfillmentOrders.nodes[0].id == 'gid://shopify/FulfillmentOrder/1046000836'"
    error_message = "the fulfillment orders were read first"
  }
  assert {
    condition     = "deliveries.map(d, d.sink) == ['shopify'] && deliveries[0].key == 'shopify:SHP-450789469-1'"
    error_message = "one delivery, to Shopify, keyed by the shipment"
  }
  assert {
    condition     = "deliveries[0].body.query.startsWith('mutation ') && deliveries[0].body.query.contains('fulfillmentCreate(fulfillment: $fulfillment)')"
    error_message = "the fulfillmentCreate mutation"
  }
  assert {
    condition     = "size(deliveries[0].body.variables.fulfillment.lineItemsByFulfillmentOrder) == 1 && deliveries[0].body.variables.fulfillment.lineItemsByFulfillmentOrder[0].fulfillmentOrderId == 'gid://shopify/FulfillmentOrder/1046000836'"
    error_message = "the one fulfillment order that holds the line"
  }
  assert {
    condition     = "deliveries[0].body.variables.fulfillment.lineItemsByFulfillmentOrder[0].fulfillmentOrderLineItems == [{'id': 'gid://shopify/FulfillmentOrderLineItem/1058737576', 'quantity': 1}]"
    error_message = "line item 518995019 as fulfillment order line item 1058737576, 1 unit"
  }
  assert {
    condition     = "deliveries[0].body.variables.fulfillment.trackingInfo == {'company': 'USPS', 'number': '1Z2345', 'url': 'https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=1Z2345'}"
    error_message = "the carrier, tracking number and URL"
  }
  assert {
    condition     = "deliveries[0].body.variables.fulfillment.notifyCustomer == true"
    error_message = "the buyer is notified (shopify_notify_customer)"
  }
  assert {
    condition     = "deliveries[0].ref == 'gid://shopify/Fulfillment/255858047'"
    error_message = "the ref is the new fulfilment's id, read from Shopify's answer by the sink's ref_paths: what the ledger records, and what a correction names"
  }
}

# A later version of the shipment, whose first version Shopify fulfilled as
# fulfilment 255858047: the tracking is corrected on that fulfilment, and
# the fulfillment orders are not read.
run "a changed Shopify shipment corrects the tracking of its fulfilment" {
  flow             = "channel_shipments_shopify"
  input            = file("testdata/channels/shopify_450789469.json")
  variables        = { shopify_admin_url = "https://shop.example.invalid/admin/api/2026-10/graphql.json" }
  delivered_before = { shopify = "gid://shopify/Fulfillment/255858047" }
  expect_outcome   = "delivered"

  mock "shopify" {
    body = {
      data = {
        fulfillmentTrackingInfoUpdate = {
          fulfillment = { id = "gid://shopify/Fulfillment/255858047", status = "SUCCESS" }
          userErrors  = []
        }
      }
    }
  }

  assert {
    condition     = "steps.shipment.update && steps.correcting == 'gid://shopify/Fulfillment/255858047'"
    error_message = "an update of the fulfilment the first version created"
  }
  assert {
    condition     = "deliveries.map(d, d.sink) == ['shopify'] && deliveries[0].body.query.contains('fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId')"
    error_message = "one request, the fulfillmentTrackingInfoUpdate mutation (no fulfillment-orders query)"
  }
  assert {
    condition     = "deliveries[0].body.variables == {'fulfillmentId': 'gid://shopify/Fulfillment/255858047', 'trackingInfoInput': {'company': 'USPS', 'number': '1Z2345', 'url': 'https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=1Z2345'}, 'notifyCustomer': true}"
    error_message = "the fulfilment's id, the new tracking, and the buyer notified"
  }
}

run "a Shopify shipment without a shop goes to the outbox" {
  flow           = "channel_shipments_shopify"
  input          = file("testdata/channels/shopify_450789469.json")
  expect_outcome = "delivered"

  assert {
    condition     = "!has(steps.fulfillment_orders.data) && !has(steps.fulfillment.data)"
    error_message = "Shopify is not called"
  }
  assert {
    condition     = "deliveries.map(d, d.sink) == ['outbox'] && deliveries[0].key == 'shopify:SHP-450789469-1'"
    error_message = "one file in the outbox, named by the business key"
  }
  assert {
    condition     = "deliveries[0].body.query.startsWith('query transloadFulfillmentOrders') && deliveries[0].body.variables.id == 'gid://shopify/Order/450789469'"
    error_message = "the fulfillment-orders query of order 450789469, the request the fulfilment starts with"
  }
}

run "Shopify's userErrors are a dead letter" {
  flow               = "channel_shipments_shopify"
  input              = file("testdata/channels/shopify_450789469.json")
  variables          = { shopify_admin_url = "https://shop.example.invalid/admin/api/2026-10/graphql.json" }
  expect_dead_letter = "REJECTED_BY_TARGET"

  mock "shopify" {
    body = {
      data = merge(jsondecode(file("testdata/shopify/graphql_fulfillment_orders_450789469.json")).data, {
        fulfillmentCreate = {
          fulfillment = null
          userErrors  = [{ field = ["fulfillment"], message = "Fulfillment order 1046000836 has an unfulfillable status= closed." }]
        }
      })
    }
  }

  assert {
    condition     = "dead_letter.step == 'created.user_errors' && dead_letter.class == 'business' && dead_letter.message.contains('unfulfillable status')"
    error_message = "a business dead letter of the check of the answer, with Shopify's message"
  }
  assert {
    condition     = "deliveries.map(d, d.sink) == ['shopify']"
    error_message = "the mutation was sent (Shopify answered 200 and refused)"
  }
}

run "an order the shop does not have is a dead letter before any fulfilment" {
  flow               = "channel_shipments_shopify"
  input              = file("testdata/channels/shopify_450789469.json")
  variables          = { shopify_admin_url = "https://shop.example.invalid/admin/api/2026-10/graphql.json" }
  expect_dead_letter = "UNKNOWN_ORDER"

  mock "shopify" {
    body = { data = { order = null } }
  }

  assert {
    condition     = "size(deliveries) == 0"
    error_message = "nothing is sent"
  }
}
