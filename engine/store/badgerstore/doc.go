// Package badgerstore is the embedded store.Store in one data directory:
// Badger (github.com/dgraph-io/badger/v4) for keys, dead letters and the
// audit log, and a log of its own (package wal, in inbox/) for the
// inboxes.
//
// # Lifecycle
//
// Open opens a directory once for the life of the process; the Store
// outlives flow reloads. A second Open of the same directory, in this
// process or another, fails with ErrLocked and an error that says to use
// the running process's admin API instead (the store takes its own flock on
// transload.lock before Badger takes its directory lock). Close stops the
// background goroutines, commits and syncs what is queued (its callers get
// their results), closes Badger and releases the lock; it is safe to call
// twice. After Close every operation returns store.ErrClosed.
//
// # The committer: group commit
//
// One goroutine, the committer, does every Badger write. Apply,
// DeadLetters.Put/Delete and Audit.Append queue a request and wait; the
// committer takes all queued requests as one round, writes them in one
// Badger transaction (several only when Badger's per-transaction limit,
// 15 % of a memtable, is reached), calls db.Sync once, and wakes the whole
// round by closing one channel. While it syncs, the next round queues up,
// so under load one fsync serves many callers (BenchmarkApplyCAS
// reports syncs per operation) and a lone caller waits for exactly one
// write and one sync. After a round that woke callers, the committer waits up to
// a quarter of a sync (at most 500 µs) for as many new requests as it woke:
// without that, two callers writing in a loop fall into step with the
// committer and each gets a sync of its own.
//
// Lazy applies (a dedupe mark) are queued and their callers do not wait:
// they are written in the next round and synced with the next durable
// write or within 100 ms (lazySyncInterval), and at Close.
//
// A failed write or sync makes the store refuse writes until the process
// restarts: after a failed fsync what is on disk is unknown (retrying the
// fsync can report success for data that was dropped).
//
// A cancelled context stops a caller's wait, not its write: the request may
// still be committed. (So may an Append's, in the inbox's log: it then
// looks like one whose answer was lost, which the idempotent Append
// absorbs when the sender retries.)
//
// # Why db.Sync is enough (Badger v4.9.6)
//
// Badger is opened with SyncWrites=false. A transaction's commit goes to
// Badger's write goroutine (db.writeRequests): values of ValueThreshold
// (1 KiB) or more are copied into the current value-log file, and every
// entry (or its value pointer) into the active memtable's write-ahead log,
// the mmapped .mem file; nothing is synced. Recovery at Open replays each
// .mem file (memtable.UpdateSkipList), applying whole transactions only and
// truncating a torn tail. db.Sync (db.go) msyncs the active memtable's
// log (SyncWAL) and the current value-log file (valueLog.sync); on Linux
// msync(MS_SYNC) writes back and waits like fsync. Value-log files before
// the current one were synced when Badger rotated them (doneWriting →
// MmapFile.Truncate → Sync).
//
// Memtables are the catch. When the active memtable is full, the next write
// (db.ensureRoomForWrite) moves it to the immutable list without syncing
// its log, and db.Sync only syncs the new active one; the old log becomes
// irrelevant only once the memtable has been flushed to a synced level-0
// table. Writes committed to a memtable that another write rotates out
// before the sync would sit in an unsynced log until that flush. The store
// rules this out by construction: only the committer writes (the value-log
// GC holds the same mutex, writeMu), and a round syncs after its last
// transaction and before opening another one, so a rotation (which can only
// happen at the start of a write) never leaves a durable write behind in an
// unsynced log. Lazy writes can be left there: they become durable when the
// memtable is flushed. Badger's internal writers are not used (no
// db.GetSequence: the counters are a record the committer writes in every
// transaction).
//
// Badger's value-log GC moves the live values of a file (unsynced, with
// SyncWrites=false) and then deletes the file, so a power loss in between
// could lose values that were durable. The store syncs in between: the
// logger hook on Badger's "Removing fid" message, logged after the rewrite
// and before the deletion, calls db.Sync and fsyncs every .mem file in the
// directory (the rewrite may have rotated memtables). TestGCSyncsBeforeRemovingValueLog
// fails if Badger stops logging that message.
//
// Left to Badger and the filesystem: Badger does not fsync the directory
// after creating a memtable log or value-log file; on journaling
// filesystems (ext4, xfs) the file's first sync commits its creation too.
// The crash test (TestCrash) kills a writing child process with SIGKILL at
// random moments and checks that everything acknowledged is there after a
// reopen; it proves recovery and the ordering of acknowledgements, not the
// fsyncs themselves (a killed process loses nothing in the page cache); the
// reasoning above is what covers a power loss.
//
// # Inbox
//
// The inboxes are a log of their own (package wal, directory inbox/ of
// the store), not Badger: a message body written to Badger goes through
// its value log and its memtable's log, two msyncs and its goroutines, and
// every Append would wait for the committer's rounds, which the ledger's
// writes fill under load. The log's writer has its own group commit (one
// fdatasync per batch, a short gather like the committer's) and is off
// the committer's path.
//
// Records: a put per message (flow, sequence number, header with id and
// NotBefore, the envelope), written durably by Append and again, lazily,
// by Retry (the latest put of a sequence wins); an ack record per Ack
// (lazy). At Open a replay of the log rebuilds an in-memory index per
// flow: ready messages in sequence order (a FIFO of arrivals plus a heap of
// those that came back), delayed ones in a heap by NotBefore, claimed ones
// in lease order. Claim is O(claimed): it pops from the index and reads
// only the claimed envelopes, by their position in the log. Messages
// become claimable once durable, in the order their flow numbered them
// (the log calls back in the order of the appends). Capacity
// (Options.InboxCapacity, per flow) counts stored messages, claimed ones
// included, plus appends in flight; a batch that does not fit stores
// nothing. An id already in the flow's inbox is not stored again (see
// store.Inbox.Append).
//
// An ack or a retry lost in a crash makes a message run again (the dedupe
// keys and the ledger make that harmless) or run with its previous
// NotBefore and fewer attempts (sooner, never later, never lost). Claim
// sees a queued retry's new envelope at once.
//
// Segments: the index counts, per log segment, the messages whose latest
// put is in it; the segments below the first one that still holds such a
// message are removed, after a sync of the active segment (so the acks
// and newer puts that make them dead are durable first). A message left
// waiting keeps its segment and the later ones: the log holds the backlog.
//
// Upgrades: messages an older version kept in Badger (header and record
// keys per flow and sequence) are moved into the log at Open, in order,
// then deleted from Badger; an interrupted move is finished by the next
// Open. A backup holds the inbox's messages ahead of Badger's stream;
// Restore writes them into a new log and still reads older backups.
//
// Leases are in memory (Options.LeaseTimeout, default 5 minutes): a claim
// whose holder neither acks, retries nor releases it in time is handed out
// again. They do not survive a restart: after one, every message not acked
// is claimable again at once, or at its NotBefore — which is what a
// restart after a crash must do for the messages its workers held.
//
// # Keys
//
// A key's record holds its revision, its expiry and its value. Revisions
// come from one store-wide counter (like the stream sequence behind a
// JetStream KV bucket), so a key deleted and created again never gets a
// revision back that a stale compare-and-set could match. Compare-and-set
// reads the current revision and writes the new one in the committer's
// transaction; since nothing else writes, exactly one of concurrent CASes
// on a revision wins, and Badger's conflict detection is off. Apply waits
// for the round's sync, conflicts included, so a conflict is never reported
// against a write that could still be lost. Expiry is checked to the
// nanosecond on every read (Get, Scan, CAS); Badger's own expiry (whole
// seconds, rounded up so it never comes first) lets compactions drop
// expired keys. Get and Scan read committed state, which may be up to one
// round (one sync) ahead of what is durable.
//
// # Dead letters and audit
//
// A dead letter is a record under its id plus an index entry keyed by
// creation time and a sequence, holding what List filters on (flow, reason,
// class), so List reads only the dead letters it returns. Putting an
// existing id replaces it (an edit). Audit records are under increasing
// sequence keys, written once.
//
// # Encoding
//
// Records use a small binary encoding (codec.go), versioned by a leading
// byte: length-prefixed fields, times as seconds and nanoseconds (returned
// in UTC). For the 5.9 KB order envelope, encoding and decoding take about a
// tenth of encoding/json's time, with half the allocations, and the record
// is 6.0 KB against JSON's 8.2 KB, which base64s the body (BenchmarkCodec).
// Bodies are encoded by the caller's goroutine, not the committer's.
//
// # Resources
//
// Sized for a 2-core machine and for short --once runs: memtables of
// 16 MiB (three at most), a 16 MiB block cache, two compactors, Snappy
// compression. Values of 1 KiB or more (dead letters with their bodies,
// large keys) go to value-log files of 128 MiB; keys and ledger records
// stay in the tree. The inbox's log has segments of 64 MiB.
// Options.MaxValueSize
// (default 32 MiB) bounds a body or value. A goroutine runs the value-log
// GC every Options.GCInterval (default 5 minutes), one file per pass while
// files are at least half garbage, holding writeMu during a pass; expired
// keys need no sweeping of their own (compactions drop them). Badger's
// warnings and errors go to Options.Logger; its info and debug messages are
// dropped.
//
// Imports: engine/store, engine/store/wal, Badger, and the standard
// library.
package badgerstore
