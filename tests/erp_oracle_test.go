package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// TestERPOracleSalesOrders runs every accepted corpus order through
// erp_orders with erp = "oracle" (kits as kit lines and as components)
// and checks the salesOrdersForOrderHub body against Oracle's documented
// shape and arithmetic:
//
//   - the required source order key (SourceTransactionNumber,
//     SourceTransactionSystem, SourceTransactionId = "<channel>:<id>")
//     and every line's (SourceTransactionLineId = the channel's line id,
//     SourceTransactionLineNumber, SourceTransactionScheduleId,
//     SourceScheduleNumber) are there; quantities and prices are JSON
//     numbers;
//   - the goods lines are erp.lines one for one: same count, item,
//     quantity and Oracle unit; the freight line is there exactly when the
//     order has freight;
//   - Oracle's arithmetic: a line's extended amount is OrderedQuantity ×
//     UnitSellingPrice rounded to the currency, and equals the line's net
//     amount (× UnitListPrice, its gross); Σ extended amounts + the
//     channel's tax unless its prices include it = the grand total, to the
//     cent;
//   - the references: CustomerPONumber is the order key, Comments name
//     channel, order and correlation id.
//
// A cancelled order the ERP never had is filtered by erp_orders; its
// document (a revision Oracle would get as an update) has every line at
// quantity 0.
func TestERPOracleSalesOrders(t *testing.T) {
	for _, kits := range []string{"kit", "components"} {
		cfg, _ := sapFlows(t, map[string]string{"erp": "oracle", "erp_kits": kits})
		lines, shippingNetOf := cfg.Mappings["erp.lines"], cfg.Mappings["erp.shipping_net"]
		for _, d := range erpDocuments(t, "oracle", map[string]string{"erp_kits": kits}) {
			t.Run(kits+"/"+d.Name, func(t *testing.T) {
				doc, ok := d.Doc.(map[string]any)
				if !ok {
					j, _ := d.Outcome.JSON()
					t.Fatalf("no erp_document\n%s", j)
				}
				order := d.Order
				key := order["channel"].(string) + ":" + order["id"].(string)
				for f, want := range map[string]string{
					"SourceTransactionNumber": key, "SourceTransactionId": key, "SourceTransactionSystem": "TRANSLOAD",
					"CustomerPONumber": key, "BusinessUnitName": "Vision Operations", "BuyingPartyNumber": "1006",
					"TransactionalCurrencyCode": order["currency"].(string),
				} {
					if doc[f] != want {
						t.Errorf("%s = %v, want %s", f, doc[f], want)
					}
				}
				if doc["FreezePriceFlag"] != true || doc["FreezeShippingChargeFlag"] != true || doc["FreezeTaxFlag"] != false || doc["SubmittedFlag"] != true {
					t.Errorf("flags: price %v shipping %v tax %v submitted %v", doc["FreezePriceFlag"], doc["FreezeShippingChargeFlag"], doc["FreezeTaxFlag"], doc["SubmittedFlag"])
				}
				comments, _ := doc["Comments"].(string)
				for _, want := range []string{"channel=" + order["channel"].(string) + "\n", "order=" + order["id"].(string) + "\n", "correlation=m_"} {
					if !strings.Contains(comments, want) {
						t.Errorf("Comments %q do not hold %q", comments, want)
					}
				}
				all, _ := doc["lines"].([]any)
				var goods []map[string]any
				var freight map[string]any
				for _, l := range all {
					line := l.(map[string]any)
					for _, f := range []string{"SourceTransactionLineId", "SourceTransactionLineNumber", "SourceTransactionScheduleId", "SourceScheduleNumber", "ProductNumber", "OrderedUOMCode"} {
						if s, _ := line[f].(string); s == "" {
							t.Errorf("line %v: %s is missing", line["SourceTransactionLineId"], f)
						}
					}
					if _, ok := line["OrderedQuantity"].(builtin.Decimal); !ok {
						t.Errorf("line %v: OrderedQuantity %T is not a number", line["SourceTransactionLineId"], line["OrderedQuantity"])
					}
					if line["SourceTransactionLineId"] == "FREIGHT" {
						freight = line
					} else {
						goods = append(goods, line)
					}
				}
				if order["status"] == "cancelled" {
					if d.Outcome.Outcome != "filtered" {
						t.Fatalf("a cancelled order the ERP never had: outcome %s, want filtered", d.Outcome.Outcome)
					}
					if len(all) == 0 {
						t.Error("cancelled order without lines")
					}
					for _, l := range all {
						if q := l.(map[string]any)["OrderedQuantity"].(builtin.Decimal); !q.IsZero() {
							t.Errorf("cancelled order: line %v at quantity %s", l.(map[string]any)["SourceTransactionLineId"], q)
						}
					}
					return
				}
				if d.Outcome.Outcome != "delivered" {
					j, _ := d.Outcome.JSON()
					t.Fatalf("outcome %s\n%s", d.Outcome.Outcome, j)
				}
				want, err := lines.Apply(map[string]any{"order": order, "line_discounts": true})
				if err != nil {
					t.Fatal(err)
				}
				wantLines := want.([]any)
				if len(goods) != len(wantLines) {
					t.Fatalf("%d goods lines, erp.lines has %d", len(goods), len(wantLines))
				}
				cur := order["currency"].(string)
				sum, err := builtin.ZeroMoney(cur)
				if err != nil {
					t.Fatal(err)
				}
				for i, got := range goods {
					line := wantLines[i].(map[string]any)
					q := line["quantity"].(builtin.Quantity)
					if got["SourceTransactionLineId"] != line["line_id"] || got["ProductNumber"] != line["item"] ||
						got["OrderedQuantity"].(builtin.Decimal).Cmp(q.Value) != 0 || got["OrderedUOMCode"] != oracleUOM(q.UOM) {
						t.Errorf("line %v: %v %v %v, erp.lines has %v %v %s", got["SourceTransactionLineId"], got["ProductNumber"], got["OrderedQuantity"], got["OrderedUOMCode"], line["line_id"], line["item"], q)
					}
					ext := oracleExtend(t, got["OrderedQuantity"], got["UnitSellingPrice"], cur)
					if !sameMoney(ext, line["amount"].(builtin.Money)) {
						t.Errorf("line %v: %v × %v = %s, the line's amount is %s", got["SourceTransactionLineId"], got["OrderedQuantity"], got["UnitSellingPrice"], ext, line["amount"])
					}
					if list := oracleExtend(t, got["OrderedQuantity"], got["UnitListPrice"], cur); !sameMoney(list, line["gross"].(builtin.Money)) {
						t.Errorf("line %v: list extension %s, the line's gross is %s", got["SourceTransactionLineId"], list, line["gross"])
					}
					sum = mustAdd(t, sum, ext)
				}
				net, err := shippingNetOf.Apply(order)
				if err != nil {
					t.Fatal(err)
				}
				if net.(builtin.Money).IsZero() != (freight == nil) {
					t.Errorf("freight %s, freight line %v", net, freight)
				}
				if freight != nil {
					ext := oracleExtend(t, freight["OrderedQuantity"], freight["UnitSellingPrice"], cur)
					if !sameMoney(ext, net.(builtin.Money)) || freight["ProductNumber"] != "FREIGHT" {
						t.Errorf("freight line %v worth %s, freight is %s", freight, ext, net)
					}
					sum = mustAdd(t, sum, ext)
				}
				totals := order["totals"].(map[string]any)
				got := sum
				if inc, _ := order["taxes_included"].(bool); !inc {
					got = mustAdd(t, got, totals["tax"].(builtin.Money))
				}
				if gt := totals["grand_total"].(builtin.Money); !sameMoney(got, gt) {
					t.Errorf("Oracle extended amounts %s + tax = %s, want the grand total %s", sum, got, gt)
				}
			})
		}
	}
}

// oracleExtend is Oracle's extended amount: quantity × unit price,
// rounded half-even to the currency.
func oracleExtend(t *testing.T, q, price any, cur string) builtin.Money {
	t.Helper()
	qd, ok1 := q.(builtin.Decimal)
	pd, ok2 := price.(builtin.Decimal)
	if !ok1 || !ok2 {
		t.Fatalf("quantity %v (%T) or price %v (%T) is not a number", q, q, price, price)
	}
	v, err := qd.Mul(pd)
	if err != nil {
		t.Fatal(err)
	}
	m, err := builtin.RoundMoney(v, cur, builtin.HalfEven)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// oracleUOM is what oracle.uom makes of a Rec 20 unit.
func oracleUOM(rec20 string) string {
	switch rec20 {
	case "EA", "C62", "H87":
		return "Ea"
	}
	return rec20
}

// TestERPOracleSink: with erp_url set, the order is POSTed to
// salesOrdersForOrderHub with Upsert-Mode: true and its find_url reads
// the order by its OrderKey, TRANSLOAD:<channel>:<id>; the update that
// cancels it is POSTed the same way (an upsert of the same key, never a
// second order), every line at quantity 0.
func TestERPOracleSink(t *testing.T) {
	vars := map[string]string{"erp": "oracle", "erp_url": "https://pod.example.invalid/fscmRestApi/resources/11.13.18.05", "oracle_cancel_reason": "CUST_REQUEST"}
	outs, got := sapSinkRun(t, vars, "oracle",
		sapOrderSample(t, nil),
		sapOrderSample(t, func(m map[string]any) { m["status"] = "cancelled" }))
	if len(outs) != 2 || outs[0].Outcome != "delivered" || outs[1].Outcome != "delivered" {
		j0, _ := outs[0].JSON()
		j1, _ := outs[1].JSON()
		t.Fatalf("outcomes\n%s\n%s", j0, j1)
	}
	if len(got) != 2 {
		t.Fatalf("%d deliveries, want the order and its update", len(got))
	}
	for i, d := range got {
		if p := d.Settings["path"][""]; p != "/salesOrdersForOrderHub" {
			t.Errorf("delivery %d: path %q", i, p)
		}
		if h := d.Settings["headers"]["Upsert-Mode"]; h != "true" {
			t.Errorf("delivery %d: Upsert-Mode %q", i, h)
		}
		if f := d.Settings["find_url"][""]; f != "/salesOrdersForOrderHub/TRANSLOAD:b2b:PO-77120" {
			t.Errorf("delivery %d: find_url %q", i, f)
		}
	}
	if !got[1].Update {
		t.Error("the cancellation is not delivered as an update")
	}
	doc := got[1].Body.(map[string]any)
	if doc["CancelReasonCode"] != "CUST_REQUEST" {
		t.Errorf("CancelReasonCode %v", doc["CancelReasonCode"])
	}
	for _, l := range doc["lines"].([]any) {
		line := l.(map[string]any)
		if !line["OrderedQuantity"].(builtin.Decimal).IsZero() || line["CancelReasonCode"] != "CUST_REQUEST" {
			t.Errorf("cancelled line %v: quantity %v, reason %v", line["SourceTransactionLineId"], line["OrderedQuantity"], line["CancelReasonCode"])
		}
	}

	// An order id with characters a URL path gives a meaning to is
	// escaped in find_url; a channel with a buying party of its own
	// (oracle_buying_party_numbers) is sold to it.
	vars["oracle_buying_party_numbers"] = `{ b2b = "10060" }`
	_, got = sapSinkRun(t, vars, "oracle", sapOrderSample(t, func(m map[string]any) { m["id"] = "PO 77/120#1" }))
	if len(got) != 1 || got[0].Settings["find_url"][""] != "/salesOrdersForOrderHub/TRANSLOAD:b2b:PO%2077%2F120%231" || got[0].Body.(map[string]any)["BuyingPartyNumber"] != "10060" {
		t.Errorf("find_url of an id with specials, buying party of the b2b channel: %v", got)
	}
}

// TestERPOraclePrices: unit prices have the currency's decimals when the
// division is exact, else 6 decimals, as long as Oracle's extension gives
// the amount back; a unit price that cannot is INVALID_MONEY.
func TestERPOraclePrices(t *testing.T) {
	cfg, _ := sapFlows(t, nil)
	m := cfg.Mappings["oracle.unit_price"]
	for _, c := range []struct{ amount, q, want, err string }{
		{amount: "10.00", q: "4", want: "2.50"},
		{amount: "10.00", q: "3", want: "3.333333"},
		{amount: "0.00", q: "0", want: "0.00"},
		{amount: "100000.01", q: "100000", err: "INVALID_MONEY"},
	} {
		out, err := m.Apply(map[string]any{"amount": builtin.Money{Amount: builtin.MustDecimal(c.amount), Currency: "USD"}, "quantity": builtin.MustDecimal(c.q), "line_id": "1"})
		if c.err != "" {
			if builtin.ReasonOf(err) != c.err {
				t.Errorf("%s for %s: %v, want %s", c.amount, c.q, err, c.err)
			}
			continue
		}
		if err != nil || out.(builtin.Decimal).String() != c.want {
			t.Errorf("%s for %s: %v %v, want %s", c.amount, c.q, out, err, c.want)
		}
	}
}

// oracleApply decodes a sample from tests/testdata/erp/oracle as the
// input of an oracle mapping and applies it.
func oracleApply(t *testing.T, mapping, file string) (any, error) {
	t.Helper()
	cfg, _ := sapFlows(t, nil)
	m := cfg.Mappings[mapping]
	if m == nil {
		t.Fatalf("no mapping %s", mapping)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "erp", "oracle", file))
	if err != nil {
		t.Fatal(err)
	}
	in, err := jsondoc.Decode(body, m.Input, nil, jsondoc.Options{})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m.Apply(in)
}

// TestERPOracleShipment maps the shipment lines sample (written from the
// shipmentLines reference: Shopify order #1001 of the corpus, two lines
// shipped in one UPS package, the third backordered) into a canonical
// shipment: channel, order and line ids come back from SourceOrder and
// SourceOrderLine.
func TestERPOracleShipment(t *testing.T) {
	out, err := oracleApply(t, "oracle.shipment", "shipment_lines_shopify_1001.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"id": "SHP-4521", "channel": "shopify", "order_id": "450789469", "status": "Shipped",
		"shipped_at": "2008-01-13T14:30:00Z", "carrier": "UPS", "service": "UPS-Parcel-Ground",
		"#tracking": "1", "tracking.0.number": "1Z999AA10123456784", "tracking.0.carrier": "UPS",
		"#lines": "2", "lines.0.line_id": "466157049", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity.value": "1", "lines.0.quantity.uom": "EA",
		"lines.1.line_id": "518995019", "lines.1.sku": "IPOD2008RED",
		"references.source_order": "shopify:450789469", "references.oracle_order": "520317", "references.organization": "M1",
	})
}

// TestERPOracleInvoice maps the receivables invoice sample (written from
// the receivablesInvoices reference: the b2b order PO-77120 invoiced with
// Maine sales tax, its freight line) into a canonical invoice:
// 3175.20 + 85.00 + 174.63 = 3434.83.
func TestERPOracleInvoice(t *testing.T) {
	out, err := oracleApply(t, "oracle.invoice", "receivables_invoice_b2b_PO-77120.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"id": "120457", "channel": "b2b", "order_id": "PO-77120", "po_number": "PO-77120",
		"invoice_date": "2026-11-05T00:00:00Z", "due_date": "2026-12-05T00:00:00Z", "currency": "USD", "terms": "30 Net",
		"#lines": "2", "lines.0.line_id": "1", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity.value": "12", "lines.0.quantity.uom": "EA",
		"lines.0.unit_price.amount": "176.40", "lines.0.tax.amount": "116.42", "lines.0.total.amount": "2116.80",
		"lines.1.total.amount": "1058.40", "lines.1.tax.amount": "58.21",
		"shipping.amount": "85.00", "totals.subtotal.amount": "3175.20", "totals.discount.amount": "0.00",
		"totals.shipping.amount": "85.00", "totals.tax.amount": "174.63", "totals.grand_total.amount": "3434.83",
		"references.oracle_sales_order": "520318", "references.oracle_transaction_id": "300100190442001",
	})
}

// TestERPOracleInventory: available to transact is available; reserved
// is on hand less available to reserve.
func TestERPOracleInventory(t *testing.T) {
	out, err := oracleApply(t, "oracle.inventory", "available_quantity_detail.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"sku": "IPOD2008GREEN", "location_id": "M1/Stores", "available.value": "45", "available.uom": "EA",
		"reserved.value": "8", "channel": "erp",
	})
}

// TestERPOracleCustomer and TestERPOracleItem: an account, and an item
// with its price list charge and weight in pounds.
func TestERPOracleCustomer(t *testing.T) {
	out, err := oracleApply(t, "oracle.customer", "account_organization.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"id": "1006", "name": "Computer Service and Rentals", "company": "Computer Service and Rentals",
		"email": "orders@csr.example", "phone": "+1 (212) 555-0123", "tax_id": "98-7654321",
		"references.oracle_party_id": "300000047414679", "references.primary_contact": "Henry Smith",
	})
}

func TestERPOracleItem(t *testing.T) {
	out, err := oracleApply(t, "oracle.item", "item_with_price.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"id": "AS54888", "title": "Standard Desktop", "status": "active", "created_at": "2019-05-10T09:12:33Z",
		"variants.0.sku": "AS54888", "variants.0.price.amount": "1299.99", "variants.0.price.currency": "USD",
		"variants.0.weight.value": "12.5", "variants.0.weight.uom": "LBR",
	})
}
