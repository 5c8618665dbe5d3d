# Amazon Selling Partner API (SP-API) into the canonical model.
#
# Types (JSON Schemas next to this file):
#   Orders             what the amazon_orders flow accepts: an Orders API v0
#                      order as two responses in one document,
#                        {"getOrder": <getOrder response>,
#                         "getOrderItems": <getOrderItems response>}
#                      (v0 gives an order and its items in two calls; post
#                      every page of items in one OrderItems list), or an
#                      Orders API 2026-01-01 getOrder response ({"order": …},
#                      items inside) posted as it is.
#   PurchaseOrder      Vendor Orders getPurchaseOrder response (Vendor Central).
#   InventorySummaries FBA Inventory getInventorySummaries response.
#
# Mappings: order (either Orders shape → commerce.Order), order_v0,
# order_2026, vendor_order, inventory_level, and the helpers below.
#
# Conventions of the whole module:
#   - Money is read exactly as Amazon sends it: v0 {"CurrencyCode",
#     "Amount"}, 2026-01-01 and Vendor {"amount", "currencyCode"}, Amount a
#     decimal string. An amount with more decimals than its currency has
#     (JPY "25.99") is INVALID_MONEY: nothing is rounded.
#   - The order's currency is its total's (OrderTotal, proceeds.grandTotal);
#     an item priced in another currency fails with CURRENCY_MISMATCH when
#     the totals add it up. Payment details in another currency
#     (PaymentExecutionDetail) are kept in references only.
#   - Nothing is guessed: a total Amazon has not given yet (a Pending
#     order) is not computed from the items; the flow dead-letters the order
#     with NULL_REQUIRED_FIELD until Amazon gives it.
#   - Booleans that Amazon sometimes sends as strings ("false") are
#     declared with x-transload-kind "any" and read with amazon.flag.
#   - Only order documents become orders: a getOrders page (orders without
#     items), a bare getOrder or getOrderItems response and an SP-API
#     notification (ORDER_CHANGE carries no prices) are refused by the
#     amazon_orders flow with SCHEMA_MISMATCH and a message saying what to
#     post instead.

type "Orders" {
  schema = "orders.schema.json"
}

type "PurchaseOrder" {
  schema = "vendor_orders.schema.json"
}

type "InventorySummaries" {
  schema = "fba_inventory.schema.json"
}

# Dispatches on the shape of an amazon_orders document: a 2026-01-01 order
# ({"order": …}) or a v0 pair ({"getOrder", "getOrderItems"}). To override
# fields, extend order_v0 or order_2026 in your flow files and dispatch to
# your mapping the same way.
mapping "order" {
  description = "An amazon_orders document (v0 getOrder + getOrderItems, or a 2026-01-01 getOrder response) as a canonical order."
  input       = Orders
  output      = "commerce.Order"
  value       = "has(input.order) ? amazon.order_2026(input.order) : amazon.order_v0(input)"
}

# v0 money {"CurrencyCode", "Amount"}, exactly.
mapping "money_v0" {
  description = "Orders API v0 money {CurrencyCode, Amount} as money; more decimals than the currency has is INVALID_MONEY."
  input       = Orders.V0Money
  value       = "money(input.Amount, currency_code(input.CurrencyCode))"
}

# 2026-01-01 money {"amount", "currencyCode"}, exactly.
mapping "money_2026" {
  description = "Orders API 2026-01-01 money {amount, currencyCode} as money; more decimals than the currency has is INVALID_MONEY."
  input       = Orders.Money
  value       = "money(input.amount, currency_code(input.currencyCode))"
}

# A text field, trimmed; empty or blank (2026-01-01 sends "" for an absent
# addressLine3) is left out of the document rather than written as "".
# Use it as a field's whole value: the field is then set or left out.
mapping "text" {
  description = "The string trimmed, or nothing (the field is left out) when it is empty or blank."
  input       = string
  value       = "trim(input) == '' ? optional.none() : optional.of(trim(input))"
}

# Amazon's booleans arrive as true/false or as the strings "true"/"false":
# the text "true" or "false" for references ("" for anything else).
mapping "flag" {
  description = "A boolean Amazon sent as true/false or as \"true\"/\"false\", as the text 'true' or 'false' ('' for anything else)."
  input       = any
  value       = "input == true || input == 'true' ? 'true' : (input == false || input == 'false' ? 'false' : '')"
}

# Marketplace id → the marketplace's domain, from Amazon's list of
# marketplace ids (developer-docs.amazon.com/sp-api/docs/marketplace-ids).
# An id not in the list (a non-Amazon multi-channel id) is kept as it is.
mapping "marketplace" {
  description = "The domain (amazon.de) of an SP-API marketplace id; an id Amazon's list does not have is returned unchanged."
  input       = string
  value       = <<-CEL
    {
      'A2EUQ1WTGCTBG2': 'amazon.ca',
      'ATVPDKIKX0DER':  'amazon.com',
      'A1AM78C64UM0Y8': 'amazon.com.mx',
      'A2Q3Y263D00KWC': 'amazon.com.br',
      'A28R8C7NBKEWEA': 'amazon.ie',
      'A1RKKUPIHCS9HS': 'amazon.es',
      'A1F83G8C2ARO7P': 'amazon.co.uk',
      'A13V1IB3VIYZZH': 'amazon.fr',
      'AMEN7PMS3EDWL':  'amazon.com.be',
      'A1805IZSGTT6HS': 'amazon.nl',
      'A1PA6795UKMFR9': 'amazon.de',
      'APJ6JRA9NG5V4':  'amazon.it',
      'A2NODRKZP88ZB9': 'amazon.se',
      'AE08WJ6YKNBMC':  'amazon.co.za',
      'A1C3SOZRARQ6R3': 'amazon.pl',
      'ARBP9OOSHTCHU':  'amazon.eg',
      'A33AVAJ2PDY3EV': 'amazon.com.tr',
      'A17E79C6D8DWNP': 'amazon.sa',
      'A2VIGQ35RCS4UG': 'amazon.ae',
      'A21TJRUUN4KGV':  'amazon.in',
      'A19VAU5U5O7RUS': 'amazon.sg',
      'A39IBJ37TRP1C6': 'amazon.com.au',
      'A1VC38T7YXB528': 'amazon.co.jp'
    }[?input].orValue(input)
  CEL
}

# Whether a v0 order's item prices include tax. Amazon.com and Amazon.ca
# add sales tax at checkout: ItemTax is added to ItemPrice in OrderTotal
# (the sandbox order 902-1845936-5435065: 10.00 + tax 1.01 = 11.01). Every
# other marketplace shows prices with VAT, GST or consumption tax included,
# and OrderTotal does not add ItemTax again. A figure that does not fit
# this is a TOTALS_MISMATCH dead letter, never corrected.
mapping "prices_include_tax" {
  description = "For an Orders API v0 marketplace id: false on Amazon.com and Amazon.ca (sales tax is added), true elsewhere (VAT/GST included in prices)."
  input       = string
  value       = "!(input in ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2'])"
}
