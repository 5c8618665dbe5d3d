package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
)

// The crash test: a child `transload run` takes orders over HTTP while the
// test kills it with SIGKILL at random moments and restarts it; an ERP
// stand-in on loopback records every document it creates. At the end,
// every acknowledged order is in exactly one of {created once, a dead
// letter}, and no order is created twice.
//
// It runs twice. With an ERP that honours an Idempotency-Key header (the
// sink's strategy "header"), every acknowledged order is created exactly
// once, or is a dead letter. With an ERP that has no idempotency at all
// (strategy "none"), only the delivery ledger stands between a crash and a
// second sales order: a crash between the call and the record of its
// result makes an IN_DOUBT dead letter for a person to check, never a
// second call, so no order is ever created twice.
//
// CI runs it small (about 2,000 orders, 5 kills); TRANSLOAD_CRASH_ORDERS
// and TRANSLOAD_CRASH_KILLS make it larger.

const crashFlow = `
variable "erp_url" {
  type = string
}

sink "http" "erp" {
  url         = var.erp_url
  idempotency = "%s"
  timeout     = "5s"
  retry {
    backoff     = "200ms"
    max_backoff = "2s"
    max_attempts = 50
  }
  breaker {
    failures = 0
  }
}

flow "orders" {
  schema = "order.schema.json"

  source "http" {
    path = "/webhooks/orders"
  }

  dedupe "seen" {
    key = "string(input.id)"
  }

  map "canonical" {
    fields = {
      id    = "string(input.id)"
      total = "money(input.total, 'USD')"
    }
  }

  route "out" {
    default {
      to = [sink.erp]
    }
  }
}
`

const crashSchema = `{"type":"object","required":["id","total"],"properties":{"id":{"type":"integer"},"total":{"type":"string"}}}`

// erpStandIn creates one document per request, or per Idempotency-Key
// when it honours them, and remembers them all.
type erpStandIn struct {
	mu         sync.Mutex
	created    map[string]int // order id -> documents created
	keys       map[string]bool
	idempotent bool
	slow       atomic.Bool
}

func (e *erpStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var doc struct{ ID string }
	if err := json.Unmarshal(b, &doc); err != nil || doc.ID == "" {
		http.Error(w, "bad document", http.StatusBadRequest)
		return
	}
	if e.slow.Load() {
		time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
	}
	e.mu.Lock()
	if k := r.Header.Get("Idempotency-Key"); !e.idempotent || !e.keys[k] {
		e.created[doc.ID]++
		e.keys[k] = true
	}
	n := e.created[doc.ID]
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id": "so-%s-%d"}`, doc.ID, n)
}

// child runs `transload run` as a separate process.
type child struct {
	cmd  *exec.Cmd
	addr string
	out  *bytes.Buffer
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startChild starts transload run on flows and waits until it is ready;
// env adds to (or, as "NAME", removes from) the test's environment.
func startChild(t *testing.T, flows, data, addr, erpURL string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "run", flows, "--data", data, "--addr", addr, "--var", "erp_url="+erpURL, "--log-level", "warn", "--drain", "1s")
	cmd.Env = append(os.Environ(), "TRANSLOAD_TEST_MAIN=1")
	for _, kv := range env {
		if !strings.Contains(kv, "=") {
			cmd.Env = slices.DeleteFunc(cmd.Env, func(e string) bool { return strings.HasPrefix(e, kv+"=") })
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, addr: addr, out: out}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.kill()
	t.Fatalf("the child did not become ready:\n%s", out)
	return nil
}

func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}

func (c *child) stop(t *testing.T) {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		c.kill()
		t.Errorf("the child did not stop on SIGTERM")
	}
}

func TestCrashNeverLosesNorDoubles(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	t.Run("idempotency key", func(t *testing.T) { crashTest(t, "header") })
	t.Run("no idempotency", func(t *testing.T) { crashTest(t, "none") })
}

func crashTest(t *testing.T, idempotency string) {
	orders := envInt(t, "TRANSLOAD_CRASH_ORDERS", 2000)
	kills := envInt(t, "TRANSLOAD_CRASH_KILLS", 5)
	dir := t.TempDir()
	flows, data := filepath.Join(dir, "flows"), filepath.Join(dir, "data")
	must(t, os.MkdirAll(flows, 0o755))
	must(t, os.WriteFile(filepath.Join(flows, "main.hcl"), []byte(fmt.Sprintf(crashFlow, idempotency)), 0o644))
	must(t, os.WriteFile(filepath.Join(flows, "order.schema.json"), []byte(crashSchema), 0o644))
	erp := &erpStandIn{created: map[string]int{}, keys: map[string]bool{}, idempotent: idempotency == "header"}
	erp.slow.Store(true)
	srv := httptest.NewServer(erp)
	defer srv.Close()
	addr := freePort(t)

	var mu sync.Mutex
	cur := startChild(t, flows, data, addr, srv.URL)
	acked := map[int]bool{}
	var next atomic.Int64
	client := &http.Client{Timeout: 5 * time.Second}
	send := func(id int) bool {
		return postAccepted(client, "http://"+addr+"/webhooks/orders", fmt.Sprintf(`{"id": %d, "total": "%d.%02d"}`, id, 10+id%90, id%100))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				id := int(next.Add(1))
				if id > orders {
					return
				}
				// A sender retries until acknowledged, as webhook senders do;
				// 1 in 10 is also sent again after its ack (a duplicate).
				for ctx.Err() == nil {
					if send(id) {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
						if id%10 == 0 {
							send(id)
						}
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(200+rand.IntN(600)) * time.Millisecond)
		cur.kill()
		cur = startChild(t, flows, data, addr, srv.URL)
	}
	wg.Wait()
	cancel()
	// Let the last process finish what it has, then stop it properly.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if inboxEmpty(t, addr) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cur.stop(t)

	st, err := badgerstore.Open(filepath.Join(data, "store"), badgerstore.Options{GCInterval: -1})
	must(t, err)
	defer st.Close()
	dls, err := st.DeadLetters().List(context.Background(), store.DeadLetterFilter{})
	must(t, err)
	dead := map[string]string{}
	for _, d := range dls {
		var o struct{ ID int64 }
		_ = json.Unmarshal(d.Envelope.Body, &o)
		dead[strconv.FormatInt(o.ID, 10)] = d.Reason
	}
	erp.mu.Lock()
	defer erp.mu.Unlock()
	missing, doubled, both := 0, 0, 0
	for id := range acked {
		key := strconv.Itoa(id)
		created, inDL := erp.created[key], dead[key] != ""
		switch {
		case created > 1:
			doubled++
			t.Errorf("order %d was created %d times", id, created)
		case created == 0 && !inDL:
			missing++
			t.Errorf("acknowledged order %d is neither delivered nor a dead letter", id)
		case created == 1 && inDL && (idempotency != "none" || dead[key] != "IN_DOUBT"):
			both++
			t.Errorf("order %d was delivered and dead-lettered (%s)", id, dead[key])
		}
	}
	t.Logf("%d acknowledged, %d created, %d dead letters %v, %d kills", len(acked), len(erp.created), len(dls), reasonsOf(dls), kills)
	if missing+doubled+both > 0 {
		t.Fatalf("%d lost, %d doubled, %d both", missing, doubled, both)
	}
}

func reasonsOf(dls []*store.DeadLetter) map[string]int {
	m := map[string]int{}
	for _, d := range dls {
		m[d.Reason]++
	}
	return m
}

// inboxEmpty asks the running process whether every inbox is empty.
func inboxEmpty(t *testing.T, addr string) bool {
	resp, err := http.Get("http://" + addr + "/-/status")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var st struct {
		Flows map[string]struct{ Depth int }
	}
	if json.NewDecoder(resp.Body).Decode(&st) != nil {
		return false
	}
	for _, f := range st.Flows {
		if f.Depth > 0 {
			return false
		}
	}
	return true
}

// postAccepted posts a JSON body as a webhook sender does and reports
// whether it was acknowledged (202): a crash test's sender retries until
// it is.
func postAccepted(client *http.Client, url, body string) bool {
	resp, err := client.Post(url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusAccepted
}
