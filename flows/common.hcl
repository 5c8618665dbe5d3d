# Settings shared by the default flows.

variable "erp_url" {
  type        = string
  default     = ""
  description = "The API root of the ERP named by erp (NetSuite's …/services/rest/record/v1, SAP's API_SALES_ORDER_SRV root, …): when set, erp_orders sends each order's ERP document there (see erp_<erp>.hcl); otherwise it is written to the outbox under the data directory."
}

variable "canonical_url" {
  type        = string
  default     = ""
  description = "When set, the canonical refunds, returns, fulfillments and stock levels of the channel flows are POSTed to this URL as they are (JSON, an idempotency key per document): for an iPaaS or a system of your own that takes the canonical model. Otherwise they go to the outbox."
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

# Canonical documents (other than orders) for a system of your own. Each
# request carries an Idempotency-Key (the document's business key), the
# same on every retry: your system must drop a second request with a key
# it has seen, or a retry after a crash makes a second document. If it
# cannot, set idempotency = "none" (an interrupted delivery is then an
# IN_DOUBT dead letter for a person to check).
sink "http" "canonical" {
  url         = var.canonical_url
  idempotency = "header"
}

variable "erp" {
  type        = string
  default     = "netsuite"
  description = "The ERP the orders go to: netsuite, sap, d365, business_central, oracle or infor. It chooses the mapping of flows/erp_orders.hcl, the sink of erp_<erp>.hcl it goes to when erp_url is set, and the documents erp_shipments, erp_invoices and erp_inventory read back."
  validation {
    condition     = contains(["netsuite", "sap", "d365", "business_central", "oracle", "infor"], var.erp)
    error_message = "The variable erp must be one of netsuite, sap, d365, business_central, oracle, infor."
  }
}

variable "erp_kits" {
  type        = string
  default     = "kit"
  description = "How kits reach the ERP: kit (the kit line, its SKU being a kit or assembly item there) or components (its components, each with its share of the kit's amounts)."
  validation {
    condition     = contains(["kit", "components"], var.erp_kits)
    error_message = "The variable erp_kits must be \"kit\" or \"components\"."
  }
}

# The ERP side of each SKU: the ERP's item (an internal id or item number;
# empty: the SKU itself), the unit the ERP item sells in (empty: the base
# unit of items.csv) and how many base units that unit holds.
table "erp_items" {
  file = "tables/erp_items.csv"
  key  = "sku"
}
