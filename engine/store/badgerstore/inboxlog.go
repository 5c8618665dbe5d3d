package badgerstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/transload/transload/engine/store/wal"
)

// The inbox's records live in a log of their own (package wal) in the
// store's directory, not in Badger: a put per message (its flow, sequence,
// header and envelope) written again by a retry, and an ack record per
// Ack. Its group commit syncs message bodies with one fdatasync per batch,
// off the committer's rounds, which the ledger's writes then have to
// themselves.

const (
	logPut byte = 1
	logAck byte = 2
)

func encodePut(flow string, seq uint64, hdr, rec []byte) []byte {
	e := encoder{b: make([]byte, 0, 16+len(flow)+len(hdr)+len(rec))}
	e.byte(logPut)
	e.uvarint(seq)
	e.str(flow)
	e.bytes(hdr)
	e.b = append(e.b, rec...)
	return e.b
}

// putRoom is the room encodePutInto needs in front of a record.
func putRoom(flow string, hdr []byte) int {
	return 1 + 3*binary.MaxVarintLen64 + len(flow) + len(hdr)
}

// encodePutInto returns what encodePut returns for the record at the end
// of framed, writing the prefix into the room in front of it (putRoom
// bytes) instead of copying the record.
func encodePutInto(framed []byte, flow string, seq uint64, hdr []byte) []byte {
	var a [128]byte
	e := encoder{b: a[:0]}
	e.byte(logPut)
	e.uvarint(seq)
	e.str(flow)
	e.bytes(hdr)
	start := putRoom(flow, hdr) - len(e.b)
	copy(framed[start:], e.b)
	return framed[start:]
}

func encodeAck(flow string, seqs []uint64) []byte {
	e := encoder{b: make([]byte, 0, 8+len(flow)+5*len(seqs))}
	e.byte(logAck)
	e.str(flow)
	e.uvarint(uint64(len(seqs)))
	for _, s := range seqs {
		e.uvarint(s)
	}
	return e.b
}

// decodePut returns the parts of a put record; rec aliases b.
func decodePut(b []byte) (flow string, seq uint64, hdr, rec []byte, err error) {
	d := decoder{b: b}
	if d.byte() != logPut {
		return "", 0, nil, nil, errCorrupt
	}
	seq = d.uvarint()
	flow = d.str()
	hdr = d.bytes()
	if d.err != nil {
		return "", 0, nil, nil, d.err
	}
	return flow, seq, hdr, d.b, nil
}

// segments counts, per log segment, the messages whose latest record is
// in it; segments below the first one that holds any are removed.
type segments struct {
	mu    sync.Mutex
	live  map[uint64]int
	first uint64 // the oldest segment still on disk
	busy  bool   // a removal runs
}

func (sg *segments) add(seg uint64, d int) {
	sg.mu.Lock()
	sg.live[seg] += d
	if sg.live[seg] == 0 {
		delete(sg.live, seg)
	}
	sg.mu.Unlock()
}

// collect removes the segments no live message needs any more, in the
// background, one removal at a time.
func (in *inbox) collect() {
	sg := &in.segs
	active := in.log.Active()
	sg.mu.Lock()
	low := active
	for s := range sg.live {
		low = min(low, s)
	}
	if sg.busy || low <= sg.first {
		sg.mu.Unlock()
		return
	}
	sg.busy = true
	sg.mu.Unlock()
	go func() {
		err := in.log.RemoveBelow(context.Background(), low)
		sg.mu.Lock()
		sg.busy = false
		if err == nil {
			sg.first = low
		}
		sg.mu.Unlock()
		if err != nil {
			in.s.log.Warn("badgerstore: removing inbox log segments", "err", err)
		}
	}()
}

// openLog opens the inbox's log and rebuilds the index from it.
func (in *inbox) openLog(dir string) error {
	type entry struct {
		seq uint64
		id  string
		nb  time.Time
		pos wal.Pos
	}
	byFlow := map[string]map[uint64]*entry{}
	var maxSeq uint64
	first := uint64(0)
	replay := func(p wal.Pos, b []byte) error {
		if first == 0 {
			first = p.Seg
		}
		if len(b) == 0 {
			return errCorrupt
		}
		switch b[0] {
		case logPut:
			flow, seq, hdr, _, err := decodePut(b)
			if err != nil {
				return fmt.Errorf("inbox log %v: %w", p, err)
			}
			id, nb, err := decodeHeader(hdr)
			if err != nil {
				return fmt.Errorf("inbox log %v: %w", p, err)
			}
			m := byFlow[flow]
			if m == nil {
				m = map[uint64]*entry{}
				byFlow[flow] = m
			}
			m[seq] = &entry{seq: seq, id: id, nb: nb, pos: p}
			maxSeq = max(maxSeq, seq)
		case logAck:
			d := decoder{b: b[1:]}
			flow := d.str()
			n := d.count()
			for range n {
				delete(byFlow[flow], d.uvarint())
			}
			if d.err != nil {
				return fmt.Errorf("inbox log %v: %w", p, d.err)
			}
		default:
			return fmt.Errorf("inbox log %v: record kind %d: %w", p, b[0], errCorrupt)
		}
		return nil
	}
	l, err := wal.Open(dir, wal.Options{LazySync: lazySyncInterval, SegmentSize: in.s.opts.inboxSegmentSize}, replay)
	if errors.Is(err, wal.ErrCorrupt) {
		return fmt.Errorf("the inbox log in %s is damaged (%w): restore the data directory from a backup (transload restore), "+
			"or move the damaged segment out of %s to start without the messages it holds", dir, err, dir)
	}
	if err != nil {
		return err
	}
	in.log = l
	in.segs.live = map[uint64]int{}
	in.segs.first = first
	if first == 0 {
		in.segs.first = l.Active()
	}
	now := time.Now()
	for flow, m := range byFlow {
		entries := make([]*entry, 0, len(m))
		for _, e := range m {
			entries = append(entries, e)
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].seq < entries[j].seq })
		f := in.flow(flow, true)
		for _, e := range entries {
			if _, dup := f.msgs[e.id]; dup {
				in.s.log.Warn("badgerstore: duplicate message id in inbox; keeping the first", "flow", flow, "id", e.id)
				continue
			}
			msg := &msg{id: e.id, seq: e.seq, notBefore: e.nb, state: stPending, pos: e.pos}
			f.nPending++
			f.msgs[e.id] = msg
			f.arrive(msg, now)
			in.segs.live[e.pos.Seg]++
		}
	}
	in.seq.Store(maxSeq)
	return nil
}

// migrate moves messages an older version kept in Badger (header and
// record keys under their flow and sequence; also what restoring an older
// backup gives) into the log, in their order, then deletes them from
// Badger. It runs at Open, with the committer running. A crash in between
// leaves both copies; the next Open finds the ids in the log and only
// deletes.
func (in *inbox) migrate(ctx context.Context) error {
	type old struct {
		flow     string
		seq      uint64
		hdr, rec []byte
	}
	var olds []old
	err := in.s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pInboxHeader}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			flow, seq, ok := parseInboxKey(it.Item().Key())
			if !ok {
				return fmt.Errorf("inbox key %x: %w", it.Item().Key(), errCorrupt)
			}
			hdr, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			item, err := txn.Get(inboxKey(pInboxRecord, flow, seq))
			if err != nil {
				return fmt.Errorf("inbox record of %s/%d: %w", flow, seq, err)
			}
			rec, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			olds = append(olds, old{flow, seq, hdr, rec})
		}
		return nil
	})
	if err != nil || len(olds) == 0 {
		return err
	}
	var items []appendItem
	var recs [][]byte
	gone := map[string][]uint64{}
	for _, o := range olds {
		gone[o.flow] = append(gone[o.flow], o.seq)
		id, nb, err := decodeHeader(o.hdr)
		if err != nil {
			return fmt.Errorf("inbox header of %s/%d: %w", o.flow, o.seq, err)
		}
		f := in.flow(o.flow, true)
		if _, ok := f.msgs[id]; ok {
			continue // moved before a crash
		}
		m := &msg{id: id, state: stPending, notBefore: nb}
		f.msgs[id] = m
		f.nPending++
		it := appendItem{fq: f, m: m, hdr: o.hdr, rec: o.rec, notBefore: nb, seq: in.seq.Add(1)}
		items = append(items, it)
		recs = append(recs, encodePut(o.flow, it.seq, o.hdr, o.rec))
	}
	if len(items) > 0 {
		p, err := in.log.Enqueue(true, recs, func(pos []wal.Pos, err error) { in.written(items, pos, err) })
		if err != nil {
			return err
		}
		if _, err := p.Wait(ctx); err != nil {
			return err
		}
	}
	for flow, seqs := range gone {
		if err := in.s.c.submit(ctx, &request{kind: reqOldInbox, flow: flow, seqs: seqs}); err != nil {
			return err
		}
	}
	in.s.log.Info("badgerstore: moved the inbox into its log", "messages", len(items))
	return nil
}

// backupMsg is one message of the inbox as a backup holds it.
type backupMsg struct {
	flow     string
	hdr, rec []byte
}

// snapshot reads every message of the inbox (its latest record), in
// sequence order per flow.
func (in *inbox) snapshot() ([]backupMsg, error) {
	in.mu.RLock()
	fqs := make([]*flowQ, 0, len(in.flows))
	for _, f := range in.flows {
		fqs = append(fqs, f)
	}
	in.mu.RUnlock()
	sort.Slice(fqs, func(i, j int) bool { return fqs[i].name < fqs[j].name })
	var out []backupMsg
	for _, f := range fqs {
		type at struct {
			seq uint64
			pos wal.Pos
			rec []byte
		}
		var list []at
		f.mu.Lock()
		for _, m := range f.msgs {
			if m.state == stPending {
				continue
			}
			a := at{seq: m.seq, pos: m.pos}
			if m.retry != nil {
				a.rec = m.retry.rec
			}
			list = append(list, a)
		}
		f.mu.Unlock()
		sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
		for _, a := range list {
			if a.rec != nil {
				e, err := decodeEnvelope(bytes.Clone(a.rec))
				if err != nil {
					return nil, err
				}
				out = append(out, backupMsg{f.name, encodeHeader(e.ID, e.NotBefore), bytes.Clone(a.rec)})
				continue
			}
			b, err := in.log.Read(a.pos)
			if err != nil {
				continue // acked and its segment removed meanwhile
			}
			_, _, hdr, rec, err := decodePut(b)
			if err != nil {
				return nil, err
			}
			out = append(out, backupMsg{f.name, hdr, rec})
		}
	}
	return out, nil
}
