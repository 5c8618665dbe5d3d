package badgerstore

import "github.com/dgraph-io/badger/v4"

// Syncs reports how many times the store has called db.Sync.
func (s *Store) Syncs() uint64 { return s.syncs.Load() }

// Rounds reports how many commit rounds the committer has run.
func (s *Store) Rounds() uint64 { return s.c.rounds.Load() }

// VlogRemoves reports how many times Badger announced a value-log file
// removal (and the store synced before it).
func (s *Store) VlogRemoves() uint64 { return s.vlogRemoves.Load() }

// SetValueLogFileSize sets the value log's file size (Badger's minimum is
// 1 MiB) so that tests can fill files quickly.
func SetValueLogFileSize(o *Options, n int64) { o.valueLogFileSize = n }

var (
	EncodeEnvelope = encodeEnvelope
	DecodeEnvelope = decodeEnvelope
)

// DB exposes Badger (tests that drive compaction).
func (s *Store) DB() *badger.DB { return s.db }

// RunGC runs one value-log GC cycle now.
func (s *Store) RunGC() { s.runGC() }
