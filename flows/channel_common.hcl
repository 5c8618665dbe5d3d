# Settings shared by the flows that answer the sales channels
# (channel_shipments, channel_inventory): one sink per channel API account,
# each with its URL in a variable that is empty by default. Like erp_url,
# nothing leaves until a URL is set: a channel whose URL is empty gets the
# requests it would be sent written to the outbox instead, one file each.
#
# Authentication: each sink signs in as its vendor wants, with secrets
# from the environment. An unset variable lets the flows load; a sink
# whose URL is set but whose secret is empty warns once at start and holds
# its deliveries back (retried, nothing sent) until the variable is set
# and the flows reload.
#   - Shopify: a custom app's Admin API access token in the header
#     X-Shopify-Access-Token (auth "header"), from SHOPIFY_ADMIN_TOKEN.
#   - Walmart: OAuth 2.0 client credentials at walmart_token_url (Basic
#     WALMART_CLIENT_ID:WALMART_CLIENT_SECRET; the token request carries
#     WM_SVC.NAME, a fresh WM_QOS.CORRELATION_ID and Accept:
#     application/json), the token (15 minutes) sent alone as
#     WM_SEC.ACCESS_TOKEN, with WM_SVC.NAME and WM_QOS.CORRELATION_ID on
#     every call.
#   - Amazon SP-API: a Login with Amazon access token (one hour), sent
#     alone as x-amz-access-token, from the refresh-token grant at
#     amazon_token_url: the client id and secret as form fields
#     (AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET) and the refresh token
#     the seller's authorization of the app gave (AMAZON_LWA_REFRESH_TOKEN).
#     A Vendor Central account authorizes the app on its own: its refresh
#     token is AMAZON_VENDOR_LWA_REFRESH_TOKEN, or AMAZON_LWA_REFRESH_TOKEN
#     when that is unset.
# Tokens are cached until shortly before they expire; a 401 fetches a new
# one once and repeats the call.

variable "shopify_admin_url" {
  type        = string
  default     = ""
  description = "The Shopify Admin GraphQL endpoint, https://{shop}.myshopify.com/admin/api/2026-10/graphql.json (2026-10 is the API version the shopify module's requests are written for). Empty: Shopify requests go to the outbox. The app's access token is read from the environment variable SHOPIFY_ADMIN_TOKEN."
}

variable "walmart_url" {
  type        = string
  default     = ""
  description = "Walmart Marketplace API base URL (https://marketplace.walmartapis.com; https://sandbox.walmartapis.com for the sandbox). Empty: Walmart requests go to the outbox. The client id and secret are read from the environment variables WALMART_CLIENT_ID and WALMART_CLIENT_SECRET."
}

variable "walmart_token_url" {
  type        = string
  default     = "https://marketplace.walmartapis.com/v3/token"
  description = "Walmart's token endpoint (Token API, client credentials); https://sandbox.walmartapis.com/v3/token with the sandbox."
}

variable "amazon_url" {
  type        = string
  default     = ""
  description = "Selling Partner API endpoint of the seller account's region (https://sellingpartnerapi-na.amazon.com, -eu, -fe). Empty: Amazon requests go to the outbox. The LWA credentials are read from the environment variables AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET and AMAZON_LWA_REFRESH_TOKEN."
}

variable "amazon_token_url" {
  type        = string
  default     = "https://api.amazon.com/auth/o2/token"
  description = "The Login with Amazon token endpoint that issues SP-API access tokens (the same for every region)."
}

variable "amazon_vendor_url" {
  type        = string
  default     = ""
  description = "Selling Partner API endpoint of the Vendor Central account. Empty: Amazon Vendor shipment confirmations go to the outbox. A vendor account authorizes the app on its own: its refresh token is read from AMAZON_VENDOR_LWA_REFRESH_TOKEN (AMAZON_LWA_REFRESH_TOKEN when that is unset)."
}

variable "amazon_marketplace_id" {
  type        = string
  default     = "ATVPDKIKX0DER"
  description = "The marketplace of the seller account (ATVPDKIKX0DER is amazon.com): confirmShipment's marketplaceId when a shipment does not name one in references.marketplace_id, and the marketplace whose listings get inventory."
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

# Shopify fulfilments (the fulfillment-orders query, fulfillmentCreate and
# fulfillmentTrackingInfoUpdate): GraphQL mutations have no idempotency
# key, so a delivery interrupted mid-call is IN_DOUBT for a person to check
# in the Shopify admin; a replay then finds the lines fulfilled
# (ALREADY_FULFILLED) rather than fulfilling twice. The fulfilment's id in
# the answer is the delivery's ref, which a tracking correction names.
# Used by channel_shipments_shopify, whose steps to it run only when
# shopify_admin_url is set.
sink "http" "shopify" {
  url         = var.shopify_admin_url
  idempotency = "none"
  ref_paths   = ["data.fulfillmentCreate.fulfillment.id", "data.fulfillmentTrackingInfoUpdate.fulfillment.id"]

  auth "header" {
    name  = "X-Shopify-Access-Token"
    value = env("SHOPIFY_ADMIN_TOKEN")
  }
}

# Shopify inventory: inventorySetQuantities sets an absolute quantity
# under an @idempotent key that is the same on every retry of one change,
# so repeating an interrupted delivery is safe.
sink "http" "shopify_inventory" {
  url         = var.shopify_admin_url
  idempotency = "upsert"

  auth "header" {
    name  = "X-Shopify-Access-Token"
    value = env("SHOPIFY_ADMIN_TOKEN")
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

  auth "oauth2" {
    token_url     = var.walmart_token_url
    client_id     = env("WALMART_CLIENT_ID")
    client_secret = env("WALMART_CLIENT_SECRET")
    token_header  = "WM_SEC.ACCESS_TOKEN"
    token_prefix  = ""
    token_headers = {
      "WM_SVC.NAME"           = "Walmart Marketplace"
      "WM_QOS.CORRELATION_ID" = "{uuid}"
      "Accept"                = "application/json"
    }
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

  auth "oauth2" {
    token_url     = var.walmart_token_url
    client_id     = env("WALMART_CLIENT_ID")
    client_secret = env("WALMART_CLIENT_SECRET")
    token_header  = "WM_SEC.ACCESS_TOKEN"
    token_prefix  = ""
    token_headers = {
      "WM_SVC.NAME"           = "Walmart Marketplace"
      "WM_QOS.CORRELATION_ID" = "{uuid}"
      "Accept"                = "application/json"
    }
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

  auth "oauth2" {
    token_url     = var.amazon_token_url
    grant_type    = "refresh_token"
    refresh_token = env("AMAZON_LWA_REFRESH_TOKEN")
    client_id     = env("AMAZON_LWA_CLIENT_ID")
    client_secret = env("AMAZON_LWA_CLIENT_SECRET")
    client_auth   = "post"
    token_header  = "x-amz-access-token"
    token_prefix  = ""
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

  auth "oauth2" {
    token_url     = var.amazon_token_url
    grant_type    = "refresh_token"
    refresh_token = env("AMAZON_LWA_REFRESH_TOKEN")
    client_id     = env("AMAZON_LWA_CLIENT_ID")
    client_secret = env("AMAZON_LWA_CLIENT_SECRET")
    client_auth   = "post"
    token_header  = "x-amz-access-token"
    token_prefix  = ""
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

  auth "oauth2" {
    token_url     = var.amazon_token_url
    grant_type    = "refresh_token"
    refresh_token = env("AMAZON_VENDOR_LWA_REFRESH_TOKEN", env("AMAZON_LWA_REFRESH_TOKEN"))
    client_id     = env("AMAZON_LWA_CLIENT_ID")
    client_secret = env("AMAZON_LWA_CLIENT_SECRET")
    client_auth   = "post"
    token_header  = "x-amz-access-token"
    token_prefix  = ""
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
