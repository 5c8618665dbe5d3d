# Shopify inventory levels into canonical inventory levels.
#
# What it reads: one REST Admin inventory level (see
# inventory_level.schema.json), bare as the inventory_levels/update
# webhook sends it; the shopify_inventory flow splits the adjust/set
# responses and the levels list into single levels before it maps them.
#
# Conventions: item_id is inventory_item_id and location_id the location,
# both as strings; a level carries no SKU, so sku is left out (a variant's
# inventory_item_id links the two: see shopify.product). available is in
# EA (Shopify counts units). A level of an untracked item (available null)
# fails with NULL_REQUIRED_FIELD, and an oversold one (available below
# zero) with INVALID_QUANTITY: the canonical model has no negative stock,
# and zero would not be what Shopify says.

type "InventoryLevel" {
  schema      = "inventory_level.schema.json"
  description = "A Shopify REST Admin inventory level (webhook body), or the adjust/set/list REST responses."
}

# One level: see the conventions above.
mapping "inventory_level" {
  input  = InventoryLevel
  output = "commerce.InventoryLevel"
  fields = {
    item_id     = "string(input.inventory_item_id)"
    location_id = "string(input.location_id)"
    available   = "qty(input.available, 'EA')"
    updated_at  = "input.?updated_at.optMap(t, parse_time(t))"
    channel     = "'shopify'"
  }
}
