import "walmart" {}

# Walmart Marketplace returns: a page of the Returns API (GET /v3/returns,
# JSON), split into one canonical Return per return order. Walmart has no
# returns webhook body of this shape: a poller posts the pages to
# /webhooks/walmart_returns (with the header X-API-Key holding
# WALMART_WEBHOOK_KEY) or drops them in inbox/walmart_returns.
#
# A return whose lines belong to different purchase orders is a business
# dead letter (VALIDATION_FAILED): a canonical return refers to one order.
#
# A return moves through statuses (initiated, in transit, completed,
# refunded): a later version is the same business key with a different
# body and goes through as an update.
flow "walmart_returns" {
  description = "Walmart Marketplace return orders (Returns API pages) into canonical returns."
  priority    = "normal"
  schema      = walmart.Returns

  source "http" {
    path    = "/webhooks/walmart_returns"
    verify  = "api_key"
    secrets = [env("WALMART_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/walmart_returns"
  }

  split "return_order" {
    items = "input.?returnOrders.orValue([])"
    key   = "return_order.?returnOrderId.orValue('')"
  }

  dedupe "seen" {
    key       = "'walmart:return:' + return_order.returnOrderId"
    on_change = "update"
  }

  map "canonical" {
    mapping = walmart.return_order
    from    = "return_order"
  }

  validate "checks" {
    rule "one_order" {
      condition = "return_order.returnOrderLines.all(l, l.purchaseOrderId == canonical.order_id)"
      message   = "The return's lines belong to different purchase orders."
      detail    = "'Lines of purchase orders ' + join(return_order.returnOrderLines.map(l, l.purchaseOrderId), ', ') + ': a canonical return refers to one order. Split it by purchase order and replay.'"
      reason    = "VALIDATION_FAILED"
    }
    rule "totals" {
      condition = "sum_money(canonical.lines.map(l, l.amount), canonical.currency) + canonical.totals.shipping + canonical.totals.tax == canonical.totals.refund_total"
      message   = "The return's lines, shipping and tax do not add up to its refund total."
      detail    = "'They add up to ' + format_money(sum_money(canonical.lines.map(l, l.amount), canonical.currency) + canonical.totals.shipping + canonical.totals.tax) + '; Walmart says ' + format_money(canonical.totals.refund_total) + '.'"
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
