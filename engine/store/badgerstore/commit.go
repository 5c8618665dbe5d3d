package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/transload/transload/engine/store"
)

// The committer is the one goroutine that writes to Badger. Callers queue
// requests; each time it wakes, the committer takes everything queued (a
// round), writes it in as few transactions as Badger's limits allow, calls
// db.Sync once if anything in the round must be durable, and then wakes the
// round's waiters by closing one channel. While it syncs, the next round
// queues up: under load one fsync serves many callers, with no timer-based
// delay when there is no load.

type reqKind uint8

const (
	reqApply reqKind = iota
	reqDLPut
	reqDLDelete
	reqAudit
	// Lazy requests: nobody waits, they are synced within lazySyncInterval.
	// reqOldInbox deletes the Badger keys of messages moved into the
	// inbox's log (inbox.migrate).
	reqOldInbox
	reqApplyLazy
)

type request struct {
	kind  reqKind
	round *round
	err   error // this request's own outcome, set before round.done closes

	ops     []store.Op     // reqApply
	results []store.Result // reqApply
	id      string         // reqDLPut, reqDLDelete
	created time.Time      // reqDLPut
	meta    []byte         // reqDLPut: index entry
	rec     []byte         // reqDLPut, reqAudit
	flow    string         // reqOldInbox
	seqs    []uint64       // reqOldInbox
}

func (r *request) durable() bool { return r.kind < reqOldInbox }

// round is one commit: its waiters share the channel and the sync's error.
type round struct {
	done chan struct{}
	err  error
}

type committer struct {
	s *Store

	mu      sync.Mutex
	queue   []*request
	spare   []*request
	cur     *round
	closing bool

	kick chan struct{}
	quit chan struct{}

	// Owned by the loop goroutine.
	ctr      counters
	unsynced bool // committed writes not synced yet (lazy ones)
	lazy     *time.Timer
	gatherT  *time.Timer
	syncTime time.Duration // moving average of the committer's syncs
	finalErr error

	rounds atomic.Uint64

	// revs remembers the revision of the keys the committer wrote lately,
	// so that a compare-and-set of one of them (a delivery's result after
	// its intent) need not read it back from Badger. The committer is the
	// only writer, so what it wrote last is what Badger holds. Bounded:
	// it starts over when it holds maxCachedRevs keys.
	revs map[string]cachedRev
}

// cachedRev is a key's state as the committer last wrote it.
type cachedRev struct {
	rev     uint64
	expires int64 // Unix nanoseconds; 0: never
	deleted bool
}

const maxCachedRevs = 1 << 16

func (c *committer) init(s *Store, ctr counters) {
	c.s = s
	c.ctr = ctr
	c.kick = make(chan struct{}, 1)
	c.quit = make(chan struct{})
}

// enqueue queues r; the caller then waits on r.round.done (durable
// requests) or returns (lazy ones).
func (c *committer) enqueue(r *request) error {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return store.ErrClosed
	}
	if c.cur == nil {
		c.cur = &round{done: make(chan struct{})}
	}
	r.round = c.cur
	c.queue = append(c.queue, r)
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
	return nil
}

// wait waits for r's round. A cancelled ctx stops the wait, not the write:
// the request may still be committed.
func (c *committer) wait(ctx context.Context, r *request) error {
	select {
	case <-r.round.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if r.err != nil {
		return r.err
	}
	return r.round.err
}

// submit queues a durable request and waits for it.
func (c *committer) submit(ctx context.Context, r *request) error {
	if err := c.enqueue(r); err != nil {
		return err
	}
	return c.wait(ctx, r)
}

func (c *committer) stop() {
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	close(c.quit)
}

func (c *committer) loop() {
	defer c.s.bg.Done()
	var lazyC <-chan time.Time
	for {
		select {
		case <-c.kick:
			for {
				woken := c.runPending()
				if woken == 0 {
					break
				}
				c.gather(woken)
			}
		case <-lazyC:
			lazyC = nil
			c.syncLazy()
		case <-c.quit:
			// closing is set: nothing is queued after this take.
			c.runPending()
			c.syncLazy()
			if c.lazy != nil {
				c.lazy.Stop()
			}
			if c.gatherT != nil {
				c.gatherT.Stop()
			}
			return
		}
		if c.unsynced && lazyC == nil {
			if c.lazy == nil {
				c.lazy = time.NewTimer(lazySyncInterval)
			} else {
				c.lazy.Reset(lazySyncInterval)
			}
			lazyC = c.lazy.C
		}
	}
}

// runPending runs a round with what is queued and returns how many
// waiters it woke.
func (c *committer) runPending() int {
	c.mu.Lock()
	reqs, rd := c.queue, c.cur
	c.queue, c.cur, c.spare = c.spare[:0], nil, nil
	c.mu.Unlock()
	if len(reqs) == 0 {
		return 0
	}
	woken := 0
	for _, r := range reqs {
		if r.durable() {
			woken++
		}
	}
	c.runRound(reqs, rd)
	clear(reqs)
	c.mu.Lock()
	c.spare = reqs[:0]
	c.mu.Unlock()
	return woken
}

// gather waits a little before the next round so that the callers the
// last round just woke can queue their next writes and share its sync.
// Without it, two callers writing in a loop fall into step with the
// committer, each alone in every other round: one sync per write. The wait
// ends as soon as as many requests as were woken have joined the ones
// already queued, and never lasts more than a quarter of a sync (capped at
// maxGatherWait), so a lone caller loses nothing and a slow disk gains most.
func (c *committer) gather(woken int) {
	window := min(maxGatherWait, c.syncTime/4)
	if window <= 0 {
		return
	}
	c.mu.Lock()
	target := len(c.queue) + woken
	c.mu.Unlock()
	if c.gatherT == nil {
		c.gatherT = time.NewTimer(window)
	} else {
		c.gatherT.Reset(window)
	}
	defer c.gatherT.Stop()
	for {
		c.mu.Lock()
		n, closing := len(c.queue), c.closing
		c.mu.Unlock()
		if n >= target || closing {
			return
		}
		select {
		case <-c.kick:
		case <-c.gatherT.C:
			return
		case <-c.quit:
			return
		}
	}
}

// sync syncs, timing it for gather. The caller holds writeMu.
func (c *committer) sync() error {
	start := time.Now()
	err := c.s.sync()
	d := time.Since(start)
	if c.syncTime == 0 {
		c.syncTime = d
	} else {
		c.syncTime += (d - c.syncTime) / 8
	}
	return err
}

func (c *committer) syncLazy() {
	if !c.unsynced || c.s.failed.Load() != nil {
		return
	}
	c.s.writeMu.Lock()
	err := c.sync()
	c.s.writeMu.Unlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.unsynced = false
}

func (c *committer) fail(err error) {
	if c.s.failed.CompareAndSwap(nil, &err) {
		c.s.log.Error("badgerstore: write failed; the store refuses writes until restarted", "err", err)
	}
	if c.finalErr == nil {
		c.finalErr = fmt.Errorf("badgerstore: write failed: %w", err)
	}
}

func (c *committer) runRound(reqs []*request, rd *round) {
	c.rounds.Add(1)
	s := c.s
	if err := s.failure(); err != nil {
		rd.err = err
	} else {
		now := time.Now()
		s.writeMu.Lock()
		w := batch{c: c}
		for _, r := range reqs {
			w.durable = r.durable()
			c.apply(&w, r, now)
			if w.err != nil {
				break
			}
		}
		w.commit()
		if w.err == nil && w.unsyncedDurable {
			if err := c.sync(); err != nil {
				w.err = err
			} else {
				c.unsynced = false
			}
		}
		s.writeMu.Unlock()
		if w.err != nil {
			c.fail(w.err)
			rd.err = fmt.Errorf("badgerstore: write: %w", w.err)
		}
	}
	close(rd.done)
}

func (c *committer) apply(w *batch, r *request, now time.Time) {
	switch r.kind {
	case reqApply, reqApplyLazy:
		r.results = make([]store.Result, len(r.ops))
		for i := range r.ops {
			r.results[i] = c.applyOp(w, &r.ops[i], now)
		}
	case reqDLPut:
		c.putDeadLetter(w, r)
	case reqDLDelete:
		k := deadLetterKey(r.id)
		w.room(2, entrySize(k, 0)+entrySize(make([]byte, 17), 0))
		old, ok := w.get(k)
		if !ok {
			r.err = store.ErrNotFound
			return
		}
		w.del(k)
		if len(old) >= 16 {
			w.del(append([]byte{pDLIndex}, old[:16]...))
		}
	case reqAudit:
		c.ctr.audit++
		k := auditKey(c.ctr.audit)
		w.room(1, entrySize(k, len(r.rec)))
		w.set(k, r.rec, 0)
	case reqOldInbox:
		for _, seq := range r.seqs {
			hk, rk := inboxKey(pInboxHeader, r.flow, seq), inboxKey(pInboxRecord, r.flow, seq)
			w.room(2, entrySize(hk, 0)+entrySize(rk, 0))
			w.del(hk)
			w.del(rk)
		}
	}
}

// applyOp performs one key-store operation. Only this goroutine writes, so
// reading the current revision and writing the new one in the same
// transaction is atomic: there is exactly one winner per revision.
func (c *committer) applyOp(w *batch, op *store.Op, now time.Time) store.Result {
	k := kvKey(op.Key)
	w.room(1, entrySize(k, len(op.Value)+2*binaryMaxVarint))
	var (
		found bool
		rev   uint64
	)
	// A put writes whatever is there: only a compare-and-set and a
	// delete need the current revision.
	if op.Kind != store.OpPut {
		found, rev = c.revision(w, k, op.Key, now)
	}
	if w.err != nil {
		return store.Result{Err: w.err}
	}
	switch op.Kind {
	case store.OpCAS:
		if (op.Rev == 0 && found) || (op.Rev != 0 && (!found || rev != op.Rev)) {
			return store.Result{Rev: rev, Err: store.ErrConflict}
		}
	case store.OpDelete:
		if op.Rev != 0 && (!found || rev != op.Rev) {
			return store.Result{Rev: rev, Err: store.ErrConflict}
		}
		if found {
			w.del(k)
			c.remember(op.Key, cachedRev{deleted: true})
		}
		return store.Result{}
	}
	c.ctr.rev++
	var expires int64
	var badgerExp uint64
	if op.TTL > 0 {
		t := now.Add(op.TTL)
		expires = t.UnixNano()
		// Badger's expiry is in whole seconds and a key is gone once the
		// clock reaches it: round up, so Badger never drops a key before
		// our own, exact check (on every read) says it expired.
		sec := t.Unix()
		if t.Nanosecond() > 0 {
			sec++
		}
		badgerExp = uint64(sec)
	}
	w.set(k, encodeKV(c.ctr.rev, expires, op.Value), badgerExp)
	c.remember(op.Key, cachedRev{rev: c.ctr.rev, expires: expires})
	return store.Result{Rev: c.ctr.rev}
}

// revision reads the live revision of the key record k (key is its name
// for the log).
func (c *committer) revision(w *batch, k []byte, key string, now time.Time) (found bool, rev uint64) {
	if cr, ok := c.revs[key]; ok {
		if cr.deleted || cr.expires != 0 && cr.expires <= now.UnixNano() {
			return false, 0
		}
		return true, cr.rev
	}
	cur, ok := w.get(k)
	if !ok {
		return false, 0
	}
	r, exp, _, err := decodeKVMeta(cur)
	if err != nil {
		// An unreadable record is treated as absent: a put replaces it.
		c.s.log.Warn("badgerstore: unreadable key record", "key", key, "err", err)
		return false, 0
	}
	if exp == 0 || exp > now.UnixNano() {
		return true, r
	}
	return false, 0
}

// remember caches what the committer wrote to key. A failed write fails
// the store, which then writes nothing more: the cache cannot mislead.
func (c *committer) remember(key string, cr cachedRev) {
	if c.revs == nil || len(c.revs) >= maxCachedRevs {
		c.revs = make(map[string]cachedRev, 1024)
	}
	c.revs[key] = cr
}

func (c *committer) putDeadLetter(w *batch, r *request) {
	k := deadLetterKey(r.id)
	w.room(4, entrySize(k, len(r.rec)+16)+2*entrySize(make([]byte, 17), len(r.meta)))
	var seq uint64
	if old, ok := w.get(k); ok && len(old) >= 16 {
		// Replacing (an edit): keep its place among equal creation times.
		seq = beUint64(old[8:16])
		w.del(append([]byte{pDLIndex}, old[:16]...))
	} else {
		c.ctr.dl++
		seq = c.ctr.dl
	}
	ik := dlIndexKey(r.created, seq)
	v := make([]byte, 0, 16+len(r.rec))
	v = append(v, ik[1:]...)
	v = append(v, r.rec...)
	w.set(k, v, 0)
	w.set(ik, r.meta, 0)
}

const binaryMaxVarint = 10

// entrySize is what Badger counts against a transaction for an entry: key,
// value (or a 12-byte pointer when the value goes to the value log), meta,
// version, plus some slack.
func entrySize(key []byte, valueLen int) int64 {
	v := int64(valueLen)
	if valueLen >= valueThreshold {
		v = 12
	}
	return int64(len(key)) + v + 2 + 10 + 16
}

// batch is the committer's open transaction within a round.
type batch struct {
	c   *committer
	txn *badger.Txn

	size, count int64
	durable     bool // the request being applied must be durable
	txnDurable  bool // the open transaction holds durable writes
	// unsyncedDurable: durable writes were committed and not synced. A
	// round syncs before it opens another transaction, so that a memtable
	// rotation caused by the next transaction can never leave durable
	// writes in an unsynced log (doc.go).
	unsyncedDurable bool
	err             error
}

// room makes sure the open transaction can take n more entries of the
// given estimated size, committing it and opening another if needed.
func (w *batch) room(n int, size int64) {
	if w.err != nil {
		return
	}
	meta := entrySize(metaCountersKey, 33)
	lim := w.c.s.maxBatchSize - meta
	if w.txn != nil && w.count > 0 &&
		(w.count+int64(n)+1 >= w.c.s.maxBatchCount || w.size+size >= lim) {
		w.commit()
	}
	if w.txn == nil && w.err == nil {
		w.begin()
	}
}

func (w *batch) begin() {
	if w.unsyncedDurable {
		if err := w.c.sync(); err != nil {
			w.err = err
			return
		}
		w.unsyncedDurable = false
		w.c.unsynced = false
	}
	w.txn = w.c.s.db.NewTransaction(true)
	w.size, w.count, w.txnDurable = 0, 0, false
}

func (w *batch) set(k, v []byte, expiresAt uint64) {
	if w.err != nil {
		return
	}
	e := badger.NewEntry(k, v)
	e.ExpiresAt = expiresAt
	if err := w.txn.SetEntry(e); err != nil {
		w.err = err
		return
	}
	w.added(entrySize(k, len(v)))
}

func (w *batch) del(k []byte) {
	if w.err != nil {
		return
	}
	if err := w.txn.Delete(k); err != nil {
		w.err = err
		return
	}
	w.added(entrySize(k, 0))
}

func (w *batch) added(size int64) {
	w.size += size
	w.count++
	if w.durable {
		w.txnDurable = true
	}
}

// get reads k as the open transaction sees it (its own writes included).
func (w *batch) get(k []byte) ([]byte, bool) {
	if w.err != nil {
		return nil, false
	}
	if w.txn == nil {
		w.begin()
		if w.err != nil {
			return nil, false
		}
	}
	item, err := w.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false
	}
	if err != nil {
		w.err = err
		return nil, false
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		w.err = err
		return nil, false
	}
	return v, true
}

func (w *batch) commit() {
	if w.txn == nil {
		return
	}
	txn := w.txn
	w.txn = nil
	if w.err != nil || w.count == 0 {
		txn.Discard()
		return
	}
	if err := txn.Set(metaCountersKey, w.c.ctr.encode()); err != nil {
		txn.Discard()
		w.err = err
		return
	}
	if err := txn.Commit(); err != nil {
		w.err = err
		return
	}
	w.c.unsynced = true
	if w.txnDurable {
		w.unsyncedDurable = true
	}
}
