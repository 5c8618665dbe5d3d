package connectors

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

func TestHTTPSinkFindCollection(t *testing.T) {
	answers := map[string]string{
		// A top-level array.
		"/array-empty": `[]`,
		"/array":       `[{"id":"a1","externalId":"shop:1001"}]`,
		// OData v4 (Dynamics 365, Business Central).
		"/odata4-empty": `{"@odata.context":"https://api.businesscentral.dynamics.com/v2.0/$metadata#companies(1)/salesOrders","value":[]}`,
		"/odata4":       `{"@odata.context":"…","value":[{"id":"0f2c41d7-9b1e-ef11-9f88-000d3a2b1c4e","number":"S-ORD101001"},{"id":"second"}]}`,
		// OData v2 (SAP Gateway).
		"/odata2-empty": `{"d":{"results":[]}}`,
		"/odata2":       `{"d":{"results":[{"__metadata":{"type":"API_SALES_ORDER_SRV.A_SalesOrderType"},"SalesOrder":"1000042","TotalNetAmount":"24.90"}]}}`,
		// Oracle Fusion REST.
		"/oracle-empty": `{"items":[],"count":0,"hasMore":false,"limit":25,"offset":0}`,
		"/oracle":       `{"items":[{"id":300000123456789,"OrderNumber":"520001"}],"count":1,"hasMore":false}`,
		// Not collections.
		"/single":        `{"id":"555","externalId":"shop:1001"}`,
		"/odata2-single": `{"d":{"SalesOrder":"1000042"}}`,
		"/string-value":  `{"value":"x"}`,
		"/not-json":      `OK`,
		"/empty":         ``,
	}
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
		a, ok := answers[r.URL.Path]
		if !ok {
			w.WriteHeader(404)
			return
		}
		if r.URL.Path == "/oracle" {
			w.Header().Set("Location", "/fscmRestApi/resources/11.13.18.05/salesOrdersForOrderHub/300000123456789")
		}
		if r.URL.Path == "/not-json" {
			w.Header().Set("Content-Type", "text/plain")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		io.WriteString(w, a)
	})
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "idempotency": str("find"), "find_collection": cty.True})
	find := func(path string) (bool, *connector.Response, error) {
		d := order()
		d.Settings["find_url"] = map[string]string{"": path + "?$filter=externalId%20eq%20'shop:1001'"}
		return sink.Find(context.Background(), d)
	}
	for _, c := range []struct {
		path     string
		found    bool
		ref      string
		wantBody string
	}{
		{"/array-empty", false, "", ""},
		{"/array", true, "a1", `{"externalId":"shop:1001","id":"a1"}`},
		{"/odata4-empty", false, "", ""},
		{"/odata4", true, "0f2c41d7-9b1e-ef11-9f88-000d3a2b1c4e", `{"id":"0f2c41d7-9b1e-ef11-9f88-000d3a2b1c4e","number":"S-ORD101001"}`},
		{"/odata2-empty", false, "", ""},
		{"/odata2", true, "", `{"SalesOrder":"1000042","TotalNetAmount":"24.90","__metadata":{"type":"API_SALES_ORDER_SRV.A_SalesOrderType"}}`},
		{"/oracle-empty", false, "", ""},
		{"/oracle", true, "/fscmRestApi/resources/11.13.18.05/salesOrdersForOrderHub/300000123456789", `{"OrderNumber":"520001","id":300000123456789}`},
		{"/missing", false, "", ""}, // 404 still means not found
	} {
		t.Run(c.path, func(t *testing.T) {
			found, resp, err := find(c.path)
			if err != nil || found != c.found {
				t.Fatalf("found %v, err %v", found, err)
			}
			if !found {
				if resp != nil {
					t.Fatalf("a response for not found: %+v", resp)
				}
				return
			}
			if resp.Status != 200 || resp.Ref != c.ref || builtin.Format(resp.Body) != c.wantBody {
				t.Fatalf("status %d ref %q body %s", resp.Status, resp.Ref, builtin.Format(resp.Body))
			}
		})
	}
	for path, want := range map[string]string{
		"/single":        "the answer is a map that holds no collection",
		"/odata2-single": "the answer is a map that holds no collection",
		"/string-value":  "the answer is a map that holds no collection",
		"/not-json":      "the answer is not JSON",
		"/empty":         "the answer is empty",
	} {
		t.Run(path, func(t *testing.T) {
			found, _, err := find(path)
			var perm *connector.PermanentError
			if found || !errors.As(err, &perm) || perm.Reason != ReasonInvalidSetting || perm.Status != 200 ||
				!strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "find_collection = true") {
				t.Fatalf("found %v, err %v", found, err)
			}
			if strings.Contains(err.Error(), "$filter") {
				t.Fatal("the error shows the query")
			}
		})
	}

	// Without find_collection, a 200 is found whatever it holds.
	plain := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "idempotency": str("find")})
	d := order()
	d.Settings["find_url"] = map[string]string{"": "/odata4-empty"}
	if found, _, err := plain.Find(context.Background(), d); err != nil || !found {
		t.Fatalf("plain find: %v %v", found, err)
	}

	if _, err := buildConfig(HTTPSinkSpec, map[string]cty.Value{"url": str("https://erp"), "find_collection": cty.True}); err == nil ||
		!strings.Contains(err.Error(), `find_collection is only used with idempotency = "find"`) {
		t.Fatalf("check: %v", err)
	}
}
