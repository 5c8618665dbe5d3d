package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
	"github.com/transload/transload/stdlib/codec/x12"
)

// The X12 control number crash test: a child `transload run` turns
// shipments into 856s (x12.asn856) and POSTs them through the x12 sink to
// a partner stand-in, while the test kills the child with SIGKILL at
// random moments and restarts it, and the stand-in refuses some requests
// with 503 so that deliveries are retried. The stand-in outlives every
// child and records every attempt. At the end:
//
//   - every attempt of one delivery (same idempotency key: retries, and
//     redeliveries after a kill) carried the same ISA13, GS06 and ST02;
//   - no ISA13, GS06 or ST02 was ever carried by two different deliveries
//     (the counters live in the store, so a restart never hands out a
//     used number);
//   - every acknowledged shipment reached the partner, or is a dead
//     letter, and none reached it as two different interchanges.
//
// CI runs it small (about 400 shipments, 4 kills); TRANSLOAD_X12_CRASH_DOCS
// and TRANSLOAD_CRASH_KILLS make it larger.

const x12CrashFlow = `
import "x12" {}

variable "erp_url" {
  type = string
}

variable "x12_default_currency" {
  type    = string
  default = "USD"
}

variable "x12_default_country" {
  type    = string
  default = "US"
}

variable "x12_timezone" {
  type    = string
  default = "UTC"
}

variable "x12_item_qualifier" {
  type    = string
  default = "VN"
}

sink "x12" "partner" {
  url         = var.erp_url
  sender_id   = "ACME"
  receiver_id = "PARTNER"
  timeout     = "5s"
  retry {
    backoff      = "100ms"
    max_backoff  = "1s"
    max_attempts = 50
  }
  breaker {
    failures = 0
  }
}

flow "asn" {
  schema = commerce.Shipment

  source "http" {
    path = "/webhooks/asn"
  }

  dedupe "shipment" {
    key = "input.id"
  }

  map "edi" {
    mapping = x12.asn856
    from    = "{'shipment': input}"
  }

  route "out" {
    default {
      to = [sink.partner]
    }
  }
}
`

// x12Numbers are the control numbers of one interchange.
type x12Numbers struct{ isa, gs, st, shipment string }

// partnerStandIn accepts interchanges, refusing some with 503, and
// remembers every attempt by idempotency key.
type partnerStandIn struct {
	mu       sync.Mutex
	attempts map[string][]x12Numbers // idempotency key -> every attempt
	accepted map[string]map[string]bool
	bad      []string
	flaky    atomic.Bool
}

func (p *partnerStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	key := r.Header.Get("Idempotency-Key")
	ic, err := x12.Parse(b)
	if err != nil || len(ic.Groups) != 1 || len(ic.Groups[0].Sets) != 1 || ic.Groups[0].Sets[0].Doc == nil || key == "" {
		p.mu.Lock()
		p.bad = append(p.bad, fmt.Sprintf("key %q: %v\n%s", key, err, b))
		p.mu.Unlock()
		http.Error(w, "bad interchange", http.StatusBadRequest)
		return
	}
	bsn, _ := ic.Groups[0].Sets[0].Doc["BSN"].(map[string]any)
	n := x12Numbers{isa: ic.Control, gs: ic.Groups[0].Control, st: ic.Groups[0].Sets[0].Control, shipment: fmt.Sprint(bsn["BSN02"])}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.attempts[key] = append(p.attempts[key], n)
	if p.flaky.Load() && rand.IntN(7) == 0 {
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	if p.accepted[n.shipment] == nil {
		p.accepted[n.shipment] = map[string]bool{}
	}
	p.accepted[n.shipment][n.isa] = true
	w.WriteHeader(http.StatusOK)
}

func TestX12ControlNumbersSurviveCrashes(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	docs := envInt(t, "TRANSLOAD_X12_CRASH_DOCS", 400)
	kills := envInt(t, "TRANSLOAD_CRASH_KILLS", 4)
	dir := t.TempDir()
	flows, data := filepath.Join(dir, "flows"), filepath.Join(dir, "data")
	must(t, os.MkdirAll(flows, 0o755))
	must(t, os.WriteFile(filepath.Join(flows, "main.hcl"), []byte(x12CrashFlow), 0o644))
	partner := &partnerStandIn{attempts: map[string][]x12Numbers{}, accepted: map[string]map[string]bool{}}
	partner.flaky.Store(true)
	srv := httptest.NewServer(partner)
	defer srv.Close()
	addr := freePort(t)

	cur := startChild(t, flows, data, addr, srv.URL)
	var mu sync.Mutex
	acked := map[string]bool{}
	var next atomic.Int64
	client := &http.Client{Timeout: 5 * time.Second}
	send := func(id string) bool {
		return postAccepted(client, "http://"+addr+"/webhooks/asn", fmt.Sprintf(`{"id": %q, "order_id": "PO-%s", "channel": "edi_x12", "shipped_at": "2026-03-02T15:30:00Z",
			"lines": [{"line_id": "1", "sku": "SKU-%s", "quantity": {"value": "%d", "uom": "EA"}}]}`, id, id, id, 1+len(id)))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := int(next.Add(1))
				if n > docs {
					return
				}
				id := fmt.Sprintf("S%05d", n)
				for ctx.Err() == nil {
					if send(id) {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(300+rand.IntN(700)) * time.Millisecond)
		cur.kill()
		cur = startChild(t, flows, data, addr, srv.URL)
	}
	wg.Wait()
	cancel()
	// The partner stops failing; let the last child deliver what it has.
	partner.flaky.Store(false)
	deadline := time.Now().Add(90 * time.Second)
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
		var s struct{ ID string }
		_ = json.Unmarshal(d.Envelope.Body, &s)
		dead[s.ID] = d.Reason
	}

	partner.mu.Lock()
	defer partner.mu.Unlock()
	for _, b := range partner.bad {
		t.Errorf("the partner received a bad interchange: %s", b)
	}
	owner := map[string]map[string]string{"ISA13": {}, "GS06": {}, "ST02": {}}
	retried := 0
	for key, as := range partner.attempts {
		if len(as) > 1 {
			retried++
		}
		for _, a := range as[1:] {
			if a != as[0] {
				t.Errorf("delivery %s was sent with %+v, then with %+v: a retry must repeat its control numbers", key, as[0], a)
			}
		}
		for kind, n := range map[string]string{"ISA13": as[0].isa, "GS06": as[0].gs, "ST02": as[0].st} {
			if other, used := owner[kind][n]; used && other != key {
				t.Errorf("%s %s was used by two deliveries: %s and %s", kind, n, other, key)
			}
			owner[kind][n] = key
		}
	}
	lost, doubled := 0, 0
	for id := range acked {
		switch got := partner.accepted[id]; {
		case len(got) > 1:
			doubled++
			t.Errorf("shipment %s reached the partner as %d interchanges: %v", id, len(got), got)
		case len(got) == 0 && dead[id] == "":
			lost++
			t.Errorf("acknowledged shipment %s neither reached the partner nor is a dead letter", id)
		}
	}
	t.Logf("%d shipments acknowledged, %d delivered, %d deliveries, %d of them attempted more than once, %d dead letters %v, %d kills",
		len(acked), len(partner.accepted), len(partner.attempts), retried, len(dls), reasonsOf(dls), kills)
	if retried == 0 {
		t.Error("no delivery was attempted twice: the test did not exercise retries")
	}
	if lost+doubled > 0 {
		t.Fatalf("%d lost, %d doubled", lost, doubled)
	}
}
