# Dynamics 365 Finance and Operations settings of the default flows
# (erp = "d365").
#
# erp_url is the environment's root, https://<environment>.operations.dynamics.com;
# orders go to its OData service, /data/SalesOrderHeadersV2. The app
# registration (Microsoft Entra ID) must be registered in F&O (System
# administration > Setup > Microsoft Entra applications) with a user whose
# roles may create sales orders; its credentials come from D365_CLIENT_ID
# and D365_CLIENT_SECRET.
#
# The document is the header with its lines in the SalesOrderLines
# navigation property. F&O's OData service takes no deep insert, so the
# sink sends header and lines as one $batch changeset (format =
# "odata_batch": POST /data/$batch, multipart/mixed, with POST
# SalesOrderHeadersV2 then POST $1/SalesOrderLines per line, $1 being
# OData 4.0's reference to the header the changeset created), which F&O
# applies all or nothing: an order is never left without its lines.
#
# Idempotency: F&O has no idempotency key, so the sink reads before it
# creates again ("find"): SalesOrderHeadersV2 filtered on dataAreaId and
# CustomersOrderReference = "<channel>:<id>"; an empty collection means
# the order was not created.
#
# Updates and cancellations: a changed order F&O already has (order.update,
# cancellations among them) would need PATCH SalesOrderHeadersV2(dataAreaId=
# '…',SalesOrderNumber='…') and PATCH SalesOrderLines(dataAreaId='…',
# InventoryLotId='…') per line (a cancelled line: quantity 0), one request
# each, where the sink sends one. It must not POST again (a second order):
# such a delivery stops with a dead letter UPDATE_NOT_SUPPORTED for a
# person, naming the sales order number the first delivery got
# (order.refs).

variable "d365_company" {
  type        = string
  default     = "usmf"
  description = "The legal entity (dataAreaId) orders are created in (usmf is the Contoso demo company: set yours)."
}

variable "d365_tenant_id" {
  type        = string
  default     = "common"
  description = "The Microsoft Entra tenant id of the F&O environment, for the OAuth token URL."
}

variable "d365_customer_account" {
  type        = string
  default     = ""
  description = "The customer account orders are sold to when d365_customer_accounts has no entry for their channel."
}

variable "d365_customer_accounts" {
  type        = map(string)
  default     = {}
  description = "The customer account per channel: { shopify = \"US-027\", amazon = \"US-030\" }."
}

variable "d365_time_zone" {
  type        = string
  default     = "UTC"
  description = "The IANA time zone of the legal entity: ship_by or placed_at becomes RequestedShippingDate in it."
}

variable "d365_units" {
  type = map(string)
  default = {
    EA  = "ea"
    C62 = "ea"
    H87 = "ea"
    BX  = "box"
    PK  = "pack"
    KGM = "kg"
    LBR = "lb"
  }
  description = "F&O unit symbols by UN/ECE Rec 20 code (the canonical units, and the uom column of tables/erp_items.csv). A unit not listed is sent as its Rec 20 code, which must then exist as a unit symbol. Read back, a symbol maps to the first Rec 20 code that lists it."
}

variable "d365_price_decimals" {
  type        = number
  default     = 6
  description = "The decimals F&O keeps in unit prices and per-unit discounts (SalesPrice, LineDiscountAmount)."
}

variable "d365_country_regions" {
  type        = map(string)
  default     = {}
  description = "F&O country/region ids by ISO 3166-1 alpha-2 code, for a company whose ids are not the ISO alpha-3 codes: { GB = \"UK\" }."
}

variable "d365_currency" {
  type        = string
  default     = "USD"
  description = "The legal entity's accounting currency: the currency of released products' sales prices read back."
}

variable "d365_freight_item" {
  type        = string
  default     = ""
  description = "The non-stocked (service) item freight is sold as, one line per order. An order with freight and no freight item is dead-lettered INVALID_SETTING."
}

variable "d365_tax_item" {
  type        = string
  default     = ""
  description = "When set, the tax the channel charged goes on the order as lines of this non-stocked item (its item sales tax group exempt), one per jurisdiction, and F&O must not add its own. Empty: F&O computes sales tax."
}

sink "http" "d365" {
  url    = var.erp_url
  method = "POST"
  path   = <<-CEL
    order.update
      ? require('', false, 'UPDATE_NOT_SUPPORTED',
          'order ' + d365.reference(canonical) + ' changed after its first delivery, and Dynamics 365 '
            + (order.refs.?d365.orValue('') != '' ? 'has it as sales order ' + order.refs.d365 : 'may have it (CustomersOrderReference)')
            + ': one request cannot change the lines of an order, and the sink must not POST a second one; '
            + 'change or cancel it in Dynamics 365, or, if it is not there, replay the first version')
      : '/data/SalesOrderHeadersV2'
  CEL
  headers = {
    "OData-Version"    = "'4.0'"
    "OData-MaxVersion" = "'4.0'"
  }
  timeout     = "60s"
  idempotency = "find"
  # Header and lines in one changeset (see above); path names the entity
  # set, and the batch goes to /data/$batch beside it.
  format           = "odata_batch"
  batch_navigation = ["SalesOrderLines"]
  # The created header answers with its SalesOrderNumber: the ref a later
  # version's dead letter names.
  ref_paths = ["SalesOrderNumber"]
  # GET SalesOrderHeadersV2?$filter=dataAreaId eq '…' and
  # CustomersOrderReference eq '<channel>:<id>'&cross-company=true
  # answers {"value": [...]}: empty when the order does not exist.
  find_url        = "'/data/SalesOrderHeadersV2?' + d365.find_filter(canonical)"
  find_collection = true

  auth "oauth2" {
    token_url     = "https://login.microsoftonline.com/${var.d365_tenant_id}/oauth2/v2.0/token"
    client_id     = env("D365_CLIENT_ID")
    client_secret = env("D365_CLIENT_SECRET")
    client_auth   = "post"
    scopes        = ["${var.erp_url}/.default"]
  }
}
