# Settings shared by the flows that answer the sales channels
# (channel_shipments, channel_inventory): one sink per channel API account,
# each with its URL in a variable that is empty by default. Like erp_url,
# nothing leaves until a URL is set: a channel whose URL is empty gets the
# requests it would be sent written to the outbox instead, one file each.
#
# Authentication, and what the http sink cannot do yet:
#   - Shopify: a custom app's Admin API access token, sent in the header
#     X-Shopify-Access-Token (not Authorization), read from the environment
#     variable SHOPIFY_ADMIN_TOKEN. The sink has no auth type for a secret
#     header, so the token travels as a header expression reading a local:
#     it is not redacted from quoted answers, and an empty token is not held
#     back (the flows check it before they route: INVALID_SETTING).
#   - Walmart: OAuth 2.0 client credentials at
#     https://marketplace.walmartapis.com/v3/token (Basic client id:secret,
#     and the token request itself needs WM_SVC.NAME and
#     WM_QOS.CORRELATION_ID), the token then sent as WM_SEC.ACCESS_TOKEN.
#     The sink's oauth2 sends the token only as "Authorization: Bearer" and
#     sends no headers with the token request, so it cannot sign in to
#     Walmart: until it can, point walmart_url at a gateway that adds the
#     token (the headers below are sent as Walmart wants them).
#   - Amazon SP-API: a Login with Amazon access token from the refresh-token
#     grant (https://api.amazon.com/auth/o2/token, grant_type refresh_token,
#     client id and secret as form fields), sent as x-amz-access-token. The
#     sink's oauth2 asks for client_credentials (its params could override
#     grant_type, but the refresh token would then be an unredacted param)
#     and sends the token as Authorization: Bearer, which SP-API refuses.
#     Until it can, point amazon_url (and amazon_vendor_url) at a gateway
#     that adds the token.
# enable when the transport lands (a token_header setting on oauth2 and a
# refresh_token grant; the names here are a proposal):
#   auth "oauth2" {
#     token_url     = "https://marketplace.walmartapis.com/v3/token"
#     client_id     = env("WALMART_CLIENT_ID")
#     client_secret = env("WALMART_CLIENT_SECRET")
#     token_header  = "WM_SEC.ACCESS_TOKEN"   # the token alone, no "Bearer "
#     token_request_headers = { "WM_SVC.NAME" = "Walmart Marketplace", "WM_QOS.CORRELATION_ID" = "transload" }
#   }
#   auth "oauth2" {
#     token_url     = "https://api.amazon.com/auth/o2/token"
#     grant_type    = "refresh_token"
#     refresh_token = env("AMAZON_LWA_REFRESH_TOKEN")
#     client_id     = env("AMAZON_LWA_CLIENT_ID")
#     client_secret = env("AMAZON_LWA_CLIENT_SECRET")
#     client_auth   = "post"
#     token_header  = "x-amz-access-token"
#   }

variable "shopify_admin_url" {
  type        = string
  default     = ""
  description = "The Shopify Admin GraphQL endpoint, https://{shop}.myshopify.com/admin/api/2026-10/graphql.json (2026-10 is the API version the shopify module's requests are written for). Empty: Shopify requests go to the outbox. The app's access token is read from the environment variable SHOPIFY_ADMIN_TOKEN."
}

variable "walmart_url" {
  type        = string
  default     = ""
  description = "Walmart Marketplace API base URL (https://marketplace.walmartapis.com, or a gateway that adds the access token: see channel_common.hcl). Empty: Walmart requests go to the outbox."
}

variable "amazon_url" {
  type        = string
  default     = ""
  description = "Selling Partner API endpoint of the seller account's region (https://sellingpartnerapi-na.amazon.com, -eu, -fe; or a gateway that adds the LWA token: see channel_common.hcl). Empty: Amazon requests go to the outbox."
}

variable "amazon_vendor_url" {
  type        = string
  default     = ""
  description = "Selling Partner API endpoint of the Vendor Central account (a vendor account has its own authorization). Empty: Amazon Vendor shipment confirmations go to the outbox."
}

variable "amazon_marketplace_id" {
  type        = string
  default     = "ATVPDKIKX0DER"
  description = "The marketplace of the seller account (ATVPDKIKX0DER is amazon.com): confirmShipment's marketplaceId when a shipment does not name one in references.marketplace_id, and the marketplace whose listings get inventory."
}

locals {
  # Read by the Shopify sinks' header: see the top of this file.
  shopify_admin_token = env("SHOPIFY_ADMIN_TOKEN")
}

# The Shopify ids of the SKUs whose stock Shopify gets: a variant's
# inventory_item_id (shopify.product gives it). A SKU not listed here is
# not on Shopify, and its levels are not sent there.
table "shopify_inventory_items" {
  file = "tables/shopify_inventory_items.csv"
  key  = "sku"
}

# The Shopify location of each ERP location (warehouse) that stocks
# Shopify. A level of a location not listed here is not sent to Shopify.
table "shopify_locations" {
  file = "tables/shopify_locations.csv"
  key  = "location_id"
}

# Shopify fulfilments (the fulfillment-orders query and fulfillmentCreate):
# GraphQL mutations have no idempotency key, so a delivery interrupted
# mid-call is IN_DOUBT for a person to check in the Shopify admin; a
# replay then finds the lines fulfilled (ALREADY_FULFILLED) rather than
# fulfilling twice. Used by channel_shipments_shopify (see
# channel_shipments.hcl).
sink "http" "shopify" {
  url         = var.shopify_admin_url
  idempotency = "none"
  headers = {
    "X-Shopify-Access-Token" = "locals.shopify_admin_token"
  }
}

# Shopify inventory: inventorySetQuantities sets an absolute quantity
# under an @idempotent key that is the same on every retry of one change,
# so repeating an interrupted delivery is safe.
sink "http" "shopify_inventory" {
  url         = var.shopify_admin_url
  idempotency = "upsert"
  headers = {
    "X-Shopify-Access-Token" = "locals.shopify_admin_token"
  }
}

# Walmart ship order lines (POST /v3/orders/{purchaseOrderId}/shipping).
# Lines already shipped cannot be shipped again (only their tracking can be
# corrected, with PARTIAL_UPDATE), so a delivery interrupted mid-call is
# IN_DOUBT: check the order in Seller Center, then replay or discard.
sink "http" "walmart" {
  url         = var.walmart_url
  idempotency = "none"
  path        = "request.path"
  headers = {
    "WM_SVC.NAME"           = "'Walmart Marketplace'"
    "WM_QOS.CORRELATION_ID" = "meta.correlation_id"
  }
}

# Walmart inventory (PUT /v3/inventory?sku=): an absolute quantity by
# SKU, safe to repeat.
sink "http" "walmart_inventory" {
  url         = var.walmart_url
  method      = "PUT"
  idempotency = "upsert"
  path        = "request.path"
  headers = {
    "WM_SVC.NAME"           = "'Walmart Marketplace'"
    "WM_QOS.CORRELATION_ID" = "meta.correlation_id"
  }
}

# Amazon confirmShipment (POST …/shipmentConfirmation): confirming the
# same packageReferenceId again edits that package, so repeating is safe.
sink "http" "amazon" {
  url         = var.amazon_url
  idempotency = "upsert"
  path        = "request.path"
  headers = {
    "User-Agent" = "'transload/1 (Language=Go)'"
  }
}

# Amazon listings (PATCH …/items/{sellerId}/{sku}): an absolute quantity,
# safe to repeat.
sink "http" "amazon_listings" {
  url         = var.amazon_url
  method      = "PATCH"
  idempotency = "upsert"
  path        = "request.path"
  headers = {
    "User-Agent" = "'transload/1 (Language=Go)'"
  }
}

# Amazon Vendor shipment confirmations: Amazon refuses a second Original
# with the same shipmentIdentifier (asynchronously, in the transaction
# status), so repeating cannot make a second ASN.
sink "http" "amazon_vendor" {
  url         = var.amazon_vendor_url
  idempotency = "upsert"
  path        = "request.path"
  headers = {
    "User-Agent" = "'transload/1 (Language=Go)'"
  }
}

variable "amazon_vendor_selling_party" {
  type        = string
  default     = ""
  description = "The vendor code (sellingParty.partyId) of Amazon Vendor shipment confirmations, when a shipment does not give references.selling_party (the purchase order's sellingParty)."
}

variable "amazon_vendor_ship_from_party" {
  type        = string
  default     = ""
  description = "The vendor warehouse Amazon knows (shipFromParty.partyId) of Amazon Vendor shipment confirmations, when a shipment does not give references.ship_from_party."
}
