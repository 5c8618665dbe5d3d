package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
	"github.com/transload/transload/engine/store/memstore"
)

// TestCountersAssign: numbers grow by one, a key keeps its number, many
// concurrent keys get distinct numbers, and a sequence wraps after max.
func TestCountersAssign(t *testing.T) {
	ctx := context.Background()
	c := counters{memstore.New(memstore.Options{}).Keys()}
	for i, key := range []string{"a", "b", "a", "c"} {
		n, err := c.Assign(ctx, "isa/ZZ:ACME", key, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := []uint64{1, 2, 1, 3}[i]; n != want {
			t.Fatalf("%s got %d, want %d", key, n, want)
		}
	}
	if n, _ := c.Assign(ctx, "isa/ZZ:OTHER", "a", 0); n != 1 {
		t.Fatalf("sequences are independent; got %d", n)
	}
	var mu sync.Mutex
	seen := map[uint64]string{}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("k%d", i%25) // each key twice, concurrently
			n, err := c.Assign(ctx, "gs", key, 0)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if other, ok := seen[n]; ok && other != key {
				t.Errorf("%d given to %s and %s", n, other, key)
			}
			seen[n] = key
		}()
	}
	wg.Wait()
	if len(seen) != 25 {
		t.Fatalf("%d numbers for 25 keys", len(seen))
	}
	for i, want := range []uint64{1, 2, 3, 1} {
		if n, _ := c.Assign(ctx, "wrap", fmt.Sprint(i), 3); n != want {
			t.Fatalf("wrap %d: got %d, want %d", i, n, want)
		}
	}
}

// TestCountersSurviveRestart: after the store is closed and opened again
// the sequence goes on from where it was, and assigned keys keep theirs.
func TestCountersSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := (counters{st.Keys()}).Assign(ctx, "isa", fmt.Sprint(i), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := counters{st.Keys()}
	if n, _ := c.Assign(ctx, "isa", "2", 0); n != 3 {
		t.Fatalf("key 2 got %d after restart, want 3", n)
	}
	if n, _ := c.Assign(ctx, "isa", "new", 0); n != 6 {
		t.Fatalf("new key got %d after restart, want 6", n)
	}
}

// TestCounterList: every sequence with its last number and how many keys
// it numbered, sorted by name; an empty store lists none.
func TestCounterList(t *testing.T) {
	ctx := context.Background()
	st := memstore.New(memstore.Options{})
	list, err := ListCounters(ctx, st.Keys())
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("empty store: %v %v", list, err)
	}
	c := counters{st.Keys()}
	seq := "x12/ZZ:ACME/12:4405197800"
	for _, k := range []string{"a", "b", "c", "a"} {
		if _, err := c.Assign(ctx, seq+"/isa", k, 999999999); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"a/0", "a/1"} {
		if _, err := c.Assign(ctx, seq+"/st", k, 999999999); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Assign(ctx, "custom", "x", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := AdvanceCounter(ctx, st, CounterChange{Sequence: seq + "/gs", To: 70, Who: "t", Why: "new"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	list, err = ListCounters(ctx, st.Keys())
	if err != nil {
		t.Fatal(err)
	}
	want := []Counter{{"custom", 1, 1}, {seq + "/gs", 70, 0}, {seq + "/isa", 3, 3}, {seq + "/st", 2, 2}}
	if fmt.Sprint(list) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", list, want)
	}
}

// TestCounterAdvance: a sequence moves forward and the next number is the
// one after; moving it back or to where it is is refused and changes
// nothing; every change is audited with the old and new numbers.
func TestCounterAdvance(t *testing.T) {
	ctx := context.Background()
	st := memstore.New(memstore.Options{})
	c := counters{st.Keys()}
	seq := "x12/ZZ:ACME/12:4405197800/isa"
	for _, k := range []string{"a", "b"} {
		if _, err := c.Assign(ctx, seq, k, 999999999); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	done, err := AdvanceCounter(ctx, st, CounterChange{Sequence: seq, To: 4127, Who: "ana", Why: "cutover from the old translator"}, at)
	if err != nil {
		t.Fatal(err)
	}
	if done != (CounterChanged{Sequence: seq, Old: 2, New: 4127}) {
		t.Fatalf("got %+v", done)
	}
	if n, _ := c.Assign(ctx, seq, "c", 999999999); n != 4128 {
		t.Fatalf("next number %d, want 4128", n)
	}
	if n, _ := c.Assign(ctx, seq, "a", 999999999); n != 1 {
		t.Fatalf("a key keeps its number: got %d", n)
	}
	for _, to := range []uint64{4128, 4000, 1} {
		_, err := AdvanceCounter(ctx, st, CounterChange{Sequence: seq, To: to, Who: "ana", Why: "oops"}, at)
		if !errors.Is(err, ErrCounterBackwards) || !strings.Contains(err.Error(), "4128") {
			t.Fatalf("to %d: %v", to, err)
		}
		if to < 4128 && !strings.Contains(err.Error(), "again") {
			t.Fatalf("to %d: the refusal should say numbers would be reused: %v", to, err)
		}
	}
	if n, _ := c.Assign(ctx, seq, "d", 999999999); n != 4129 {
		t.Fatalf("after refusals the next number is %d, want 4129", n)
	}
	// A new partner's sequence is created; a number of zero, one above
	// nine digits for X12, a bad name or no reason is refused.
	done, err = AdvanceCounter(ctx, st, CounterChange{Sequence: "x12/ZZ:ACME/ZZ:NEWCO/gs", To: 41, Who: "ana", Why: "new partner"}, at)
	if err != nil || !done.Created || done.Old != 0 || done.New != 41 {
		t.Fatalf("create: %+v %v", done, err)
	}
	for _, ch := range []CounterChange{
		{Sequence: "x12/ZZ:ACME/ZZ:NEWCO/gs", To: 0},
		{Sequence: "x12/ZZ:ACME/ZZ:NEWCO/st", To: 1000000000},
		{Sequence: "x12/ZZ:ACME/isa", To: 5},
		{Sequence: "x12/ZZ:ACME/ZZ:NEWCO/iea", To: 5},
		{Sequence: "mine/key/x", To: 5},
		{Sequence: "mine/key", To: 5},
		{Sequence: "", To: 5},
		{Sequence: "a//b", To: 5},
	} {
		ch.Who, ch.Why = "ana", "test"
		if _, err := AdvanceCounter(ctx, st, ch, at); !errors.Is(err, ErrCounterInvalid) {
			t.Errorf("%+v: %v", ch, err)
		}
	}
	if _, err := AdvanceCounter(ctx, st, CounterChange{Sequence: seq, To: 5000, Who: "ana"}, at); !errors.Is(err, ErrNeedWhyCounter) {
		t.Fatalf("no why: %v", err)
	}
	if err := CheckSequenceName("orders/acme"); err != nil {
		t.Fatalf("a sequence of another sink: %v", err)
	}
	recs, err := st.Audit().List(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d audit records, want 2 (the refusals write none): %+v", len(recs), recs)
	}
	r := recs[0]
	if r.Action != "counter" || r.Target != seq || r.Who != "ana" || r.Why != "cutover from the old translator" || !r.At.Equal(at) ||
		r.Details["old"] != "2" || r.Details["new"] != "4127" || r.Details["created"] != "false" {
		t.Fatalf("audit record %+v", r)
	}
	if recs[1].Details["created"] != "true" || recs[1].Details["old"] != "0" {
		t.Fatalf("audit record %+v", recs[1])
	}
}

// TestCounterAdvanceConcurrent: while documents are numbered, sequences
// are moved forward again and again. No number is handed out to two keys,
// a number assigned after an advance returned is above its target, and
// the sequence never goes back.
func TestCounterAdvanceConcurrent(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) store.Store{
		"memstore": func(t *testing.T) store.Store { return memstore.New(memstore.Options{}) },
		"badger": func(t *testing.T) store.Store {
			st, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t)
			c := counters{st.Keys()}
			const seq = "x12/ZZ:ACME/12:4405197800/isa"
			var (
				mu       sync.Mutex
				seen     = map[uint64]string{}
				floor    atomic.Uint64 // the highest target an advance has returned
				wg       sync.WaitGroup
				advanced atomic.Int64
			)
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 100 {
						min := floor.Load()
						key := fmt.Sprintf("w%d-%d", w, i)
						n, err := c.Assign(ctx, seq, key, 999999999)
						if err != nil {
							t.Error(err)
							return
						}
						if n <= min {
							t.Errorf("%s got %d after an advance to %d", key, n, min)
						}
						mu.Lock()
						if other, ok := seen[n]; ok {
							t.Errorf("%d handed out to %s and %s", n, other, key)
						}
						seen[n] = key
						mu.Unlock()
					}
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 1; i <= 20; i++ {
					to := uint64(i) * 1000
					done, err := AdvanceCounter(ctx, st, CounterChange{Sequence: seq, To: to, Who: "t", Why: "race"}, time.Now())
					if errors.Is(err, ErrCounterBackwards) {
						continue // the assignments passed it: refused, and nothing moved back
					}
					if err != nil {
						t.Error(err)
						return
					}
					if done.Old >= to {
						t.Errorf("advanced from %d to %d", done.Old, to)
					}
					advanced.Add(1)
					for {
						f := floor.Load()
						if to <= f || floor.CompareAndSwap(f, to) {
							break
						}
					}
				}
			}()
			wg.Wait()
			if len(seen) != 400 {
				t.Fatalf("%d numbers for 400 keys", len(seen))
			}
			list, err := ListCounters(ctx, st.Keys())
			if err != nil {
				t.Fatal(err)
			}
			var maxSeen uint64
			for n := range seen {
				maxSeen = max(maxSeen, n)
			}
			if len(list) != 1 || list[0].Keys != 400 || list[0].Last < maxSeen || list[0].Last < floor.Load() {
				t.Fatalf("list %+v, highest number %d, highest advance %d", list, maxSeen, floor.Load())
			}
			t.Logf("%d advances, last %d", advanced.Load(), list[0].Last)
			recs, _ := st.Audit().List(ctx, 0)
			if advanced.Load() == 0 || int64(len(recs)) != advanced.Load() {
				t.Fatalf("%d audit records for %d advances", len(recs), advanced.Load())
			}
		})
	}
}

// TestCounterAdminAPI: GET /-/counters lists the sequences, POST
// /-/counters moves one forward with the admin token (the same guard as
// the dead-letter endpoints) and refuses to move it back with 409.
func TestCounterAdminAPI(t *testing.T) {
	ctx := context.Background()
	st := memstore.New(memstore.Options{})
	if _, err := (counters{st.Keys()}).Assign(ctx, "x12/ZZ:A/ZZ:B/isa", "k", 999999999); err != nil {
		t.Fatal(err)
	}
	h := New(Options{Store: st, AdminToken: "s3cret"}).handler()
	do := func(method, body, token string) (int, string) {
		req := httptest.NewRequest(method, "/-/counters", strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	code, body := do("GET", "", "")
	if code != 200 || !strings.Contains(body, `"sequence": "x12/ZZ:A/ZZ:B/isa"`) || !strings.Contains(body, `"last": 1`) {
		t.Fatalf("GET: %d %s", code, body)
	}
	set := `{"sequence": "x12/ZZ:A/ZZ:B/isa", "number": 500, "who": "ana", "why": "cutover"}`
	if code, body = do("POST", set, ""); code != 401 {
		t.Fatalf("POST without the token: %d %s", code, body)
	}
	if code, body = do("POST", set, "s3cret"); code != 200 || !strings.Contains(body, `"new": 500`) || !strings.Contains(body, `"old": 1`) {
		t.Fatalf("POST: %d %s", code, body)
	}
	if code, body = do("POST", set, "s3cret"); code != 409 || !strings.Contains(body, "already") {
		t.Fatalf("POST again: %d %s", code, body)
	}
	if code, body = do("POST", `{"sequence": "x12/ZZ:A/ZZ:B/isa", "number": 600, "who": "ana"}`, "s3cret"); code != 400 {
		t.Fatalf("POST without why: %d %s", code, body)
	}
	if code, body = do("GET", "", ""); !strings.Contains(body, `"last": 500`) {
		t.Fatalf("GET after: %d %s", code, body)
	}
}
