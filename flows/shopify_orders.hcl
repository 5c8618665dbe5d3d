import "shopify" {}

# Shopify orders. Subscribe the orders/create, orders/updated and
# orders/cancelled webhook topics to /webhooks/shopify_orders; Shopify
# signs each body with the app's client secret (X-Shopify-Hmac-Sha256):
# set it in SHOPIFY_WEBHOOK_SECRET, and during a rotation the old one in
# SHOPIFY_WEBHOOK_SECRET_PREVIOUS. A REST response ({"order": …}) dropped
# in inbox/shopify_orders is read too.
#
# An update of an order (orders/updated, orders/cancelled) is the same
# business key with a different body: it goes through as an update. Draft
# orders are quotes, not orders (completing one creates an order, which
# arrives here through orders/create): they are refused. Refunds are
# documents of their own (flow shopify_refunds).
flow "shopify_orders" {
  description = "Shopify orders (orders/create, orders/updated and orders/cancelled webhooks) into canonical orders."
  priority    = "critical"
  schema      = shopify.Order

  source "http" {
    path    = "/webhooks/shopify_orders"
    verify  = "shopify"
    secrets = [env("SHOPIFY_WEBHOOK_SECRET"), env("SHOPIFY_WEBHOOK_SECRET_PREVIOUS")]
  }

  source "file" {
    dir = "inbox/shopify_orders"
  }

  validate "document" {
    rule "not_a_draft" {
      condition = "!has(input.draft_order) && !headers[?'x-shopify-topic'].orValue('').startsWith('draft_orders/')"
      message   = "This is a Shopify draft order, not an order."
      detail    = "'A draft order is a quote. When it is completed Shopify creates an order and sends it with orders/create; subscribe only the orders/* topics to this flow.'"
      reason    = "SCHEMA_MISMATCH"
    }
  }

  dedupe "order" {
    key       = "'shopify:' + string(input.?order.orValue(input).id)"
    on_change = "update"
  }

  map "mapped" {
    mapping = shopify.order
    from    = "input.?order.orValue(input)"
  }

  validate "lines" {
    rule "skus" {
      condition = "mapped.lines.all(l, trim(l.sku) != '')"
      message   = "A line has no SKU."
      detail    = "'Lines ' + join(mapped.lines.filter(l, trim(l.sku) == '').map(l, l.line_id), ', ') + ' have an empty SKU: give the variants a SKU in Shopify, then replay.'"
      reason    = "NULL_REQUIRED_FIELD"
    }
  }

  enrich "canonical" {
    fields = {
      lines       = "mapped.lines.map(l, with_base_quantity(l, tables.items, vars.unknown_sku))"
      marketplace = "headers[?'x-shopify-shop-domain']"
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
