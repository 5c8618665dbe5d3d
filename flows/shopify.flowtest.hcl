# Tests of the Shopify flows on Shopify's own example payloads (see
# testdata/SOURCES.md). Facts worked out by reading the payloads.

run "an order with a manual line discount" {
  flow    = "shopify_orders"
  input   = file("testdata/shopify/order_create_manual_line_discount.json")
  headers = { "X-Shopify-Topic" = "orders/create", "X-Shopify-Shop-Domain" = "jsmith.myshopify.com" }

  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '1073459981' && steps.canonical.channel == 'shopify' && steps.canonical.currency == 'USD'"
    error_message = "the order keeps Shopify's id and shop currency"
  }
  assert {
    condition     = "size(steps.canonical.lines) == 1 && steps.canonical.lines[0].sku == 'IPOD2009BLACK'"
    error_message = "one line, its SKU"
  }
  assert {
    condition     = "steps.canonical.lines[0].discount.amount == decimal('17.91') && steps.canonical.totals.grand_total.amount == decimal('181.09')"
    error_message = "199.00 less the manual discount of 17.91"
  }
  assert {
    condition     = "steps.canonical.lines[0].base_quantity.uom == 'EA' && steps.canonical.marketplace == 'jsmith.myshopify.com'"
    error_message = "base units from the item master, the shop from its header"
  }
  assert {
    condition     = "deliveries.map(d, d.flow) == ['erp_orders']"
    error_message = "the canonical order goes on to erp_orders"
  }
}

run "a price with a decimal comma is refused" {
  flow               = "shopify_orders"
  input              = file("testdata/shopify/order_decimal_comma.json")
  expect_dead_letter = "INVALID_MONEY"
}

run "a draft order is not an order" {
  flow               = "shopify_orders"
  input              = file("testdata/shopify/legacy_draft_order_cad.json")
  expect_dead_letter = "SCHEMA_MISMATCH"
}

run "a refund without restock" {
  flow  = "shopify_refunds"
  input = file("testdata/shopify/refund_create_no_restock_wrong_size.json")

  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '929361466' && steps.canonical.order_id == '450789469' && steps.canonical.note == 'wrong size'"
    error_message = "the refund and its order"
  }
  assert {
    condition     = "size(steps.canonical.lines) == 1 && !steps.canonical.lines[0].restock && steps.canonical.totals.refund_total.amount == decimal('41.94')"
    error_message = "one line, not restocked, 41.94 refunded"
  }
}

run "inventory levels, one document each" {
  flow  = "shopify_inventory"
  input = file("testdata/shopify/inventory_levels_list.json")

  assert {
    condition     = "size(outcomes) == 4 && outcomes.all(o, o.outcome == 'delivered')"
    error_message = "four levels, four documents"
  }
}

run "an oversold level is refused" {
  flow               = "shopify_inventory"
  input              = file("testdata/shopify/inventory_level_oversold.json")
  expect_dead_letter = "INVALID_QUANTITY"
}

run "a fulfillment with tracking" {
  flow  = "shopify_fulfillments"
  input = file("testdata/shopify/fulfillment_get.json")

  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '255858046' && steps.canonical.order_id == '450789469' && steps.canonical.carrier == 'USPS'"
    error_message = "the fulfillment, its order and carrier"
  }
  assert {
    condition     = "size(steps.canonical.tracking) == 1 && size(steps.canonical.lines) == 1"
    error_message = "one tracking number, one line"
  }
}
