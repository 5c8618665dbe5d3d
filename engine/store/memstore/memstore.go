// Package memstore is an in-memory Store: nothing survives the process.
// It serves `transload eval` and flow tests (which must leave no trace),
// and the engine's own unit tests. It follows the documented semantics of
// package store exactly, durability aside.
//
// Imports: engine/store and the standard library.
package memstore

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/transload/transload/engine/store"
)

// Store is an in-memory store.Store.
type Store struct {
	mu       sync.Mutex
	closed   bool
	now      func() time.Time
	capacity int

	seq     uint64
	inboxes map[string]*inbox
	keys    map[string]store.Entry
	rev     uint64
	dead    map[string]*store.DeadLetter
	deadSeq map[string]uint64
	audit   []store.AuditRecord
}

type inbox struct {
	msgs    map[string]*item
	claimed map[string]bool
}

type item struct {
	seq uint64
	env *store.Envelope
}

// Options configure a Store.
type Options struct {
	// InboxCapacity is the per-flow limit (0: 100000).
	InboxCapacity int
	// Now is the clock (time.Now by default).
	Now func() time.Time
}

// New returns an empty store.
func New(o Options) *Store {
	if o.InboxCapacity == 0 {
		o.InboxCapacity = 100000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{now: o.Now, capacity: o.InboxCapacity, inboxes: map[string]*inbox{}, keys: map[string]store.Entry{}, dead: map[string]*store.DeadLetter{}, deadSeq: map[string]uint64{}}
}

// Inbox implements store.Store.
func (s *Store) Inbox() store.Inbox { return (*inboxes)(s) }

// Keys implements store.Store.
func (s *Store) Keys() store.KeyStore { return (*keys)(s) }

// DeadLetters implements store.Store.
func (s *Store) DeadLetters() store.DeadLetters { return (*deadLetters)(s) }

// Audit implements store.Store.
func (s *Store) Audit() store.Audit { return (*audit)(s) }

// Close implements store.Store; it is safe twice.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

func (s *Store) lock() error {
	return s.lockCtx(context.Background())
}

func (s *Store) lockCtx(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return store.ErrClosed
	}
	return nil
}

func clone(e *store.Envelope) *store.Envelope {
	c := *e
	c.Attempts = slices.Clone(e.Attempts)
	return &c
}

type inboxes Store

func (s *inboxes) box(flow string) *inbox {
	b, ok := s.inboxes[flow]
	if !ok {
		b = &inbox{msgs: map[string]*item{}, claimed: map[string]bool{}}
		s.inboxes[flow] = b
	}
	return b
}

func (s *inboxes) Append(ctx context.Context, msgs ...*store.Envelope) error {
	if err := (*Store)(s).lockCtx(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	// An id already in the inbox is not stored again (a retried submit).
	count := map[string]int{}
	var fresh []*store.Envelope
	seen := map[string]bool{}
	for _, m := range msgs {
		if _, dup := s.box(m.Flow).msgs[m.ID]; dup || seen[m.Flow+"\x00"+m.ID] {
			continue
		}
		seen[m.Flow+"\x00"+m.ID] = true
		fresh = append(fresh, m)
		count[m.Flow]++
	}
	msgs = fresh
	for flow, n := range count {
		if len(s.box(flow).msgs)+n > s.capacity {
			return store.ErrFull
		}
	}
	for _, m := range msgs {
		s.seq++
		s.box(m.Flow).msgs[m.ID] = &item{seq: s.seq, env: clone(m)}
	}
	return nil
}

func (s *inboxes) Claim(ctx context.Context, flow string, max int) ([]*store.Envelope, error) {
	if err := (*Store)(s).lockCtx(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	b := s.box(flow)
	now := s.now()
	var ready []*item
	for id, it := range b.msgs {
		if !b.claimed[id] && !now.Before(it.env.NotBefore) {
			ready = append(ready, it)
		}
	}
	sort.Slice(ready, func(i, j int) bool { return ready[i].seq < ready[j].seq })
	out := []*store.Envelope{}
	for _, it := range ready {
		if len(out) == max {
			break
		}
		b.claimed[it.env.ID] = true
		out = append(out, clone(it.env))
	}
	return out, nil
}

func (s *inboxes) Ack(ctx context.Context, flow string, ids ...string) error {
	if err := (*Store)(s).lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	b := s.box(flow)
	for _, id := range ids {
		delete(b.msgs, id)
		delete(b.claimed, id)
	}
	return nil
}

func (s *inboxes) Retry(ctx context.Context, e *store.Envelope) error {
	if err := (*Store)(s).lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	b := s.box(e.Flow)
	it, ok := b.msgs[e.ID]
	if !ok {
		// Acked meanwhile: do not bring a finished message back.
		return store.ErrNotFound
	}
	it.env = clone(e)
	delete(b.claimed, e.ID)
	return nil
}

func (s *inboxes) Release(ctx context.Context, flow string, ids ...string) error {
	if err := (*Store)(s).lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, id := range ids {
		delete(s.box(flow).claimed, id)
	}
	return nil
}

func (s *inboxes) Stats(ctx context.Context, flow string) (store.Stats, error) {
	if err := (*Store)(s).lock(); err != nil {
		return store.Stats{}, err
	}
	defer s.mu.Unlock()
	b := s.box(flow)
	now := s.now()
	st := store.Stats{Depth: len(b.msgs), Claimed: len(b.claimed)}
	for id, it := range b.msgs {
		switch {
		case b.claimed[id]:
		case now.Before(it.env.NotBefore):
			if st.NextReady.IsZero() || it.env.NotBefore.Before(st.NextReady) {
				st.NextReady = it.env.NotBefore
			}
		default:
			st.Ready++
		}
	}
	return st, nil
}

func (s *inboxes) Flows(ctx context.Context) ([]string, error) {
	if err := (*Store)(s).lock(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []string
	for name, b := range s.inboxes {
		if len(b.msgs) > 0 {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

type keys Store

func (s *keys) live(k string) (store.Entry, bool) {
	e, ok := s.keys[k]
	if ok && !e.ExpiresAt.IsZero() && !s.now().Before(e.ExpiresAt) {
		delete(s.keys, k)
		return store.Entry{}, false
	}
	return e, ok
}

func (s *keys) Get(ctx context.Context, key string) (store.Entry, error) {
	if err := (*Store)(s).lock(); err != nil {
		return store.Entry{}, err
	}
	defer s.mu.Unlock()
	e, ok := s.live(key)
	if !ok {
		return store.Entry{}, store.ErrNotFound
	}
	e.Value = slices.Clone(e.Value)
	return e, nil
}

func (s *keys) Apply(ctx context.Context, ops ...store.Op) ([]store.Result, error) {
	if err := (*Store)(s).lockCtx(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]store.Result, len(ops))
	for i, op := range ops {
		cur, exists := s.live(op.Key)
		switch op.Kind {
		case store.OpCAS:
			if exists && cur.Revision != op.Rev || !exists && op.Rev != 0 {
				out[i].Err = store.ErrConflict
				continue
			}
		case store.OpDelete:
			if op.Rev != 0 && (!exists || cur.Revision != op.Rev) {
				out[i].Err = store.ErrConflict
				continue
			}
			delete(s.keys, op.Key)
			continue
		}
		s.rev++
		e := store.Entry{Key: op.Key, Value: slices.Clone(op.Value), Revision: s.rev}
		if op.TTL > 0 {
			e.ExpiresAt = s.now().Add(op.TTL)
		}
		s.keys[op.Key] = e
		out[i].Rev = s.rev
	}
	return out, nil
}

func (s *keys) Scan(ctx context.Context, prefix string, fn func(store.Entry) bool) error {
	if err := (*Store)(s).lock(); err != nil {
		return err
	}
	var list []store.Entry
	for k := range s.keys {
		if strings.HasPrefix(k, prefix) {
			if e, ok := s.live(k); ok {
				e.Value = slices.Clone(e.Value)
				list = append(list, e)
			}
		}
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].Key < list[j].Key })
	for _, e := range list {
		if !fn(e) {
			break
		}
	}
	return nil
}

type deadLetters Store

func (s *deadLetters) Put(ctx context.Context, d *store.DeadLetter) error {
	if err := (*Store)(s).lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	c := *d
	if _, ok := s.deadSeq[d.ID]; !ok {
		s.seq++
		s.deadSeq[d.ID] = s.seq
	}
	s.dead[d.ID] = &c
	return nil
}

func (s *deadLetters) Get(ctx context.Context, id string) (*store.DeadLetter, error) {
	if err := (*Store)(s).lock(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	d, ok := s.dead[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	c := *d
	return &c, nil
}

func (s *deadLetters) List(ctx context.Context, f store.DeadLetterFilter) ([]*store.DeadLetter, error) {
	if err := (*Store)(s).lock(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*store.DeadLetter
	for _, d := range s.dead {
		if f.Flow != "" && d.Envelope.Flow != f.Flow || f.Reason != "" && d.Reason != f.Reason || f.Class != "" && d.Class != f.Class {
			continue
		}
		c := *d
		out = append(out, &c)
	}
	sort.Slice(out, func(i, j int) bool { return s.deadSeq[out[i].ID] < s.deadSeq[out[j].ID] })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (s *deadLetters) Delete(ctx context.Context, id string) error {
	if err := (*Store)(s).lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.dead[id]; !ok {
		return store.ErrNotFound
	}
	delete(s.dead, id)
	delete(s.deadSeq, id)
	return nil
}

type audit Store

func (s *audit) Append(ctx context.Context, r store.AuditRecord) error {
	if err := (*Store)(s).lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.audit = append(s.audit, r)
	return nil
}

func (s *audit) List(ctx context.Context, limit int) ([]store.AuditRecord, error) {
	if err := (*Store)(s).lock(); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := slices.Clone(s.audit)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

var _ store.Store = (*Store)(nil)

// Exclusive implements store.Exclusive: the store lives in one process.
func (s *Store) Exclusive() bool { return true }
