package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/golang/glog.(*fileSink).flushDaemon"))
}

const basicFlow = `
sink "mem" "erp" {
  retry {
    max_attempts = 3
    backoff      = "1s"
  }
  breaker {
    failures = 0
  }
}

flow "orders" {
  schema = "order.schema.json"

  dedupe "seen" {
    key = "string(input.id)"
  }

  map "canonical" {
    fields = {
      id    = "string(input.id)"
      total = "money(input.total, 'USD')"
    }
  }

  validate "rules" {
    rule "positive" {
      condition = "canonical.total.amount > decimal('0')"
      message   = "The total must be positive."
      reason    = "TOTALS_MISMATCH"
    }
  }

  route "out" {
    default {
      to = [sink.erp]
    }
  }
}
`

// TestOneDocumentPerOrder: the same order sent several times at once, and
// again later, reaches the sink once; the same id with another body is a
// DUPLICATE_CONFLICT dead letter.
func TestOneDocumentPerOrder(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	h.start()
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.submit("orders", order(1, "10.00"))
		}()
	}
	wg.Wait()
	h.idle()
	h.submit("orders", order(1, "10.00"), order(1, "99.00"))
	h.idle()
	if got := h.sink("erp").keys(); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("delivered %v, want once", got)
	}
	if got := reasons(h.deadLetters()); !slices.Equal(got, []string{"DUPLICATE_CONFLICT"}) {
		t.Fatalf("dead letters %v", got)
	}
	counts := h.engine.Counts()["orders"]
	if counts[engine.OutcomeDelivered] != 1 || counts[engine.OutcomeDuplicate] != 5 {
		t.Fatalf("counts %v", counts)
	}
}

// TestDuplicateAfterEdit: an edit that makes the flow read one more field
// of its input changes what the dedupe step hashes; the same order sent
// again byte for byte is still a duplicate, not a conflict, and a changed
// order still is one.
func TestDuplicateAfterEdit(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	h.start()
	h.submit("orders", order(1, "10.00"))
	h.idle()
	writeFlows(t, h.dir, strings.Replace(basicFlow, `total = "money(input.total, 'USD')"`, `total = "money(input.total, 'USD')"
      skus  = "input.lines.map(l, l.sku)"`, 1))
	if _, err := h.engine.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.submit("orders", order(1, "10.00"))
	h.idle()
	if got := reasons(h.deadLetters()); len(got) != 0 {
		t.Fatalf("the same bytes after the edit: dead letters %v", got)
	}
	if c := h.engine.Counts()["orders"]; c[engine.OutcomeDuplicate] != 1 {
		t.Fatalf("counts %v", c)
	}
	h.submit("orders", order(1, "11.00"))
	h.idle()
	if got := reasons(h.deadLetters()); !slices.Equal(got, []string{"DUPLICATE_CONFLICT"}) {
		t.Fatalf("a changed order after the edit: dead letters %v", got)
	}
	if got := h.sink("erp").keys(); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("delivered %v", got)
	}
}

// TestProcessedLog: at info, each message is logged once with its flow,
// outcome and where it went; at warn, not at all (the line is not even
// built).
func TestProcessedLog(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn} {
		h := newHarness(t, basicFlow, connector.IdempotencyKey)
		var buf lockedBuffer
		h.opts.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level}))
		h.engine = engine.New(h.opts)
		h.start()
		h.submit("orders", order(1, "10.00"))
		h.idle()
		h.stop()
		var lines []string
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, "msg=processed") {
				lines = append(lines, l)
			}
		}
		switch {
		case level == slog.LevelWarn && len(lines) > 0:
			t.Errorf("at warn: %q", lines)
		case level == slog.LevelInfo && (len(lines) != 1 || !strings.Contains(lines[0], "flow=orders") ||
			!strings.Contains(lines[0], "outcome=delivered") || !strings.Contains(lines[0], `to="sink erp`) || !strings.Contains(lines[0], "key=1")):
			t.Errorf("at info: %q", lines)
		}
	}
}

// lockedBuffer is a buffer the engine's goroutines may log to.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBusinessDeadLetter: a rule failure and a bad amount are business
// dead letters with their reason, step and file position; nothing is sent.
func TestBusinessDeadLetter(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	h.start()
	h.submit("orders", order(2, "0.00"), order(3, "24,99"), `{"id": "x"}`)
	h.idle()
	dls := h.deadLetters()
	got := map[string]*store.DeadLetter{}
	for _, d := range dls {
		got[d.Reason] = d
	}
	for reason, step := range map[string]string{"TOTALS_MISMATCH": "rules.positive", "INVALID_MONEY": "canonical", "SCHEMA_MISMATCH": "decode"} {
		d := got[reason]
		if d == nil {
			t.Fatalf("no %s dead letter among %v", reason, reasons(dls))
		}
		if d.Class != "business" || d.Step != step {
			t.Errorf("%s: class %s step %s", reason, d.Class, d.Step)
		}
	}
	if r := got["INVALID_MONEY"].Range; !strings.HasSuffix(r, "main.hcl:22:21") {
		t.Errorf("range %q", r)
	}
	if n := len(h.sink("erp").keys()); n != 0 {
		t.Fatalf("delivered %d", n)
	}
}

// TestRetryAfterHonoured: a 429 with Retry-After 30 s is not retried a
// moment before; every delivery to the sink waits; after the time it is.
func TestRetryAfterHonoured(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	h.start()
	s := h.sink("erp")
	s.fail = func(n int, d *connector.Delivery) error {
		if n == 0 {
			return &connector.RetryableError{Err: fmt.Errorf("429 too many requests"), RetryAfter: 30 * time.Second, Status: 429}
		}
		return nil
	}
	start := h.clock.Now()
	h.submit("orders", order(5, "1.00"))
	eventually(t, "the first call", func() bool { return len(s.callTimes()) == 1 })
	h.retryScheduled("orders") // from the clock before it moves
	h.clock.Advance(29 * time.Second)
	// The scheduler looks again at least once a second.
	time.Sleep(1500 * time.Millisecond)
	if n := len(s.callTimes()); n != 1 {
		t.Fatalf("%d calls before the Retry-After time", n)
	}
	h.clock.Advance(time.Second)
	eventually(t, "the retry", func() bool { return len(s.callTimes()) == 2 })
	if at := s.callTimes()[1]; at.Sub(start) < 30*time.Second {
		t.Fatalf("retried after %s", at.Sub(start))
	}
	h.idle()
	if got := s.keys(); !slices.Equal(got, []string{"5"}) {
		t.Fatalf("delivered %v", got)
	}
}

// TestMaxAttempts: a sink that keeps failing ends in a technical dead
// letter after the policy's attempts, with the attempt history.
func TestMaxAttempts(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	h.start()
	s := h.sink("erp")
	s.fail = func(int, *connector.Delivery) error { return &connector.RetryableError{Err: errTest, Status: 503} }
	h.submit("orders", order(6, "1.00"))
	for i := 0; i < 3; i++ {
		eventually(t, "an attempt", func() bool { return len(s.callTimes()) == i+1 })
		if i == 2 {
			break // the last: no retry
		}
		// Advanced before the attempt's retry is scheduled, the clock
		// would put the retry a minute later than the next advance.
		h.retryScheduled("orders")
		h.clock.Advance(time.Minute)
	}
	eventually(t, "the dead letter", func() bool { return len(h.deadLetters()) == 1 })
	d := h.deadLetters()[0]
	if d.Reason != "MAX_ATTEMPTS_EXCEEDED" || d.Class != "technical" || len(d.Envelope.Attempts) != 3 {
		t.Fatalf("dead letter %s %s with %d attempts", d.Reason, d.Class, len(d.Envelope.Attempts))
	}
}

// TestPermanentRejection: a 4xx is a dead letter at once, without retries.
func TestPermanentRejection(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	h.start()
	s := h.sink("erp")
	s.fail = func(int, *connector.Delivery) error {
		return &connector.PermanentError{Err: fmt.Errorf("400 customer unknown"), Reason: "REJECTED_BY_TARGET", Status: 400}
	}
	h.submit("orders", order(7, "1.00"))
	h.idle()
	if got := reasons(h.deadLetters()); !slices.Equal(got, []string{"REJECTED_BY_TARGET"}) || len(s.callTimes()) != 1 {
		t.Fatalf("dead letters %v after %d calls", got, len(s.callTimes()))
	}
	// The rejection left no intent: a replay delivers.
	s.fail = nil
	if _, err := h.engine.Replay(context.Background(), h.deadLetters()[0].ID, engine.ReplayOptions{Who: "test", Why: "customer created"}); err != nil {
		t.Fatal(err)
	}
	h.idle()
	if got := s.keys(); !slices.Equal(got, []string{"7"}) {
		t.Fatalf("delivered %v", got)
	}
	audit, _ := h.store.Audit().List(context.Background(), 0)
	if len(audit) != 1 || audit[0].Action != "replay" || audit[0].Why != "customer created" {
		t.Fatalf("audit %+v", audit)
	}
}

// seedIntent leaves a ledger intent as a crash between call and record
// would.
func seedIntent(t *testing.T, st store.Store, sink, key string) {
	t.Helper()
	val, _ := json.Marshal(map[string]any{"state": "intent", "hash": "x", "message": "m_crashed", "owner": "dead-process", "at": time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)})
	res, err := st.Keys().Apply(context.Background(), store.Op{Kind: store.OpCAS, Key: "ledger/" + sink + "/" + key, Value: val})
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
}

// TestLedgerRecovery: after a crash between the call and the record, the
// sink's idempotency strategy decides.
func TestLedgerRecovery(t *testing.T) {
	t.Run("idempotency key: call again", func(t *testing.T) {
		h := newHarness(t, basicFlow, connector.IdempotencyKey)
		seedIntent(t, h.store, "erp", "8")
		h.start()
		h.submit("orders", order(8, "1.00"))
		h.idle()
		if got := h.sink("erp").keys(); !slices.Equal(got, []string{"8"}) {
			t.Fatalf("delivered %v", got)
		}
	})
	t.Run("find: the document exists", func(t *testing.T) {
		h := newHarness(t, basicFlow, connector.IdempotencyFind)
		seedIntent(t, h.store, "erp", "9")
		h.start()
		h.sink("erp").found["9"] = true
		h.submit("orders", order(9, "1.00"))
		h.idle()
		if n := len(h.sink("erp").callTimes()); n != 0 || len(h.deadLetters()) != 0 {
			t.Fatalf("%d calls, dead letters %v", n, reasons(h.deadLetters()))
		}
		e, err := h.store.Keys().Get(context.Background(), "ledger/erp/9")
		if err != nil || !strings.Contains(string(e.Value), `"done"`) || !strings.Contains(string(e.Value), "found-9") {
			t.Fatalf("ledger %s %v", e.Value, err)
		}
	})
	t.Run("find: not there, create", func(t *testing.T) {
		h := newHarness(t, basicFlow, connector.IdempotencyFind)
		seedIntent(t, h.store, "erp", "10")
		h.start()
		h.submit("orders", order(10, "1.00"))
		h.idle()
		if got := h.sink("erp").keys(); !slices.Equal(got, []string{"10"}) {
			t.Fatalf("delivered %v", got)
		}
	})
	t.Run("none: in doubt", func(t *testing.T) {
		h := newHarness(t, basicFlow, connector.IdempotencyNone)
		seedIntent(t, h.store, "erp", "11")
		h.start()
		h.submit("orders", order(11, "1.00"))
		h.idle()
		if n := len(h.sink("erp").callTimes()); n != 0 {
			t.Fatalf("%d calls: a second document may exist", n)
		}
		if got := reasons(h.deadLetters()); !slices.Equal(got, []string{"IN_DOUBT"}) {
			t.Fatalf("dead letters %v", got)
		}
		// The operator checked the target: the document is not there. The
		// replay sends it.
		if _, err := h.engine.Replay(context.Background(), h.deadLetters()[0].ID, engine.ReplayOptions{Who: "test", Why: "not in the ERP"}); err != nil {
			t.Fatal(err)
		}
		h.idle()
		if got := h.sink("erp").keys(); !slices.Equal(got, []string{"11"}) || len(h.deadLetters()) != 0 {
			t.Fatalf("after the replay: delivered %v, dead letters %v", got, reasons(h.deadLetters()))
		}
	})
}

// TestConcurrentCopiesDeliverOnce: copies of one order arriving together
// (a webhook sent many times) reach the ledger at the same moment, since
// dedupe marks a key when its message completes; one is delivered, the
// others find it done. None may mistake a sibling's intent for a crash
// leftover (IN_DOUBT on a target without idempotency).
func TestConcurrentCopiesDeliverOnce(t *testing.T) {
	for round := 0; round < 10; round++ {
		h := newHarnessWith(t, basicFlow, connector.IdempotencyNone, func(s store.Store) store.Store { return slowLedgerReads{s} })
		h.start()
		copies := make([]string, 40)
		for i := range copies {
			copies[i] = order(round, "1.00")
		}
		h.submit("orders", copies...)
		h.idle()
		if n := len(h.sink("erp").callTimes()); n != 1 || len(h.deadLetters()) != 0 {
			t.Fatalf("round %d: %d calls, dead letters %v", round, n, reasons(h.deadLetters()))
		}
		h.stop()
	}
}

// slowLedgerReads returns ledger entries a moment after reading them, as
// a busy machine might: what a worker read may be stale by the time it
// acts on it.
type slowLedgerReads struct{ store.Store }

func (s slowLedgerReads) Keys() store.KeyStore { return slowLedgerKeys{s.Store.Keys()} }

type slowLedgerKeys struct{ store.KeyStore }

func (k slowLedgerKeys) Get(ctx context.Context, key string) (store.Entry, error) {
	e, err := k.KeyStore.Get(ctx, key)
	if strings.HasPrefix(key, "ledger/") {
		time.Sleep(2 * time.Millisecond)
	}
	return e, err
}

const partsFlow = `
sink "mem" "shop" {
  retry {
    max_attempts = 5
    backoff      = "1s"
  }
  breaker {
    failures = 0
  }
}
sink "mem" "books" {}

flow "levels" {
  schema = "order.schema.json"

  dedupe "seen" {
    key = "string(input.id)"
  }

  split "line" {
    items = "input.lines"
    key   = "line.sku"
  }

  route "out" {
    mode = "all"
    case "both" {
      when = "true"
      to   = [sink.shop, sink.books]
    }
  }
}
`

// TestRetryDoesNotHoldBackSiblings: one part of a split, and one target of
// a route, that must wait for a retry do not stop the others: they are
// delivered in the first attempt, and the retry delivers only what was
// missing.
func TestRetryDoesNotHoldBackSiblings(t *testing.T) {
	h := newHarness(t, partsFlow, connector.IdempotencyKey)
	h.start()
	var mu sync.Mutex
	var calls []string
	logCall := func(sink string, d *connector.Delivery) string {
		mu.Lock()
		defer mu.Unlock()
		call := sink + ":" + d.Key[strings.LastIndex(d.Key, "=")+1:]
		calls = append(calls, call)
		return call
	}
	failed := false
	h.sink("shop").fail = func(n int, d *connector.Delivery) error {
		if logCall("shop", d) == "shop:A" && !failed {
			failed = true
			return &connector.RetryableError{Err: errTest, Status: 503}
		}
		return nil
	}
	h.sink("books").fail = func(n int, d *connector.Delivery) error {
		logCall("books", d)
		return nil
	}
	h.submit("levels", `{"id": 1, "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}`)
	for i := 0; i < 3 && len(h.sink("shop").keys()) < 2; i++ {
		h.clock.Advance(time.Minute)
		time.Sleep(1500 * time.Millisecond)
	}
	h.idle()
	mu.Lock()
	defer mu.Unlock()
	// The first attempt: shop refuses A, books still gets A, then B goes
	// to both; the retry sends A to shop alone (books has it).
	want := []string{"shop:A", "books:A", "shop:B", "books:B", "shop:A"}
	if !slices.Equal(calls, want) || len(h.deadLetters()) != 0 {
		t.Fatalf("calls %v, want %v; dead letters %v", calls, want, reasons(h.deadLetters()))
	}
	// Counted once, when the message is done: two parts delivered, no
	// duplicate (B's deliveries on the retry were skipped, not resent).
	if c := h.engine.Counts()["levels"]; c[engine.OutcomeDelivered] != 2 || c[engine.OutcomeDuplicate] != 0 || c[engine.OutcomeRetry] != 0 {
		t.Fatalf("counts %v", c)
	}
}

// TestReplayOfOnePart: a part of a split that was dead-lettered (the
// target refused it) is delivered when the dead letter is replayed, though
// its siblings completed the message and marked its dedupe key; the
// siblings are not sent again.
func TestReplayOfOnePart(t *testing.T) {
	h := newHarness(t, partsFlow, connector.IdempotencyKey)
	h.start()
	var refused atomic.Bool
	h.sink("shop").fail = func(n int, d *connector.Delivery) error {
		if strings.HasSuffix(d.Key, "line=A") && refused.CompareAndSwap(false, true) {
			return &connector.PermanentError{Err: errTest, Reason: "REJECTED_BY_TARGET", Status: 400}
		}
		return nil
	}
	h.submit("levels", `{"id": 7, "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}`)
	h.idle()
	dls := h.deadLetters()
	if len(dls) != 1 || dls[0].Reason != "REJECTED_BY_TARGET" {
		t.Fatalf("dead letters %v", reasons(dls))
	}
	if _, err := h.engine.Replay(context.Background(), dls[0].ID, engine.ReplayOptions{Who: "test", Why: "item created in the shop"}); err != nil {
		t.Fatal(err)
	}
	h.idle()
	shop := h.sink("shop").keys()
	slices.Sort(shop)
	books := h.sink("books").keys()
	if len(shop) != 2 || !strings.HasSuffix(shop[0], "line=A") || len(books) != 2 || len(h.deadLetters()) != 0 {
		t.Fatalf("shop %v, books %v, dead letters %v", shop, books, reasons(h.deadLetters()))
	}
}

const aggRetryFlow = `
sink "mem" "check" {
  retry {
    max_attempts = 5
    backoff      = "1s"
  }
  breaker {
    failures = 0
  }
}
sink "mem" "lines" {}

flow "orders" {
  schema = "order.schema.json"

  split "line" {
    items = "input.lines"
    key   = "line.sku"
  }

  call "checked" {
    sink = sink.check
    body = "line"
  }

  aggregate "batch" {
    key       = "'all'"
    item      = "{'sku': line.sku}"
    max_items = 2
    max_wait  = "1h"
  }

  deliver "send" {
    sink = sink.lines
    key  = "batch.key"
  }
}
`

// TestAggregateRetryAddsOnce: the parts of a message that were aggregated
// before a sibling failed are not aggregated again when the message is
// retried, even though their batch closed and went out in between.
func TestAggregateRetryAddsOnce(t *testing.T) {
	h := newHarness(t, aggRetryFlow, connector.IdempotencyKey)
	h.start()
	var failed atomic.Bool
	h.sink("check").fail = func(n int, d *connector.Delivery) error {
		if strings.HasSuffix(d.Key, "line=C") && failed.CompareAndSwap(false, true) {
			return &connector.RetryableError{Err: errTest, Status: 503}
		}
		return nil
	}
	h.submit("orders", `{"id": 1, "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 1}, {"sku": "C", "qty": 1}]}`)
	eventually(t, "the failed check", failed.Load)
	eventually(t, "the first batch", func() bool { return len(h.sink("lines").keys()) == 1 })
	h.clock.Advance(time.Minute)
	time.Sleep(1500 * time.Millisecond)
	h.idle()
	lines := h.sink("lines")
	var skus []string
	for _, d := range lines.delivered {
		for _, it := range d.Body.(map[string]any)["items"].([]any) {
			skus = append(skus, it.(map[string]any)["sku"].(string))
		}
	}
	if !slices.Equal(skus, []string{"A", "B"}) {
		t.Fatalf("batches hold %v (keys %v): an item aggregated twice", skus, lines.keys())
	}
	// C waits in the open batch for its max_wait.
	h.clock.Advance(2 * time.Hour)
	if err := h.engine.FlushBatches(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the last batch", func() bool { return len(lines.keys()) == 2 })
	h.idle()
	if got := lines.keys(); len(got) != 2 || len(h.deadLetters()) != 0 {
		t.Fatalf("batches %v, dead letters %v", got, reasons(h.deadLetters()))
	}
}

const aggCrashFlow = `
sink "mem" "lines" {}

flow "orders" {
  schema = "order.schema.json"

  aggregate "batch" {
    key       = "'all'"
    item      = "{'id': input.id}"
    max_items = 2
    max_wait  = "1h"
  }

  deliver "send" {
    sink = sink.lines
    key  = "batch.key"
  }
}
`

// TestAggregateCrashBeforeMemberMark: a message whose item went into a
// batch but whose member mark was never written (the process died in
// between) is retried only after that batch closed and went out. The item
// is not aggregated again: closing a batch marks its members first.
func TestAggregateCrashBeforeMemberMark(t *testing.T) {
	var crashed atomic.Bool
	h := newHarnessWith(t, aggCrashFlow, connector.IdempotencyKey, func(s store.Store) store.Store {
		return markFailure{Store: s, fail: func(key string) bool {
			return strings.HasPrefix(key, "aggmember/") && crashed.CompareAndSwap(false, true)
		}}
	})
	h.start()
	h.submit("orders", `{"id": 1, "lines": []}`)
	eventually(t, "the lost mark", crashed.Load)
	h.submit("orders", `{"id": 2, "lines": []}`)
	lines := h.sink("lines")
	eventually(t, "the full batch", func() bool { return len(lines.keys()) == 1 })
	// The first message's retry comes after the batch went out.
	h.clock.Advance(time.Minute)
	time.Sleep(1500 * time.Millisecond)
	h.idle()
	h.clock.Advance(2 * time.Hour)
	if err := h.engine.FlushBatches(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.idle()
	var ids []string
	for _, d := range lines.delivered {
		for _, it := range d.Body.(map[string]any)["items"].([]any) {
			ids = append(ids, fmt.Sprint(it.(map[string]any)["id"]))
		}
	}
	if !slices.Equal(ids, []string{"1", "2"}) || len(h.deadLetters()) != 0 {
		t.Fatalf("batches hold %v (keys %v), dead letters %v: an item aggregated twice", ids, lines.keys(), reasons(h.deadLetters()))
	}
}

// markFailure fails the first Apply that writes a key fail picks, as a
// crash right before that write would leave the store.
type markFailure struct {
	store.Store
	fail func(key string) bool
}

func (s markFailure) Keys() store.KeyStore { return markFailureKeys{s.Store.Keys(), s.fail} }

type markFailureKeys struct {
	store.KeyStore
	fail func(key string) bool
}

func (k markFailureKeys) Apply(ctx context.Context, ops ...store.Op) ([]store.Result, error) {
	for _, op := range ops {
		if op.Kind == store.OpPut && k.fail(op.Key) {
			return nil, errors.New("the process died")
		}
	}
	return k.KeyStore.Apply(ctx, ops...)
}

const updateRefsFlow = `
sink "mem" "erp" {}

flow "orders" {
  schema = "order.schema.json"

  dedupe "order" {
    key       = "string(input.id)"
    on_change = "update"
  }

  deliver "send" {
    sink = sink.erp
    key  = "order.key"
    body = "{'total': input.total, 'update': order.update, 'erp_id': order.refs.?erp.orValue('')}"
  }
}
`

// TestUpdateNamesTheDelivered: a changed version of a key the flow lets
// through as an update sees what its earlier version was delivered as
// (the ref the sink's target gave it), by sink, and so can name the
// document it changes; a third version still sees it.
func TestUpdateNamesTheDelivered(t *testing.T) {
	h := newHarness(t, updateRefsFlow, connector.IdempotencyKey)
	h.start()
	erp := sendVersions(h, nil)
	var got []string
	for _, d := range erp.delivered {
		b := d.Body.(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v", b["total"], b["update"], b["erp_id"]))
	}
	want := []string{"1.00 false ", "2.00 true doc-7", "3.00 true doc-7"}
	if !slices.Equal(got, want) || len(h.deadLetters()) != 0 {
		t.Fatalf("deliveries %q, want %q; dead letters %v", got, want, reasons(h.deadLetters()))
	}
}

// TestUpdateAnsweredWithoutRef: a target that answers an update with no
// id (204 No Content) still holds the document its first version made: the
// ledger keeps that ref, so the next update names it too.
func TestUpdateAnsweredWithoutRef(t *testing.T) {
	h := newHarness(t, updateRefsFlow, connector.IdempotencyKey)
	h.start()
	erp := sendVersions(h, func(erp *memSink) { erp.updateNoRef = true })
	erp.mu.Lock()
	defer erp.mu.Unlock()
	var got []string
	for _, d := range erp.delivered {
		got = append(got, fmt.Sprintf("%q %v %q", d.Body.(map[string]any)["erp_id"], d.Replacing, d.PreviousRef))
	}
	want := []string{`"" false ""`, `"doc-7" true "doc-7"`, `"doc-7" true "doc-7"`}
	if !slices.Equal(got, want) || len(h.deadLetters()) != 0 {
		t.Fatalf("deliveries %q, want %q; dead letters %v", got, want, reasons(h.deadLetters()))
	}
}

// sendVersions sends three versions of order 7 (totals 1.00, 2.00, 3.00)
// through updateRefsFlow, one at a time, after setup has prepared the erp
// sink, and returns the sink.
func sendVersions(h *harness, setup func(*memSink)) *memSink {
	erp := h.sink("erp")
	if setup != nil {
		erp.mu.Lock()
		setup(erp)
		erp.mu.Unlock()
	}
	for _, total := range []string{"1.00", "2.00", "3.00"} {
		h.submit("orders", order(7, total))
		h.idle()
	}
	return erp
}

const plainFlow = `
sink "mem" "erp" {}

flow "orders" {
  schema = "order.schema.json"

  route "out" {
    default {
      to = [sink.erp]
    }
  }
}
`

// TestSourceMessageIDs: a message its source can name again (a line of a
// file read again after a crash) is the same message: its deliveries are
// not made twice, even by a flow without dedupe. Messages without a name
// are distinct.
func TestSourceMessageIDs(t *testing.T) {
	h := newHarness(t, plainFlow, connector.IdempotencyNone)
	h.start()
	ing := h.engine.IngressFor("orders")
	line := connector.Message{Body: []byte(order(1, "1.00")), Origin: "file in/orders.jsonl:1", ID: "orders.jsonl@0a1b2c:1"}
	for range 2 {
		if err := ing.Submit(context.Background(), line); err != nil {
			t.Fatal(err)
		}
		h.idle()
	}
	if err := ing.Submit(context.Background(), connector.Message{Body: []byte(order(1, "1.00")), Origin: "test"}); err != nil {
		t.Fatal(err)
	}
	h.idle()
	if n := len(h.sink("erp").callTimes()); n != 2 || len(h.deadLetters()) != 0 {
		t.Fatalf("%d calls (want the named line once and the unnamed message once), dead letters %v", n, reasons(h.deadLetters()))
	}
	if c := h.engine.Counts()["orders"]; c[engine.OutcomeDelivered] != 2 || c[engine.OutcomeDuplicate] != 1 {
		t.Fatalf("counts %v", c)
	}
}

const fanoutFlow = `
sink "mem" "erp" {}
sink "mem" "lines" {}

flow "orders" {
  schema = "order.schema.json"

  dedupe "seen" {
    key = "string(input.id)"
  }

  route "out" {
    mode = "all"
    case "erp" {
      when = "true"
      to   = [sink.erp, flow.order_lines]
    }
  }
}

flow "order_lines" {
  schema = "order.schema.json"

  split "line" {
    items = "input.lines"
    key   = "line.sku"
  }

  aggregate "batch" {
    key       = "'all'"
    item      = "{'sku': line.sku, 'qty': line.qty}"
    max_items = 3
    max_wait  = "1m"
  }

  deliver "send" {
    sink = sink.lines
    key  = "batch.key"
  }
}
`

// TestRouteSplitAggregate: a route to another flow enqueues once; split
// fans a document out; aggregate closes batches by count and by time.
func TestRouteSplitAggregate(t *testing.T) {
	h := newHarness(t, fanoutFlow, connector.IdempotencyKey)
	h.start()
	h.submit("orders",
		`{"id": 1, "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}`,
		`{"id": 2, "lines": [{"sku": "C", "qty": 3}]}`,
		`{"id": 3, "lines": [{"sku": "D", "qty": 4}]}`,
	)
	h.idle()
	erp := h.sink("erp").keys()
	slices.Sort(erp)
	if !slices.Equal(erp, []string{"1", "2", "3"}) {
		t.Fatalf("erp got %v", erp)
	}
	lines := h.sink("lines")
	if got := lines.keys(); len(got) != 1 || got[0] != "all#1" {
		t.Fatalf("a full batch of 3 should have gone out, got %v", got)
	}
	if n := len(lines.delivered[0].Body.(map[string]any)["items"].([]any)); n != 3 {
		t.Fatalf("batch of %d", n)
	}
	// The fourth item waits for max_wait.
	h.clock.Advance(2 * time.Minute)
	if err := h.engine.FlushBatches(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.idle()
	if got := lines.keys(); !slices.Equal(got, []string{"all#1", "all#2"}) {
		_ = h.store.Keys().Scan(context.Background(), "", func(e store.Entry) bool {
			t.Logf("%s = %s", e.Key, e.Value)
			return true
		})
		t.Logf("dead letters %v, counts %v", reasons(h.deadLetters()), h.engine.Counts())
		t.Fatalf("got %v", got)
	}
}

// TestReloadKeepsRunningVersion: an edit that does not compile is
// reported and the running version stays; a good edit swaps in.
func TestReloadKeepsRunningVersion(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	h.start()
	v1 := h.engine.Current().ID
	writeFlows(t, h.dir, strings.Replace(basicFlow, "input.id", "input.idd", 1))
	if _, err := h.engine.Reload(context.Background()); err == nil {
		t.Fatal("a broken edit reloaded")
	}
	if h.engine.Current().ID != v1 || h.engine.LastReload().OK || len(h.engine.LastReload().Diagnostics) == 0 {
		t.Fatal("the running version changed or no diagnostics")
	}
	h.submit("orders", order(20, "1.00"))
	h.idle()
	writeFlows(t, h.dir, strings.Replace(basicFlow, "'USD'", "'EUR'", 1))
	if _, err := h.engine.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h.engine.Current().ID == v1 {
		t.Fatal("not swapped")
	}
	h.submit("orders", order(21, "1.00"))
	h.idle()
	if got := h.sink("erp").keys(); !slices.Equal(got, []string{"20", "21"}) {
		t.Fatalf("delivered %v", got)
	}
}

// TestBackpressure: a full inbox refuses with a Retry-After.
func TestBackpressure(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	ing := h.engine.IngressFor("orders")
	var err error
	for i := 0; i < 1001 && err == nil; i++ {
		err = ing.Submit(context.Background(), connector.Message{Body: []byte(order(i, "1.00"))})
	}
	if connector.RetryAfterOf(err) <= 0 {
		t.Fatalf("got %v", err)
	}
}

// TestConcurrencyCaps: a flow runs at most its concurrency of messages at
// once, and a cap smaller than the scheduler's claims (which wait for a
// few free slots at a time) still gets all its messages through.
func TestConcurrencyCaps(t *testing.T) {
	for _, c := range []int{1, 3, 24} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			flow := strings.Replace(basicFlow, `schema = "order.schema.json"`, fmt.Sprintf("schema = \"order.schema.json\"\n  concurrency = %d", c), 1)
			flow = strings.Replace(flow, `sink "mem" "erp" {`, `sink "mem" "erp" {
  concurrency = 64`, 1)
			h := newHarness(t, flow, connector.IdempotencyKey)
			h.opts.Workers = 64
			h.engine = engine.New(h.opts)
			h.sinks["erp"] = &memSink{clock: h.clock, found: map[string]bool{}, hold: 5 * time.Millisecond}
			h.start()
			for i := range 60 {
				h.submit("orders", order(i, "1.00"))
			}
			h.idle()
			if got := len(h.sink("erp").keys()); got != 60 {
				t.Fatalf("delivered %d of 60", got)
			}
			if most := int(h.sink("erp").mostRunning.Load()); most > c || c > 1 && most < 2 {
				t.Fatalf("at most %d ran at once with concurrency %d", most, c)
			}
		})
	}
}

// countClaims counts the inbox's claims and the messages they hand out.
type countClaims struct {
	store.Store
	claims, claimed atomic.Int64
}

func (s *countClaims) Inbox() store.Inbox { return claimCounter{s.Store.Inbox(), s} }

type claimCounter struct {
	store.Inbox
	s *countClaims
}

func (i claimCounter) Claim(ctx context.Context, flow string, max int) ([]*store.Envelope, error) {
	envs, err := i.Inbox.Claim(ctx, flow, max)
	if len(envs) > 0 {
		i.s.claims.Add(1)
		i.s.claimed.Add(int64(len(envs)))
	}
	return envs, err
}

// TestClaimsUnderBacklog: with a backlog, finished messages are replaced
// several at a time (a flow of concurrency 64 waits for 8 free slots), not
// one claim per finished message.
func TestClaimsUnderBacklog(t *testing.T) {
	flow := strings.Replace(basicFlow, `schema = "order.schema.json"`, "schema = \"order.schema.json\"\n  concurrency = 64", 1)
	flow = strings.Replace(flow, `sink "mem" "erp" {`, `sink "mem" "erp" {
  concurrency = 64`, 1)
	counter := &countClaims{}
	h := newHarnessWith(t, flow, connector.IdempotencyKey, func(s store.Store) store.Store {
		counter.Store = s
		return counter
	})
	h.opts.Workers = 64
	h.engine = engine.New(h.opts)
	h.sinks["erp"] = &memSink{clock: h.clock, found: map[string]bool{}, hold: 20 * time.Millisecond}
	for i := range 400 {
		h.submit("orders", order(i, "1.00"))
	}
	h.start()
	h.idle()
	if got := len(h.sink("erp").keys()); got != 400 {
		t.Fatalf("delivered %d of 400", got)
	}
	claims, claimed := counter.claims.Load(), counter.claimed.Load()
	if claimed != 400 || claims > 400/4 {
		t.Fatalf("%d claims handed out %d messages; want them several at a time", claims, claimed)
	}
	if most := h.sink("erp").mostRunning.Load(); most < 32 {
		t.Fatalf("at most %d messages ran at once; want most of the 64 under a backlog", most)
	}
}

const pagesFlow = `
sink "mem" "erp" {}

flow "pages" {
  schema = "order.schema.json"

  split "line" {
    items = "input.lines"
    key   = "line.sku"
  }

  dedupe "seen" {
    key = "line.sku"
  }

  deliver "send" {
    sink = sink.erp
    key  = "line.sku"
  }
}
`

// TestSplitElementsAreDocuments: after a split each element is a document
// of its own. Dedupe hashes the element, so the same order in two
// overlapping pages is a duplicate, not a conflict; and an element whose
// key fails dead-letters alone while its siblings go on.
func TestSplitElementsAreDocuments(t *testing.T) {
	h := newHarness(t, pagesFlow, connector.IdempotencyKey)
	h.start()
	h.submit("pages", `{"id": 1, "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}`)
	h.idle()
	h.submit("pages", `{"id": 2, "lines": [{"sku": "A", "qty": 1}, {"sku": "C", "qty": 3}]}`)
	h.idle()
	h.submit("pages", `{"id": 3, "lines": [{"sku": "D", "qty": 1}, {"qty": 5}, {"sku": "E", "qty": 2}]}`)
	h.idle()
	got := h.sink("erp").keys()
	slices.Sort(got)
	// Dedupe ran on each element: its key names the document, as is.
	if !slices.Equal(got, []string{"A", "B", "C", "D", "E"}) {
		t.Fatalf("delivered %v", got)
	}
	dls := h.deadLetters()
	if len(dls) != 1 || dls[0].Part != "line[1]" || dls[0].Step != "line" {
		for _, d := range dls {
			t.Logf("%s %s %s %s", d.Part, d.Step, d.Reason, d.Message)
		}
		t.Fatalf("want one dead letter for line[1], got %v", reasons(dls))
	}
	if n := h.engine.Counts()["pages"][engine.OutcomeDuplicate]; n != 1 {
		t.Fatalf("duplicates %d, want 1 (A in the second page)", n)
	}
}

const whenFlow = `
sink "mem" "credit" {}
sink "mem" "erp" {}

flow "orders" {
  schema = "order.schema.json"

  dedupe "seen" {
    key = "string(input.id)"
  }

  call "check" {
    sink = sink.credit
    body = "{'id': input.id}"
    when = "input.id > 10"
  }

  deliver "send" {
    sink = sink.erp
    body = "{'id': input.id, 'checked': has(check.id)}"
    when = "input.id != 99"
  }
}
`

// TestWhen: a call or deliver step whose when is false is skipped, the
// call answering {}; the flow goes on. A message delivered nowhere is
// filtered.
func TestWhen(t *testing.T) {
	h := newHarness(t, whenFlow, connector.IdempotencyKey)
	h.start()
	h.submit("orders", `{"id": 5}`, `{"id": 20}`, `{"id": 99}`)
	h.idle()
	calls := h.sink("credit").keys()
	slices.Sort(calls)
	if !slices.Equal(calls, []string{"20", "99"}) {
		t.Fatalf("calls %v, want 20 and 99 only", calls)
	}
	erp := h.sink("erp")
	got := map[string]any{}
	erp.mu.Lock()
	for _, d := range erp.delivered {
		got[d.Key] = d.Body.(map[string]any)["checked"]
	}
	erp.mu.Unlock()
	if len(got) != 2 || got["5"] != false || got["20"] != true {
		t.Fatalf("deliveries %v: want 5 (not checked) and 20 (checked), not 99", got)
	}
	// 99 went nowhere: filtered, like a message no route case takes.
	if c := h.engine.Counts()["orders"]; c[engine.OutcomeDelivered] != 2 || c[engine.OutcomeFiltered] != 1 {
		t.Fatalf("counts %v", c)
	}
}

// TestAcceptOnly: an engine started with AcceptOnly stores what it is
// given and processes none of it; the next start without it delivers it.
func TestAcceptOnly(t *testing.T) {
	h := newHarness(t, basicFlow, connector.IdempotencyKey)
	accept := h.opts
	accept.AcceptOnly = true
	h.engine = engine.New(accept)
	h.start()
	h.submit("orders", order(1, "10.00"), order(2, "20.00"))
	st := h.engine.Status(context.Background())
	if !st.AcceptOnly || st.Flows["orders"].Depth != 2 {
		t.Fatalf("status: accept_only %v, depth %d; want true, 2", st.AcceptOnly, st.Flows["orders"].Depth)
	}
	time.Sleep(200 * time.Millisecond) // what a running scheduler would need to take them
	if s := h.sinks["erp"]; s != nil && len(s.keys()) > 0 {
		t.Fatalf("delivered %v while accepting only", s.keys())
	}
	h.stop()

	h.engine = engine.New(h.opts)
	h.start()
	h.idle()
	if got := h.sink("erp").keys(); len(got) != 2 {
		t.Fatalf("delivered %v after the start without AcceptOnly, want 2 orders", got)
	}

	once := h.opts
	once.Once, once.AcceptOnly = true, true
	if _, err := engine.New(once).Start(context.Background()); err == nil || !strings.Contains(err.Error(), "exclude each other") {
		t.Fatalf("once with accept-only started: %v", err)
	}
}
