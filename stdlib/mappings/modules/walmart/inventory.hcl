# Walmart item inventory (<wm:inventory>, XML) into commerce.InventoryLevel.
#
# The quantity is {unit EACH, amount}: available = amount in the unit
# (EACH is EA). Walmart's v2 document names no ship node, so location_id
# is left out; fulfillmentLagTime (days to ship) has no canonical field.
mapping "inventory" {
  input  = Inventory
  output = "commerce.InventoryLevel"
  fields = {
    sku       = "input.inventory.sku"
    available = "qty(input.inventory.quantity.amount, uom(input.inventory.quantity.unit))"
    channel   = "'walmart'"
  }
}
