package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/memstore"
	"github.com/transload/transload/stdlib/codec"
	"github.com/transload/transload/stdlib/funcs"
)

// clock is a settable clock shared by the engine and the store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// memSink is a test sink: it records deliveries and fails as told.
type memSink struct {
	mu        sync.Mutex
	delivered []*connector.Delivery
	calls     []time.Time
	// fail returns the error for call n (0-based), or nil.
	fail  func(n int, d *connector.Delivery) error
	found map[string]bool
	clock *clock
	// updateNoRef answers an update without a ref, as some targets do.
	updateNoRef bool
	// hold makes each call take that long (real time); running and
	// mostRunning count the calls in progress.
	hold                 time.Duration
	running, mostRunning atomic.Int32
}

func (s *memSink) Deliver(ctx context.Context, d *connector.Delivery) (*connector.Response, error) {
	if s.hold > 0 {
		n := s.running.Add(1)
		defer s.running.Add(-1)
		for m := s.mostRunning.Load(); n > m && !s.mostRunning.CompareAndSwap(m, n); m = s.mostRunning.Load() {
		}
		time.Sleep(s.hold)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.calls)
	s.calls = append(s.calls, s.clock.Now())
	if s.fail != nil {
		if err := s.fail(n, d); err != nil {
			return nil, err
		}
	}
	s.delivered = append(s.delivered, d)
	if s.updateNoRef && d.Replacing {
		return &connector.Response{Status: 204}, nil
	}
	return &connector.Response{Status: 200, Ref: "doc-" + d.Key, Body: map[string]any{"id": "doc-" + d.Key}}, nil
}

func (s *memSink) Find(ctx context.Context, d *connector.Delivery) (bool, *connector.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.found[d.Key], &connector.Response{Ref: "found-" + d.Key}, nil
}

func (s *memSink) Close(context.Context) error { return nil }

func (s *memSink) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, d := range s.delivered {
		out = append(out, d.Key)
	}
	return out
}

func (s *memSink) callTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.calls...)
}

type harness struct {
	t      *testing.T
	dir    string
	clock  *clock
	store  store.Store
	sinks  map[string]*memSink
	engine *engine.Engine
	// opts built engine; a test may build another on the same store.
	opts engine.Options
}

const orderSchema = `{"type":"object","required":["id"],"properties":{
  "id":{"type":"integer"},"total":{"type":"string"},"lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}}}}`

// newHarness writes flows and builds an engine with memory sinks (sink
// type "mem", whose idempotency each test may choose) and a memory store.
func newHarness(t *testing.T, flows string, idem connector.Idempotency) *harness {
	t.Helper()
	return newHarnessWith(t, flows, idem, nil)
}

// newHarnessWith is newHarness with the engine's view of the store
// wrapped, to widen a race window or inject a store failure.
func newHarnessWith(t *testing.T, flows string, idem connector.Idempotency, wrap func(store.Store) store.Store) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), clock: newClock(), sinks: map[string]*memSink{}}
	if err := os.WriteFile(filepath.Join(h.dir, "main.hcl"), []byte(flows), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, "order.schema.json"), []byte(orderSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	h.store = memstore.New(memstore.Options{Now: h.clock.Now, InboxCapacity: 1000})
	reg := connector.NewRegistry()
	var mu sync.Mutex
	if err := reg.AddSink(connector.SinkFactory{
		Type: "mem", Spec: &dsl.ConfigSpec{},
		Idempotency: idem,
		New: func(p connector.SinkParams) (connector.Sink, error) {
			mu.Lock()
			defer mu.Unlock()
			s := h.sinks[p.Name]
			if s == nil {
				s = &memSink{clock: h.clock, found: map[string]bool{}}
				h.sinks[p.Name] = s
			}
			return s, nil
		},
	}); err != nil {
		t.Fatal(err)
	}
	var st store.Store = h.store
	if wrap != nil {
		st = wrap(st)
	}
	opts := dsl.Options{Registry: funcs.Registry(), Connectors: reg, Formats: []string{"json", "csv"}}
	h.opts = engine.Options{
		FlowsDir: h.dir, DataDir: t.TempDir(),
		Load:       func(dir string) (*dsl.Config, hcl.Diagnostics) { return dsl.Load(dir, opts) },
		LoadFS:     func(fsys engine.FS) (*dsl.Config, hcl.Diagnostics) { return dsl.LoadFS(fsys, h.dir, opts) },
		Connectors: reg, Codecs: codec.Codecs(), Store: st, Now: h.clock.Now, Workers: 16,
	}
	h.engine = engine.New(h.opts)
	return h
}

func (h *harness) start() {
	h.t.Helper()
	diags, err := h.engine.Start(context.Background())
	if err != nil {
		var msgs []string
		for _, d := range diags {
			msgs = append(msgs, d.Error())
		}
		h.t.Fatalf("start: %v\n%s", err, strings.Join(msgs, "\n"))
	}
	h.t.Cleanup(func() { h.stop() })
}

func (h *harness) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = h.engine.Stop(ctx)
}

func (h *harness) sink(name string) *memSink {
	h.t.Helper()
	for i := 0; i < 100; i++ {
		if s := h.sinks[name]; s != nil {
			return s
		}
		time.Sleep(time.Millisecond)
	}
	h.t.Fatalf("no sink %s", name)
	return nil
}

// submit puts messages into a flow's inbox through the engine's ingress,
// as a source would.
func (h *harness) submit(flow string, bodies ...string) {
	h.t.Helper()
	ing := h.engine.IngressFor(flow)
	for _, b := range bodies {
		if err := ing.Submit(context.Background(), connector.Message{Body: []byte(b), Origin: "test"}); err != nil {
			h.t.Fatalf("submit: %v", err)
		}
	}
}

// idle waits until no message of any flow is ready or running.
func (h *harness) idle() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.engine.WaitIdle(ctx); err != nil {
		h.t.Fatalf("not idle: %v", err)
	}
}

// retryScheduled waits until flow's messages are all waiting for a retry
// (none ready or claimed): the retry's time was taken from the clock.
func (h *harness) retryScheduled(flow string) {
	h.t.Helper()
	eventually(h.t, "the retry's schedule", func() bool {
		st, err := h.store.Inbox().Stats(context.Background(), flow)
		return err == nil && st.Ready == 0 && st.Claimed == 0 && !st.NextReady.IsZero()
	})
}

func (h *harness) deadLetters() []*store.DeadLetter {
	h.t.Helper()
	list, err := h.store.DeadLetters().List(context.Background(), store.DeadLetterFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return list
}

func reasons(dls []*store.DeadLetter) []string {
	var out []string
	for _, d := range dls {
		out = append(out, d.Reason)
	}
	return out
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

var errTest = errors.New("test failure")

func order(id int, total string) string {
	return fmt.Sprintf(`{"id": %d, "total": %q, "lines": [{"sku": "A", "qty": 2}]}`, id, total)
}

var _ = cty.NilVal

func writeFlows(t *testing.T, dir, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}
