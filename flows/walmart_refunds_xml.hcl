import "walmart" {}

# Refunds recorded on Walmart Marketplace orders, XML: the response to
# POST /v3/orders/{id}/refund (and any v3 order or order list) with Accept:
# application/xml. The XML codec decodes it to the document of the JSON
# API, so this flow is walmart_refunds with format = "xml"; one canonical
# Return per order that has refunds, orders without refunds are filtered.
#
# Webhook: add the header X-API-Key with the value of WALMART_WEBHOOK_KEY
# to the deliveries to /webhooks/walmart_refunds_xml.
flow "walmart_refunds_xml" {
  description = "Refunds recorded on Walmart Marketplace orders (XML) into canonical returns, one per order with refunds."
  priority    = "normal"
  schema      = walmart.Orders
  format      = "xml"

  source "http" {
    path    = "/webhooks/walmart_refunds_xml"
    verify  = "api_key"
    secrets = [env("WALMART_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/walmart_refunds_xml"
  }

  # One document per purchase order, named by its id: the delivery key
  # then does not depend on where the order sits in a page. An order
  # without an id fails alone, in the dedupe step (NULL_REQUIRED_FIELD).
  split "order" {
    items = "walmart.refunded_orders(input)"
    key   = "order.?purchaseOrderId.orValue('')"
  }

  dedupe "seen" {
    key       = "'walmart:refund:' + order.purchaseOrderId"
    on_change = "update"
  }

  map "canonical" {
    mapping = walmart.order_refund
    from    = "order"
  }

  validate "checks" {
    rule "refund_sign" {
      condition = "canonical.totals.refund_total > money(0, canonical.currency) && canonical.lines.all(l, l.amount >= money(0, canonical.currency))"
      message   = "A Walmart refund charge is not negative."
      detail    = "'Walmart writes refunds as negative amounts; this order records ' + format_money(neg(canonical.totals.refund_total)) + ', so it is not a refund as documented.'"
      reason    = "INVALID_MONEY"
    }
    rule "totals" {
      condition = "sum_money(canonical.lines.map(l, l.amount), canonical.currency) + canonical.totals.shipping + canonical.totals.tax == canonical.totals.refund_total"
      message   = "The refund's lines, shipping and tax do not add up to its total."
      detail    = "'They add up to ' + format_money(sum_money(canonical.lines.map(l, l.amount), canonical.currency) + canonical.totals.shipping + canonical.totals.tax) + '; the refund charges total ' + format_money(canonical.totals.refund_total) + ': a refund charge of a type other than PRODUCT or SHIPPING?'"
      reason    = "TOTALS_MISMATCH"
    }
  }

  route "deliver" {
    case "canonical" {
      when = "vars.canonical_url != ''"
      to   = [sink.canonical]
    }
    default {
      to = [sink.outbox]
    }
  }
}
