import "erp" {}
import "netsuite" {}
import "sap" {}
import "d365" {}
import "business_central" {}
import "oracle" {}
import "infor" {}

# Canonical orders from every channel flow into the sales order of the ERP
# chosen by the variable erp. The channel flows route their canonical
# orders here, so one place decides what the ERP gets. A canonical order
# from elsewhere can be posted to /webhooks/erp_orders or dropped in
# inbox/erp_orders.
#
# Each ERP's settings (its sink, with the method, path, idempotency and
# authentication it needs, and its own variables) are in erp_<erp>.hcl.
flow "erp_orders" {
  description = "Canonical orders into the sales order document of the ERP (variable erp)."
  priority    = "critical"
  schema      = commerce.Order

  source "http" {
    path    = "/webhooks/erp_orders"
    verify  = "api_key"
    secrets = [env("ERP_ORDERS_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/erp_orders"
  }

  dedupe "order" {
    key       = "input.channel + ':' + input.id"
    on_change = "update"
  }

  # Orders from the channel flows have their base quantities already; one
  # posted here directly gets them from the item master, and is checked
  # like every channel's.
  enrich "canonical" {
    fields = {
      lines = "input.lines.map(l, has(l.base_quantity) ? l : with_base_quantity(l, tables.items, vars.unknown_sku))"
    }
  }

  validate "checks" {
    rule "totals" {
      condition = "canonical.status == 'cancelled' || totals_expected(canonical) == canonical.totals.grand_total"
      message   = "The order's lines, discounts, shipping and tax do not add up to its total."
      detail    = "'They add up to ' + format_money(totals_expected(canonical)) + '; the order says ' + format_money(canonical.totals.grand_total) + '.'"
      reason    = "TOTALS_MISMATCH"
    }
  }

  map "erp_document" {
    value = <<-CEL
      vars.erp == 'netsuite' ? dyn(netsuite.sales_order({'order': canonical, 'correlation_id': meta.correlation_id})) :
      vars.erp == 'sap' ? dyn(sap.sales_order({'order': canonical, 'correlation_id': meta.correlation_id})) :
      vars.erp == 'd365' ? dyn(d365.sales_order({'order': canonical, 'correlation_id': meta.correlation_id})) :
      vars.erp == 'business_central' ? dyn(business_central.sales_order({'order': canonical, 'correlation_id': meta.correlation_id})) :
      vars.erp == 'oracle' ? dyn(oracle.sales_order({'order': canonical, 'correlation_id': meta.correlation_id})) :
      dyn(infor.sales_order({'order': canonical, 'correlation_id': meta.correlation_id}))
    CEL
  }

  # An order cancelled before the ERP ever got it is filtered: there is
  # nothing to cancel there. One the ERP has (an update) goes, and each
  # ERP mapping cancels it the way its ERP does.
  route "deliver" {
    case "netsuite" {
      when = "vars.erp_url != '' && vars.erp == 'netsuite' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.netsuite]
    }
    case "sap" {
      when = "vars.erp_url != '' && vars.erp == 'sap' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.sap]
    }
    case "d365" {
      when = "vars.erp_url != '' && vars.erp == 'd365' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.d365]
    }
    case "business_central" {
      when = "vars.erp_url != '' && vars.erp == 'business_central' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.business_central]
    }
    case "oracle" {
      when = "vars.erp_url != '' && vars.erp == 'oracle' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.oracle]
    }
    case "infor" {
      when = "vars.erp_url != '' && vars.erp == 'infor' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.infor]
    }
    case "outbox" {
      when = "vars.erp_url == '' && (canonical.status != 'cancelled' || order.update)"
      to   = [sink.outbox]
    }
  }
}
