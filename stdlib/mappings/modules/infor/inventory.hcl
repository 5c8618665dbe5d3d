# Infor SyncInventoryCount / ShowInventoryCount BODs into canonical
# inventory levels (channel "erp"), for the flow that sends the ERP's
# stock to the channels. Reads inventory.schema.json: the BOD Infor LN
# answers a GetInventoryCount for an item at a warehouse with, one
# InventoryCountLine per item and warehouse.
#
#   - sku and item_id: the ERP item (Item/ItemID/ID). Where the ERP item
#     is not the channel SKU (tables/erp_items.csv), the flow maps it back
#     with a table keyed by the ERP item.
#   - location_id: the line's WarehouseLocation/ID, else the verb's
#     LocationID.
#   - available: AvailableQuantity (on hand less allocated) when the ERP
#     sends it, else Quantity (on hand); reserved: AllocatedQuantity.
#     Quantities stay in the ERP's unit.
#   - updated_at: the line's EffectiveDateTime, else the header's
#     DocumentDateTime, else the BOD's CreationDateTime.

mapping "inventory_message" {
  input = InventoryCountBOD
  value = "has(input.SyncInventoryCount) ? input.SyncInventoryCount : input.ShowInventoryCount"
}

# One record per InventoryCountLine, with its header, verb and BOD time.
mapping "inventory_records" {
  input = InventoryCountBOD
  value = <<-CEL
    cel.bind(m, infor.inventory_message(input),
      m.DataArea.InventoryCount.?InventoryCountLine.orValue([]).map(l, {
        'line': l,
        ?'header': m.DataArea.InventoryCount.?InventoryCountHeader,
        ?'verb': m.DataArea.?Sync.or(m.DataArea.?Show),
        ?'created_at': m.ApplicationArea.?CreationDateTime
      }))
  CEL
}

mapping "inventory" {
  input  = InventoryRecord
  output = "commerce.InventoryLevel"
  fields = {
    sku         = "input.line.Item.ItemID.ID"
    item_id     = "input.line.Item.ItemID.ID"
    location_id = "input.line.?WarehouseLocation.?ID.or(input.?verb.?LocationID)"
    available   = "input.line.?AvailableQuantity.orValue(input.line.Quantity)"
    reserved    = "input.line.?AllocatedQuantity"
    updated_at  = "input.line.?EffectiveDateTime.or(input.?header.?DocumentDateTime).or(input.?created_at)"
    channel     = "'erp'"
  }
}

# Every level of a BOD.
mapping "inventory_levels" {
  input = InventoryCountBOD
  value = "infor.inventory_records(input).map(r, infor.inventory(r))"
}
