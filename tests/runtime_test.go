package tests

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
)

// runtimeEngine starts an in-process engine with everything that ships,
// on a Badger store in a temp dir.
func runtimeEngine(t *testing.T, flows string, files map[string]string, vars map[string]string, addr string) (*engine.Engine, store.Store, string) {
	t.Helper()
	fd := filepath.Join(t.TempDir(), "flows")
	must(t, os.MkdirAll(fd, 0o755))
	must(t, os.WriteFile(filepath.Join(fd, "main.hcl"), []byte(flows), 0o644))
	for name, body := range files {
		must(t, os.WriteFile(filepath.Join(fd, name), []byte(body), 0o644))
	}
	e, st := startEngine(t, fd, vars, addr)
	return e, st, fd
}

// startEngine runs the flows in fd with a Badger store in a new data
// directory, listening on addr (empty: no listener), and stops it when
// the test ends.
func startEngine(t *testing.T, fd string, vars map[string]string, addr string) (*engine.Engine, store.Store) {
	t.Helper()
	data := t.TempDir()
	w, err := wire.New()
	must(t, err)
	st, err := badgerstore.Open(filepath.Join(data, "store"), badgerstore.Options{GCInterval: -1})
	must(t, err)
	lo := w.LoadOptions(vars, nil)
	e := engine.New(engine.Options{
		FlowsDir: fd, DataDir: data,
		Load:       func(d string) (*dsl.Config, hcl.Diagnostics) { return dsl.Load(d, lo) },
		Connectors: w.Connectors, Codecs: w.Codecs, Store: st, Addr: addr, Workers: 64, Stdout: io.Discard,
	})
	diags, err := e.Start(context.Background())
	if err != nil {
		st.Close()
		t.Fatalf("%v %v", err, diags)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.Stop(ctx)
		st.Close()
	})
	return e, st
}

// recorder is an ERP stand-in that records documents by order id.
type recorder struct {
	mu    sync.Mutex
	docs  map[string][]map[string]any
	fail  atomic.Bool // answer 503 while set
	calls atomic.Int64
}

func newRecorder() *recorder { return &recorder{docs: map[string][]map[string]any{}} }

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.calls.Add(1)
	if r.fail.Load() {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	var doc map[string]any
	b, _ := io.ReadAll(req.Body)
	if err := json.Unmarshal(b, &doc); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	id := fmt.Sprint(doc["id"])
	r.mu.Lock()
	r.docs[id] = append(r.docs[id], doc)
	r.mu.Unlock()
	w.Write([]byte(`{"ok": true}`))
}

func (r *recorder) count() (docs, ids int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.docs {
		docs += len(d)
	}
	return docs, len(r.docs)
}

const reloadFlow = `
variable "erp_url" {
  type = string
}

sink "http" "erp" {
  url = var.erp_url
}

flow "orders" {
  schema = "order.schema.json"

  dedupe "seen" {
    key = "string(input.id)"
  }

  map "canonical" {
    fields = {
      id      = "string(input.id)"
      tag     = "'TAG'"
      version = "meta.version"
    }
  }

  route "out" {
    default {
      to = [sink.erp]
    }
  }
}
`

// TestReloadUnderLoad: 200 reloads, 20 of them invalid, while 5,000
// orders flow. Nothing is lost, every message is processed by exactly one
// version (its tag and its version agree), and an invalid edit never
// replaces the running version.
func TestReloadUnderLoad(t *testing.T) {
	erp := newRecorder()
	srv := httptest.NewServer(erp)
	defer srv.Close()
	flow := strings.Replace(reloadFlow, "'TAG'", "'v0'", 1)
	e, _, dir := runtimeEngine(t, flow, map[string]string{"order.schema.json": crashSchema}, map[string]string{"erp_url": srv.URL}, "")
	ing := e.IngressFor("orders")
	versions := map[string]string{e.Current().ID: "v0"} // version -> tag
	var vmu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 5000; i++ {
			body := fmt.Sprintf(`{"id": %d, "total": "1.00"}`, i)
			for {
				err := ing.Submit(context.Background(), connector.Message{Body: []byte(body)})
				if err == nil {
					break
				}
				time.Sleep(time.Millisecond)
			}
		}
	}()
	invalid := 0
	for i := 1; i <= 200; i++ {
		src := strings.Replace(reloadFlow, "'TAG'", fmt.Sprintf("'v%d'", i), 1)
		bad := i%10 == 0
		if bad {
			src = strings.Replace(src, "input.id)", "input.idd)", 1)
		}
		before := e.Current().ID
		must(t, os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644))
		_, err := e.Reload(context.Background())
		if bad {
			invalid++
			if err == nil || e.Current().ID != before || e.LastReload().OK {
				t.Fatalf("reload %d: an invalid edit replaced the running version", i)
			}
			continue
		}
		if err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		vmu.Lock()
		versions[e.Current().ID] = fmt.Sprintf("v%d", i)
		vmu.Unlock()
	}
	<-done
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	must(t, e.WaitIdle(ctx))
	docs, ids := erp.count()
	if docs != 5000 || ids != 5000 {
		t.Fatalf("%d documents for %d orders, want 5000 each", docs, ids)
	}
	erp.mu.Lock()
	defer erp.mu.Unlock()
	for id, list := range erp.docs {
		d := list[0]
		tag, ok := versions[fmt.Sprint(d["version"])]
		if !ok || tag != d["tag"] {
			t.Fatalf("order %s: tag %v from version %v: processed by two versions", id, d["tag"], d["version"])
		}
	}
	t.Logf("5000 orders through 200 reloads (%d invalid), %d versions", invalid, len(versions))
}

// TestERPOutage: the ERP answers 503 for a while; everything is delivered
// once it recovers, and nothing twice.
func TestERPOutage(t *testing.T) {
	erp := newRecorder()
	erp.fail.Store(true)
	srv := httptest.NewServer(erp)
	defer srv.Close()
	flow := strings.Replace(reloadFlow, `url = var.erp_url`, `url = var.erp_url
  retry {
    backoff     = "100ms"
    max_backoff = "500ms"
    max_attempts = 100
  }
  breaker {
    failures  = 3
    cool_down = "300ms"
  }`, 1)
	e, st, _ := runtimeEngine(t, flow, map[string]string{"order.schema.json": crashSchema}, map[string]string{"erp_url": srv.URL}, "")
	ing := e.IngressFor("orders")
	for i := 0; i < 200; i++ {
		must(t, ing.Submit(context.Background(), connector.Message{Body: []byte(fmt.Sprintf(`{"id": %d, "total": "1.00"}`, i))}))
	}
	time.Sleep(1500 * time.Millisecond)
	if docs, _ := erp.count(); docs != 0 {
		t.Fatalf("%d documents during the outage", docs)
	}
	callsDuringOutage := erp.calls.Load()
	erp.fail.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		if docs, _ := erp.count(); docs >= 200 || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	must(t, e.WaitIdle(ctx))
	docs, ids := erp.count()
	if docs != 200 || ids != 200 {
		t.Fatalf("%d documents for %d orders after the outage, want 200 each", docs, ids)
	}
	dls, _ := st.DeadLetters().List(context.Background(), store.DeadLetterFilter{})
	if len(dls) > 0 {
		t.Fatalf("dead letters: %d", len(dls))
	}
	// The breaker held most calls back during the outage.
	t.Logf("%d calls during the outage for 200 orders; the breaker held back the rest", callsDuringOutage)
}

// TestHTTPBadInput: malformed JSON, a body over the limit, a bad
// signature, an unknown route, a payload that fails its schema: a clear
// status and message to the sender; nothing is accepted; the process keeps
// serving.
func TestHTTPBadInput(t *testing.T) {
	secret := "s3cret-for-test"
	flow := `
sink "stdout" "out" {}

flow "orders" {
  schema = "order.schema.json"

  source "http" {
    path           = "/webhooks/orders"
    verify         = "shopify"
    secrets        = ["` + secret + `"]
    max_body_bytes = 1024
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
`
	addr := freePort(t)
	runtimeEngine(t, flow, map[string]string{"order.schema.json": crashSchema}, nil, addr)
	sign := func(b []byte) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(b)
		return base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	post := func(path, body, sig string) (int, string) {
		req, _ := http.NewRequest("POST", "http://"+addr+path, bytes.NewBufferString(body))
		if sig != "" {
			req.Header.Set("X-Shopify-Hmac-Sha256", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	good := `{"id": 1, "total": "1.00"}`
	cases := []struct {
		name, path, body, sig string
		status                int
		says                  string
	}{
		{"accepted", "/webhooks/orders", good, sign([]byte(good)), 202, "accepted"},
		{"bad signature", "/webhooks/orders", good, sign([]byte("other")), 401, "UNAUTHORIZED"},
		{"no signature", "/webhooks/orders", good, "", 401, "UNAUTHORIZED"},
		{"unknown route", "/webhooks/nope", good, sign([]byte(good)), 404, "UNKNOWN_ROUTE"},
		{"malformed JSON", "/webhooks/orders", `{"id": 1,`, sign([]byte(`{"id": 1,`)), 422, "INVALID_JSON"},
		{"schema mismatch", "/webhooks/orders", `{"id": "one", "total": "1.00"}`, sign([]byte(`{"id": "one", "total": "1.00"}`)), 422, "SCHEMA_MISMATCH"},
		{"too large", "/webhooks/orders", strings.Repeat(" ", 2000) + good, sign([]byte(strings.Repeat(" ", 2000) + good)), 413, "BODY_TOO_LARGE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := post(c.path, c.body, c.sig)
			if status != c.status || !strings.Contains(body, c.says) {
				t.Fatalf("got %d %s, want %d with %s", status, body, c.status, c.says)
			}
		})
	}
	// A GET to the webhook: 405, saying what it takes.
	resp, err := http.Get("http://" + addr + "/webhooks/orders")
	must(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" || !strings.Contains(string(b), `"reason":"METHOD_NOT_ALLOWED"`) {
		t.Errorf("GET: %d, Allow %q, %s", resp.StatusCode, resp.Header.Get("Allow"), b)
	}
	// Still serving.
	if status, _ := post("/webhooks/orders", good, sign([]byte(good))); status != 202 {
		t.Fatalf("not serving after bad input: %d", status)
	}
	resp, err = http.Get("http://" + addr + "/healthz")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatal("unhealthy")
	}
}

// TestBackupWhileRunning: GET /-/backup streams a consistent backup of a
// running engine's store, which restores into a new directory with the
// dead letter the engine wrote.
func TestBackupWhileRunning(t *testing.T) {
	flow := `
sink "stdout" "out" {}

flow "orders" {
  schema = "order.schema.json"

  source "http" {
    path = "/webhooks/orders"
  }

  map "canonical" {
    fields = {
      total = "money(string(input.id) + ',5', 'USD')"
    }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
`
	addr := freePort(t)
	e, _, _ := runtimeEngine(t, flow, map[string]string{"order.schema.json": crashSchema}, nil, addr)
	resp, err := http.Post("http://"+addr+"/webhooks/orders", "application/json", bytes.NewBufferString(`{"id": 1, "total": "1"}`))
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %s", resp.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, e.WaitIdle(ctx))
	resp, err = http.Get("http://" + addr + "/-/backup")
	must(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("backup: %s", resp.Status)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	must(t, badgerstore.Restore(dir, resp.Body))
	st, err := badgerstore.Open(dir, badgerstore.Options{GCInterval: -1})
	must(t, err)
	defer st.Close()
	dls, err := st.DeadLetters().List(ctx, store.DeadLetterFilter{})
	must(t, err)
	if len(dls) != 1 || dls[0].Reason != "INVALID_MONEY" {
		t.Fatalf("restored dead letters: %d", len(dls))
	}
}

// TestUnreadySourcesWarnOnce: webhooks whose secrets are not set are named
// in one warning at start, not one each.
func TestUnreadySourcesWarnOnce(t *testing.T) {
	dir := t.TempDir()
	var src strings.Builder
	src.WriteString("sink \"stdout\" \"out\" {}\n")
	for _, name := range []string{"a", "b", "c"} {
		fmt.Fprintf(&src, `
flow %q {
  schema = any
  source "http" {
    path    = "/webhooks/%s"
    verify  = "shopify"
    secrets = [env("TRANSLOAD_TEST_UNSET_SECRET")]
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
`, name, name)
	}
	must(t, os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src.String()), 0o644))
	var out strings.Builder
	if code := cli.Main([]string{"run", "--once", "--data", filepath.Join(dir, "data"), dir}, nil, &out, &out); code != 0 {
		t.Fatalf("run --once: %d\n%s", code, out.String())
	}
	// A batch run without --addr opens no listener.
	if !strings.Contains(out.String(), "no listener") {
		t.Errorf("run --once listened without --addr:\n%s", out.String())
	}
	if n := strings.Count(out.String(), "level=WARN"); n != 1 || !strings.Contains(out.String(), "3 source(s) refuse every event") ||
		!strings.Contains(out.String(), "POST /webhooks/b") {
		t.Fatalf("%d warnings:\n%s", n, out.String())
	}
}

// TestRunAcceptOnlyExcludesOnce: a batch run that processes nothing would
// never end; the flags say so before anything opens.
func TestRunAcceptOnlyExcludesOnce(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	code := cli.Main([]string{"run", "--once", "--accept-only", "--data", filepath.Join(dir, "data"), dir}, nil, &out, &out)
	if code == 0 || !strings.Contains(out.String(), "--once and --accept-only exclude each other") {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Fatal("the data directory was opened")
	}
}
