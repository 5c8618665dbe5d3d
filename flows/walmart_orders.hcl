import "walmart" {}

# Walmart Marketplace orders, JSON. A getOrder response ({"order": …}) or a
# getAllOrders page ({"list": {"elements": {"order": […]}}}, as a poller of
# GET /v3/orders fetches it) is split into one document per purchase order;
# an empty page is filtered.
#
# Webhook: Walmart's notification subscriptions let the seller add headers
# to each delivery; add X-API-Key with the value of WALMART_WEBHOOK_KEY, and
# point the subscription (or the relay that fetches the order) at
# /webhooks/walmart_orders. Responses can also be dropped in
# inbox/walmart_orders. The same documents in XML go to walmart_orders_xml.
#
# A later version of an order (a line shipped, cancelled or refunded) is
# the same business key with a different body: it goes through as an
# update. Refunds recorded on orders are documents of their own (flow
# walmart_refunds).
flow "walmart_orders" {
  description = "Walmart Marketplace orders in JSON (getOrder or a getAllOrders page, one document per purchase order) into canonical orders."
  priority    = "critical"
  schema      = walmart.Orders

  source "http" {
    path    = "/webhooks/walmart_orders"
    verify  = "api_key"
    secrets = [env("WALMART_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/walmart_orders"
  }

  # One document per purchase order, named by its id: the delivery key
  # then does not depend on where the order sits in a page. An order
  # without an id fails alone, in the dedupe step (NULL_REQUIRED_FIELD).
  split "order" {
    items = "walmart.orders(input)"
    key   = "order.?purchaseOrderId.orValue('')"
  }

  dedupe "seen" {
    key       = "'walmart:' + order.purchaseOrderId"
    on_change = "update"
  }

  map "mapped" {
    mapping = walmart.order
    from    = "order"
  }

  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, with_base_quantity(l, tables.items, vars.unknown_sku))"
    }
  }

  validate "checks" {
    rule "totals" {
      condition = "totals_expected(canonical) == canonical.totals.grand_total"
      message   = "The order's lines, discounts, shipping and tax do not add up to its total."
      detail    = "'They add up to ' + format_money(totals_expected(canonical)) + '; the channel says ' + format_money(canonical.totals.grand_total) + '.'"
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
