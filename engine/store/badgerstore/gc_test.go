package badgerstore_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
)

// TestGCSyncsBeforeRemovingValueLog drives Badger's value-log GC to rewrite
// and remove a file, and checks that the store synced in between (the hook
// keyed on Badger's "Removing fid" message: if a Badger upgrade changes the
// message, this test fails instead of the store silently losing the sync)
// and that the live values survived the rewrite.
func TestGCSyncsBeforeRemovingValueLog(t *testing.T) {
	dir := t.TempDir()
	opts := badgerstore.Options{GCInterval: -1, MaxValueSize: 1 << 20}
	badgerstore.SetValueLogFileSize(&opts, 2<<20)
	s := open(t, dir, opts)
	body := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 200<<10) } // > value threshold
	const n = 40
	for i := 0; i < n; i += 5 {
		ops := make([]store.Op, 5)
		for j := range ops {
			ops[j] = store.Op{Key: fmt.Sprint("big/", i+j), Value: body(i + j)}
		}
		if _, err := s.Keys().Apply(ctx, ops...); err != nil {
			t.Fatal(err)
		}
	}
	// Keep every fifth value, delete the rest: most of each value-log file
	// becomes garbage, the rest must be moved.
	var dels []store.Op
	for i := range n {
		if i%5 != 0 {
			dels = append(dels, store.Op{Kind: store.OpDelete, Key: fmt.Sprint("big/", i)})
		}
	}
	if _, err := s.Keys().Apply(ctx, dels...); err != nil {
		t.Fatal(err)
	}
	// Close flushes the memtable into a level-0 table; a few more make
	// level 0 due for compaction, which merges the deletes over the values
	// and so tells Badger how much of each file is dead.
	for i := range 6 { // level 0 over its limit of four tables
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = open(t, dir, opts)
		if _, err := s.Keys().Apply(ctx, store.Op{Key: fmt.Sprint("flush", i), Value: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DB().Flatten(2); err != nil {
		t.Fatal(err)
	}
	before := s.Syncs()
	t1 := time.Now()
	s.RunGC()
	gcTime := time.Since(t1)
	if s.VlogRemoves() == 0 {
		t.Fatal("Badger's GC removed no value-log file: the test no longer drives it")
	}
	if s.Syncs() == before {
		t.Fatal("a value-log file was removed without a sync before it")
	}
	for i := 0; i < n; i += 5 {
		e, err := s.Keys().Get(ctx, fmt.Sprint("big/", i))
		if err != nil || !bytes.Equal(e.Value, body(i)) {
			t.Fatalf("value %d damaged by GC: %v", i, err)
		}
	}
	t.Logf("GC removed %d value-log files in %v", s.VlogRemoves(), gcTime)
}
