import "walmart" {}

# Walmart Marketplace orders, XML: the v3 Orders API with Accept:
# application/xml (<ns3:order>, <ns3:list>), including the responses to
# the acknowledge, cancel, ship and refund calls, which return the order.
# The XML codec decodes them to the documents of the JSON API, so this
# flow is walmart_orders with format = "xml": the same schema, mapping and
# checks. Namespace prefixes (ns2, ns3, ns4) do not matter, a UTF-8 byte
# order mark and CRLF line ends are fine, and a DTD is refused.
#
# Webhook: add the header X-API-Key with the value of WALMART_WEBHOOK_KEY
# to the deliveries to /webhooks/walmart_orders_xml. Files dropped in
# inbox/walmart_orders_xml are read too.
flow "walmart_orders_xml" {
  description = "Walmart Marketplace orders in XML (a v3 order or order list, one document per purchase order) into canonical orders."
  priority    = "critical"
  schema      = walmart.Orders
  format      = "xml"

  source "http" {
    path    = "/webhooks/walmart_orders_xml"
    verify  = "api_key"
    secrets = [env("WALMART_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/walmart_orders_xml"
  }

  # One document per purchase order, named by its id: the delivery key
  # then does not depend on where the order sits in a page. An order
  # without an id fails alone, in the dedupe step (NULL_REQUIRED_FIELD).
  split "order" {
    items = "walmart.orders(input)"
    key   = "order.?purchaseOrderId.orValue('')"
  }

  dedupe "seen" {
    key       = "'walmart:' + order.purchaseOrderId"
    on_change = "update"
  }

  map "mapped" {
    mapping = walmart.order
    from    = "order"
  }

  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, with_base_quantity(l, tables.items, vars.unknown_sku))"
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
