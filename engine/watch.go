package engine

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce is how long the watcher waits after the last change before
// reloading: editors save in bursts (write temp, rename, chmod).
const debounce = 250 * time.Millisecond

// Watch reloads the flows on every change to the files of the flows
// folder, until ctx ends. Like Benthos it debounces bursts of events,
// watches new folders, re-adds watches after an editor replaces a file by
// rename, and a failed reload is retried on the next change.
func (e *Engine) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	add := func() {
		_ = filepath.WalkDir(e.opts.FlowsDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if p != e.opts.FlowsDir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "done" || d.Name() == "failed") {
					return filepath.SkipDir
				}
				_ = w.Add(p)
			}
			return nil
		})
	}
	add()
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if !e.relevant(ev.Name) {
				if ev.Has(fsnotify.Create) {
					if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
						add()
					}
				}
				continue
			}
			if ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Create) {
				add()
			}
			if timer == nil {
				timer = time.AfterFunc(debounce, func() {
					select {
					case fire <- struct{}{}:
					default:
					}
				})
			} else {
				timer.Reset(debounce)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			e.log.Warn("watching the flows folder", "err", err)
		case <-fire:
			if _, err := e.Reload(ctx); err != nil {
				e.log.Debug("reload did not apply", "err", err)
			}
		}
	}
}

// relevant says whether a change to a file can change the flows: a flow
// file at the top of the folder, or any file the running version read
// (schemas, tables). Payloads dropped into folders below are not.
func (e *Engine) relevant(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") {
		return false
	}
	rel, err := filepath.Rel(e.opts.FlowsDir, name)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	if filepath.Ext(base) == ".hcl" && !strings.Contains(rel, "/") {
		return true
	}
	if v := e.Current(); v != nil {
		_, read := v.Config.Sources[rel]
		return read
	}
	return false
}
