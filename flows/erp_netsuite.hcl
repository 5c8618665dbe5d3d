# NetSuite settings of the default flows: the variables the netsuite
# module reads (vars.netsuite_*) and the sink erp_orders delivers sales
# orders to when erp = "netsuite" and erp_url is set.
#
# erp_url is the REST record service of the account:
#   https://<account>.suitetalk.api.netsuite.com/services/rest/record/v1
# (account id in lower case, "_" as "-": 1234567-sb1 for 1234567_SB1).
#
# The account needs, for the references Transload writes and reads back
# (Customization > Lists, Records & Fields):
#   custbody_tl_channel, custbody_tl_order_id   Transaction Body Fields,
#       Free-Form Text, Store Value, applied to Sale, Item Fulfillment and
#       Invoice (NetSuite copies them from the order to its fulfillments
#       and invoices).
#   custbody_tl_tax_total (Currency), custbody_tl_tax_detail (Long Text)
#       Transaction Body Fields applied to Sale.
#   custcol_tl_channel_line_id (or the name in netsuite_line_id_field)
#       Transaction Line Field, Free-Form Text, Store Value, applied to
#       Sale, Item Fulfillment and Invoice.
# The sink asks NetSuite to refuse a field it does not know
# (X-NetSuite-PropertyNameValidation: Error) rather than drop it, so a
# missing custom field is a dead letter that names it, not an order that
# cannot be traced back.

variable "netsuite_customer_id" {
  type        = string
  default     = ""
  description = "The internal id of the NetSuite customer that takes the orders of channels not in netsuite_channel_customers. Required when orders go to NetSuite (erp = netsuite and erp_url set) unless every channel has its own."
  validation {
    condition     = var.erp != "netsuite" || var.erp_url == "" || var.netsuite_customer_id != "" || length(var.netsuite_channel_customers) > 0
    error_message = "Orders go to NetSuite (erp = \"netsuite\", erp_url is set) but no customer is configured: set netsuite_customer_id (the internal id of the customer the orders are booked to) or netsuite_channel_customers."
  }
}

variable "netsuite_channel_customers" {
  type        = map(string)
  default     = {}
  description = "The internal id of the NetSuite customer per channel, e.g. {amazon = \"2301\", shopify = \"2302\"}: one customer per marketplace. A channel not listed uses netsuite_customer_id."
}

variable "netsuite_timezone" {
  type        = string
  default     = "UTC"
  description = "The IANA time zone of the NetSuite account (Setup > Company > Company Information): the calendar day of an order's tranDate, and of the dates NetSuite sends back."
}

variable "netsuite_currencies" {
  type        = map(string)
  default     = {}
  description = "ISO 4217 code to NetSuite currency internal id, e.g. {USD = \"1\", CAD = \"3\"}. When set, every sales order names its currency and one in a currency not listed is an UNKNOWN_CURRENCY dead letter; when empty, the customer's currency applies (it must be the orders' currency). Also read to name the currency of item prices."
}

variable "netsuite_subsidiary" {
  type        = string
  default     = ""
  description = "The internal id of the subsidiary of every sales order (OneWorld); empty: the customer's."
}

variable "netsuite_location" {
  type        = string
  default     = ""
  description = "The internal id of the location (warehouse) of every sales order, and of the lines of the fulfillments Transload creates; empty: none is sent."
}

variable "netsuite_department" {
  type        = string
  default     = ""
  description = "The internal id of the department of every sales order; empty: none is sent."
}

variable "netsuite_class" {
  type        = string
  default     = ""
  description = "The internal id of the class of every sales order; empty: none is sent."
}

variable "netsuite_ship_method" {
  type        = string
  default     = ""
  description = "The internal id of the shipping item of every sales order; empty: the customer's default. The channel's freight is always sent as shippingCost, which overrides the item's rate."
}

variable "netsuite_custom_form" {
  type        = string
  default     = ""
  description = "The internal id of the sales order form; empty: the role's preferred form. Invoicing by transform needs a form that bills (Standard Sales Order - Invoice)."
}

variable "netsuite_order_status" {
  type        = string
  default     = ""
  description = "The status new sales orders get: A (Pending Approval), B (Pending Fulfillment), or empty for the form's default."
  validation {
    condition     = contains(["", "A", "B"], var.netsuite_order_status)
    error_message = "The variable netsuite_order_status must be \"\", \"A\" or \"B\"."
  }
}

variable "netsuite_discount_item" {
  type        = string
  default     = ""
  description = "Empty (the default): order-level discounts are allocated to the lines to the cent and every line is sent at its net amount. Set to the internal id of a discount item: lines keep only their own discounts and the order-level discount is the sales order's header discount (discountItem, discountRate)."
}

variable "netsuite_line_id_field" {
  type        = string
  default     = "custcol_tl_channel_line_id"
  description = "The transaction line custom field (custcol_…) that carries the channel's line id on sales order, fulfillment and invoice lines."
  validation {
    condition     = strlen(split("custcol", var.netsuite_line_id_field)[0]) == 0 && strlen(var.netsuite_line_id_field) > 7 && lower(var.netsuite_line_id_field) == var.netsuite_line_id_field
    error_message = "The variable netsuite_line_id_field must be the id of a transaction line field: custcol followed by lower-case letters, digits or _."
  }
}

variable "netsuite_price_level" {
  type        = string
  default     = "1"
  description = "The internal id of the price level netsuite.item reads an item's price from (1 is Base Price)."
}

# Sales orders: the upsert by external id (PUT …/salesOrder/eid:<channel>-<id>)
# creates the order once and updates it on every later version of it, so
# a retry, a replay or an update never makes a second order. NetSuite
# answers 204 No Content with the record's Location; it has no
# "Prefer: return=representation" (its Prefer is respond-async, which
# would give up the synchronous result the ledger records).
sink "http" "netsuite" {
  url         = var.erp_url
  method      = "PUT"
  path        = "'/salesOrder/eid:' + netsuite.external_id({'channel': canonical.channel, 'id': canonical.id})"
  idempotency = "upsert"
  timeout     = "60s"
  headers = {
    "X-NetSuite-PropertyNameValidation"  = "'Error'"
    "X-NetSuite-PropertyValueValidation" = "'Error'"
  }

  # Token-based authentication (OAuth 1.0a, HMAC-SHA256) of an
  # integration record and an access token.
  auth "netsuite" {
    account         = var.netsuite_account
    consumer_key    = env("NETSUITE_CONSUMER_KEY")
    consumer_secret = env("NETSUITE_CONSUMER_SECRET")
    token_id        = env("NETSUITE_TOKEN_ID")
    token_secret    = env("NETSUITE_TOKEN_SECRET")
  }
}

variable "netsuite_account" {
  type        = string
  default     = ""
  description = "The NetSuite account id (1234567, or 1234567_SB1 for a sandbox): the realm of token-based authentication."
}
