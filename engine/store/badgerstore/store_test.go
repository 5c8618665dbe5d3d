package badgerstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
	"github.com/transload/transload/engine/store/storetest"
)

func TestMain(m *testing.M) {
	if helperMain() {
		return
	}
	goleak.VerifyTestMain(m)
}

var ctx = context.Background()

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func open(t testing.TB, dir string, opts badgerstore.Options) *badgerstore.Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	s, err := badgerstore.Open(dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, t.TempDir(), badgerstore.Options{InboxCapacity: storetest.Capacity, GCInterval: -1})
	})
}

func TestConformanceReopen(t *testing.T) {
	storetest.RunReopen(t, func(t *testing.T, dir string) store.Store {
		return open(t, dir, badgerstore.Options{InboxCapacity: storetest.Capacity, GCInterval: -1})
	})
}

func TestOpenTwiceFails(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, badgerstore.Options{})
	s2, err := badgerstore.Open(dir, badgerstore.Options{Logger: quietLogger()})
	if err == nil {
		s2.Close()
		t.Fatal("second Open of the same directory succeeded")
	}
	if !errors.Is(err, badgerstore.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	for _, want := range []string{"in use by", "admin API"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestReopenAfterClose(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, badgerstore.Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, badgerstore.Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func env(flow, id string, body []byte) *store.Envelope {
	return &store.Envelope{ID: id, Flow: flow, Version: "v1", Body: body, CorrelationID: id, ReceivedAt: time.Now()}
}

func TestLeaseLapses(t *testing.T) {
	s := open(t, t.TempDir(), badgerstore.Options{LeaseTimeout: 200 * time.Millisecond})
	in := s.Inbox()
	if err := in.Append(ctx, env("a", "m1", nil), env("a", "m2", nil)); err != nil {
		t.Fatal(err)
	}
	es, err := in.Claim(ctx, "a", 1)
	if err != nil || len(es) != 1 || es[0].ID != "m1" {
		t.Fatalf("Claim = %v, %v", es, err)
	}
	if es, _ := in.Claim(ctx, "a", 1); len(es) != 1 || es[0].ID != "m2" {
		t.Fatalf("second Claim = %v", es)
	}
	time.Sleep(300 * time.Millisecond)
	st, _ := in.Stats(ctx, "a")
	if st.Ready != 2 || st.Claimed != 0 {
		t.Fatalf("Stats after the leases lapsed = %+v", st)
	}
	es, _ = in.Claim(ctx, "a", 5)
	if len(es) != 2 || es[0].ID != "m1" || es[1].ID != "m2" {
		t.Fatalf("Claim after the leases lapsed = %v", es)
	}
	// The first holder's late ack still removes it.
	if err := in.Ack(ctx, "a", "m1", "m2"); err != nil {
		t.Fatal(err)
	}
	if st, _ := in.Stats(ctx, "a"); st.Depth != 0 {
		t.Fatalf("Depth after ack = %d", st.Depth)
	}
}

func TestTooLarge(t *testing.T) {
	s := open(t, t.TempDir(), badgerstore.Options{MaxValueSize: 1 << 20})
	err := s.Inbox().Append(ctx, env("a", "big", make([]byte, 1<<20+1)))
	if !errors.Is(err, badgerstore.ErrTooLarge) {
		t.Fatalf("Append of a body over MaxValueSize: %v", err)
	}
	if st, _ := s.Inbox().Stats(ctx, "a"); st.Depth != 0 {
		t.Fatalf("Depth = %d", st.Depth)
	}
}

func TestAppendSameIDConcurrently(t *testing.T) {
	// Many callers append the same id at once: one copy is stored, and
	// every caller returns only once it is durable (they all find it
	// claimable right after).
	s := open(t, t.TempDir(), badgerstore.Options{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if err := s.Inbox().Append(ctx, env("a", "same", []byte("x"))); err != nil {
				t.Error(err)
				return
			}
			if st, _ := s.Inbox().Stats(ctx, "a"); st.Depth != 1 {
				t.Errorf("Depth right after Append = %d, want 1", st.Depth)
			}
		})
	}
	wg.Wait()
	es, err := s.Inbox().Claim(ctx, "a", 10)
	if err != nil || len(es) != 1 {
		t.Fatalf("Claim = %d messages, %v", len(es), err)
	}
}

// Large bodies go to Badger's value log, across several files; they must
// come back whole, also after a restart.
func TestLargeBodies(t *testing.T) {
	dir := t.TempDir()
	opts := badgerstore.Options{GCInterval: -1, MaxValueSize: 6 << 20}
	badgerstore.SetValueLogFileSize(&opts, 8<<20)
	s := open(t, dir, opts)
	bodies := map[string][]byte{}
	for i := range 8 {
		b := make([]byte, (i+1)*700<<10)
		for j := range b {
			b[j] = byte(i + j)
		}
		id := fmt.Sprint("edi-", i)
		bodies[id] = b
		if err := s.Inbox().Append(ctx, env("edi", id, b)); err != nil {
			t.Fatal(err)
		}
	}
	check := func(s store.Store) {
		es, err := s.Inbox().Claim(ctx, "edi", 100)
		if err != nil || len(es) != len(bodies) {
			t.Fatalf("Claim: %d, %v", len(es), err)
		}
		for _, e := range es {
			if string(e.Body) != string(bodies[e.ID]) {
				t.Fatalf("body of %s differs (%d bytes, want %d)", e.ID, len(e.Body), len(bodies[e.ID]))
			}
		}
	}
	check(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check(open(t, dir, opts))
}

// TestGroupCommit: concurrent appenders share the inbox log's syncs.
func TestGroupCommit(t *testing.T) {
	s := open(t, t.TempDir(), badgerstore.Options{})
	const writers, each = 8, 100
	before := s.InboxSyncs()
	var wg sync.WaitGroup
	body := make([]byte, 5900)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := s.Inbox().Append(ctx, env("a", fmt.Sprintf("%d-%d", w, i), body)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	syncs := s.InboxSyncs() - before
	t.Logf("%d appends, %d syncs (%.3f per message)", writers*each, syncs, float64(syncs)/float64(writers*each))
	if syncs >= writers*each {
		t.Fatalf("%d syncs for %d appends: no group commit", syncs, writers*each)
	}
	if syncs == 0 {
		t.Fatal("no sync at all")
	}
}

// TestTwoAppendersShareSyncs is the minimal case: two concurrent appenders
// produce fewer syncs than messages.
func TestTwoAppendersShareSyncs(t *testing.T) {
	s := open(t, t.TempDir(), badgerstore.Options{})
	const each = 200
	before := s.InboxSyncs()
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := range each {
				if err := s.Inbox().Append(ctx, env("a", fmt.Sprintf("%d-%d", w, i), []byte("x"))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	syncs := s.InboxSyncs() - before
	t.Logf("%d appends by 2 goroutines, %d syncs", 2*each, syncs)
	if syncs >= 2*each {
		t.Fatalf("%d syncs for %d appends", syncs, 2*each)
	}
}

// Acks are not synced on their own, but within the lazy interval.
func TestAcksSyncLazily(t *testing.T) {
	s := open(t, t.TempDir(), badgerstore.Options{})
	if err := s.Inbox().Append(ctx, env("a", "m", nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Inbox().Claim(ctx, "a", 1); err != nil {
		t.Fatal(err)
	}
	before := s.InboxSyncs()
	if err := s.Inbox().Ack(ctx, "a", "m"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for s.InboxSyncs() == before {
		if time.Now().After(deadline) {
			t.Fatal("ack never synced")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestApplyConcurrentShareSyncs(t *testing.T) {
	s := open(t, t.TempDir(), badgerstore.Options{})
	const writers, each = 8, 50
	before := s.Syncs()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				res, err := s.Keys().Apply(ctx, store.Op{Kind: store.OpCAS, Key: fmt.Sprintf("dedupe/%d/%d", w, i), Value: []byte("1"), TTL: time.Hour})
				if err != nil || res[0].Err != nil {
					t.Error(err, res)
					return
				}
			}
		})
	}
	wg.Wait()
	syncs := s.Syncs() - before
	t.Logf("%d CAS creates, %d syncs", writers*each, syncs)
	if syncs >= writers*each {
		t.Fatalf("%d syncs for %d applies", syncs, writers*each)
	}
}

func TestBadgerLogsGoToSlog(t *testing.T) {
	var buf syncBuffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := open(t, t.TempDir(), badgerstore.Options{Logger: l})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Badger logs plenty at info level on open and close; none of it may
	// come through.
	if out := buf.String(); strings.Contains(out, "level=INFO") || strings.Contains(out, "level=DEBUG") {
		t.Fatalf("Badger's info/debug logging leaked into slog:\n%s", out)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
