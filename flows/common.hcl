# Settings shared by the default flows.

variable "erp_url" {
  type        = string
  default     = ""
  description = "When set, the canonical documents are POSTed to this URL; otherwise they are written to the outbox under the data directory."
}

variable "unknown_sku" {
  type        = string
  default     = "dead_letter"
  description = "What to do with a SKU that tables/items.csv does not list: dead_letter (a business dead letter UNKNOWN_SKU) or each (count each ordered unit as 1 EA)."
  validation {
    condition     = contains(["dead_letter", "each"], var.unknown_sku)
    error_message = "The variable unknown_sku must be \"dead_letter\" or \"each\"."
  }
}

# The item master: the base unit of each SKU and how many base units one
# ordered unit holds, for channels that do not say (X12 PO4 and Amazon
# Vendor unitSize carry their own).
table "items" {
  file = "tables/items.csv"
  key  = "sku"
}

# One file per document, named by its business key, under the data
# directory: .transload/outbox/.
sink "file" "outbox" {
  dir = "outbox"
}

sink "http" "erp" {
  url = var.erp_url
}
