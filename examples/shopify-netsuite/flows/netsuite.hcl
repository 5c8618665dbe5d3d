# NetSuite: where sales orders go, how we sign in, and the settings the
# shipped netsuite module reads (vars.netsuite_*).
#
# The account needs these custom fields (Customization > Lists, Records &
# Fields), or NetSuite refuses the order and names the missing one:
#   custbody_tl_channel, custbody_tl_order_id   Transaction Body Fields,
#       Free-Form Text, Store Value, applied to Sale (and to Item
#       Fulfillment and Invoice, so they are copied there).
#   custbody_tl_tax_total (Currency), custbody_tl_tax_detail (Long Text)
#       Transaction Body Fields applied to Sale: Shopify's tax, to compare
#       with the tax NetSuite computes.
#   custcol_tl_channel_line_id   Transaction Line Field, Free-Form Text,
#       Store Value, applied to Sale: Shopify's line item id.

variable "netsuite_url" {
  type        = string
  default     = ""
  description = "The REST record service of the account, https://<account>.suitetalk.api.netsuite.com/services/rest/record/v1 (account id in lower case, _ as -: 1234567-sb1 for 1234567_SB1). Empty: sales orders are written to the outbox instead of being sent."
}

variable "netsuite_account" {
  type        = string
  default     = ""
  description = "The account id (1234567, or 1234567_SB1 for a sandbox): the realm of token-based authentication."
  validation {
    condition     = var.netsuite_url == "" || var.netsuite_account != ""
    error_message = "netsuite_url is set but netsuite_account is empty: token-based authentication needs the account id (Setup > Company > Company Information)."
  }
}

variable "netsuite_customer_id" {
  type        = string
  default     = ""
  description = "The internal id of the customer the Shopify orders are booked to (one customer for the web shop). Required when netsuite_url is set."
  validation {
    condition     = var.netsuite_url == "" || var.netsuite_customer_id != "" || length(var.netsuite_channel_customers) > 0
    error_message = "netsuite_url is set but no customer is: set netsuite_customer_id to the internal id of the customer the Shopify orders are booked to."
  }
}

variable "netsuite_channel_customers" {
  type        = map(string)
  default     = {}
  description = "A customer per channel, e.g. {shopify = \"2302\"}; a channel not listed uses netsuite_customer_id."
}

variable "netsuite_timezone" {
  type        = string
  default     = "UTC"
  description = "The account's time zone (Setup > Company > Company Information): an order placed at 23:30 in New York is booked on that day, not the next."
}

variable "netsuite_currencies" {
  type        = map(string)
  default     = {}
  description = "ISO code to NetSuite currency internal id, e.g. {USD = \"1\"}. Empty: the customer's currency applies (it must be the shop's). Set: an order in a currency not listed is an UNKNOWN_CURRENCY dead letter."
}

variable "netsuite_subsidiary" {
  type        = string
  default     = ""
  description = "The subsidiary's internal id (OneWorld); empty: the customer's."
}

variable "netsuite_location" {
  type        = string
  default     = ""
  description = "The warehouse (location internal id) the orders ship from; empty: none is sent."
}

variable "netsuite_department" {
  type        = string
  default     = ""
  description = "The department's internal id; empty: none is sent."
}

variable "netsuite_class" {
  type        = string
  default     = ""
  description = "The class's internal id; empty: none is sent."
}

variable "netsuite_ship_method" {
  type        = string
  default     = ""
  description = "The shipping item's internal id; empty: the customer's default. Shopify's freight is always sent as shippingCost."
}

variable "netsuite_custom_form" {
  type        = string
  default     = ""
  description = "The sales order form's internal id; empty: the role's preferred form."
}

variable "netsuite_order_status" {
  type        = string
  default     = ""
  description = "The status of new orders: A (Pending Approval), B (Pending Fulfillment), or empty for the form's default."
  validation {
    condition     = contains(["", "A", "B"], var.netsuite_order_status)
    error_message = "The variable netsuite_order_status must be \"\", \"A\" or \"B\"."
  }
}

variable "netsuite_discount_item" {
  type        = string
  default     = ""
  description = "Empty: a discount code is spread over the lines to the cent and each line is sent at its net amount. A discount item's internal id: lines keep their own discounts and the code is the order's header discount."
}

variable "netsuite_line_id_field" {
  type        = string
  default     = "custcol_tl_channel_line_id"
  description = "The transaction line field (custcol_…) that carries Shopify's line item id."
}

variable "netsuite_price_level" {
  type        = string
  default     = "1"
  description = "The price level the module reads item prices from (1 is Base Price); not used by this flow, but the module reads it."
}

# The upsert: PUT …/salesOrder/eid:shopify-<order id>. NetSuite creates
# the order the first time and updates that same order afterwards, so a
# retry after a timeout, a replay or an orders/updated never makes a
# second order. NetSuite answers 204 with the record's Location, which the
# delivery ledger keeps.
sink "http" "netsuite" {
  url         = var.netsuite_url
  method      = "PUT"
  path        = "'/salesOrder/eid:' + netsuite.external_id({'channel': canonical.channel, 'id': canonical.id})"
  idempotency = "upsert"
  timeout     = "60s"

  # Refuse a field the account does not have instead of dropping it: an
  # order without its Shopify reference could not be traced back.
  headers = {
    "X-NetSuite-PropertyNameValidation"  = "'Error'"
    "X-NetSuite-PropertyValueValidation" = "'Error'"
  }

  # Token-based authentication (OAuth 1.0a, HMAC-SHA256): an integration
  # record (Setup > Integration > Manage Integrations, TBA checked) gives
  # the consumer key and secret; an access token for the integration's
  # user and role gives the token id and secret. Keep them in the
  # environment, never in this file. While one is unset, nothing is sent
  # and the orders wait.
  auth "netsuite" {
    account         = var.netsuite_account
    consumer_key    = env("NETSUITE_CONSUMER_KEY")
    consumer_secret = env("NETSUITE_CONSUMER_SECRET")
    token_id        = env("NETSUITE_TOKEN_ID")
    token_secret    = env("NETSUITE_TOKEN_SECRET")
  }

  # NetSuite limits the requests in flight per account (5 on the standard
  # service tier, more on higher tiers and with SuiteCloud Plus) and
  # answers 429 beyond it; other integrations share that limit, so stay
  # below it.
  concurrency = 3

  # A 429 or a 5xx (NetSuite's maintenance windows, a timeout) is retried,
  # never before the Retry-After NetSuite asked for; after a day the order
  # is a dead letter MAX_AGE_EXCEEDED for someone to look at.
  retry {
    max_attempts = 12
    max_age      = "24h"
    backoff      = "1s"
    max_backoff  = "10m"
  }

  # Five failures in a row: stop calling for a minute instead of hammering
  # an account that is down.
  breaker {
    failures  = 5
    cool_down = "1m"
  }
}
