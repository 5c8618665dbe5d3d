package tests

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
)

// shopifyGraphQL is a loopback stand-in for a shop's GraphQL Admin API:
// it answers the fulfillment-orders query from the corpus, creates
// fulfilments, and applies tracking corrections to the fulfilments it
// created (an unknown fulfilment id is a userError, as Shopify answers).
type shopifyGraphQL struct {
	t      *testing.T
	orders []byte

	mu       sync.Mutex
	ops      []string          // the mutations and queries, in order
	tracking map[string]string // fulfilment id → tracking number
}

func (s *shopifyGraphQL) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Shopify-Access-Token") != "shpat_test" {
		http.Error(w, `{"errors":"Invalid API key or access token"}`, http.StatusUnauthorized)
		return
	}
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.Contains(req.Query, "fulfillmentOrders("):
		s.ops = append(s.ops, "fulfillmentOrders")
		w.Write(s.orders)
	case strings.Contains(req.Query, "fulfillmentCreate("):
		s.ops = append(s.ops, "fulfillmentCreate")
		f := req.Variables["fulfillment"].(map[string]any)
		id := "gid://shopify/Fulfillment/255858047"
		s.tracking[id] = f["trackingInfo"].(map[string]any)["number"].(string)
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"fulfillmentCreate": map[string]any{
			"fulfillment": map[string]any{"id": id, "status": "SUCCESS"}, "userErrors": []any{}}}})
	case strings.Contains(req.Query, "fulfillmentTrackingInfoUpdate("):
		id, _ := req.Variables["fulfillmentId"].(string)
		s.ops = append(s.ops, "fulfillmentTrackingInfoUpdate "+id)
		if _, ok := s.tracking[id]; !ok {
			json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"fulfillmentTrackingInfoUpdate": map[string]any{
				"fulfillment": nil, "userErrors": []any{map[string]any{"field": []string{"fulfillmentId"}, "message": "Fulfillment does not exist."}}}}})
			return
		}
		s.tracking[id] = req.Variables["trackingInfoInput"].(map[string]any)["number"].(string)
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"fulfillmentTrackingInfoUpdate": map[string]any{
			"fulfillment": map[string]any{"id": id, "status": "SUCCESS"}, "userErrors": []any{}}}})
	default:
		s.t.Errorf("unexpected request %s", b)
		http.Error(w, "unexpected", http.StatusBadRequest)
	}
}

// TestShopifyTrackingCorrection runs the default flows against a shop:
// a shipment becomes a fulfilment, and a later version of it with a
// corrected tracking number becomes fulfillmentTrackingInfoUpdate on that
// fulfilment (named by the id the first answer gave), not a second
// fulfillmentCreate. A third version corrects it again; the same version
// sent twice is a duplicate.
func TestShopifyTrackingCorrection(t *testing.T) {
	orders, err := os.ReadFile(filepath.Join("testdata", "corpus", "shopify", "graphql_fulfillment_orders_450789469.json"))
	must(t, err)
	shop := &shopifyGraphQL{t: t, orders: orders, tracking: map[string]string{}}
	srv := httptest.NewServer(shop)
	t.Cleanup(srv.Close) // after the engine stops (cleanups run last first)
	t.Setenv("SHOPIFY_ADMIN_TOKEN", "shpat_test")

	flows := filepath.Join(t.TempDir(), "flows")
	must(t, os.CopyFS(flows, os.DirFS("../flows")))
	// Only what this test sends: not the sample drop folders.
	must(t, os.RemoveAll(filepath.Join(flows, "inbox")))
	e, st := startEngine(t, flows, map[string]string{"shopify_admin_url": srv.URL + "/admin/api/2026-10/graphql.json"}, "")
	ctx := context.Background()

	shipment := copyShipment(chCanonical(t, "shopify_fulfillments", "shopify/fulfillment_get.json"))
	shipment["lines"] = []any{map[string]any{"line_id": "518995019", "sku": "IPOD2008RED", "quantity": builtin.Quantity{Value: dec(t, "1"), UOM: "EA"}}}
	send := func(number string) {
		t.Helper()
		s := copyShipment(shipment)
		s["tracking"] = []any{map[string]any{"number": number, "carrier": "USPS"}}
		body, err := builtin.AppendJSON(nil, s)
		must(t, err)
		must(t, e.IngressFor("channel_shipments_shopify").Submit(ctx, connector.Message{Body: body, Origin: "test"}))
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		must(t, e.WaitIdle(wctx))
	}
	send("1Z2345")
	send("1Z9999") // the carrier's label was wrong
	send("1Z9999") // sent again: a duplicate
	send("1Z7777")

	shop.mu.Lock()
	defer shop.mu.Unlock()
	want := []string{
		"fulfillmentOrders", "fulfillmentCreate",
		"fulfillmentTrackingInfoUpdate gid://shopify/Fulfillment/255858047",
		"fulfillmentTrackingInfoUpdate gid://shopify/Fulfillment/255858047",
	}
	if strings.Join(shop.ops, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Shopify got\n%s\nwant\n%s", strings.Join(shop.ops, "\n"), strings.Join(want, "\n"))
	}
	if got := shop.tracking["gid://shopify/Fulfillment/255858047"]; got != "1Z7777" {
		t.Errorf("the fulfilment's tracking is %q, want the last correction", got)
	}
	if dls, _ := st.DeadLetters().List(ctx, store.DeadLetterFilter{}); len(dls) != 0 {
		for _, d := range dls {
			t.Errorf("dead letter %s %s: %s", d.Reason, d.Step, d.Message)
		}
	}
	if c := e.Counts()["channel_shipments_shopify"]; c[engine.OutcomeDelivered] != 3 || c[engine.OutcomeDuplicate] != 1 {
		t.Errorf("counts %v", c)
	}
}
