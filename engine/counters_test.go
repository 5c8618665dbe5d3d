package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"

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
