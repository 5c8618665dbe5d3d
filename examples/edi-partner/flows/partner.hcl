# One X12 trading partner: XYZ Retail, a retailer that sends us 850
# purchase orders and expects a 997 for each, an 855 for each order, an
# 856 when we ship and an 810 when we invoice.
#
# Everything that is particular to this partner is in this file and in
# tables/: the partner's and our interchange ids, its item crosswalk and
# its ship-to locations. To onboard another partner, copy the folder and
# change the defaults below (or set them with --var NAME=VALUE or
# TRANSLOAD_VAR_NAME=VALUE), then the three tables. README.md walks
# through it.
#
# The values below are those of the partner in the sample 850s
# (testdata/): XYZ Retail sends as 12/4405197800 (a phone number id) to
# us as 01/999999999 (a DUNS), in version 004010VICS.

# --- Who the partner is -----------------------------------------------------
# The 850 flow refuses an interchange whose sender or receiver is not
# these (UNKNOWN_PARTNER): a file dropped in the wrong partner's folder
# must not be acknowledged, booked or answered in this partner's name.

variable "partner_isa_qualifier" {
  type        = string
  default     = "12"
  description = "The partner's interchange id qualifier (ISA05 of its interchanges, ISA07 of ours): 01 DUNS, 08 UCC EDI communications id, 12 phone number, ZZ mutually defined."
  validation {
    condition     = strlen(var.partner_isa_qualifier) == 2
    error_message = "The variable partner_isa_qualifier must be a two-character X12 qualifier, such as \"12\" or \"ZZ\"."
  }
}

variable "partner_isa_id" {
  type        = string
  default     = "4405197800"
  description = "The partner's interchange id (ISA06 of its interchanges, ISA08 of ours), without the padding, as the trading partner agreement gives it."
  validation {
    condition     = strlen(var.partner_isa_id) > 0 && strlen(var.partner_isa_id) <= 15
    error_message = "The variable partner_isa_id must have 1 to 15 characters."
  }
}

variable "partner_gs_id" {
  type        = string
  default     = "4405197800"
  description = "The partner's application code (GS02 of its groups, GS03 of ours); often the same as its interchange id."
}

variable "our_isa_qualifier" {
  type        = string
  default     = "01"
  description = "Our interchange id qualifier as this partner addresses us (ISA07 of its interchanges, ISA05 of ours)."
  validation {
    condition     = strlen(var.our_isa_qualifier) == 2
    error_message = "The variable our_isa_qualifier must be a two-character X12 qualifier, such as \"01\" or \"ZZ\"."
  }
}

variable "our_isa_id" {
  type        = string
  default     = "999999999"
  description = "Our interchange id as this partner addresses us (ISA08 of its interchanges, ISA06 of ours)."
  validation {
    condition     = strlen(var.our_isa_id) > 0 && strlen(var.our_isa_id) <= 15
    error_message = "The variable our_isa_id must have 1 to 15 characters."
  }
}

variable "our_gs_id" {
  type        = string
  default     = "999999999"
  description = "Our application code (GS03 of the partner's groups, GS02 of ours)."
}

variable "partner_version" {
  type        = string
  default     = "004010VICS"
  description = "The X12 version (GS08) of the documents we start: 856s and 810s. Replies to an 850 (997, 855) are written in the 850's own version."
}

variable "partner_usage" {
  type        = string
  default     = "P"
  description = "ISA15 of the documents we start (856, 810): P production, T test while the partner certifies us. Replies to a test 850 are test interchanges whatever this says."
  validation {
    condition     = contains(["P", "T"], var.partner_usage)
    error_message = "The variable partner_usage must be \"P\" or \"T\"."
  }
}

variable "partner_item_qualifier" {
  type        = string
  default     = "CB"
  description = "The product/service id qualifier under which the partner sends its own item number on every PO1 (CB buyer's catalog number, BP buyer's part number, IN buyer's item number): tables/partner_items.csv is keyed by it."
  validation {
    condition     = strlen(var.partner_item_qualifier) == 2
    error_message = "The variable partner_item_qualifier must be a two-character X12 qualifier, such as \"CB\" or \"BP\"."
  }
}

# --- Where things go ----------------------------------------------------------

variable "inbound_dir" {
  type        = string
  default     = "inbox/850"
  description = "The drop folder of the partner's interchanges, relative to the flows folder (or absolute): where the AS2 gateway or the SFTP poller writes what the partner sends. Writers must write name.tmp and rename it when complete."
}

variable "shipments_dir" {
  type        = string
  default     = "inbox/856"
  description = "The drop folder of canonical shipments (JSON, commerce.Shipment) of this partner's orders, from the ERP or the WMS: each becomes an 856."
}

variable "invoices_dir" {
  type        = string
  default     = "inbox/810"
  description = "The drop folder of canonical invoices (JSON, commerce.Invoice) of this partner's orders, from the ERP: each becomes an 810."
}

variable "partner_outbox" {
  type        = string
  default     = "outbox/xyz_retail"
  description = "Where the interchanges for the partner are written, relative to the data directory: the folder the AS2 gateway sends from. One file per interchange, named after the partner's id and ISA13."
}

variable "partner_url" {
  type        = string
  default     = ""
  description = "When set, interchanges are POSTed to this URL (a VAN's or gateway's API) instead of written to partner_outbox."
}

variable "erp_url" {
  type        = string
  default     = ""
  description = "When set, each canonical order is POSTed to this URL as JSON (an ERP's order import, an iPaaS) with an Idempotency-Key header; when empty, it is written to outbox/orders under the data directory."
}

variable "erp_customer" {
  type        = string
  default     = "C-10442"
  description = "This partner's customer account in the ERP, put in each order's references (erp_customer) so that the ERP books it to the right account."
}

# --- What the x12 module needs ------------------------------------------------
# The embedded x12 module reads these four variables (see its README): the
# trading partner agreement's defaults for what an 850 may leave out, and
# how we write dates and item ids in the documents we send.

variable "x12_default_currency" {
  type        = string
  default     = "USD"
  description = "The currency of an 850 without a CUR segment: the agreement's (XYZ Retail trades in USD and sends no CUR)."
}

variable "x12_default_country" {
  type        = string
  default     = "US"
  description = "The country of an N4 without N404, by the agreement (XYZ Retail ships to US locations only and leaves N404 out)."
}

variable "x12_timezone" {
  type        = string
  default     = "UTC"
  description = "The IANA zone of the dates and times in the documents we send (ISA/GS, BAK, BSN, BIG, DTM): X12 dates carry no zone, the agreement says which. UTC here on purpose: ERPs give invoice and PO dates as calendar dates (midnight UTC), which a zone west of UTC would write as the day before (see README.md)."
}

variable "x12_item_qualifier" {
  type        = string
  default     = "VN"
  description = "The qualifier under which the x12 module writes our SKU in an 856 or 810 when it does not have the order; the flows then replace it with the partner's own ids from tables/partner_items.csv."
}

# --- Reference tables -----------------------------------------------------------
# All three reload on save: fix a row, then replay the dead letter.

# The partner's item numbers and ours. The 850 names items by the
# partner's number (under partner_item_qualifier); the ERP knows our SKU.
# vendor_item is the number the partner has on file for our item (VN in
# its 850s), sent back with its own number in 856s and 810s.
table "partner_items" {
  file = "tables/partner_items.csv"
  key  = "buyer_part"
}

# The same crosswalk read the other way, for the 856 and 810: the ERP's
# shipments and invoices name our SKU, the partner wants its own number.
table "partner_items_by_sku" {
  file = "tables/partner_items.csv"
  key  = "sku"
}

# The partner's ship-to locations (N104 of N1*ST, its store or DC number)
# that we deliver to, with the ERP's ship-to code. A PO to a location that
# is not here is held (UNKNOWN_SHIP_TO): a new DC needs a freight lane and
# an ERP ship-to before we can book orders for it.
table "partner_ship_tos" {
  file = "tables/partner_ship_tos.csv"
  key  = "ship_to"
}

# Our item master: the base unit of each SKU and how many of it one
# ordered unit holds, for lines whose 850 has no PO4 pack.
table "items" {
  file = "tables/items.csv"
  key  = "sku"
}

# --- Sinks ------------------------------------------------------------------------

# The partner: one interchange per document (997, 855, 856, 810). Control
# numbers (ISA13, GS06, ST02) come from durable sequences in the engine's
# store, one per (our id, partner id) pair, assigned per delivery: a retry
# or a replay of a document repeats its numbers, a new document never gets
# a used one, even after a crash. Replies to an 850 go to whoever sent it;
# these settings address the 856s and 810s.
sink "x12" "partner" {
  dir                = var.partner_outbox
  url                = var.partner_url
  sender_qualifier   = var.our_isa_qualifier
  sender_id          = var.our_isa_id
  sender_code        = var.our_gs_id
  receiver_qualifier = var.partner_isa_qualifier
  receiver_id        = var.partner_isa_id
  receiver_code      = var.partner_gs_id
  version            = var.partner_version
  usage              = var.partner_usage
  timezone           = var.x12_timezone
}

# Canonical orders for the ERP, when erp_url is set. The idempotency key
# (the order's business key) is the same on every retry, so the ERP can
# drop a second copy of an order it already has; an ERP that cannot needs
# idempotency = "none" (or "upsert" / "find", see docs/connectors.md).
sink "http" "erp" {
  url         = var.erp_url
  idempotency = "header"
}

# Canonical orders as files (one per order, named by its business key),
# while erp_url is empty: for a first look, or for an ERP that imports
# files.
sink "file" "orders" {
  dir = "outbox/orders"
}
