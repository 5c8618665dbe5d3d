import "shopify" {}

# Shopify fulfilments with tracking, for canonical shipments of Shopify
# orders: the flow channel_shipments would route them here once a shop is
# configured. It is kept out of flows/ (see channel_shipments.hcl): its
# call step runs for every message and fails without a shop, so its
# sample could not be delivered by the default configuration. To use it,
# copy this file into flows/, set shopify_admin_url and
# SHOPIFY_ADMIN_TOKEN, give it a sample in inbox/channel_shipments_shopify,
# and in channel_shipments make the Shopify request
#   dyn({'online': vars.shopify_admin_url != '', 'path': '', 'body': target.package})
# and add the route case
#   case "shopify" {
#     when = "target.channel == 'shopify' && request.online"
#     to   = [flow.channel_shipments_shopify]
#   }
#
# Steps: read the order's fulfillment orders (GraphQL query, a call: it
# creates nothing), stop on a GraphQL error (THROTTLED and the like are
# technical: replay them) or an order Shopify does not have, map the
# shipment to fulfillmentCreate, deliver it, and stop on Shopify's
# userErrors (a GraphQL answer is 200 even when Shopify refused).
flow "channel_shipments_shopify" {
  description = "Canonical shipments of Shopify orders as Shopify fulfilments with tracking (GraphQL Admin API 2026-10 fulfillmentCreate)."
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

  dedupe "shipment" {
    key       = "'shopify:' + input.id"
    on_change = "update"
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
      condition = "has(fulfillment_orders.data) && has(fulfillment_orders.data.order) && has(fulfillment_orders.data.order.fulfillmentOrders)"
      message   = "Shopify has no such order."
      detail    = "'Order ' + input.order_id + ' is not in the shop: is order_id the Shopify order id?'"
      reason    = "UNKNOWN_ORDER"
    }
  }

  map "request" {
    value = "shopify.fulfillment_create({'shipment': input, 'fulfillment_orders': fulfillment_orders, 'notify_customer': vars.shopify_notify_customer})"
  }

  deliver "fulfillment" {
    sink = sink.shopify
    body = "request"
  }

  validate "created" {
    rule "user_errors" {
      condition = "size(fulfillment.?data.?fulfillmentCreate.?userErrors.orValue([])) == 0"
      message   = "Shopify refused the fulfilment."
      detail    = "join(fulfillment.data.fulfillmentCreate.userErrors.map(e, string(e.?message.orValue(''))), '; ')"
      reason    = "REJECTED_BY_TARGET"
    }
  }
}

variable "shopify_notify_customer" {
  type        = bool
  default     = true
  description = "Whether Shopify sends the buyer its shipping confirmation with the tracking link (notifyCustomer), as the admin does by default when a merchant fulfils."
}
