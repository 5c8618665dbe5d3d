package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
)

const rejectionsFlows = `
sink "mem" "erp" {
  retry {
    max_attempts = 5
    backoff      = "1s"
  }
  breaker {
    failures = 0
  }
}
sink "mem" "rejected" {}

flow "rows" {
  schema        = "row.schema.json"
  format        = "csv"
  rejections_to = flow.rejections

  deliver "send" {
    sink = sink.erp
    key  = "'rows:' + string(input.id)"
  }
}

flow "plain" {
  schema = "row.schema.json"
  format = "csv"

  deliver "send" {
    sink = sink.erp
    key  = "'plain:' + string(input.id)"
  }
}

flow "rejections" {
  schema = any
  format = "csv"

  deliver "keep" {
    sink = sink.rejected
    key  = "meta.message_id"
  }
}
`

const rowSchema = `{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"total":{"type":"string"}}}`

// countAppends counts the messages appended to each flow's inbox.
type countAppends struct {
	store.Store
	mu sync.Mutex
	n  map[string]int
}

func (s *countAppends) Inbox() store.Inbox { return countingInbox{s.Store.Inbox(), s} }

func (s *countAppends) count(flow string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n[flow]
}

type countingInbox struct {
	store.Inbox
	s *countAppends
}

func (i countingInbox) Append(ctx context.Context, msgs ...*store.Envelope) error {
	i.s.mu.Lock()
	for _, m := range msgs {
		i.s.n[m.Flow]++
	}
	i.s.mu.Unlock()
	return i.Inbox.Append(ctx, msgs...)
}

func newRejectionsHarness(t *testing.T) (*harness, *countAppends) {
	t.Helper()
	counter := &countAppends{n: map[string]int{}}
	h := newHarnessWith(t, rejectionsFlows, connector.IdempotencyKey, func(s store.Store) store.Store {
		counter.Store = s
		return counter
	})
	if err := os.WriteFile(filepath.Join(h.dir, "row.schema.json"), []byte(rowSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	h.start()
	return h, counter
}

// TestRejectionsForwardedOnce: a message whose decode rejects a document
// (a CSV row that is not a number) goes, as it came, to the flow's
// rejections_to flow once, besides its dead letter; a retry of the
// message (another row's delivery failed) does not forward it again; a
// flow without rejections_to only dead-letters.
func TestRejectionsForwardedOnce(t *testing.T) {
	h, counter := newRejectionsHarness(t)
	failed := false
	h.sink("erp").fail = func(n int, d *connector.Delivery) error {
		if strings.HasPrefix(d.Key, "rows:1") && !failed {
			failed = true
			return &connector.RetryableError{Err: errTest, Status: 503}
		}
		return nil
	}
	body := "id,total\n1,9.99\nx,1.00\n"
	h.submit("rows", body)
	for i := 0; i < 5 && !slices.Contains(h.sink("erp").keys(), "rows:1#row 1"); i++ {
		h.clock.Advance(time.Minute)
		time.Sleep(1500 * time.Millisecond)
	}
	h.idle()
	if !failed || !slices.Equal(h.sink("erp").keys(), []string{"rows:1#row 1"}) {
		t.Fatalf("erp got %v (failed once: %v)", h.sink("erp").keys(), failed)
	}
	if n := counter.count("rejections"); n != 1 {
		t.Fatalf("%d messages forwarded to the rejections flow, want 1", n)
	}
	rejected := h.sink("rejected")
	if len(rejected.delivered) != 2 {
		t.Fatalf("the rejections flow delivered %d rows, want the 2 of the body", len(rejected.delivered))
	}
	for _, d := range rejected.delivered {
		if !strings.HasPrefix(d.Key, rejected.delivered[0].Key[:strings.Index(rejected.delivered[0].Key, "#")]) {
			t.Fatalf("rows of two forwarded messages: %v", rejected.keys())
		}
	}
	if got := rejected.delivered[1].Body.(map[string]any)["id"]; got != "x" {
		t.Fatalf("the forwarded body changed: row 2 id %v", got)
	}
	dls := h.deadLetters()
	if len(dls) != 1 || dls[0].Step != "decode" || dls[0].Envelope.Flow != "rows" {
		t.Fatalf("dead letters %v", reasons(dls))
	}

	// The same rejected row in a flow without rejections_to: the dead
	// letter only.
	h.submit("plain", "id,total\n2,9.99\ny,1.00\n")
	h.idle()
	if n := counter.count("rejections"); n != 1 {
		t.Fatalf("a flow without rejections_to forwarded: %d messages to the rejections flow", n)
	}
	if !slices.Contains(h.sink("erp").keys(), "plain:2#row 1") || len(h.deadLetters()) != 2 {
		t.Fatalf("erp got %v, dead letters %v", h.sink("erp").keys(), reasons(h.deadLetters()))
	}
}
