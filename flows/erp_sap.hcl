# SAP S/4HANA settings of the default flows (erp = "sap").
#
# Target: the Sales Order (A2X) OData v2 service API_SALES_ORDER_SRV
# (communication scenario SAP_COM_0109 in S/4HANA Cloud). Set erp_url to
# the service root, https://<host>/sap/opu/odata/sap/API_SALES_ORDER_SRV;
# the sink appends /A_SalesOrder. What the document holds is described in
# stdlib/mappings/modules/sap/sales_order.hcl.
#
# Idempotency: API_SALES_ORDER_SRV has no external-key upsert and no
# idempotency key, so delivery is read-before-create: before a delivery
# interrupted mid-call is repeated, the sink queries
#   A_SalesOrder?$filter=PurchaseOrderByCustomer eq '<channel order id>'
#                 and SoldToParty eq '<sold-to>'&$select=SalesOrder&$top=1
# and an answer {"d": {"results": []}} (nothing there) lets it post again;
# a sales order found is the delivery. (SAP Gateway's own repeatable
# requests, the RequestID / RepeatabilityCreation headers, need the
# Gateway idempotency framework enabled for the service and a GUID per
# request: not assumed here.)
#
# Updates: an order changed after SAP got it (a cancellation above all) is
# not sent again. A_SalesOrder cannot be posted twice and is changed only
# by its SAP number: a cancellation is PATCH
# A_SalesOrderItem(SalesOrder='…',SalesOrderItem='…') with
# {"SalesDocumentRjcnReason": "<sap_rejection_reason>"} for every item
# (one request per item, or one $batch changeset), and this sink neither
# knows the SAP number (the ledger keeps it, from the 201's Location, but
# does not hand it to the next delivery) nor sends more than one request.
# So the update becomes a business dead letter SAP_ORDER_CHANGED whose
# erp_document shows every item with its rejection reason, for a person
# to apply in SAP (VA02) — never a second sales order.
#
# CSRF: SAP Gateway wants an x-csrf-token (fetched with a GET, sent back
# with its session cookies) on every POST: csrf = true.

variable "sap_sales_order_type" {
  type        = string
  default     = "OR"
  description = "SAP sales document type of the orders (SalesOrderType, AUART): OR is the standard order."
}

variable "sap_sales_organization" {
  type        = string
  default     = "1710"
  description = "SAP sales organization (SalesOrganization). The default, 1710, is the US sales organization of SAP's S/4HANA sample data: set yours."
}

variable "sap_distribution_channel" {
  type        = string
  default     = "10"
  description = "SAP distribution channel (DistributionChannel)."
}

variable "sap_division" {
  type        = string
  default     = "00"
  description = "SAP division (OrganizationDivision)."
}

variable "sap_sold_to_party" {
  type        = string
  default     = "17100001"
  description = "The SAP sold-to customer of the orders (SoldToParty), unless sap_sold_to_parties names one for the order's channel. The default, 17100001, is a sample customer of sales organization 1710: set yours."
}

variable "sap_sold_to_parties" {
  type        = map(string)
  default     = {}
  description = "A sold-to customer per channel (channel = customer number), for a customer account per marketplace: { amazon = \"17100005\", shopify = \"17100006\" }. Channels not listed use sap_sold_to_party."
}

variable "sap_price_condition" {
  type        = string
  default     = "PPR0"
  description = "The pricing condition type that carries the channel's price on every item (manual entry must be allowed for it in the pricing procedure)."
}

variable "sap_discount_condition" {
  type        = string
  default     = "RB00"
  description = "The pricing condition type of an item's discounts, sent as a fixed (absolute) negative amount: RB00 is the standard absolute discount."
}

variable "sap_freight_condition" {
  type        = string
  default     = "HD00"
  description = "The header pricing condition type of the order's freight (shipping less shipping discounts), a fixed amount: HD00 is the standard freight condition."
}

variable "sap_rejection_reason" {
  type        = string
  default     = "10"
  description = "The reason for rejection (SalesDocumentRjcnReason) of items the channel cancelled: set a reason your SAP system defines for customer cancellations."
}

variable "sap_reference_text_id" {
  type        = string
  default     = "Z001"
  description = "The text ID (LongTextID) of the Transload reference texts: on the order header, channel, order id and correlation id; on each item, the channel's line id and SKU. Define it in the text determination of sales documents, and copy it to outbound deliveries and billing documents so that sap.shipment and sap.invoice can trace them back to the channel."
}

variable "sap_text_language" {
  type        = string
  default     = "EN"
  description = "The language key of the texts Transload writes (Language)."
}

variable "sap_time_zone" {
  type        = string
  default     = "UTC"
  description = "The IANA time zone whose calendar dates SAP date fields get (CustomerPurchaseOrderDate is the day the order was placed there)."
}

sink "http" "sap" {
  url    = var.erp_url
  method = "POST"
  csrf   = true

  # A new order is created; an order SAP already has cannot be changed
  # through this endpoint (see the top of this file).
  path = <<-CEL
    order.update
      ? require('', false, 'SAP_ORDER_CHANGED',
          'order ' + canonical.channel + ':' + canonical.id + ' changed after SAP got it'
          + (order.refs.?sap.orValue('') != '' ? ' as sales order ' + order.refs.sap : '') + ' (status ' + canonical.status
          + '); API_SALES_ORDER_SRV changes a sales order only by its SAP number: apply erp_document in SAP (VA02), '
          + 'rejecting items with reason ' + vars.sap_rejection_reason + ' where it says so, then discard this dead letter')
      : '/A_SalesOrder'
  CEL

  idempotency     = "find"
  find_collection = true
  find_url        = "'/A_SalesOrder?$select=SalesOrder&$top=1&$filter=' + sap.odata_eq(['PurchaseOrderByCustomer', erp_document.PurchaseOrderByCustomer]) + '%20and%20' + sap.odata_eq(['SoldToParty', erp_document.SoldToParty])"

  # The created order's number, which VA02 asks for: a later version's
  # dead letter names it.
  ref_paths = ["d.SalesOrder"]

  # A communication user of the communication arrangement (S/4HANA Cloud)
  # or a technical user (on premise).
  auth "basic" {
    username = env("SAP_USERNAME")
    password = env("SAP_PASSWORD")
  }
}
