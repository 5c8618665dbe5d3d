package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/skl"

	"github.com/transload/transload/engine/store"
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// InboxCapacity is how many messages one flow's inbox holds before
	// Append returns store.ErrFull. Default 100000.
	InboxCapacity int
	// LeaseTimeout is how long a claimed message stays with its holder
	// before it is handed out again. Leases live in memory: after a restart
	// every message not acked is claimable again at once (or at its
	// NotBefore), whatever its lease said. Default 5 minutes.
	LeaseTimeout time.Duration
	// Logger receives the store's warnings and Badger's own warnings and
	// errors (Badger's info and debug chatter is dropped). Default
	// slog.Default().
	Logger *slog.Logger
	// MaxValueSize bounds a message body, a key's value and a dead letter's
	// body. Default 32 MiB; at most 512 MiB.
	MaxValueSize int
	// MemTableSize is Badger's memtable size: memory per memtable (up to
	// three are held) and the write-ahead log's file size. Default 16 MiB,
	// which allows transactions of up to 2.4 MB between syncs.
	MemTableSize int64
	// BlockCacheSize is Badger's cache of decompressed table blocks.
	// Default 16 MiB.
	BlockCacheSize int64
	// GCInterval is how often the value log is garbage-collected. Default
	// 5 minutes; negative disables it (tests, --once batch runs).
	GCInterval time.Duration

	// valueLogFileSize overrides the value log's file size (tests).
	valueLogFileSize int64
	inboxSegmentSize int64 // the inbox log's segments (tests make them small)
}

const (
	defaultCapacity     = 100_000
	defaultLeaseTimeout = 5 * time.Minute
	defaultMaxValue     = 32 << 20
	maxMaxValue         = 512 << 20
	defaultMemTable     = 16 << 20
	defaultBlockCache   = 16 << 20
	defaultGCInterval   = 5 * time.Minute
	// Values at least this big go to Badger's value log, and the LSM tree
	// keeps a pointer: a 5.9 KB order is written once, sequentially,
	// instead of through the memtable, level 0 and compactions, which
	// makes appending a batch of them about 3.5 times faster
	// (BenchmarkAppendBatch). The price is value-log garbage once the
	// messages are acked, which the value-log GC (GCInterval) reclaims.
	// Keys, headers and ledger records stay in the tree.
	valueThreshold = 1 << 10
	// lazySyncInterval bounds how long acks and retries stay unsynced.
	lazySyncInterval = 100 * time.Millisecond
	// maxKeyLen bounds keys, flow names and ids (Badger's limit is 65000
	// bytes for a whole key).
	maxKeyLen      = 16 << 10
	gcDiscardRatio = 0.5
	// maxGatherWait caps how long the committer waits for callers to
	// join a round (see committer.gather).
	maxGatherWait = 500 * time.Microsecond
)

// ErrLocked is returned by Open when another process (or this one) has the
// data directory open.
var ErrLocked = errors.New("data directory in use")

// ErrTooLarge is returned for a body or value over Options.MaxValueSize.
var ErrTooLarge = errors.New("value too large")

// Store is the Badger store. See the package documentation.
type Store struct {
	opts Options
	log  *slog.Logger
	dir  string
	db   *badger.DB
	lock *dirLock

	inbox inbox
	keys  keyStore
	dls   deadLetters
	audit auditLog
	c     committer

	// maxBatchSize and maxBatchCount are Badger's transaction limits.
	maxBatchSize, maxBatchCount int64

	// writeMu is held by the committer while it writes and syncs and by
	// the value-log GC while it runs: nothing else writes to Badger, which
	// is what makes db.Sync sufficient (see doc.go).
	writeMu sync.Mutex

	closed    atomic.Bool
	active    atomic.Int64 // operations using db
	closeOnce sync.Once
	closeErr  error

	gcStop chan struct{}
	bg     sync.WaitGroup

	// failed is set when a write or sync failed: what reached the disk is
	// unknown, so the store refuses writes until the process restarts.
	failed atomic.Pointer[error]

	syncs       atomic.Uint64 // db.Sync calls (tests)
	vlogRemoves atomic.Uint64 // value-log files removed by GC (tests)
}

// Open opens the store in dir, creating it if needed. A data directory is
// opened once for the life of the process: a second Open of the same
// directory, in this process or another, fails with ErrLocked.
func Open(dir string, opts Options) (*Store, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("badgerstore: create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{opts: opts, log: opts.Logger, dir: dir, lock: lock, gcStop: make(chan struct{})}

	bo := badger.DefaultOptions(dir).
		// We sync ourselves, once per group of writes; see doc.go.
		WithSyncWrites(false).
		WithLogger(&badgerLogger{l: opts.Logger, onVlogRemove: s.syncBeforeVlogRemove}).
		WithMetricsEnabled(false).
		// One goroutine (the committer) writes; it checks revisions itself.
		WithDetectConflicts(false).
		WithMemTableSize(opts.MemTableSize).
		WithNumMemtables(3).
		WithNumLevelZeroTables(4).
		WithNumLevelZeroTablesStall(10).
		WithNumCompactors(2).
		WithBlockCacheSize(opts.BlockCacheSize).
		WithIndexCacheSize(0).
		WithCompression(options.Snappy).
		WithValueThreshold(valueThreshold).
		WithValueLogFileSize(opts.valueLogFileSize).
		WithNumGoroutines(2)
	db, err := badger.Open(bo)
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("badgerstore: open %s: %w", dir, err)
	}
	s.db = db
	s.maxBatchSize = (15 * opts.MemTableSize) / 100
	s.maxBatchCount = s.maxBatchSize / int64(skl.MaxNodeSize)
	s.inbox.init(s)
	s.keys.s = s
	s.dls.s = s
	s.audit.s = s

	ctr, err := s.loadCounters()
	if err == nil {
		err = s.inbox.openLog(filepath.Join(dir, "inbox"))
	}
	if err != nil {
		db.Close()
		lock.release()
		return nil, fmt.Errorf("badgerstore: open %s: %w", dir, err)
	}
	s.c.init(s, ctr)
	s.bg.Add(1)
	go s.c.loop()
	if err := s.inbox.migrate(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("badgerstore: open %s: moving the inbox into its log: %w", dir, err)
	}
	if opts.GCInterval > 0 {
		s.bg.Add(1)
		go s.gcLoop()
	}
	return s, nil
}

func (o *Options) setDefaults() error {
	if o.InboxCapacity < 0 || o.LeaseTimeout < 0 || o.MaxValueSize < 0 ||
		o.MemTableSize < 0 || o.BlockCacheSize < 0 {
		return errors.New("badgerstore: negative option")
	}
	if o.InboxCapacity == 0 {
		o.InboxCapacity = defaultCapacity
	}
	if o.LeaseTimeout == 0 {
		o.LeaseTimeout = defaultLeaseTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxValueSize == 0 {
		o.MaxValueSize = defaultMaxValue
	}
	if o.MaxValueSize > maxMaxValue {
		return fmt.Errorf("badgerstore: MaxValueSize %d is over the limit of %d", o.MaxValueSize, maxMaxValue)
	}
	if o.MemTableSize == 0 {
		o.MemTableSize = defaultMemTable
	}
	// A transaction (15 % of a memtable) must hold a value just under the
	// value threshold plus its key.
	if o.MemTableSize < 4<<20 {
		return errors.New("badgerstore: MemTableSize must be at least 4 MiB")
	}
	if o.BlockCacheSize == 0 {
		o.BlockCacheSize = defaultBlockCache
	}
	if o.GCInterval == 0 {
		o.GCInterval = defaultGCInterval
	}
	if o.valueLogFileSize != 0 && int64(o.MaxValueSize)+1<<20 > o.valueLogFileSize {
		return errors.New("badgerstore: MaxValueSize must be at least 1 MiB under the value-log file size")
	}
	if o.valueLogFileSize == 0 {
		// A value must fit in one value-log file; leave room for a body
		// of MaxValueSize with its envelope, and keep files small enough
		// that one GC pass is short.
		o.valueLogFileSize = max(128<<20, 2*int64(o.MaxValueSize))
	}
	return nil
}

// Inbox returns the inboxes.
func (s *Store) Inbox() store.Inbox { return &s.inbox }

// Keys returns the key store.
func (s *Store) Keys() store.KeyStore { return &s.keys }

// DeadLetters returns the dead letters.
func (s *Store) DeadLetters() store.DeadLetters { return &s.dls }

// Audit returns the audit log.
func (s *Store) Audit() store.Audit { return &s.audit }

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// Close stops the background work, commits and syncs what is pending
// (waiting callers get their results), and closes Badger. It is safe to call
// twice; the second call returns the first one's error.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.gcStop)
		s.c.stop()
		s.bg.Wait()
		// Wait for reads that started before Close: Badger must not be
		// closed under them.
		for s.active.Load() != 0 {
			time.Sleep(time.Millisecond)
		}
		err := s.c.finalErr
		if s.inbox.log != nil {
			if lerr := s.inbox.log.Close(); lerr != nil && err == nil {
				err = fmt.Errorf("badgerstore: closing the inbox log: %w", lerr)
			}
		}
		if cerr := s.db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("badgerstore: close: %w", cerr)
		}
		s.lock.release()
		s.closeErr = err
	})
	return s.closeErr
}

// enter registers an operation that uses db; exit must follow. After Close
// has started, enter fails with store.ErrClosed (it never blocks, so a Scan
// callback may call the store).
func (s *Store) enter() error {
	s.active.Add(1)
	if s.closed.Load() {
		s.active.Add(-1)
		return store.ErrClosed
	}
	return nil
}

func (s *Store) exit() { s.active.Add(-1) }

func (s *Store) failure() error {
	if p := s.failed.Load(); p != nil {
		return fmt.Errorf("badgerstore: an earlier write failed, restart the process: %w", *p)
	}
	return nil
}

// sync makes everything written so far durable. The caller holds writeMu.
func (s *Store) sync() error {
	s.syncs.Add(1)
	return s.db.Sync()
}

// syncBeforeVlogRemove runs (from Badger's logger, in the GC goroutine,
// which holds writeMu) after a value-log GC has rewritten the live values
// of a file and before Badger deletes that file: the rewritten copies must
// be durable before the originals go. The rewrite may have rotated the
// memtable, leaving copies in an immutable memtable whose log db.Sync does
// not touch, so every memtable log in the directory is synced too.
func (s *Store) syncBeforeVlogRemove() {
	s.vlogRemoves.Add(1)
	if s.db == nil {
		return
	}
	if err := s.syncAll(); err != nil {
		s.log.Error("badgerstore: sync before value-log removal failed", "err", err)
	}
}

func (s *Store) syncAll() error {
	err := s.sync()
	ents, derr := os.ReadDir(s.dir)
	if derr != nil {
		return errors.Join(err, derr)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".mem") {
			continue
		}
		f, ferr := os.OpenFile(filepath.Join(s.dir, e.Name()), os.O_RDWR, 0)
		if ferr != nil {
			if !errors.Is(ferr, os.ErrNotExist) {
				err = errors.Join(err, ferr)
			}
			continue // flushed and deleted meanwhile: durable in a table
		}
		err = errors.Join(err, f.Sync(), f.Close())
	}
	return err
}

func (s *Store) gcLoop() {
	defer s.bg.Done()
	t := time.NewTicker(s.opts.GCInterval)
	defer t.Stop()
	for {
		select {
		case <-s.gcStop:
			return
		case <-t.C:
			s.runGC()
		}
	}
}

// runGC rewrites value-log files while there are ones worth rewriting, one
// file per pass, holding writeMu for each pass (commits wait meanwhile).
func (s *Store) runGC() {
	for range 16 {
		select {
		case <-s.gcStop:
			return
		default:
		}
		s.writeMu.Lock()
		err := s.db.RunValueLogGC(gcDiscardRatio)
		if err == nil {
			// Make the removal's effects (and the copies) durable now
			// rather than at the next commit.
			if serr := s.syncAll(); serr != nil {
				s.log.Error("badgerstore: sync after value-log GC failed", "err", serr)
			}
		}
		s.writeMu.Unlock()
		if err != nil {
			if !errors.Is(err, badger.ErrNoRewrite) && !errors.Is(err, badger.ErrRejected) {
				s.log.Warn("badgerstore: value-log GC failed", "err", err)
			}
			return
		}
	}
}

func (s *Store) loadCounters() (counters, error) {
	var c counters
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaCountersKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			c, err = decodeCounters(v)
			return err
		})
	})
	return c, err
}

// badgerLogger routes Badger's warnings and errors to slog; info and debug
// messages are dropped, except the one that tells that a value-log file is
// about to be deleted, on which the store syncs (see syncBeforeVlogRemove;
// TestGCSyncsBeforeRemovingValueLog pins the message).
type badgerLogger struct {
	l            *slog.Logger
	onVlogRemove func()
}

// vlogRemoveFormat is the format of Badger's message (value.go, rewrite)
// logged after the live entries of a value-log file were rewritten and
// before the file is deleted.
const vlogRemoveFormat = "Removing fid: %d"

func (b *badgerLogger) Errorf(f string, v ...any) {
	b.l.Error(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}

func (b *badgerLogger) Warningf(f string, v ...any) {
	b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, v...)), "component", "badger")
}

func (b *badgerLogger) Infof(f string, _ ...any) {
	if f == vlogRemoveFormat && b.onVlogRemove != nil {
		b.onVlogRemove()
	}
}

func (b *badgerLogger) Debugf(string, ...any) {}

var _ store.Store = (*Store)(nil)

// Exclusive implements store.Exclusive: the data directory is locked to
// one process.
func (s *Store) Exclusive() bool { return true }
