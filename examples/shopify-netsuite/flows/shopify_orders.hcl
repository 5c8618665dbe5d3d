import "shopify" {}
import "netsuite" {}

# Shopify orders into NetSuite sales orders, in one flow.
#
# In Shopify (Settings > Notifications > Webhooks, or the app's
# subscriptions), point the orders/create topic at
#   https://<this host>/webhooks/shopify_orders
# Shopify signs each body with the app's secret (X-Shopify-Hmac-Sha256);
# the source checks it on the raw body before anything reads it, so put
# that secret in SHOPIFY_WEBHOOK_SECRET (and, while you rotate it, the old
# one in SHOPIFY_WEBHOOK_SECRET_PREVIOUS). orders/updated and
# orders/cancelled may point here too: they update the same sales order.
#
# Without a shop, drop an order's JSON in inbox/shopify_orders/ (next to
# this file): the bare webhook body or the Admin API's {"order": …} answer.
#
# Where it goes: with netsuite_url set, NetSuite's REST record API
# (netsuite.hcl); without it, a file per order in the outbox (settings.hcl),
# so you can read what NetSuite would get before connecting anything.
flow "shopify_orders" {
  description = "Shopify orders (orders/create webhook or drop folder) into NetSuite sales orders."
  priority    = "critical"
  schema      = shopify.Order

  source "http" {
    path    = "/webhooks/shopify_orders"
    verify  = "shopify"
    secrets = [env("SHOPIFY_WEBHOOK_SECRET"), env("SHOPIFY_WEBHOOK_SECRET_PREVIOUS")]
  }

  # Only *.json, so a note or a half-copied file in the folder is left alone.
  source "file" {
    dir     = "inbox/shopify_orders"
    pattern = "*.json"
  }

  # A draft order is a quote; completing it creates a real order that
  # arrives through orders/create. Booking the draft too would double it.
  validate "document" {
    rule "not_a_draft" {
      condition = "!has(input.draft_order) && !headers[?'x-shopify-topic'].orValue('').startsWith('draft_orders/')"
      message   = "This is a Shopify draft order, not an order."
      detail    = "'Subscribe only the orders/* topics to this flow: a completed draft arrives as an order through orders/create.'"
      reason    = "SCHEMA_MISMATCH"
    }
  }

  # Shopify delivers a webhook at least once, and retries it when we are
  # slow to answer: the order id makes the second copy a duplicate that
  # stops here. A different body under the same id (orders/updated, a
  # cancellation) goes on as an update of the same NetSuite order.
  dedupe "order" {
    key       = "'shopify:' + string(input.?order.orValue(input).id)"
    on_change = "update"
  }

  # The shipped Shopify mapping: exact money, discounts per line, taxes,
  # addresses, status. See docs/stdlib.md, "shopify".
  map "mapped" {
    mapping = shopify.order
    from    = "input.?order.orValue(input)"
  }

  # NetSuite needs an item on every line. A custom item (no SKU) or a
  # variant without one cannot be matched, so it waits for a person
  # rather than reaching NetSuite half-booked.
  validate "lines" {
    rule "skus" {
      condition = "mapped.lines.all(l, trim(l.sku) != '')"
      message   = "A line has no SKU."
      detail    = "'Lines ' + join(mapped.lines.filter(l, trim(l.sku) == '').map(l, l.line_id), ', ') + ' have no SKU: give the variants a SKU in Shopify, then replay.'"
      reason    = "NULL_REQUIRED_FIELD"
    }
  }

  # Base units from the item master (tables/items.csv): a Shopify SKU that
  # is a pack of 6 is 6 EA here, whatever the shop calls it.
  enrich "canonical" {
    fields = {
      lines       = "mapped.lines.map(l, with_base_quantity(l, tables.items, vars.unknown_sku))"
      marketplace = "headers[?'x-shopify-shop-domain']"
    }
  }

  validate "checks" {
    # Never book an order whose figures we cannot explain: lines, less
    # discounts, plus shipping and tax must be Shopify's own total, to the
    # cent. Duties, tips or a charge the mapping does not know show up here
    # instead of as a wrong invoice later.
    rule "totals" {
      condition = "totals_expected(canonical) == canonical.totals.grand_total"
      message   = "The order's lines, discounts, shipping and tax do not add up to its total."
      detail    = "'They add up to ' + format_money(totals_expected(canonical)) + '; Shopify says ' + format_money(canonical.totals.grand_total) + '.'"
      reason    = "TOTALS_MISMATCH"
    }

    # Every SKU sold must be in the cross-reference (tables/erp_items.csv),
    # so that a new product in the shop is noticed here, with its SKU named,
    # and not by NetSuite refusing the order. An empty item column is fine:
    # it means "the NetSuite item whose external ID is the SKU".
    rule "netsuite_items" {
      condition = "canonical.lines.all(l, l.status != 'open' || in_table(tables.erp_items, l.sku))"
      message   = "A SKU is not in the NetSuite cross-reference."
      detail    = "'Add ' + join(canonical.lines.filter(l, l.status == 'open' && !in_table(tables.erp_items, l.sku)).map(l, l.sku), ', ') + ' to tables/erp_items.csv (sku,item,uom,base_units), then replay.'"
      reason    = "UNKNOWN_SKU"
    }
  }

  # The shipped NetSuite mapping builds the salesOrder body: externalId
  # shopify-<order id> (the upsert key), the lines with exact rate and
  # amount (order discounts spread over them to the cent), otherRefNum (the
  # PO number, else the order number), shipping cost, the channel's tax in
  # custbody_tl_tax_total. The correlation id goes in memo, so the order in
  # NetSuite leads back to this message in the logs and dead letters.
  map "sales_order" {
    value = "netsuite.sales_order({'order': canonical, 'correlation_id': meta.correlation_id})"
  }

  # An order cancelled before NetSuite ever had it has nothing to cancel
  # there: it is filtered. One NetSuite has (an update) goes, and the
  # mapping closes its lines.
  route "deliver" {
    body = "sales_order"
    case "netsuite" {
      when = "vars.netsuite_url != '' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.netsuite]
    }
    case "outbox" {
      when = "vars.netsuite_url == '' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.outbox]
    }
  }
}
