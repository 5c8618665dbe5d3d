package badgerstore_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
)

// TestBackupRestore: a backup taken while the store is in use restores
// into a new directory with its inbox, keys and dead letters; restoring
// over an existing store is refused.
func TestBackupRestore(t *testing.T) {
	s := open(t, t.TempDir(), badgerstore.Options{GCInterval: -1})
	env := &store.Envelope{ID: "m1", Flow: "orders", Version: "v1", Body: []byte(`{"id":1}`), ReceivedAt: time.Now().UTC()}
	if err := s.Inbox().Append(ctx, env); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Keys().Apply(ctx, store.Op{Kind: store.OpPut, Key: "dedupe/orders/1", Value: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	dl := &store.DeadLetter{ID: "dl_1", Envelope: env, Class: "business", Reason: "INVALID_MONEY", Message: "24,99", Version: "v1", CreatedAt: time.Now().UTC()}
	if err := s.DeadLetters().Put(ctx, dl); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "restored")
	if err := badgerstore.Restore(dir, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	r := open(t, dir, badgerstore.Options{GCInterval: -1})
	if e, err := r.Keys().Get(ctx, "dedupe/orders/1"); err != nil || string(e.Value) != "x" {
		t.Fatalf("key: %v %q", err, e.Value)
	}
	if got, err := r.DeadLetters().Get(ctx, "dl_1"); err != nil || got.Reason != "INVALID_MONEY" {
		t.Fatalf("dead letter: %v %+v", err, got)
	}
	msgs, err := r.Inbox().Claim(ctx, "orders", 10)
	if err != nil || len(msgs) != 1 || string(msgs[0].Body) != `{"id":1}` {
		t.Fatalf("inbox: %v %d", err, len(msgs))
	}
	if err := badgerstore.Restore(dir, bytes.NewReader(buf.Bytes())); err == nil {
		t.Fatal("a restore over a store was accepted")
	}
}
