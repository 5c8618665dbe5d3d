package storetest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
)

func apply(t *testing.T, s store.Store, ops ...store.Op) []store.Result {
	t.Helper()
	res, err := s.Keys().Apply(ctx, ops...)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(res) != len(ops) {
		t.Fatalf("Apply returned %d results for %d ops", len(res), len(ops))
	}
	return res
}

func applyOK(t *testing.T, s store.Store, op store.Op) uint64 {
	t.Helper()
	r := apply(t, s, op)[0]
	if r.Err != nil {
		t.Fatalf("Apply %+v: %v", op, r.Err)
	}
	if op.Kind != store.OpDelete && r.Rev == 0 {
		t.Fatalf("Apply %+v: revision 0", op)
	}
	return r.Rev
}

func wantConflict(t *testing.T, s store.Store, op store.Op) {
	t.Helper()
	if r := apply(t, s, op)[0]; !errors.Is(r.Err, store.ErrConflict) {
		t.Fatalf("Apply kind %d key %q rev %d: %v, want ErrConflict", op.Kind, op.Key, op.Rev, r.Err)
	}
}

func mustGet(t *testing.T, s store.Store, key string) store.Entry {
	t.Helper()
	e, err := s.Keys().Get(ctx, key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if e.Key != key {
		t.Fatalf("Get(%q).Key = %q", key, e.Key)
	}
	return e
}

func wantValue(t *testing.T, s store.Store, key, value string, rev uint64) {
	t.Helper()
	e := mustGet(t, s, key)
	if string(e.Value) != value || e.Revision != rev {
		t.Fatalf("Get(%q) = %q rev %d, want %q rev %d", key, e.Value, e.Revision, value, rev)
	}
}

func wantMissing(t *testing.T, s store.Store, key string) {
	t.Helper()
	if e, err := s.Keys().Get(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%q) = %+v, %v; want ErrNotFound", key, e, err)
	}
}

func scan(t *testing.T, s store.Store, prefix string) []string {
	t.Helper()
	var out []string
	if err := s.Keys().Scan(ctx, prefix, func(e store.Entry) bool {
		out = append(out, e.Key+"="+string(e.Value))
		return true
	}); err != nil {
		t.Fatalf("Scan(%q): %v", prefix, err)
	}
	return out
}

func put(key, value string) store.Op {
	return store.Op{Kind: store.OpPut, Key: key, Value: []byte(value)}
}

func cas(key string, rev uint64, value string) store.Op {
	return store.Op{Kind: store.OpCAS, Key: key, Rev: rev, Value: []byte(value)}
}

func del(key string, rev uint64) store.Op {
	return store.Op{Kind: store.OpDelete, Key: key, Rev: rev}
}

var keyCases = []testCase{
	{"Keys/GetMissing", func(t *testing.T, s store.Store) {
		wantMissing(t, s, "nope")
	}},
	{"Keys/PutAndGet", func(t *testing.T, s store.Store) {
		r1 := applyOK(t, s, put("k", "one"))
		wantValue(t, s, "k", "one", r1)
		r2 := applyOK(t, s, put("k", "two"))
		if r2 <= r1 {
			t.Fatalf("second put revision %d, first %d: revisions must grow", r2, r1)
		}
		wantValue(t, s, "k", "two", r2)
		if e := mustGet(t, s, "k"); !e.ExpiresAt.IsZero() {
			t.Fatalf("ExpiresAt = %v for a key without TTL", e.ExpiresAt)
		}
		// An empty value is a value.
		r3 := applyOK(t, s, put("empty", ""))
		wantValue(t, s, "empty", "", r3)
	}},
	{"Keys/CASCreate", func(t *testing.T, s store.Store) {
		rev := applyOK(t, s, cas("dedupe/order-1", 0, "intent"))
		wantValue(t, s, "dedupe/order-1", "intent", rev)
		wantConflict(t, s, cas("dedupe/order-1", 0, "again"))
		wantValue(t, s, "dedupe/order-1", "intent", rev)
	}},
	{"Keys/CASUpdate", func(t *testing.T, s store.Store) {
		r1 := applyOK(t, s, cas("k", 0, "v1"))
		r2 := applyOK(t, s, cas("k", r1, "v2"))
		if r2 <= r1 {
			t.Fatalf("CAS revision %d after %d", r2, r1)
		}
		wantConflict(t, s, cas("k", r1, "stale"))
		wantConflict(t, s, cas("k", r2+1000, "future"))
		wantConflict(t, s, cas("missing", r2, "x"))
		wantValue(t, s, "k", "v2", r2)
		wantMissing(t, s, "missing")
	}},
	{"Keys/Delete", func(t *testing.T, s store.Store) {
		r1 := applyOK(t, s, put("k", "v"))
		wantConflict(t, s, del("k", r1+1000))
		wantValue(t, s, "k", "v", r1)
		applyOK(t, s, del("k", r1))
		wantMissing(t, s, "k")
		wantConflict(t, s, del("k", r1))
		// Rev 0 deletes whatever is there, and a missing key is no error.
		applyOK(t, s, put("k2", "v"))
		applyOK(t, s, del("k2", 0))
		wantMissing(t, s, "k2")
		applyOK(t, s, del("never", 0))
		// A key deleted and created again never gets an old revision back.
		r3 := applyOK(t, s, cas("k", 0, "again"))
		if r3 <= r1 {
			t.Fatalf("recreated key has revision %d, not above %d", r3, r1)
		}
		wantConflict(t, s, cas("k", r1, "stale"))
	}},
	{"Keys/ApplyEachOpOnItsOwn", func(t *testing.T, s store.Store) {
		res := apply(t, s,
			cas("a", 0, "first"),
			cas("a", 0, "second"), // sees the first
			put("b", "b"),
			del("c", 7), // missing, rev given: conflict
		)
		if res[0].Err != nil || res[2].Err != nil {
			t.Fatalf("results %+v", res)
		}
		if !errors.Is(res[1].Err, store.ErrConflict) || !errors.Is(res[3].Err, store.ErrConflict) {
			t.Fatalf("results %+v: want conflicts for ops 1 and 3", res)
		}
		wantValue(t, s, "a", "first", res[0].Rev)
		wantValue(t, s, "b", "b", res[2].Rev)
		if res, err := s.Keys().Apply(ctx); err != nil || len(res) != 0 {
			t.Fatalf("Apply of nothing = %v, %v", res, err)
		}
	}},
	{"Keys/ValuesAreCopied", func(t *testing.T, s store.Store) {
		v := []byte("original")
		rev := applyOK(t, s, store.Op{Kind: store.OpPut, Key: "k", Value: v})
		v[0] = 'X'
		e := mustGet(t, s, "k")
		e.Value[1] = 'Y'
		wantValue(t, s, "k", "original", rev)
	}},
	{"Keys/TTL", func(t *testing.T, s store.Store) {
		const ttl = 600 * time.Millisecond
		start := time.Now()
		rev := applyOK(t, s, store.Op{Kind: store.OpCAS, Key: "ttl/k", Value: []byte("v"), TTL: ttl})
		applyOK(t, s, put("ttl/forever", "f"))
		e := mustGet(t, s, "ttl/k")
		if e.Revision != rev || e.ExpiresAt.Before(start.Add(ttl-50*time.Millisecond)) ||
			e.ExpiresAt.After(time.Now().Add(ttl+50*time.Millisecond)) {
			t.Fatalf("entry %+v: want rev %d expiring about %v from %v", e, rev, ttl, start)
		}
		eventually(t, 5*time.Second, "the key to expire", func() bool {
			_, err := s.Keys().Get(ctx, "ttl/k")
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Get: %v", err)
			}
			return err != nil
		})
		if time.Since(start) < ttl {
			t.Fatalf("key gone after %v, before its TTL of %v", time.Since(start), ttl)
		}
		if got := scan(t, s, "ttl/"); fmt.Sprint(got) != "[ttl/forever=f]" {
			t.Fatalf("Scan after expiry = %v", got)
		}
		// Expired is absent: a create succeeds, a CAS on the old revision
		// does not.
		wantConflict(t, s, cas("ttl/k", rev, "stale"))
		r2 := applyOK(t, s, cas("ttl/k", 0, "new"))
		wantValue(t, s, "ttl/k", "new", r2)
	}},
	{"Keys/ScanOrderAndPrefix", func(t *testing.T, s store.Store) {
		for _, k := range []string{"a/2", "b/1", "a/10", "a", "a/1", "ab"} {
			applyOK(t, s, put(k, "v"+k))
		}
		if got := scan(t, s, "a/"); fmt.Sprint(got) != "[a/1=va/1 a/10=va/10 a/2=va/2]" {
			t.Fatalf("Scan(a/) = %v", got)
		}
		if got := scan(t, s, ""); fmt.Sprint(got) != "[a=va a/1=va/1 a/10=va/10 a/2=va/2 ab=vab b/1=vb/1]" {
			t.Fatalf("Scan() = %v", got)
		}
		if got := scan(t, s, "zzz"); len(got) != 0 {
			t.Fatalf("Scan(zzz) = %v", got)
		}
		var first []string
		if err := s.Keys().Scan(ctx, "a", func(e store.Entry) bool {
			first = append(first, e.Key)
			return len(first) < 2
		}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(first) != "[a a/1]" {
			t.Fatalf("Scan stopped after %v, want [a a/1]", first)
		}
		// Entries carry their revision.
		if err := s.Keys().Scan(ctx, "b/", func(e store.Entry) bool {
			if e.Revision != mustGet(t, s, e.Key).Revision || e.Revision == 0 {
				t.Fatalf("Scan entry %+v: wrong revision", e)
			}
			return true
		}); err != nil {
			t.Fatal(err)
		}
	}},
	{"Keys/ConcurrentCASOneWinnerPerRevision", func(t *testing.T, s store.Store) {
		const workers, incs = 8, 25
		applyOK(t, s, cas("counter", 0, "0"))
		var (
			mu   sync.Mutex
			wins = map[uint64]int{} // revision a winner replaced → winners
			wg   sync.WaitGroup
		)
		errs := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				for done := 0; done < incs; {
					e, err := s.Keys().Get(ctx, "counter")
					if err != nil {
						errs <- err
						return
					}
					n, _ := strconv.Atoi(string(e.Value))
					res, err := s.Keys().Apply(ctx, cas("counter", e.Revision, strconv.Itoa(n+1)))
					if err != nil {
						errs <- err
						return
					}
					switch {
					case res[0].Err == nil:
						mu.Lock()
						wins[e.Revision]++
						mu.Unlock()
						done++
					case !errors.Is(res[0].Err, store.ErrConflict):
						errs <- res[0].Err
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
		for rev, n := range wins {
			if n != 1 {
				t.Fatalf("%d CAS winners on revision %d", n, rev)
			}
		}
		if e := mustGet(t, s, "counter"); string(e.Value) != strconv.Itoa(workers*incs) {
			t.Fatalf("counter = %s, want %d (lost updates)", e.Value, workers*incs)
		}
	}},
	{"Keys/ConcurrentCreateOneWinner", func(t *testing.T, s store.Store) {
		const workers = 16
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []int
		)
		for w := range workers {
			wg.Go(func() {
				res, err := s.Keys().Apply(ctx, cas("dedupe/once", 0, strconv.Itoa(w)))
				if err != nil {
					t.Error(err)
					return
				}
				if res[0].Err == nil {
					mu.Lock()
					winners = append(winners, w)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("%d creators won: %v", len(winners), winners)
		}
		if e := mustGet(t, s, "dedupe/once"); string(e.Value) != strconv.Itoa(winners[0]) {
			t.Fatalf("value %s, winner %d", e.Value, winners[0])
		}
	}},
}
