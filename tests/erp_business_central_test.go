package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// bcVars are the Business Central settings the conformance tests run with:
// a customer for every channel and a G/L account for freight (orders with
// freight are INVALID_SETTING without one).
var bcVars = map[string]string{"bc_customer_number": "C00010", "bc_freight_account": "6810"}

// TestERPBusinessCentralOrders: every accepted corpus order becomes a
// Business Central salesOrder whose lines are erp.lines' (same count,
// items, quantities, units), each followed by its trace comment, and whose
// amounts add up under Business Central's arithmetic, to the cent:
//
//	line amount = ROUND(quantity × unitPrice, currency) − discountAmount
//	Σ line amounts (items, freight, tax lines) = grand_total − tax
//
// when Business Central computes the tax (the default), or = grand_total
// when bc_tax_account carries the channel's tax as lines, or when prices
// include tax. Kits are checked both ways.
func TestERPBusinessCentralOrders(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
	}{
		{"default", nil},
		{"components", map[string]string{"erp_kits": "components"}},
		{"tax_lines", map[string]string{"bc_tax_account": "2310"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := maps.Clone(bcVars)
			maps.Copy(vars, tc.vars)
			cfg := msLoad(t, msWithERP(vars, "business_central"))
			taxLines := vars["bc_tax_account"] != ""
			for _, d := range msERPDocs(t, "business_central", vars) {
				t.Run(d.Name, func(t *testing.T) {
					if !erpSent(t, d) {
						return
					}
					doc := d.Doc.(map[string]any)
					cur := d.Order["currency"].(string)
					if got, want := doc["externalDocumentNumber"], d.Order["channel"].(string)+":"+d.Order["id"].(string); got != want {
						t.Errorf("externalDocumentNumber %v, want %s", got, want)
					}
					if doc["customerNumber"] != "C00010" {
						t.Errorf("customerNumber %v", doc["customerNumber"])
					}
					if want := map[bool]string{true: "", false: cur}[cur == "USD"]; doc["currencyCode"] != want {
						t.Errorf("currencyCode %q for %s, want %q (USD is the local currency)", doc["currencyCode"], cur, want)
					}
					erpLines := msERPLines(t, cfg, d.Order)
					lines, _ := doc["salesOrderLines"].([]any)
					var items []map[string]any
					sum, _ := builtin.ZeroMoney(cur)
					for i, l := range lines {
						line := l.(map[string]any)
						switch line["lineType"] {
						case "Comment":
							if s := fmt.Sprint(line["description"]); len([]rune(s)) > 100 {
								t.Errorf("comment %q is longer than 100 characters", s)
							}
							continue
						case "Item":
							items = append(items, line)
							if i+1 >= len(lines) || lines[i+1].(map[string]any)["lineType"] != "Comment" {
								t.Errorf("item line %v is not followed by its trace comment", line["sequence"])
							}
						case "Account", "Charge":
						default:
							t.Errorf("line type %v", line["lineType"])
						}
						sum = mustAdd(t, sum, msBCLineAmount(t, line, cur))
					}
					if len(items) != len(erpLines) {
						t.Fatalf("%d item lines, erp.lines has %d", len(items), len(erpLines))
					}
					for i, el := range erpLines {
						item, q := items[i], el["quantity"].(builtin.Quantity)
						if item["lineObjectNumber"] != el["item"] {
							t.Errorf("line %d: item %v, want %v", i+1, item["lineObjectNumber"], el["item"])
						}
						if item["quantity"].(builtin.Decimal).Cmp(q.Value) != 0 {
							t.Errorf("line %d: quantity %v, want %v", i+1, item["quantity"], q.Value)
						}
						if wantUnit := map[string]string{"EA": "PCS"}[q.UOM]; item["unitOfMeasureCode"] != wantUnit {
							t.Errorf("line %d: unit %v for %s, want %s", i+1, item["unitOfMeasureCode"], q.UOM, wantUnit)
						}
						if got, want := msBCLineAmount(t, item, cur), el["amount"].(builtin.Money); !sameMoney(got, want) {
							t.Errorf("line %d: ROUND(quantity × unitPrice) − discountAmount = %s, erp.lines amount %s", i+1, got, want)
						}
						trace := msNextComment(lines, item)
						if want := "Channel line " + el["line_id"].(string) + ", SKU " + el["sku"].(string); trace != want {
							t.Errorf("line %d: trace comment %q, want %q", i+1, trace, want)
						}
					}
					totals := d.Order["totals"].(map[string]any)
					want := totals["grand_total"].(builtin.Money)
					inc, _ := d.Order["taxes_included"].(bool)
					if !inc && !taxLines {
						want = mustSub(t, want, totals["tax"].(builtin.Money))
					}
					if !sameMoney(sum, want) {
						t.Errorf("Σ line amounts %s, want %s (grand total %s, tax %s, taxes included %v, tax lines %v)",
							sum, want, totals["grand_total"], totals["tax"], inc, taxLines)
					}
				})
			}
		})
	}
}

// msCache keeps what the Business Central and D365 tests load and
// evaluate per set of variables: every corpus order through erp_orders is
// the slow part, and the tests ask for the same sets again.
var msCache = struct {
	sync.Mutex
	docs map[string][]erpDocument
	cfgs map[string]*dsl.Config
}{docs: map[string][]erpDocument{}, cfgs: map[string]*dsl.Config{}}

// msERPDocs is erpDocuments, once per ERP and variables.
func msERPDocs(t *testing.T, erp string, vars map[string]string) []erpDocument {
	t.Helper()
	key := erp + fmt.Sprint(vars)
	msCache.Lock()
	defer msCache.Unlock()
	if d, ok := msCache.docs[key]; ok {
		return d
	}
	d := erpDocuments(t, erp, vars)
	msCache.docs[key] = d
	return d
}

// msLoad is loadDefaultFlows, once per variables.
func msLoad(t *testing.T, vars map[string]string) *dsl.Config {
	t.Helper()
	key := fmt.Sprint(vars)
	msCache.Lock()
	defer msCache.Unlock()
	if c, ok := msCache.cfgs[key]; ok {
		return c
	}
	c, _ := loadDefaultFlows(t, vars)
	msCache.cfgs[key] = c
	return c
}

// msWithERP adds erp to a copy of vars.
func msWithERP(vars map[string]string, erp string) map[string]string {
	all := map[string]string{"erp": erp}
	maps.Copy(all, vars)
	return all
}

// msERPLines applies erp.lines (order discounts on the lines) to a
// canonical order.
func msERPLines(t *testing.T, cfg *dsl.Config, order map[string]any) []map[string]any {
	t.Helper()
	out, err := cfg.Mappings["erp.lines"].Apply(map[string]any{"order": order, "line_discounts": true})
	if err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	for _, l := range out.([]any) {
		lines = append(lines, l.(map[string]any))
	}
	return lines
}

// msBCLineAmount is Business Central's line amount:
// ROUND(quantity × unitPrice, currency) − discountAmount.
func msBCLineAmount(t *testing.T, line map[string]any, cur string) builtin.Money {
	t.Helper()
	q, p := line["quantity"].(builtin.Decimal), line["unitPrice"].(builtin.Decimal)
	gross, err := q.Mul(p)
	if err != nil {
		t.Fatal(err)
	}
	amount, err := builtin.RoundMoney(gross, cur, builtin.HalfUp)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := line["discountAmount"].(builtin.Decimal); ok {
		disc, err := builtin.NewMoney(d, cur)
		if err != nil {
			t.Fatalf("discountAmount %s is not %s money: %v", d, cur, err)
		}
		amount = mustSub(t, amount, disc)
	}
	return amount
}

// msNextComment is the description of the comment line right after line.
func msNextComment(lines []any, line map[string]any) string {
	for i, l := range lines {
		if fmt.Sprint(l.(map[string]any)["sequence"]) == fmt.Sprint(line["sequence"]) && i+1 < len(lines) {
			next := lines[i+1].(map[string]any)
			if next["lineType"] == "Comment" {
				s, _ := next["description"].(string)
				return s
			}
		}
	}
	return ""
}

// TestERPBusinessCentralSettings: what the mapping cannot know is never
// guessed: no customer for the channel, or freight with no G/L account,
// is INVALID_SETTING; a per-channel customer wins over the default.
func TestERPBusinessCentralSettings(t *testing.T) {
	const name = "shopify/order_get_450789469_discount_partial_refund.json"
	find := func(t *testing.T, vars map[string]string, file string) erpDocument {
		t.Helper()
		for _, d := range msERPDocs(t, "business_central", vars) {
			if d.Name == file {
				return d
			}
		}
		t.Fatalf("%s is not an accepted corpus order", file)
		return erpDocument{}
	}
	d := find(t, map[string]string{"bc_freight_account": "6810"}, name)
	if dl := d.Outcome.DeadLetter; dl == nil || dl.Reason != "INVALID_SETTING" || !strings.Contains(dl.Message, "bc_customer_number") {
		j, _ := d.Outcome.JSON()
		t.Errorf("no customer: want INVALID_SETTING naming bc_customer_number, got\n%s", j)
	}
	d = find(t, map[string]string{"bc_customer_number": "C00010", "bc_customer_numbers": `{shopify = "C00099"}`}, name)
	if doc, _ := d.Doc.(map[string]any); doc == nil || doc["customerNumber"] != "C00099" {
		t.Errorf("per-channel customer: got %v", d.Doc)
	}
	// The Amazon 2026 order has 10.00 GBP of shipping.
	d = find(t, map[string]string{"bc_customer_number": "C00010"}, "amazon/orders_2026-01-01_getOrder_example.json")
	if dl := d.Outcome.DeadLetter; dl == nil || dl.Reason != "INVALID_SETTING" || !strings.Contains(dl.Message, "freight") {
		j, _ := d.Outcome.JSON()
		t.Errorf("freight without an account: want INVALID_SETTING, got\n%s", j)
	}
	d = find(t, map[string]string{"bc_customer_number": "C00010", "bc_freight_charge": "S-FREIGHT"}, "amazon/orders_2026-01-01_getOrder_example.json")
	doc, _ := d.Doc.(map[string]any)
	var charge map[string]any
	for _, l := range doc["salesOrderLines"].([]any) {
		if l.(map[string]any)["lineType"] == "Charge" {
			charge = l.(map[string]any)
		}
	}
	if charge == nil || charge["lineObjectNumber"] != "S-FREIGHT" || charge["unitPrice"].(builtin.Decimal).String() != "10.00" {
		t.Errorf("freight as an item charge: got %v", charge)
	}
}

// TestERPBusinessCentralShape checks the documents against the vendor's:
// every property of the published examples (the corpus salesOrder and
// salesOrderLine requests and responses) is declared in the schemas the
// mapping's output is checked against, and what the mapping sends uses
// only properties and JSON types the examples and the resource reference
// have.
func TestERPBusinessCentralShape(t *testing.T) {
	dir := filepath.Join("..", "stdlib", "mappings", "modules", "business_central")
	order := msSchemaProps(t, filepath.Join(dir, "sales_order.schema.json"), "")
	line := msSchemaProps(t, filepath.Join(dir, "sales_order.schema.json"), "SalesOrderLine")
	examples := map[string]map[string]any{}
	for _, f := range []string{"salesOrder_create_request.json", "salesOrder_create_response.json", "salesOrderLine_create_request.json", "salesOrderLine_create_response.json"} {
		examples[f] = msReadJSON(t, filepath.Join("testdata", "erp", "business_central", f))
	}
	for f, ex := range examples {
		props := order
		if strings.HasPrefix(f, "salesOrderLine") {
			props = line
		}
		for k := range ex {
			// documentLines is in the documentation's response example
			// but in no API v2.0 resource definition.
			if k != "documentLines" && !props[k] {
				t.Errorf("%s: property %s is not in the schema", f, k)
			}
		}
	}

	// The mapping's document, as JSON.
	cfg := msLoad(t, msWithERP(bcVars, "business_central"))
	var doc map[string]any
	for _, d := range msERPDocs(t, "business_central", bcVars) {
		if d.Name == "shopify/order_get_450789469_discount_partial_refund.json" {
			b, err := builtin.AppendJSON(nil, d.Doc)
			if err != nil {
				t.Fatal(err)
			}
			doc = msDecodeJSON(t, b)
		}
	}
	if doc == nil {
		t.Fatal("no document for the Shopify order")
	}
	req, lineReq := examples["salesOrder_create_request.json"], examples["salesOrderLine_create_request.json"]
	for k, v := range doc {
		if !order[k] {
			t.Errorf("the document sends %s, which salesOrder does not have", k)
		}
		if ex, ok := req[k]; ok && msKind(ex) != msKind(v) {
			t.Errorf("%s is a JSON %s, the vendor's example sends a %s", k, msKind(v), msKind(ex))
		}
	}
	for _, k := range []string{"orderDate", "customerNumber", "currencyCode"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("the document has no %s (the vendor's create example sends it)", k)
		}
	}
	for _, l := range doc["salesOrderLines"].([]any) {
		for k, v := range l.(map[string]any) {
			_, inExample := lineReq[k]
			if !line[k] || (!inExample && k != "sequence") {
				t.Errorf("a line sends %s, which the line create example does not", k)
			}
			if ex, ok := lineReq[k]; ok && msKind(ex) != msKind(v) {
				t.Errorf("line %s is a JSON %s, the vendor's example sends a %s", k, msKind(v), msKind(ex))
			}
		}
	}
	// The schema decodes the vendor's examples as the mapping's types.
	typ := cfg.Types.Lookup("business_central.SalesOrder")
	for _, f := range []string{"salesOrder_create_request.json", "salesOrder_create_response.json"} {
		body, err := os.ReadFile(filepath.Join("testdata", "erp", "business_central", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jsondoc.Decode(body, typ, nil, jsondoc.Options{}); err != nil {
			t.Errorf("%s does not decode as business_central.SalesOrder: %v", f, err)
		}
	}
}

// TestERPBusinessCentralReadBack applies the ERP → canonical mappings to
// the vendor's examples, and to a shipment and an invoice posted from the
// sales order the mapping wrote (Business Central copies the external
// document number and the comment lines with their sequence).
func TestERPBusinessCentralReadBack(t *testing.T) {
	cfg := msLoad(t, msWithERP(bcVars, "business_central"))
	dir := filepath.Join("testdata", "erp", "business_central")

	t.Run("corpus_shipment", func(t *testing.T) {
		out := msApplyFile(t, cfg, "business_central.shipment", filepath.Join(dir, "salesShipment_get_response.json"), nil)
		msWant(t, out, map[string]string{
			"id": "108001", "shipped_at": "2019-01-01T00:00:00Z",
			"ship_to.name": "Evan McIntosh", "ship_to.company": "First Up Consultants", "ship_to.line1": "100 Day Drive",
			"ship_to.city": "Chicago", "ship_to.region": "IL", "ship_to.postal_code": "61236", "ship_to.country": "US",
			"#lines": "0", "references.erp_order_number": "34", "references.erp": "business_central",
			"order_id": "<none>", "channel": "<none>", "service": "<none>",
		})
	})

	t.Run("corpus_invoice", func(t *testing.T) {
		line := msReadJSON(t, filepath.Join(dir, "salesInvoiceLine_get_response.json"))
		out := msApplyFile(t, cfg, "business_central.invoice", filepath.Join(dir, "salesInvoice_get_response.json"),
			func(m map[string]any) { m["salesInvoiceLines"] = []any{line} })
		msWant(t, out, map[string]string{
			"id": "PS-INV103001", "invoice_date": "2019-01-15T00:00:00Z", "due_date": "2019-01-15T00:00:00Z", "currency": "USD",
			"order_id": "<none>", "channel": "<none>", "po_number": "<none>",
			"customer.id": "20000", "customer.name": "Trey Research", "customer.email": "helen.ray@contoso.com",
			"bill_to.country": "US", "ship_to.name": "Helen Ray", "ship_to.company": "Trey Research",
			"#lines": "1", "lines.0.line_id": "10000", "lines.0.sku": "1928-S", "lines.0.quantity.value": "3", "lines.0.quantity.uom": "EA",
			"lines.0.unit_price.amount": "54.90", "lines.0.discount.amount": "0.00", "lines.0.tax.amount": "8.24", "lines.0.total.amount": "164.70",
			"totals.subtotal.amount": "164.70", "totals.discount.amount": "0.00", "totals.shipping.amount": "0.00",
			"totals.tax.amount": "8.24", "totals.grand_total.amount": "172.94", "shipping.amount": "0.00",
			"#taxes": "1", "taxes.0.amount.amount": "8.24", "references.status": "Paid",
		})
		msReconcileInvoice(t, out)
	})

	t.Run("corpus_item", func(t *testing.T) {
		out := msApplyFile(t, cfg, "business_central.item", filepath.Join(dir, "item_get_response.json"), nil)
		msWant(t, out, map[string]string{
			"id": "1896-S", "title": "ATHENS Desk", "status": "active", "#variants": "1",
			"variants.0.sku": "1896-S", "variants.0.price.amount": "1000.80", "variants.0.price.currency": "USD",
			"variants.0.inventory_quantity.value": "4", "variants.0.inventory_quantity.uom": "EA", "variants.0.gtin": "<none>",
			"variants.0.inventory_item_id": "fca5738a-44e3-ea11-bb43-000d3a2feca1",
		})
		inv := msApplyFile(t, cfg, "business_central.inventory", filepath.Join(dir, "item_get_response.json"), nil)
		msWant(t, inv, map[string]string{
			"sku": "1896-S", "available.value": "4", "available.uom": "EA", "channel": "erp",
			"updated_at": "2020-08-21T00:24:19.347Z", "item_id": "fca5738a-44e3-ea11-bb43-000d3a2feca1",
		})
	})

	t.Run("corpus_customer", func(t *testing.T) {
		out := msApplyFile(t, cfg, "business_central.customer", filepath.Join(dir, "customer_get_response.json"), nil)
		msWant(t, out, map[string]string{
			"id": "10000", "name": "Adatum Corporation", "company": "Adatum Corporation", "email": "robert.townes@contoso.com",
			"phone": "<none>", "tax_id": "<none>", "references.currency": "USD", "references.blocked": "<none>",
			"references.erp_id": "f2a5738a-44e3-ea11-bb43-000d3a2feca1",
		})
	})

	// A shipment and an invoice posted from the order the mapping wrote:
	// the trace leads back to the Shopify order and its lines.
	var order map[string]any
	for _, d := range msERPDocs(t, "business_central", bcVars) {
		if d.Name == "shopify/order_get_450789469_discount_partial_refund.json" {
			order = d.Doc.(map[string]any)
		}
	}
	var shipLines, invLines []any
	for _, l := range order["salesOrderLines"].([]any) {
		line := l.(map[string]any)
		typ := line["lineType"].(string)
		if typ == "Comment" {
			typ = " " // posted documents' comment type
		}
		shipLines = append(shipLines, map[string]any{
			"sequence": line["sequence"], "lineType": typ, "lineObjectNumber": line["lineObjectNumber"],
			"description": line["description"], "unitOfMeasureCode": line["unitOfMeasureCode"], "quantity": line["quantity"],
		})
		inv := map[string]any{"sequence": line["sequence"], "lineType": line["lineType"], "description": line["description"]}
		if typ != " " {
			amount := msBCLineAmount(t, line, "USD")
			maps.Copy(inv, map[string]any{
				"lineObjectNumber": line["lineObjectNumber"], "unitOfMeasureCode": line["unitOfMeasureCode"],
				"quantity": line["quantity"], "unitPrice": line["unitPrice"], "discountAmount": line["discountAmount"],
				"amountExcludingTax": amount.Amount,
			})
			if line["lineType"] == "Account" {
				inv["unitOfMeasureCode"] = ""
			}
		}
		invLines = append(invLines, inv)
	}
	t.Run("posted_shipment", func(t *testing.T) {
		body := map[string]any{
			"number": "102001", "externalDocumentNumber": order["externalDocumentNumber"], "postingDate": "2024-05-02",
			"orderNumber": "101005", "shipToName": "Bob Norman", "shipToCountry": "US", "salesShipmentLines": shipLines,
		}
		out := msApply(t, cfg, "business_central.shipment", msJSON(t, body))
		msWant(t, out, map[string]string{
			"id": "102001", "order_id": "450789469", "channel": "shopify", "shipped_at": "2024-05-02T00:00:00Z", "#lines": "3",
			"lines.0.line_id": "466157049", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity.value": "1", "lines.0.quantity.uom": "EA",
			"lines.1.line_id": "518995019", "lines.2.line_id": "703073504", "lines.2.sku": "IPOD2008BLACK",
		})
	})
	t.Run("posted_invoice", func(t *testing.T) {
		body := map[string]any{
			"number": "103001", "externalDocumentNumber": order["externalDocumentNumber"], "invoiceDate": "2024-05-03",
			"dueDate": "0001-01-01", "currencyCode": "", "totalAmountExcludingTax": msDec(t, "587.00"), "totalTaxAmount": msDec(t, "11.94"),
			"totalAmountIncludingTax": msDec(t, "598.94"), "discountAmount": msDec(t, "0"), "salesInvoiceLines": invLines,
		}
		out := msApply(t, cfg, "business_central.invoice", msJSON(t, body))
		msWant(t, out, map[string]string{
			"id": "103001", "order_id": "450789469", "channel": "shopify", "currency": "USD", "due_date": "<none>", "#lines": "3",
			"lines.0.line_id": "466157049", "lines.0.sku": "IPOD2008GREEN", "lines.0.total.amount": "195.66",
			"lines.1.line_id": "518995019", "lines.2.line_id": "703073504",
			"totals.grand_total.amount": "598.94", "totals.tax.amount": "11.94", "totals.discount.amount": "10.00",
			"totals.subtotal.amount": "597.00", "totals.shipping.amount": "0.00",
		})
		msReconcileInvoice(t, out)
	})
}

// msReconcileInvoice: subtotal − discount + shipping + tax = grand total.
func msReconcileInvoice(t *testing.T, out any) {
	t.Helper()
	totals := out.(map[string]any)["totals"].(map[string]any)
	got := mustAdd(t, mustAdd(t, mustSub(t, totals["subtotal"].(builtin.Money), totals["discount"].(builtin.Money)),
		totals["shipping"].(builtin.Money)), totals["tax"].(builtin.Money))
	if !sameMoney(got, totals["grand_total"].(builtin.Money)) {
		t.Errorf("subtotal − discount + shipping + tax = %s, grand total %s", got, totals["grand_total"])
	}
}

// msApplyFile decodes a payload file as the mapping's input (edit changes
// it first) and applies the mapping.
func msApplyFile(t *testing.T, cfg *dsl.Config, mapping, file string, edit func(map[string]any)) any {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		m := msDecodeJSON(t, body)
		edit(m)
		if body, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	return msApply(t, cfg, mapping, body)
}

func msApply(t *testing.T, cfg *dsl.Config, mapping string, body []byte) any {
	t.Helper()
	m := cfg.Mappings[mapping]
	if m == nil {
		t.Fatalf("no mapping %s", mapping)
	}
	in, err := jsondoc.Decode(body, m.Input, nil, jsondoc.Options{})
	if err != nil {
		t.Fatalf("%s: decoding the input: %v", mapping, err)
	}
	out, err := m.Apply(in)
	if err != nil {
		t.Fatalf("%s: %v", mapping, err)
	}
	return out
}

// msWant compares paths of a mapping's output, as canonical JSON text
// without quotes; "<none>" means absent, "#path" the length of a list.
func msWant(t *testing.T, out any, want map[string]string) {
	t.Helper()
	b, err := builtin.AppendJSON(nil, out)
	if err != nil {
		t.Fatal(err)
	}
	doc := msDecodeJSON(t, b)
	for _, path := range slices.Sorted(maps.Keys(want)) {
		w := want[path]
		p := strings.TrimPrefix(path, "#")
		v, ok := msWalkJSON(doc, p)
		got := "<none>"
		switch {
		case ok && strings.HasPrefix(path, "#"):
			l, _ := v.([]any)
			got = fmt.Sprint(len(l))
		case ok:
			got = msText(v)
		case strings.HasPrefix(path, "#"):
			got = "0"
		}
		if got != w {
			t.Errorf("%s = %s, want %s", path, got, w)
		}
	}
}

func msWalkJSON(v any, path string) (any, bool) {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[p]; !ok {
				return nil, false
			}
		case []any:
			var n int
			if _, err := fmt.Sscan(p, &n); err != nil || n < 0 || n >= len(x) {
				return nil, false
			}
			v = x[n]
		default:
			return nil, false
		}
	}
	return v, true
}

func msText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func msDec(t *testing.T, s string) builtin.Decimal {
	t.Helper()
	d, err := builtin.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func msJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := builtin.AppendJSON(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func msDecodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func msReadJSON(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return msDecodeJSON(t, b)
}

// msSchemaProps lists the properties of a JSON Schema's root, or of one
// of its $defs.
func msSchemaProps(t *testing.T, file, def string) map[string]bool {
	t.Helper()
	s := msReadJSON(t, file)
	if def != "" {
		s = s["$defs"].(map[string]any)[def].(map[string]any)
	}
	props := map[string]bool{}
	for k := range s["properties"].(map[string]any) {
		props[k] = true
	}
	return props
}

// msKind is the JSON kind of a decoded value.
func msKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// msDeliveries runs the erp_orders sample order through the flow with the
// ERP's sink mocked, recording dedupe keys and the ledger as the engine
// does: first as it is, then changed (an update), then cancelled. It
// returns the three outcomes and the deliveries the mock received.
func msDeliveries(t *testing.T, vars map[string]string, sink string) ([]*engine.Outcome, []*connector.Delivery) {
	t.Helper()
	cfg, w := loadDefaultFlows(t, vars)
	var got []*connector.Delivery
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{
		Codecs: w.Codecs,
		Record: true,
		Mocks: map[string]engine.MockFunc{sink: func(_ context.Context, d *connector.Delivery) (*connector.Response, error) {
			got = append(got, d)
			// The ref the real sink reads from the answer (an id, a
			// SalesOrderNumber).
			return &connector.Response{Status: 201, Ref: "SO-" + sink}, nil
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("..", "flows", "testdata", "erp_orders", "b2b_portal_PO-77120.json"))
	if err != nil {
		t.Fatal(err)
	}
	order := msDecodeJSON(t, body)
	changed := maps.Clone(order)
	changed["notes"] = "Deliver to dock 4"
	cancelled := maps.Clone(changed)
	cancelled["status"] = "cancelled"
	var outs []*engine.Outcome
	for _, o := range []map[string]any{order, changed, cancelled} {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := ev.Eval(context.Background(), "erp_orders", engine.Input{Body: b})
		if err != nil || len(res) != 1 {
			t.Fatalf("eval: %v, %d outcomes", err, len(res))
		}
		outs = append(outs, res[0])
	}
	return outs, got
}

// TestERPBusinessCentralDelivery: the sink POSTs a new order to
// companies(<bc_company_id>)/salesOrders and, after an interrupted
// delivery, looks for it by externalDocumentNumber; an update or a
// cancellation of an order Business Central already has is never POSTed
// again (that would be a second order): it stops as UPDATE_NOT_SUPPORTED.
func TestERPBusinessCentralDelivery(t *testing.T) {
	vars := msWithERP(bcVars, "business_central")
	vars["erp_url"] = "https://api.businesscentral.dynamics.com/v2.0/tenant/production/api/v2.0"
	vars["bc_company_id"] = "b6f4017a-b749-ee11-ad0b-a1422c0f7f1f"
	outs, got := msDeliveries(t, vars, "business_central")
	if outs[0].Outcome != "delivered" || len(got) != 1 {
		j, _ := outs[0].JSON()
		t.Fatalf("first delivery: %d calls\n%s", len(got), j)
	}
	settings := map[string]string{}
	for k, v := range got[0].Settings {
		settings[k] = v[""]
	}
	for k, want := range map[string]string{
		"path":     "/companies(b6f4017a-b749-ee11-ad0b-a1422c0f7f1f)/salesOrders",
		"find_url": "/companies(b6f4017a-b749-ee11-ad0b-a1422c0f7f1f)/salesOrders?$filter=externalDocumentNumber%20eq%20%27b2b:PO-77120%27",
	} {
		if settings[k] != want {
			t.Errorf("%s = %q, want %q", k, settings[k], want)
		}
	}
	for i, what := range []string{"an update", "a cancellation"} {
		o := outs[i+1]
		if o.DeadLetter == nil || o.DeadLetter.Reason != "UPDATE_NOT_SUPPORTED" || !strings.Contains(o.DeadLetter.Message, "b2b:PO-77120") ||
			!strings.Contains(o.DeadLetter.Message, "has it as salesOrders(SO-business_central)") {
			j, _ := o.JSON()
			t.Errorf("%s: want a dead letter UPDATE_NOT_SUPPORTED naming the order and its id, got\n%s", what, j)
		}
	}
	if len(got) != 1 {
		t.Errorf("the sink was called %d times, want once", len(got))
	}
}
