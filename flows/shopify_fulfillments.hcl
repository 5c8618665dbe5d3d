import "shopify" {}

# Shopify fulfillments. Subscribe the fulfillments/create and
# fulfillments/update webhook topics to /webhooks/shopify_fulfillments,
# signed with SHOPIFY_WEBHOOK_SECRET (and SHOPIFY_WEBHOOK_SECRET_PREVIOUS
# during a rotation). A REST response ({"fulfillment": …}) dropped in
# inbox/shopify_fulfillments is read too.
#
# A fulfillment changes (its status, its tracking): a new body for the same
# id goes through as an update. Its status is delivered as Shopify gives
# it, failure and cancelled included.
flow "shopify_fulfillments" {
  description = "Shopify fulfillments (fulfillments/create and fulfillments/update webhooks) into canonical shipments."
  priority    = "normal"
  schema      = shopify.Fulfillment

  source "http" {
    path    = "/webhooks/shopify_fulfillments"
    verify  = "shopify"
    secrets = [env("SHOPIFY_WEBHOOK_SECRET"), env("SHOPIFY_WEBHOOK_SECRET_PREVIOUS")]
  }

  source "file" {
    dir = "inbox/shopify_fulfillments"
  }

  dedupe "fulfillment" {
    key       = "'shopify:fulfillment:' + string(input.?fulfillment.orValue(input).id)"
    on_change = "update"
  }

  map "mapped" {
    mapping = shopify.fulfillment
    from    = "input.?fulfillment.orValue(input)"
  }

  validate "lines" {
    rule "skus" {
      condition = "mapped.lines.all(l, trim(l.sku) != '')"
      message   = "A shipped line has no SKU."
      detail    = "'Lines ' + join(mapped.lines.filter(l, trim(l.sku) == '').map(l, l.?line_id.orValue('?')), ', ') + ' have an empty SKU: give the variants a SKU in Shopify, then replay.'"
      reason    = "NULL_REQUIRED_FIELD"
    }
  }

  # Base quantities from the item master. with_base_quantity is declared
  # for order lines; a shipment line has the same sku, quantity and
  # base_quantity fields, so it goes in as dyn.
  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, dyn(with_base_quantity(dyn(l), tables.items, vars.unknown_sku)))"
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
