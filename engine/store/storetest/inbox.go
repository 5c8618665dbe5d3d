package storetest

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
)

var inboxCases = []testCase{
	{"Inbox/ClaimEmpty", func(t *testing.T, s store.Store) {
		if es := mustClaim(t, s, "nothing", 10); len(es) != 0 {
			t.Fatalf("Claim of an unknown flow: %d messages", len(es))
		}
		wantStats(t, s, "nothing", 0, 0, 0)
		mustAppend(t, s, msg("a", "a1"))
		if es := mustClaim(t, s, "a", 0); len(es) != 0 {
			t.Fatalf("Claim(max 0): %d messages", len(es))
		}
	}},
	{"Inbox/ArrivalOrderPerFlow", func(t *testing.T, s store.Store) {
		a, b := msgs("a", "a", 10), msgs("b", "b", 4)
		mustAppend(t, s, a[0])
		mustAppend(t, s, a[1], b[0], a[2], a[3])
		mustAppend(t, s, b[1:]...)
		mustAppend(t, s, a[4:]...)
		wantIDs(t, "first claim of a", mustClaim(t, s, "a", 3), "a000", "a001", "a002")
		wantIDs(t, "second claim of a", mustClaim(t, s, "a", 100), ids(a[3:])...)
		wantIDs(t, "claim of b", mustClaim(t, s, "b", 100), ids(b)...)
		if es := mustClaim(t, s, "a", 100); len(es) != 0 {
			t.Fatalf("all claimed, Claim returned %v", ids(es))
		}
	}},
	{"Inbox/EnvelopeRoundTrip", func(t *testing.T, s store.Store) {
		want := fullEnvelope("a", "full")
		mustAppend(t, s, want)
		es := mustClaim(t, s, "a", 1)
		if len(es) != 1 {
			t.Fatalf("claimed %d", len(es))
		}
		wantEnvelope(t, es[0], want)
		// The claimed envelope is the caller's: changing it changes nothing
		// stored.
		es[0].Body[0] ^= 0xff
		es[0].Headers["X-Shop"] = "other"
		if err := s.Inbox().Release(ctx, "a", "full"); err != nil {
			t.Fatal(err)
		}
		es = mustClaim(t, s, "a", 1)
		wantEnvelope(t, es[0], want)
	}},
	{"Inbox/ConcurrentAppendKeepsEachCallersOrder", func(t *testing.T, s store.Store) {
		const writers, each = 8, 6 // writers*each <= Capacity
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					if err := s.Inbox().Append(ctx, msg("a", fmt.Sprintf("w%d-%02d", w, i))); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		es := mustClaim(t, s, "a", writers*each)
		if len(es) != writers*each {
			t.Fatalf("claimed %d of %d", len(es), writers*each)
		}
		last := map[string]string{}
		for _, e := range es {
			w := e.ID[:2]
			if prev, ok := last[w]; ok && prev > e.ID {
				t.Fatalf("%s claimed after %s: a caller's appends out of order", e.ID, prev)
			}
			last[w] = e.ID
		}
	}},
	{"Inbox/AppendSameIDIsIdempotent", func(t *testing.T, s store.Store) {
		first := msg("a", "m1")
		mustAppend(t, s, first, msg("a", "m2"))
		again := msg("a", "m1")
		again.Body = []byte("a retry's body")
		mustAppend(t, s, again)
		// Within one call too, and a duplicate does not count against the
		// capacity.
		mustAppend(t, s, msg("a", "m3"), msg("a", "m3"), msg("a", "m2"))
		wantStats(t, s, "a", 3, 3, 0)
		es := mustClaim(t, s, "a", 10)
		wantIDs(t, "claim", es, "m1", "m2", "m3")
		wantEnvelope(t, es[0], first)
		// Claimed is still in the inbox.
		mustAppend(t, s, msg("a", "m1"))
		wantStats(t, s, "a", 3, 0, 3)
		// Once acked, the id is free again: a new message.
		if err := s.Inbox().Ack(ctx, "a", "m1"); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, s, msg("a", "m1"))
		wantIDs(t, "claim after ack", mustClaim(t, s, "a", 10), "m1")
		// Another flow has its own ids.
		mustAppend(t, s, msg("b", "m1"))
		wantStats(t, s, "b", 1, 1, 0)
		full := msgs("c", "c", Capacity)
		mustAppend(t, s, full...)
		mustAppend(t, s, full[0])
	}},
	{"Inbox/ClaimsAreExclusive", func(t *testing.T, s store.Store) {
		const n = Capacity
		mustAppend(t, s, msgs("a", "m", n)...)
		var (
			mu   sync.Mutex
			seen = map[string]int{}
			wg   sync.WaitGroup
		)
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				for {
					es, err := s.Inbox().Claim(ctx, "a", 3)
					if err != nil {
						errs <- err
						return
					}
					if len(es) == 0 {
						return
					}
					mu.Lock()
					for _, e := range es {
						seen[e.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Fatalf("claimed %d distinct messages, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Fatalf("message %s claimed %d times", id, c)
			}
		}
		wantStats(t, s, "a", n, 0, n)
	}},
	{"Inbox/ClaimedNotHandedOutAgain", func(t *testing.T, s store.Store) {
		mustAppend(t, s, msgs("a", "m", 3)...)
		wantIDs(t, "first claim", mustClaim(t, s, "a", 2), "m000", "m001")
		wantStats(t, s, "a", 3, 1, 2)
		wantIDs(t, "second claim", mustClaim(t, s, "a", 5), "m002")
		wantIDs(t, "third claim", mustClaim(t, s, "a", 5))
	}},
	{"Inbox/AckRemoves", func(t *testing.T, s store.Store) {
		mustAppend(t, s, msgs("a", "m", 3)...)
		es := mustClaim(t, s, "a", 2)
		if err := s.Inbox().Ack(ctx, "a", ids(es)...); err != nil {
			t.Fatalf("Ack: %v", err)
		}
		wantStats(t, s, "a", 1, 1, 0)
		// Acking again, or an unknown id, is not an error.
		if err := s.Inbox().Ack(ctx, "a", "m000", "nope"); err != nil {
			t.Fatalf("Ack of acked/unknown ids: %v", err)
		}
		if err := s.Inbox().Ack(ctx, "unknown-flow", "x"); err != nil {
			t.Fatalf("Ack in an unknown flow: %v", err)
		}
		wantIDs(t, "claim after ack", mustClaim(t, s, "a", 5), "m002")
		if err := s.Inbox().Ack(ctx, "a", "m002"); err != nil {
			t.Fatal(err)
		}
		wantStats(t, s, "a", 0, 0, 0)
		wantIDs(t, "claim of an emptied flow", mustClaim(t, s, "a", 5))
	}},
	{"Inbox/ReleaseGivesBackInArrivalOrder", func(t *testing.T, s store.Store) {
		mustAppend(t, s, msgs("a", "m", 5)...)
		es := mustClaim(t, s, "a", 3)
		if err := s.Inbox().Release(ctx, "a", "m001", "m000"); err != nil {
			t.Fatalf("Release: %v", err)
		}
		wantStats(t, s, "a", 5, 4, 1)
		// Releasing what is not claimed changes nothing.
		if err := s.Inbox().Release(ctx, "a", "m003", "nope"); err != nil {
			t.Fatalf("Release of unclaimed ids: %v", err)
		}
		wantStats(t, s, "a", 5, 4, 1)
		got := mustClaim(t, s, "a", 10)
		wantIDs(t, "claim after release", got, "m000", "m001", "m003", "m004")
		wantEnvelope(t, got[0], es[0])
	}},
	{"Inbox/RetryDelaysAndPersistsAttempts", func(t *testing.T, s store.Store) {
		mustAppend(t, s, msgs("a", "m", 2)...)
		e := mustClaim(t, s, "a", 1)[0]
		nb := time.Now().Add(400 * time.Millisecond).Truncate(time.Microsecond)
		e.NotBefore = nb
		e.Attempts = append(e.Attempts, store.Attempt{
			At: time.Now().Truncate(time.Microsecond), Version: "v1", Step: "deliver", Error: "timeout", Reason: "TIMEOUT",
		})
		if err := s.Inbox().Retry(ctx, e); err != nil {
			t.Fatalf("Retry: %v", err)
		}
		st := wantStats(t, s, "a", 2, 1, 0)
		if !near(st.NextReady, nb) {
			t.Fatalf("NextReady = %v, want %v", st.NextReady, nb)
		}
		wantIDs(t, "claim before NotBefore", mustClaim(t, s, "a", 5), "m001")
		if err := s.Inbox().Ack(ctx, "a", "m001"); err != nil {
			t.Fatal(err)
		}
		if es := mustClaim(t, s, "a", 5); len(es) != 0 {
			t.Fatalf("claimed %v before its NotBefore", ids(es))
		}
		var got []*store.Envelope
		eventually(t, 5*time.Second, "the retried message", func() bool {
			got = mustClaim(t, s, "a", 5)
			return len(got) > 0
		})
		if time.Now().Before(nb) {
			t.Fatalf("claimed at %v, before NotBefore %v", time.Now(), nb)
		}
		wantIDs(t, "claim after NotBefore", got, "m000")
		wantEnvelope(t, got[0], e)
		st = wantStats(t, s, "a", 1, 0, 1)
		if !st.NextReady.IsZero() {
			t.Fatalf("NextReady = %v with nothing delayed", st.NextReady)
		}
	}},
	{"Inbox/RetryWithoutDelayIsReady", func(t *testing.T, s store.Store) {
		mustAppend(t, s, msg("a", "m"))
		e := mustClaim(t, s, "a", 1)[0]
		e.Attempts = []store.Attempt{{At: time.Now(), Error: "boom"}}
		if err := s.Inbox().Retry(ctx, e); err != nil {
			t.Fatal(err)
		}
		got := mustClaim(t, s, "a", 1)
		wantIDs(t, "claim after retry", got, "m")
		if len(got[0].Attempts) != 1 {
			t.Fatalf("attempts = %d, want 1", len(got[0].Attempts))
		}
	}},
	{"Inbox/RetryUnknown", func(t *testing.T, s store.Store) {
		err := s.Inbox().Retry(ctx, msg("a", "ghost"))
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Retry of an unknown message: %v, want ErrNotFound", err)
		}
	}},
	{"Inbox/AppendWithNotBefore", func(t *testing.T, s store.Store) {
		later := msg("a", "later")
		later.NotBefore = time.Now().Add(time.Hour).Truncate(time.Microsecond)
		mustAppend(t, s, later, msg("a", "now"))
		st := wantStats(t, s, "a", 2, 1, 0)
		if !near(st.NextReady, later.NotBefore) {
			t.Fatalf("NextReady = %v, want %v", st.NextReady, later.NotBefore)
		}
		wantIDs(t, "claim", mustClaim(t, s, "a", 5), "now")
	}},
	{"Inbox/Stats", func(t *testing.T, s store.Store) {
		mustAppend(t, s, msgs("a", "m", 4)...)
		wantStats(t, s, "a", 4, 4, 0)
		mustClaim(t, s, "a", 3)
		wantStats(t, s, "a", 4, 1, 3)
		if err := s.Inbox().Ack(ctx, "a", "m000"); err != nil {
			t.Fatal(err)
		}
		if err := s.Inbox().Release(ctx, "a", "m001"); err != nil {
			t.Fatal(err)
		}
		st := wantStats(t, s, "a", 3, 2, 1)
		if !st.NextReady.IsZero() {
			t.Fatalf("NextReady = %v, want zero", st.NextReady)
		}
	}},
	{"Inbox/Flows", func(t *testing.T, s store.Store) {
		flows := func() []string {
			t.Helper()
			fs, err := s.Inbox().Flows(ctx)
			if err != nil {
				t.Fatalf("Flows: %v", err)
			}
			fs = append([]string(nil), fs...)
			sort.Strings(fs)
			return fs
		}
		if fs := flows(); len(fs) != 0 {
			t.Fatalf("Flows of an empty store = %v", fs)
		}
		mustAppend(t, s, msg("orders", "o1"), msg("inventory", "i1"))
		if fs := flows(); fmt.Sprint(fs) != "[inventory orders]" {
			t.Fatalf("Flows = %v", fs)
		}
		es := mustClaim(t, s, "inventory", 1)
		if fs := flows(); fmt.Sprint(fs) != "[inventory orders]" {
			t.Fatalf("Flows with a claimed message = %v", fs)
		}
		if err := s.Inbox().Ack(ctx, "inventory", ids(es)...); err != nil {
			t.Fatal(err)
		}
		if fs := flows(); fmt.Sprint(fs) != "[orders]" {
			t.Fatalf("Flows after emptying inventory = %v", fs)
		}
	}},
	{"Inbox/CapacityFull", func(t *testing.T, s store.Store) {
		all := msgs("a", "m", Capacity+2)
		mustAppend(t, s, all[:Capacity-1]...)
		// Two messages where one fits: nothing is stored.
		if err := s.Inbox().Append(ctx, all[Capacity-1:Capacity+1]...); !errors.Is(err, store.ErrFull) {
			t.Fatalf("Append over capacity: %v, want ErrFull", err)
		}
		wantStats(t, s, "a", Capacity-1, Capacity-1, 0)
		mustAppend(t, s, all[Capacity-1])
		if err := s.Inbox().Append(ctx, all[Capacity]); !errors.Is(err, store.ErrFull) {
			t.Fatalf("Append to a full inbox: %v, want ErrFull", err)
		}
		// A batch across flows is all or nothing too.
		if err := s.Inbox().Append(ctx, msg("b", "b1"), all[Capacity]); !errors.Is(err, store.ErrFull) {
			t.Fatalf("Append across flows, one full: %v, want ErrFull", err)
		}
		wantStats(t, s, "b", 0, 0, 0)
		// Claimed messages still count; acked ones free room.
		es := mustClaim(t, s, "a", 2)
		if err := s.Inbox().Append(ctx, all[Capacity]); !errors.Is(err, store.ErrFull) {
			t.Fatalf("Append with claimed messages at capacity: %v, want ErrFull", err)
		}
		if err := s.Inbox().Ack(ctx, "a", ids(es)...); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, s, all[Capacity:]...)
		wantStats(t, s, "a", Capacity, Capacity, 0)
		// Every flow has its own capacity.
		mustAppend(t, s, msg("b", "b1"))
	}},
}
