package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
)

type reopenCase struct {
	name string
	// run gets open, which opens the subtest's directory (the same one
	// every time) and closes the store at the end of the subtest.
	run func(t *testing.T, open func() store.Store)
}

func mustClose(t *testing.T, s store.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

var reopenCases = []reopenCase{
	{"Inbox", func(t *testing.T, open func() store.Store) {
		s := open()
		a := msgs("a", "a", 6)
		a[5] = fullEnvelope("a", "a005")
		mustAppend(t, s, a...)
		mustAppend(t, s, msgs("b", "b", 2)...)
		es := mustClaim(t, s, "a", 3) // a000 a001 a002
		if err := s.Inbox().Ack(ctx, "a", "a000"); err != nil {
			t.Fatal(err)
		}
		// a001 stays claimed: a dead holder's claim does not survive.
		retried := es[2]
		retried.NotBefore = time.Now().Add(2 * time.Second).Truncate(time.Microsecond)
		retried.Attempts = append(retried.Attempts, store.Attempt{
			At: time.Now().Truncate(time.Microsecond), Version: "v1", Step: "deliver", Error: "503", Reason: "HTTP_5XX",
		})
		if err := s.Inbox().Retry(ctx, retried); err != nil {
			t.Fatal(err)
		}
		mustClose(t, s)

		s = open()
		st := wantStats(t, s, "a", 5, 4, 0)
		if !near(st.NextReady, retried.NotBefore) {
			t.Fatalf("NextReady after reopen = %v, want %v", st.NextReady, retried.NotBefore)
		}
		mustAppend(t, s, msg("a", "after"))
		got := mustClaim(t, s, "a", 10)
		wantIDs(t, "claim after reopen", got, "a001", "a003", "a004", "a005", "after")
		wantEnvelope(t, got[3], a[5])
		wantIDs(t, "flow b after reopen", mustClaim(t, s, "b", 10), "b000", "b001")
		if err := s.Inbox().Ack(ctx, "a", "a001", "a003"); err != nil {
			t.Fatal(err)
		}
		// The retried message kept its schedule and its attempts.
		var late []*store.Envelope
		eventually(t, 10*time.Second, "the retried message", func() bool {
			late = mustClaim(t, s, "a", 10)
			return len(late) > 0
		})
		wantIDs(t, "claim of the retried message", late, "a002")
		wantEnvelope(t, late[0], retried)
		// A retry without delay, then a restart: the new attempts are kept.
		after := got[4]
		after.Attempts = []store.Attempt{{At: time.Now().Truncate(time.Microsecond), Error: "timeout"}}
		if err := s.Inbox().Retry(ctx, after); err != nil {
			t.Fatal(err)
		}
		mustClose(t, s)

		s = open()
		got = mustClaim(t, s, "a", 10)
		wantIDs(t, "claim after second reopen", got, "a002", "a004", "a005", "after")
		wantEnvelope(t, got[3], after)
		fs, err := s.Inbox().Flows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(fs)
		if !slices.Equal(fs, []string{"a", "b"}) {
			t.Fatalf("Flows after reopen = %v", fs)
		}
	}},
	{"Keys", func(t *testing.T, open func() store.Store) {
		s := open()
		r1 := applyOK(t, s, put("k1", "one"))
		r2 := applyOK(t, s, cas("k2", 0, "two"))
		r3 := applyOK(t, s, store.Op{Kind: store.OpPut, Key: "k3", Value: []byte("ttl"), TTL: time.Hour})
		e3 := mustGet(t, s, "k3")
		applyOK(t, s, put("k4", "gone"))
		applyOK(t, s, del("k4", 0))
		applyOK(t, s, store.Op{Kind: store.OpPut, Key: "short", Value: []byte("x"), TTL: 300 * time.Millisecond})
		mustClose(t, s)

		time.Sleep(400 * time.Millisecond)
		s = open()
		wantValue(t, s, "k1", "one", r1)
		wantValue(t, s, "k2", "two", r2)
		wantValue(t, s, "k3", "ttl", r3)
		if e := mustGet(t, s, "k3"); !near(e.ExpiresAt, e3.ExpiresAt) {
			t.Fatalf("ExpiresAt after reopen = %v, want %v", e.ExpiresAt, e3.ExpiresAt)
		}
		wantMissing(t, s, "k4")
		wantMissing(t, s, "short")
		// Revisions keep growing across restarts; old ones still match.
		r5 := applyOK(t, s, put("k5", "five"))
		if r5 <= max(r1, r2, r3) {
			t.Fatalf("revision %d after reopen, not above %d", r5, max(r1, r2, r3))
		}
		applyOK(t, s, cas("k2", r2, "two'"))
		wantConflict(t, s, cas("k1", 0, "again"))
		mustClose(t, s)

		s = open()
		if e := mustGet(t, s, "k2"); string(e.Value) != "two'" {
			t.Fatalf("k2 = %q after reopen", e.Value)
		}
	}},
	{"DeadLettersAndAudit", func(t *testing.T, open func() store.Store) {
		s := open()
		ds := putDeadLetters(t, s)
		if err := s.DeadLetters().Delete(ctx, "d3"); err != nil {
			t.Fatal(err)
		}
		recs := []store.AuditRecord{auditRecord(0), auditRecord(1), auditRecord(2)}
		appendAudit(t, s, recs...)
		mustClose(t, s)

		s = open()
		if got := listDL(t, s, store.DeadLetterFilter{}); !slices.Equal(got, []string{"d1", "d2", "d4", "d5"}) {
			t.Fatalf("dead letters after reopen = %v", got)
		}
		got, err := s.DeadLetters().Get(ctx, "d4")
		if err != nil {
			t.Fatal(err)
		}
		if d := diffDeadLetter(got, ds[3]); d != "" {
			t.Fatal(d)
		}
		if _, err := s.DeadLetters().Get(ctx, "d3"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted dead letter after reopen: %v", err)
		}
		wantAudit(t, listAudit(t, s, 0), recs)
		recs = append(recs, auditRecord(3))
		appendAudit(t, s, recs[3])
		d6 := deadLetter("d6", "orders", "business", "UNKNOWN_SKU", time.Now())
		if err := s.DeadLetters().Put(ctx, d6); err != nil {
			t.Fatal(err)
		}
		mustClose(t, s)

		s = open()
		wantAudit(t, listAudit(t, s, 0), recs)
		if got := listDL(t, s, store.DeadLetterFilter{}); !slices.Equal(got, []string{"d1", "d2", "d4", "d5", "d6"}) {
			t.Fatalf("dead letters after second reopen = %v", got)
		}
	}},
	{"CapacityCountsStoredMessages", func(t *testing.T, open func() store.Store) {
		s := open()
		mustAppend(t, s, msgs("a", "m", Capacity)...)
		mustClose(t, s)
		s = open()
		if err := s.Inbox().Append(ctx, msg("a", "over")); !errors.Is(err, store.ErrFull) {
			t.Fatalf("Append to a full inbox after reopen: %v, want ErrFull", err)
		}
	}},
}
