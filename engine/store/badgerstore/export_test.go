package badgerstore

import (
	"context"

	"github.com/dgraph-io/badger/v4"

	"github.com/transload/transload/engine/store"
)

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

// InboxSyncs reports how many fdatasyncs the inbox's log has made.
func (s *Store) InboxSyncs() int64 { return s.inbox.log.Syncs() }

// RemoveInboxSegmentsBelow removes the inbox log's segments below seg,
// whatever they hold: the damage the index must survive.
func (s *Store) RemoveInboxSegmentsBelow(seg uint64) error {
	return s.inbox.log.RemoveBelow(context.Background(), seg)
}

// InboxActiveSegment is the number of the inbox log's active segment.
func (s *Store) InboxActiveSegment() uint64 { return s.inbox.log.Active() }

// SetInboxSegmentSize sets the size of the inbox log's segments.
func SetInboxSegmentSize(o *Options, n int64) { o.inboxSegmentSize = n }

// PutOldInbox writes a message the way versions before the inbox's log
// kept it: header and record keys in Badger.
func (s *Store) PutOldInbox(seq uint64, e *store.Envelope) error {
	return s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(inboxKey(pInboxHeader, e.Flow, seq), encodeHeader(e.ID, e.NotBefore)); err != nil {
			return err
		}
		return txn.Set(inboxKey(pInboxRecord, e.Flow, seq), encodeEnvelope(e))
	})
}

// OldInboxKeys counts the Badger keys of the old inbox layout.
func (s *Store) OldInboxKeys() int {
	n := 0
	_ = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pInboxHeader}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n
}
