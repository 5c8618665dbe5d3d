import "amazon" {}

flow "amazon_orders" {
  description = <<-EOT
    Amazon seller orders (SP-API Orders API) into canonical orders. Post one
    document per order. Orders API v0 gives an order and its items in two
    calls: post both responses together,
      {"getOrder": <getOrder response>, "getOrderItems": <getOrderItems response>}
    with every page of items in OrderItems (and no NextToken). An Orders API
    2026-01-01 getOrder response, {"order": {...}}, is posted as it is.
    Amazon pushes notifications (ORDER_CHANGE, ORDER_STATUS_CHANGE) through
    SQS or EventBridge, never to a webhook, and they carry no prices: on
    each, the integrator fetches the order and posts it here, with the key
    in AMAZON_WEBHOOK_KEY as the X-API-Key header. A Pending order has no
    total yet: it is dead-lettered (NULL_REQUIRED_FIELD) until it is posted
    again once Amazon has authorised the payment.
  EOT
  priority    = "critical"
  schema      = amazon.Orders

  # Amazon signs nothing we receive: the integrator's own poster calls this
  # webhook, so it authenticates with a shared key (X-API-Key).
  source "http" {
    path    = "/webhooks/amazon_orders"
    verify  = "api_key"
    secrets = [env("AMAZON_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/amazon_orders"
  }

  # What was posted must be one order, complete, before anything else.
  validate "envelope" {
    rule "shape" {
      condition = "has(input.order) ? !(has(input.getOrder) || has(input.getOrderItems)) : has(input.getOrder)"
      message   = "This is not an Amazon order document."
      detail    = <<-CEL
        has(input.NotificationType)
          ? 'This is an SP-API ' + input.NotificationType + ' notification: it says an order changed but carries no prices. Fetch the order and post {"getOrder": <getOrder response>, "getOrderItems": <getOrderItems response>} (Orders API v0) or the 2026-01-01 getOrder response.'
          : has(input.payload)
            ? 'This is a bare Orders API v0 response (a getOrders page, or getOrder or getOrderItems alone). A getOrders page lists orders without their items, so it cannot become orders: post each order as {"getOrder": <getOrder response>, "getOrderItems": <getOrderItems response>}.'
            : 'Post {"getOrder": <getOrder response>, "getOrderItems": <getOrderItems response>} (Orders API v0) or a 2026-01-01 getOrder response {"order": {...}}, not both.'
      CEL
      reason    = "SCHEMA_MISMATCH"
    }
    rule "total_known" {
      condition = "has(input.order) ? has(input.order.proceeds) && has(input.order.proceeds.grandTotal) : has(input.getOrder.payload.OrderTotal)"
      message   = "Amazon has not given the order's total yet."
      detail    = <<-CEL
        has(input.order)
          ? 'Order ' + input.order.orderId + ' (' + (has(input.order.fulfillment) && has(input.order.fulfillment.fulfillmentStatus) ? input.order.fulfillment.fulfillmentStatus : 'no status') + ') has no proceeds.grandTotal. Amazon gives no total and no prices before the payment is authorised; nothing is guessed. Post the order again once it is UNSHIPPED.'
          : 'Order ' + input.getOrder.payload.AmazonOrderId + ' (' + input.getOrder.payload.OrderStatus + ') has no OrderTotal. Amazon gives no total and no item prices while an order is Pending; nothing is guessed. Post the order again once it is Unshipped.'
      CEL
      reason    = "NULL_REQUIRED_FIELD"
    }
    rule "items" {
      condition = "has(input.order) || has(input.getOrderItems)"
      message   = "The order's items are missing."
      detail    = "'Orders API v0 gives the items of order ' + input.getOrder.payload.AmazonOrderId + ' in a second call: post its getOrderItems response with it, as {\"getOrder\": ..., \"getOrderItems\": ...}.'"
      reason    = "NULL_REQUIRED_FIELD"
    }
    rule "same_order" {
      condition = "has(input.order) || input.getOrderItems.payload.AmazonOrderId == input.getOrder.payload.AmazonOrderId"
      message   = "The items belong to another order."
      detail    = "'getOrder is order ' + input.getOrder.payload.AmazonOrderId + ' but getOrderItems lists the items of order ' + input.getOrderItems.payload.AmazonOrderId + '.'"
      reason    = "ENVELOPE_INVALID"
    }
    rule "all_items" {
      condition = "has(input.order) || input.getOrderItems.payload.?NextToken.orValue('') == ''"
      message   = "Only one page of the order's items was posted."
      detail    = "'getOrderItems for order ' + input.getOrder.payload.AmazonOrderId + ' has a NextToken: more items exist. Fetch every page and post all the items in one OrderItems list, without NextToken.'"
      reason    = "ENVELOPE_INVALID"
    }
  }

  dedupe "order" {
    key       = "'amazon:' + (has(input.order) ? input.order.orderId : input.getOrder.payload.AmazonOrderId)"
    on_change = "update"
  }

  # The mapping reads most of the document: decode all of it.
  map "mapped" {
    mapping = amazon.order
    from    = "input"
  }

  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, with_base_quantity(l, tables.?items.value(), vars.unknown_sku))"
    }
  }

  validate "checks" {
    # A cancelled order counts in no total (its lines are all cancelled),
    # while Amazon may still state what it would have cost.
    rule "totals" {
      condition = "canonical.status == 'cancelled' || totals_expected(canonical) == canonical.totals.grand_total"
      message   = "The order's lines, discounts, shipping and tax do not add up to its total."
      detail    = "'They add up to ' + format_money(totals_expected(canonical)) + '; Amazon says ' + format_money(canonical.totals.grand_total) + '.'"
      reason    = "TOTALS_MISMATCH"
    }
  }

  # The ERP gets the order through erp_orders, which maps it into the
  # sales order of the ERP chosen by the variable erp.
  route "deliver" {
    default {
      to = [flow.erp_orders]
    }
  }
}
