package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchLoop runs fn now and again after every change to the files or
// folders in paths (debounced), until interrupted.
func (a *app) watchLoop(ctx context.Context, paths []string, fn func() error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	add := func() {
		for _, p := range paths {
			// Watch the folder of a file: editors replace files by rename.
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				p = filepath.Dir(p)
			}
			_ = w.Add(p)
		}
	}
	add()
	run := func() {
		fmt.Fprintf(a.stdout, "\x1b[2J\x1b[H# %s  transload eval --watch (Ctrl-C to stop)\n", time.Now().Format("15:04:05"))
		_ = fn()
	}
	run()
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-w.Events:
			if !ok {
				return nil
			}
			timer = time.After(150 * time.Millisecond)
		case err := <-w.Errors:
			fmt.Fprintf(a.stderr, "watch: %v\n", err)
		case <-timer:
			timer = nil
			add()
			run()
		}
	}
}
