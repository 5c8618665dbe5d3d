# Business Central settings of the default flows (erp = "business_central").
#
# erp_url is the API v2.0 root of the environment:
#   https://api.businesscentral.dynamics.com/v2.0/<tenant id>/<environment>/api/v2.0
# Orders are POSTed to companies(<bc_company_id>)/salesOrders with their
# lines (deep insert), as business_central.sales_order builds them. The
# app registration (Microsoft Entra ID) needs the API.ReadWrite.All
# permission of Dynamics 365 Business Central; its credentials come from
# BC_CLIENT_ID and BC_CLIENT_SECRET.
#
# Idempotency: Business Central has no idempotency key and no upsert by an
# external key, so the sink reads before it creates again ("find"): after
# an interrupted delivery it asks for salesOrders whose
# externalDocumentNumber is the order's "<channel>:<id>"; an empty
# collection means the order was not created.
#
# Updates and cancellations: the first delivery creates the order. A
# changed order the ERP already has (order.update, a cancellation among
# them) would need PATCH salesOrders(<id>) with If-Match: * and a PATCH,
# POST or DELETE per line (PATCH cannot update the salesOrderLines
# collection), or a DELETE of an order not yet shipped. The http sink
# sends one request with a fixed method, so it must not POST again (that
# would create a second order): such a delivery stops with a dead letter
# UPDATE_NOT_SUPPORTED that names the order, and the Business Central id
# its first delivery got (order.refs), for a person to change it there.

variable "bc_company_id" {
  type        = string
  default     = ""
  description = "The id (a GUID) of the Business Central company the orders go to: GET companies lists them."
}

variable "bc_tenant_id" {
  type        = string
  default     = "common"
  description = "The Microsoft Entra tenant id of the Business Central environment, for the OAuth token URL."
}

variable "bc_customer_number" {
  type        = string
  default     = ""
  description = "The customer number orders are sold to when bc_customer_numbers has no entry for their channel (a marketplace or web-shop customer)."
}

variable "bc_customer_numbers" {
  type        = map(string)
  default     = {}
  description = "The customer number per channel: { shopify = \"C00010\", amazon = \"C00020\" }."
}

variable "bc_local_currency" {
  type        = string
  default     = "USD"
  description = "The company's local currency (General Ledger Setup, LCY Code): orders in it are sent with an empty currencyCode, as Business Central requires, and item prices read back are in it."
}

variable "bc_time_zone" {
  type        = string
  default     = "UTC"
  description = "The IANA time zone of the company's dates: placed_at and ship_by become orderDate and shipmentDate in it."
}

variable "bc_units" {
  type = map(string)
  default = {
    EA  = "PCS"
    C62 = "PCS"
    H87 = "PCS"
    BX  = "BOX"
    PK  = "PACK"
    KGM = "KG"
    HUR = "HOUR"
    DAY = "DAY"
  }
  description = "Business Central unit of measure codes by UN/ECE Rec 20 code (the canonical units, and the uom column of tables/erp_items.csv). A unit not listed is sent as its Rec 20 code, which must then exist in Business Central. Read back, a Business Central code maps to the first Rec 20 code that lists it."
}

variable "bc_unit_price_decimals" {
  type        = number
  default     = 5
  description = "The decimals of unit prices (General Ledger Setup, Unit-Amount Decimal Places: 2:5 by default)."
}

variable "bc_freight_account" {
  type        = string
  default     = ""
  description = "The G/L account freight is charged to (an Account line), unless bc_freight_charge is set. An order with freight and neither set is dead-lettered INVALID_SETTING."
}

variable "bc_freight_charge" {
  type        = string
  default     = ""
  description = "The item charge freight is charged as (a Charge line, to be assigned to the items before posting); wins over bc_freight_account."
}

variable "bc_tax_account" {
  type        = string
  default     = ""
  description = "When set, the tax the channel charged goes on the order as Account lines to this G/L account, one per jurisdiction, and Business Central must not add its own (a non-taxable tax area for these customers). Empty: Business Central computes the tax."
}

sink "http" "business_central" {
  url         = var.erp_url
  method      = "POST"
  path        = <<-CEL
    order.update
      ? require('', false, 'UPDATE_NOT_SUPPORTED',
          'order ' + business_central.reference(canonical) + ' changed after its first delivery, and Business Central '
            + (order.refs.?business_central.orValue('') != '' ? 'has it as salesOrders(' + order.refs.business_central + ')' : 'may have it (externalDocumentNumber)')
            + ': one request cannot change the lines of an order, and the sink must not POST a second one; '
            + 'change or cancel it in Business Central, or, if it is not there, replay the first version')
      : '/companies(' + require(vars.bc_company_id, vars.bc_company_id != '', 'INVALID_SETTING', 'set bc_company_id (flows/erp_business_central.hcl)') + ')/salesOrders'
  CEL
  timeout     = "60s"
  idempotency = "find"
  # GET salesOrders?$filter=externalDocumentNumber eq '<channel>:<id>'
  # answers {"value": [...]}: empty when the order does not exist.
  find_url        = "'/companies(' + vars.bc_company_id + ')/salesOrders?' + business_central.find_filter(canonical)"
  find_collection = true

  auth "oauth2" {
    token_url     = "https://login.microsoftonline.com/${var.bc_tenant_id}/oauth2/v2.0/token"
    client_id     = env("BC_CLIENT_ID")
    client_secret = env("BC_CLIENT_SECRET")
    client_auth   = "post"
    scopes        = ["https://api.businesscentral.dynamics.com/.default"]
  }
}
