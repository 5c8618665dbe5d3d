package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/transload/transload/engine/store"
)

// keyStore implements store.KeyStore. Revisions come from one counter for
// the whole store (like a JetStream KV bucket's stream sequence), so a key
// deleted and created again never reuses a revision a stale CAS could match.
type keyStore struct{ s *Store }

func (k *keyStore) Get(ctx context.Context, key string) (store.Entry, error) {
	s := k.s
	if err := s.enter(); err != nil {
		return store.Entry{}, err
	}
	defer s.exit()
	if err := ctx.Err(); err != nil {
		return store.Entry{}, err
	}
	var ent store.Entry
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(kvKey(key))
		if err != nil {
			return err
		}
		var ok bool
		ent, ok, err = decodeEntry(key, item, time.Now())
		if err == nil && !ok {
			err = badger.ErrKeyNotFound
		}
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return store.Entry{}, fmt.Errorf("badgerstore: key %q: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return store.Entry{}, fmt.Errorf("badgerstore: get %q: %w", key, err)
	}
	return ent, nil
}

// decodeEntry decodes item; ok is false when the entry has expired.
func decodeEntry(key string, item *badger.Item, now time.Time) (store.Entry, bool, error) {
	var ent store.Entry
	ok := false
	err := item.Value(func(v []byte) error {
		rev, exp, val, err := decodeKVMeta(v)
		if err != nil {
			return err
		}
		if exp != 0 && exp <= now.UnixNano() {
			return nil
		}
		ok = true
		ent = store.Entry{Key: key, Value: append([]byte(nil), val...), Revision: rev}
		if exp != 0 {
			ent.ExpiresAt = time.Unix(0, exp).UTC()
		}
		return nil
	})
	return ent, ok, err
}

func (k *keyStore) Apply(ctx context.Context, ops ...store.Op) ([]store.Result, error) {
	s := k.s
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return []store.Result{}, nil
	}
	if err := s.failure(); err != nil {
		return nil, err
	}
	for i := range ops {
		op := &ops[i]
		switch {
		case op.Kind > store.OpDelete:
			return nil, fmt.Errorf("badgerstore: op %d: unknown kind %d", i, op.Kind)
		case op.Key == "":
			return nil, fmt.Errorf("badgerstore: op %d: empty key", i)
		case len(op.Key) > maxKeyLen:
			return nil, fmt.Errorf("badgerstore: op %d: key over %d bytes", i, maxKeyLen)
		case len(op.Value) > s.opts.MaxValueSize:
			return nil, fmt.Errorf("badgerstore: op %d: value of %d bytes is over %d: %w",
				i, len(op.Value), s.opts.MaxValueSize, ErrTooLarge)
		case op.TTL < 0:
			return nil, fmt.Errorf("badgerstore: op %d: negative TTL", i)
		}
	}
	// The committer may still read the ops after a cancelled ctx returned
	// control to the caller: give it its own copy.
	own := make([]store.Op, len(ops))
	for i, op := range ops {
		op.Value = bytes.Clone(op.Value)
		own[i] = op
	}
	lazy := true
	for _, op := range own {
		lazy = lazy && op.Lazy
	}
	if lazy {
		// Nobody waits: the committer writes it with the next round and
		// syncs it within lazySyncInterval.
		if err := s.c.enqueue(&request{kind: reqApplyLazy, ops: own}); err != nil {
			return nil, err
		}
		return make([]store.Result, len(own)), nil
	}
	r := &request{kind: reqApply, ops: own}
	if err := s.c.submit(ctx, r); err != nil {
		return nil, err
	}
	return r.results, nil
}

func (k *keyStore) Scan(ctx context.Context, prefix string, fn func(store.Entry) bool) error {
	s := k.s
	if err := s.enter(); err != nil {
		return err
	}
	defer s.exit()
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now()
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: kvKey(prefix), PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			item := it.Item()
			key := string(item.Key()[1:])
			ent, ok, err := decodeEntry(key, item, now)
			if err != nil {
				return fmt.Errorf("badgerstore: scan %q: key %q: %w", prefix, key, err)
			}
			if ok && !fn(ent) {
				return nil
			}
		}
		return nil
	})
}

var _ store.KeyStore = (*keyStore)(nil)
