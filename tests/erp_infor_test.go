package tests

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/stdlib/codec"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

// inforVars are the Infor settings the conformance tests run with.
func inforVars() map[string]string {
	return map[string]string{
		"infor_customer_id":       "WEB-ORDERS",
		"infor_tenant_id":         "ACME",
		"infor_accounting_entity": "100",
		"infor_location_id":       "WH1",
	}
}

// inforEncode writes a SyncSalesOrder document as the BOD, with the
// encode options OAGIS needs.
func inforEncode(t *testing.T, doc any) []byte {
	t.Helper()
	bod, ok := doc.(map[string]any)["SyncSalesOrder"]
	if !ok {
		t.Fatalf("the document has no SyncSalesOrder: %v", doc)
	}
	b, err := xmldoc.Encode("SyncSalesOrder", bod, xmldoc.EncodeOptions{CurrencyAttr: "currencyID", UnitAttr: "unitCode", Indent: "  "})
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// TestERPInforSalesOrders: every accepted corpus order, through
// erp_orders with erp = infor and kits both ways, makes a SyncSalesOrder
// whose lines are erp.lines' (count, items, quantities, amounts) and
// whose money adds up to the cent:
//
//	line:   ExtendedAmount − Σ Allowance = TotalAmount
//	header: ExtendedAmount = Σ line TotalAmount
//	        Charge Freight = shipping − shipping discounts
//	        Σ Tax = totals.tax
//	        ExtendedAmount + Freight + Tax (unless taxes_included) = TotalAmount = grand_total
//
// The document encodes to well-formed XML in the Infor namespace with
// the BOD's required elements, and decodes back through the XML codec to
// the same amounts. A cancelled order (never sent: filtered) is a Replace
// with every status Cancelled.
func TestERPInforSalesOrders(t *testing.T) {
	for _, kits := range []string{"kit", "components"} {
		vars := inforVars()
		vars["erp_kits"] = kits
		cfg, _ := loadDefaultFlows(t, vars)
		erpLines := cfg.Mappings["erp.lines"]
		bodType := cfg.Types.Lookup("infor.SalesOrderBOD")
		if erpLines == nil || bodType == nil {
			t.Fatal("erp.lines or infor.SalesOrderBOD is not loaded")
		}
		dec, err := xmldoc.NewDecoder(bodType, xmldoc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range erpDocuments(t, "infor", vars) {
			t.Run(kits+"/"+d.Name, func(t *testing.T) {
				canonical, _ := d.Outcome.Steps["canonical"].(map[string]any)
				if canonical == nil {
					j, _ := d.Outcome.JSON()
					t.Fatalf("no canonical order\n%s", j)
				}
				bod := inforWalk(t, d.Doc, "SyncSalesOrder")
				header := inforWalk(t, bod, "DataArea.SalesOrder.SalesOrderHeader").(map[string]any)
				lines, _ := inforWalk(t, bod, "DataArea.SalesOrder").(map[string]any)["SalesOrderLine"].([]any)
				if got := inforWalk(t, bod, "DataArea.Sync.ActionCriteria.ActionExpression.@actionCode"); got != "Replace" {
					t.Errorf("actionCode %v, want Replace", got)
				}
				key := canonical["channel"].(string) + ":" + canonical["id"].(string)
				if got := inforWalk(t, header, "DocumentID.ID.#text"); got != key {
					t.Errorf("DocumentID %v, want %s", got, key)
				}
				if got := inforWalk(t, header, "CustomerParty.PartyIDs.ID.#text"); got != "WEB-ORDERS" {
					t.Errorf("CustomerParty %v", got)
				}
				if canonical["status"] == "cancelled" {
					if d.Outcome.Outcome != "filtered" {
						t.Fatalf("a cancelled order the ERP never had: outcome %s, want filtered", d.Outcome.Outcome)
					}
					if got := inforWalk(t, header, "Status.Code"); got != "Cancelled" {
						t.Errorf("header status %v, want Cancelled", got)
					}
					for i, l := range lines {
						if got := inforWalk(t, l, "Status.Code"); got != "Cancelled" {
							t.Errorf("line %d status %v, want Cancelled", i+1, got)
						}
					}
					return
				}
				if d.Outcome.Outcome != "delivered" {
					j, _ := d.Outcome.JSON()
					t.Fatalf("outcome %s\n%s", d.Outcome.Outcome, j)
				}
				want, err := erpLines.Apply(map[string]any{"order": canonical, "line_discounts": true})
				if err != nil {
					t.Fatal(err)
				}
				wantLines := want.([]any)
				if len(lines) != len(wantLines) {
					t.Fatalf("%d SalesOrderLines, erp.lines has %d", len(lines), len(wantLines))
				}
				cur := canonical["currency"].(string)
				sum := inforZero(t, cur)
				for i, l := range lines {
					w := wantLines[i].(map[string]any)
					inforCheckLine(t, i, l.(map[string]any), w, header)
					sum = mustAdd(t, sum, inforWalk(t, l, "TotalAmount").(builtin.Money))
				}
				ext := header["ExtendedAmount"].(builtin.Money)
				if !sameMoney(sum, ext) {
					t.Errorf("Σ line TotalAmount %s ≠ header ExtendedAmount %s", sum, ext)
				}
				freight := inforZero(t, cur)
				for _, c := range inforList(header["Charge"]) {
					freight = mustAdd(t, freight, c.(map[string]any)["Amount"].(builtin.Money))
				}
				if want := shippingNet(t, canonical); !sameMoney(freight, want) {
					t.Errorf("Charge %s, want shipping less its discounts %s", freight, want)
				}
				tax := inforZero(t, cur)
				for _, x := range inforList(header["Tax"]) {
					tax = mustAdd(t, tax, x.(map[string]any)["Amount"].(builtin.Money))
				}
				totals := canonical["totals"].(map[string]any)
				if !sameMoney(tax, totals["tax"].(builtin.Money)) {
					t.Errorf("Σ Tax %s, want totals.tax %s", tax, totals["tax"])
				}
				got := mustAdd(t, ext, freight)
				if inc, _ := canonical["taxes_included"].(bool); !inc {
					got = mustAdd(t, got, tax)
				}
				grand := totals["grand_total"].(builtin.Money)
				if total := header["TotalAmount"].(builtin.Money); !sameMoney(total, grand) || !sameMoney(got, grand) {
					t.Errorf("ExtendedAmount %s + freight %s + tax %s = %s; TotalAmount %s; grand total %s", ext, freight, tax, got, total, grand)
				}

				// The BOD as XML: well-formed, in the namespace, with
				// the required elements; and back through the codec.
				raw := inforEncode(t, d.Doc)
				root := inforParseXML(t, raw)
				inforCheckXML(t, root, key, cur, len(lines), d.Outcome)
				back, err := dec.Decode(raw)
				if err != nil {
					t.Fatalf("the encoded BOD does not decode: %v\n%s", err, raw)
				}
				if tot := inforWalk(t, back, "SyncSalesOrder.DataArea.SalesOrder.SalesOrderHeader.TotalAmount").(builtin.Money); !sameMoney(tot, grand) {
					t.Errorf("decoded TotalAmount %s, want %s", tot, grand)
				}
				if n := len(inforList(inforWalk(t, back, "SyncSalesOrder.DataArea.SalesOrder.SalesOrderLine"))); n != len(lines) {
					t.Errorf("decoded %d lines, want %d", n, len(lines))
				}
			})
		}
	}
}

// inforCheckLine compares one SalesOrderLine with its erp.Line.
func inforCheckLine(t *testing.T, i int, l, w, header map[string]any) {
	t.Helper()
	if got := inforWalk(t, l, "LineNumber"); got != strconv.Itoa(i+1) {
		t.Errorf("line %d: LineNumber %v", i+1, got)
	}
	if got, want := inforWalk(t, l, "Item.ItemID.ID.#text"), w["item"]; got != want {
		t.Errorf("line %d: item %v, want %v", i+1, got, want)
	}
	q, wq := l["Quantity"].(builtin.Quantity), w["quantity"].(builtin.Quantity)
	if q.UOM != wq.UOM || q.Value.Cmp(wq.Value) != 0 {
		t.Errorf("line %d: quantity %s, want %s", i+1, q, wq)
	}
	ext, total := l["ExtendedAmount"].(builtin.Money), l["TotalAmount"].(builtin.Money)
	if !sameMoney(ext, w["gross"].(builtin.Money)) || !sameMoney(total, w["amount"].(builtin.Money)) {
		t.Errorf("line %d: ExtendedAmount %s TotalAmount %s, want %s and %s", i+1, ext, total, w["gross"], w["amount"])
	}
	allow := inforZero(t, ext.Currency)
	for _, a := range inforList(l["Allowance"]) {
		allow = mustAdd(t, allow, a.(map[string]any)["Amount"].(builtin.Money))
	}
	if !sameMoney(allow, w["discount"].(builtin.Money)) || !sameMoney(mustSub(t, ext, allow), total) {
		t.Errorf("line %d: ExtendedAmount %s − Allowance %s ≠ TotalAmount %s (discount %s)", i+1, ext, allow, total, w["discount"])
	}
	// UnitPrice: Amount per unit, or Amount per PerQuantity = Quantity.
	up := l["UnitPrice"].(map[string]any)
	amt := up["Amount"].(builtin.Money)
	if per, ok := up["PerQuantity"].(builtin.Quantity); ok {
		if !sameMoney(amt, ext) || per.Value.Cmp(q.Value) != 0 || per.UOM != q.UOM {
			t.Errorf("line %d: UnitPrice %s per %s, want %s per %s", i+1, amt, per, ext, q)
		}
	} else if p, err := amt.Amount.Mul(q.Value); err != nil || p.Cmp(ext.Amount) != 0 {
		t.Errorf("line %d: UnitPrice %s × %s = %s, want ExtendedAmount %s", i+1, amt, q, p, ext)
	}
	if got, want := inforWalk(t, l, "CustomerPurchaseOrderReference.LineNumber"), w["line_id"]; got != want {
		t.Errorf("line %d: CustomerPurchaseOrderReference/LineNumber %v, want the channel line id %v", i+1, got, want)
	}
	if got, want := inforWalk(t, l, "CustomerPurchaseOrderReference.DocumentID.ID.#text"), inforWalk(t, header, "CustomerPurchaseOrderReference.DocumentID.ID.#text"); got != want {
		t.Errorf("line %d: PO reference %v, header %v", i+1, got, want)
	}
	if got := inforProperty(l, "transload.line_id"); got != w["line_id"] {
		t.Errorf("line %d: UserArea transload.line_id %q, want %v", i+1, got, w["line_id"])
	}
}

// inforCheckXML checks the BOD's XML: the namespace and the elements ION
// and the receivers need.
func inforCheckXML(t *testing.T, root *inforNode, key, cur string, lines int, o *engine.Outcome) {
	t.Helper()
	if root.name != "SyncSalesOrder" || root.space != "http://schema.infor.com/InforOAGIS/2" || root.attrs["releaseID"] != "9.2" {
		t.Errorf("root <%s xmlns=%q releaseID=%q>", root.name, root.space, root.attrs["releaseID"])
	}
	for _, p := range []string{
		"ApplicationArea/Sender/LogicalID", "ApplicationArea/Sender/ComponentID", "ApplicationArea/Sender/ConfirmationCode",
		"ApplicationArea/CreationDateTime", "ApplicationArea/BODID",
		"DataArea/Sync/TenantID", "DataArea/Sync/AccountingEntityID", "DataArea/Sync/LocationID",
		"DataArea/SalesOrder/SalesOrderHeader/DocumentDateTime", "DataArea/SalesOrder/SalesOrderHeader/Status/Code",
		"DataArea/SalesOrder/SalesOrderHeader/CustomerPurchaseOrderReference/DocumentID/ID",
	} {
		if n := root.find(p); len(n) != 1 || strings.TrimSpace(n[0].text) == "" {
			t.Errorf("%s: %d elements, want one with text", p, len(n))
		}
	}
	if a := root.find("DataArea/Sync/ActionCriteria/ActionExpression"); len(a) != 1 || a[0].attrs["actionCode"] != "Replace" {
		t.Errorf("ActionExpression: %v", a)
	}
	if id := root.find("DataArea/SalesOrder/SalesOrderHeader/DocumentID/ID"); len(id) != 1 || id[0].text != key || id[0].attrs["accountingEntity"] != "100" {
		t.Errorf("DocumentID/ID: %v, want %s", id, key)
	}
	if bodid := root.find("ApplicationArea/BODID"); len(bodid) == 1 && !strings.Contains(bodid[0].text, ":"+key+":") {
		t.Errorf("BODID %q does not name %s", bodid[0].text, key)
	}
	for _, p := range []string{"DataArea/SalesOrder/SalesOrderHeader/TotalAmount", "DataArea/SalesOrder/SalesOrderHeader/ExtendedAmount"} {
		if n := root.find(p); len(n) != 1 || n[0].attrs["currencyID"] != cur {
			t.Errorf("%s: %v, want currencyID %s", p, n, cur)
		}
	}
	corr := false
	for _, n := range root.find("DataArea/SalesOrder/SalesOrderHeader/Note") {
		corr = corr || strings.HasPrefix(n.text, "Transload correlation id: ")
	}
	if !corr {
		t.Error("no Note with the correlation id")
	}
	ls := root.find("DataArea/SalesOrder/SalesOrderLine")
	if len(ls) != lines {
		t.Fatalf("%d <SalesOrderLine>, want %d", len(ls), lines)
	}
	for i, l := range ls {
		for _, p := range []string{"LineNumber", "Item/ItemID/ID", "Quantity", "UnitPrice/Amount", "ExtendedAmount", "TotalAmount", "CustomerPurchaseOrderReference/LineNumber"} {
			if len(l.find(p)) != 1 {
				t.Errorf("line %d: no %s", i+1, p)
			}
		}
		if q := l.find("Quantity"); len(q) == 1 && q[0].attrs["unitCode"] == "" {
			t.Errorf("line %d: Quantity without unitCode", i+1)
		}
	}
}

// TestERPInforBODID: the same order makes the same BODID (a retry or
// replay is one message to ION); an update with other content makes
// another (never taken for a duplicate); CreationDateTime is placed_at.
func TestERPInforBODID(t *testing.T) {
	cfg, order := inforSampleOrder(t, inforVars())
	m := cfg.Mappings["infor.sales_order"]
	bodid := func(o map[string]any) string {
		t.Helper()
		doc, err := m.Apply(map[string]any{"order": o, "correlation_id": "c-1"})
		if err != nil {
			t.Fatal(err)
		}
		return inforWalk(t, doc, "SyncSalesOrder.ApplicationArea.BODID").(string)
	}
	a, b := bodid(order), bodid(order)
	if a != b {
		t.Errorf("BODID %s then %s for the same order", a, b)
	}
	if !strings.HasPrefix(a, "infor-nid:ACME:100:WH1:b2b:PO-77120:") || !strings.HasSuffix(a, "?SalesOrder&verb=Sync") {
		t.Errorf("BODID %s", a)
	}
	changed := inforClone(order)
	line := changed["lines"].([]any)[1].(map[string]any)
	line["quantity"] = builtin.Quantity{Value: inforDecimal(t, "7"), UOM: "EA"}
	if c := bodid(changed); c == a {
		t.Errorf("an order with another quantity keeps BODID %s", c)
	}
	doc, err := m.Apply(map[string]any{"order": order, "correlation_id": "c-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := inforWalk(t, doc, "SyncSalesOrder.ApplicationArea.CreationDateTime"); got != order["placed_at"] {
		t.Errorf("CreationDateTime %v, want placed_at %v", got, order["placed_at"])
	}
}

// TestERPInforCancelledUpdate: a cancelled order the ERP has is sent as a
// Replace with the header and every line Cancelled, lines as ordered.
func TestERPInforCancelledUpdate(t *testing.T) {
	cfg, order := inforSampleOrder(t, inforVars())
	o := inforClone(order)
	o["status"] = "cancelled"
	for _, l := range o["lines"].([]any) {
		l.(map[string]any)["status"] = "cancelled"
	}
	doc, err := cfg.Mappings["infor.sales_order"].Apply(map[string]any{"order": o, "correlation_id": "c-2"})
	if err != nil {
		t.Fatal(err)
	}
	if got := inforWalk(t, doc, "SyncSalesOrder.DataArea.Sync.ActionCriteria.ActionExpression.@actionCode"); got != "Replace" {
		t.Errorf("actionCode %v", got)
	}
	if got := inforWalk(t, doc, "SyncSalesOrder.DataArea.SalesOrder.SalesOrderHeader.Status.Code"); got != "Cancelled" {
		t.Errorf("header status %v", got)
	}
	lines := inforList(inforWalk(t, doc, "SyncSalesOrder.DataArea.SalesOrder.SalesOrderLine"))
	if len(lines) != 2 {
		t.Fatalf("%d lines, want both", len(lines))
	}
	for i, want := range []string{"12", "6"} {
		if got := inforWalk(t, lines[i], "Status.Code"); got != "Cancelled" {
			t.Errorf("line %d status %v", i+1, got)
		}
		if q := inforWalk(t, lines[i], "Quantity").(builtin.Quantity); q.Value.String() != want {
			t.Errorf("line %d quantity %s, want %s", i+1, q, want)
		}
	}
}

// TestERPInforCustomerRequired: without infor_customer_id an order is an
// INVALID_SETTING dead letter, never booked to a guessed customer.
func TestERPInforCustomerRequired(t *testing.T) {
	vars := inforVars()
	delete(vars, "infor_customer_id")
	vars["erp"] = "infor"
	cfg, w := loadDefaultFlows(t, vars)
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("..", "flows", "testdata", "erp_orders", "b2b_portal_PO-77120.json"))
	if err != nil {
		t.Fatal(err)
	}
	outs, _, err := ev.Eval(context.Background(), "erp_orders", engine.Input{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if o := outs[0]; o.DeadLetter == nil || o.DeadLetter.Reason != "INVALID_SETTING" || !strings.Contains(o.DeadLetter.Message, "infor_customer_id") {
		j, _ := o.JSON()
		t.Fatalf("want an INVALID_SETTING dead letter naming infor_customer_id\n%s", j)
	}
}

// inforSampleOrder runs the b2b sample through erp_orders (erp = infor)
// and returns the loaded flows and the canonical order.
func inforSampleOrder(t *testing.T, vars map[string]string) (*dsl.Config, map[string]any) {
	t.Helper()
	all := map[string]string{"erp": "infor"}
	maps.Copy(all, vars)
	cfg, w := loadDefaultFlows(t, all)
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("..", "flows", "testdata", "erp_orders", "b2b_portal_PO-77120.json"))
	if err != nil {
		t.Fatal(err)
	}
	outs, _, err := ev.Eval(context.Background(), "erp_orders", engine.Input{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if outs[0].Outcome != "delivered" {
		j, _ := outs[0].JSON()
		t.Fatalf("the b2b sample: %s", j)
	}
	return cfg, outs[0].Steps["canonical"].(map[string]any)
}

// TestERPInforFromERP: the sample BODs (tests/testdata/erp/infor, written
// from the public documentation) decode through the XML codec and map to
// canonical shipments, invoices, inventory levels, customers and
// products, the channel order and its lines found again.
func TestERPInforFromERP(t *testing.T) {
	cfg, _ := loadDefaultFlows(t, inforVars())
	decode := func(t *testing.T, typ, file string) any {
		t.Helper()
		body, err := os.ReadFile(filepath.Join("testdata", "erp", "infor", file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := codec.XML{}.Decoder(cfg.Types.Lookup(typ), nil)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := d.Decode(body)
		if err != nil || len(docs) != 1 || docs[0].Err != nil {
			t.Fatalf("decode %s: %v %v", file, err, docs)
		}
		return docs[0].Value
	}
	apply := func(t *testing.T, mapping string, in any) map[string]any {
		t.Helper()
		out, err := cfg.Mappings[mapping].Apply(in)
		if err != nil {
			t.Fatalf("%s: %v", mapping, err)
		}
		return out.(map[string]any)
	}

	t.Run("SyncShipment_userarea", func(t *testing.T) {
		s := apply(t, "infor.shipment", decode(t, "infor.ShipmentBOD", "SyncShipment_userarea.xml"))
		inforFacts(t, s, map[string]any{
			"id": "SHP0004711", "channel": "b2b", "order_id": "PO-77120", "status": "Shipped",
			"shipped_at": inforTime(t, "2026-11-04T15:40:00Z"), "carrier": "Old Dominion Freight Line", "service": "LTL",
			"tracking.0.number": "PRO-4471902", "tracking.0.carrier": "Old Dominion Freight Line",
			"ship_to.city": "Portland", "ship_to.country": "US", "ship_to.line1": "400 Dock Road", "ship_from.region": "NH",
			"lines.0.line_id": "1", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity": "12 EA",
			"lines.1.line_id": "2", "lines.1.sku": "IPOD2008RED", "lines.1.quantity": "4 EA",
			"references.erp_shipment_id": "SHP0004711",
		})
		if n := len(inforList(s["tracking"])); n != 1 {
			t.Errorf("%d tracking numbers, want the one both packages share", n)
		}
	})
	t.Run("ShowShipment_references", func(t *testing.T) {
		s := apply(t, "infor.shipment", decode(t, "infor.ShipmentBOD", "ShowShipment_references.xml"))
		inforFacts(t, s, map[string]any{
			"id": "0000881203", "channel": "shopify", "order_id": "450789469", "carrier": "UPS", "service": "UPS Ground",
			"shipped_at": inforTime(t, "2026-11-05T08:55:00Z"), "tracking.0.number": "1Z999AA10123456784",
			"lines.0.line_id": "466157049", "lines.0.sku": "IPOD2008BLACK", "lines.0.quantity": "1 EA",
		})
		if _, ok := s["ship_to"]; ok {
			t.Error("ship_to without an address")
		}
	})
	t.Run("SyncShipment_no_order", func(t *testing.T) {
		bod := decode(t, "infor.ShipmentBOD", "SyncShipment_no_order.xml")
		if k := inforApply(t, cfg, "infor.shipment_order_key", bod); k != "" {
			t.Errorf("order key %q, want none", k)
		}
		_, err := cfg.Mappings["infor.shipment"].Apply(bod)
		if builtin.ReasonOf(err) != builtin.ReasonNullRequiredField {
			t.Errorf("want NULL_REQUIRED_FIELD, got %v", err)
		}
	})
	t.Run("SyncInvoice", func(t *testing.T) {
		v := apply(t, "infor.invoice", decode(t, "infor.InvoiceBOD", "SyncInvoice.xml"))
		inforFacts(t, v, map[string]any{
			"id": "INV26-001733", "channel": "b2b", "order_id": "PO-77120", "po_number": "77120", "currency": "USD",
			"invoice_date": inforTime(t, "2026-11-04T00:00:00Z"), "due_date": inforTime(t, "2026-12-04T00:00:00Z"), "terms": "Net 30",
			"customer.id": "C-1042", "bill_to.line2": "Accounts Payable", "ship_to.postal_code": "04101",
			"lines.0.line_id": "1", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity": "12 EA", "lines.0.unit_price": "180.00 USD",
			"lines.0.discount": "43.20 USD", "lines.0.tax": "116.43 USD", "lines.0.total": "2116.80 USD",
			"lines.1.line_id": "2", "lines.1.unit_price": "180.00 USD", "lines.1.total": "1058.40 USD",
			"taxes.0.title": "Sales Tax", "taxes.0.jurisdiction": "US-ME", "taxes.0.amount": "174.64 USD",
			"shipping":        "85.00 USD",
			"totals.subtotal": "3240.00 USD", "totals.discount": "64.80 USD", "totals.shipping": "85.00 USD",
			"totals.tax": "174.64 USD", "totals.grand_total": "3434.84 USD",
		})
		if r, _ := walk(v, "taxes.0.rate"); r == nil || r.(builtin.Decimal).Cmp(inforDecimal(t, "0.055")) != 0 {
			t.Errorf("tax rate %v, want 0.055", r)
		}
		// 3240.00 − 64.80 + 85.00 + 174.64 = 3434.84
		tot := v["totals"].(map[string]any)
		sum := mustAdd(t, mustAdd(t, mustSub(t, tot["subtotal"].(builtin.Money), tot["discount"].(builtin.Money)), tot["shipping"].(builtin.Money)), tot["tax"].(builtin.Money))
		if !sameMoney(sum, tot["grand_total"].(builtin.Money)) {
			t.Errorf("totals do not reconcile: %s", sum)
		}
	})
	t.Run("SyncInventoryCount", func(t *testing.T) {
		out, err := cfg.Mappings["infor.inventory_levels"].Apply(decode(t, "infor.InventoryCountBOD", "SyncInventoryCount.xml"))
		if err != nil {
			t.Fatal(err)
		}
		levels := out.([]any)
		if len(levels) != 3 {
			t.Fatalf("%d levels, want 3", len(levels))
		}
		for i, want := range []map[string]any{
			{"sku": "IPOD2008GREEN", "item_id": "IPOD2008GREEN", "location_id": "WH1", "available": "128 EA", "reserved": "12 EA", "updated_at": inforTime(t, "2026-11-07T05:55:00Z"), "channel": "erp"},
			{"sku": "IPOD2008RED", "location_id": "WH1", "available": "30 EA", "updated_at": inforTime(t, "2026-11-07T05:59:30Z")},
			{"sku": "IPOD2008BLACK", "location_id": "WH1", "available": "0 EA"},
		} {
			inforFacts(t, levels[i].(map[string]any), want)
		}
	})
	t.Run("SyncCustomerPartyMaster", func(t *testing.T) {
		c := apply(t, "infor.customer", decode(t, "infor.CustomerPartyMasterBOD", "SyncCustomerPartyMaster.xml"))
		inforFacts(t, c, map[string]any{
			"id": "C-1042", "company": "Harbor Hardware Supply", "name": "Dana Whitfield",
			"email": "purchasing@harbor-hardware.example", "phone": "+1 207 555 0142", "tax_id": "01-2345678",
			"references.duns": "123456789", "references.status": "Active",
		})
	})
	t.Run("SyncItemMaster", func(t *testing.T) {
		item := decode(t, "infor.ItemMasterBOD", "SyncItemMaster.xml")
		prices := decode(t, "infor.PriceListBOD", "SyncPriceList.xml")
		p := apply(t, "infor.item", map[string]any{"item_master": item, "price_list": prices})
		inforFacts(t, p, map[string]any{
			"id": "IPOD2008GREEN", "title": "iPod Nano 8GB green", "status": "Active",
			"variants.0.sku": "IPOD2008GREEN", "variants.0.gtin": "00012345678905", "variants.0.price": "180.00 USD",
		})
		if p := apply(t, "infor.item", map[string]any{"item_master": item}); p["variants"].([]any)[0].(map[string]any)["price"] != nil {
			t.Error("a price without a price list")
		}
		// The RED line prices 12 units at 2160.00: 180.00 each.
		inforWalk(t, item, "SyncItemMaster.DataArea.ItemMaster.ItemMasterHeader.ItemID").(map[string]any)["ID"] = "IPOD2008RED"
		p = apply(t, "infor.item", map[string]any{"item_master": item, "price_list": prices})
		inforFacts(t, p, map[string]any{"id": "IPOD2008RED", "variants.0.price": "180.00 USD"})
	})
}

func inforApply(t *testing.T, cfg *dsl.Config, mapping string, in any) any {
	t.Helper()
	out, err := cfg.Mappings[mapping].Apply(in)
	if err != nil {
		t.Fatalf("%s: %v", mapping, err)
	}
	return out
}

// inforFacts compares paths of a document with values: strings, times,
// and "12.30 USD" / "12 EA" for money and quantities.
func inforFacts(t *testing.T, doc map[string]any, facts map[string]any) {
	t.Helper()
	for path, want := range facts {
		got, ok := walk(doc, path)
		if !ok {
			t.Errorf("%s: missing, want %v", path, want)
			continue
		}
		switch g := got.(type) {
		case builtin.Money:
			if g.Amount.String()+" "+g.Currency != want {
				t.Errorf("%s = %s, want %v", path, g, want)
			}
		case builtin.Quantity:
			if g.String() != want {
				t.Errorf("%s = %s, want %v", path, g, want)
			}
		case time.Time:
			if w, ok := want.(time.Time); !ok || !g.Equal(w) {
				t.Errorf("%s = %v, want %v", path, g, want)
			}
		default:
			if got != want {
				t.Errorf("%s = %#v, want %#v", path, got, want)
			}
		}
	}
}

func inforWalk(t *testing.T, v any, path string) any {
	t.Helper()
	got, ok := walk(v, path)
	if !ok {
		t.Fatalf("no %s", path)
	}
	return got
}

func inforList(v any) []any {
	l, _ := v.([]any)
	return l
}

func inforZero(t *testing.T, cur string) builtin.Money {
	t.Helper()
	m, err := builtin.ZeroMoney(cur)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func inforDecimal(t *testing.T, s string) builtin.Decimal {
	t.Helper()
	d, err := builtin.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func inforTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// inforProperty reads a UserArea property of a document Transload wrote.
func inforProperty(v any, name string) string {
	props, _ := walk(v, "UserArea.Property")
	for _, p := range inforList(props) {
		nv, _ := p.(map[string]any)["NameValue"].(map[string]any)
		if nv["@name"] == name {
			s, _ := nv["#text"].(string)
			return s
		}
	}
	return ""
}

// inforClone copies an order deeply enough to change its status and lines.
func inforClone(o map[string]any) map[string]any {
	c := maps.Clone(o)
	var lines []any
	for _, l := range o["lines"].([]any) {
		lines = append(lines, maps.Clone(l.(map[string]any)))
	}
	c["lines"] = lines
	return c
}

// inforNode is an element of a parsed XML document.
type inforNode struct {
	name, space string
	attrs       map[string]string
	text        string
	kids        []*inforNode
}

// find returns the descendants at a slash-separated path of local names.
func (n *inforNode) find(path string) []*inforNode {
	cur := []*inforNode{n}
	for _, p := range strings.Split(path, "/") {
		var next []*inforNode
		for _, c := range cur {
			for _, k := range c.kids {
				if k.name == p {
					next = append(next, k)
				}
			}
		}
		cur = next
	}
	return cur
}

// inforParseXML parses a document with encoding/xml (strict), failing the
// test when it is not well-formed.
func inforParseXML(t *testing.T, b []byte) *inforNode {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []*inforNode
	var root *inforNode
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, b)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			n := &inforNode{name: x.Name.Local, space: x.Name.Space, attrs: map[string]string{}}
			for _, a := range x.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(x)
			}
		}
	}
	if root == nil {
		t.Fatal("no root element")
	}
	return root
}

// TestERPInforSchemaOrder pins the element order of the SyncSalesOrder
// type: its fields are declared in the OAGIS XSD sequence (verb before
// noun, Sender before CreationDateTime before BODID, LineNumber first and
// UserArea last…), and a BOD encoded with its type (as the sinks do with
// a delivery's type) has its elements in that order, not the alphabet's.
func TestERPInforSchemaOrder(t *testing.T) {
	cfg, _ := loadDefaultFlows(t, inforVars())
	docs := erpDocuments(t, "infor", inforVars())
	bod := cfg.Types.Lookup("infor.SalesOrderBOD")
	for _, d := range docs[:1] {
		raw, err := xmldoc.Encode("SyncSalesOrder", d.Doc.(map[string]any)["SyncSalesOrder"],
			xmldoc.EncodeOptions{CurrencyAttr: "currencyID", UnitAttr: "unitCode", Type: bod.Field("SyncSalesOrder").Type})
		if err != nil {
			t.Fatal(err)
		}
		root := inforParseXML(t, raw)
		for path, want := range map[string][]string{
			"ApplicationArea":                      {"Sender", "CreationDateTime", "BODID"},
			"DataArea":                             {"Sync", "SalesOrder"},
			"DataArea/SalesOrder/SalesOrderHeader": cfg.Types.Lookup("infor.SalesOrderBOD.SalesOrderHeader").FieldNames(),
		} {
			n := root.find(path)
			if len(n) != 1 {
				t.Fatalf("%s: %d elements", path, len(n))
			}
			var got []string
			for _, k := range n[0].kids {
				if len(got) == 0 || got[len(got)-1] != k.name {
					got = append(got, k.name)
				}
			}
			// The children present, in the declared order.
			i := 0
			for _, g := range got {
				for i < len(want) && want[i] != g {
					i++
				}
				if i == len(want) {
					t.Errorf("%s: children %v are not in the declared order %v", path, got, want)
					break
				}
			}
		}
	}
	for name, want := range map[string][]string{
		"infor.SalesOrderBOD.SyncSalesOrder":  {"@xmlns", "@releaseID", "@versionID", "ApplicationArea", "DataArea"},
		"infor.SalesOrderBOD.ApplicationArea": {"Sender", "CreationDateTime", "BODID"},
		"infor.SalesOrderBOD.Sender":          {"LogicalID", "ComponentID", "ConfirmationCode"},
		"infor.SalesOrderBOD.DataArea":        {"Sync", "SalesOrder"},
		"infor.SalesOrderBOD.Verb":            {"TenantID", "AccountingEntityID", "LocationID", "ActionCriteria"},
		"infor.SalesOrderBOD.SalesOrder":      {"SalesOrderHeader", "SalesOrderLine"},
		"infor.SalesOrderBOD.SalesOrderHeader": {"DocumentID", "AlternateDocumentID", "DocumentDateTime", "Note", "Status",
			"CustomerParty", "ShipToParty", "ExtendedAmount", "TotalAmount", "BillToParty", "Tax", "Charge",
			"CustomerPurchaseOrderReference", "UserArea"},
		"infor.SalesOrderBOD.SalesOrderLine": {"LineNumber", "Status", "Item", "Quantity", "UnitPrice", "ExtendedAmount",
			"TotalAmount", "Tax", "Allowance", "CustomerPurchaseOrderReference", "UserArea"},
		"infor.SalesOrderBOD.Party":   {"PartyIDs", "Name", "Location", "Contact"},
		"infor.SalesOrderBOD.Address": {"AddressLine", "CityName", "CountrySubDivisionCode", "CountryCode", "PostalCode"},
	} {
		typ := cfg.Types.Lookup(name)
		if typ == nil {
			t.Errorf("no type %s", name)
			continue
		}
		if got := typ.FieldNames(); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: fields %v, want the XSD order %v", name, got, want)
		}
	}
}
