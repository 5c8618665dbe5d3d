import "shopify" {}

# Shopify fulfilments with tracking, for canonical shipments of Shopify
# orders. channel_shipments routes every shipment whose channel is shopify
# here; a shipment may also be posted to the webhook or dropped in
# inbox/channel_shipments_shopify.
#
# Shopify fulfils fulfillment orders, whose ids a shipment does not carry,
# so a fulfilment takes two requests to the sink shopify
# (channel_common.hcl: shopify_admin_url, the token from
# SHOPIFY_ADMIN_TOKEN): read the order's fulfillment orders (GraphQL
# query, a call: it creates nothing), then the fulfillmentCreate mutation.
#
# Steps: read the order's fulfillment orders, stop on a GraphQL error
# (THROTTLED and the like are technical: replay them) or an order Shopify
# does not have, map the shipment to fulfillmentCreate, deliver it, and
# stop on Shopify's userErrors (a GraphQL answer is 200 even when Shopify
# refused).
#
# No shop configured (shopify_admin_url empty, the default): like the
# other channels, the request goes to the outbox and nothing fails. The
# call and the delivery to Shopify are skipped (their `when`), and what
# the outbox gets is the request the fulfilment starts with, the
# fulfillment-orders query (shopify.fulfillment_orders_query): the
# mutation needs the fulfillment order ids only Shopify knows. A skipped
# call answers {}, so the checks of its answer hold only with a shop.
flow "channel_shipments_shopify" {
  description = "Canonical shipments of Shopify orders as Shopify fulfilments with tracking (GraphQL Admin API 2026-10 fulfillmentCreate); while shopify_admin_url is empty, the fulfillment-orders query goes to the outbox."
  priority    = "normal"
  schema      = commerce.Shipment

  source "http" {
    path    = "/webhooks/channel_shipments_shopify"
    verify  = "api_key"
    secrets = [env("CHANNEL_SHIPMENTS_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/channel_shipments_shopify"
  }

  # A changed shipment goes through again, as a tracking correction of
  # the fulfilment its first version created: shipment.refs.shopify is
  # that fulfilment's id (the sink shopify's ref_paths read it from the
  # fulfillmentCreate answer). Shopify cannot change fulfilled quantities;
  # a changed shipment whose first version left no fulfilment id (sent
  # before Transload kept them) tries fulfillmentCreate again and ends as
  # ALREADY_FULFILLED, a dead letter that says so.
  dedupe "shipment" {
    key       = "'shopify:' + input.id"
    on_change = "update"
  }

  # The fulfilment a changed shipment corrects, "" for a new shipment.
  map "correcting" {
    value = "shipment.update ? shipment.refs.?shopify.orValue('') : ''"
  }

  validate "order_id" {
    rule "order" {
      condition = "input.?order_id.orValue('') != ''"
      message   = "The shipment names no order (order_id): Shopify fulfils an order's fulfillment orders."
      reason    = "NULL_REQUIRED_FIELD"
    }
  }

  call "fulfillment_orders" {
    sink     = sink.shopify
    body     = "shopify.fulfillment_orders_query(input)"
    response = shopify.FulfillmentOrders
    when     = "vars.shopify_admin_url != '' && correcting == ''"
  }

  validate "lookup" {
    rule "answered" {
      condition = "size(fulfillment_orders.?errors.orValue([])) == 0"
      message   = "Shopify answered the fulfillment-orders query with an error."
      detail    = "join(fulfillment_orders.errors.map(e, e.?extensions.?code.orValue('') + ' ' + e.?message.orValue('')), '; ')"
      reason    = "REJECTED_BY_TARGET"
      class     = "technical"
    }
    rule "order" {
      condition = "vars.shopify_admin_url == '' || correcting != '' || has(fulfillment_orders.data) && has(fulfillment_orders.data.order) && has(fulfillment_orders.data.order.fulfillmentOrders)"
      message   = "Shopify has no such order."
      detail    = "'Order ' + input.order_id + ' is not in the shop: is order_id the Shopify order id?'"
      reason    = "UNKNOWN_ORDER"
    }
  }

  # The mutation (a tracking correction, or the fulfilment); without a
  # shop, the query that would start the fulfilment.
  map "request" {
    value = <<-CEL
      vars.shopify_admin_url == '' ? dyn(shopify.fulfillment_orders_query(input))
        : correcting != '' ? dyn(shopify.fulfillment_tracking_update({'fulfillment_id': correcting, 'shipment': input, 'notify_customer': vars.shopify_notify_customer}))
        : dyn(shopify.fulfillment_create({'shipment': input, 'fulfillment_orders': fulfillment_orders, 'notify_customer': vars.shopify_notify_customer}))
    CEL
  }

  # No shop: one file in the outbox, named by the business key.
  deliver "outbox" {
    sink = sink.outbox
    body = "request"
    when = "vars.shopify_admin_url == ''"
  }

  deliver "fulfillment" {
    sink = sink.shopify
    body = "request"
    when = "vars.shopify_admin_url != ''"
  }

  validate "created" {
    rule "user_errors" {
      condition = "size(fulfillment.?data.?fulfillmentCreate.?userErrors.orValue([])) == 0"
      message   = "Shopify refused the fulfilment."
      detail    = "join(fulfillment.data.fulfillmentCreate.userErrors.map(e, string(e.?message.orValue(''))), '; ')"
      reason    = "REJECTED_BY_TARGET"
    }
    rule "tracking_errors" {
      condition = "size(fulfillment.?data.?fulfillmentTrackingInfoUpdate.?userErrors.orValue([])) == 0"
      message   = "Shopify refused the tracking correction."
      detail    = "join(fulfillment.data.fulfillmentTrackingInfoUpdate.userErrors.map(e, string(e.?message.orValue(''))), '; ')"
      reason    = "REJECTED_BY_TARGET"
    }
  }
}

variable "shopify_notify_customer" {
  type        = bool
  default     = true
  description = "Whether Shopify sends the buyer its shipping confirmation with the tracking link (notifyCustomer), as the admin does by default when a merchant fulfils."
}
