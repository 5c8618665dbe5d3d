package wal

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Pos locates a record: its segment, the offset of its header in the
// segment file, and the length of its payload.
type Pos struct {
	Seg uint64
	Off int64
	Len int
}

// Options tune a log; zero values take the defaults.
type Options struct {
	// SegmentSize is the size at which the active segment is closed and a
	// new one started (default 64 MiB). A record larger than it gets a
	// segment of its own.
	SegmentSize int64
	// LazySync bounds how long a lazy append stays unsynced (default
	// 100 ms).
	LazySync time.Duration
}

// Errors.
var (
	ErrClosed  = errors.New("wal: closed")
	ErrCorrupt = errors.New("wal: corrupt record")
	// ErrGone is a Read of a segment RemoveBelow removed.
	ErrGone = errors.New("wal: segment removed")
)

const (
	headerSize  = 8
	maxRecord   = 1 << 30
	suffix      = ".wal"
	defaultSize = 64 << 20
	defaultLazy = 100 * time.Millisecond
	// maxKeptBuffer bounds the write buffer kept between batches: a rare
	// huge batch does not pin its memory.
	maxKeptBuffer = 4 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Log is an open log. Append, Read and RemoveBelow may be called
// concurrently; one goroutine writes.
type Log struct {
	dir  string
	opts Options

	mu     sync.RWMutex // guards files, active
	files  map[uint64]*os.File
	active uint64
	size   int64  // of the active segment; the writer's
	wbuf   []byte // the writer's buffer

	qmu     sync.Mutex // guards queue, closing, failed
	queue   []*request
	closing bool
	failed  error
	kick    chan struct{}
	done    chan struct{}

	syncs     atomic.Int64 // fdatasyncs made
	syncNanos atomic.Int64 // moving average of a sync's duration
}

type request struct {
	recs    [][]byte
	durable bool
	done    func([]Pos, error)
	pos     []Pos
	err     error
	written chan struct{} // closed once written (and synced, if durable)
}

// Pending is a queued append.
type Pending struct{ r *request }

// Wait waits for the append's records to be written (and synced, if it is
// durable) and returns their positions. A cancelled ctx stops the wait,
// not the write.
func (p *Pending) Wait(ctx context.Context) ([]Pos, error) {
	select {
	case <-p.r.written:
		return p.r.pos, p.r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Open opens the log in dir (creating dir if needed), calls replay for
// every record in order, and starts the writer. replay's payload is only
// valid during the call. A torn tail of the last segment is truncated.
func Open(dir string, opts Options, replay func(Pos, []byte) error) (*Log, error) {
	if opts.SegmentSize <= 0 {
		opts.SegmentSize = defaultSize
	}
	if opts.LazySync <= 0 {
		opts.LazySync = defaultLazy
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	segs, err := segments(dir)
	if err != nil {
		return nil, err
	}
	l := &Log{dir: dir, opts: opts, files: map[uint64]*os.File{}, kick: make(chan struct{}, 1), done: make(chan struct{})}
	fail := func(err error) (*Log, error) {
		for _, f := range l.files {
			f.Close()
		}
		return nil, err
	}
	for i, seg := range segs {
		f, err := os.OpenFile(l.path(seg), os.O_RDWR, 0o644)
		if err != nil {
			return fail(fmt.Errorf("wal: %w", err))
		}
		l.files[seg] = f
		end, err := scan(f, seg, replay)
		if err != nil {
			var torn *tornError
			if !errors.As(err, &torn) || i != len(segs)-1 {
				return fail(err)
			}
			// A crash in the middle of the last write: cut it off.
			if err := f.Truncate(torn.at); err != nil {
				return fail(fmt.Errorf("wal: truncating %s: %w", l.path(seg), err))
			}
			if err := f.Sync(); err != nil {
				return fail(fmt.Errorf("wal: %w", err))
			}
			end = torn.at
		}
		l.active, l.size = seg, end
	}
	if len(segs) == 0 {
		if err := l.create(1); err != nil {
			return fail(err)
		}
	}
	go l.loop()
	return l, nil
}

func (l *Log) path(seg uint64) string {
	return filepath.Join(l.dir, fmt.Sprintf("%016x%s", seg, suffix))
}

// segments lists the segment numbers in dir, in order.
func segments(dir string) ([]uint64, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	var out []uint64
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), suffix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		n, err := strconv.ParseUint(name, 16, 64)
		if err != nil || len(name) != 16 {
			continue
		}
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// tornError is a record that ends early or fails its checksum at offset
// at: a torn write when it is the last thing in the log.
type tornError struct {
	seg uint64
	at  int64
	why string
}

func (e *tornError) Error() string {
	return fmt.Sprintf("wal: segment %016x, offset %d: %s: %v", e.seg, e.at, e.why, ErrCorrupt)
}

func (e *tornError) Unwrap() error { return ErrCorrupt }

// scan reads the records of one segment, returning the offset after the
// last good one.
func scan(f *os.File, seg uint64, replay func(Pos, []byte) error) (int64, error) {
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<62))
	if err != nil {
		return 0, fmt.Errorf("wal: reading segment %016x: %w", seg, err)
	}
	var off int64
	for off < int64(len(data)) {
		rest := data[off:]
		if len(rest) < headerSize {
			return off, &tornError{seg, off, "a header cut short"}
		}
		n := int64(binary.LittleEndian.Uint32(rest))
		if n > maxRecord || int64(len(rest)) < headerSize+n {
			return off, &tornError{seg, off, "a record cut short"}
		}
		payload := rest[headerSize : headerSize+n]
		if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(rest[4:]) {
			return off, &tornError{seg, off, "a checksum mismatch"}
		}
		if replay != nil {
			if err := replay(Pos{Seg: seg, Off: off, Len: int(n)}, payload); err != nil {
				return off, err
			}
		}
		off += headerSize + n
	}
	return off, nil
}

// create starts segment seg and makes it the active one.
func (l *Log) create(seg uint64) error {
	f, err := os.OpenFile(l.path(seg), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	if err := syncDir(l.dir); err != nil {
		f.Close()
		return err
	}
	l.mu.Lock()
	l.files[seg] = f
	l.active, l.size = seg, 0
	l.mu.Unlock()
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("wal: syncing %s: %w", dir, err)
	}
	return nil
}

// Append queues recs, in order, and returns their positions once they
// are written: with durable, once they are also synced. A cancelled ctx
// stops the wait, not the write.
func (l *Log) Append(ctx context.Context, durable bool, recs ...[]byte) ([]Pos, error) {
	p, err := l.Enqueue(durable, recs, nil)
	if err != nil {
		return nil, err
	}
	return p.Wait(ctx)
}

// Enqueue queues recs without waiting. Appends are written in the order
// they were queued; done, when not nil, is called by the writer in that
// same order, once the records are written (and synced, if durable), and
// before Wait returns: a caller that must see its appends complete in
// order (an inbox's arrival order) does its bookkeeping there. done must
// not block or call the log.
func (l *Log) Enqueue(durable bool, recs [][]byte, done func([]Pos, error)) (*Pending, error) {
	for _, r := range recs {
		if len(r) > maxRecord {
			return nil, fmt.Errorf("wal: a record of %d bytes is over %d", len(r), maxRecord)
		}
	}
	r := &request{recs: recs, durable: durable, done: done, written: make(chan struct{})}
	l.qmu.Lock()
	switch {
	case l.closing:
		l.qmu.Unlock()
		return nil, ErrClosed
	case l.failed != nil:
		err := l.failed
		l.qmu.Unlock()
		return nil, err
	}
	l.queue = append(l.queue, r)
	l.qmu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
	return &Pending{r}, nil
}

// Read returns the payload at p, checking its checksum.
func (l *Log) Read(p Pos) ([]byte, error) {
	l.mu.RLock()
	f := l.files[p.Seg]
	l.mu.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("wal: segment %016x: %w", p.Seg, ErrGone)
	}
	buf := make([]byte, headerSize+p.Len)
	if _, err := f.ReadAt(buf, p.Off); err != nil {
		return nil, fmt.Errorf("wal: reading %016x@%d: %w", p.Seg, p.Off, err)
	}
	return checkRecord(p, buf)
}

// checkRecord checks the frame of the record at p, read into buf (its
// header and body), and returns the body.
func checkRecord(p Pos, buf []byte) ([]byte, error) {
	if int(binary.LittleEndian.Uint32(buf)) != p.Len || crc32.Checksum(buf[headerSize:], castagnoli) != binary.LittleEndian.Uint32(buf[4:]) {
		return nil, fmt.Errorf("wal: %016x@%d: %w", p.Seg, p.Off, ErrCorrupt)
	}
	return buf[headerSize:], nil
}

// Read coalescing: records of one segment closer than readGap are read
// with the bytes between them, in spans of at most readSpan, so that a
// claim of records appended together costs one read, not one per record.
const (
	readGap  = 4 << 10
	readSpan = 1 << 20
)

// ReadMany reads the records at ps, as Read does each, and returns their
// bodies and errors in the order of ps. Records near each other on disk
// are read together. The bodies may share memory; do not write to them.
func (l *Log) ReadMany(ps []Pos) ([][]byte, []error) {
	bodies, errs := make([][]byte, len(ps)), make([]error, len(ps))
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(ps[a].Seg, ps[b].Seg); c != 0 {
			return c
		}
		return cmp.Compare(ps[a].Off, ps[b].Off)
	})
	for len(order) > 0 {
		first := ps[order[0]]
		end := first.Off + int64(headerSize+first.Len)
		n := 1
		for ; n < len(order); n++ {
			p := ps[order[n]]
			pend := p.Off + int64(headerSize+p.Len)
			if p.Seg != first.Seg || p.Off < end || p.Off-end > readGap || pend-first.Off > readSpan {
				break
			}
			end = pend
		}
		span := order[:n]
		order = order[n:]
		if n == 1 {
			bodies[span[0]], errs[span[0]] = l.Read(first)
			continue
		}
		l.mu.RLock()
		f := l.files[first.Seg]
		l.mu.RUnlock()
		var buf []byte
		var err error
		if f == nil {
			err = fmt.Errorf("wal: segment %016x: %w", first.Seg, ErrGone)
		} else {
			buf = make([]byte, end-first.Off)
			if _, rerr := f.ReadAt(buf, first.Off); rerr != nil {
				err = fmt.Errorf("wal: reading %016x@%d: %w", first.Seg, first.Off, rerr)
			}
		}
		for _, i := range span {
			if err != nil {
				errs[i] = err
				continue
			}
			p := ps[i]
			at := p.Off - first.Off
			bodies[i], errs[i] = checkRecord(p, buf[at:at+int64(headerSize+p.Len):at+int64(headerSize+p.Len)])
		}
	}
	return bodies, errs
}

// Active returns the number of the segment being written.
func (l *Log) Active() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.active
}

// RemoveBelow removes the segments numbered below seg (never the active
// one), once everything written so far is synced.
func (l *Log) RemoveBelow(ctx context.Context, seg uint64) error {
	// A durable empty append is a barrier: it returns once everything
	// queued before it is synced.
	if _, err := l.Append(ctx, true); err != nil {
		return err
	}
	l.mu.Lock()
	var gone []uint64
	for s, f := range l.files {
		if s < seg && s != l.active {
			f.Close()
			delete(l.files, s)
			gone = append(gone, s)
		}
	}
	l.mu.Unlock()
	for _, s := range gone {
		if err := os.Remove(l.path(s)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("wal: %w", err)
		}
	}
	if len(gone) > 0 {
		return syncDir(l.dir)
	}
	return nil
}

// Close writes and syncs what is queued, stops the writer and closes the
// files. It is safe to call twice.
func (l *Log) Close() error {
	l.qmu.Lock()
	already := l.closing
	l.closing = true
	l.qmu.Unlock()
	if !already {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	var err error
	for s, f := range l.files {
		err = errors.Join(err, f.Close())
		delete(l.files, s)
	}
	l.qmu.Lock()
	defer l.qmu.Unlock()
	if l.failed != nil {
		return l.failed
	}
	return err
}

// loop is the writer: each turn takes every queued request, writes their
// records in order with one write per segment, syncs once if any of them
// is durable, and wakes them.
func (l *Log) loop() {
	defer close(l.done)
	unsynced, armed := false, false
	lazy := time.NewTimer(time.Hour)
	lazy.Stop()
	for {
		var syncNow bool
		select {
		case <-l.kick:
		case <-lazy.C:
			syncNow, armed = true, false
		}
		l.qmu.Lock()
		reqs, closing := l.queue, l.closing
		l.queue = nil
		l.qmu.Unlock()
		durable := syncNow || closing
		for _, r := range reqs {
			durable = durable || r.durable
		}
		var err error
		if len(reqs) > 0 {
			err = l.write(reqs)
			unsynced = unsynced || err == nil
		}
		if err == nil && durable && unsynced {
			if err = l.sync(); err == nil {
				unsynced = false
			}
		}
		if err != nil {
			l.qmu.Lock()
			if l.failed == nil {
				l.failed = fmt.Errorf("wal: write failed, the log refuses writes until reopened: %w", err)
			}
			err = l.failed
			l.qmu.Unlock()
		}
		for _, r := range reqs {
			r.err = err
			if r.err != nil {
				r.pos = nil
			}
			if r.done != nil {
				r.done(r.pos, r.err)
			}
			close(r.written)
		}
		// Armed once per unsynced stretch, not pushed back by every lazy
		// append: a steady stream of them is still synced in time.
		if unsynced && !armed {
			lazy.Reset(l.opts.LazySync)
			armed = true
		}
		if woke := durableCount(reqs); woke > 0 && !closing {
			l.gather(woke)
		}
		if closing {
			l.qmu.Lock()
			rest := l.queue
			l.queue = nil
			l.qmu.Unlock()
			for _, r := range rest {
				r.err = ErrClosed
				if r.done != nil {
					r.done(nil, r.err)
				}
				close(r.written)
			}
			lazy.Stop()
			return
		}
	}
}

func durableCount(reqs []*request) int {
	n := 0
	for _, r := range reqs {
		if r.durable {
			n++
		}
	}
	return n
}

// maxGather bounds gather's wait.
const maxGather = 500 * time.Microsecond

// gather waits a little after a turn that woke woken durable callers, so
// that their next appends share the next sync: without it two callers
// appending in a loop fall into step with the writer, each alone in every
// other turn, one sync per append. The wait ends as soon as as many
// appends have come on top of those already queued (which arrived during
// the sync, and are not the woken callers'), and never lasts more than a
// quarter of a sync (at most maxGather): a lone caller loses nothing.
func (l *Log) gather(woken int) {
	window := min(maxGather, time.Duration(l.syncNanos.Load())/4)
	if window <= 0 {
		return
	}
	deadline := time.Now().Add(window)
	l.qmu.Lock()
	want := len(l.queue) + woken
	l.qmu.Unlock()
	for time.Now().Before(deadline) {
		l.qmu.Lock()
		n, closing := len(l.queue), l.closing
		l.qmu.Unlock()
		if n >= want || closing {
			return
		}
		time.Sleep(20 * time.Microsecond)
	}
}

// write appends the records of reqs to the active segment, rotating when
// it is full, and sets their positions.
func (l *Log) write(reqs []*request) error {
	// The buffer is the writer's, kept from batch to batch.
	buf := l.wbuf[:0]
	defer func() {
		if cap(buf) <= maxKeptBuffer {
			l.wbuf = buf[:0]
		}
	}()
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		l.mu.RLock()
		f := l.files[l.active]
		l.mu.RUnlock()
		start := l.size - int64(len(buf))
		if _, err := f.WriteAt(buf, start); err != nil {
			return err
		}
		buf = buf[:0]
		return nil
	}
	for _, r := range reqs {
		r.pos = make([]Pos, len(r.recs))
		for i, rec := range r.recs {
			n := int64(headerSize + len(rec))
			if l.size > 0 && l.size+n > l.opts.SegmentSize {
				if err := flush(); err != nil {
					return err
				}
				// The full segment is synced before the next one takes
				// records: a record in a later segment is never durable
				// while one before it is not.
				if err := l.sync(); err != nil {
					return err
				}
				if err := l.create(l.active + 1); err != nil {
					return err
				}
			}
			r.pos[i] = Pos{Seg: l.active, Off: l.size, Len: len(rec)}
			var h [headerSize]byte
			binary.LittleEndian.PutUint32(h[:], uint32(len(rec)))
			binary.LittleEndian.PutUint32(h[4:], crc32.Checksum(rec, castagnoli))
			buf = append(buf, h[:]...)
			buf = append(buf, rec...)
			l.size += n
		}
	}
	return flush()
}

// sync fdatasyncs the active segment (the writer's).
func (l *Log) sync() error {
	l.mu.RLock()
	f := l.files[l.active]
	l.mu.RUnlock()
	l.syncs.Add(1)
	start := time.Now()
	err := fdatasync(f)
	d := int64(time.Since(start))
	if avg := l.syncNanos.Load(); avg == 0 {
		l.syncNanos.Store(d)
	} else {
		l.syncNanos.Store(avg + (d-avg)/8)
	}
	return err
}

// Syncs reports how many fdatasyncs the log has made.
func (l *Log) Syncs() int64 { return l.syncs.Load() }
