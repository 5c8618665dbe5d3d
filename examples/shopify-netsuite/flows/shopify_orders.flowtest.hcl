# Tests of shopify_orders on Shopify's own example orders (testdata/, see
# testdata/SOURCES.md). Every figure below was worked out by reading the
# payload, not copied from the flow's output.
#
# Runs that go to NetSuite set netsuite_url (a reserved .invalid host: the
# sink is mocked, nothing leaves the machine) and a customer.

# Order #1001: 3 iPods at 199.00, discount code TENOFF 10.00 that Shopify
# allocated 3.34 / 3.33 / 3.33, State Tax 11.94, free shipping: 598.94.
# The file is the Admin API's answer ({"order": …}); the webhook sends the
# same object bare, and the flow takes both.
run "order 1001 becomes a NetSuite salesOrder, upserted by external ID" {
  flow    = "shopify_orders"
  input   = file("testdata/order_get_450789469_discount_partial_refund.json")
  headers = { "X-Shopify-Topic" = "orders/create", "X-Shopify-Shop-Domain" = "jsmith.myshopify.com" }
  variables = {
    netsuite_url         = "https://1234567.suitetalk.api.netsuite.invalid/services/rest/record/v1"
    netsuite_account     = "1234567"
    netsuite_customer_id = "2302"
  }

  mock "netsuite" {
    status = 204
  }

  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['netsuite'] && deliveries[0].key == 'shopify:450789469'"
    error_message = "one delivery, to NetSuite, under the order's business key"
  }
  assert {
    condition     = "steps.sales_order.externalId == 'shopify-450789469'"
    error_message = "the upsert key: PUT …/salesOrder/eid:shopify-450789469"
  }
  assert {
    condition     = "steps.sales_order.otherRefNum == 'ABC123' && steps.sales_order.entity.id == '2302'"
    error_message = "the buyer's PO number is what people search for; the web shop's customer"
  }
  assert {
    condition     = "steps.sales_order.tranDate == '2008-01-10' && steps.sales_order.custbody_tl_channel == 'shopify' && steps.sales_order.custbody_tl_order_id == '450789469'"
    error_message = "the day it was placed (created_at 2008-01-10T11:00:00-05:00 is still the 10th in UTC); the way back to Shopify"
  }
  assert {
    condition     = "steps.sales_order.item.items.map(i, i.item.id) == ['1241', '1242', '1243']"
    error_message = "GREEN, RED, BLACK through the cross-reference tables/erp_items.csv"
  }
  assert {
    condition     = "steps.sales_order.item.items.all(i, i.quantity == decimal('1'))"
    error_message = "one of each"
  }
  assert {
    condition     = "steps.sales_order.item.items.map(i, i.amount) == [decimal('195.66'), decimal('195.67'), decimal('195.67')] && steps.sales_order.item.items.map(i, i.rate) == [decimal('195.66'), decimal('195.67'), decimal('195.67')]"
    error_message = "each line at 199.00 less its share of TENOFF (3.34, 3.33, 3.33): NetSuite has no line discount column"
  }
  assert {
    condition     = "steps.sales_order.item.items.map(i, i.custcol_tl_channel_line_id) == ['466157049', '518995019', '703073504']"
    error_message = "Shopify's line item ids, for fulfillments coming back"
  }
  assert {
    condition     = "steps.sales_order.shippingCost == decimal('0') && steps.sales_order.custbody_tl_tax_total == decimal('11.94')"
    error_message = "free shipping sent as 0 (so the ship item's own rate adds nothing); Shopify's tax kept to compare with NetSuite's"
  }
  assert {
    condition     = "sum_decimal(steps.sales_order.item.items.map(i, i.amount)) + steps.sales_order.shippingCost + steps.sales_order.custbody_tl_tax_total == decimal('598.94')"
    error_message = "what NetSuite will total (with its tax equal to Shopify's) is Shopify's total, to the cent"
  }
}

# Order #1002 (three lines, one of them 2 × 19.99, State and County tax):
# the corpus order with SKUs given to its custom items.
run "quantity, rate and amount of a line of two" {
  flow  = "shopify_orders"
  input = file("testdata/order_multi_line_with_skus.json")
  variables = {
    netsuite_url         = "https://1234567.suitetalk.api.netsuite.invalid/services/rest/record/v1"
    netsuite_account     = "1234567"
    netsuite_customer_id = "2302"
  }

  mock "netsuite" {
    status = 204
  }

  expect_outcome = "delivered"

  assert {
    condition     = "steps.sales_order.externalId == 'shopify-1073459962' && steps.sales_order.otherRefNum == '#1002'"
    error_message = "no PO number: the order's name is the reference"
  }
  assert {
    condition     = "steps.sales_order.item.items[2].item.id == '2212' && steps.sales_order.item.items[2].quantity == decimal('2') && steps.sales_order.item.items[2].rate == decimal('19.99') && steps.sales_order.item.items[2].amount == decimal('39.98')"
    error_message = "BERET-RASPBERRY: 2 at 19.99 = 39.98"
  }
  assert {
    condition     = "steps.sales_order.custbody_tl_tax_total == decimal('14.45') && steps.sales_order.custbody_tl_tax_detail.contains('County tax')"
    error_message = "State 10.20 + County 4.25, with their names for whoever compares"
  }
}

# A SKU whose row in the cross-reference has no item: the NetSuite item
# whose external ID is the SKU. Order #1002 of the manual-discount example:
# IPOD2009BLACK at 199.00 less 17.91 = 181.09.
run "a SKU with no item id goes by the item's external ID" {
  flow    = "shopify_orders"
  input   = file("testdata/order_create_manual_line_discount.json")
  headers = { "X-Shopify-Topic" = "orders/create" }
  variables = {
    netsuite_url         = "https://1234567.suitetalk.api.netsuite.invalid/services/rest/record/v1"
    netsuite_account     = "1234567"
    netsuite_customer_id = "2302"
  }

  mock "netsuite" {
    status = 204
  }

  expect_outcome = "delivered"

  assert {
    condition     = "steps.sales_order.item.items[0].item.externalId == 'IPOD2009BLACK' && !has(steps.sales_order.item.items[0].item.id)"
    error_message = "{externalId: SKU}, no internal id"
  }
  assert {
    condition     = "steps.sales_order.item.items[0].amount == decimal('181.09') && steps.sales_order.item.items[0].rate == decimal('181.09')"
    error_message = "199.00 less the manual discount of 17.91"
  }
}

# Without netsuite_url the same salesOrder body is written to the outbox,
# one file per order: what you read before connecting NetSuite.
run "without netsuite_url the salesOrder goes to the outbox" {
  flow  = "shopify_orders"
  input = file("testdata/order_get_450789469_discount_partial_refund.json")

  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['outbox'] && deliveries[0].key == 'shopify:450789469'"
    error_message = "the outbox, file shopify%3A450789469.json"
  }
  assert {
    condition     = "deliveries[0].body.externalId == 'shopify-450789469' && !has(deliveries[0].body.entity)"
    error_message = "the same body; no customer is configured yet"
  }
}

# NetSuite down for maintenance: a 503 is not the order's fault. The
# message is retried (backoff from 1s, doubling, for up to a day); a mock
# that fails only its first call (times = 1) shows the retry that
# succeeds. example_test.go runs the same against a fake NetSuite that
# answers 503, then 429 with Retry-After, then 204.
run "NetSuite answers 503 once: the retry books the order" {
  flow  = "shopify_orders"
  input = file("testdata/order_get_450789469_discount_partial_refund.json")
  variables = {
    netsuite_url         = "https://1234567.suitetalk.api.netsuite.invalid/services/rest/record/v1"
    netsuite_account     = "1234567"
    netsuite_customer_id = "2302"
  }

  mock "netsuite" {
    status = 503
    times  = 1
  }

  expect_outcome = "delivered"
  assert {
    condition     = "size(deliveries) == 1 && deliveries[0].sink == 'netsuite' && deliveries[0].body.externalId == 'shopify-450789469'"
    error_message = "booked once, on the retry"
  }
}

# Still down: the message stays a retry (never a dead letter of the
# order), until NetSuite answers or the retry policy gives up.
run "NetSuite keeps answering 503: the order waits" {
  flow  = "shopify_orders"
  input = file("testdata/order_get_450789469_discount_partial_refund.json")
  variables = {
    netsuite_url         = "https://1234567.suitetalk.api.netsuite.invalid/services/rest/record/v1"
    netsuite_account     = "1234567"
    netsuite_customer_id = "2302"
  }

  mock "netsuite" {
    status = 503
  }

  expect_outcome = "retry"
  assert {
    condition     = "size(deliveries) == 0 && !has(dead_letter.reason)"
    error_message = "nothing booked, no dead letter"
  }
}

# A 400 (say, a custom field the account does not have) is the document's
# fault: retrying would fail the same way, so it is a business dead letter
# at once, with NetSuite's answer quoted.
run "NetSuite refuses the body: a dead letter, not a retry" {
  flow  = "shopify_orders"
  input = file("testdata/order_get_450789469_discount_partial_refund.json")
  variables = {
    netsuite_url         = "https://1234567.suitetalk.api.netsuite.invalid/services/rest/record/v1"
    netsuite_account     = "1234567"
    netsuite_customer_id = "2302"
  }

  mock "netsuite" {
    status = 400
  }

  expect_dead_letter = "REJECTED_BY_TARGET"

  assert {
    condition     = "dead_letter.class == 'business'"
    error_message = "fix the document or the account, then replay"
  }
}

# A new product: it is in the item master but nobody has cross-referenced
# it to a NetSuite item yet (here IPOD2008RED is missing from the table).
# The rule stops the order before NetSuite sees it and names the SKU.
run "a SKU missing from the cross-reference is a dead letter" {
  flow   = "shopify_orders"
  input  = file("testdata/order_get_450789469_discount_partial_refund.json")
  tables = { erp_items = "testdata/erp_items_without_ipod2008red.csv" }

  expect_dead_letter = "UNKNOWN_SKU"

  assert {
    condition     = "dead_letter.step == 'checks.netsuite_items' && dead_letter.message.contains('IPOD2008RED') && dead_letter.class == 'business'"
    error_message = "the rule netsuite_items, naming the SKU to add"
  }
  assert {
    condition     = "size(deliveries) == 0"
    error_message = "nothing sent"
  }
}

# Order #1001 with 10.00 more in total_price than its parts (as duties
# would add): the order is not booked with figures nobody can explain.
run "totals that do not add up are a dead letter" {
  flow  = "shopify_orders"
  input = replace(file("testdata/order_get_450789469_discount_partial_refund.json"), "\"total_price\": \"598.94\"", "\"total_price\": \"608.94\"")

  expect_dead_letter = "TOTALS_MISMATCH"

  assert {
    condition     = "dead_letter.step == 'checks.totals' && dead_letter.message.contains('598.94') && dead_letter.message.contains('608.94')"
    error_message = "both figures, for whoever looks"
  }
}

# A price written with a decimal comma is refused, never guessed.
run "a price with a decimal comma is refused" {
  flow               = "shopify_orders"
  input              = file("testdata/order_decimal_comma.json")
  expect_dead_letter = "INVALID_MONEY"
}

# Completing a draft creates a real order (orders/create); the draft
# itself must not be booked.
run "a draft order is not an order" {
  flow               = "shopify_orders"
  input              = file("testdata/legacy_draft_order_cad.json")
  expect_dead_letter = "SCHEMA_MISMATCH"
}

# orders/cancelled for an order NetSuite never got: nothing to cancel.
run "a cancelled order NetSuite never had is filtered" {
  flow    = "shopify_orders"
  input   = file("testdata/order_cancelled_manual_line_discount.json")
  headers = { "X-Shopify-Topic" = "orders/cancelled" }
  variables = {
    netsuite_url         = "https://1234567.suitetalk.api.netsuite.invalid/services/rest/record/v1"
    netsuite_account     = "1234567"
    netsuite_customer_id = "2302"
  }

  expect_outcome = "filtered"

  assert {
    condition     = "size(deliveries) == 0"
    error_message = "no call to NetSuite"
  }
}
