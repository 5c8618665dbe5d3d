package tests

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMetricsServed: /metrics serves the engine's metrics, by the names
// docs/operations.md gives.
func TestMetricsServed(t *testing.T) {
	dir := t.TempDir()
	flows := orderFlows(t, dir)
	addr := freePort(t)
	ch := startChild(t, flows, filepath.Join(dir, "data"), addr, "http://127.0.0.1:1")
	defer ch.stop(t)
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	must(t, err)
	for _, name := range []string{"transload_reload_generation", "transload_reloads_total", "transload_expression_fallbacks_total", "go_goroutines"} {
		if !strings.Contains(string(body), "\n"+name) {
			t.Errorf("no %s in /metrics", name)
		}
	}
}

// TestRunProcessors: transload run gives Go four processors per CPU it
// may use, unless GOMAXPROCS is set, which it leaves alone; /-/status
// says which.
func TestRunProcessors(t *testing.T) {
	dir := t.TempDir()
	flows := orderFlows(t, dir)
	procs := func(env string) int {
		addr := freePort(t)
		ch := startChild(t, flows, filepath.Join(dir, "data-"+env), addr, "http://127.0.0.1:1", env)
		defer ch.stop(t)
		resp, err := http.Get("http://" + addr + "/-/status")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var st struct {
			Procs int `json:"procs"`
		}
		must(t, json.NewDecoder(resp.Body).Decode(&st))
		return st.Procs
	}
	// The CPUs a process may use can be fewer than the machine's (a
	// container's limit): four per CPU, for at most all of them.
	if n := procs("GOMAXPROCS"); n%4 != 0 || n < 4 || n > 4*runtime.NumCPU() {
		t.Errorf("GOMAXPROCS unset: %d processors, want four per CPU", n)
	}
	if n := procs("GOMAXPROCS=3"); n != 3 {
		t.Errorf("GOMAXPROCS=3: %d processors", n)
	}
}

// orderFlows writes the crash test's webhook flow into dir/flows.
func orderFlows(t *testing.T, dir string) string {
	t.Helper()
	flows := filepath.Join(dir, "flows")
	must(t, os.MkdirAll(flows, 0o755))
	must(t, os.WriteFile(filepath.Join(flows, "main.hcl"), []byte(fmt.Sprintf(crashFlow, "header")), 0o644))
	must(t, os.WriteFile(filepath.Join(flows, "order.schema.json"), []byte(crashSchema), 0o644))
	return flows
}
