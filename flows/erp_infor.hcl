# The Infor settings of the default flows: what erp_orders sends when the
# variable erp is "infor", and the variables infor.sales_order reads.
#
# The document is the SyncSalesOrder BOD (stdlib/mappings/modules/infor),
# sent to ION (Infor OS) through the ION API gateway as XML.
#
# ION API credentials: create an authorized app of type "Backend Service"
# in ION API (API Gateway > Authorized Apps) and download its .ionapi
# file. Its values go here:
#   ti (tenant)                    → variable infor_tenant_id
#   iu (ION API URL) + "/" + ti    → the start of erp_url (see below)
#   pu (SSO provider URL) + ot     → INFOR_ION_TOKEN_URL (token endpoint)
#   ci (client id)                 → INFOR_ION_CLIENT_ID
#   cs (client secret)             → INFOR_ION_CLIENT_SECRET
# Current Infor OS releases issue Backend Service tokens with the
# client-credentials grant (https://docs.infor.com/inforos/latest/en-us/
# useradminlib_cloud/apigatewayag_cloud/xih1761727483761.html), which is
# what auth "oauth2" does. Older tenants use the resource-owner password
# grant with the service account's keys saak/sask: add
#   params = { grant_type = "password", username = env("INFOR_ION_SAAK"), password = env("INFOR_ION_SASK") }
# (auth "oauth2" sends ci/cs as HTTP Basic credentials; client_auth =
# "post" sends them as form fields, for a token endpoint that wants that).
#
# In ION Desk, create an "IMS via ION API" connection point with the
# client id above and SalesOrder (Sync, sent by the application) on its
# documents tab, set infor_logical_id to the logical id ION gives it, and
# draw a document flow from it to the ERP
# (https://developer.infor.com/tutorials/enterprise-integration/api-interface-m3/).
#
# Idempotency: the BOD is its own upsert. It is a Sync with actionCode
# Replace keyed by SalesOrderHeader/DocumentID/ID = "<channel>:<order id>",
# so a repeated delivery replaces the order with the same content, and its
# BODID is the same for the same content (see the module's comment). ION
# itself does not deduplicate (it only lets a receiver recognise a
# source message id: https://docs.infor.com/ion/2022.x/en-us/ioncedg_cloud_osm/cyj1654168822304.html),
# so idempotency is "upsert": a delivery in doubt is sent again, never
# dead-lettered as IN_DOUBT, and no Idempotency-Key header is sent (ION
# ignores it).
#
# Transport: ION's Messaging Service (IMS v3) takes a message as a
# multipart/form-data body whose part "MessagePayload" is the BOD, with
# the message parameters (fromLogicalId, documentName, messageId…) in the
# ParameterRequest part (v3/multipartMessage) or in headers and query
# parameters (v3/message/multipart). The http sink sends the document as
# the whole body, so erp_url must point at a receiver that takes the BOD
# as an application/xml body and hands it to ION (an ION API suite or
# gateway in front of IMS, an Enterprise Connector endpoint), until the
# sink can wrap the body as a multipart part.
#
# Element order: OAGIS BODs are XSD sequences. infor.SalesOrderBOD
# declares its fields in the XSD order, and the sink writes a typed
# document's elements in its type's field order (Sender before
# CreationDateTime before BODID, Sync before SalesOrder), so a receiver
# that validates the BOD against the XSD takes it.

variable "infor_logical_id" {
  type        = string
  default     = "lid://infor.ims.transload"
  description = "ApplicationArea/Sender/LogicalID of the BODs: the logical id of Transload's IMS connection point in ION Desk (lid://infor.ims.<name>)."
}

variable "infor_component_id" {
  type        = string
  default     = "Transload"
  description = "ApplicationArea/Sender/ComponentID: the sending component's name, shown in ION's monitors."
}

variable "infor_tenant_id" {
  type        = string
  default     = ""
  description = "DataArea/Sync/TenantID: the Infor OS tenant (ti in the .ionapi file). Empty: left out."
}

variable "infor_accounting_entity" {
  type        = string
  default     = ""
  description = "DataArea/Sync/AccountingEntityID (and the accountingEntity of DocumentID/ID): the ERP company/division the orders are booked in (LN company, M3 company_division, CSI site), which ION routes by. Empty: left out."
}

variable "infor_location_id" {
  type        = string
  default     = ""
  description = "DataArea/Sync/LocationID: the location (warehouse or site) ION routes by, where the receiving ERP needs one. Empty: left out."
}

variable "infor_customer_id" {
  type        = string
  default     = ""
  description = "SalesOrderHeader/CustomerParty/PartyIDs/ID: the Infor customer number the channel orders are booked to. Required when erp is infor: an order is an INVALID_SETTING dead letter until it is set."
}

sink "http" "infor" {
  url    = var.erp_url
  method = "POST"
  format = "xml"

  # See the comment above: the BOD is a Replace keyed by its DocumentID.
  idempotency = "upsert"

  auth "oauth2" {
    token_url     = env("INFOR_ION_TOKEN_URL")
    client_id     = env("INFOR_ION_CLIENT_ID")
    client_secret = env("INFOR_ION_CLIENT_SECRET")
  }

  # The structured document is encoded as XML the way OAGIS writes
  # amounts and quantities: <X currencyID="USD">, <X unitCode="EA">. The
  # document carries its namespace itself ("@xmlns" on the root).
  xml_money = "currencyID"
  xml_unit  = "unitCode"
}
