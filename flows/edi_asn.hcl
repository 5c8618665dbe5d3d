import "x12" {}

# X12 856 ship notices for canonical shipments of X12 orders.
#
# A shipment (from the ERP through erp_shipments, from a WMS on the
# webhook, or dropped in inbox/edi_asn) whose channel is edi_x12 becomes an
# 856 to the trading partner: shipment, order, pack (carton) and item
# levels when it has cartons, shipment, order and item levels when it has
# none (see x12.asn856). Its order_id is the PO number. Without the order
# itself, lines are identified by the line number (the PO101 the partner
# sent) and the SKU under x12_item_qualifier: a flow that has the order can
# map {'shipment': …, 'order': …} with x12.asn856 and send the partner's
# own item ids back. Shipments of other channels are filtered.
#
# A changed shipment (the same id) is sent again as a new interchange.

flow "edi_asn" {
  description = "Canonical shipments of X12 orders as 856 ship notices."
  priority    = "normal"
  schema      = commerce.Shipment

  source "http" {
    path    = "/webhooks/edi_asn"
    verify  = "api_key"
    secrets = [env("EDI_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/edi_asn"
  }

  dedupe "shipment" {
    key       = "'856:' + input.id"
    on_change = "update"
  }

  map "ship_notice" {
    mapping = x12.asn856
    from    = "{'shipment': input, 'date': meta.received_at}"
  }

  route "deliver" {
    case "edi" {
      when = "input.?channel.orValue('') == 'edi_x12'"
      to   = [sink.edi_partner]
    }
  }
}
