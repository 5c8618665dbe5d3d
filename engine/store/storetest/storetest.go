package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/transload/transload/engine/store"
)

// Capacity is the per-flow inbox capacity the stores given to Run must be
// opened with: the suite checks store.ErrFull at that boundary.
const Capacity = 64

type testCase struct {
	name string
	run  func(t *testing.T, s store.Store)
}

// Run runs the conformance suite: each subtest gets a fresh store from open
// and closes it when done.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	groups := [][]testCase{inboxCases, keyCases, deadLetterCases, auditCases, lifecycleCases}
	for _, g := range groups {
		for _, tc := range g {
			t.Run(tc.name, func(t *testing.T) {
				s := open(t)
				t.Cleanup(func() { _ = s.Close() })
				tc.run(t, s)
			})
		}
	}
	t.Run("CloseLeavesNoGoroutines", func(t *testing.T) {
		// Goroutines that exist now (other stores' cleanups pending, the
		// runtime's) are not this store's.
		ignore := goleak.IgnoreCurrent()
		s := open(t)
		exercise(t, s)
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		goleak.VerifyNone(t, ignore)
	})
}

// RunReopen runs the durability suite: each subtest opens a store on a
// fresh directory, writes, closes it, opens the same directory again and
// checks what is there.
func RunReopen(t *testing.T, open func(t *testing.T, dir string) store.Store) {
	t.Helper()
	for _, tc := range reopenCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.run(t, func() store.Store {
				s := open(t, dir)
				t.Cleanup(func() { _ = s.Close() })
				return s
			})
		})
	}
}

// Helpers.

var ctx = context.Background()

func msg(flow, id string) *store.Envelope {
	return &store.Envelope{
		ID:            id,
		Flow:          flow,
		Version:       "v1",
		Body:          []byte(`{"order":"` + id + `"}`),
		CorrelationID: "corr-" + id,
		Source:        "http",
		ReceivedAt:    time.Now().Truncate(time.Microsecond),
	}
}

func msgs(flow, prefix string, n int) []*store.Envelope {
	out := make([]*store.Envelope, n)
	for i := range out {
		out[i] = msg(flow, fmt.Sprintf("%s%03d", prefix, i))
	}
	return out
}

func ids(es []*store.Envelope) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func mustAppend(t *testing.T, s store.Store, es ...*store.Envelope) {
	t.Helper()
	if err := s.Inbox().Append(ctx, es...); err != nil {
		t.Fatalf("Append: %v", err)
	}
}

func mustClaim(t *testing.T, s store.Store, flow string, max int) []*store.Envelope {
	t.Helper()
	es, err := s.Inbox().Claim(ctx, flow, max)
	if err != nil {
		t.Fatalf("Claim(%q, %d): %v", flow, max, err)
	}
	if es == nil {
		t.Fatalf("Claim(%q, %d) returned a nil slice; want an empty one", flow, max)
	}
	return es
}

func wantIDs(t *testing.T, what string, got []*store.Envelope, want ...string) {
	t.Helper()
	if g := ids(got); !slices.Equal(g, want) {
		t.Fatalf("%s: got ids %v, want %v", what, g, want)
	}
}

func mustStats(t *testing.T, s store.Store, flow string) store.Stats {
	t.Helper()
	st, err := s.Inbox().Stats(ctx, flow)
	if err != nil {
		t.Fatalf("Stats(%q): %v", flow, err)
	}
	return st
}

func wantStats(t *testing.T, s store.Store, flow string, depth, ready, claimed int) store.Stats {
	t.Helper()
	st := mustStats(t, s, flow)
	if st.Depth != depth || st.Ready != ready || st.Claimed != claimed {
		t.Fatalf("Stats(%q) = depth %d ready %d claimed %d, want %d %d %d",
			flow, st.Depth, st.Ready, st.Claimed, depth, ready, claimed)
	}
	return st
}

func near(a, b time.Time) bool {
	d := a.Sub(b)
	return d < time.Millisecond && d > -time.Millisecond
}

// eventually polls cond until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// diffEnvelope describes how got differs from want ("" when equal; times
// compared as instants).
func diffEnvelope(got, want *store.Envelope) string {
	var d []string
	add := func(field string, g, w any) { d = append(d, fmt.Sprintf("%s = %v, want %v", field, g, w)) }
	if got.ID != want.ID {
		add("ID", got.ID, want.ID)
	}
	if got.Flow != want.Flow {
		add("Flow", got.Flow, want.Flow)
	}
	if got.Version != want.Version {
		add("Version", got.Version, want.Version)
	}
	if !bytes.Equal(got.Body, want.Body) {
		add("Body", fmt.Sprintf("%d bytes", len(got.Body)), fmt.Sprintf("%d bytes", len(want.Body)))
	}
	if len(got.Headers) != len(want.Headers) {
		add("Headers", got.Headers, want.Headers)
	} else {
		for k, v := range want.Headers {
			if gv, ok := got.Headers[k]; !ok || gv != v {
				add("Headers", got.Headers, want.Headers)
				break
			}
		}
	}
	if got.CorrelationID != want.CorrelationID {
		add("CorrelationID", got.CorrelationID, want.CorrelationID)
	}
	if got.Origin != want.Origin {
		add("Origin", got.Origin, want.Origin)
	}
	if got.Source != want.Source {
		add("Source", got.Source, want.Source)
	}
	if !got.ReceivedAt.Equal(want.ReceivedAt) {
		add("ReceivedAt", got.ReceivedAt, want.ReceivedAt)
	}
	if !got.NotBefore.Equal(want.NotBefore) {
		add("NotBefore", got.NotBefore, want.NotBefore)
	}
	if len(got.Attempts) != len(want.Attempts) {
		add("len(Attempts)", len(got.Attempts), len(want.Attempts))
	} else {
		for i, w := range want.Attempts {
			g := got.Attempts[i]
			if !g.At.Equal(w.At) || g.Version != w.Version || g.Step != w.Step || g.Error != w.Error || g.Reason != w.Reason {
				add(fmt.Sprintf("Attempts[%d]", i), g, w)
			}
		}
	}
	if got.Priority != want.Priority {
		add("Priority", got.Priority, want.Priority)
	}
	return strings.Join(d, "; ")
}

func wantEnvelope(t *testing.T, got, want *store.Envelope) {
	t.Helper()
	if d := diffEnvelope(got, want); d != "" {
		t.Fatalf("envelope %s: %s", want.ID, d)
	}
}

func fullEnvelope(flow, id string) *store.Envelope {
	now := time.Now().Truncate(time.Microsecond)
	body := make([]byte, 5900)
	for i := range body {
		body[i] = byte(i * 7) // zeros and high bytes included
	}
	return &store.Envelope{
		ID:            id,
		Flow:          flow,
		Version:       "sha256:abc",
		Body:          body,
		Headers:       map[string]string{"Content-Type": "application/json", "X-Shop": "acme"},
		CorrelationID: "corr-" + id,
		Origin:        "shopify:acme",
		Source:        "http",
		ReceivedAt:    now.Add(-time.Minute),
		Attempts: []store.Attempt{
			{At: now.Add(-30 * time.Second), Version: "sha256:abc", Step: "deliver.erp", Error: "503 Service Unavailable", Reason: "HTTP_5XX"},
		},
		Priority: 7,
	}
}

// exercise touches every part of s (the leak check's workload).
func exercise(t *testing.T, s store.Store) {
	t.Helper()
	mustAppend(t, s, msgs("leak", "m", 5)...)
	es := mustClaim(t, s, "leak", 3)
	if err := s.Inbox().Ack(ctx, "leak", ids(es)...); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Keys().Apply(ctx, store.Op{Kind: store.OpCAS, Key: "leak/k", Value: []byte("v"), TTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeadLetters().Put(ctx, &store.DeadLetter{ID: "dl", Envelope: msg("leak", "x"), Class: "business", Reason: "R"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit().Append(ctx, store.AuditRecord{Who: "t", Action: "discard", Target: "dl"}); err != nil {
		t.Fatal(err)
	}
}
