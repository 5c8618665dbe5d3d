package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store/memstore"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// TestERPSapSalesOrders runs every accepted corpus order through
// erp_orders with erp = "sap" (kits as kit lines and as components) and
// checks the A_SalesOrder deep insert against SAP's documented shape and
// arithmetic:
//
//   - the header's mandatory fields (SalesOrderType, SalesOrganization,
//     DistributionChannel, OrganizationDivision, SoldToParty) and every
//     item's (Material, RequestedQuantity) are there; every Edm.Decimal is
//     a JSON string (OData v2), never a number;
//   - the open items are erp.lines one for one: same count, material,
//     quantity and SAP unit; lines the channel cancelled are items
//     rejected with sap_rejection_reason and no price;
//   - SAP's arithmetic: an item's value is rate × quantity / pricing unit
//     (PPR0), rounded to the currency, plus its discount element (RB00); the
//     order adds the freight element (HD00). That, plus the channel's tax
//     unless its prices include it, is the channel's grand total, to the
//     cent;
//   - the references: PurchaseOrderByCustomer is the channel's order id,
//     the header text names channel, order and correlation id, each item
//     text the channel's line id; item numbers are 10 × the line's
//     position in the channel order.
//
// Cancelled orders the ERP never had are filtered by erp_orders; their
// document (which SAP would only get as an update) rejects every item.
func TestERPSapSalesOrders(t *testing.T) {
	for _, kits := range []string{"kit", "components"} {
		cfg, _ := sapFlows(t, map[string]string{"erp": "sap", "erp_kits": kits})
		lines := cfg.Mappings["erp.lines"]
		if lines == nil {
			t.Fatal("no mapping erp.lines")
		}
		for _, d := range erpDocuments(t, "sap", map[string]string{"erp_kits": kits}) {
			t.Run(kits+"/"+d.Name, func(t *testing.T) {
				doc, ok := d.Doc.(map[string]any)
				if !ok {
					j, _ := d.Outcome.JSON()
					t.Fatalf("no erp_document\n%s", j)
				}
				sapCheckStrings(t, "A_SalesOrder", doc)
				for _, f := range []string{"SalesOrderType", "SalesOrganization", "DistributionChannel", "OrganizationDivision", "SoldToParty", "PurchaseOrderByCustomer", "TransactionCurrency"} {
					if s, _ := doc[f].(string); s == "" {
						t.Errorf("header field %s is missing", f)
					}
				}
				order := d.Order
				if doc["PurchaseOrderByCustomer"] != order["id"] {
					t.Errorf("PurchaseOrderByCustomer %v, want the channel order id %v", doc["PurchaseOrderByCustomer"], order["id"])
				}
				ref := sapText(t, doc)
				for _, want := range []string{"channel=" + order["channel"].(string) + "\n", "order=" + order["id"].(string) + "\n", "correlation=m_"} {
					if !strings.Contains(ref, want) {
						t.Errorf("header text %q does not hold %q", ref, want)
					}
				}
				positions := map[string]string{}
				for i, l := range order["lines"].([]any) {
					positions[l.(map[string]any)["line_id"].(string)] = fmt.Sprint((i + 1) * 10)
				}
				items := sapResults(t, doc["to_Item"])
				var open, rejected []map[string]any
				for _, it := range items {
					item := it.(map[string]any)
					if m, _ := item["Material"].(string); m == "" {
						t.Errorf("item %v has no Material", item["SalesOrderItem"])
					}
					if q, _ := item["RequestedQuantity"].(string); q == "" {
						t.Errorf("item %v has no RequestedQuantity", item["SalesOrderItem"])
					}
					lineID := sapItemLine(t, item)
					if item["SalesOrderItem"] != positions[lineID] {
						t.Errorf("item for line %s is numbered %v, want %s", lineID, item["SalesOrderItem"], positions[lineID])
					}
					if _, ok := item["SalesDocumentRjcnReason"]; ok {
						if item["SalesDocumentRjcnReason"] != "10" || item["to_PricingElement"] != nil {
							t.Errorf("rejected item %v: reason %v, pricing %v", item["SalesOrderItem"], item["SalesDocumentRjcnReason"], item["to_PricingElement"])
						}
						rejected = append(rejected, item)
					} else {
						open = append(open, item)
					}
				}
				if order["status"] == "cancelled" {
					if d.Outcome.Outcome != "filtered" {
						t.Fatalf("a cancelled order the ERP never had: outcome %s, want filtered", d.Outcome.Outcome)
					}
					if len(open) != 0 || len(rejected) == 0 {
						t.Errorf("cancelled order: %d open and %d rejected items, want none open", len(open), len(rejected))
					}
					if doc["to_PricingElement"] != nil {
						t.Errorf("cancelled order with freight %v", doc["to_PricingElement"])
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
				if len(open) != len(wantLines) {
					t.Fatalf("%d open items, erp.lines has %d", len(open), len(wantLines))
				}
				for _, l := range order["lines"].([]any) {
					if l.(map[string]any)["status"] == "cancelled" {
						found := false
						for _, r := range rejected {
							found = found || sapItemLine(t, r) == l.(map[string]any)["line_id"]
						}
						kit := false
						for _, o := range order["lines"].([]any) {
							kit = kit || o.(map[string]any)["kit_parent"] == l.(map[string]any)["line_id"]
						}
						if !found && !(kits == "components" && kit) && !(kits == "kit" && l.(map[string]any)["kit_parent"] != nil) {
							t.Errorf("cancelled line %v is not a rejected item", l.(map[string]any)["line_id"])
						}
					}
				}
				cur := order["currency"].(string)
				net, err := builtin.ZeroMoney(cur)
				if err != nil {
					t.Fatal(err)
				}
				for i, item := range open {
					line := wantLines[i].(map[string]any)
					q := line["quantity"].(builtin.Quantity)
					if item["Material"] != line["item"] || sapDec(t, item["RequestedQuantity"]).Cmp(q.Value) != 0 || item["RequestedQuantityUnit"] != sapUnit(q.UOM) {
						t.Errorf("item %v: %v %v %v, erp.lines has %v %s", item["SalesOrderItem"], item["Material"], item["RequestedQuantity"], item["RequestedQuantityUnit"], line["item"], q)
					}
					if id := sapItemLine(t, item); id != line["line_id"] {
						t.Errorf("item %v carries line %s, erp.lines has %v", item["SalesOrderItem"], id, line["line_id"])
					}
					value := sapItemValue(t, item, cur)
					if gross := sapPrice(t, item, cur); !sameMoney(gross, line["gross"].(builtin.Money)) {
						t.Errorf("item %v: price element worth %s, the line's gross is %s", item["SalesOrderItem"], gross, line["gross"])
					}
					if !sameMoney(value, line["amount"].(builtin.Money)) {
						t.Errorf("item %v: net value %s, the line's amount is %s", item["SalesOrderItem"], value, line["amount"])
					}
					net = mustAdd(t, net, value)
				}
				for _, h := range sapResultsOpt(t, doc["to_PricingElement"]) {
					el := h.(map[string]any)
					if el["ConditionType"] != "HD00" {
						t.Errorf("header element %v", el)
					}
					net = mustAdd(t, net, sapMoney(t, el["ConditionRateValue"], cur))
				}
				totals := order["totals"].(map[string]any)
				got := net
				if inc, _ := order["taxes_included"].(bool); !inc {
					got = mustAdd(t, got, totals["tax"].(builtin.Money))
				}
				if gt := totals["grand_total"].(builtin.Money); !sameMoney(got, gt) {
					t.Errorf("SAP net value %s + tax = %s, want the grand total %s", net, got, gt)
				}
			})
		}
	}
}

// sapItemValue is SAP's net value of an item: PPR0 rate × quantity /
// pricing unit, rounded half-even to the currency, plus its other
// (fixed-amount) elements.
func sapItemValue(t *testing.T, item map[string]any, cur string) builtin.Money {
	t.Helper()
	value := sapPrice(t, item, cur)
	for _, e := range sapResults(t, item["to_PricingElement"]) {
		el := e.(map[string]any)
		if el["ConditionType"] == "PPR0" {
			continue
		}
		if el["ConditionType"] != "RB00" || el["ConditionQuantity"] != nil {
			t.Errorf("item %v: unexpected element %v", item["SalesOrderItem"], el)
		}
		value = mustAdd(t, value, sapMoney(t, el["ConditionRateValue"], cur))
	}
	return value
}

// sapPrice is the value of an item's PPR0 element.
func sapPrice(t *testing.T, item map[string]any, cur string) builtin.Money {
	t.Helper()
	var price []map[string]any
	for _, e := range sapResults(t, item["to_PricingElement"]) {
		if el := e.(map[string]any); el["ConditionType"] == "PPR0" {
			price = append(price, el)
		}
	}
	if len(price) != 1 {
		t.Fatalf("item %v has %d PPR0 elements, want 1", item["SalesOrderItem"], len(price))
	}
	el := price[0]
	if el["ConditionCurrency"] != cur || el["ConditionQuantityUnit"] != item["RequestedQuantityUnit"] {
		t.Errorf("item %v: price in %v per %v, the item is in %s and %v", item["SalesOrderItem"], el["ConditionCurrency"], el["ConditionQuantityUnit"], cur, item["RequestedQuantityUnit"])
	}
	rate, qty, per := sapDec(t, el["ConditionRateValue"]), sapDec(t, item["RequestedQuantity"]), sapDec(t, el["ConditionQuantity"])
	if per.Sign() <= 0 {
		t.Fatalf("item %v: pricing unit %s", item["SalesOrderItem"], per)
	}
	if r, err := per.Round(0, builtin.HalfEven); err != nil || r.Cmp(per) != 0 || per.Cmp(builtin.MustDecimal("99999")) > 0 {
		t.Errorf("item %v: pricing unit %s is not a whole number up to 99999 (Edm.Decimal(5,0))", item["SalesOrderItem"], per)
	}
	v, err := rate.Mul(qty)
	if err == nil {
		v, err = v.Quo(per)
	}
	if err != nil {
		t.Fatal(err)
	}
	m, err := builtin.RoundMoney(v, cur, builtin.HalfEven)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sapText is the header reference text.
func sapText(t *testing.T, doc map[string]any) string {
	t.Helper()
	texts := sapResults(t, doc["to_Text"])
	if len(texts) != 1 {
		t.Fatalf("%d header texts, want 1", len(texts))
	}
	tx := texts[0].(map[string]any)
	if tx["LongTextID"] != "Z001" || tx["Language"] != "EN" {
		t.Errorf("header text %v", tx)
	}
	return tx["LongText"].(string)
}

// sapItemLine is the channel line id an item's reference text names.
func sapItemLine(t *testing.T, item map[string]any) string {
	t.Helper()
	texts := sapResults(t, item["to_Text"])
	if len(texts) != 1 {
		t.Fatalf("item %v has %d texts, want 1", item["SalesOrderItem"], len(texts))
	}
	text := texts[0].(map[string]any)["LongText"].(string)
	for _, l := range strings.Split(text, "\n") {
		if id, ok := strings.CutPrefix(l, "line="); ok {
			return id
		}
	}
	t.Fatalf("item %v: text %q names no line", item["SalesOrderItem"], text)
	return ""
}

// sapResults reads an OData v2 navigation {"results": [...]}.
func sapResults(t *testing.T, v any) []any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("navigation %v is not {\"results\": [...]}", v)
	}
	r, ok := m["results"].([]any)
	if !ok {
		t.Fatalf("navigation %v has no results", v)
	}
	return r
}

func sapResultsOpt(t *testing.T, v any) []any {
	t.Helper()
	if v == nil {
		return nil
	}
	return sapResults(t, v)
}

// sapCheckStrings fails on any value of an OData v2 document that is not
// JSON text, a boolean, an object or an array: Edm.Decimal travels as a
// string.
func sapCheckStrings(t *testing.T, path string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			sapCheckStrings(t, path+"."+k, e)
		}
	case []any:
		for i, e := range x {
			sapCheckStrings(t, fmt.Sprintf("%s[%d]", path, i), e)
		}
	case string, bool:
	default:
		t.Errorf("%s is %T (%v), not a string: OData v2 JSON carries Edm.Decimal as text", path, v, v)
	}
}

func sapDec(t *testing.T, v any) builtin.Decimal {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%v (%T) is not an Edm.Decimal string", v, v)
	}
	d, err := builtin.ParseDecimal(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return d
}

func sapMoney(t *testing.T, v any, cur string) builtin.Money {
	t.Helper()
	m, err := builtin.NewMoney(sapDec(t, v), cur)
	if err != nil {
		t.Fatalf("%v %s: %v", v, cur, err)
	}
	return m
}

// sapUnit is what sap.unit makes of a Rec 20 unit.
func sapUnit(rec20 string) string {
	switch rec20 {
	case "C62", "H87":
		return "PC"
	case "KGM":
		return "KG"
	case "LBR":
		return "LB"
	}
	return rec20
}

// sapFlows loads the default flows with vars once per set of vars for
// the SAP and Oracle tests (a load takes seconds; a loaded configuration
// is only read).
func sapFlows(t *testing.T, vars map[string]string) (*dsl.Config, *wire.Set) {
	t.Helper()
	key := fmt.Sprint(vars)
	sapLoaded.mu.Lock()
	defer sapLoaded.mu.Unlock()
	if l, ok := sapLoaded.m[key]; ok {
		return l.cfg, l.w
	}
	cfg, w := loadDefaultFlows(t, vars)
	if sapLoaded.m == nil {
		sapLoaded.m = map[string]sapLoad{}
	}
	sapLoaded.m[key] = sapLoad{cfg, w}
	return cfg, w
}

type sapLoad struct {
	cfg *dsl.Config
	w   *wire.Set
}

var sapLoaded struct {
	mu sync.Mutex
	m  map[string]sapLoad
}

// sapApply decodes a sample from tests/testdata/erp/sap as the input of
// an sap mapping and applies it.
func sapApply(t *testing.T, vars map[string]string, mapping, file string) (any, error) {
	t.Helper()
	cfg, _ := sapFlows(t, vars)
	m := cfg.Mappings[mapping]
	if m == nil {
		t.Fatalf("no mapping %s", mapping)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "erp", "sap", file))
	if err != nil {
		t.Fatal(err)
	}
	in, err := jsondoc.Decode(body, m.Input, nil, jsondoc.Options{})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m.Apply(in)
}

// sapFacts compares dotted paths of a mapped document with the facts
// worked out by reading the sample ("#lines" is a list's length,
// "<missing>" an absent field).
func sapFacts(t *testing.T, doc any, want map[string]string) {
	t.Helper()
	for k, w := range want {
		var got string
		if strings.HasPrefix(k, "#") {
			v, _ := walk(doc, k[1:])
			l, ok := v.([]any)
			if !ok {
				got = "<not a list>"
			} else {
				got = fmt.Sprint(len(l))
			}
		} else if v, ok := walk(doc, k); !ok || v == nil {
			got = "<missing>"
		} else {
			got = strings.Trim(builtin.Format(v), `"`)
		}
		if got != w {
			j, _ := builtin.AppendJSON(nil, doc)
			t.Errorf("%s = %q, want %q\n%s", k, got, w, j)
		}
	}
}

// TestERPSapShipment maps the delivery sample (written from the
// API_OUTBOUND_DELIVERY_SRV metadata: Shopify order #1001 of the corpus,
// two of its three lines delivered, one of them batch-split, the third
// not picked) into a canonical shipment: channel, order and line ids come
// back from the reference texts sap.sales_order wrote.
func TestERPSapShipment(t *testing.T) {
	out, err := sapApply(t, nil, "sap.shipment", "outbound_delivery_shopify_1001.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"id": "80000123", "channel": "shopify", "order_id": "450789469", "status": "shipped",
		"shipped_at": "2008-01-13T14:30:00Z", "#tracking": "1", "tracking.0.number": "1Z999AA10123456784",
		"#lines":          "2",
		"lines.0.line_id": "466157049", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity.value": "1.000", "lines.0.quantity.uom": "EA",
		"lines.0.base_quantity.value": "1.000", "lines.0.gtin": "885909183405",
		"lines.1.line_id": "518995019", "lines.1.sku": "IPOD2008RED", "lines.1.quantity.value": "1.000", "lines.1.gtin": "<missing>",
		"references.sap_delivery": "80000123", "references.sap_sales_order": "4711", "references.shipping_point": "1710",
		"references.correlation_id": "m_18a0c2e4b7f3d0010001",
	})

	// Without the reference text (text determination not copying it), a
	// delivery cannot go back to its channel: NULL_REQUIRED_FIELD naming
	// the text ID.
	_, err = sapApply(t, map[string]string{"sap_reference_text_id": "Z999"}, "sap.shipment", "outbound_delivery_shopify_1001.json")
	if builtin.ReasonOf(err) != "NULL_REQUIRED_FIELD" || !strings.Contains(err.Error(), "Z999") {
		t.Errorf("delivery without its reference text: %v, want NULL_REQUIRED_FIELD naming Z999", err)
	}
}

// TestERPSapInvoice maps the billing document sample (written from the
// API_BILLING_DOCUMENT_SRV metadata: the b2b order PO-77120 of
// flows/inbox billed whole, with PPR0 prices, RB00 discounts — one of
// them inactive —, the HD00 freight distributed over the items, a
// statistical cost and a zero tax condition) into a canonical invoice
// whose totals reconcile: 3240.00 − 64.80 + 85.00 + 0.00 = 3260.20.
func TestERPSapInvoice(t *testing.T) {
	out, err := sapApply(t, nil, "sap.invoice", "billing_document_b2b_PO-77120.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"id": "90000456", "order_id": "PO-77120", "po_number": "77120", "channel": "b2b",
		"invoice_date": "2026-11-05T00:00:00Z", "currency": "USD", "terms": "0004",
		"#lines":          "2",
		"lines.0.line_id": "1", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity.value": "12", "lines.0.quantity.uom": "EA",
		"lines.0.unit_price.amount": "180.00", "lines.0.discount.amount": "43.20", "lines.0.tax.amount": "0.00", "lines.0.total.amount": "2116.80",
		"lines.1.line_id": "2", "lines.1.unit_price.amount": "180.00", "lines.1.discount.amount": "21.60", "lines.1.total.amount": "1058.40",
		"shipping.amount":        "85.00",
		"totals.subtotal.amount": "3240.00", "totals.discount.amount": "64.80", "totals.shipping.amount": "85.00",
		"totals.tax.amount": "0.00", "totals.grand_total.amount": "3260.20",
		"references.sap_billing_document": "90000456", "references.sap_sales_order": "4712", "references.cancelled": "<missing>",
	})
	inv := out.(map[string]any)
	totals := inv["totals"].(map[string]any)
	sum := mustAdd(t, mustSub(t, totals["subtotal"].(builtin.Money), totals["discount"].(builtin.Money)), totals["shipping"].(builtin.Money))
	if sum = mustAdd(t, sum, totals["tax"].(builtin.Money)); !sameMoney(sum, totals["grand_total"].(builtin.Money)) {
		t.Errorf("subtotal − discount + shipping + tax = %s, grand total %s", sum, totals["grand_total"])
	}
}

// TestERPSapInventory: unrestricted-use stock of the company's own is
// available, in the base unit as a Rec 20 code; blocked stock is not.
func TestERPSapInventory(t *testing.T) {
	out, err := sapApply(t, nil, "sap.inventory", "material_stock_unrestricted.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"sku": "IPOD2008GREEN", "item_id": "IPOD2008GREEN", "location_id": "1710/171A", "channel": "erp",
		"available.value": "42.00000000000000", "available.uom": "EA",
	})
	out, err = sapApply(t, nil, "sap.inventory", "material_stock_blocked.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{"available.value": "0", "available.uom": "EA", "location_id": "1710/171A"})
}

// TestERPSapCustomer: an organization with two e-mail addresses (the
// default one wins), a phone and a tax number.
func TestERPSapCustomer(t *testing.T) {
	out, err := sapApply(t, nil, "sap.customer", "business_partner_organization.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"id": "17100042", "name": "Harbor Hardware Supply", "company": "Harbor Hardware Supply",
		"first_name": "<missing>", "email": "purchasing@harbor-hardware.example", "phone": "207-555-0142",
		"tax_id": "12-3456789", "references.sap_customer": "17100042", "references.search_term": "HARBOR",
	})
}

// TestERPSapItem: a product with its English description and a price of
// 1990.00 USD per 10 PC, which is 199.00 per unit.
func TestERPSapItem(t *testing.T) {
	out, err := sapApply(t, nil, "sap.item", "product_with_price.json")
	if err != nil {
		t.Fatal(err)
	}
	sapFacts(t, out, map[string]string{
		"id": "IPOD2008GREEN", "title": "iPod Nano 8GB green", "status": "active", "created_at": "2008-01-01T00:00:00Z",
		"#variants": "1", "variants.0.sku": "IPOD2008GREEN", "variants.0.price.amount": "199.00", "variants.0.price.currency": "USD",
		"variants.0.gtin": "885909183405", "variants.0.weight.value": "0.200", "variants.0.weight.uom": "KGM",
	})
}

// sapSinkRun sends bodies one after the other through erp_orders with
// the store recording (so the second delivery of a key is an update),
// and returns the outcomes and what the ERP sink was handed.
func sapSinkRun(t *testing.T, vars map[string]string, sink string, bodies ...[]byte) ([]*engine.Outcome, []*connector.Delivery) {
	t.Helper()
	cfg, w := sapFlows(t, vars)
	var got []*connector.Delivery
	mocks := map[string]engine.MockFunc{sink: func(_ context.Context, d *connector.Delivery) (*connector.Response, error) {
		got = append(got, d)
		return &connector.Response{Status: 201, Ref: fmt.Sprint("ref-", len(got))}, nil
	}}
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, Mocks: mocks, Store: memstore.New(memstore.Options{}), Record: true})
	if err != nil {
		t.Fatal(err)
	}
	var outs []*engine.Outcome
	for _, b := range bodies {
		o, _, err := ev.Eval(context.Background(), "erp_orders", engine.Input{Body: b})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, o...)
	}
	return outs, got
}

// sapOrderSample is the b2b sample order of flows/inbox/erp_orders, with
// changes.
func sapOrderSample(t *testing.T, change func(map[string]any)) []byte {
	t.Helper()
	body, err := os.ReadFile("../flows/testdata/erp_orders/b2b_portal_PO-77120.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(m)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestERPSapSink: with erp_url set, a new order is POSTed to
// A_SalesOrder, its find_url queries A_SalesOrder by
// PurchaseOrderByCustomer and sold-to (URL-encoded OData literals), and an
// update of an order SAP has — here its cancellation — is a business dead
// letter SAP_ORDER_CHANGED, never a second POST; its erp_document rejects
// every item.
func TestERPSapSink(t *testing.T) {
	vars := map[string]string{"erp": "sap", "erp_url": "https://s4.example.invalid/sap/opu/odata/sap/API_SALES_ORDER_SRV"}
	outs, got := sapSinkRun(t, vars, "sap",
		sapOrderSample(t, nil),
		sapOrderSample(t, func(m map[string]any) { m["status"] = "cancelled" }))
	if len(outs) != 2 || outs[0].Outcome != "delivered" {
		t.Fatalf("outcomes %v", outs)
	}
	if len(got) != 1 {
		t.Fatalf("%d deliveries to sap, want 1 (the update must not be posted)", len(got))
	}
	if p := got[0].Settings["path"][""]; p != "/A_SalesOrder" {
		t.Errorf("path %q", p)
	}
	want := "/A_SalesOrder?$select=SalesOrder&$top=1&$filter=PurchaseOrderByCustomer%20eq%20%27PO-77120%27%20and%20SoldToParty%20eq%20%2717100001%27"
	if f := got[0].Settings["find_url"][""]; f != want {
		t.Errorf("find_url %q, want %q", f, want)
	}
	dl := outs[1].DeadLetter
	if dl == nil || dl.Reason != "SAP_ORDER_CHANGED" || !strings.Contains(dl.Message, "b2b:PO-77120") || !strings.Contains(dl.Message, "as sales order ref-1") {
		j, _ := outs[1].JSON()
		t.Fatalf("the cancellation: want a SAP_ORDER_CHANGED dead letter\n%s", j)
	}
	doc := outs[1].Steps["erp_document"].(map[string]any)
	for _, it := range sapResults(t, doc["to_Item"]) {
		if item := it.(map[string]any); item["SalesDocumentRjcnReason"] != "10" {
			t.Errorf("item %v of the cancelled order is not rejected", item["SalesOrderItem"])
		}
	}

	// An order id with characters a URL or an OData literal gives a
	// meaning to is escaped in find_url; a channel with a sold-to of its
	// own (sap_sold_to_parties) is found under it.
	vars["sap_sold_to_parties"] = `{ b2b = "17100099", amazon = "17100005" }`
	_, got = sapSinkRun(t, vars, "sap", sapOrderSample(t, func(m map[string]any) { m["id"] = "PO 7'1&2#" }))
	if len(got) != 1 || got[0].Body.(map[string]any)["SoldToParty"] != "17100099" || !strings.HasSuffix(got[0].Settings["find_url"][""], "SoldToParty%20eq%20%2717100099%27") {
		t.Errorf("sold-to of the b2b channel: %v", got)
	}
	want = "PurchaseOrderByCustomer%20eq%20%27PO%207%27%271%262%23%27"
	if len(got) != 1 || !strings.Contains(got[0].Settings["find_url"][""], want) {
		t.Errorf("find_url of an id with specials: %v, want it to contain %q", got, want)
	}
}

// TestERPSapPrices: the price element is per 1 unit when gross /
// quantity is exact in the currency, else the gross per the whole
// quantity as pricing unit; a quantity SAP cannot take as a pricing unit
// (not whole) with an inexact unit price is INVALID_QUANTITY, never
// rounded.
func TestERPSapPrices(t *testing.T) {
	cfg, _ := sapFlows(t, nil)
	m := cfg.Mappings["sap.price_element"]
	line := func(q, gross string) map[string]any {
		g := builtin.Money{Amount: builtin.MustDecimal(gross), Currency: "USD"}
		return map[string]any{
			"line_id": "1", "sku": "A", "item": "A", "quantity": builtin.Quantity{Value: builtin.MustDecimal(q), UOM: "CS"},
			"rate": builtin.MustDecimal("0"), "gross": g, "discount": builtin.Money{Amount: builtin.MustDecimal("0.00"), Currency: "USD"}, "amount": g,
		}
	}
	for _, c := range []struct{ q, gross, rate, per, err string }{
		{q: "4", gross: "10.00", rate: "2.50", per: "1"},
		{q: "3", gross: "10.00", rate: "10.00", per: "3"},
		{q: "0", gross: "0.00", rate: "0.00", per: "1"},
		{q: "2.5", gross: "10.00", rate: "4.00", per: "1"},
		{q: "1.5", gross: "10.00", err: "INVALID_QUANTITY"},
	} {
		out, err := m.Apply(line(c.q, c.gross))
		if c.err != "" {
			if builtin.ReasonOf(err) != c.err {
				t.Errorf("%s for %s: %v, want %s", c.gross, c.q, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		el := out.(map[string]any)
		if el["ConditionRateValue"] != c.rate || el["ConditionQuantity"] != c.per || el["ConditionQuantityUnit"] != "CS" || el["ConditionType"] != "PPR0" {
			t.Errorf("%s for %s: %v, want %s per %s", c.gross, c.q, el, c.rate, c.per)
		}
	}
}

// TestERPSapUnits: SAP's internal units for Rec 20 codes and back.
func TestERPSapUnits(t *testing.T) {
	cfg, _ := sapFlows(t, nil)
	unit, rec20 := cfg.Mappings["sap.unit"], cfg.Mappings["sap.rec20"]
	for _, c := range [][2]string{{"EA", "EA"}, {"C62", "PC"}, {"KGM", "KG"}, {"LBR", "LB"}, {"PR", "PAA"}, {"CS", "CS"}, {"MTR", "M"}} {
		got, err := unit.Apply(c[0])
		if err != nil || got != c[1] {
			t.Errorf("sap.unit(%s) = %v %v, want %s", c[0], got, err, c[1])
		}
	}
	for _, c := range [][2]string{{"PC", "EA"}, {"EA", "EA"}, {"KG", "KGM"}, {"PAA", "PR"}, {"CS", "CS"}, {"G", "GRM"}} {
		got, err := rec20.Apply(c[0])
		if err != nil || got != c[1] {
			t.Errorf("sap.rec20(%s) = %v %v, want %s", c[0], got, err, c[1])
		}
	}
}
