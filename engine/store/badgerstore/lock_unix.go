//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package badgerstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockFileName is our own lock, taken before Badger's so that a second
// opener gets an error that says what to do instead of Badger's.
const lockFileName = "transload.lock"

type dirLock struct{ f *os.File }

// lockDir takes an exclusive flock on dir's lock file and writes our pid in
// it. flock locks belong to an open file, so a second Open in the same
// process fails as well as one in another process.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("badgerstore: open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, lockedError(dir, path)
		}
		return nil, fmt.Errorf("badgerstore: lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

func lockedError(dir, path string) error {
	holder := "another transload process"
	if b, err := os.ReadFile(path); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			if pid == os.Getpid() {
				holder = "this process (it is already open)"
			} else {
				holder = fmt.Sprintf("another transload process (pid %d)", pid)
			}
		}
	}
	return fmt.Errorf("badgerstore: data directory %s is in use by %s; "+
		"while `transload run` is up, send commands (dead letters, replay) "+
		"through its admin API instead of opening the store: %w", dir, holder, ErrLocked)
}

func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	// Closing the file drops the flock. The file itself stays: removing it
	// would race with a process that has just opened it.
	l.f.Close()
	l.f = nil
}
