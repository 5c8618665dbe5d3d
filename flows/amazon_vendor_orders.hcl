import "amazon" {}

flow "amazon_vendor_orders" {
  description = <<-EOT
    Amazon Vendor Central purchase orders (Vendor Orders API
    getPurchaseOrder responses, posted as they are) into canonical orders
    with channel amazon_vendor. Amazon is the buyer. Quantities ordered in
    Cases carry their case size (unitSize), so base quantities come from
    the purchase order, not from the item master, and netCost, which is per
    each, is multiplied by the case size for the price of a case. The
    purchase order states no total: the grand total is the sum of its
    lines. Amazon does not push purchase orders to a webhook: the
    integrator polls getPurchaseOrders and posts each one here with the key
    in AMAZON_WEBHOOK_KEY as the X-API-Key header.
  EOT
  priority    = "critical"
  schema      = amazon.PurchaseOrder

  # The integrator's poster calls this webhook: a shared key (X-API-Key).
  source "http" {
    path    = "/webhooks/amazon_vendor_orders"
    verify  = "api_key"
    secrets = [env("AMAZON_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/amazon_vendor_orders"
  }

  dedupe "order" {
    key       = "'amazon_vendor:' + input.payload.purchaseOrderNumber"
    on_change = "update"
  }

  # The mapping reads most of the purchase order: decode all of it.
  map "mapped" {
    mapping = amazon.vendor_order
    from    = "input"
  }

  # Every line has its base quantity from unitSize already; the item master
  # is consulted only for a line that would not (with_base_quantity keeps
  # an existing base_quantity).
  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, with_base_quantity(l, tables.?items.value(), vars.unknown_sku))"
    }
  }

  validate "checks" {
    rule "totals" {
      condition = "totals_expected(canonical) == canonical.totals.grand_total"
      message   = "The purchase order's lines do not add up to its total."
      detail    = "'They add up to ' + format_money(totals_expected(canonical)) + '; the total is ' + format_money(canonical.totals.grand_total) + '.'"
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
