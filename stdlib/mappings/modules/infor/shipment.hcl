# Infor SyncShipment / ShowShipment BODs into canonical shipments, for
# the flows that confirm shipments back to the channel that sold the
# order. Reads shipment.schema.json (OAGIS 9 Shipment as Infor publishes
# it, namespace http://schema.infor.com/InforOAGIS/2).
#
#   - id: ShipmentHeader/DocumentID/ID, the ERP's shipment number.
#   - channel and order_id: what infor.sales_order wrote, found as
#     references.hcl says (UserArea transload.channel/transload.order_id,
#     else a SalesOrderReference "<channel>:<order id>" of the header or
#     of an item). One shipment goes back to one channel order: the first
#     found.
#   - lines: one per ShipmentItem, line_id from the item's UserArea
#     transload.line_id, else its CustomerPurchaseOrderReference/
#     LineNumber (the channel line id the sales order sent); sku from
#     transload.sku, else the ERP item (ItemID/ID); quantity as shipped in
#     the ERP unit, with base_quantity in the item's base unit when
#     tables/erp_items.csv says how many base units that unit holds.
#   - tracking: the header's TrackingID and each ShipmentUnit's, once
#     each, with the carrier (CarrierParty Name, else its id).
#   - shipped_at: ActualShipDateTime, else DocumentDateTime.

# The message of the BOD, Sync or Show.
mapping "shipment_message" {
  input = ShipmentBOD
  value = "has(input.SyncShipment) ? input.SyncShipment : input.ShowShipment"
}

# The order key "<channel>:<order id>" a shipment refers to, "" when none.
mapping "shipment_order_key" {
  input = ShipmentBOD
  value = <<-CEL
    cel.bind(s, infor.shipment_message(input).DataArea.Shipment,
      infor.order_key({
        'props': s.ShipmentHeader.?UserArea.?Property.orValue([]),
        'ids': (s.ShipmentHeader.?SalesOrderReference.?DocumentID.?ID.hasValue() ? [s.ShipmentHeader.SalesOrderReference.DocumentID.ID] : [])
          + s.?ShipmentItem.orValue([]).filter(i, i.?SalesOrderReference.?DocumentID.?ID.hasValue()).map(i, i.SalesOrderReference.DocumentID.ID)
      }))
  CEL
}

# The channel SKU of a shipped item.
mapping "shipment_item_sku" {
  input = ShipmentBOD.ShipmentItem
  value = <<-CEL
    cel.bind(p, infor.property_value({'props': input.?UserArea.?Property.orValue([]), 'name': 'transload.sku'}),
      p != '' ? p : input.ItemID.ID)
  CEL
}

# A quantity in the ERP unit in the SKU's base unit, when erp_items.csv
# says how many base units the ERP unit holds; else none.
mapping "erp_base_quantity" {
  input = any
  value = <<-CEL
    cel.bind(u, lookup_value(tables.erp_items, input.sku, 'uom', ''),
      u != '' && u == input.quantity.uom
        ? [qty(input.quantity.value * decimal(lookup_value(tables.erp_items, input.sku, 'base_units', '1')),
               lookup_value(tables.items, input.sku, 'base_uom', u))]
        : [])
  CEL
}

mapping "shipment_line" {
  input  = ShipmentBOD.ShipmentItem
  output = "commerce.ShipmentLine"
  fields = {
    line_id       = <<-CEL
      cel.bind(p, infor.property_value({'props': input.?UserArea.?Property.orValue([]), 'name': 'transload.line_id'}),
        p != '' ? optional.of(p) : input.?CustomerPurchaseOrderReference.?LineNumber)
    CEL
    sku           = "infor.shipment_item_sku(input)"
    quantity      = "input.ShippedQuantity"
    base_quantity = "infor.erp_base_quantity({'sku': infor.shipment_item_sku(input), 'quantity': input.ShippedQuantity})[?0]"
  }
}

mapping "shipment" {
  input  = ShipmentBOD
  output = "commerce.Shipment"
  fields = {
    id         = "infor.shipment_message(input).DataArea.Shipment.ShipmentHeader.DocumentID.ID"
    channel    = "infor.channel_of(infor.shipment_order_key(input))"
    order_id   = "infor.order_id_of(infor.shipment_order_key(input))"
    status     = "infor.shipment_message(input).DataArea.Shipment.ShipmentHeader.?Status.?Code"
    shipped_at = <<-CEL
      cel.bind(h, infor.shipment_message(input).DataArea.Shipment.ShipmentHeader,
        h.?ActualShipDateTime.or(h.?DocumentDateTime))
    CEL
    carrier    = <<-CEL
      cel.bind(h, infor.shipment_message(input).DataArea.Shipment.ShipmentHeader,
        h.?CarrierParty.?Name.or(h.?CarrierParty.?PartyIDs.?ID))
    CEL
    service    = "infor.shipment_message(input).DataArea.Shipment.ShipmentHeader.?TransportationMethodCode"
    tracking   = <<-CEL
      cel.bind(s, infor.shipment_message(input).DataArea.Shipment,
      cel.bind(c, s.ShipmentHeader.?CarrierParty.?Name.or(s.ShipmentHeader.?CarrierParty.?PartyIDs.?ID),
      cel.bind(ns, (s.ShipmentHeader.?TrackingID.hasValue() ? [s.ShipmentHeader.TrackingID] : [])
          + s.?ShipmentUnit.orValue([]).filter(u, has(u.TrackingID)).map(u, u.TrackingID),
        ns.distinct().map(n, {'number': n, ?'carrier': c}))))
    CEL
    ship_from  = <<-CEL
      infor.shipment_message(input).DataArea.Shipment.ShipmentHeader.?ShipFromParty.?Location.?Address.?CountryCode.hasValue()
        ? optional.of(infor.address_of(infor.shipment_message(input).DataArea.Shipment.ShipmentHeader.ShipFromParty)) : optional.none()
    CEL
    ship_to    = <<-CEL
      infor.shipment_message(input).DataArea.Shipment.ShipmentHeader.?ShipToParty.?Location.?Address.?CountryCode.hasValue()
        ? optional.of(infor.address_of(infor.shipment_message(input).DataArea.Shipment.ShipmentHeader.ShipToParty)) : optional.none()
    CEL
    lines      = "infor.shipment_message(input).DataArea.Shipment.?ShipmentItem.orValue([]).map(i, infor.shipment_line(i))"
    references = <<-CEL
      cel.bind(m, infor.shipment_message(input),
        {'erp': 'infor', 'erp_shipment_id': m.DataArea.Shipment.ShipmentHeader.DocumentID.ID, ?'bod_id': m.ApplicationArea.?BODID})
    CEL
  }
}
