package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
)

func deadLetter(id, flow, class, reason string, created time.Time) *store.DeadLetter {
	e := fullEnvelope(flow, "msg-"+id)
	// Technical ones name a delivery, as IN_DOUBT does; business ones do
	// not: both shapes must round-trip.
	delivery := ""
	if class == "technical" {
		delivery = "erp/shopify:" + id
	}
	return &store.DeadLetter{
		Delivery:  delivery,
		ID:        id,
		Envelope:  e,
		Part:      "ST 0002",
		Class:     class,
		Reason:    reason,
		Message:   "SKU 123 is not in the cross-reference",
		Errors:    []string{"map: lines[0].sku: unknown", "lookup sku_xref: not found"},
		Step:      "map",
		Range:     "flows/orders.hcl:12:5",
		Version:   "sha256:abc",
		CreatedAt: created.Truncate(time.Microsecond),
	}
}

func diffDeadLetter(got, want *store.DeadLetter) string {
	switch {
	case got.ID != want.ID, got.Part != want.Part, got.Class != want.Class,
		got.Reason != want.Reason, got.Message != want.Message, got.Step != want.Step,
		got.Range != want.Range, got.Version != want.Version, got.Delivery != want.Delivery:
		return fmt.Sprintf("got %+v, want %+v", *got, *want)
	case !slices.Equal(got.Errors, want.Errors):
		return fmt.Sprintf("Errors = %q, want %q", got.Errors, want.Errors)
	case !got.CreatedAt.Equal(want.CreatedAt):
		return fmt.Sprintf("CreatedAt = %v, want %v", got.CreatedAt, want.CreatedAt)
	case (got.Envelope == nil) != (want.Envelope == nil):
		return fmt.Sprintf("Envelope = %v, want %v", got.Envelope, want.Envelope)
	case got.Envelope != nil:
		if d := diffEnvelope(got.Envelope, want.Envelope); d != "" {
			return "Envelope: " + d
		}
	}
	return ""
}

func dlIDs(ds []*store.DeadLetter) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func listDL(t *testing.T, s store.Store, f store.DeadLetterFilter) []string {
	t.Helper()
	ds, err := s.DeadLetters().List(ctx, f)
	if err != nil {
		t.Fatalf("List(%+v): %v", f, err)
	}
	return dlIDs(ds)
}

// putDeadLetters stores a mix of dead letters, oldest first.
func putDeadLetters(t *testing.T, s store.Store) []*store.DeadLetter {
	t.Helper()
	base := time.Now().Add(-time.Hour)
	ds := []*store.DeadLetter{
		deadLetter("d1", "orders", "business", "UNKNOWN_SKU", base),
		deadLetter("d2", "orders", "technical", "ERP_DOWN", base.Add(time.Second)),
		deadLetter("d3", "inventory", "business", "UNKNOWN_SKU", base.Add(2*time.Second)),
		deadLetter("d4", "orders", "business", "DUPLICATE_CONFLICT", base.Add(3*time.Second)),
		deadLetter("d5", "inventory", "technical", "ERP_DOWN", base.Add(4*time.Second)),
	}
	for _, d := range ds {
		if err := s.DeadLetters().Put(ctx, d); err != nil {
			t.Fatalf("Put(%s): %v", d.ID, err)
		}
	}
	return ds
}

var deadLetterCases = []testCase{
	{"DeadLetters/PutGet", func(t *testing.T, s store.Store) {
		want := deadLetter("dl-1", "orders", "business", "UNKNOWN_SKU", time.Now())
		if err := s.DeadLetters().Put(ctx, want); err != nil {
			t.Fatalf("Put: %v", err)
		}
		got, err := s.DeadLetters().Get(ctx, "dl-1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if d := diffDeadLetter(got, want); d != "" {
			t.Fatal(d)
		}
		if _, err := s.DeadLetters().Get(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get of a missing dead letter: %v, want ErrNotFound", err)
		}
	}},
	{"DeadLetters/ListOldestFirstAndFilters", func(t *testing.T, s store.Store) {
		ds := putDeadLetters(t, s)
		tests := []struct {
			f    store.DeadLetterFilter
			want []string
		}{
			{store.DeadLetterFilter{}, []string{"d1", "d2", "d3", "d4", "d5"}},
			{store.DeadLetterFilter{Flow: "orders"}, []string{"d1", "d2", "d4"}},
			{store.DeadLetterFilter{Reason: "UNKNOWN_SKU"}, []string{"d1", "d3"}},
			{store.DeadLetterFilter{Class: "technical"}, []string{"d2", "d5"}},
			{store.DeadLetterFilter{Flow: "orders", Class: "business"}, []string{"d1", "d4"}},
			{store.DeadLetterFilter{Flow: "inventory", Reason: "ERP_DOWN", Class: "technical"}, []string{"d5"}},
			{store.DeadLetterFilter{Flow: "nope"}, []string{}},
			{store.DeadLetterFilter{Limit: 2}, []string{"d1", "d2"}},
			{store.DeadLetterFilter{Class: "business", Limit: 2}, []string{"d1", "d3"}},
		}
		for _, tt := range tests {
			if got := listDL(t, s, tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("List(%+v) = %v, want %v", tt.f, got, tt.want)
			}
		}
		all, err := s.DeadLetters().List(ctx, store.DeadLetterFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range all {
			if diff := diffDeadLetter(d, ds[i]); diff != "" {
				t.Fatalf("List()[%d]: %s", i, diff)
			}
		}
	}},
	{"DeadLetters/Delete", func(t *testing.T, s store.Store) {
		putDeadLetters(t, s)
		if err := s.DeadLetters().Delete(ctx, "d2"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.DeadLetters().Get(ctx, "d2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
		}
		if got := listDL(t, s, store.DeadLetterFilter{}); !slices.Equal(got, []string{"d1", "d3", "d4", "d5"}) {
			t.Fatalf("List after Delete = %v", got)
		}
		if err := s.DeadLetters().Delete(ctx, "d2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second Delete: %v, want ErrNotFound", err)
		}
	}},
	{"DeadLetters/PutReplaces", func(t *testing.T, s store.Store) {
		putDeadLetters(t, s)
		edited := deadLetter("d2", "orders", "technical", "ERP_DOWN", time.Time{})
		got0, err := s.DeadLetters().Get(ctx, "d2")
		if err != nil {
			t.Fatal(err)
		}
		edited.CreatedAt = got0.CreatedAt
		edited.Envelope.Body = []byte(`{"fixed":true}`)
		edited.Message = "edited"
		if err := s.DeadLetters().Put(ctx, edited); err != nil {
			t.Fatal(err)
		}
		got, err := s.DeadLetters().Get(ctx, "d2")
		if err != nil {
			t.Fatal(err)
		}
		if d := diffDeadLetter(got, edited); d != "" {
			t.Fatal(d)
		}
		if ids := listDL(t, s, store.DeadLetterFilter{}); !slices.Equal(ids, []string{"d1", "d2", "d3", "d4", "d5"}) {
			t.Fatalf("List after replacing d2 = %v", ids)
		}
	}},
}

func auditRecord(i int) store.AuditRecord {
	return store.AuditRecord{
		At:      time.Now().Add(time.Duration(i) * time.Millisecond).Truncate(time.Microsecond),
		Who:     "ana@example.com",
		Action:  []string{"replay", "discard", "edit"}[i%3],
		Target:  fmt.Sprintf("dl-%d", i),
		Why:     fmt.Sprintf("reason %d", i),
		Details: map[string]string{"version": "sha256:abc", "n": fmt.Sprint(i)},
	}
}

func wantAudit(t *testing.T, got []store.AuditRecord, want []store.AuditRecord) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("audit: %d records, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.At.Equal(w.At) || g.Who != w.Who || g.Action != w.Action || g.Target != w.Target ||
			g.Why != w.Why || fmt.Sprint(g.Details) != fmt.Sprint(w.Details) {
			t.Fatalf("audit record %d = %+v, want %+v", i, g, w)
		}
	}
}

func appendAudit(t *testing.T, s store.Store, rs ...store.AuditRecord) {
	t.Helper()
	for _, r := range rs {
		if err := s.Audit().Append(ctx, r); err != nil {
			t.Fatalf("Audit.Append: %v", err)
		}
	}
}

func listAudit(t *testing.T, s store.Store, limit int) []store.AuditRecord {
	t.Helper()
	rs, err := s.Audit().List(ctx, limit)
	if err != nil {
		t.Fatalf("Audit.List(%d): %v", limit, err)
	}
	return rs
}

var auditCases = []testCase{
	{"Audit/AppendOnlyOrder", func(t *testing.T, s store.Store) {
		if rs := listAudit(t, s, 0); len(rs) != 0 {
			t.Fatalf("empty audit log lists %d records", len(rs))
		}
		var want []store.AuditRecord
		for i := range 6 {
			want = append(want, auditRecord(i))
		}
		// Appended in order, whatever their timestamps say.
		want[3].At = want[0].At.Add(-time.Hour)
		appendAudit(t, s, want...)
		wantAudit(t, listAudit(t, s, 0), want)
		wantAudit(t, listAudit(t, s, 2), want[:2])
		wantAudit(t, listAudit(t, s, 100), want)
	}},
}

var lifecycleCases = []testCase{
	{"Lifecycle/CloseTwice", func(t *testing.T, s store.Store) {
		mustAppend(t, s, msg("a", "m"))
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	}},
	{"Lifecycle/OperationsAfterClose", func(t *testing.T, s store.Store) {
		mustAppend(t, s, msg("a", "m"))
		claimed := mustClaim(t, s, "a", 1)
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		in, ks, dls, au := s.Inbox(), s.Keys(), s.DeadLetters(), s.Audit()
		ops := map[string]func() error{
			"Append":  func() error { return in.Append(ctx, msg("a", "n")) },
			"Claim":   func() error { _, err := in.Claim(ctx, "a", 1); return err },
			"Ack":     func() error { return in.Ack(ctx, "a", "m") },
			"Retry":   func() error { return in.Retry(ctx, claimed[0]) },
			"Release": func() error { return in.Release(ctx, "a", "m") },
			"Stats":   func() error { _, err := in.Stats(ctx, "a"); return err },
			"Flows":   func() error { _, err := in.Flows(ctx); return err },
			"Get":     func() error { _, err := ks.Get(ctx, "k"); return err },
			"Apply":   func() error { _, err := ks.Apply(ctx, put("k", "v")); return err },
			"Scan": func() error {
				return ks.Scan(ctx, "", func(store.Entry) bool { return true })
			},
			"DeadLetters.Put":    func() error { return dls.Put(ctx, deadLetter("d", "a", "business", "R", time.Now())) },
			"DeadLetters.Get":    func() error { _, err := dls.Get(ctx, "d"); return err },
			"DeadLetters.List":   func() error { _, err := dls.List(ctx, store.DeadLetterFilter{}); return err },
			"DeadLetters.Delete": func() error { return dls.Delete(ctx, "d") },
			"Audit.Append":       func() error { return au.Append(ctx, auditRecord(0)) },
			"Audit.List":         func() error { _, err := au.List(ctx, 0); return err },
		}
		for name, op := range ops {
			if err := op(); !errors.Is(err, store.ErrClosed) {
				t.Errorf("%s after Close: %v, want ErrClosed", name, err)
			}
		}
	}},
	{"Lifecycle/CloseWaitsForPendingWrites", func(t *testing.T, s store.Store) {
		// Writers racing Close either succeed (and then their data was
		// committed) or get ErrClosed; none hangs or gets another error.
		done := make(chan error, 16)
		for i := range 16 {
			go func() {
				done <- s.Inbox().Append(context.Background(), msg("a", fmt.Sprint("m", i)))
			}()
		}
		time.Sleep(time.Millisecond)
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		for range 16 {
			select {
			case err := <-done:
				if err != nil && !errors.Is(err, store.ErrClosed) {
					t.Errorf("Append racing Close: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("an Append racing Close never returned")
			}
		}
	}},
	{"Lifecycle/ContextCancelled", func(t *testing.T, s store.Store) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Inbox().Append(c, msg("a", "m")); !errors.Is(err, context.Canceled) {
			t.Errorf("Append with a cancelled context: %v", err)
		}
		if _, err := s.Keys().Apply(c, put("k", "v")); !errors.Is(err, context.Canceled) {
			t.Errorf("Apply with a cancelled context: %v", err)
		}
		if _, err := s.Inbox().Claim(c, "a", 1); !errors.Is(err, context.Canceled) {
			t.Errorf("Claim with a cancelled context: %v", err)
		}
	}},
}
