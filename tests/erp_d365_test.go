package tests

import (
	"bufio"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
)

// d365Vars are the F&O settings the conformance tests run with: a customer
// account for every channel and a freight item (orders with freight are
// INVALID_SETTING without one).
var d365Vars = map[string]string{"d365_customer_account": "US-027", "d365_freight_item": "FREIGHT"}

// TestERPD365Orders: every accepted corpus order becomes an F&O sales
// order header with its SalesOrderLines: erp.lines' lines (same count,
// items, quantities, units, channel line ids and SKUs), and amounts that
// add up under F&O's arithmetic, to the cent:
//
//	LineAmount = ROUND((SalesPrice − LineDiscountAmount) × OrderedSalesQuantity, currency)
//	Σ LineAmount (items, freight, tax lines) = grand_total − tax
//
// when F&O computes sales tax (the default), or = grand_total when
// d365_tax_item carries the channel's tax as lines, or when prices include
// tax. Kits are checked both ways.
func TestERPD365Orders(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
	}{
		{"default", nil},
		{"components", map[string]string{"erp_kits": "components"}},
		{"tax_lines", map[string]string{"d365_tax_item": "TAX"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := maps.Clone(d365Vars)
			maps.Copy(vars, tc.vars)
			cfg := msLoad(t, msWithERP(vars, "d365"))
			taxLines := vars["d365_tax_item"] != ""
			for _, d := range msERPDocs(t, "d365", vars) {
				t.Run(d.Name, func(t *testing.T) {
					if !erpSent(t, d) {
						return
					}
					doc := d.Doc.(map[string]any)
					cur := d.Order["currency"].(string)
					for k, want := range map[string]any{
						"dataAreaId":                    "usmf",
						"CustomersOrderReference":       d.Order["channel"].(string) + ":" + d.Order["id"].(string),
						"OrderingCustomerAccountNumber": "US-027",
						"InvoiceCustomerAccountNumber":  "US-027",
						"CurrencyCode":                  cur,
					} {
						if doc[k] != want {
							t.Errorf("%s = %v, want %v", k, doc[k], want)
						}
					}
					if s, _ := doc["RequestedShippingDate"].(string); len(s) != 20 || !strings.HasSuffix(s, "T12:00:00Z") {
						t.Errorf("RequestedShippingDate %q is not an F&O date", s)
					}
					if shipTo, ok := d.Order["ship_to"].(map[string]any); ok {
						if want := map[string]string{"US": "USA", "CA": "CAN", "GB": "GBR", "DE": "DEU"}[shipTo["country"].(string)]; want != "" && doc["DeliveryAddressCountryRegionId"] != want {
							t.Errorf("DeliveryAddressCountryRegionId %v for %v, want %s", doc["DeliveryAddressCountryRegionId"], shipTo["country"], want)
						}
						if doc["IsDeliveryAddressOrderSpecific"] != "Yes" {
							t.Errorf("IsDeliveryAddressOrderSpecific %v", doc["IsDeliveryAddressOrderSpecific"])
						}
					}
					erpLines := msERPLines(t, cfg, d.Order)
					lines, _ := doc["SalesOrderLines"].([]any)
					sum, _ := builtin.ZeroMoney(cur)
					var items []map[string]any
					for _, l := range lines {
						line := l.(map[string]any)
						amount := msD365LineAmount(t, line, cur)
						if la, err := builtin.NewMoney(line["LineAmount"].(builtin.Decimal), cur); err != nil || !sameMoney(la, amount) {
							t.Errorf("line %v: LineAmount %v, ROUND((SalesPrice − LineDiscountAmount) × quantity) = %s", line["CustomersLineNumber"], line["LineAmount"], amount)
						}
						sum = mustAdd(t, sum, amount)
						if line["ItemNumber"] != "FREIGHT" && line["ItemNumber"] != "TAX" {
							items = append(items, line)
						}
					}
					if len(items) != len(erpLines) {
						t.Fatalf("%d item lines, erp.lines has %d", len(items), len(erpLines))
					}
					for i, el := range erpLines {
						item, q := items[i], el["quantity"].(builtin.Quantity)
						for k, want := range map[string]any{
							"ItemNumber": el["item"], "ExternalItemNumber": el["sku"], "OrderLineReference": el["line_id"],
							"CustomersLineNumber": el["position"], "SalesUnitSymbol": map[string]string{"EA": "ea"}[q.UOM],
						} {
							if item[k] != want {
								t.Errorf("line %d: %s = %v, want %v", i+1, k, item[k], want)
							}
						}
						if item["OrderedSalesQuantity"].(builtin.Decimal).Cmp(q.Value) != 0 {
							t.Errorf("line %d: quantity %v, want %v", i+1, item["OrderedSalesQuantity"], q.Value)
						}
						if got, want := msD365LineAmount(t, item, cur), el["amount"].(builtin.Money); !sameMoney(got, want) {
							t.Errorf("line %d: amount %s, erp.lines amount %s", i+1, got, want)
						}
					}
					totals := d.Order["totals"].(map[string]any)
					want := totals["grand_total"].(builtin.Money)
					inc, _ := d.Order["taxes_included"].(bool)
					if !inc && !taxLines {
						want = mustSub(t, want, totals["tax"].(builtin.Money))
					}
					if !sameMoney(sum, want) {
						t.Errorf("Σ LineAmount %s, want %s (grand total %s, tax %s, taxes included %v, tax lines %v)",
							sum, want, totals["grand_total"], totals["tax"], inc, taxLines)
					}
				})
			}
		})
	}
}

// msD365LineAmount is F&O's line amount:
// ROUND((SalesPrice − LineDiscountAmount) × OrderedSalesQuantity, currency).
func msD365LineAmount(t *testing.T, line map[string]any, cur string) builtin.Money {
	t.Helper()
	price := line["SalesPrice"].(builtin.Decimal)
	if d, ok := line["LineDiscountAmount"].(builtin.Decimal); ok {
		var err error
		if price, err = price.Sub(d); err != nil {
			t.Fatal(err)
		}
	}
	v, err := price.Mul(line["OrderedSalesQuantity"].(builtin.Decimal))
	if err != nil {
		t.Fatal(err)
	}
	m, err := builtin.RoundMoney(v, cur, builtin.HalfUp)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestERPD365Shape checks the schemas against the published entity
// definitions: every property of SalesOrderHeadersV2 and SalesOrderLines
// the mapping may send is an attribute of SalesOrderHeaderV2Entity and
// SalesOrderLineV2Entity (Common Data Model, with dataAreaId and the
// LineNumber of later metadata), besides the OData annotation @odata.etag
// and the SalesOrderLines navigation; the required fields are those the
// entity documentation marks; and the document of a corpus order sends
// them.
func TestERPD365Shape(t *testing.T) {
	dir := filepath.Join("..", "stdlib", "mappings", "modules", "d365")
	attrs := func(file string) map[string]bool {
		f, err := os.Open(filepath.Join("testdata", "erp", "d365", "metadata", file))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		out := map[string]bool{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
				out[s] = true
			}
		}
		return out
	}
	header, line := attrs("SalesOrderHeaderV2Entity.attributes.txt"), attrs("SalesOrderLineV2Entity.attributes.txt")
	schema := filepath.Join(dir, "sales_order_header.schema.json")
	for k := range msSchemaProps(t, schema, "") {
		if !header[k] && k != "@odata.etag" && k != "SalesOrderLines" {
			t.Errorf("header property %s is not an attribute of SalesOrderHeaderV2Entity", k)
		}
	}
	for k := range msSchemaProps(t, schema, "SalesOrderLine") {
		if !line[k] {
			t.Errorf("line property %s is not an attribute of SalesOrderLineV2Entity", k)
		}
	}
	s := msReadJSON(t, schema)
	var required []string
	for _, r := range s["required"].([]any) {
		required = append(required, r.(string))
	}
	if strings.Join(required, ",") != "dataAreaId,OrderingCustomerAccountNumber,InvoiceCustomerAccountNumber,RequestedShippingDate" {
		t.Errorf("header required %v", required)
	}
	for _, d := range msERPDocs(t, "d365", d365Vars) {
		if d.Name != "shopify/order_get_450789469_discount_partial_refund.json" {
			continue
		}
		doc := msDecodeJSON(t, msJSON(t, d.Doc))
		for _, k := range required {
			if _, ok := doc[k]; !ok {
				t.Errorf("the document has no %s", k)
			}
		}
		for _, l := range doc["SalesOrderLines"].([]any) {
			for _, k := range []string{"ItemNumber", "RequestedShippingDate"} {
				if _, ok := l.(map[string]any)[k]; !ok {
					t.Errorf("a line has no %s", k)
				}
			}
			for _, k := range []string{"OrderedSalesQuantity", "SalesPrice", "LineAmount", "LineDiscountAmount"} {
				if v, ok := l.(map[string]any)[k]; ok && msKind(v) != "number" {
					t.Errorf("line %s is a JSON %s, Edm.Decimal is a number", k, msKind(v))
				}
			}
		}
		for k, want := range map[string]string{
			"DeliveryAddressStreet": "Chestnut Street 92", "DeliveryAddressCity": "Louisville", "DeliveryAddressStateId": "KY",
			"DeliveryAddressZipCode": "40202", "DeliveryAddressCountryRegionId": "USA", "DeliveryAddressName": "Bob Norman",
			"CustomerRequisitionNumber": "ABC123", "CustomersOrderReference": "shopify:450789469",
		} {
			if doc[k] != want {
				t.Errorf("%s = %v, want %s", k, doc[k], want)
			}
		}
	}
}

// TestERPD365Settings: no customer account for the channel, or freight
// with no freight item, is INVALID_SETTING; a per-channel account wins.
func TestERPD365Settings(t *testing.T) {
	find := func(t *testing.T, vars map[string]string, file string) erpDocument {
		t.Helper()
		for _, d := range msERPDocs(t, "d365", vars) {
			if d.Name == file {
				return d
			}
		}
		t.Fatalf("%s is not an accepted corpus order", file)
		return erpDocument{}
	}
	const shopify, amazon = "shopify/order_get_450789469_discount_partial_refund.json", "amazon/orders_2026-01-01_getOrder_example.json"
	if dl := find(t, nil, shopify).Outcome.DeadLetter; dl == nil || dl.Reason != "INVALID_SETTING" || !strings.Contains(dl.Message, "d365_customer_account") {
		t.Errorf("no customer account: dead letter %+v, want INVALID_SETTING", dl)
	}
	d := find(t, map[string]string{"d365_customer_account": "US-027", "d365_customer_accounts": `{amazon = "US-030"}`, "d365_freight_item": "FREIGHT"}, amazon)
	if doc, _ := d.Doc.(map[string]any); doc == nil || doc["OrderingCustomerAccountNumber"] != "US-030" || doc["DeliveryAddressCountryRegionId"] != "GBR" {
		t.Errorf("per-channel account, GB address: got %v", d.Doc)
	}
	if dl := find(t, map[string]string{"d365_customer_account": "US-027"}, amazon).Outcome.DeadLetter; dl == nil || dl.Reason != "INVALID_SETTING" || !strings.Contains(dl.Message, "d365_freight_item") {
		t.Errorf("freight without a freight item: dead letter %+v, want INVALID_SETTING", dl)
	}
}

// TestERPD365ReadBack applies the ERP → canonical mappings to documents
// of the entities' documented shape (testdata/erp/d365): the Shopify
// corpus order 450789469 as F&O ships and invoices it, its on-hand
// inventory, customer and released product.
func TestERPD365ReadBack(t *testing.T) {
	cfg := msLoad(t, msWithERP(d365Vars, "d365"))
	dir := filepath.Join("testdata", "erp", "d365")
	t.Run("packing_slip", func(t *testing.T) {
		out := msApplyFile(t, cfg, "d365.shipment", filepath.Join(dir, "packing_slip.json"), nil)
		msWant(t, out, map[string]string{
			"id": "PS-000123", "order_id": "450789469", "channel": "shopify", "shipped_at": "2024-05-02T12:00:00Z",
			"carrier": "UPS", "service": "GROUND", "#tracking": "1", "tracking.0.number": "1Z999AA10123456784",
			"ship_to.line1": "Chestnut Street 92", "ship_to.line2": "Apt 4", "ship_to.country": "US", "ship_to.region": "KY",
			"#lines": "2", "lines.0.line_id": "466157049", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity.value": "1",
			"lines.0.quantity.uom": "EA", "lines.1.line_id": "518995019", "references.erp_order_number": "SO-001234",
		})
	})
	t.Run("invoice", func(t *testing.T) {
		out := msApplyFile(t, cfg, "d365.invoice", filepath.Join(dir, "sales_invoice.json"), nil)
		msWant(t, out, map[string]string{
			"id": "CIV-000321", "order_id": "450789469", "channel": "shopify", "invoice_date": "2024-05-03T12:00:00Z",
			"currency": "USD", "customer.id": "US-027", "terms": "Net30", "bill_to.country": "US", "bill_to.city": "Louisville",
			"#lines": "3", "lines.0.line_id": "1", "lines.0.sku": "IPOD2008GREEN", "lines.0.quantity.value": "1",
			"lines.0.unit_price.amount": "199.00", "lines.0.discount.amount": "3.34", "lines.0.tax.amount": "3.98",
			"lines.0.total.amount": "195.66", "totals.grand_total.amount": "598.94", "totals.tax.amount": "11.94",
			"totals.shipping.amount": "0.00", "totals.discount.amount": "0.00", "totals.subtotal.amount": "587.00",
			"#taxes": "1", "taxes.0.amount.amount": "11.94",
		})
		msReconcileInvoice(t, out)
	})
	t.Run("on_hand", func(t *testing.T) {
		out := msApplyFile(t, cfg, "d365.inventory", filepath.Join(dir, "warehouse_on_hand.json"), nil)
		msWant(t, out, map[string]string{
			"sku": "IPOD2008GREEN", "location_id": "2/24", "available.value": "35", "available.uom": "EA",
			"reserved.value": "5", "channel": "erp",
		})
	})
	t.Run("customer", func(t *testing.T) {
		out := msApplyFile(t, cfg, "d365.customer", filepath.Join(dir, "customer.json"), nil)
		msWant(t, out, map[string]string{
			"id": "US-027", "name": "Birch Company", "company": "Birch Company", "email": "orders@birch.example",
			"phone": "<none>", "first_name": "<none>", "tax_id": "<none>", "references.customer_group": "30",
		})
	})
	t.Run("released_product", func(t *testing.T) {
		out := msApplyFile(t, cfg, "d365.item", filepath.Join(dir, "released_product.json"), nil)
		msWant(t, out, map[string]string{
			"id": "IPOD2008GREEN", "title": "IPod Nano - 8gb - green", "#variants": "1",
			"variants.0.sku": "IPOD2008GREEN", "variants.0.price.amount": "199.00", "variants.0.price.currency": "USD",
		})
	})
}

// TestERPD365Delivery: the sink POSTs a new order to
// /data/SalesOrderHeadersV2 and, after an interrupted delivery, looks for
// it by company and CustomersOrderReference; an update or a cancellation
// of an order F&O already has is never POSTed again: it stops as
// UPDATE_NOT_SUPPORTED.
func TestERPD365Delivery(t *testing.T) {
	vars := msWithERP(d365Vars, "d365")
	vars["erp_url"] = "https://contoso.operations.dynamics.com"
	outs, got := msDeliveries(t, vars, "d365")
	if outs[0].Outcome != "delivered" || len(got) != 1 {
		j, _ := outs[0].JSON()
		t.Fatalf("first delivery: %d calls\n%s", len(got), j)
	}
	for k, want := range map[string]string{
		"path":     "/data/SalesOrderHeadersV2",
		"find_url": "/data/SalesOrderHeadersV2?$filter=dataAreaId%20eq%20%27usmf%27%20and%20CustomersOrderReference%20eq%20%27b2b:PO-77120%27&cross-company=true",
	} {
		if got := got[0].Settings[k][""]; got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if h := got[0].Settings["headers"]; h["OData-Version"] != "4.0" {
		t.Errorf("headers %v", h)
	}
	for i, what := range []string{"an update", "a cancellation"} {
		o := outs[i+1]
		if o.DeadLetter == nil || o.DeadLetter.Reason != "UPDATE_NOT_SUPPORTED" || !strings.Contains(o.DeadLetter.Message, "b2b:PO-77120") ||
			!strings.Contains(o.DeadLetter.Message, "has it as sales order SO-d365") {
			j, _ := o.JSON()
			t.Errorf("%s: want a dead letter UPDATE_NOT_SUPPORTED naming the order, got\n%s", what, j)
		}
	}
}
