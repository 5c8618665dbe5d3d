# Infor SyncItemMaster (with the SyncPriceList that prices it) into
# canonical products, for enrichment tables (the ERP is the item master).
# Reads item.schema.json and price_list.schema.json: OAGIS item masters
# carry no price, price lists do.
#
#   - id, and the one variant's id and sku: ItemMasterHeader/ItemID/ID.
#   - title: the first Description, else the item id; gtin: GTIN;
#     status: Status/Code as the ERP says.
#   - price: the PriceListLine for the item, its UnitPrice/Amount per
#     PerQuantity units, exact in the currency (INVALID_MONEY otherwise);
#     left out without a price list or a line for the item.

mapping "item_header" {
  input = ItemMasterBOD
  value = "(has(input.SyncItemMaster) ? input.SyncItemMaster : input.ShowItemMaster).DataArea.ItemMaster.ItemMasterHeader"
}

# The price lines of a price list for one item: {'prices', 'item'}.
mapping "item_prices" {
  input = ItemInput
  value = <<-CEL
    cel.bind(id, infor.item_header(input.item_master).ItemID.ID,
      input.?price_list.optMap(p, (has(p.SyncPriceList) ? p.SyncPriceList : p.ShowPriceList).DataArea.PriceList.?PriceListLine.orValue([])).orValue([])
        .filter(l, l.Item.?ItemID.?ID.orValue('') == id)
        .map(l, infor.price_list_unit_price(l.UnitPrice)))
  CEL
}

mapping "item" {
  input  = ItemInput
  output = "commerce.Product"
  fields = {
    id       = "infor.item_header(input.item_master).ItemID.ID"
    title    = "infor.item_header(input.item_master).?Description[0].orValue(infor.item_header(input.item_master).ItemID.ID)"
    status   = "infor.item_header(input.item_master).?Status.?Code"
    variants = <<-CEL
      cel.bind(h, infor.item_header(input.item_master), [{
        'id': h.ItemID.ID,
        'sku': h.ItemID.ID,
        ?'title': h.?Description[0],
        ?'gtin': h.?GTIN,
        ?'price': infor.item_prices(input)[?0]
      }])
    CEL
  }
}
