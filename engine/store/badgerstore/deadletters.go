package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/transload/transload/engine/store"
)

// deadLetters implements store.DeadLetters. Each dead letter is one record
// under its id plus an index entry keyed by creation time that holds what
// List filters on, so a listing reads only the dead letters it returns.
type deadLetters struct{ s *Store }

func (d *deadLetters) Put(ctx context.Context, dl *store.DeadLetter) error {
	s := d.s
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	switch {
	case dl == nil:
		return errors.New("badgerstore: nil dead letter")
	case dl.ID == "":
		return errors.New("badgerstore: dead letter without an id")
	case len(dl.ID) > maxKeyLen:
		return fmt.Errorf("badgerstore: dead letter id over %d bytes", maxKeyLen)
	case dl.Envelope != nil && len(dl.Envelope.Body) > s.opts.MaxValueSize:
		return fmt.Errorf("badgerstore: dead letter %q: body of %d bytes is over %d: %w",
			dl.ID, len(dl.Envelope.Body), s.opts.MaxValueSize, ErrTooLarge)
	}
	if err := s.failure(); err != nil {
		return err
	}
	c := *dl
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	m := dlMeta{id: c.ID, reason: c.Reason, class: c.Class}
	if c.Envelope != nil {
		m.flow = c.Envelope.Flow
	}
	r := &request{kind: reqDLPut, id: c.ID, created: c.CreatedAt, rec: encodeDeadLetter(&c), meta: encodeDLMeta(m)}
	return s.c.submit(ctx, r)
}

func (d *deadLetters) Get(ctx context.Context, id string) (*store.DeadLetter, error) {
	s := d.s
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.exit()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var dl *store.DeadLetter
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		dl, err = getDeadLetter(txn, id)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("badgerstore: dead letter %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("badgerstore: dead letter %q: %w", id, err)
	}
	return dl, nil
}

func getDeadLetter(txn *badger.Txn, id string) (*store.DeadLetter, error) {
	item, err := txn.Get(deadLetterKey(id))
	if err != nil {
		return nil, err
	}
	b, err := item.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	if len(b) < 16 {
		return nil, errCorrupt
	}
	return decodeDeadLetter(b[16:])
}

func (d *deadLetters) List(ctx context.Context, f store.DeadLetterFilter) ([]*store.DeadLetter, error) {
	s := d.s
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.exit()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []*store.DeadLetter{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pDLIndex}, PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if f.Limit > 0 && len(out) >= f.Limit {
				return nil
			}
			var m dlMeta
			if err := it.Item().Value(func(v []byte) error {
				var err error
				m, err = decodeDLMeta(v)
				return err
			}); err != nil {
				return err
			}
			if (f.Flow != "" && m.flow != f.Flow) || (f.Reason != "" && m.reason != f.Reason) ||
				(f.Class != "" && m.class != f.Class) {
				continue
			}
			dl, err := getDeadLetter(txn, m.id)
			if err != nil {
				return fmt.Errorf("dead letter %q: %w", m.id, err)
			}
			out = append(out, dl)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("badgerstore: list dead letters: %w", err)
	}
	return out, nil
}

func (d *deadLetters) Delete(ctx context.Context, id string) error {
	s := d.s
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.failure(); err != nil {
		return err
	}
	err := s.c.submit(ctx, &request{kind: reqDLDelete, id: id})
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("badgerstore: dead letter %q: %w", id, err)
	}
	return err
}

// auditLog implements store.Audit: records under increasing sequence keys,
// never rewritten.
type auditLog struct{ s *Store }

func (a *auditLog) Append(ctx context.Context, r store.AuditRecord) error {
	s := a.s
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.failure(); err != nil {
		return err
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	return s.c.submit(ctx, &request{kind: reqAudit, rec: encodeAudit(&r)})
}

func (a *auditLog) List(ctx context.Context, limit int) ([]store.AuditRecord, error) {
	s := a.s
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.exit()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []store.AuditRecord{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pAudit}, PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if limit > 0 && len(out) >= limit {
				return nil
			}
			var r store.AuditRecord
			if err := it.Item().Value(func(v []byte) error {
				var err error
				r, err = decodeAudit(v)
				return err
			}); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("badgerstore: list audit records: %w", err)
	}
	return out, nil
}

var (
	_ store.DeadLetters = (*deadLetters)(nil)
	_ store.Audit       = (*auditLog)(nil)
)
