import "adobe_commerce" {}

# Adobe Commerce (Magento 2) orders: the order object of GET /V1/orders/{id}
# (see stdlib/mappings/modules/adobe_commerce/order.schema.json). Adobe
# Commerce webhooks (a sales_order save or place event) and I/O events wrap
# the order in an envelope; the webhook subscription or a relay posts the
# order object itself here.
#
# Webhooks are registered with their own headers: send
# "Authorization: Bearer <token>" and set the same token in
# ADOBE_COMMERCE_WEBHOOK_TOKEN. Without the variable, every request is
# refused with 401.
flow "adobe_commerce_orders" {
  description = "Adobe Commerce (Magento 2) sales orders into canonical orders."
  priority    = "critical"
  schema      = adobe_commerce.Order

  source "http" {
    path    = "/webhooks/adobe_commerce_orders"
    verify  = "bearer"
    secrets = [env("ADOBE_COMMERCE_WEBHOOK_TOKEN")]
  }

  source "file" {
    dir = "inbox/adobe_commerce_orders"
  }

  # entity_id is unique in the Magento instance; increment_id (the number
  # the buyer sees) is unique per store view only, so two store views can
  # both have an order 000000001.
  dedupe "order" {
    key       = "'adobe_commerce:' + string(input.entity_id)"
    on_change = "update"
  }

  map "mapped" {
    mapping = adobe_commerce.order
  }

  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, with_base_quantity(l, tables.items, vars.unknown_sku))"
    }
  }

  validate "checks" {
    rule "lines" {
      condition = "size(canonical.lines) > 0"
      message   = "The order has no items."
      detail    = "'Order ' + canonical.id + ' has no items.'"
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
