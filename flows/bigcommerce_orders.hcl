import "bigcommerce" {}

# BigCommerce's order webhooks (store/order/created, store/order/updated,
# store/order/statusUpdated) carry only {"data": {"type": "order", "id": …}}.
# The relay that receives them fetches GET /v2/orders/{id}, its products
# and its shipping_addresses, and posts the order with both embedded (see
# stdlib/mappings/modules/bigcommerce/order.schema.json); a v2 order that
# still has the {url, resource} links is a SCHEMA_MISMATCH dead letter.
#
# BigCommerce does not sign webhooks. A webhook subscription may carry
# custom headers, which BigCommerce sends with every callback: register
# {"X-Webhook-Token": "<a long random token>"} and set the same token in
# BIGCOMMERCE_WEBHOOK_TOKEN (the relay forwards the header, or sends it
# itself). Without the variable, every request is refused with 401.
flow "bigcommerce_orders" {
  description = "BigCommerce v2 orders (with products and shipping addresses embedded) into canonical orders."
  priority    = "critical"
  schema      = bigcommerce.Order

  source "http" {
    path    = "/webhooks/bigcommerce_orders"
    verify  = "api_key"
    header  = "X-Webhook-Token"
    secrets = [env("BIGCOMMERCE_WEBHOOK_TOKEN")]
  }

  source "file" {
    dir = "inbox/bigcommerce_orders"
  }

  dedupe "order" {
    key       = "'bigcommerce:' + string(input.id)"
    on_change = "update"
  }

  map "mapped" {
    mapping = bigcommerce.order
  }

  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, with_base_quantity(l, tables.items, vars.unknown_sku))"
    }
  }

  validate "checks" {
    rule "lines" {
      condition = "size(canonical.lines) > 0"
      message   = "The order has no products."
      detail    = "'Order ' + canonical.id + ' has an empty products list: post the order with its products embedded, as GET /v2/orders/{id}/products returns them.'"
      reason    = "NULL_REQUIRED_FIELD"
    }
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
