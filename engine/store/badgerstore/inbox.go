package badgerstore

import (
	"sync/atomic"

	"bytes"
	"container/heap"
	"container/list"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/transload/transload/engine/store/wal"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/transload/transload/engine/store"
)

// The inbox keeps, per flow, an index of its messages in memory: ready ones
// in sequence order, delayed ones by NotBefore, claimed ones by lease
// deadline. It is rebuilt at Open from the small header records alone, so
// Claim costs O(claimed), never O(backlog); the envelopes stay on disk until
// claimed.

type msgState uint8

const (
	stPending msgState = iota // being appended, not durable yet
	stReady
	stDelayed
	stClaimed
)

type msg struct {
	id        string
	seq       uint64
	notBefore time.Time
	state     msgState
	// gen changes with every state change; queue entries carry the gen they
	// were pushed with and are skipped once it no longer matches (lazy
	// removal from the heaps and the FIFO).
	gen      uint32
	lease    *list.Element
	deadline time.Time
	// pos is where the log holds m's latest put record.
	pos wal.Pos
	// retry is the latest Retry of m while its write is queued: Claim
	// decodes its record instead of reading the old one from the log.
	retry *pendingRetry
}

// pendingRetry is a retry's envelope record until the log has it.
type pendingRetry struct{ rec []byte }

type qent struct {
	m   *msg
	gen uint32
	seq uint64
	at  int64 // NotBefore, Unix nanoseconds (delayed heap)
}

func (q qent) live() bool { return q.m.gen == q.gen }

type flowQ struct {
	name string

	mu   sync.Mutex
	msgs map[string]*msg
	// fifo holds messages that became ready on arrival, in sequence order
	// (the committer appends them in the order it numbered them); back
	// holds the ones that came back (released, retried, lease lapsed), by
	// sequence. Claim merges the two.
	fifo    []qent
	head    int
	back    seqHeap
	delayed timeHeap
	leases  list.List // claimed messages, oldest lease first

	nReady, nDelayed, nClaimed, nPending int
}

func (f *flowQ) depth() int { return f.nReady + f.nDelayed + f.nClaimed }

func (f *flowQ) count(st msgState, d int) {
	switch st {
	case stPending:
		f.nPending += d
	case stReady:
		f.nReady += d
	case stDelayed:
		f.nDelayed += d
	case stClaimed:
		f.nClaimed += d
	}
}

// setState moves m to st, keeping the counters and invalidating queue
// entries. m.lease is the caller's.
func (f *flowQ) setState(m *msg, st msgState) {
	f.count(m.state, -1)
	f.count(st, +1)
	m.state = st
	m.gen++
}

// remove drops m from the index.
func (f *flowQ) remove(m *msg) {
	if m.lease != nil {
		f.leases.Remove(m.lease)
		m.lease = nil
	}
	f.count(m.state, -1)
	m.gen++
	delete(f.msgs, m.id)
}

// makeReady puts m back among the ready ones (or the delayed ones when its
// NotBefore is ahead).
func (f *flowQ) makeReady(m *msg, now time.Time) {
	if m.lease != nil {
		f.leases.Remove(m.lease)
		m.lease = nil
	}
	if m.notBefore.After(now) {
		f.setState(m, stDelayed)
		heap.Push(&f.delayed, qent{m: m, gen: m.gen, seq: m.seq, at: m.notBefore.UnixNano()})
		return
	}
	f.setState(m, stReady)
	heap.Push(&f.back, qent{m: m, gen: m.gen, seq: m.seq})
}

// arrive adds a message that has just become durable (or was found at
// Open); seq must be above every seq pushed to fifo before.
func (f *flowQ) arrive(m *msg, now time.Time) {
	if m.notBefore.After(now) {
		f.setState(m, stDelayed)
		heap.Push(&f.delayed, qent{m: m, gen: m.gen, seq: m.seq, at: m.notBefore.UnixNano()})
		return
	}
	f.setState(m, stReady)
	f.fifo = append(f.fifo, qent{m: m, gen: m.gen, seq: m.seq})
}

// tidy returns lapsed leases and due delayed messages to the ready ones.
func (f *flowQ) tidy(now time.Time) {
	for e := f.leases.Front(); e != nil; e = f.leases.Front() {
		m := e.Value.(*msg)
		if m.deadline.After(now) {
			break
		}
		f.makeReady(m, now)
	}
	n := now.UnixNano()
	for len(f.delayed) > 0 {
		top := f.delayed[0]
		if !top.live() {
			heap.Pop(&f.delayed)
			continue
		}
		if top.at > n {
			break
		}
		heap.Pop(&f.delayed)
		f.setState(top.m, stReady)
		heap.Push(&f.back, qent{m: top.m, gen: top.m.gen, seq: top.m.seq})
	}
}

// popReady takes the ready message with the lowest sequence.
func (f *flowQ) popReady() *msg {
	for f.head < len(f.fifo) && !f.fifo[f.head].live() {
		f.fifo[f.head] = qent{}
		f.head++
	}
	for len(f.back) > 0 && !f.back[0].live() {
		heap.Pop(&f.back)
	}
	var m *msg
	switch {
	case f.head < len(f.fifo) && (len(f.back) == 0 || f.fifo[f.head].seq < f.back[0].seq):
		m = f.fifo[f.head].m
		f.fifo[f.head] = qent{}
		f.head++
	case len(f.back) > 0:
		m = heap.Pop(&f.back).(qent).m
	}
	if f.head > 1024 && f.head*2 > len(f.fifo) {
		n := copy(f.fifo, f.fifo[f.head:])
		clear(f.fifo[n:])
		f.fifo = f.fifo[:n]
		f.head = 0
	}
	return m
}

func (f *flowQ) nextReady() time.Time {
	for len(f.delayed) > 0 {
		if top := f.delayed[0]; top.live() {
			return top.m.notBefore
		}
		heap.Pop(&f.delayed)
	}
	return time.Time{}
}

type seqHeap []qent

func (h seqHeap) Len() int           { return len(h) }
func (h seqHeap) Less(i, j int) bool { return h[i].seq < h[j].seq }
func (h seqHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *seqHeap) Push(x any)        { *h = append(*h, x.(qent)) }
func (h *seqHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = qent{}
	*h = old[:len(old)-1]
	return x
}

type timeHeap []qent

func (h timeHeap) Len() int { return len(h) }
func (h timeHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h timeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timeHeap) Push(x any)   { *h = append(*h, x.(qent)) }
func (h *timeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = qent{}
	*h = old[:len(old)-1]
	return x
}

// inbox implements store.Inbox.
type inbox struct {
	s     *Store
	mu    sync.RWMutex
	flows map[string]*flowQ

	log  *wal.Log
	seq  atomic.Uint64 // the last sequence number given
	segs segments
}

func (in *inbox) init(s *Store) {
	in.s = s
	in.flows = make(map[string]*flowQ)
}

func (in *inbox) flow(name string, create bool) *flowQ {
	in.mu.RLock()
	f := in.flows[name]
	in.mu.RUnlock()
	if f != nil || !create {
		return f
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if f = in.flows[name]; f == nil {
		f = &flowQ{name: name, msgs: make(map[string]*msg)}
		in.flows[name] = f
	}
	return f
}

func (in *inbox) Append(ctx context.Context, msgs ...*store.Envelope) error {
	s := in.s
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	if err := s.failure(); err != nil {
		return err
	}
	// Validate and encode outside any lock: this is the part that scales
	// with the callers.
	items := make([]appendItem, len(msgs))
	for i, e := range msgs {
		if err := in.validate(e); err != nil {
			return err
		}
		// The envelope is encoded behind room for the log record's
		// prefix, which needs the sequence number taken later: the body
		// is copied once, not twice.
		hdr := encodeHeader(e.ID, e.NotBefore)
		room := putRoom(e.Flow, hdr)
		buf := appendEnvelope(make([]byte, room, room+envelopeSize(e)), e)
		items[i] = appendItem{hdr: hdr, rec: buf[room:], framed: buf, notBefore: e.NotBefore}
	}
	// Reserve room in every flow touched, all or nothing. Flows are locked
	// in name order so that concurrent multi-flow appends cannot deadlock.
	names := make([]string, 0, 1)
	for _, e := range msgs {
		if !slices.Contains(names, e.Flow) {
			names = append(names, e.Flow)
		}
	}
	sort.Strings(names)
	fqs := make([]*flowQ, len(names))
	for i, n := range names {
		fqs[i] = in.flow(n, true)
		fqs[i].mu.Lock()
	}
	unlock := func() {
		for _, f := range fqs {
			f.mu.Unlock()
		}
	}
	byName := func(n string) int { return sort.SearchStrings(names, n) }

	// A message whose id is already in its flow's inbox (or earlier in
	// this call) is not stored again: ingress retries are idempotent while
	// the first copy waits. If that copy is not durable yet, this call
	// still waits for it (see below).
	fresh := make([]bool, len(msgs))
	counts := make([]int, len(names))
	waitForOthers := false
	var inCall map[[2]string]bool
	if len(msgs) > 1 {
		inCall = make(map[[2]string]bool, len(msgs))
	}
	for i, e := range msgs {
		fi := byName(e.Flow)
		if m := fqs[fi].msgs[e.ID]; m != nil {
			waitForOthers = waitForOthers || m.state == stPending
			continue
		}
		if inCall != nil {
			k := [2]string{e.Flow, e.ID}
			if inCall[k] {
				continue
			}
			inCall[k] = true
		}
		fresh[i] = true
		counts[fi]++
	}
	for i, f := range fqs {
		if held := f.depth() + f.nPending; held+counts[i] > s.opts.InboxCapacity {
			unlock()
			return fmt.Errorf("badgerstore: flow %q holds %d messages of %d: %w",
				f.name, held, s.opts.InboxCapacity, store.ErrFull)
		}
	}
	keep := items[:0]
	for i, e := range msgs {
		if !fresh[i] {
			continue
		}
		f := fqs[byName(e.Flow)]
		m := &msg{id: e.ID, state: stPending, notBefore: e.NotBefore}
		f.msgs[e.ID] = m
		f.nPending++
		it := items[i]
		it.fq, it.m = f, m
		keep = append(keep, it)
	}
	if len(keep) == 0 && !waitForOthers {
		unlock()
		return nil
	}
	// Numbered and queued under the flows' locks: a flow's sequence
	// numbers follow the order its appends reach the log, which writes
	// them in that order and calls written in it too; an Append that
	// finds these messages pending is queued after this one and returns
	// only once they are durable.
	recs := make([][]byte, len(keep))
	for i := range keep {
		keep[i].seq = in.seq.Add(1)
		recs[i] = encodePutInto(keep[i].framed, keep[i].fq.name, keep[i].seq, keep[i].hdr)
	}
	p, err := in.log.Enqueue(true, recs, func(pos []wal.Pos, err error) { in.written(keep, pos, err) })
	if err != nil {
		for _, it := range keep {
			it.fq.remove(it.m)
		}
		unlock()
		return logErr(err)
	}
	unlock()
	_, err = p.Wait(ctx)
	return logErr(err)
}

// logErr is an error of the inbox's log as the store reports it: the log
// closed by a Close racing the call is the store's ErrClosed.
func logErr(err error) error {
	if errors.Is(err, wal.ErrClosed) {
		return fmt.Errorf("%w (%w)", store.ErrClosed, err)
	}
	return err
}

func (in *inbox) validate(e *store.Envelope) error {
	switch {
	case e == nil:
		return errors.New("badgerstore: nil envelope")
	case e.Flow == "":
		return errors.New("badgerstore: envelope without a flow")
	case e.ID == "":
		return fmt.Errorf("badgerstore: envelope without an id in flow %q", e.Flow)
	case len(e.Flow) > maxKeyLen || len(e.ID) > maxKeyLen:
		return fmt.Errorf("badgerstore: flow name or id over %d bytes", maxKeyLen)
	case len(e.Body) > in.s.opts.MaxValueSize:
		return fmt.Errorf("badgerstore: message %q: body of %d bytes is over %d: %w",
			e.ID, len(e.Body), in.s.opts.MaxValueSize, ErrTooLarge)
	}
	return nil
}

func (in *inbox) rollback(items []appendItem) {
	for _, it := range items {
		it.fq.mu.Lock()
		if it.fq.msgs[it.m.id] == it.m {
			it.fq.remove(it.m)
		}
		it.fq.mu.Unlock()
	}
}

// written is called by the log, in the order of the appends, once their
// records are durable: the messages become claimable, or are forgotten if
// the write failed.
func (in *inbox) written(items []appendItem, pos []wal.Pos, err error) {
	if err != nil {
		in.rollback(items)
		return
	}
	now := time.Now()
	var f *flowQ
	for i := range items {
		it := &items[i]
		if it.fq != f {
			if f != nil {
				f.mu.Unlock()
			}
			f = it.fq
			f.mu.Lock()
		}
		it.m.seq, it.m.pos = it.seq, pos[i]
		in.segs.add(pos[i].Seg, 1)
		it.fq.arrive(it.m, now)
	}
	if f != nil {
		f.mu.Unlock()
	}
}

// appendItem is one message of an Append on its way into the log.
type appendItem struct {
	fq       *flowQ
	m        *msg
	hdr, rec []byte
	// framed is rec behind the room encodePutInto fills.
	framed    []byte
	notBefore time.Time
	seq       uint64
}

type claimed struct {
	m   *msg
	gen uint32
	seq uint64
	pos wal.Pos
	rec []byte // a queued retry's record, read-only
}

func (in *inbox) Claim(ctx context.Context, flow string, max int) ([]*store.Envelope, error) {
	s := in.s
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.exit()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []*store.Envelope{}
	f := in.flow(flow, false)
	if f == nil || max <= 0 {
		return out, nil
	}
	now := time.Now()
	var picked []claimed
	f.mu.Lock()
	f.tidy(now)
	for len(picked) < max {
		m := f.popReady()
		if m == nil {
			break
		}
		f.setState(m, stClaimed)
		m.deadline = now.Add(s.opts.LeaseTimeout)
		m.lease = f.leases.PushBack(m)
		p := claimed{m: m, gen: m.gen, seq: m.seq, pos: m.pos}
		if m.retry != nil {
			p.rec = m.retry.rec
		}
		picked = append(picked, p)
	}
	f.mu.Unlock()
	if len(picked) == 0 {
		return out, nil
	}

	var lost []claimed // in the index, not on disk
	err := func() error {
		// One read for the records that are near each other in the log.
		var at []wal.Pos
		for _, p := range picked {
			if p.rec == nil {
				at = append(at, p.pos)
			}
		}
		bodies, errs := in.log.ReadMany(at)
		for _, p := range picked {
			if p.rec != nil {
				// The log owns rec until it has written it: copy.
				e, err := decodeEnvelope(bytes.Clone(p.rec))
				if err != nil {
					return err
				}
				out = append(out, e)
				continue
			}
			b, err := bodies[0], errs[0]
			bodies, errs = bodies[1:], errs[1:]
			if errors.Is(err, wal.ErrGone) {
				lost = append(lost, p)
				continue
			}
			if err != nil {
				return err
			}
			_, _, _, rec, err := decodePut(b)
			if err != nil {
				return fmt.Errorf("badgerstore: message %s/%d: %w", flow, p.seq, err)
			}
			e, err := decodeEnvelope(rec)
			if err != nil {
				return fmt.Errorf("badgerstore: message %s/%d: %w", flow, p.seq, err)
			}
			out = append(out, e)
		}
		return nil
	}()
	if err != nil {
		// Give them all back: the caller gets an error, not a partial claim.
		f.mu.Lock()
		for _, p := range picked {
			if p.m.gen == p.gen {
				f.makeReady(p.m, time.Now())
			}
		}
		f.mu.Unlock()
		return nil, fmt.Errorf("badgerstore: claim from %q: %w", flow, err)
	}
	if len(lost) > 0 {
		f.mu.Lock()
		for _, p := range lost {
			// Acked meanwhile by someone else (gen moved on), or a record
			// the log no longer has (its segment removed: never while the
			// message is live, so log it and drop it from the index).
			if p.m.gen == p.gen {
				s.log.Warn("badgerstore: inbox record missing from the log; dropping it", "flow", flow, "id", p.m.id)
				f.remove(p.m)
			}
		}
		f.mu.Unlock()
	}
	return out, nil
}

func (in *inbox) Ack(ctx context.Context, flow string, ids ...string) error {
	return in.finish(ctx, flow, ids, func(f *flowQ, m *msg, seqs []uint64) []uint64 {
		in.segs.add(m.pos.Seg, -1)
		f.remove(m)
		return append(seqs, m.seq)
	}, true)
}

func (in *inbox) Release(ctx context.Context, flow string, ids ...string) error {
	return in.finish(ctx, flow, ids, func(f *flowQ, m *msg, seqs []uint64) []uint64 {
		if m.state == stClaimed {
			f.makeReady(m, time.Now())
		}
		return seqs
	}, false)
}

// finish applies fn to each known, durable message among ids under the
// flow's lock and, for acks, queues the deletes (under the lock, so the
// committer sees them in the order the index changed).
func (in *inbox) finish(ctx context.Context, flow string, ids []string,
	fn func(*flowQ, *msg, []uint64) []uint64, ack bool) error {
	s := in.s
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f := in.flow(flow, false)
	if f == nil || len(ids) == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var seqs []uint64
	for _, id := range ids {
		if m := f.msgs[id]; m != nil && m.state != stPending {
			seqs = fn(f, m, seqs)
		}
	}
	if ack && len(seqs) > 0 {
		// Lazy. A failed enqueue (the store is closing) loses the acks,
		// which is what a crash would do: the messages run again.
		if _, err := in.log.Enqueue(false, [][]byte{encodeAck(flow, seqs)}, nil); err != nil {
			return logErr(err)
		}
		in.collect()
	}
	return nil
}

func (in *inbox) Retry(ctx context.Context, e *store.Envelope) error {
	s := in.s
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := in.validate(e); err != nil {
		return err
	}
	if err := s.failure(); err != nil {
		return err
	}
	hdr, rec := encodeHeader(e.ID, e.NotBefore), encodeEnvelope(e)
	f := in.flow(e.Flow, false)
	if f == nil {
		return fmt.Errorf("badgerstore: retry %q in flow %q: %w", e.ID, e.Flow, store.ErrNotFound)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.msgs[e.ID]
	if m == nil || m.state == stPending {
		return fmt.Errorf("badgerstore: retry %q in flow %q: %w", e.ID, e.Flow, store.ErrNotFound)
	}
	// Lazy: if this write is lost in a crash, the message comes back with
	// its previous NotBefore and attempts, so it runs sooner, never later,
	// and is never lost.
	r := &pendingRetry{rec: rec}
	old := m.pos
	if _, err := in.log.Enqueue(false, [][]byte{encodePut(e.Flow, m.seq, hdr, rec)}, func(pos []wal.Pos, err error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if m.retry != r {
			return // a later retry is queued: it moves the count
		}
		m.retry = nil
		if err != nil || f.msgs[m.id] != m {
			// The log refuses writes now, or the message was acked
			// meanwhile (the ack counted its old record out).
			return
		}
		m.pos = pos[0]
		in.segs.add(old.Seg, -1)
		in.segs.add(pos[0].Seg, 1)
	}); err != nil {
		return logErr(err)
	}
	m.retry = r
	m.notBefore = e.NotBefore
	f.makeReady(m, time.Now())
	return nil
}

func (in *inbox) Stats(ctx context.Context, flow string) (store.Stats, error) {
	s := in.s
	if s.closed.Load() {
		return store.Stats{}, store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return store.Stats{}, err
	}
	f := in.flow(flow, false)
	if f == nil {
		return store.Stats{}, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tidy(time.Now())
	return store.Stats{
		Depth:     f.depth(),
		Ready:     f.nReady,
		Claimed:   f.nClaimed,
		NextReady: f.nextReady(),
	}, nil
}

func (in *inbox) Flows(ctx context.Context) ([]string, error) {
	s := in.s
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in.mu.RLock()
	fqs := make([]*flowQ, 0, len(in.flows))
	for _, f := range in.flows {
		fqs = append(fqs, f)
	}
	in.mu.RUnlock()
	out := []string{}
	for _, f := range fqs {
		f.mu.Lock()
		if f.depth() > 0 {
			out = append(out, f.name)
		}
		f.mu.Unlock()
	}
	sort.Strings(out)
	return out, nil
}

func beUint64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

var _ store.Inbox = (*inbox)(nil)
