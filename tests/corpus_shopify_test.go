package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
)

// TestCorpusShopify runs every Shopify corpus payload that is an order, a
// refund, an inventory level or a shipment through its default flow. The
// facts were worked out by reading the payloads and Shopify's REST Admin
// reference (money as decimal strings in the shop currency, *_set pairs,
// refund line subtotal/total_tax as JSON numbers, ids above 2^32, no *_set
// in older payloads), not by running the code.
//
// Orders (flow shopify_orders; the order as placed, every line open, grand
// total = total_price):
//   - order_get_450789469…: 3 × 199.00 = 597.00; TENOFF 10.00 allocated by
//     Shopify 3.34 + 3.33 + 3.33; State Tax 6% 3.98 a line = 11.94; free
//     shipping: 597.00 − 10.00 + 0.00 + 11.94 = 598.94 = total_price. Two
//     lines were refunded (current_quantity 0): they stay open, the refund
//     is its own document; current_total_price 199.65 is kept in references.
//   - order_cancel_with_refund: the same order, financial_status refunded,
//     every current_quantity 0, but cancelled_at and closed_at are null:
//     the payload does not say it is cancelled, so it is open; 598.94.
//   - order_create_manual_line_discount: 199.00 − 17.91 (9% manual discount
//     FAKE30 allocated to the line) + 0 + 0 = 181.09.
//   - order_create_eur_state_tax and …multi_line_state_county_tax: their
//     lines are custom items (product_id, variant_id and sku null). A line
//     without a SKU cannot be booked: NULL_REQUIRED_FIELD. Their figures
//     reconcile (224.97 + 13.50 = 238.47 EUR; 255.92 + 10.20 + 4.25 =
//     270.37 USD), which edge/ shows with SKUs filled in.
//   - legacy_order_with_line_item_properties: both SKUs are empty strings.
//     That is not an unknown SKU (UNKNOWN_SKU means "a SKU the item master
//     lacks: add it, or count it as each"; neither applies to ""): the
//     line has no item at all, so it is NULL_REQUIRED_FIELD whatever
//     unknown_sku says. Its figures do not reconcile either: the lines
//     are 45.00 + 24.00 = 69.00, but subtotal_price and
//     total_line_items_price say 398.00, so 69.00 + 11.94 = 80.94 ≠ 409.94
//     (edge/legacy_order_with_skus: TOTALS_MISMATCH). The property whose
//     value is a JSON object is not declared, so it does not matter.
//   - legacy_draft_order_cad: a draft order is a quote, not an order (its
//     order_id is null; completing it creates an order that orders/create
//     sends): SCHEMA_MISMATCH. Its own figures would not reconcile either
//     (199.00 + 2 × 494.14 − 35.38 − 1.48 = 1150.42, subtotal_price says
//     1007.41), and its custom item has no SKU.
//
// Refunds (flow shopify_refunds; one document per refund; refund_total =
// the refund transactions, in their currency):
//   - refunds_list: one refund, 509562969: 2 lines legacy_restock
//     (restocked), 195.66 + 195.67 with 3.98 tax each (7.96); transaction
//     209.00. The lines and the money disagree in Shopify's own example;
//     the money refunded is 209.00.
//   - legacy_refund_restock: the older shape: no restock_type, restock true,
//     no subtotal or total_tax (left out), transaction 209.00.
//   - refund_create_no_restock_wrong_size: one line no_restock with
//     subtotal 0.0 and total_tax 0.0, transaction 41.94.
//   - refund_calculate_shipping: a refunds/calculate response (no id,
//     suggested_refund transactions): a calculation, not a refund:
//     SCHEMA_MISMATCH.
//
// Inventory (flow shopify_inventory; one document per level, in EA):
// levels list 4 levels (2, 1, 4, 3 at location 655441491); adjust 6 and
// set 42 of item 808950810.
//
// Shipment (flow shopify_fulfillments): fulfillment 255858046, status
// failure as given, USPS 1Z2345, one IPOD2008GREEN.
func TestCorpusShopify(t *testing.T) {
	runCorpus(t, shopifyCorpusCases())
}

func shopifyCorpusCases() []corpusCase {
	const orders, refunds, inventory, fulfillments = "shopify_orders", "shopify_refunds", "shopify_inventory", "shopify_fulfillments"
	return []corpusCase{
		{File: "shopify/order_get_450789469_discount_partial_refund.json", Flow: orders, Want: []map[string]string{{
			"outcome":                             "delivered",
			"id":                                  "450789469",
			"channel":                             "shopify",
			"currency":                            "USD",
			"presentment_currency":                "<missing>",
			"status":                              "open",
			"placed_at":                           "2008-01-10T16:00:00Z",
			"order_number":                        "#1001",
			"po_number":                           "ABC123",
			"customer.id":                         "207119551",
			"customer.email":                      "bob.norman@mail.example.com",
			"ship_to.region":                      "KY",
			"ship_to.country":                     "US",
			"#lines":                              "3",
			"lines.0.line_id":                     "466157049",
			"lines.0.sku":                         "IPOD2008GREEN",
			"lines.0.status":                      "open",
			"lines.0.unit_price.amount":           "199.00",
			"lines.0.discount.amount":             "3.34",
			"lines.0.total.amount":                "195.66",
			"lines.0.tax.amount":                  "3.98",
			"lines.0.taxes.0.title":               "State Tax",
			"lines.0.taxes.0.rate":                "0.06",
			"lines.0.taxes.0.jurisdiction":        "US-KY",
			"lines.0.references.current_quantity": "0",
			"lines.1.sku":                         "IPOD2008RED",
			"lines.1.discount.amount":             "3.33",
			"lines.1.references.current_quantity": "1",
			"lines.2.sku":                         "IPOD2008BLACK",
			"lines.2.discount.amount":             "3.33",
			"lines.2.status":                      "open",
			"base_quantity":                       "3 EA",
			"#discounts":                          "1",
			"discounts.0.code":                    "TENOFF",
			"discounts.0.type":                    "code",
			"discounts.0.target":                  "order",
			"discounts.0.amount.amount":           "10.00",
			"#taxes":                              "1",
			"taxes.0.amount.amount":               "11.94",
			"#shipping":                           "1",
			"shipping.0.method":                   "Free Shipping",
			"shipping.0.amount.amount":            "0.00",
			"totals.subtotal.amount":              "597.00",
			"totals.discount.amount":              "10.00",
			"totals.shipping.amount":              "0.00",
			"totals.tax.amount":                   "11.94",
			"totals.grand_total.amount":           "598.94",
			"totals.grand_total.currency":         "USD",
			"taxes_included":                      "false",
			"references.financial_status":         "partially_refunded",
			"references.current_total_price":      "199.65",
		}}},
		{File: "shopify/order_cancel_with_refund.json", Flow: orders, Want: []map[string]string{{
			"outcome":                             "delivered",
			"id":                                  "450789469",
			"currency":                            "USD",
			"status":                              "open",
			"#lines":                              "3",
			"lines.0.status":                      "open",
			"lines.2.references.current_quantity": "0",
			"base_quantity":                       "3 EA",
			"totals.discount.amount":              "10.00",
			"totals.grand_total.amount":           "598.94",
			"references.financial_status":         "refunded",
		}}},
		{File: "shopify/order_create_eur_state_tax.json", Flow: orders, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
		{File: "shopify/order_create_manual_line_discount.json", Flow: orders, Want: []map[string]string{{
			"outcome":                   "delivered",
			"id":                        "1073459981",
			"currency":                  "USD",
			"status":                    "open",
			"placed_at":                 "2024-04-02T14:04:43Z",
			"#lines":                    "1",
			"lines.0.sku":               "IPOD2009BLACK",
			"lines.0.discount.amount":   "17.91",
			"lines.0.total.amount":      "181.09",
			"lines.0.tax.amount":        "0.00",
			"base_quantity":             "1 EA",
			"#discounts":                "1",
			"discounts.0.type":          "manual",
			"discounts.0.title":         "FAKE30",
			"discounts.0.code":          "<missing>",
			"discounts.0.target":        "order",
			"discounts.0.amount.amount": "17.91",
			"#taxes":                    "0",
			"#shipping":                 "0",
			"ship_to.country":           "CA",
			"totals.subtotal.amount":    "199.00",
			"totals.discount.amount":    "17.91",
			"totals.tax.amount":         "0.00",
			"totals.grand_total.amount": "181.09",
		}}},
		{File: "shopify/order_create_multi_line_state_county_tax.json", Flow: orders, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
		{File: "shopify/legacy_order_with_line_item_properties.json", Flow: orders, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
		// unknown_sku = each does not let an empty SKU through.
		{File: "shopify/legacy_order_with_line_item_properties.json", Flow: orders, Vars: map[string]string{"unknown_sku": "each"}, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
		{File: "shopify/legacy_draft_order_cad.json", Flow: orders, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},

		{File: "shopify/refunds_list.json", Flow: refunds, Want: []map[string]string{{
			"outcome":                    "delivered",
			"id":                         "509562969",
			"order_id":                   "450789469",
			"channel":                    "shopify",
			"currency":                   "USD",
			"created_at":                 "2024-04-02T13:59:11Z",
			"note":                       "it broke during shipping",
			"#lines":                     "2",
			"lines.0.line_id":            "703073504",
			"lines.0.sku":                "IPOD2008BLACK",
			"lines.0.quantity.value":     "1",
			"lines.0.restock":            "true",
			"lines.0.amount.amount":      "195.66",
			"lines.0.tax.amount":         "3.98",
			"lines.1.line_id":            "466157049",
			"lines.1.amount.amount":      "195.67",
			"lines.1.restock":            "true",
			"base_quantity":              "2 EA",
			"totals.refund_total.amount": "209.00",
			"totals.tax.amount":          "7.96",
			"totals.shipping":            "<missing>",
		}}},
		{File: "shopify/legacy_refund_restock.json", Flow: refunds, Want: []map[string]string{{
			"outcome":                    "delivered",
			"id":                         "509562969",
			"order_id":                   "450789469",
			"currency":                   "USD",
			"created_at":                 "2016-03-22T15:15:00Z",
			"#lines":                     "2",
			"lines.0.sku":                "IPOD2008BLACK",
			"lines.0.restock":            "true",
			"lines.0.amount":             "<missing>",
			"lines.0.tax":                "<missing>",
			"lines.1.sku":                "IPOD2008GREEN",
			"base_quantity":              "2 EA",
			"totals.refund_total.amount": "209.00",
			"totals.tax":                 "<missing>",
		}}},
		{File: "shopify/refund_create_no_restock_wrong_size.json", Flow: refunds, Want: []map[string]string{{
			"outcome":                    "delivered",
			"id":                         "929361466",
			"order_id":                   "450789469",
			"currency":                   "USD",
			"note":                       "wrong size",
			"#lines":                     "1",
			"lines.0.line_id":            "518995019",
			"lines.0.sku":                "IPOD2008RED",
			"lines.0.restock":            "false",
			"lines.0.amount.amount":      "0.00",
			"lines.0.tax.amount":         "0.00",
			"base_quantity":              "1 EA",
			"totals.refund_total.amount": "41.94",
			"totals.tax.amount":          "0.00",
		}}},
		{File: "shopify/refund_calculate_shipping.json", Flow: refunds, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},

		{File: "shopify/inventory_levels_list.json", Flow: inventory, Want: []map[string]string{
			{"outcome": "delivered", "item_id": "49148385", "location_id": "655441491", "available.value": "2", "available.uom": "EA", "updated_at": "2024-04-02T13:56:04Z", "channel": "shopify", "sku": "<missing>"},
			{"outcome": "delivered", "item_id": "808950810", "location_id": "655441491", "available.value": "1"},
			{"outcome": "delivered", "item_id": "457924702", "location_id": "655441491", "available.value": "4"},
			{"outcome": "delivered", "item_id": "39072856", "location_id": "655441491", "available.value": "3"},
		}},
		{File: "shopify/inventory_level_adjust.json", Flow: inventory, Want: []map[string]string{{
			"outcome": "delivered", "item_id": "808950810", "location_id": "655441491", "available.value": "6", "available.uom": "EA", "updated_at": "2024-04-02T13:57:27Z",
		}}},
		{File: "shopify/inventory_level_set.json", Flow: inventory, Want: []map[string]string{{
			"outcome": "delivered", "item_id": "808950810", "location_id": "655441491", "available.value": "42", "updated_at": "2024-04-02T13:57:24Z",
		}}},

		{File: "shopify/fulfillment_get.json", Flow: fulfillments, Want: []map[string]string{{
			"outcome":                "delivered",
			"id":                     "255858046",
			"order_id":               "450789469",
			"channel":                "shopify",
			"status":                 "failure",
			"shipped_at":             "2024-04-02T13:59:11Z",
			"carrier":                "USPS",
			"#tracking":              "1",
			"tracking.0.number":      "1Z2345",
			"tracking.0.url":         "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=1Z2345",
			"#lines":                 "1",
			"lines.0.line_id":        "466157049",
			"lines.0.sku":            "IPOD2008GREEN",
			"lines.0.quantity.value": "1",
			"base_quantity":          "1 EA",
			"references.location_id": "655441491",
			"references.name":        "#1001.0",
		}}},
	}
}

// TestCorpusShopifyEdges runs payloads derived from the corpus, one change
// each (see testdata/corpus/shopify/SOURCES.md), for the cases the corpus
// shows only in passing.
func TestCorpusShopifyEdges(t *testing.T) {
	runCorpus(t, shopifyEdgeCases())
}

func shopifyEdgeCases() []corpusCase {
	const orders = "shopify_orders"
	return []corpusCase{
		// orders/cancelled: cancelled_at set. The order is cancelled; its
		// line and totals stay as placed (181.09), so it still reconciles.
		{File: "shopify/edge/order_cancelled_manual_line_discount.json", Flow: orders, Want: []map[string]string{{
			"outcome":                   "delivered",
			"id":                        "1073459981",
			"status":                    "cancelled",
			"lines.0.status":            "open",
			"base_quantity":             "1 EA",
			"references.cancel_reason":  "customer",
			"totals.grand_total.amount": "181.09",
		}}},
		// The buyer saw CAD (presentment_currency and every
		// presentment_money); the amounts stay in the shop currency USD.
		{File: "shopify/edge/order_presentment_cad.json", Flow: orders, Want: []map[string]string{{
			"outcome":                            "delivered",
			"currency":                           "USD",
			"presentment_currency":               "CAD",
			"lines.0.unit_price.currency":        "USD",
			"lines.0.unit_price.amount":          "199.00",
			"totals.grand_total.amount":          "598.94",
			"totals.grand_total.currency":        "USD",
			"references.presentment_total_price": "808.57",
		}}},
		{File: "shopify/edge/order_decimal_comma.json", Flow: orders, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "INVALID_MONEY",
		}}},
		{File: "shopify/edge/order_missing_currency.json", Flow: orders, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
		// Older shape: TENOFF only in discount_codes and total_discounts,
		// no allocations. allocate(10.00, [199.00, 199.00, 199.00]) gives
		// 3.34, 3.33, 3.33: no cent lost, the extra one to the first line
		// (as Shopify allocated it itself).
		{File: "shopify/edge/order_unallocated_discount.json", Flow: orders, Want: []map[string]string{{
			"outcome":                   "delivered",
			"lines.0.discount.amount":   "3.34",
			"lines.1.discount.amount":   "3.33",
			"lines.2.discount.amount":   "3.33",
			"lines.0.total.amount":      "195.66",
			"#discounts":                "1",
			"discounts.0.code":          "TENOFF",
			"discounts.0.target":        "order",
			"discounts.0.amount.amount": "10.00",
			"totals.discount.amount":    "10.00",
			"totals.grand_total.amount": "598.94",
		}}},
		// The same with weights 199.00, 2 × 199.00, 199.00 and 10.01 off:
		// 2.5025 + 5.005 + 2.5025; the cent left after rounding down goes
		// to the largest remainder, line 2: 2.50 + 5.01 + 2.50 = 10.01.
		{File: "shopify/edge/order_unallocated_discount_uneven.json", Flow: orders, Want: []map[string]string{{
			"outcome":                   "delivered",
			"lines.0.discount.amount":   "2.50",
			"lines.1.discount.amount":   "5.01",
			"lines.2.discount.amount":   "2.50",
			"lines.1.total.amount":      "392.99",
			"base_quantity":             "4 EA",
			"totals.subtotal.amount":    "796.00",
			"totals.discount.amount":    "10.01",
			"totals.grand_total.amount": "797.93",
		}}},
		// The legacy order with SKUs: 45.00 + 24.00 + 11.94 = 80.94, but
		// total_price is 409.94.
		{File: "shopify/edge/legacy_order_with_skus.json", Flow: orders, Vars: map[string]string{"unknown_sku": "each"}, Want: []map[string]string{{
			"outcome":                   "dead_letter",
			"reason":                    "TOTALS_MISMATCH",
			"totals.subtotal.amount":    "69.00",
			"totals.grand_total.amount": "409.94",
			"base_quantity":             "2 EA",
		}}},
		{File: "shopify/edge/legacy_order_with_skus.json", Flow: orders, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "UNKNOWN_SKU",
		}}},
		// A shop in EUR, line-level tax, no address: no jurisdiction.
		{File: "shopify/edge/order_eur_with_sku.json", Flow: orders, Vars: map[string]string{"unknown_sku": "each"}, Want: []map[string]string{{
			"outcome":                      "delivered",
			"id":                           "1073459975",
			"currency":                     "EUR",
			"#lines":                       "1",
			"lines.0.quantity.value":       "3",
			"lines.0.unit_price.amount":    "74.99",
			"lines.0.unit_price.currency":  "EUR",
			"lines.0.tax.amount":           "13.50",
			"lines.0.taxes.0.jurisdiction": "<missing>",
			"base_quantity":                "3 EA",
			"ship_to":                      "<missing>",
			"customer":                     "<missing>",
			"totals.subtotal.amount":       "224.97",
			"totals.tax.amount":            "13.50",
			"totals.grand_total.amount":    "238.47",
			"totals.grand_total.currency":  "EUR",
		}}},
		// State and county tax on two lines, an untaxed line, quantity 2.
		{File: "shopify/edge/order_multi_line_with_skus.json", Flow: orders, Vars: map[string]string{"unknown_sku": "each"}, Want: []map[string]string{{
			"outcome":                       "delivered",
			"#lines":                        "3",
			"lines.0.tax.amount":            "11.07",
			"#lines.0.taxes":                "2",
			"lines.0.taxes.1.title":         "County tax",
			"lines.0.taxes.1.rate":          "0.025",
			"lines.0.taxes.1.amount.amount": "3.26",
			"lines.1.tax.amount":            "0.00",
			"#lines.1.taxes":                "0",
			"lines.2.quantity.value":        "2",
			"lines.2.total.amount":          "39.98",
			"lines.2.tax.amount":            "3.38",
			"base_quantity":                 "4 EA",
			"#taxes":                        "2",
			"taxes.0.amount.amount":         "10.20",
			"taxes.1.amount.amount":         "4.25",
			"totals.subtotal.amount":        "255.92",
			"totals.tax.amount":             "14.45",
			"totals.grand_total.amount":     "270.37",
		}}},
		// A draft order sent bare under its own topic.
		{File: "shopify/order_create_manual_line_discount.json", Flow: orders, Headers: map[string]string{"X-Shopify-Topic": "draft_orders/create"}, Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},
		// The shop's domain header names the marketplace.
		{File: "shopify/order_create_manual_line_discount.json", Flow: orders, Headers: map[string]string{"X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": "jsmith.myshopify.com"}, Want: []map[string]string{{
			"outcome": "delivered", "marketplace": "jsmith.myshopify.com",
		}}},
		// A refund paid back in CAD by a USD shop: the Return is in the
		// currency of the money refunded (the transaction's), its lines in
		// presentment_money; the shop currency is kept in references.
		{File: "shopify/edge/refunds_list_presentment_cad.json", Flow: "shopify_refunds", Want: []map[string]string{{
			"outcome":                      "delivered",
			"currency":                     "CAD",
			"lines.0.amount.amount":        "264.14",
			"lines.0.amount.currency":      "CAD",
			"lines.1.tax.amount":           "5.37",
			"totals.tax.amount":            "10.74",
			"totals.refund_total.amount":   "282.15",
			"totals.refund_total.currency": "CAD",
			"references.shop_currency":     "USD",
		}}},
		// A refunded custom item has no SKU: the money still goes back, the
		// line without SKU or base quantity.
		{File: "shopify/edge/refund_custom_item_no_sku.json", Flow: "shopify_refunds", Want: []map[string]string{{
			"outcome":                    "delivered",
			"id":                         "929361466",
			"lines.0.line_id":            "518995019",
			"lines.0.sku":                "<missing>",
			"lines.0.base_quantity":      "<missing>",
			"totals.refund_total.amount": "41.94",
		}}},
		// An oversold level: the canonical model has no negative stock.
		{File: "shopify/edge/inventory_level_oversold.json", Flow: "shopify_inventory", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "INVALID_QUANTITY",
		}}},
	}
}

// TestShopifyProductMapping applies shopify.product to the corpus product
// (there is no default product flow): 4 variants with SKU, barcode,
// inventory item, stock in EA and weight in pounds; the one presentment
// price (USD, equal to price) names the price's currency.
func TestShopifyProductMapping(t *testing.T) {
	cfg, w := loadDefaultFlows(t, nil)
	m := cfg.Mappings["shopify.product"]
	if m == nil {
		t.Fatal("no mapping shopify.product")
	}
	typ := cfg.Types.Lookup("shopify.Product")
	if typ == nil {
		t.Fatal("no type shopify.Product")
	}
	dec, err := w.Codecs.Decoder("json", typ, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "corpus", "shopify", "product_get_ipod_nano.json"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := dec.Decode(body)
	if err != nil || len(docs) != 1 || docs[0].Err != nil {
		t.Fatalf("decode: %v %v", err, docs)
	}
	in, _ := docs[0].Value.(map[string]any)
	out, err := m.Apply(in["product"])
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"id":                                  "632910392",
		"title":                               "IPod Nano - 8GB",
		"vendor":                              "Apple",
		"status":                              "active",
		"created_at":                          "2024-04-02T13:59:11Z",
		"variants.0.id":                       "808950810",
		"variants.0.sku":                      "IPOD2008PINK",
		"variants.0.title":                    "Pink",
		"variants.0.gtin":                     "1234_pink",
		"variants.0.price.amount":             "199.00",
		"variants.0.price.currency":           "USD",
		"variants.0.inventory_item_id":        "808950810",
		"variants.0.inventory_quantity.value": "10",
		"variants.0.inventory_quantity.uom":   "EA",
		"variants.0.weight.value":             "1.25",
		"variants.0.weight.uom":               "LBR",
		"variants.3.sku":                      "IPOD2008BLACK",
		"variants.3.inventory_item_id":        "457924702",
		"variants.3.inventory_quantity.value": "40",
	}
	for k, v := range want {
		got, ok := walk(out, k)
		s := "<missing>"
		if ok {
			s = strings.Trim(builtin.Format(got), `"`)
		}
		if s != v {
			t.Errorf("%s = %q, want %q", k, s, v)
		}
	}
	if vs, _ := walk(out, "variants"); len(vs.([]any)) != 4 {
		t.Errorf("%d variants, want 4", len(vs.([]any)))
	}
}
