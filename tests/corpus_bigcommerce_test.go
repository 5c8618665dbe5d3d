package tests

import "testing"

// TestCorpusBigCommerce runs the BigCommerce v2 payloads through the
// default flow bigcommerce_orders. The facts were worked out by reading the
// payloads and BigCommerce's Orders v2 reference (money strings with four
// decimals in the transactional currency default_currency_code, RFC 2822
// dates, products and shipping addresses as sub-resources):
//
//   - v2_orders_list.json is the corpus file: a GET /v2/orders list (a JSON
//     array) whose one order links its products instead of embedding them.
//     It is not an order, so it fails to decode: SCHEMA_MISMATCH. So does
//     its one element on its own (v2_order_100_links.json), at "products":
//     reading the link as "no products" would claim an order of one item
//     (items_total 1) has none.
//   - v2_order_100_embedded.json is that order with its products and
//     shipping addresses embedded, as the flow expects them; the product is
//     constructed from the reference (a digital product at 0.0100, the
//     order's whole subtotal; shipping_address_count is 0).
//   - v2_order_101… is constructed from the reference: 2 cases of paper at
//     30.00 and a toner at 90.00 (subtotal 150.00), a 10% coupon OFFICE10
//     spread over the products (6.00 + 9.00 = 15.00), 8% tax after the
//     discount (4.32 + 6.48, and 1.00 on 12.50 shipping = 11.80), total
//     150.00 − 15.00 + 12.50 + 11.80 = 159.30. The paper SKU is a case of 5
//     in tables/items.csv: 2 × 5 + 1 = 11 EA.
//   - 102–106 are 101 with one change each: a CAD display currency, status
//     Cancelled, a price with a fourth decimal, a product without its
//     price, no products.
func TestCorpusBigCommerce(t *testing.T) {
	runCorpus(t, bigCommerceCorpusCases())
}

func bigCommerceCorpusCases() []corpusCase {
	const flow = "bigcommerce_orders"
	return []corpusCase{
		{File: "bigcommerce/v2_orders_list.json", Flow: flow, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},
		{File: "bigcommerce/v2_order_100_links.json", Flow: flow, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},
		{File: "bigcommerce/v2_order_100_embedded.json", Flow: flow, Want: []map[string]string{{
			"outcome":                   "delivered",
			"id":                        "100",
			"channel":                   "bigcommerce",
			"currency":                  "USD",
			"presentment_currency":      "<missing>",
			"status":                    "open",
			"placed_at":                 "2012-03-02T21:36:24Z",
			"order_number":              "100",
			"#lines":                    "1",
			"lines.0.sku":               "BC-GUIDE-PDF",
			"lines.0.unit_price.amount": "0.01",
			"lines.0.total.amount":      "0.01",
			"base_quantity":             "1 EA",
			"customer.id":               "1",
			"customer.email":            "bug@bunny.com",
			"bill_to.name":              "Bugs Bunny",
			"bill_to.region":            "WA",
			"bill_to.country":           "US",
			"bill_to.company":           "<missing>",
			"ship_to":                   "<missing>",
			"#shipping":                 "0",
			"#discounts":                "0",
			"totals.subtotal.amount":    "0.01",
			"totals.discount.amount":    "0.00",
			"totals.shipping.amount":    "0.00",
			"totals.tax.amount":         "0.00",
			"totals.grand_total.amount": "0.01",
		}}},
		{File: "bigcommerce/v2_order_101_coupon_tax_shipping.json", Flow: flow, Want: []map[string]string{{
			"outcome":                     "delivered",
			"id":                          "101",
			"currency":                    "USD",
			"status":                      "open",
			"placed_at":                   "2025-01-14T16:05:11Z",
			"#lines":                      "2",
			"lines.0.line_id":             "21",
			"lines.0.sku":                 "BC-PAPER-A4-CS5",
			"lines.0.quantity.value":      "2",
			"lines.0.base_quantity.value": "10",
			"lines.0.unit_price.amount":   "30.00",
			"lines.0.discount.amount":     "6.00",
			"lines.0.tax.amount":          "4.32",
			"lines.0.total.amount":        "54.00",
			"lines.0.gtin":                "0036000291452",
			"lines.1.discount.amount":     "9.00",
			"lines.1.total.amount":        "81.00",
			"lines.1.gtin":                "<missing>",
			"base_quantity":               "11 EA",
			"#discounts":                  "1",
			"discounts.0.code":            "OFFICE10",
			"discounts.0.amount.amount":   "15.00",
			"#shipping":                   "1",
			"shipping.0.method":           "Flat Rate",
			"shipping.0.tax.amount":       "1.00",
			"ship_to.line2":               "Suite 310",
			"ship_to.region":              "Texas",
			"customer.company":            "Whitfield Dental Group",
			"notes":                       "Please deliver to the loading dock.",
			"totals.subtotal.amount":      "150.00",
			"totals.discount.amount":      "15.00",
			"totals.shipping.amount":      "12.50",
			"totals.tax.amount":           "11.80",
			"totals.grand_total.amount":   "159.30",
		}}},
		{File: "bigcommerce/v2_order_102_display_currency_cad.json", Flow: flow, Want: []map[string]string{{
			"outcome":                     "delivered",
			"id":                          "102",
			"currency":                    "USD",
			"presentment_currency":        "CAD",
			"#lines":                      "2",
			"base_quantity":               "11 EA",
			"totals.grand_total.amount":   "159.30",
			"totals.grand_total.currency": "USD",
		}}},
		{File: "bigcommerce/v2_order_103_cancelled.json", Flow: flow, Want: []map[string]string{{
			"outcome":                   "delivered",
			"id":                        "103",
			"status":                    "cancelled",
			"currency":                  "USD",
			"#lines":                    "2",
			"lines.0.status":            "open",
			"base_quantity":             "11 EA",
			"totals.grand_total.amount": "159.30",
		}}},
		{File: "bigcommerce/v2_order_104_four_decimal_price.json", Flow: flow, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "INVALID_MONEY",
		}}},
		{File: "bigcommerce/v2_order_105_missing_price.json", Flow: flow, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
		{File: "bigcommerce/v2_order_106_no_products.json", Flow: flow, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
			"id":     "106",
			"#lines": "0",
		}}},
	}
}
