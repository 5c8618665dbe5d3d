package badgerstore

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"

	"github.com/transload/transload/engine/store/wal"
)

// backupMagic starts a backup that holds the inbox's messages before
// Badger's stream. A backup without it is an older one: Badger's stream
// alone, with the inbox inside it.
const backupMagic = "transload-backup 2\n"

// Backup writes a snapshot of the store to w while it is in use: the
// inbox's messages, then everything Badger holds (its backup format, a
// stream of key-value lists at one read timestamp). Writes made meanwhile
// are not in it; a message acked between the two parts comes back at the
// restore and runs again, which the dedupe keys and the ledger make
// harmless, as after a crash.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if s.closed.Load() {
		return errors.New("badgerstore: backup of a closed store")
	}
	cw := &ctxWriter{ctx: ctx, w: w}
	msgs, err := s.inbox.snapshot()
	if err != nil {
		return fmt.Errorf("badgerstore: backup: %w", err)
	}
	e := encoder{b: []byte(backupMagic)}
	e.uvarint(uint64(len(msgs)))
	for _, m := range msgs {
		e.str(m.flow)
		e.bytes(m.hdr)
		e.bytes(m.rec)
	}
	if _, err := cw.Write(e.b); err != nil {
		return fmt.Errorf("badgerstore: backup: %w", err)
	}
	if _, err := s.db.Backup(cw, 0); err != nil {
		return fmt.Errorf("badgerstore: backup: %w", err)
	}
	return nil
}

// ctxWriter stops a long backup when its caller goes away.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Restore loads a backup written by Backup into dir, which must not hold
// a store yet (an empty or missing directory): restoring over live data
// would mix two histories. Open dir afterwards as usual.
func Restore(dir string, r io.Reader) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("badgerstore: restore into %s: the directory is not empty; restore into a new one", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("badgerstore: restore: %w", err)
	}
	br := bufio.NewReader(r)
	if head, _ := br.Peek(len(backupMagic)); string(head) == backupMagic {
		if err := restoreInbox(dir, br); err != nil {
			return fmt.Errorf("badgerstore: restore: the backup is not readable: %w", err)
		}
	}
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil).WithValueThreshold(valueThreshold))
	if err != nil {
		return fmt.Errorf("badgerstore: restore: %w", err)
	}
	if err := db.Load(br, 256); err != nil {
		db.Close()
		return fmt.Errorf("badgerstore: restore: the backup is not readable: %w", err)
	}
	if err := db.Sync(); err != nil {
		db.Close()
		return fmt.Errorf("badgerstore: restore: %w", err)
	}
	return db.Close()
}

// restoreInbox reads the inbox part of a backup into a new log in dir.
func restoreInbox(dir string, br *bufio.Reader) error {
	if _, err := br.Discard(len(backupMagic)); err != nil {
		return err
	}
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return err
	}
	l, err := wal.Open(filepath.Join(dir, "inbox"), wal.Options{}, nil)
	if err != nil {
		return err
	}
	readBytes := func() ([]byte, error) {
		k, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, err
		}
		if k > maxBackupRecord {
			return nil, errCorrupt
		}
		b := make([]byte, k)
		_, err = io.ReadFull(br, b)
		return b, err
	}
	var recs [][]byte
	for i := range n {
		flow, err := readBytes()
		if err != nil {
			l.Close()
			return err
		}
		hdr, err := readBytes()
		if err != nil {
			l.Close()
			return err
		}
		rec, err := readBytes()
		if err != nil {
			l.Close()
			return err
		}
		recs = append(recs, encodePut(string(flow), i+1, hdr, rec))
	}
	if len(recs) > 0 {
		if _, err := l.Append(context.Background(), true, recs...); err != nil {
			l.Close()
			return err
		}
	}
	return l.Close()
}

// maxBackupRecord bounds what restoreInbox allocates for one field.
const maxBackupRecord = 1 << 30
