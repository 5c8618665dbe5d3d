package tests

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
)

const restUpdateFlow = `
variable "erp_url" {
  type = string
}

sink "http" "erp" {
  url           = var.erp_url
  method        = "POST"
  update_method = "PATCH"
  idempotency   = "header"
  path          = "order.update && order.refs.?erp.orValue('') != '' ? '/orders/' + order.refs.erp : '/orders'"
}

flow "orders" {
  schema = "order.schema.json"

  dedupe "order" {
    key       = "string(input.id)"
    on_change = "update"
  }

  deliver "send" {
    sink = sink.erp
    key  = "order.key"
    body = "{'id': string(input.id), 'total': input.total}"
  }
}
`

// TestRESTUpdateByRef: a target that creates with POST and changes a
// document with PATCH on its own id gets exactly that: the first version
// is POSTed, a changed version PATCHes the id the first answer gave (the
// dedupe step's refs, the sink's update_method), also when its first try
// meets an outage, and a version that changes nothing is a duplicate.
func TestRESTUpdateByRef(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	erp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path)
		first := len(calls) == 2
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case first:
			// The first update meets an outage: it is retried as the
			// same update, not as a create.
			http.Error(w, `{"error": "maintenance"}`, http.StatusServiceUnavailable)
		case r.Method == http.MethodPost && r.URL.Path == "/orders":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"id": "ORD-9001", "status": "open"}`)
		case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/orders/"):
			fmt.Fprint(w, `{"status": "open"}`)
		default:
			http.Error(w, `{"error": "no such route"}`, http.StatusNotFound)
		}
	}))
	defer erp.Close()
	e, _, _ := runtimeEngine(t, restUpdateFlow, map[string]string{"order.schema.json": crashSchema}, map[string]string{"erp_url": erp.URL}, "")
	ctx := context.Background()
	for _, total := range []string{"10.00", "12.50", "12.50", "9.99"} {
		body := fmt.Sprintf(`{"id": 7, "total": %q}`, total)
		must(t, e.IngressFor("orders").Submit(ctx, connector.Message{Body: []byte(body), Origin: "test"}))
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		must(t, e.WaitIdle(wctx))
		cancel()
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"POST /orders", "PATCH /orders/ORD-9001", "PATCH /orders/ORD-9001", "PATCH /orders/ORD-9001"}
	if strings.Join(calls, ", ") != strings.Join(want, ", ") {
		t.Fatalf("the ERP got %q, want %q", calls, want)
	}
	if c := e.Counts()["orders"]; c[engine.OutcomeDelivered] != 3 || c[engine.OutcomeDuplicate] != 1 {
		t.Errorf("counts %v", c)
	}
}

// TestEvalDeliveredBefore: eval (and flow tests, delivered_before) can show
// what an update sends without the store holding the earlier version: the
// path names the earlier delivery's ref and the sink is told it replaces
// it; a flow that does not let updates through dead-letters the change.
func TestEvalDeliveredBefore(t *testing.T) {
	w, err := wire.New()
	must(t, err)
	load := func(flow string) *dsl.Config {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(flow), 0o644))
		must(t, os.WriteFile(filepath.Join(dir, "order.schema.json"), []byte(crashSchema), 0o644))
		cfg, diags := dsl.Load(dir, w.LoadOptions(map[string]string{"erp_url": "https://erp.example"}, nil))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return cfg
	}
	eval := func(cfg *dsl.Config) (*engine.Outcome, *connector.Delivery) {
		var got *connector.Delivery
		ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, DeliveredBefore: map[string]string{"erp": "ORD-9001"},
			Mocks: map[string]engine.MockFunc{"erp": func(_ context.Context, d *connector.Delivery) (*connector.Response, error) {
				got = d
				return &connector.Response{Status: 200}, nil
			}}})
		must(t, err)
		outs, _, err := ev.Eval(context.Background(), "orders", engine.Input{Body: []byte(`{"id": 7, "total": "12.50"}`)})
		must(t, err)
		return outs[0], got
	}
	o, d := eval(load(restUpdateFlow))
	if o.Outcome != engine.OutcomeDelivered || d == nil || !d.Replacing || d.PreviousRef != "ORD-9001" || d.Settings["path"][""] != "/orders/ORD-9001" {
		j, _ := o.JSON()
		t.Fatalf("an update: %+v\n%s", d, j)
	}
	o, d = eval(load(strings.Replace(restUpdateFlow, `on_change = "update"`, `on_change = "dead_letter"`, 1)))
	if o.DeadLetter == nil || o.DeadLetter.Reason != "DUPLICATE_CONFLICT" || d != nil {
		j, _ := o.JSON()
		t.Fatalf("a change the flow does not let through: %+v\n%s", d, j)
	}
}
