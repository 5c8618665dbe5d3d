package tests

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store/memstore"
)

// The flows and mappings that answer the sales channels: shipments
// (channel_shipments, and channel_shipments_shopify, to which it routes
// Shopify's) and inventory levels (channel_inventory), checked
// against the request shapes the vendors document:
//
//   - Walmart ship order lines (Orders API v3, POST
//     /v3/orders/{purchaseOrderId}/shipping): the corpus order
//     walmart/order_shipped_with_tracking.json carries its own shipped
//     status, in the very shape Walmart takes (orderLineStatus with
//     statusQuantity {EACH, "1"} and trackingInfo {shipDateTime epoch ms,
//     carrierName {carrier FedEx}, methodCode Value, trackingNumber,
//     trackingURL}); a canonical shipment made of that status must map back
//     to the same fields.
//   - Amazon confirmShipment (Orders API v0): orderItemId is the
//     OrderItemId the amazon module made the line_id (05015851154158 in the
//     sandbox order 902-1845936-5435065), quantity an integer, shipDate ISO
//     8601, marketplaceId, packageReferenceId a positive number.
//   - Amazon Vendor submitShipmentConfirmations (Vendor Shipments v1, the
//     confirmation of the Retail purchase orders the amazon module reads):
//     the sandbox PO 4Z32PABC's items, parties and cases.
//   - Shopify fulfillmentCreate (GraphQL Admin 2026-10): the fulfillment
//     orders of order 450789469 (corpus fulfillment_orders_list.json, as
//     the GraphQL answer graphql_fulfillment_orders_450789469.json) hold
//     line item 518995019 only: the canonical shipment the shopify module
//     makes of the corpus fulfillment_get.json (line 466157049) is refused
//     with UNKNOWN_ORDER_LINE, one of line 518995019 is fulfilled with
//     fulfillment order line item 1058737576.
//   - Inventory: Shopify inventorySetQuantities (gids from the tables,
//     changeFromQuantity null, an @idempotent key), Walmart PUT
//     /v3/inventory?sku= {sku, quantity {EACH, n}}, Amazon patchListingsItem
//     merge of fulfillment_availability DEFAULT.

// chFlows loads a copy of flows/ with extra flow files, variables and an
// environment of its own (env() reads only env).
func chFlows(t *testing.T, extra []string, vars, env map[string]string) (*dsl.Config, *wire.Set) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../flows")); err != nil {
		t.Fatal(err)
	}
	for _, f := range extra {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := wire.New()
	if err != nil {
		t.Fatal(err)
	}
	opts := w.LoadOptions(vars, nil)
	opts.LookupEnv = func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
	cfg, diags := dsl.Load(dir, opts)
	if diags.HasErrors() {
		for _, d := range diags {
			t.Log(d.Error())
		}
		t.Fatal("the flows do not load")
	}
	return cfg, w
}

// chEval runs one document through a flow with the given sink mocks.
func chEval(t *testing.T, cfg *dsl.Config, w *wire.Set, mocks map[string]engine.MockFunc, flow string, doc any) []*engine.Outcome {
	t.Helper()
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, Mocks: mocks})
	if err != nil {
		t.Fatal(err)
	}
	return chEvalWith(t, ev, flow, doc, "")
}

func chEvalWith(t *testing.T, ev *engine.Evaluator, flow string, doc any, id string) []*engine.Outcome {
	t.Helper()
	body, ok := doc.([]byte)
	if !ok {
		var err error
		if body, err = builtin.AppendJSON(nil, doc); err != nil {
			t.Fatal(err)
		}
	}
	outs, _, err := ev.Eval(context.Background(), flow, engine.Input{Body: body, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// chCanonical is the canonical document a default flow makes of a corpus
// payload.
func chCanonical(t *testing.T, flow, file string) map[string]any {
	t.Helper()
	cfg, w := loadDefaultFlows(t, nil)
	b, err := os.ReadFile(filepath.Join("testdata", "corpus", file))
	if err != nil {
		t.Fatal(err)
	}
	outs := chEval(t, cfg, w, nil, flow, b)
	if len(outs) != 1 || outs[0].Outcome != "delivered" {
		t.Fatalf("%s through %s:\n%s", file, flow, dumpOutcomes(outs))
	}
	doc, _ := outs[0].Steps["canonical"].(map[string]any)
	return doc
}

// chPlain is a document as the JSON a sink sends, decoded again (numbers
// as json.Number), so that fields compare with the vendor's JSON.
func chPlain(t *testing.T, v any) any {
	t.Helper()
	b, err := builtin.AppendJSON(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// chCheck compares fields of a JSON document, by dotted path, with their
// JSON text: a string is quoted ("\"1\""), a number is not ("1"), a
// missing field is "<missing>".
func chCheck(t *testing.T, what string, doc any, want map[string]string) {
	t.Helper()
	plain := chPlain(t, doc)
	for path, w := range want {
		got := "<missing>"
		if v, ok := walk(plain, path); ok {
			b, _ := json.Marshal(v)
			got = string(b)
		}
		if got != w {
			t.Errorf("%s: %s = %s, want %s", what, path, got, w)
		}
	}
	if t.Failed() {
		b, _ := json.MarshalIndent(plain, "", "  ")
		t.Logf("%s:\n%s", what, b)
	}
}

// chNative decodes JSON the way the http sink decodes an answer: integers
// as int64, other numbers as decimals.
func chNative(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var conv func(any) any
	conv = func(v any) any {
		switch x := v.(type) {
		case json.Number:
			if i, err := x.Int64(); err == nil {
				return i
			}
			d, err := builtin.ParseJSONNumber(string(x))
			if err != nil {
				t.Fatal(err)
			}
			return d
		case map[string]any:
			for k, e := range x {
				x[k] = conv(e)
			}
		case []any:
			for i, e := range x {
				x[i] = conv(e)
			}
		}
		return v
	}
	return conv(v)
}

// chOne expects one outcome and returns it.
func chOne(t *testing.T, outs []*engine.Outcome, outcome string) *engine.Outcome {
	t.Helper()
	if len(outs) != 1 || outs[0].Outcome != outcome {
		t.Fatalf("want one %s outcome, got:\n%s", outcome, dumpOutcomes(outs))
	}
	return outs[0]
}

// chDeadLetter expects one dead letter with reason and a message holding
// each of texts.
func chDeadLetter(t *testing.T, outs []*engine.Outcome, reason string, texts ...string) {
	t.Helper()
	o := chOne(t, outs, "dead_letter")
	if o.DeadLetter == nil || o.DeadLetter.Reason != reason {
		t.Fatalf("want dead letter %s:\n%s", reason, dumpOutcomes(outs))
	}
	for _, s := range texts {
		if !strings.Contains(o.DeadLetter.Message, s) {
			t.Errorf("dead letter message %q does not say %q", o.DeadLetter.Message, s)
		}
	}
}

// chCapture records what the mocked sinks were given.
type chCapture struct {
	mu         sync.Mutex
	deliveries []*connector.Delivery
}

func (c *chCapture) mock(answer func(d *connector.Delivery) (*connector.Response, error)) engine.MockFunc {
	return func(_ context.Context, d *connector.Delivery) (*connector.Response, error) {
		c.mu.Lock()
		c.deliveries = append(c.deliveries, d)
		c.mu.Unlock()
		if answer == nil {
			return &connector.Response{Status: 200}, nil
		}
		return answer(d)
	}
}

func chSetting(d *connector.Delivery, attr, key string) string {
	if d.Settings == nil {
		return ""
	}
	return d.Settings[attr][key]
}

// The Walmart corpus order that Walmart already shows as shipped, and a
// canonical shipment of exactly that shipment.
func walmartShippedOrderShipment(t *testing.T) (map[string]any, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "corpus", "walmart", "order_shipped_with_tracking.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Order struct {
			PurchaseOrderID string `json:"purchaseOrderId"`
			OrderLines      struct {
				OrderLine []struct {
					LineNumber        string `json:"lineNumber"`
					OrderLineStatuses struct {
						OrderLineStatus []map[string]any `json:"orderLineStatus"`
					} `json:"orderLineStatuses"`
				} `json:"orderLine"`
			} `json:"orderLines"`
		} `json:"order"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	status := raw.Order.OrderLines.OrderLine[0].OrderLineStatuses.OrderLineStatus[0]
	ti := status["trackingInfo"].(map[string]any)
	ms, _ := ti["shipDateTime"].(json.Number).Int64()
	order := chCanonical(t, "walmart_orders", "walmart/order_shipped_with_tracking.json")
	line := order["lines"].([]any)[0].(map[string]any)
	refs := order["references"].(map[string]any)
	shipment := map[string]any{
		"id":         "SHP-" + raw.Order.PurchaseOrderID + "-1",
		"order_id":   order["id"],
		"channel":    "walmart",
		"shipped_at": time.UnixMilli(ms).UTC(),
		"carrier":    ti["carrierName"].(map[string]any)["carrier"],
		"tracking":   []any{map[string]any{"number": ti["trackingNumber"], "carrier": "FedEx", "url": ti["trackingURL"]}},
		"lines":      []any{map[string]any{"line_id": line["line_id"], "sku": line["sku"], "quantity": line["quantity"]}},
		"references": map[string]any{"ship_method": refs["ship_method"], "sales_order": "SO-10452"},
	}
	return shipment, status
}

func TestChannelWalmartShipment(t *testing.T) {
	shipment, corpusStatus := walmartShippedOrderShipment(t)
	var got chCapture
	cfg, w := chFlows(t, nil, map[string]string{"walmart_url": "https://marketplace.walmartapis.example"}, nil)
	mocks := map[string]engine.MockFunc{"walmart": got.mock(nil)}
	o := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", shipment), "delivered")
	if len(o.Deliveries) != 1 || o.Deliveries[0].Sink != "walmart" {
		t.Fatalf("deliveries:\n%s", dumpOutcomes([]*engine.Outcome{o}))
	}
	body := o.Deliveries[0].Body
	// The request carries the status Walmart itself reports for the line.
	ti := corpusStatus["trackingInfo"].(map[string]any)
	chCheck(t, "ship order lines", body, map[string]string{
		"orderShipment.orderLines.orderLine.0.lineNumber":                                                           `"1"`,
		"orderShipment.orderLines.orderLine.0.sellerOrderId":                                                        `"SO-10452"`,
		"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.status":                           `"` + corpusStatus["status"].(string) + `"`,
		"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.statusQuantity.unitOfMeasurement": `"EACH"`,
		"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.statusQuantity.amount":            `"1"`,
		"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.shipDateTime":        ti["shipDateTime"].(json.Number).String(),
		"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.carrierName.carrier": `"FedEx"`,
		"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.methodCode":          `"` + ti["methodCode"].(string) + `"`,
		"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.trackingNumber":      `"` + ti["trackingNumber"].(string) + `"`,
		"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.trackingURL":         mustJSON(t, ti["trackingURL"]),
		"orderShipment.processMode": "<missing>",
	})
	if len(got.deliveries) != 1 {
		t.Fatalf("%d deliveries to the walmart sink", len(got.deliveries))
	}
	d := got.deliveries[0]
	if p := chSetting(d, "path", ""); p != "/v3/orders/1577684050862/shipping" {
		t.Errorf("path %q", p)
	}
	if h := chSetting(d, "headers", "WM_SVC.NAME"); h != "Walmart Marketplace" {
		t.Errorf("WM_SVC.NAME %q", h)
	}
	if h := chSetting(d, "headers", "WM_QOS.CORRELATION_ID"); h == "" {
		t.Error("no WM_QOS.CORRELATION_ID")
	}

	t.Run("updated shipment corrects the tracking", func(t *testing.T) {
		ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, Mocks: mocks, Store: memstore.New(memstore.Options{}), Record: true})
		if err != nil {
			t.Fatal(err)
		}
		chOne(t, chEvalWith(t, ev, "channel_shipments", shipment, "m1"), "delivered")
		changed := map[string]any{}
		for k, v := range shipment {
			changed[k] = v
		}
		changed["tracking"] = []any{map[string]any{"number": "3445435443449999", "carrier": "FedEx"}}
		o := chOne(t, chEvalWith(t, ev, "channel_shipments", changed, "m2"), "delivered")
		chCheck(t, "tracking update", o.Deliveries[0].Body, map[string]string{
			"orderShipment.processMode": `"PARTIAL_UPDATE"`,
			"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.trackingNumber": `"3445435443449999"`,
			"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.trackingURL":    "<missing>",
		})
	})

	t.Run("a carrier Walmart does not list", func(t *testing.T) {
		other := copyShipment(shipment)
		other["carrier"] = "Acme Freight"
		other["tracking"] = []any{map[string]any{"number": "AF-1", "url": "https://acme.example/t/AF-1"}}
		o := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", other), "delivered")
		chCheck(t, "other carrier", o.Deliveries[0].Body, map[string]string{
			"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.carrierName.otherCarrier": `"Acme Freight"`,
			"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.carrierName.carrier":      "<missing>",
			"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.trackingURL":              `"https://acme.example/t/AF-1"`,
		})
		other["tracking"] = []any{map[string]any{"number": "AF-1"}}
		chDeadLetter(t, chEval(t, cfg, w, mocks, "channel_shipments", other), "NULL_REQUIRED_FIELD", "tracking URL")
	})

	t.Run("common spellings of Walmart's carriers", func(t *testing.T) {
		for given, want := range map[string]string{"United Parcel Service": "UPS", "fedex": "FedEx", "LaserShip": "LS", "USPS": "USPS", "FedEx SmartPost": "FEDEXSP"} {
			s := copyShipment(shipment)
			s["carrier"] = given
			s["tracking"] = []any{map[string]any{"number": "1"}}
			o := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "delivered")
			chCheck(t, given, o.Deliveries[0].Body, map[string]string{
				"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.carrierName.carrier": `"` + want + `"`,
			})
		}
	})

	t.Run("method from the service, or none", func(t *testing.T) {
		s := copyShipment(shipment)
		s["references"] = map[string]any{}
		s["service"] = "Two Day"
		chDeadLetter(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "NULL_REQUIRED_FIELD", "shipping method")
		s["service"] = "expedited"
		o := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "delivered")
		chCheck(t, "expedited", o.Deliveries[0].Body, map[string]string{
			"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.methodCode": `"Express"`,
			"orderShipment.orderLines.orderLine.0.sellerOrderId":                                               `"1577684050862"`,
		})
		// An order number longer than Walmart's 30 characters is not cut.
		s["references"] = map[string]any{"ship_method": "Value", "sales_order": "SO-2026-000000000000000000012345"}
		o = chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "delivered")
		chCheck(t, "long order number", o.Deliveries[0].Body, map[string]string{
			"orderShipment.orderLines.orderLine.0.sellerOrderId": `"1577684050862"`,
		})
	})

	t.Run("cases are shipped as eaches, fractions are refused", func(t *testing.T) {
		s := copyShipment(shipment)
		s["lines"] = []any{map[string]any{"line_id": "1", "sku": "MGR_07_21_00100123", "quantity": builtin.Quantity{Value: dec(t, "2"), UOM: "CS"}, "base_quantity": builtin.Quantity{Value: dec(t, "24"), UOM: "EA"}}}
		o := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "delivered")
		chCheck(t, "cases", o.Deliveries[0].Body, map[string]string{
			"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.statusQuantity.amount": `"24"`,
		})
		s["lines"] = []any{map[string]any{"line_id": "1", "sku": "MGR_07_21_00100123", "quantity": builtin.Quantity{Value: dec(t, "1.5"), UOM: "EA"}}}
		chDeadLetter(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "INVALID_QUANTITY")
	})

	t.Run("one request per carton", func(t *testing.T) {
		s := copyShipment(shipment)
		s["lines"] = []any{
			map[string]any{"line_id": "1", "sku": "MGR_07_21_00100123", "quantity": builtin.Quantity{Value: dec(t, "1"), UOM: "EA"}},
			map[string]any{"line_id": "2", "sku": "MGR_07_21_00100124", "quantity": builtin.Quantity{Value: dec(t, "1"), UOM: "EA"}},
		}
		s["tracking"] = []any{
			map[string]any{"number": "T1", "carrier": "FedEx", "url": "https://t.example/T1"},
			map[string]any{"number": "T2", "carrier": "FedEx", "url": "https://t.example/T2"},
		}
		s["cartons"] = []any{
			map[string]any{"tracking": "T1", "lines": []any{s["lines"].([]any)[0]}},
			map[string]any{"tracking": "T2", "lines": []any{s["lines"].([]any)[1]}},
		}
		outs := chEval(t, cfg, w, mocks, "channel_shipments", s)
		if len(outs) != 2 {
			t.Fatalf("%d outcomes:\n%s", len(outs), dumpOutcomes(outs))
		}
		for i, o := range outs {
			n := fmt.Sprint(i + 1)
			chCheck(t, "carton "+n, o.Deliveries[0].Body, map[string]string{
				"orderShipment.orderLines.orderLine.0.lineNumber":                                                      `"` + n + `"`,
				"orderShipment.orderLines.orderLine.1":                                                                 "<missing>",
				"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.trackingNumber": `"T` + n + `"`,
				"orderShipment.orderLines.orderLine.0.orderLineStatuses.orderLineStatus.0.trackingInfo.trackingURL":    `"https://t.example/T` + n + `"`,
			})
		}
	})
}

func copyShipment(s map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	return out
}

func dec(t *testing.T, s string) builtin.Decimal {
	t.Helper()
	d, err := builtin.ParseJSONNumber(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// amazonShipment is a canonical shipment of every open line of a
// canonical Amazon order, UPS, shipped 2026-11-26 16:45 UTC.
func amazonShipment(t *testing.T, order map[string]any, id string) map[string]any {
	t.Helper()
	var lines []any
	for _, l := range order["lines"].([]any) {
		line := l.(map[string]any)
		if line["status"] != "open" {
			continue
		}
		lines = append(lines, map[string]any{"line_id": line["line_id"], "sku": line["sku"], "quantity": line["quantity"]})
	}
	refs, _ := order["references"].(map[string]any)
	s := map[string]any{
		"id":         id,
		"order_id":   order["id"],
		"channel":    order["channel"],
		"shipped_at": time.Date(2026, 11, 26, 16, 45, 0, 0, time.UTC),
		"carrier":    "UPS",
		"service":    "Std US D2D Dom",
		"tracking":   []any{map[string]any{"number": "1Z999AA10123456784", "carrier": "UPS"}},
		"lines":      lines,
		"references": map[string]any{},
	}
	if m, ok := refs["marketplace_id"]; ok {
		s["references"] = map[string]any{"marketplace_id": m}
	}
	return s
}

func TestChannelAmazonShipment(t *testing.T) {
	var got chCapture
	cfg, w := chFlows(t, nil, map[string]string{"amazon_url": "https://sellingpartnerapi-na.amazon.example", "amazon_marketplace_id": "A1F83G8C2ARO7P"}, nil)
	mocks := map[string]engine.MockFunc{"amazon": got.mock(func(*connector.Delivery) (*connector.Response, error) { return &connector.Response{Status: 204}, nil })}

	v0 := chCanonical(t, "amazon_orders", "amazon/ordersV0_getOrders_sandbox_0_with_getOrderItems_sandbox.json")
	shipment := amazonShipment(t, v0, "SHP-902-1845936-5435065-1")
	o := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", shipment), "delivered")
	chCheck(t, "confirmShipment", o.Deliveries[0].Body, map[string]string{
		"marketplaceId":                          `"ATVPDKIKX0DER"`, // the order's, not the variable's
		"packageDetail.carrierCode":              `"UPS"`,
		"packageDetail.carrierName":              "<missing>",
		"packageDetail.shippingMethod":           `"Std US D2D Dom"`,
		"packageDetail.trackingNumber":           `"1Z999AA10123456784"`,
		"packageDetail.shipDate":                 `"2026-11-26T16:45:00Z"`,
		"packageDetail.orderItems.0.orderItemId": `"05015851154158"`,
		"packageDetail.orderItems.0.quantity":    "1",
		"packageDetail.orderItems.1":             "<missing>",
	})
	ref, _ := walk(chPlain(t, o.Deliveries[0].Body), "packageDetail.packageReferenceId")
	refText, _ := ref.(string)
	if len(refText) != 15 || refText[0] != '9' || strings.Trim(refText, "0123456789") != "" {
		t.Errorf("packageReferenceId %q is not a positive number of 15 digits", refText)
	}
	again := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", shipment), "delivered")
	if r, _ := walk(chPlain(t, again.Deliveries[0].Body), "packageDetail.packageReferenceId"); r != ref {
		t.Errorf("packageReferenceId %v then %v: not stable", ref, r)
	}
	if p := chSetting(got.deliveries[0], "path", ""); p != "/orders/v0/orders/902-1845936-5435065/shipmentConfirmation" {
		t.Errorf("path %q", p)
	}

	t.Run("2026-01-01 order, numeric shipment id, marketplace from the variable, other carrier", func(t *testing.T) {
		o26 := chCanonical(t, "amazon_orders", "amazon/orders_2026-01-01_getOrder_example.json")
		s := amazonShipment(t, o26, "80012345")
		s["references"] = map[string]any{}
		s["carrier"] = "Evri"
		s["tracking"] = []any{map[string]any{"number": "H01ABC"}}
		o := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "delivered")
		want := map[string]string{
			"marketplaceId":                    `"A1F83G8C2ARO7P"`,
			"packageDetail.packageReferenceId": `"80012345"`,
			"packageDetail.carrierCode":        `"Other"`,
			"packageDetail.carrierName":        `"Evri"`,
		}
		for i, l := range s["lines"].([]any) {
			want[fmt.Sprintf("packageDetail.orderItems.%d.orderItemId", i)] = mustJSON(t, l.(map[string]any)["line_id"])
			want[fmt.Sprintf("packageDetail.orderItems.%d.quantity", i)] = l.(map[string]any)["quantity"].(builtin.Quantity).Value.String()
		}
		chCheck(t, "confirmShipment 2026", o.Deliveries[0].Body, want)
	})

	t.Run("no tracking number", func(t *testing.T) {
		s := copyShipment(shipment)
		delete(s, "tracking")
		chDeadLetter(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "NULL_REQUIRED_FIELD", "tracking number")
	})

	t.Run("one package per carton", func(t *testing.T) {
		s := copyShipment(shipment)
		l := s["lines"].([]any)[0].(map[string]any)
		half := map[string]any{"line_id": l["line_id"], "sku": l["sku"], "quantity": l["quantity"]}
		s["tracking"] = []any{map[string]any{"number": "1ZA"}, map[string]any{"number": "1ZB"}}
		s["cartons"] = []any{map[string]any{"tracking": "1ZA", "lines": []any{half}}, map[string]any{"tracking": "1ZB", "lines": []any{half}}}
		outs := chEval(t, cfg, w, mocks, "channel_shipments", s)
		if len(outs) != 2 {
			t.Fatalf("%d outcomes:\n%s", len(outs), dumpOutcomes(outs))
		}
		a, _ := walk(chPlain(t, outs[0].Deliveries[0].Body), "packageDetail.packageReferenceId")
		b, _ := walk(chPlain(t, outs[1].Deliveries[0].Body), "packageDetail.packageReferenceId")
		if a == b || a == ref || b == ref {
			t.Errorf("package references %v, %v (whole shipment %v): want distinct", a, b, ref)
		}
		chCheck(t, "carton 2", outs[1].Deliveries[0].Body, map[string]string{"packageDetail.trackingNumber": `"1ZB"`})
	})
}

func TestChannelAmazonVendorShipment(t *testing.T) {
	cfg, w := chFlows(t, nil, map[string]string{"amazon_vendor_url": "https://sellingpartnerapi-na.amazon.example", "amazon_vendor_ship_from_party": "VENDOR-WH1"}, nil)
	var got chCapture
	mocks := map[string]engine.MockFunc{"amazon_vendor": got.mock(nil)}
	po := chCanonical(t, "amazon_vendor_orders", "amazon/derived_vendorOrders_item2_in_cases.json")
	refs := po["references"].(map[string]any)
	var lines []any
	for _, l := range po["lines"].([]any) {
		line := l.(map[string]any)
		lines = append(lines, map[string]any{"line_id": line["line_id"], "sku": line["sku"], "quantity": line["quantity"], "base_quantity": line["base_quantity"]})
	}
	shipment := map[string]any{
		"id":         "ASN-4Z32PABC-1",
		"order_id":   po["id"],
		"channel":    "amazon_vendor",
		"shipped_at": time.Date(2019, 8, 1, 14, 0, 0, 0, time.UTC),
		"carrier":    "UPS",
		"tracking":   []any{map[string]any{"number": "1Z999AA10123456784"}},
		"lines":      lines,
		"references": map[string]any{"selling_party": refs["selling_party"], "ship_to_party": refs["ship_to_party"]},
	}
	o := chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", shipment), "delivered")
	want := map[string]string{
		"shipmentConfirmations.0.shipmentIdentifier":                                   `"ASN-4Z32PABC-1"`,
		"shipmentConfirmations.0.shipmentConfirmationType":                             `"Original"`,
		"shipmentConfirmations.0.shippedDate":                                          `"2019-08-01T14:00:00Z"`,
		"shipmentConfirmations.0.sellingParty.partyId":                                 `"999US"`,
		"shipmentConfirmations.0.shipToParty.partyId":                                  `"ABCD"`,
		"shipmentConfirmations.0.shipFromParty.partyId":                                `"VENDOR-WH1"`,
		"shipmentConfirmations.0.transportationDetails.carrierScac":                    `"UPSN"`,
		"shipmentConfirmations.0.transportationDetails.carrierShipmentReferenceNumber": `"1Z999AA10123456784"`,
		"shipmentConfirmations.1":                                                      "<missing>",
	}
	// Every PO item, numbered 001…, with its quantity as ordered: the
	// derived PO orders item 2 in cases.
	for i, l := range lines {
		line := l.(map[string]any)
		p := fmt.Sprintf("shipmentConfirmations.0.shippedItems.%d.", i)
		want[p+"itemSequenceNumber"] = fmt.Sprintf(`"%03d"`, i+1)
		want[p+"vendorProductIdentifier"] = mustJSON(t, line["sku"])
		want[p+"itemDetails.purchaseOrderNumber"] = `"4Z32PABC"`
		q := line["quantity"].(builtin.Quantity)
		want[p+"shippedQuantity.amount"] = q.Value.String()
		if q.UOM == "CS" {
			base := line["base_quantity"].(builtin.Quantity)
			size, err := base.Value.Quo(q.Value)
			if err != nil {
				t.Fatal(err)
			}
			size = size.Reduce()
			want[p+"shippedQuantity.unitOfMeasure"] = `"Cases"`
			want[p+"shippedQuantity.unitSize"] = size.String()
		} else {
			want[p+"shippedQuantity.unitOfMeasure"] = `"Eaches"`
			want[p+"shippedQuantity.unitSize"] = "<missing>"
		}
	}
	chCheck(t, "shipment confirmation", o.Deliveries[0].Body, want)
	cases := 0
	for _, l := range lines {
		if l.(map[string]any)["quantity"].(builtin.Quantity).UOM == "CS" {
			cases++
		}
	}
	if cases == 0 {
		t.Error("the derived PO has no line in cases: the Cases branch is untested")
	}
	if p := chSetting(got.deliveries[0], "path", ""); p != "/vendor/shipping/v1/shipmentConfirmations" {
		t.Errorf("path %q", p)
	}

	t.Run("an updated shipment replaces the confirmation", func(t *testing.T) {
		ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, Mocks: mocks, Store: memstore.New(memstore.Options{}), Record: true})
		if err != nil {
			t.Fatal(err)
		}
		chOne(t, chEvalWith(t, ev, "channel_shipments", shipment, "v1"), "delivered")
		changed := copyShipment(shipment)
		changed["tracking"] = []any{map[string]any{"number": "1Z999AA10123456799"}}
		o := chOne(t, chEvalWith(t, ev, "channel_shipments", changed, "v2"), "delivered")
		chCheck(t, "replace", o.Deliveries[0].Body, map[string]string{"shipmentConfirmations.0.shipmentConfirmationType": `"Replace"`})
	})

	t.Run("the Amazon warehouse is required", func(t *testing.T) {
		s := copyShipment(shipment)
		s["references"] = map[string]any{"selling_party": "999US"}
		chDeadLetter(t, chEval(t, cfg, w, mocks, "channel_shipments", s), "NULL_REQUIRED_FIELD", "ship_to_party")
	})
}

// shopifyAnswer is the GraphQL answer to the fulfillment-orders query, or
// a fulfillmentCreate answer, by the request's query text.
func shopifyAnswer(t *testing.T, orders []byte, create string) func(d *connector.Delivery) (*connector.Response, error) {
	return func(d *connector.Delivery) (*connector.Response, error) {
		q, _ := d.Body.(map[string]any)["query"].(string)
		switch {
		case strings.Contains(q, "fulfillmentOrders("):
			return &connector.Response{Status: 200, Body: chNative(t, orders)}, nil
		case strings.Contains(q, "fulfillmentCreate("):
			return &connector.Response{Status: 200, Body: chNative(t, []byte(create))}, nil
		}
		return nil, fmt.Errorf("unexpected request %q", q)
	}
}

const shopifyCreated = `{"data": {"fulfillmentCreate": {"fulfillment": {"id": "gid://shopify/Fulfillment/255858047", "name": "#1001.1", "status": "SUCCESS", "trackingInfo": [{"company": "USPS", "number": "1Z2345", "url": "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=1Z2345"}]}, "userErrors": []}}}`

func TestChannelShopifyFulfillment(t *testing.T) {
	orders, err := os.ReadFile(filepath.Join("testdata", "corpus", "shopify", "graphql_fulfillment_orders_450789469.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, w := chFlows(t, nil,
		map[string]string{"shopify_admin_url": "https://shop.example/admin/api/2026-10/graphql.json"}, map[string]string{"SHOPIFY_ADMIN_TOKEN": "shpat_test"})
	run := func(t *testing.T, orders []byte, create string, shipment any) ([]*engine.Outcome, *chCapture) {
		var got chCapture
		mocks := map[string]engine.MockFunc{"shopify": got.mock(shopifyAnswer(t, orders, create))}
		return chEval(t, cfg, w, mocks, "channel_shipments_shopify", shipment), &got
	}

	// The shipment the shopify module makes of the corpus fulfillment
	// ships line item 466157049, which no fulfillment order of the order
	// holds any more (it was fulfilled): nothing is sent.
	fulfilled := chCanonical(t, "shopify_fulfillments", "shopify/fulfillment_get.json")
	outs, got := run(t, orders, shopifyCreated, fulfilled)
	chDeadLetter(t, outs, "UNKNOWN_ORDER_LINE", "gid://shopify/LineItem/466157049", "450789469")
	if len(got.deliveries) != 1 {
		t.Errorf("%d requests to Shopify, want the lookup only", len(got.deliveries))
	}
	chCheck(t, "lookup", got.deliveries[0].Body, map[string]string{"variables.id": `"gid://shopify/Order/450789469"`})
	// The access token is the sink's auth block's: TestChannelSinkAuth.

	// The same fulfillment of the line the fulfillment order holds.
	shipment := copyShipment(fulfilled)
	shipment["lines"] = []any{map[string]any{"line_id": "518995019", "sku": "IPOD2008RED", "quantity": builtin.Quantity{Value: dec(t, "1"), UOM: "EA"}}}
	outs, got = run(t, orders, shopifyCreated, shipment)
	o := chOne(t, outs, "delivered")
	if len(got.deliveries) != 2 || len(o.Deliveries) != 1 || o.Deliveries[0].Sink != "shopify" {
		t.Fatalf("requests %d, deliveries:\n%s", len(got.deliveries), dumpOutcomes(outs))
	}
	body := o.Deliveries[0].Body
	chCheck(t, "fulfillmentCreate", body, map[string]string{
		"variables.fulfillment.lineItemsByFulfillmentOrder.0.fulfillmentOrderId":                   `"gid://shopify/FulfillmentOrder/1046000836"`,
		"variables.fulfillment.lineItemsByFulfillmentOrder.0.fulfillmentOrderLineItems.0.id":       `"gid://shopify/FulfillmentOrderLineItem/1058737576"`,
		"variables.fulfillment.lineItemsByFulfillmentOrder.0.fulfillmentOrderLineItems.0.quantity": "1",
		"variables.fulfillment.lineItemsByFulfillmentOrder.0.fulfillmentOrderLineItems.1":          "<missing>",
		"variables.fulfillment.lineItemsByFulfillmentOrder.1":                                      "<missing>",
		"variables.fulfillment.notifyCustomer":                                                     "true",
		"variables.fulfillment.trackingInfo.company":                                               `"USPS"`,
		"variables.fulfillment.trackingInfo.number":                                                `"1Z2345"`,
		"variables.fulfillment.trackingInfo.url":                                                   `"https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=1Z2345"`,
		"variables.fulfillment.trackingInfo.numbers":                                               "<missing>",
	})
	q, _ := walk(chPlain(t, body), "query")
	if s, _ := q.(string); !strings.HasPrefix(s, "mutation ") || !strings.Contains(s, "fulfillmentCreate(fulfillment: $fulfillment)") || !strings.Contains(s, "userErrors") {
		t.Errorf("query %q", q)
	}

	t.Run("several tracking numbers", func(t *testing.T) {
		s := copyShipment(shipment)
		s["tracking"] = []any{map[string]any{"number": "A1", "url": "https://t.example/A1"}, map[string]any{"number": "A2", "url": "https://t.example/A2"}}
		outs, _ := run(t, orders, shopifyCreated, s)
		chCheck(t, "numbers", chOne(t, outs, "delivered").Deliveries[0].Body, map[string]string{
			"variables.fulfillment.trackingInfo.numbers.1": `"A2"`,
			"variables.fulfillment.trackingInfo.urls.0":    `"https://t.example/A1"`,
			"variables.fulfillment.trackingInfo.number":    "<missing>",
		})
	})

	t.Run("already fulfilled", func(t *testing.T) {
		done := bytes.Replace(orders, []byte(`"remainingQuantity": 1`), []byte(`"remainingQuantity": 0`), 1)
		done = bytes.Replace(done, []byte(`"status": "OPEN"`), []byte(`"status": "CLOSED"`), 1)
		outs, got := run(t, done, shopifyCreated, shipment)
		chDeadLetter(t, outs, "ALREADY_FULFILLED", "1046000836 CLOSED")
		if len(got.deliveries) != 1 {
			t.Errorf("%d requests to Shopify, want the lookup only", len(got.deliveries))
		}
	})

	t.Run("more than remains", func(t *testing.T) {
		s := copyShipment(shipment)
		s["lines"] = []any{map[string]any{"line_id": "gid://shopify/LineItem/518995019", "sku": "IPOD2008RED", "quantity": builtin.Quantity{Value: dec(t, "2"), UOM: "EA"}}}
		outs, _ := run(t, orders, shopifyCreated, s)
		chDeadLetter(t, outs, "INVALID_QUANTITY", "ships 2")
	})

	t.Run("Shopify refuses", func(t *testing.T) {
		outs, _ := run(t, orders, `{"data": {"fulfillmentCreate": {"fulfillment": null, "userErrors": [{"field": ["fulfillment"], "message": "Fulfillment order 1046000836 has an unfulfillable status= closed."}]}}}`, shipment)
		chDeadLetter(t, outs, "REJECTED_BY_TARGET", "unfulfillable status")
	})

	t.Run("throttled", func(t *testing.T) {
		outs, got := run(t, []byte(`{"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}`), shopifyCreated, shipment)
		chDeadLetter(t, outs, "REJECTED_BY_TARGET", "THROTTLED")
		if outs[0].DeadLetter.Class != "technical" {
			t.Errorf("class %s, want technical", outs[0].DeadLetter.Class)
		}
		if len(got.deliveries) != 1 {
			t.Errorf("%d requests to Shopify, want the lookup only", len(got.deliveries))
		}
	})

	t.Run("unknown order", func(t *testing.T) {
		outs, _ := run(t, []byte(`{"data": {"order": null}}`), shopifyCreated, shipment)
		chDeadLetter(t, outs, "UNKNOWN_ORDER")
	})

	// channel_shipments hands a Shopify shipment on as it is; without a
	// shop (the default) the Shopify flow writes the lookup to the outbox,
	// and calls nothing.
	t.Run("in the default flows, to the outbox", func(t *testing.T) {
		cfg, w := loadDefaultFlows(t, nil)
		o := chOne(t, chEval(t, cfg, w, nil, "channel_shipments", shipment), "delivered")
		if len(o.Deliveries) != 1 || o.Deliveries[0].Flow != "channel_shipments_shopify" {
			t.Fatalf("deliveries:\n%s", dumpOutcomes([]*engine.Outcome{o}))
		}
		chCheck(t, "routed", o.Deliveries[0].Body, map[string]string{"order_id": `"450789469"`, "lines.0.line_id": `"518995019"`})
		var got chCapture
		mocks := map[string]engine.MockFunc{"shopify": got.mock(shopifyAnswer(t, orders, shopifyCreated))}
		o = chOne(t, chEval(t, cfg, w, mocks, "channel_shipments_shopify", o.Deliveries[0].Body), "delivered")
		if len(o.Deliveries) != 1 || o.Deliveries[0].Sink != "outbox" {
			t.Fatalf("deliveries:\n%s", dumpOutcomes([]*engine.Outcome{o}))
		}
		chCheck(t, "outbox", o.Deliveries[0].Body, map[string]string{"variables.id": `"gid://shopify/Order/450789469"`})
		if len(got.deliveries) != 0 {
			t.Errorf("%d requests to Shopify without a shop", len(got.deliveries))
		}
	})
}

func TestChannelInventory(t *testing.T) {
	level := map[string]any{
		"sku":         "IPOD2008GREEN",
		"location_id": "WH-MAIN",
		"available":   builtin.Quantity{Value: dec(t, "25"), UOM: "EA"},
		"updated_at":  time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC),
		"channel":     "erp",
	}
	vars := map[string]string{
		"shopify_admin_url": "https://shop.example/admin/api/2026-10/graphql.json",
		"walmart_url":       "https://marketplace.walmartapis.example",
		"amazon_url":        "https://sellingpartnerapi-na.amazon.example",
		"amazon_seller_id":  "A2SELLER",
	}
	cfg, w := chFlows(t, nil, vars, map[string]string{"SHOPIFY_ADMIN_TOKEN": "shpat_test"})
	var got chCapture
	mocks := map[string]engine.MockFunc{"shopify_inventory": got.mock(nil), "walmart_inventory": got.mock(nil), "amazon_listings": got.mock(nil)}
	outs := chEval(t, cfg, w, mocks, "channel_inventory", level)
	if len(outs) != 3 {
		t.Fatalf("%d outcomes:\n%s", len(outs), dumpOutcomes(outs))
	}
	bySink := map[string]engine.DeliveryRecord{}
	for _, o := range outs {
		if o.Outcome != "delivered" || len(o.Deliveries) != 1 {
			t.Fatalf("outcomes:\n%s", dumpOutcomes(outs))
		}
		bySink[o.Deliveries[0].Sink] = o.Deliveries[0]
	}
	chCheck(t, "inventorySetQuantities", bySink["shopify_inventory"].Body, map[string]string{
		"variables.input.name":                            `"available"`,
		"variables.input.reason":                          `"correction"`,
		"variables.input.quantities.0.inventoryItemId":    `"gid://shopify/InventoryItem/39072856"`,
		"variables.input.quantities.0.locationId":         `"gid://shopify/Location/655441491"`,
		"variables.input.quantities.0.quantity":           "25",
		"variables.input.quantities.0.changeFromQuantity": "null",
	})
	key, _ := walk(chPlain(t, bySink["shopify_inventory"].Body), "variables.idempotencyKey")
	if k, _ := key.(string); !strings.HasPrefix(k, "transload-") {
		t.Errorf("idempotencyKey %v", key)
	}
	q, _ := walk(chPlain(t, bySink["shopify_inventory"].Body), "query")
	if s, _ := q.(string); !strings.Contains(s, "@idempotent(key: $idempotencyKey)") || !strings.Contains(s, "inventorySetQuantities(input: $input)") {
		t.Errorf("query %q", q)
	}
	chCheck(t, "Walmart inventory", bySink["walmart_inventory"].Body, map[string]string{
		"sku":             `"IPOD2008GREEN"`,
		"quantity.unit":   `"EACH"`,
		"quantity.amount": "25",
	})
	chCheck(t, "listings patch", bySink["amazon_listings"].Body, map[string]string{
		"productType":    `"PRODUCT"`,
		"patches.0.op":   `"merge"`,
		"patches.0.path": `"/attributes/fulfillment_availability"`,
		"patches.0.value.0.fulfillment_channel_code": `"DEFAULT"`,
		"patches.0.value.0.quantity":                 "25",
	})
	paths := map[string]bool{}
	for _, d := range got.deliveries {
		paths[chSetting(d, "path", "")] = true
	}
	for _, p := range []string{"/v3/inventory?sku=IPOD2008GREEN", "/listings/2021-08-01/items/A2SELLER/IPOD2008GREEN?marketplaceIds=ATVPDKIKX0DER"} {
		if !paths[p] {
			t.Errorf("no request to %s; paths %v", p, paths)
		}
	}

	t.Run("the idempotency key is per change", func(t *testing.T) {
		keyOf := func(level map[string]any, id string) string {
			ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, Mocks: mocks})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range chEvalWith(t, ev, "channel_inventory", level, id) {
				if o.Deliveries[0].Sink == "shopify_inventory" {
					k, _ := walk(chPlain(t, o.Deliveries[0].Body), "variables.idempotencyKey")
					return fmt.Sprint(k)
				}
			}
			t.Fatal("no Shopify delivery")
			return ""
		}
		a, b := keyOf(level, "m1"), keyOf(level, "m1")
		c := copyShipment(level)
		c["available"] = builtin.Quantity{Value: dec(t, "24"), UOM: "EA"}
		if a != b {
			t.Errorf("a retry has another key: %s, %s", a, b)
		}
		if a == keyOf(c, "m2") || a == keyOf(level, "m3") {
			t.Error("another change has the same key")
		}
	})

	t.Run("what goes where", func(t *testing.T) {
		sinksOf := func(cfg *dsl.Config, w *wire.Set, level map[string]any) []string {
			var out []string
			for _, o := range chEval(t, cfg, w, mocks, "channel_inventory", level) {
				if o.Outcome != "delivered" {
					t.Fatalf("outcomes:\n%s", dumpOutcomes([]*engine.Outcome{o}))
				}
				out = append(out, o.Deliveries[0].Sink)
			}
			return out
		}
		notOnShopify := copyShipment(level)
		notOnShopify["sku"] = "MGR_07_21_00100123"
		if s := fmt.Sprint(sinksOf(cfg, w, notOnShopify)); s != "[walmart_inventory amazon_listings]" {
			t.Errorf("a SKU Shopify does not stock: %s", s)
		}
		otherWarehouse := copyShipment(level)
		otherWarehouse["location_id"] = "WH-RETURNS"
		if s := fmt.Sprint(sinksOf(cfg, w, otherWarehouse)); s != "[walmart_inventory amazon_listings]" {
			t.Errorf("a location Shopify does not stock from: %s", s)
		}
		fba := copyShipment(level)
		fba["channel"] = "amazon"
		if s := fmt.Sprint(sinksOf(cfg, w, fba)); s != "[shopify_inventory walmart_inventory]" {
			t.Errorf("an Amazon level: %s", s)
		}
		cfg2, w2 := chFlows(t, nil, map[string]string{"walmart_inventory_sync": "false", "amazon_inventory_location": "WH-EU"}, nil)
		if s := fmt.Sprint(sinksOf(cfg2, w2, level)); s != "[outbox]" {
			t.Errorf("Walmart disabled, Amazon from WH-EU only, no URLs: %s", s)
		}
	})

	t.Run("cases become eaches", func(t *testing.T) {
		cs := copyShipment(level)
		cs["sku"] = "BC-PAPER-A4-CS5"
		cs["available"] = builtin.Quantity{Value: dec(t, "3"), UOM: "CS"}
		for _, o := range chEval(t, cfg, w, mocks, "channel_inventory", cs) {
			if o.Deliveries[0].Sink == "walmart_inventory" {
				chCheck(t, "cases", o.Deliveries[0].Body, map[string]string{"quantity.amount": "15"})
			}
		}
	})

	// Amazon's seller id is a setting the flow checks; an empty access
	// token is the sink's to hold back (TestChannelSinkAuth), so the flow
	// hands the Shopify level to its sink.
	t.Run("settings the channel needs", func(t *testing.T) {
		cfg, w := chFlows(t, nil, map[string]string{"shopify_admin_url": vars["shopify_admin_url"], "amazon_url": vars["amazon_url"], "walmart_inventory_sync": "false"}, nil)
		outs := chEval(t, cfg, w, mocks, "channel_inventory", level)
		if len(outs) != 2 {
			t.Fatalf("outcomes:\n%s", dumpOutcomes(outs))
		}
		for _, o := range outs {
			switch {
			case len(o.Deliveries) == 1 && o.Deliveries[0].Sink == "shopify_inventory":
				if o.Outcome != "delivered" {
					t.Errorf("want Shopify delivered to its sink:\n%s", dumpOutcomes([]*engine.Outcome{o}))
				}
			case o.Outcome != "dead_letter" || o.DeadLetter.Reason != "INVALID_SETTING" || o.DeadLetter.Class != "technical" ||
				!strings.Contains(o.DeadLetter.Message, "amazon_seller_id"):
				t.Errorf("want a technical INVALID_SETTING dead letter for the seller id:\n%s", dumpOutcomes([]*engine.Outcome{o}))
			}
		}
	})
}

// chSecret is a fresh random secret: tests never use fixed ones.
func chSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// chLog is a slog text log in memory.
type chLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *chLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *chLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// chRealSinks builds the http sinks the loaded flows declare and returns
// them as mocks: the evaluator runs the flow and each delivery goes to the
// real sink, with its auth block, over loopback.
func chRealSinks(t *testing.T, cfg *dsl.Config, w *wire.Set, log *chLog, names ...string) map[string]engine.MockFunc {
	t.Helper()
	f, ok := w.Connectors.Sink("http")
	if !ok {
		t.Fatal("no http sink type")
	}
	mocks := map[string]engine.MockFunc{}
	for _, name := range names {
		decl := cfg.Sinks[name]
		if decl == nil || decl.Type != "http" {
			t.Fatalf("no http sink %s", name)
		}
		s, err := f.New(connector.SinkParams{Name: name, Config: decl.Config, Logger: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(context.Background()) })
		mocks[name] = s.Deliver
	}
	return mocks
}

// chVendor is a loopback stand-in for a channel API and its token
// endpoint: token requests and API calls are checked as the vendor
// documents them, and counted.
type chVendor struct {
	srv           *httptest.Server
	mu            sync.Mutex
	tokens        int
	calls         []*http.Request
	refreshTokens []string
}

func (v *chVendor) counts() (tokens, calls int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.tokens, len(v.calls)
}

func newChVendor(t *testing.T, token func(r *http.Request) (string, error), api func(r *http.Request) (int, string)) *chVendor {
	t.Helper()
	v := &chVendor{}
	v.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/token") {
			if err := r.ParseForm(); err != nil {
				t.Error(err)
			}
			v.mu.Lock()
			v.tokens++
			n := v.tokens
			v.refreshTokens = append(v.refreshTokens, r.PostForm.Get("refresh_token"))
			v.mu.Unlock()
			prefix, err := token(r)
			if err != nil {
				t.Errorf("token request: %v", err)
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"invalid_client"}`)
				return
			}
			fmt.Fprintf(w, `{"access_token":"%s%d","token_type":"bearer","expires_in":900}`, prefix, n)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		v.mu.Lock()
		v.calls = append(v.calls, r)
		v.mu.Unlock()
		status, answer := api(r)
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(v.srv.Close)
	return v
}

var chUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestChannelSinkAuth runs the channel flows into their real http sinks,
// pointed at loopback servers that check each vendor's authentication:
// Shopify's X-Shopify-Access-Token; Walmart's token endpoint (client
// credentials as HTTP Basic, WM_SVC.NAME, a fresh UUID in
// WM_QOS.CORRELATION_ID, Accept: application/json) and the token alone in
// WM_SEC.ACCESS_TOKEN; Login with Amazon's refresh-token grant (client id
// and secret in the form) and the token alone in x-amz-access-token.
// Without the secrets a delivery is held back (retried), not sent and not
// dead-lettered.
func TestChannelSinkAuth(t *testing.T) {
	shopToken := "shpat_" + chSecret(t)
	wmID, wmSecret := chSecret(t)[:16], chSecret(t)
	lwaID, lwaSecret := "amzn1.application-oa2-client."+chSecret(t)[:12], chSecret(t)
	sellerRefresh, vendorRefresh := "Atzr|"+chSecret(t), "Atzr|"+chSecret(t)
	secrets := []string{shopToken, wmSecret, lwaSecret, sellerRefresh, vendorRefresh}

	shopify := newChVendor(t, nil, func(r *http.Request) (int, string) {
		if r.Header.Get("X-Shopify-Access-Token") != shopToken || r.URL.Path != "/admin/api/2026-10/graphql.json" {
			t.Errorf("Shopify: %s %s with token %q", r.Method, r.URL.Path, r.Header.Get("X-Shopify-Access-Token"))
			return 401, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`
		}
		return 200, `{"data":{"inventorySetQuantities":{"inventoryAdjustmentGroup":{"reason":"correction"},"userErrors":[]}}}`
	})
	walmart := newChVendor(t, func(r *http.Request) (string, error) {
		id, sec, ok := r.BasicAuth()
		switch {
		case !ok || id != wmID || sec != wmSecret:
			return "", errors.New("bad client credentials")
		case r.PostForm.Get("grant_type") != "client_credentials":
			return "", fmt.Errorf("grant_type %q", r.PostForm.Get("grant_type"))
		case r.Header.Get("WM_SVC.NAME") != "Walmart Marketplace" || r.Header.Get("Accept") != "application/json":
			return "", fmt.Errorf("WM_SVC.NAME %q, Accept %q", r.Header.Get("WM_SVC.NAME"), r.Header.Get("Accept"))
		case !chUUID.MatchString(r.Header.Get("WM_QOS.CORRELATION_ID")):
			return "", fmt.Errorf("WM_QOS.CORRELATION_ID %q", r.Header.Get("WM_QOS.CORRELATION_ID"))
		}
		return "eyJraWQiOi.", nil
	}, func(r *http.Request) (int, string) {
		if !strings.HasPrefix(r.Header.Get("WM_SEC.ACCESS_TOKEN"), "eyJraWQiOi.") || r.Header.Get("Authorization") != "" ||
			r.Header.Get("WM_SVC.NAME") != "Walmart Marketplace" || r.Header.Get("WM_QOS.CORRELATION_ID") == "" {
			t.Errorf("Walmart: %s %s with headers %v", r.Method, r.URL, r.Header)
			return 401, `{"errors":[{"code":"UNAUTHORIZED.GMP_GATEWAY_API"}]}`
		}
		return 200, `{"sku":"IPOD2008GREEN","quantity":{"unit":"EACH","amount":25}}`
	})
	amazon := newChVendor(t, func(r *http.Request) (string, error) {
		f := r.PostForm
		switch {
		case f.Get("grant_type") != "refresh_token" || (f.Get("refresh_token") != sellerRefresh && f.Get("refresh_token") != vendorRefresh):
			return "", fmt.Errorf("grant_type %q with an unknown refresh token", f.Get("grant_type"))
		case f.Get("client_id") != lwaID || f.Get("client_secret") != lwaSecret || r.Header.Get("Authorization") != "":
			return "", errors.New("bad client credentials")
		}
		return "Atza|", nil
	}, func(r *http.Request) (int, string) {
		if !strings.HasPrefix(r.Header.Get("x-amz-access-token"), "Atza|") || r.Header.Get("Authorization") != "" {
			t.Errorf("Amazon: %s %s with headers %v", r.Method, r.URL, r.Header)
			return 403, `{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied."}]}`
		}
		return 200, `{"sku":"IPOD2008GREEN","status":"ACCEPTED","submissionId":"f1dc2914-75dd-11ea-bc55-0242ac130003","issues":[]}`
	})

	vars := map[string]string{
		"shopify_admin_url": shopify.srv.URL + "/admin/api/2026-10/graphql.json",
		"walmart_url":       walmart.srv.URL,
		"walmart_token_url": walmart.srv.URL + "/v3/token",
		"amazon_url":        amazon.srv.URL,
		"amazon_vendor_url": amazon.srv.URL,
		"amazon_token_url":  amazon.srv.URL + "/auth/o2/token",
		"amazon_seller_id":  "A2SELLER",
	}
	env := map[string]string{
		"SHOPIFY_ADMIN_TOKEN":      shopToken,
		"WALMART_CLIENT_ID":        wmID,
		"WALMART_CLIENT_SECRET":    wmSecret,
		"AMAZON_LWA_CLIENT_ID":     lwaID,
		"AMAZON_LWA_CLIENT_SECRET": lwaSecret,
		"AMAZON_LWA_REFRESH_TOKEN": sellerRefresh,
	}
	level := map[string]any{
		"sku":         "IPOD2008GREEN",
		"location_id": "WH-MAIN",
		"available":   builtin.Quantity{Value: dec(t, "25"), UOM: "EA"},
		"updated_at":  time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC),
		"channel":     "erp",
	}
	inventorySinks := []string{"shopify_inventory", "walmart_inventory", "amazon_listings"}

	t.Run("inventory levels signed in to each channel", func(t *testing.T) {
		log := &chLog{}
		cfg, w := chFlows(t, nil, vars, env)
		mocks := chRealSinks(t, cfg, w, log, inventorySinks...)
		for i := range 2 { // the second level reuses the cached tokens
			l := copyShipment(level)
			l["available"] = builtin.Quantity{Value: dec(t, fmt.Sprint(25+i)), UOM: "EA"}
			outs := chEval(t, cfg, w, mocks, "channel_inventory", l)
			if len(outs) != 3 {
				t.Fatalf("outcomes:\n%s", dumpOutcomes(outs))
			}
			for _, o := range outs {
				if o.Outcome != "delivered" {
					t.Fatalf("outcomes:\n%s", dumpOutcomes(outs))
				}
			}
		}
		for name, v := range map[string]*chVendor{"Shopify": shopify, "Walmart": walmart, "Amazon": amazon} {
			tokens, calls := v.counts()
			wantTokens := 1
			if v == shopify {
				wantTokens = 0
			}
			if tokens != wantTokens || calls != 2 {
				t.Errorf("%s: %d token requests and %d calls, want %d and 2", name, tokens, calls, wantTokens)
			}
		}
		walmart.mu.Lock()
		if r := walmart.calls[0]; r.Method != http.MethodPut || r.URL.Path != "/v3/inventory" || r.URL.Query().Get("sku") != "IPOD2008GREEN" {
			t.Errorf("Walmart call %s %s", r.Method, r.URL)
		}
		walmart.mu.Unlock()
		amazon.mu.Lock()
		if r := amazon.calls[0]; r.Method != http.MethodPatch || r.URL.Path != "/listings/2021-08-01/items/A2SELLER/IPOD2008GREEN" || r.URL.Query().Get("marketplaceIds") != "ATVPDKIKX0DER" {
			t.Errorf("Amazon call %s %s", r.Method, r.URL)
		}
		amazon.mu.Unlock()
		for _, sec := range secrets {
			if strings.Contains(log.String(), sec) {
				t.Fatal("a secret is in the log")
			}
		}
	})

	t.Run("a Walmart shipment", func(t *testing.T) {
		_, before := walmart.counts()
		cfg, w := chFlows(t, nil, vars, env)
		shipment, _ := walmartShippedOrderShipment(t)
		mocks := chRealSinks(t, cfg, w, &chLog{}, "walmart")
		chOne(t, chEval(t, cfg, w, mocks, "channel_shipments", shipment), "delivered")
		walmart.mu.Lock()
		defer walmart.mu.Unlock()
		if len(walmart.calls) != before+1 {
			t.Fatalf("%d calls", len(walmart.calls)-before)
		}
		if r := walmart.calls[before]; r.Method != http.MethodPost || r.URL.Path != "/v3/orders/"+fmt.Sprint(shipment["order_id"])+"/shipping" {
			t.Errorf("Walmart call %s %s", r.Method, r.URL)
		}
	})

	t.Run("the vendor account's own refresh token", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			vendor string
			want   string
		}{
			{"unset: the seller's", "", sellerRefresh},
			{"set", vendorRefresh, vendorRefresh},
		} {
			e := map[string]string{}
			for k, v := range env {
				e[k] = v
			}
			if c.vendor != "" {
				e["AMAZON_VENDOR_LWA_REFRESH_TOKEN"] = c.vendor
			}
			cfg, w := chFlows(t, nil, vars, e)
			sink := chRealSinks(t, cfg, w, &chLog{}, "amazon_vendor", "amazon")["amazon_vendor"]
			d := &connector.Delivery{Key: "amazon_vendor:1", Body: map[string]any{}, CorrelationID: "c-1",
				Settings: map[string]map[string]string{"path": {"": "/vendor/shipping/v1/shipmentConfirmations"}}}
			if _, err := sink(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			amazon.mu.Lock()
			got := amazon.refreshTokens[len(amazon.refreshTokens)-1]
			amazon.mu.Unlock()
			if got != c.want {
				t.Errorf("%s: the token request used another refresh token", c.name)
			}
		}
	})

	t.Run("without secrets the deliveries are held back", func(t *testing.T) {
		shopTokens, shopCalls := shopify.counts()
		wmTokens, wmCalls := walmart.counts()
		amTokens, amCalls := amazon.counts()
		log := &chLog{}
		cfg, w := chFlows(t, nil, vars, nil)
		real := chRealSinks(t, cfg, w, log, inventorySinks...)
		if n := strings.Count(log.String(), "level=WARN"); n != 3 {
			t.Errorf("%d warnings, want one per sink:\n%s", n, log.String())
		}
		var mu sync.Mutex
		errs := map[string]error{}
		mocks := map[string]engine.MockFunc{}
		for name, deliver := range real {
			mocks[name] = func(ctx context.Context, d *connector.Delivery) (*connector.Response, error) {
				resp, err := deliver(ctx, d)
				mu.Lock()
				errs[name] = err
				mu.Unlock()
				return resp, err
			}
		}
		if outs := chEval(t, cfg, w, mocks, "channel_inventory", level); len(outs) != 3 {
			t.Fatalf("outcomes:\n%s", dumpOutcomes(outs))
		}
		// A retryable error that wraps ErrNotSent: the runtime retries the
		// delivery with backoff (the ledger forgets its intent, since
		// nothing was sent) until the variable is set and the flows
		// reload; it never dead-letters it.
		for _, name := range inventorySinks {
			err := errs[name]
			var retry *connector.RetryableError
			if !errors.As(err, &retry) || !errors.Is(err, connector.ErrNotSent) || connector.IsPermanent(err) || !strings.Contains(err.Error(), " empty (if ") {
				t.Errorf("%s: got %v, want a retryable error, nothing sent", name, err)
			}
		}
		a, b := shopify.counts()
		c, d := walmart.counts()
		e, f := amazon.counts()
		if a != shopTokens || b != shopCalls || c != wmTokens || d != wmCalls || e != amTokens || f != amCalls {
			t.Error("a request was sent without credentials")
		}
	})
}
