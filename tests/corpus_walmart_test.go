package tests

import "testing"

// TestCorpusWalmart runs every Walmart Marketplace file of the corpus
// through the default Walmart flows (flows/walmart_*.hcl, module walmart).
// The facts were read off the payloads and Walmart's Orders, Returns and
// Inventory API documentation:
//
//   - order ids are purchaseOrderIds; a line's PRODUCT charge is the price
//     of its whole quantity (every corpus line has quantity 1), its tax the
//     PRODUCT charge's tax.taxAmount (tax may be null);
//   - the grand total is orderSummary.totalAmount when the order has one,
//     else the sum of the open lines' charges and taxes;
//   - a line whose statuses are all Cancelled is cancelled, and an order
//     whose lines all are is cancelled;
//   - refund charges are negative in Walmart and positive in the canonical
//     Return.
func TestCorpusWalmart(t *testing.T) {
	runCorpus(t, walmartCorpusCases())
}

// walmartOrder is the facts of a one-line order of orders_list_shipped.json.
func walmartOrder(id, sku, status, grand string) map[string]string {
	f := map[string]string{
		"outcome":                     "delivered",
		"id":                          id,
		"channel":                     "walmart",
		"currency":                    "USD",
		"status":                      status,
		"#lines":                      "1",
		"lines.0.sku":                 sku,
		"lines.0.quantity.value":      "1",
		"lines.0.quantity.uom":        "EA",
		"lines.0.base_quantity.value": "1",
		"totals.grand_total.amount":   grand,
		"totals.discount.amount":      "0.00",
		"totals.shipping.amount":      "0.00",
		"ship_to.country":             "US",
	}
	if status == "cancelled" {
		f["lines.0.status"] = "cancelled"
		f["lines.0.unit_price.amount"] = "0.00"
		f["totals.subtotal.amount"] = "0.00"
		f["totals.tax.amount"] = "0.00"
	} else {
		f["lines.0.status"] = "open"
		f["base_quantity"] = "1 EA"
	}
	return f
}

func walmartCorpusCases() []corpusCase {
	// order_get_docs_example.json: Walmart's documented getOrder example.
	// Its "xyz" placeholders sit in fields that are strings (mart,
	// address2, cancellationReason, names) or that nothing reads (the item
	// weight "xyz"), so they pass as text; what gives it away is the money:
	// one line of 798 (PRODUCT) with 798 tax, and an orderSummary total of
	// 123. Its SKU 567259563 is in no item master: by default that is the
	// first problem (UNKNOWN_SKU); counting each unit as 1 EA, the totals
	// do not reconcile: 798 + 798 = 1596 ≠ 123.
	docs := map[string]string{
		"outcome":                   "dead_letter",
		"reason":                    "TOTALS_MISMATCH",
		"id":                        "1792410114462",
		"channel":                   "walmart",
		"currency":                  "USD",
		"status":                    "open", // its one line is Created
		"placed_at":                 "2009-05-07T17:05:45.678Z",
		"order_number":              "5101900976745",
		"#lines":                    "1",
		"base_quantity":             "1 EA",
		"lines.0.line_id":           "2",
		"lines.0.sku":               "567259563",
		"lines.0.unit_price.amount": "798.00",
		"lines.0.tax.amount":        "798.00",
		"totals.subtotal.amount":    "798.00",
		"totals.tax.amount":         "798.00",
		"totals.grand_total.amount": "123.00",
		"ship_to.country":           "US", // "USA"
		"ship_to.line2":             "xyz",
	}

	// order_shipped_with_tracking.json: one shipped line, 19.99 with 1.70
	// tax, address2 null, and a refund of -0.01 "Lost in Transit" with
	// tax null (a document of walmart_refunds).
	shipped := map[string]string{
		"outcome":                   "delivered",
		"id":                        "1577684050862",
		"channel":                   "walmart",
		"currency":                  "USD",
		"status":                    "open",
		"placed_at":                 "2017-01-15T05:42:29Z", // 1484458949000 ms
		"ship_by":                   "2017-01-17T07:00:00Z", // 1484636400000 ms
		"order_number":              "2861700797280",
		"customer.email":            "jsanthanam@walmartlabs.com",
		"#lines":                    "1",
		"base_quantity":             "1 EA",
		"lines.0.line_id":           "1",
		"lines.0.sku":               "MGR_07_21_00100123",
		"lines.0.unit_price.amount": "19.99",
		"lines.0.total.amount":      "19.99",
		"lines.0.tax.amount":        "1.70",
		"lines.0.status":            "open",
		"totals.subtotal.amount":    "19.99",
		"totals.tax.amount":         "1.70",
		"totals.grand_total.amount": "21.69",
		"ship_to.line1":             "860 W California ave",
		"ship_to.line2":             "<missing>", // null
		"ship_to.region":            "CA",
		"ship_to.postal_code":       "94086",
		"ship_to.country":           "US",
		"#shipping":                 "0",
	}

	// orders_list_shipped.json: a getAllOrders page of 10 orders, one
	// document each, in page order. The first has a Created line of 10.00
	// with 0.80 tax and an orderSummary total of 2.22 (in the
	// {currency, amount} shape): TOTALS_MISMATCH. Six have one Cancelled
	// line at 0 (tax 0 or null): cancelled orders, delivered as such. Three
	// are shipped lines of 9.99 with 0.85, 0.85 and 0.62 tax.
	first := walmartOrder("1796277083022", "test1", "open", "2.22")
	first["outcome"], first["reason"] = "dead_letter", "TOTALS_MISMATCH"
	first["lines.0.line_id"] = "4"
	first["totals.subtotal.amount"] = "10.00"
	first["totals.tax.amount"] = "0.80"
	list := []map[string]string{
		first,
		walmartOrder("3796235970012", "TEST-02", "cancelled", "0.00"),
		walmartOrder("1796235744850", "TEST-02", "cancelled", "0.00"),
		walmartOrder("2792525175246", "TEST-02", "cancelled", "0.00"),
		walmartOrder("4792514745205", "test1", "cancelled", "0.00"),
		walmartOrder("3796091528503", "TEST-02", "cancelled", "0.00"),
		walmartOrder("3796050123784", "TEST-02", "open", "10.84"),
		walmartOrder("2792360062965", "TEST-02", "open", "10.84"),
		walmartOrder("2792338900105", "TEST-02", "open", "10.61"),
		walmartOrder("2792163543930", "AC004", "cancelled", "0.00"),
	}
	list[6]["totals.tax.amount"] = "0.85"
	list[7]["totals.tax.amount"] = "0.85"
	list[8]["totals.tax.amount"] = "0.62"
	list[8]["ship_to.line2"] = "Apt # 1027"

	// v3_order.xml: the v3 order in XML (ns3 prefixes, BOM, CRLF), one
	// Acknowledged line of 124.98 with 10.93 tax.
	xmlOrder := map[string]string{
		"outcome":                           "delivered",
		"id":                                "2575193093772",
		"channel":                           "walmart",
		"currency":                          "USD",
		"status":                            "open",
		"placed_at":                         "2016-05-11T22:55:28Z",
		"ship_by":                           "2016-05-16T17:00:00Z",
		"order_number":                      "4021603841173",
		"#lines":                            "1",
		"base_quantity":                     "1 EA",
		"lines.0.line_id":                   "2",
		"lines.0.sku":                       "GRMN100201",
		"lines.0.unit_price.amount":         "124.98",
		"lines.0.tax.amount":                "10.93",
		"lines.0.taxes.0.title":             "Tax1",
		"lines.0.references.walmart_status": "Acknowledged",
		"totals.subtotal.amount":            "124.98",
		"totals.shipping.amount":            "0.00",
		"totals.tax.amount":                 "10.93",
		"totals.grand_total.amount":         "135.91",
		"ship_to.line2":                     "Seat # 860C.2.176",
		"ship_to.country":                   "US",
	}

	// v3_order_cancel.xml: the response to a cancellation, the order with
	// its one line Cancelled at 0.00: a cancelled order.
	xmlCancel := map[string]string{
		"outcome":                   "delivered",
		"id":                        "2575193093778",
		"currency":                  "USD",
		"status":                    "cancelled",
		"#lines":                    "1",
		"lines.0.status":            "cancelled",
		"lines.0.sku":               "GRMN100201",
		"totals.subtotal.amount":    "0.00",
		"totals.grand_total.amount": "0.00",
	}

	// v3_order_refund.xml as an order: the line is now Shipped, with a
	// SHIPPING charge of 2.00 (0.19 tax) besides the PRODUCT 124.98 (10.93
	// tax): 124.98 + 2.00 + 10.93 + 0.19 = 138.10.
	xmlRefundOrder := map[string]string{
		"outcome":                   "delivered",
		"id":                        "2575193093772",
		"status":                    "open",
		"#lines":                    "1",
		"base_quantity":             "1 EA",
		"#shipping":                 "1",
		"shipping.0.amount.amount":  "2.00",
		"shipping.0.tax.amount":     "0.19",
		"shipping.0.method":         "Standard",
		"totals.subtotal.amount":    "124.98",
		"totals.shipping.amount":    "2.00",
		"totals.tax.amount":         "11.12",
		"totals.grand_total.amount": "138.10",
	}

	// v3_order_refund.xml as a refund: a PRODUCT refund of -10.02 with
	// -5.03 tax (DamagedItem) and a SHIPPING refund of -1.02 with -0.05 tax
	// (TaxExemptCustomer): 16.12 back to the buyer, of which 5.08 tax and
	// 1.02 shipping. No refundId: the Return is the order's.
	xmlRefund := map[string]string{
		"outcome":                    "delivered",
		"id":                         "2575193093772",
		"order_id":                   "2575193093772",
		"channel":                    "walmart",
		"currency":                   "USD",
		"#lines":                     "1",
		"lines.0.line_id":            "2",
		"lines.0.sku":                "GRMN100201",
		"lines.0.quantity.value":     "0",
		"lines.0.restock":            "false",
		"lines.0.amount.amount":      "10.02",
		"lines.0.tax.amount":         "5.03",
		"lines.0.reason":             "DamagedItem, TaxExemptCustomer",
		"totals.refund_total.amount": "16.12",
		"totals.tax.amount":          "5.08",
		"totals.shipping.amount":     "1.02",
		"references.refund_ids":      "<missing>",
	}

	// order_shipped_with_tracking.json as a refund: -0.01 "Lost in
	// Transit", tax null.
	jsonRefund := map[string]string{
		"outcome":                    "delivered",
		"id":                         "1577684050862",
		"order_id":                   "1577684050862",
		"currency":                   "USD",
		"#lines":                     "1",
		"lines.0.amount.amount":      "0.01",
		"lines.0.tax.amount":         "0.00",
		"lines.0.reason":             "ItemNotReceivedByCustomer",
		"totals.refund_total.amount": "0.01",
		"totals.tax.amount":          "0.00",
		"totals.shipping.amount":     "0.00",
	}

	// returns_list.json: one REPLACEMENT return of one unit at 119.95
	// (chargeTotals lineSubTotal) with 7.50 tax (lineTotalTaxes);
	// totalRefundAmount 127.45 = 119.95 + 7.50. The item is expected back.
	ret := map[string]string{
		"outcome":                      "delivered",
		"id":                           "103738048909818825",
		"order_id":                     "4790210558890",
		"channel":                      "walmart",
		"currency":                     "USD",
		"created_at":                   "2019-02-21T01:01:08Z",
		"#lines":                       "1",
		"lines.0.line_id":              "1",
		"lines.0.sku":                  "ANTL_GDL-0700",
		"lines.0.quantity.value":       "1",
		"lines.0.quantity.uom":         "EA",
		"lines.0.restock":              "true",
		"lines.0.amount.amount":        "119.95",
		"lines.0.tax.amount":           "7.50",
		"lines.0.reason":               "ARRIVED_LATE",
		"totals.refund_total.amount":   "127.45",
		"totals.tax.amount":            "7.50",
		"totals.shipping.amount":       "0.00",
		"note":                         "REPLACEMENT",
		"references.customer_order_id": "1234567891234",
	}

	// v2_item_inventory.xml: 23 EACH of create-gmp1a.
	inv := map[string]string{
		"outcome":         "delivered",
		"sku":             "create-gmp1a",
		"channel":         "walmart",
		"available.value": "23",
		"available.uom":   "EA",
	}

	each := map[string]string{"unknown_sku": "each"}
	return []corpusCase{
		{File: "walmart/order_get_docs_example.json", Flow: "walmart_orders", Want: []map[string]string{{"outcome": "dead_letter", "reason": "UNKNOWN_SKU"}}},
		{File: "walmart/order_get_docs_example.json", Flow: "walmart_orders", Vars: each, Want: []map[string]string{docs}},
		{File: "walmart/order_shipped_with_tracking.json", Flow: "walmart_orders", Want: []map[string]string{shipped}},
		{File: "walmart/orders_list_shipped.json", Flow: "walmart_orders", Want: list},
		{File: "walmart/v3_order.xml", Flow: "walmart_orders_xml", Want: []map[string]string{xmlOrder}},
		{File: "walmart/v3_order_cancel.xml", Flow: "walmart_orders_xml", Want: []map[string]string{xmlCancel}},
		{File: "walmart/v3_order_refund.xml", Flow: "walmart_orders_xml", Want: []map[string]string{xmlRefundOrder}},

		// Refunds recorded on orders.
		{File: "walmart/v3_order_refund.xml", Flow: "walmart_refunds_xml", Want: []map[string]string{xmlRefund}},
		{File: "walmart/v3_order.xml", Flow: "walmart_refunds_xml", Want: []map[string]string{{"outcome": "filtered"}}},
		{File: "walmart/v3_order_cancel.xml", Flow: "walmart_refunds_xml", Want: []map[string]string{{"outcome": "filtered"}}},
		{File: "walmart/order_shipped_with_tracking.json", Flow: "walmart_refunds", Want: []map[string]string{jsonRefund}},
		// The documented example's refund charge is +798 with +798 tax:
		// positive, so not a refund as Walmart documents refunds.
		{File: "walmart/order_get_docs_example.json", Flow: "walmart_refunds", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "INVALID_MONEY", "id": "1792410114462", "totals.refund_total.amount": "-1596.00",
		}}},
		// Of the page, only the first order records a refund: +9.99 of
		// chargeType "charge Type" with +1.99 tax, positive again.
		{File: "walmart/orders_list_shipped.json", Flow: "walmart_refunds", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "INVALID_MONEY", "id": "1796277083022", "totals.refund_total.amount": "-11.98",
		}}},

		{File: "walmart/returns_list.json", Flow: "walmart_returns", Want: []map[string]string{ret}},
		{File: "walmart/v2_item_inventory.xml", Flow: "walmart_inventory", Want: []map[string]string{inv}},
	}
}

// TestCorpusWalmartEdges runs payloads derived from the corpus files
// (testdata/corpus/walmart/edge, see SOURCES.md there) for the cases the
// corpus shows or implies but does not contain.
func TestCorpusWalmartEdges(t *testing.T) {
	runCorpus(t, walmartEdgeCases())
}

func walmartEdgeCases() []corpusCase {
	// The shipped order with purchaseOrderId removed.
	missingID := map[string]string{"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD"}
	// 19.999 USD has a tenth of a cent: never rounded.
	fraction := map[string]string{"outcome": "dead_letter", "reason": "INVALID_MONEY"}
	// "xyz" is not a country.
	country := map[string]string{"outcome": "dead_letter", "reason": "INVALID_COUNTRY"}
	// Line 1: 2 EACH for 39.98 (19.99 each) with 3.40 tax and 5.00
	// shipping (tax null); line 2 Canceled (the newer spelling) at 0.
	// 39.98 + 5.00 + 3.40 = 48.38; the cancelled line counts nowhere.
	multi := map[string]string{
		"outcome":                   "delivered",
		"status":                    "open",
		"#lines":                    "2",
		"base_quantity":             "2 EA",
		"lines.0.quantity.value":    "2",
		"lines.0.unit_price.amount": "19.99",
		"lines.0.total.amount":      "39.98",
		"lines.0.tax.amount":        "3.40",
		"lines.1.status":            "cancelled",
		"lines.1.sku":               "TEST-02",
		"#shipping":                 "1",
		"totals.subtotal.amount":    "39.98",
		"totals.shipping.amount":    "5.00",
		"totals.tax.amount":         "3.40",
		"totals.grand_total.amount": "48.38",
	}
	// 3 EACH for 10.00: 3.333… each has no exact price in cents.
	uneven := map[string]string{"outcome": "dead_letter", "reason": "INVALID_MONEY"}
	// The XML list page holds v3_order.xml and v3_order_cancel.xml.
	listOrder := map[string]string{"outcome": "delivered", "id": "2575193093772", "#lines": "1", "totals.grand_total.amount": "135.91"}
	listCancel := map[string]string{"outcome": "delivered", "id": "2575193093778", "status": "cancelled", "totals.grand_total.amount": "0.00"}

	return []corpusCase{
		{File: "walmart/edge/order_missing_purchase_order_id.json", Flow: "walmart_orders", Want: []map[string]string{missingID}},
		{File: "walmart/edge/order_fraction_of_cent.json", Flow: "walmart_orders", Want: []map[string]string{fraction}},
		{File: "walmart/edge/order_country_not_code.json", Flow: "walmart_orders", Want: []map[string]string{country}},
		{File: "walmart/edge/order_multi_quantity_partly_cancelled.json", Flow: "walmart_orders", Want: []map[string]string{multi}},
		{File: "walmart/edge/order_multi_quantity_uneven.json", Flow: "walmart_orders", Want: []map[string]string{uneven}},
		{File: "walmart/edge/orders_list_empty.json", Flow: "walmart_orders", Want: []map[string]string{{"outcome": "filtered"}}},
		{File: "walmart/edge/orders_list.xml", Flow: "walmart_orders_xml", Want: []map[string]string{listOrder, listCancel}},
		// A DTD declaring an external entity (XXE) is refused before
		// anything is read.
		{File: "walmart/edge/order_xxe.xml", Flow: "walmart_orders_xml", Want: []map[string]string{{"outcome": "dead_letter", "reason": "INVALID_XML"}}},
		// <ns3:amount>124,98</ns3:amount>: a decimal comma is not a number.
		{File: "walmart/edge/order_decimal_comma.xml", Flow: "walmart_orders_xml", Want: []map[string]string{{"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH"}}},
		// An inventory document is not an order: its root is <inventory>.
		{File: "walmart/v2_item_inventory.xml", Flow: "walmart_orders_xml", Want: []map[string]string{{"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH"}}},
	}
}
