# What the flow needs besides NetSuite: the two item tables, what to do
# with a SKU they do not list, and the outbox.

# The item master: what one unit of a Shopify SKU is in base units. A SKU
# sold as a 6-pack is "SKU,EA,6", so NetSuite gets 6 EA for 1 pack sold.
table "items" {
  file = "tables/items.csv"
  key  = "sku"
}

# The SKU cross-reference: the NetSuite item of each Shopify SKU (its
# internal id; empty: the item whose external ID is the SKU), the unit
# NetSuite sells it in (empty: the base unit above) and how many base units
# that unit holds. The flow refuses a SKU that is not listed here.
table "erp_items" {
  file = "tables/erp_items.csv"
  key  = "sku"
}

variable "unknown_sku" {
  type        = string
  default     = "dead_letter"
  description = "A SKU that tables/items.csv does not list: dead_letter (UNKNOWN_SKU, for a person to add it) or each (count each unit as 1 EA)."
  validation {
    condition     = contains(["dead_letter", "each"], var.unknown_sku)
    error_message = "The variable unknown_sku must be \"dead_letter\" or \"each\"."
  }
}

variable "erp_kits" {
  type        = string
  default     = "kit"
  description = "How a kit (a line with components) reaches NetSuite: kit (the kit line; its SKU is a kit/package item in NetSuite) or components (each component, with its share of the amounts)."
  validation {
    condition     = contains(["kit", "components"], var.erp_kits)
    error_message = "The variable erp_kits must be \"kit\" or \"components\"."
  }
}

# While netsuite_url is empty, each sales order is written here instead,
# one file per order named by its business key (shopify%3A<id>.json),
# under the data directory: .transload/outbox/.
sink "file" "outbox" {
  dir = "outbox"
}
