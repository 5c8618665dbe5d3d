package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/examples/custom-connector/portal"
)

func run(args ...string) (int, string) {
	var out bytes.Buffer
	code := cli.MainWith(args, nil, &out, &out, wire.WithConnectors(portal.Register))
	return code, out.String()
}

// TestFlowTests: the flows' own tests pass with the connector.
func TestFlowTests(t *testing.T) {
	if code, out := run("test", "flows"); code != 0 || !strings.Contains(out, "2 passed") {
		t.Fatalf("test: %d\n%s", code, out)
	}
	var out bytes.Buffer
	if code := cli.Main([]string{"validate", "--var", "portal_url=http://127.0.0.1:9/x", "flows"}, nil, &out, &out); code == 0 {
		t.Fatalf("the stock transload accepted a portal source:\n%s", out.String())
	}
}

// TestRunOnce: run --once against a portal on loopback polls until caught
// up and writes each order to the outbox, named by its business key.
func TestRunOnce(t *testing.T) {
	order, err := os.ReadFile("flows/testdata/order_so1.json")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("updated_since") != "" {
			w.Write([]byte(`{"orders": [], "next_cursor": ""}`))
			return
		}
		w.Write([]byte(`{"orders": [` + string(order) + `], "next_cursor": "2026-11-01T10:00:00Z"}`))
	}))
	defer srv.Close()
	dir := t.TempDir()
	code, out := run("run", "--once", "--addr", "", "--data", filepath.Join(dir, "data"), "--var", "portal_url="+srv.URL, "flows")
	if code != 0 || !strings.Contains(out, "portal_orders            1 delivered") {
		t.Fatalf("run --once: %d\n%s", code, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "data", "outbox", "b2b%3ASO-1.json"))
	if err != nil || !strings.Contains(string(b), `"grand_total":{"amount":"219.40","currency":"USD"}`) {
		t.Fatalf("the outbox file: %v %s", err, b)
	}
}
