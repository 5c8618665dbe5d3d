# Infor BOD types (namespace http://schema.infor.com/InforOAGIS/2,
# Infor's extension of OAGIS 9.2), declared as the XML codec decodes them
# (stdlib/codec/xmldoc): namespace prefixes dropped, attributes as
# "@name", text beside attributes as "#text", and an element a list only
# where the schema declares an array. The components the BODs share
# (parties, addresses, references, taxes, UserArea) are in
# components_read.schema.json and components_write.schema.json; a nested type is named after its root type and the
# $defs key (infor.ShipmentBOD.Party, infor.InvoiceBOD.Party).
#
# Each inbound type is an object with one field per root element it
# accepts (the Sync and the Show BOD of one noun), so a flow with
# format = "xml" and schema = infor.ShipmentBOD takes both, and any other
# root element is a SCHEMA_MISMATCH. A DataArea holds one noun here: one
# with two is a SCHEMA_MISMATCH rather than a silently dropped document.

type "SalesOrderBOD" {
  schema      = "sales_order.schema.json"
  description = "The SyncSalesOrder BOD that infor.sales_order produces: {\"SyncSalesOrder\": {...}}, for xmldoc.Encode."
}

type "ShipmentBOD" {
  schema      = "shipment.schema.json"
  description = "A SyncShipment or ShowShipment BOD from the ERP: {\"SyncShipment\": {...}} or {\"ShowShipment\": {...}}."
}

type "InvoiceBOD" {
  schema      = "invoice.schema.json"
  description = "A SyncInvoice or ShowInvoice BOD from the ERP."
}

type "InventoryCountBOD" {
  schema      = "inventory.schema.json"
  description = "A SyncInventoryCount or ShowInventoryCount BOD from the ERP: on-hand quantities by item and warehouse."
}

type "CustomerPartyMasterBOD" {
  schema      = "customer.schema.json"
  description = "A SyncCustomerPartyMaster or ShowCustomerPartyMaster BOD from the ERP."
}

type "ItemMasterBOD" {
  schema      = "item.schema.json"
  description = "A SyncItemMaster or ShowItemMaster BOD from the ERP."
}

type "PriceListBOD" {
  schema      = "price_list.schema.json"
  description = "A SyncPriceList or ShowPriceList BOD from the ERP."
}

type "LineInput" {
  schema      = "line_input.schema.json"
  description = "What infor.sales_order_line reads: the order and one of its ERP lines (erp.Line)."
}

type "InventoryRecord" {
  schema      = "inventory_record.schema.json"
  description = "One line of an InventoryCount BOD with the BOD's header and verb: what infor.inventory maps to one inventory level."
}

type "ItemInput" {
  schema      = "item_input.schema.json"
  description = "What infor.item reads: an ItemMaster BOD and, optionally, a PriceList BOD that prices it."
}
