package storetest_test

import (
	"io"
	"log/slog"
	"testing"

	"go.uber.org/goleak"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
	"github.com/transload/transload/engine/store/storetest"
)

// The suite's own test runs it against the embedded store, and checks that
// nothing it started is left running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func openBadger(t *testing.T, dir string) store.Store {
	s, err := badgerstore.Open(dir, badgerstore.Options{
		InboxCapacity: storetest.Capacity,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRun(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openBadger(t, t.TempDir()) })
}

func TestRunReopen(t *testing.T) {
	storetest.RunReopen(t, openBadger)
}
