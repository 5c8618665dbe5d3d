# Oracle Fusion Cloud settings of the default flows (erp = "oracle").
#
# Target: Order Management REST API 11.13.18.05, resource Sales Orders
# for Order Hub. Set erp_url to the REST root,
# https://<pod>.fa.<dc>.oraclecloud.com/fscmRestApi/resources/11.13.18.05;
# the sink appends /salesOrdersForOrderHub. What the document holds is
# described in stdlib/mappings/modules/oracle/sales_order.hcl.
#
# Idempotency and updates: Order Management keys an order on its source
# system and source id (SourceTransactionSystem + SourceTransactionId,
# here TRANSLOAD and "<channel>:<channel order id>"), and reads it as
# GET /salesOrdersForOrderHub/<system>:<id>. Every POST carries
# Upsert-Mode: true, so a POST of an order Oracle already has updates it
# (a revision of the order, in Order Management's words) instead of
# creating another: an update of the channel order, a cancellation (its
# lines at quantity 0) or a repeated delivery all land on the same order.
# Before a delivery interrupted mid-call is repeated, the sink reads that
# URL: 200 is the order (the delivery is done), 404 lets it post again.

variable "oracle_source_system" {
  type        = string
  default     = "TRANSLOAD"
  description = "The source system of the orders (SourceTransactionSystem), as set up in Order Management (Manage Upstream and Fulfillment Source Systems)."
}

variable "oracle_business_unit" {
  type        = string
  default     = "Vision Operations"
  description = "The selling business unit (BusinessUnitName). The default is the business unit of Oracle's documented examples: set yours."
}

variable "oracle_buying_party_number" {
  type        = string
  default     = "1006"
  description = "The customer's party number (BuyingPartyNumber) of the orders, unless oracle_buying_party_numbers names one for the order's channel. The default is the customer of Oracle's documented examples: set yours."
}

variable "oracle_buying_party_numbers" {
  type        = map(string)
  default     = {}
  description = "A buying party per channel (channel = party number), for a customer per marketplace: { amazon = \"10060\" }. Channels not listed use oracle_buying_party_number."
}

variable "oracle_order_type" {
  type        = string
  default     = ""
  description = "The order type (TransactionTypeCode, e.g. STD); empty: Order Management's default."
}

variable "oracle_freight_item" {
  type        = string
  default     = "FREIGHT"
  description = "The item number of the freight line that carries the order's shipping charges: a non-shippable, non-stocked item."
}

variable "oracle_cancel_reason" {
  type        = string
  default     = ""
  description = "The cancel reason code (lookup DOO_RETURN_REASON) of lines the channel cancelled; empty: none is sent."
}

sink "http" "oracle" {
  url    = var.erp_url
  method = "POST"
  path   = "'/salesOrdersForOrderHub'"

  headers = {
    "Upsert-Mode" = "'true'"
  }

  idempotency = "find"
  find_url    = "'/salesOrdersForOrderHub/' + oracle.path_segment(erp_document.SourceTransactionSystem + ':' + erp_document.SourceTransactionId)"

  # An integration user with the Order Management roles; Oracle Fusion
  # REST accepts basic authentication (or OAuth through the identity
  # domain: auth "oauth2").
  auth "basic" {
    username = env("ORACLE_USERNAME")
    password = env("ORACLE_PASSWORD")
  }
}
