import "x12" {}

# 856 ship notices for the partner's orders, from canonical shipments
# (commerce.Shipment, JSON) that the ERP or the WMS drops in shipments_dir.
#
# x12.asn856 writes the notice: shipment, order, pack (carton) and item
# levels when the shipment has cartons (SSCC-18 labels in MAN GM), or
# shipment, order and item levels when it has none. The shipment's
# order_id is the partner's PO number (PRF01) and each line's line_id the
# PO101 line number it sent. The ERP names items by our SKU, which the
# partner does not know: each LIN gets the partner's own item number and
# the vendor item number it has on file, from tables/partner_items.csv (a
# SKU missing there is held, UNKNOWN_SKU, rather than sent as an item the
# partner would reject).
#
# A corrected shipment (the same id, a changed body) is sent again as a
# new interchange with new control numbers.

flow "partner_856" {
  description = "Shipments of XYZ Retail orders as 856 ship notices."
  schema      = commerce.Shipment

  source "file" {
    dir = var.shipments_dir
  }

  dedupe "shipment" {
    key       = "'856:' + input.id"
    on_change = "update"
  }

  validate "shipment_checks" {
    rule "order" {
      condition = "has(input.order_id) && input.order_id != ''"
      message   = "The shipment names no order: the 856 must carry the partner's PO number (PRF01)."
      reason    = "NULL_REQUIRED_FIELD"
    }
    rule "items" {
      condition = "input.lines.all(l, in_table(tables.partner_items_by_sku, l.sku))"
      message   = "A shipped SKU is not in tables/partner_items.csv: the partner would not recognise the item."
      detail    = "'Unknown SKU(s): ' + join(input.lines.filter(l, !in_table(tables.partner_items_by_sku, l.sku)).map(l, l.sku), ', ') + '. Add them with the partner item number, then replay.'"
      reason    = "UNKNOWN_SKU"
    }
  }

  map "ship_notice" {
    mapping = x12.asn856
    from    = "{'shipment': input, 'date': meta.received_at}"
  }

  # The partner's ids in each LIN, in place of our SKU.
  enrich "to_partner" {
    from = "ship_notice"
    fields = {
      sets = "ship_notice.sets.map(s, partner_set(s))"
    }
  }

  route "deliver" {
    default {
      to = [sink.partner]
    }
  }
}

# One transaction set of an 856 or 810 with the partner's item ids in
# its LIN or IT1 segments (partner_ids_in).
mapping "partner_set" {
  input = "x12.Outbound.Set"
  value = "{'type': input.type, 'segments': input.segments.map(g, partner_ids_in(g))}"
}

# One segment of an 856 or 810 with the partner's item ids: a LIN (856)
# or an IT1 (810) in which x12.item_ids wrote our SKU under
# x12_item_qualifier gets, in its place, the partner's number under
# partner_item_qualifier and the vendor item number it has on file (VN),
# as the partner sent them in its 850 (VN AB3542, CB 065322-117). A GTIN
# that follows (UP, EN) stays. Other segments pass unchanged.
mapping "partner_ids_in" {
  input = "any"
  value = <<-CEL
    cel.bind(at, input[0] == 'LIN' ? 2 : input[0] == 'IT1' ? 6 : 0,
      at > 0 && size(input) > at + 1 && input[at] == vars.x12_item_qualifier
        ? input.slice(0, at)
          + partner_ids(string(input[at + 1]))
          + input.slice(at + 2, size(input))
        : input)
  CEL
}

# The partner's ids of one of our SKUs, as X12 id pairs: its own number
# under partner_item_qualifier and VN with the vendor item number it has
# on file (our SKU when the crosswalk gives none), in the order the x12
# module writes them in the 855 (VP and BP before VN, the others after),
# so that the partner sees the same line the same way in all three.
mapping "partner_ids" {
  input = "string"
  value = <<-CEL
    cel.bind(row, lookup(tables.partner_items_by_sku, input, 'UNKNOWN_SKU'),
    cel.bind(own, [vars.partner_item_qualifier, row.buyer_part],
    cel.bind(vn, ['VN', row.vendor_item != '' ? row.vendor_item : input],
      vars.partner_item_qualifier in ['VP', 'BP'] ? own + vn : vn + own)))
  CEL
}
