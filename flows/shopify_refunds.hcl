import "shopify" {}

# Shopify refunds. Subscribe the refunds/create webhook topic to
# /webhooks/shopify_refunds (signed like the order webhooks: the secret is
# SHOPIFY_WEBHOOK_SECRET, and SHOPIFY_WEBHOOK_SECRET_PREVIOUS during a
# rotation). A REST response dropped in inbox/shopify_refunds is read
# too: {"refund": …} as one refund, {"refunds": […]} as one document per
# refund.
#
# A refund is immutable in Shopify, so its id is its business key. The same
# refund may arrive in another envelope (the webhook, then in a refunds
# list): it goes through as an update of the same key rather than a
# conflict. There is no totals rule for a return (Shopify refunds shipping,
# duties and discrepancies through the transactions, so the refunded
# amount need not equal the lines), only that it is not negative.
flow "shopify_refunds" {
  description = "Shopify refunds (refunds/create webhook, refund and refunds REST responses) into canonical returns."
  priority    = "critical"
  schema      = shopify.Refund

  source "http" {
    path    = "/webhooks/shopify_refunds"
    verify  = "shopify"
    secrets = [env("SHOPIFY_WEBHOOK_SECRET"), env("SHOPIFY_WEBHOOK_SECRET_PREVIOUS")]
  }

  source "file" {
    dir = "inbox/shopify_refunds"
  }

  split "refund" {
    items = "has(input.refunds) ? input.refunds : [input.?refund.orValue(input)]"
    key   = "has(refund.id) ? string(refund.id) : 'none'"
  }

  validate "document" {
    rule "not_a_calculation" {
      condition = "has(refund.id) || !(has(refund.transactions) && refund.transactions.exists(t, t.?kind.orValue('') == 'suggested_refund'))"
      message   = "This is a refund calculation, not a refund."
      detail    = "'A refunds/calculate response (suggested_refund transactions, no refund id) says what could be refunded; nothing was refunded. Post the refund that POST /orders/{id}/refunds.json creates, or let the refunds/create webhook deliver it.'"
      reason    = "SCHEMA_MISMATCH"
    }
  }

  dedupe "seen" {
    key       = "'shopify:refund:' + string(refund.id)"
    on_change = "update"
  }

  map "mapped" {
    mapping = shopify.refund
    from    = "refund"
  }

  # Base quantities from the item master for the lines that name a SKU
  # (a custom item has none; its refund still goes through).
  # with_base_quantity is declared for order lines; a return line has the
  # same sku, quantity and base_quantity fields, so it goes in as dyn.
  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, has(l.sku) ? dyn(with_base_quantity(dyn(l), tables.items, vars.unknown_sku)) : dyn(l))"
    }
  }

  validate "checks" {
    rule "refund_total" {
      condition = "!(canonical.totals.refund_total < money('0', canonical.currency))"
      message   = "The refund's total is negative."
      detail    = "'Its refund transactions add up to ' + format_money(canonical.totals.refund_total) + '.'"
      reason    = "INVALID_MONEY"
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
