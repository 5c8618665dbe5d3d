package tests

import "testing"

// TestCorpusAdobeCommerce runs Adobe Commerce (Magento 2) orders through
// the default flow adobe_commerce_orders. The public corpus has no Adobe
// Commerce payload (SOURCES.md "Gaps"), so these were written for Transload
// from the REST API's OrderInterface and OrderItemInterface (see
// testdata/corpus/adobe_commerce/SOURCES.md). The facts were worked out by
// reading them:
//
//   - order_simple_usd: 3 × 12.50 + 2 × 24.00 = 85.50, 8.25% tax rounded
//     per item (3.09 + 3.96 = 7.05), 10.00 flat-rate shipping: 102.55. The
//     gloves are boxes of 100 and the masks boxes of 20 in
//     tables/items.csv: 300 + 40 = 340 EA.
//   - order_configurable_bundle_coupon: a configurable tee (parent 501 with
//     the price, simple child 502 at 0) is one line; a fixed-price bundle
//     (503, 2 × 45.00) is a kit line with three component lines
//     (kit_parent 503, price 0). Coupon SPRING10 is 10%: 7.20 + 9.00 =
//     16.20; 8% tax after discount 5.18 + 6.48 + 1.20 on 15.00 shipping =
//     12.86; 162.00 − 16.20 + 15.00 + 12.86 = 173.66. Lines: 5, base
//     quantity 4 + 2 + 2 + 4 + 2 = 14 EA.
//   - order_cancelled_eur: state canceled, every item's qty_canceled equal
//     to qty_ordered, and every total cancelled (base_total_canceled =
//     base_grand_total = 403.05): both lines cancelled, totals 0.00 EUR, no
//     open line.
//   - order_eur_prices_incl_tax_coupon: a 249.00 chair (296.31 with 19%
//     VAT), 10% off the price including tax: discount 29.63 of which 4.73
//     is tax (the tax compensation), tax 42.58, total 266.68 = 249.00 −
//     (29.63 − 4.73) + 42.58.
//   - order_presentment_cad: order_simple_usd seen in CAD: the base (USD)
//     amounts are the canonical ones, CAD is the presentment currency.
//   - order_three_decimal_price: a base_price of 12.505 USD.
//   - order_missing_created_at: no created_at.
func TestCorpusAdobeCommerce(t *testing.T) {
	runCorpus(t, adobeCommerceCorpusCases())
}

func adobeCommerceCorpusCases() []corpusCase {
	const flow = "adobe_commerce_orders"
	return []corpusCase{
		{File: "adobe_commerce/order_simple_usd.json", Flow: flow, Want: []map[string]string{{
			"outcome":                     "delivered",
			"id":                          "214",
			"order_number":                "000000214",
			"channel":                     "adobe_commerce",
			"currency":                    "USD",
			"presentment_currency":        "<missing>",
			"status":                      "open",
			"placed_at":                   "2024-01-15T10:30:00Z",
			"#lines":                      "2",
			"lines.0.line_id":             "431",
			"lines.0.sku":                 "MG-GLOVE-NIT-L",
			"lines.0.quantity.value":      "3",
			"lines.0.base_quantity.value": "300",
			"lines.0.unit_price.amount":   "12.50",
			"lines.0.tax.amount":          "3.09",
			"lines.0.total.amount":        "37.50",
			"lines.1.total.amount":        "48.00",
			"base_quantity":               "340 EA",
			"customer.id":                 "57",
			"customer.name":               "Michael Okafor",
			"bill_to.line2":               "Unit B",
			"ship_to.region":              "TX",
			"ship_to.country":             "US",
			"#shipping":                   "1",
			"shipping.0.method":           "Flat Rate - Fixed",
			"#discounts":                  "0",
			"references.payment_method":   "checkmo",
			"totals.subtotal.amount":      "85.50",
			"totals.discount.amount":      "0.00",
			"totals.shipping.amount":      "10.00",
			"totals.tax.amount":           "7.05",
			"totals.grand_total.amount":   "102.55",
		}}},
		{File: "adobe_commerce/order_configurable_bundle_coupon.json", Flow: flow, Want: []map[string]string{{
			"outcome":                   "delivered",
			"id":                        "215",
			"status":                    "open",
			"currency":                  "USD",
			"placed_at":                 "2024-02-03T18:12:45Z",
			"po_number":                 "4471-B",
			"#lines":                    "5",
			"lines.0.line_id":           "501",
			"lines.0.sku":               "MG-TEE-CLASSIC-M-NAVY",
			"lines.0.product_id":        "1880",
			"lines.0.variant_id":        "1874",
			"lines.0.quantity.value":    "4",
			"lines.0.unit_price.amount": "18.00",
			"lines.0.discount.amount":   "7.20",
			"lines.0.tax.amount":        "5.18",
			"lines.0.total.amount":      "64.80",
			"lines.0.kit_parent":        "<missing>",
			"lines.1.line_id":           "503",
			"lines.1.sku":               "MG-FIRSTAID-KIT",
			"lines.1.unit_price.amount": "45.00",
			"lines.1.discount.amount":   "9.00",
			"lines.1.total.amount":      "81.00",
			"lines.2.sku":               "MG-BANDAGE-100",
			"lines.2.kit_parent":        "503",
			"lines.2.unit_price.amount": "0.00",
			"lines.2.total.amount":      "0.00",
			"lines.3.sku":               "MG-GAUZE-4X4",
			"lines.3.quantity.value":    "4",
			"lines.4.kit_parent":        "503",
			"base_quantity":             "14 EA",
			"#discounts":                "1",
			"discounts.0.code":          "SPRING10",
			"discounts.0.type":          "code",
			"discounts.0.amount.amount": "16.20",
			"shipping.0.tax.amount":     "1.20",
			"notes":                     "PO 4471-B. Deliver before noon.",
			"totals.subtotal.amount":    "162.00",
			"totals.discount.amount":    "16.20",
			"totals.shipping.amount":    "15.00",
			"totals.tax.amount":         "12.86",
			"totals.grand_total.amount": "173.66",
		}}},
		{File: "adobe_commerce/order_cancelled_eur.json", Flow: flow, Want: []map[string]string{{
			"outcome":                     "delivered",
			"id":                          "216",
			"order_number":                "300000041",
			"status":                      "cancelled",
			"currency":                    "EUR",
			"placed_at":                   "2024-03-11T08:45:00Z",
			"#lines":                      "2",
			"lines.0.status":              "cancelled",
			"lines.0.quantity.value":      "1",
			"lines.1.status":              "cancelled",
			"lines.1.quantity.value":      "2",
			"lines.1.unit_price.amount":   "39.90",
			"base_quantity":               "0 ",
			"customer.id":                 "<missing>",
			"customer.tax_id":             "DE811907980",
			"ship_to.country":             "DE",
			"ship_to.line1":               "Schlesische Straße 27",
			"shipping.0.amount.amount":    "0.00",
			"totals.subtotal.amount":      "0.00",
			"totals.discount.amount":      "0.00",
			"totals.shipping.amount":      "0.00",
			"totals.tax.amount":           "0.00",
			"totals.grand_total.amount":   "0.00",
			"totals.grand_total.currency": "EUR",
		}}},
		{File: "adobe_commerce/order_eur_prices_incl_tax_coupon.json", Flow: flow, Want: []map[string]string{{
			"outcome":                   "delivered",
			"id":                        "220",
			"status":                    "open",
			"currency":                  "EUR",
			"#lines":                    "1",
			"lines.0.discount.amount":   "24.90",
			"lines.0.tax.amount":        "42.58",
			"lines.0.total.amount":      "224.10",
			"base_quantity":             "1 EA",
			"discounts.0.code":          "FRUEHLING10",
			"discounts.0.amount.amount": "24.90",
			"totals.subtotal.amount":    "249.00",
			"totals.discount.amount":    "24.90",
			"totals.shipping.amount":    "0.00",
			"totals.tax.amount":         "42.58",
			"totals.grand_total.amount": "266.68",
		}}},
		{File: "adobe_commerce/order_presentment_cad.json", Flow: flow, Want: []map[string]string{{
			"outcome":                     "delivered",
			"id":                          "217",
			"currency":                    "USD",
			"presentment_currency":        "CAD",
			"#lines":                      "2",
			"lines.0.unit_price.amount":   "12.50",
			"base_quantity":               "340 EA",
			"totals.grand_total.amount":   "102.55",
			"totals.grand_total.currency": "USD",
		}}},
		{File: "adobe_commerce/order_three_decimal_price.json", Flow: flow, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "INVALID_MONEY",
		}}},
		{File: "adobe_commerce/order_missing_created_at.json", Flow: flow, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
	}
}
