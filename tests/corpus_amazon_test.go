package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// TestCorpusAmazon runs every Amazon SP-API corpus payload that is an
// order or inventory document through its default flow. The facts were
// worked out by reading the payloads and Amazon's models
// (ordersV0.json, orders_2026-01-01.json, vendorOrders.json,
// fbaInventory.json); see testdata/corpus/amazon/SOURCES.md for what each
// file is. listingsItems_getListingsItem_example.json is a listing, not an
// order, inventory or shipment document: it has no test.
func TestCorpusAmazon(t *testing.T) {
	runCorpus(t, amazonCorpusCases())
}

func amazonCorpusCases() []corpusCase {
	return []corpusCase{
		// --- Orders API v0: an order is getOrder + getOrderItems. ---

		// Unshipped US order: ItemPrice 10.00 is the line (1 × 10.00),
		// ItemTax 1.01 is added (Amazon.com), PromotionDiscount 0.00; no
		// shipping. 10.00 − 0.00 + 0.00 + 1.01 = 11.01 = OrderTotal. The
		// buyer asked to cancel ("IsBuyerRequestedCancel": "true"), but
		// the order is still Unshipped: the line stays open.
		{File: "amazon/ordersV0_getOrders_sandbox_0_with_getOrderItems_sandbox.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "delivered", "id": "902-1845936-5435065", "channel": "amazon", "status": "open",
			"currency": "USD", "marketplace": "amazon.com", "placed_at": "1970-01-19T03:58:30Z",
			"#lines": "1", "base_quantity": "1 EA",
			"lines.0.sku": "NABetaASINB00551Q3CS", "lines.0.line_id": "05015851154158", "lines.0.status": "open",
			"lines.0.quantity.value": "1", "lines.0.unit_price.amount": "10.00", "lines.0.tax.amount": "1.01",
			"lines.0.total.amount": "10.00", "lines.0.references.gift": "false",
			"lines.0.references.buyer_requested_cancel": "true",
			"#shipping": "0", "taxes_included": "false",
			"totals.subtotal.amount": "10.00", "totals.discount.amount": "0.00", "totals.shipping.amount": "0.00",
			"totals.tax.amount": "1.01", "totals.grand_total.amount": "11.01", "totals.grand_total.currency": "USD",
			"references.fulfillment_channel": "MFN", "references.marketplace_id": "ATVPDKIKX0DER",
			"ship_by": "1970-01-19T04:05:13Z",
		}}},
		// The getOrder example is Pending: no OrderTotal (and Amazon gives
		// no item prices while Pending). Nothing is guessed.
		{File: "amazon/ordersV0_getOrder_example_with_getOrderItems_example.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
		// The IBA order (921-3175655-0452641) with the items of order
		// 903-1671087-0812628: the two halves are of different orders.
		{File: "amazon/ordersV0_getOrder_IBA_with_getOrderItems_example.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "ENVELOPE_INVALID",
		}}},
		// The IBA order without its items: no lines to book.
		{File: "amazon/ordersV0_getOrder_IBA_alone.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD",
		}}},
		// Bare v0 responses are not order documents: a getOrders page lists
		// orders without items; getOrder or getOrderItems alone is half an
		// order.
		{File: "amazon/ordersV0_getOrders_sandbox_TEST_CASE_200.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},
		{File: "amazon/ordersV0_getOrder_example.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},
		{File: "amazon/ordersV0_getOrder_sandbox_TEST_CASE_IBA_200.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},
		{File: "amazon/ordersV0_getOrderItems_example.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},
		{File: "amazon/ordersV0_getOrderItems_sandbox_TEST_CASE_200.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},
		// The ORDER_CHANGE notification says an order changed; it carries
		// no prices, so it is not an order.
		{File: "amazon/notification_ORDER_CHANGE_example.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH",
		}}},

		// Edge: the IBA order (Amazon.de, OrderTotal 100.00 EUR, paid 20.00
		// BRL via Pix) with items written for the test: 1 × 100.00 EUR, VAT
		// 15.97 included. The currency is the OrderTotal's; VAT is included
		// on Amazon.de, so 100.00 − 0 + 0 = 100.00.
		{File: "amazon/derived_ordersV0_getOrder_IBA_with_written_items.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "delivered", "id": "921-3175655-0452641", "currency": "EUR", "status": "closed",
			"marketplace": "amazon.de", "#lines": "1", "base_quantity": "1 EA", "taxes_included": "true",
			"totals.tax.amount": "15.97", "totals.grand_total.amount": "100.00", "totals.grand_total.currency": "EUR",
			"references.payment_execution": "Pix 20.00 BRL", "references.fulfillment_channel": "AFN",
			"references.business_order": "true",
		}}},
		// Edge: the sandbox order Canceled: its line is cancelled and counts
		// in no total (no open line, no base quantity); Amazon's OrderTotal
		// is kept as stated.
		{File: "amazon/derived_ordersV0_sandbox_pair_canceled.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "delivered", "id": "902-1845936-5435065", "status": "cancelled", "currency": "USD",
			"#lines": "1", "lines.0.status": "cancelled", "base_quantity": "0 ",
			"totals.subtotal.amount": "0.00", "totals.grand_total.amount": "11.01",
		}}},

		// --- Orders API 2026-01-01: the getOrder response as it is. ---

		// 3 × unitPrice 29.99 = 89.97 (ITEM); SHIPPING 10.00; TAX 4.00 (3.00
		// on the item, 1.00 on shipping), added: 89.97 + 10.00 + 4.00 =
		// 103.97 = grandTotal. SHIPPED → closed.
		{File: "amazon/orders_2026-01-01_getOrder_example.json", Flow: "amazon_orders", Want: []map[string]string{{
			"outcome": "delivered", "id": "202-1234567-8901234", "channel": "amazon", "status": "closed",
			"currency": "GBP", "marketplace": "amazon.co.uk", "placed_at": "2024-12-25T09:15:00Z",
			"#lines": "1", "base_quantity": "3 EA",
			"lines.0.sku": "ECHO-DOT-4-UK-CHARCOAL-3PACK", "lines.0.quantity.value": "3",
			"lines.0.unit_price.amount": "29.99", "lines.0.total.amount": "89.97", "lines.0.tax.amount": "3.00",
			"#shipping": "1", "shipping.0.amount.amount": "10.00", "shipping.0.tax.amount": "1.00", "shipping.0.method": "STANDARD",
			"totals.subtotal.amount": "89.97", "totals.discount.amount": "0.00", "totals.shipping.amount": "10.00",
			"totals.tax.amount": "4.00", "totals.grand_total.amount": "103.97", "totals.grand_total.currency": "GBP",
			"ship_to.country": "GB", "ship_to.company": "Wilson Electronics Ltd",
			"references.fulfilled_by": "MERCHANT", "references.seller_order_id": "UK-MERCHANT-ORDER-2024-001",
			"ship_by": "2024-12-26T23:59:59Z",
		}}},

		// --- Vendor Orders: Amazon's purchase order to the vendor. ---

		// 37 × 140.00 + 24 × 15.62 + 1 × 110.00 = 5180.00 + 374.88 + 110.00
		// = 5664.88 USD (the PO states no total: Σ lines). All Eaches, unit
		// size 1: 62 EA. Closed → closed.
		{File: "amazon/vendorOrders_getPurchaseOrder_sandbox.json", Flow: "amazon_vendor_orders", Want: []map[string]string{{
			"outcome": "delivered", "id": "4Z32PABC", "channel": "amazon_vendor", "status": "closed",
			"currency": "USD", "po_number": "4Z32PABC", "#lines": "3", "base_quantity": "62 EA",
			"lines.1.sku": "0017817748000", "lines.1.unit_price.amount": "15.62", "lines.1.total.amount": "374.88",
			"totals.grand_total.amount": "5664.88", "totals.subtotal.amount": "5664.88", "totals.tax.amount": "0.00",
			"customer.id": "ABCD", "references.ship_to_party": "ABCD", "ship_by": "2019-08-03T07:00:00Z",
		}}},
		// Edge: item 2 as 2 Cases of 12: base 24 EA, the case costs 12 ×
		// 15.62 = 187.44, the line 2 × 187.44 = 374.88; totals unchanged.
		{File: "amazon/derived_vendorOrders_item2_in_cases.json", Flow: "amazon_vendor_orders", Want: []map[string]string{{
			"outcome": "delivered", "id": "4Z32PABC", "#lines": "3", "base_quantity": "62 EA",
			"lines.1.quantity.value": "2", "lines.1.quantity.uom": "CS",
			"lines.1.base_quantity.value": "24", "lines.1.base_quantity.uom": "EA",
			"lines.1.unit_price.amount": "187.44", "lines.1.total.amount": "374.88",
			"totals.grand_total.amount": "5664.88",
		}}},

		// --- FBA inventory: one level per summary. ---
		{File: "amazon/fbaInventory_getInventorySummaries_sandbox.json", Flow: "amazon_inventory", Want: []map[string]string{
			{
				"outcome": "delivered", "sku": "EMTEC 1 GB", "item_id": "B0020MLK00", "location_id": "ATVPDKIKX0DER",
				"available.value": "0", "available.uom": "EA", "reserved.value": "0", "updated_at": "<missing>", "channel": "amazon",
			},
			{
				"outcome": "delivered", "sku": "EMTEC-SdCard-reader", "item_id": "B0020MLK00", "location_id": "ATVPDKIKX0DER",
				"available.value": "0", "reserved.value": "0", "updated_at": "<missing>",
			},
			{
				"outcome": "delivered", "sku": "Silicon Power 32GB", "item_id": "B00T9QONN6", "location_id": "ATVPDKIKX0DER",
				"available.value": "66", "available.uom": "EA", "reserved.value": "0", "updated_at": "2018-03-31T23:40:39Z",
			},
		}},
	}
}

// TestCorpusAmazonMappings applies single mappings of the amazon module to
// payload parts the flows cannot reach with the corpus alone.
func TestCorpusAmazonMappings(t *testing.T) {
	cfg, _ := loadDefaultFlows(t, nil)
	apply := func(t *testing.T, mapping string, body []byte) (any, error) {
		t.Helper()
		m := cfg.Mappings[mapping]
		if m == nil {
			t.Fatalf("no mapping %s", mapping)
		}
		in, err := jsondoc.Decode(body, m.Input, nil, jsondoc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m.Apply(in)
	}

	// The getOrderItems example prices its items in JPY with decimals
	// ("25.99", "17.95"). JPY has no minor unit: as JPY money these
	// amounts are INVALID_MONEY, never rounded.
	t.Run("jpy_with_decimals", func(t *testing.T) {
		body, err := os.ReadFile(filepath.Join("testdata", "corpus", "amazon", "ordersV0_getOrderItems_example.json"))
		if err != nil {
			t.Fatal(err)
		}
		items := cfg.Mappings["amazon.order_line_v0"]
		doc, err := jsondoc.Decode(body, cfg.Types.Lookup("amazon.Orders.V0GetOrderItemsResponse"), nil, jsondoc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		list, _ := walk(doc, "payload.OrderItems")
		for i, item := range list.([]any) {
			if _, err := items.Apply(item); builtin.ReasonOf(err) != builtin.ReasonInvalidMoney {
				t.Errorf("item %d: error %v, want INVALID_MONEY", i+1, err)
			}
		}
	})

	cases := []struct {
		name, mapping, body string
		reason              string
		want                map[string]string
	}{
		{
			// ItemPrice is the line: 2 × 12.99 = 25.98.
			name: "v0_unit_price", mapping: "amazon.order_line_v0",
			body: `{"ASIN": "B0", "OrderItemId": "1", "SellerSKU": "S", "QuantityOrdered": 2, "ItemPrice": {"CurrencyCode": "USD", "Amount": "25.98"}, "PromotionDiscount": {"CurrencyCode": "USD", "Amount": "1.00"}, "IsGift": true}`,
			want: map[string]string{"unit_price.amount": "12.99", "total.amount": "24.98", "discount.amount": "1.00", "references.gift": "true"},
		},
		{
			// 10.00 for 3 units is no whole number of cents per unit.
			name: "v0_unit_price_not_exact", mapping: "amazon.order_line_v0",
			body:   `{"ASIN": "B0", "OrderItemId": "1", "SellerSKU": "S", "QuantityOrdered": 3, "ItemPrice": {"CurrencyCode": "USD", "Amount": "10.00"}}`,
			reason: builtin.ReasonInvalidMoney,
		},
		{
			name: "v0_decimal_comma", mapping: "amazon.order_line_v0",
			body:   `{"ASIN": "B0", "OrderItemId": "1", "SellerSKU": "S", "QuantityOrdered": 1, "ItemPrice": {"CurrencyCode": "EUR", "Amount": "24,99"}}`,
			reason: builtin.ReasonInvalidMoney,
		},
		{
			// A Pending order's item: no ItemPrice.
			name: "v0_pending_item", mapping: "amazon.order_line_v0",
			body:   `{"ASIN": "B0", "OrderItemId": "1", "SellerSKU": "S", "QuantityOrdered": 1}`,
			reason: builtin.ReasonNullRequiredField,
		},
		{
			// Without details=true there is no inventoryDetails; totalQuantity
			// is not the available quantity.
			name: "fba_without_details", mapping: "amazon.inventory_level",
			body:   `{"asin": "B0", "fnSku": "X0", "sellerSku": "S", "totalQuantity": 5, "lastUpdatedTime": ""}`,
			reason: builtin.ReasonNullRequiredField,
		},
		{
			name: "fba_asin_when_no_fnsku", mapping: "amazon.inventory_level",
			body: `{"asin": "B0", "sellerSku": "S", "inventoryDetails": {"fulfillableQuantity": 4}, "lastUpdatedTime": "2024-01-02T03:04:05Z"}`,
			want: map[string]string{"item_id": "B0", "available.value": "4", "reserved": "<missing>", "updated_at": "2024-01-02T03:04:05Z"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := apply(t, c.mapping, []byte(c.body))
			if c.reason != "" {
				if builtin.ReasonOf(err) != c.reason {
					t.Fatalf("error %v, want %s", err, c.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range c.want {
				got := "<missing>"
				if v, ok := walk(out, k); ok {
					got = strings.Trim(builtin.Format(v), `"`)
				}
				if got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}
