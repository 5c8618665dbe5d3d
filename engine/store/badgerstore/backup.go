package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dgraph-io/badger/v4"
)

// Backup writes a consistent snapshot of the store to w while it is in
// use: everything committed when it starts (Badger's backup format, a
// stream of key-value lists at one read timestamp). Writes made meanwhile
// are not in it.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if s.closed.Load() {
		return errors.New("badgerstore: backup of a closed store")
	}
	_, err := s.db.Backup(&ctxWriter{ctx: ctx, w: w}, 0)
	if err != nil {
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
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil).WithValueThreshold(valueThreshold))
	if err != nil {
		return fmt.Errorf("badgerstore: restore: %w", err)
	}
	if err := db.Load(r, 256); err != nil {
		db.Close()
		return fmt.Errorf("badgerstore: restore: the backup is not readable: %w", err)
	}
	if err := db.Sync(); err != nil {
		db.Close()
		return fmt.Errorf("badgerstore: restore: %w", err)
	}
	return db.Close()
}
