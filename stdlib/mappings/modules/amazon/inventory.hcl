# FBA Inventory API: one inventory summary of a getInventorySummaries
# response into commerce.InventoryLevel. The flow splits the response's
# inventorySummaries into one level per document and sets location_id from
# the response's granularity (the marketplace whose FBA network holds the
# units).
#
# What the FBA fields mean (Amazon's model, fbaInventory.json):
#   - inventoryDetails (present when the request says details=true) breaks
#     the units down: fulfillableQuantity can be picked and shipped now;
#     reservedQuantity.totalReservedQuantity is held for customer orders,
#     transfers between fulfilment centres and FC processing;
#     unfulfillableQuantity is damaged, defective or expired; the inbound
#     quantities are on their way in.
#   - totalQuantity counts everything, inbound and unfulfillable included:
#     it is not what can be sold.
#   - lastUpdatedTime is an empty string when Amazon has no date.

# One FBA inventory summary.
#   sku        sellerSku.
#   item_id    fnSku (the unit's id in Amazon's warehouses), else the ASIN.
#   available  fulfillableQuantity EA. A summary without inventoryDetails
#              (requested without details=true) fails with
#              NULL_REQUIRED_FIELD: totalQuantity is not a substitute.
#   reserved   reservedQuantity.totalReservedQuantity EA, when given.
#   updated_at lastUpdatedTime, only when it is not empty.
mapping "inventory_level" {
  description = "An FBA inventory summary as a canonical inventory level: fulfillable units available, reserved units reserved."
  input       = InventorySummaries.InventorySummary
  output      = "commerce.InventoryLevel"
  fields = {
    sku        = "input.sellerSku"
    item_id    = "input.?fnSku.or(input.?asin)"
    available  = "qty(input.inventoryDetails.fulfillableQuantity, 'EA')"
    reserved   = "has(input.inventoryDetails.reservedQuantity) && has(input.inventoryDetails.reservedQuantity.totalReservedQuantity) ? optional.of(qty(input.inventoryDetails.reservedQuantity.totalReservedQuantity, 'EA')) : optional.none()"
    updated_at = "input.?lastUpdatedTime.orValue('') != '' ? optional.of(parse_time(input.lastUpdatedTime)) : optional.none()"
    channel    = "'amazon'"
  }
}
