package connectors

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fsnotify/fsnotify"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/csvdoc"
)

// The framings of the file source.
const (
	frameJSON  = "json"
	frameJSONL = "jsonl"
	frameCSV   = "csv"
	frameX12   = "x12"
	frameXML   = "xml"
)

// processingDir is the folder, inside the drop folder, that holds claimed
// files while they are read and submitted.
const processingDir = ".processing"

// fileBatchSize is how many messages one Submit carries: large enough for
// the inbox's group commit to pay off, small enough that a backpressure
// retry resends little.
const fileBatchSize = 256

// maxSettle bounds how long a file must stay unchanged before it is taken.
const maxSettle = time.Second

// FileSourceSpec is the settings spec of the file source.
var FileSourceSpec = &connector.ConfigSpec{
	Doc: "Takes files dropped in a folder. Each file is claimed by renaming it into the folder's .processing " +
		"subfolder (so two processes never take the same file), framed into messages, submitted, and moved to done_dir; " +
		"a file that cannot be read or framed is moved to failed_dir with a <name>.error.txt beside it saying why. " +
		"A file left in .processing by a crash is processed again on the next start: its messages have the same ids, " +
		"and flows dedupe, so a re-read file creates nothing twice. Dotfiles, folders, files ending in .tmp or .part, " +
		"and files that changed within the last poll interval (still being written) are left alone: writers should " +
		"write to name.tmp and rename when done.",
	Attrs: []*connector.AttrSpec{
		{
			Name: "dir", Type: cty.String, Required: true,
			Doc:     "The drop folder; a relative path is relative to the flows folder. It is created if missing.",
			Example: `dir = "in/orders"`,
		},
		{
			Name: "pattern", Type: cty.String, Default: cty.StringVal("*"),
			Doc:     "A glob (Go filepath.Match syntax) that file names must match; others are ignored.",
			Example: `pattern = "*.csv"`,
		},
		{
			Name: "format", Type: cty.String, OneOf: []string{frameJSON, frameJSONL, frameCSV, frameX12, frameXML},
			Doc: "How a file is cut into messages. \"json\", \"xml\" and \"x12\": the whole file is one message " +
				"(the X12 codec splits transaction sets). \"jsonl\": one message per non-empty line. \"csv\": one message " +
				"per data row, whose body is the header line and that row, so the CSV decoder sees a one-row file. " +
				"JSON Lines and CSV files are read as a stream, so their size is not bounded by memory. " +
				"By default it follows the flow's format (csv for a csv flow, the whole file otherwise, and for a csv flow whose schema is a list of rows).",
			Example: `format = "jsonl"`,
		},
		{
			Name: "poll_interval", Type: cty.String, Default: cty.StringVal("2s"),
			Doc: "How often the folder is listed, as a fallback for file system notifications (which pick up most files at once). " +
				"A file is taken once it has not changed for this long, at most one second.",
			Example: `poll_interval = "10s"`,
		},
		{
			Name: "done_dir", Type: cty.String,
			Doc:     "Where processed files go; default <dir>/done. A relative path is relative to the flows folder.",
			Example: `done_dir = "archive/orders"`,
		},
		{
			Name: "failed_dir", Type: cty.String,
			Doc:     "Where files that cannot be read or framed go, each with a <name>.error.txt; default <dir>/failed. A relative path is relative to the flows folder.",
			Example: `failed_dir = "errors/orders"`,
		},
	},
	Check: func(v cty.Value) error {
		if p := getString(v, "pattern", "*"); p == "" {
			return errors.New("pattern must not be empty (use \"*\" for every file)")
		} else if _, err := filepath.Match(p, "x"); err != nil {
			return fmt.Errorf("pattern %q is not a valid glob: %v", p, err)
		}
		if isSet(attr(v, "dir")) && getString(v, "dir", "") == "" {
			return errors.New("dir must not be empty")
		}
		return checkDuration(v, "poll_interval")
	},
}

// FileSource is the file source: a drop folder.
//
// Lifecycle: Start creates the folders, re-processes whatever a crash left
// in .processing, and then watches the folder on a goroutine it owns
// (file system notifications plus polling). With SourceParams.Once it
// processes what is present at Start, calls Done once and stops. Close
// stops taking files, lets the batch being submitted finish (or cancels it
// when ctx ends; the file then stays in .processing for the next start)
// and waits for the goroutines; it is safe twice and without Start.
type FileSource struct {
	params     connector.SourceParams
	log        *slog.Logger
	dir        string
	processing string
	doneDir    string
	failedDir  string
	pattern    string
	format     string
	poll       time.Duration
	settle     time.Duration

	mu      sync.Mutex
	started bool
	closed  bool
	stop    context.CancelFunc // ends the loop between batches
	abort   context.CancelFunc // cancels a Submit in flight
	done    chan struct{}
	once    sync.Once

	// seen is owned by the loop goroutine: what each candidate looked like
	// when first seen unchanged.
	seen map[string]fileObs
}

type fileObs struct {
	size  int64
	mtime time.Time
	at    time.Time
}

// NewFileSource builds a file source from its params.
func NewFileSource(p connector.SourceParams) (connector.Source, error) {
	if err := FileSourceSpec.Check(p.Config); err != nil {
		return nil, fmt.Errorf("file source: %w", err)
	}
	dir := getString(p.Config, "dir", "")
	if dir == "" {
		return nil, errors.New("file source: dir is required")
	}
	s := &FileSource{
		params:  p,
		log:     loggerOf(p.Logger).With("source", "file", "flow", p.Flow),
		dir:     resolvePath(p.BaseDir, dir),
		pattern: getString(p.Config, "pattern", "*"),
		format:  getString(p.Config, "format", ""),
		seen:    map[string]fileObs{},
	}
	s.processing = filepath.Join(s.dir, processingDir)
	s.doneDir = filepath.Join(s.dir, "done")
	if d := getString(p.Config, "done_dir", ""); d != "" {
		s.doneDir = resolvePath(p.BaseDir, d)
	}
	s.failedDir = filepath.Join(s.dir, "failed")
	if d := getString(p.Config, "failed_dir", ""); d != "" {
		s.failedDir = resolvePath(p.BaseDir, d)
	}
	if s.format == "" {
		switch {
		case p.Format == frameCSV && p.ListInput:
			s.format = frameJSON // the whole export is one document: a list of rows
		case p.Format == frameCSV, p.Format == frameJSONL, p.Format == frameX12, p.Format == frameXML:
			s.format = p.Format
		default:
			s.format = frameJSON
		}
	}
	s.poll, _ = getDuration(p.Config, "poll_interval", 2*time.Second)
	s.settle = min(s.poll, maxSettle)
	return s, nil
}

// Start creates the folders and starts the watching goroutine.
func (s *FileSource) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("file source: start after close")
	}
	if s.started {
		return errors.New("file source: started twice")
	}
	if s.params.Ingress == nil {
		return errors.New("file source: the engine gave no ingress")
	}
	for _, d := range []string{s.dir, s.processing, s.doneDir, s.failedDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("file source: %w", err)
		}
	}
	var watcher *fsnotify.Watcher
	if !s.params.Once {
		w, err := fsnotify.NewWatcher()
		if err == nil {
			err = w.Add(s.dir)
			if err != nil {
				w.Close()
			}
		}
		if err != nil {
			s.log.Warn("file notifications are unavailable; polling only", "dir", s.dir, "poll_interval", s.poll, "error", err)
		} else {
			watcher = w
		}
	}
	// Start's ctx bounds Start only; the loop lives until Close.
	base := context.WithoutCancel(ctx)
	stopCtx, stop := context.WithCancel(base)
	submitCtx, abort := context.WithCancel(base)
	s.stop, s.abort = stop, abort
	s.done = make(chan struct{})
	s.started = true
	go s.run(stopCtx, submitCtx, watcher)
	return nil
}

// Close stops the source; see the type's lifecycle.
func (s *FileSource) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	started := s.started
	s.mu.Unlock()
	if !started {
		return nil
	}
	s.stop()
	select {
	case <-s.done:
		s.abort()
		return nil
	case <-ctx.Done():
		s.abort()
		<-s.done
		return fmt.Errorf("file source %s: closed before the batch in flight was stored: %w", s.dir, ctx.Err())
	}
}

func (s *FileSource) run(ctx, submitCtx context.Context, watcher *fsnotify.Watcher) {
	var wg sync.WaitGroup
	kick := make(chan struct{}, 1)
	defer func() {
		if watcher != nil {
			watcher.Close()
		}
		wg.Wait()
		if s.params.Once && s.params.Done != nil {
			s.once.Do(s.params.Done)
		}
		close(s.done)
	}()
	if watcher != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.drain(watcher, kick)
		}()
	}

	s.recoverClaimed(ctx, submitCtx)
	if s.params.Once {
		s.runOnce(ctx, submitCtx)
		return
	}
	ticker := time.NewTicker(s.poll)
	defer ticker.Stop()
	var settle *time.Timer
	for {
		pending := s.scan(ctx, submitCtx, nil)
		var settleC <-chan time.Time
		if pending {
			if settle == nil {
				settle = time.NewTimer(s.settle)
			} else {
				settle.Reset(s.settle)
			}
			settleC = settle.C
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-kick:
		case <-settleC:
		}
	}
}

// drain turns file system events into scan requests; it ends when the
// watcher is closed.
func (s *FileSource) drain(w *fsnotify.Watcher, kick chan<- struct{}) {
	for {
		select {
		case _, ok := <-w.Events:
			if !ok {
				return
			}
			select {
			case kick <- struct{}{}:
			default:
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.log.Warn("file notification error; polling continues", "dir", s.dir, "error", err)
		}
	}
}

// runOnce processes the files present at Start: it rescans until each has
// been taken (or has gone), waiting for files still being written.
func (s *FileSource) runOnce(ctx, submitCtx context.Context) {
	initial := map[string]bool{}
	names, err := s.candidates()
	if err != nil {
		s.log.Error("listing the drop folder failed", "dir", s.dir, "error", err)
		return
	}
	for _, e := range names {
		initial[e.Name()] = true
	}
	for ctx.Err() == nil {
		if !s.scan(ctx, submitCtx, initial) {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(s.settle):
		}
	}
}

// candidates lists the entries of the drop folder that may be messages:
// regular files matching the pattern, no dotfiles, no .tmp or .part.
func (s *FileSource) candidates() ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	out := entries[:0]
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") ||
			strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".part") {
			continue
		}
		if ok, _ := filepath.Match(s.pattern, name); !ok {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// scan takes every stable candidate (of only, when it is not nil) and
// reports whether a candidate is still changing.
func (s *FileSource) scan(ctx, submitCtx context.Context, only map[string]bool) (pending bool) {
	entries, err := s.candidates()
	if err != nil {
		s.log.Error("listing the drop folder failed", "dir", s.dir, "error", err)
		return false
	}
	present := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if only != nil && !only[name] {
			continue
		}
		present[name] = true
		if ctx.Err() != nil {
			return false
		}
		info, err := e.Info()
		if err != nil {
			continue // gone since the listing
		}
		if !s.stable(name, info, time.Now()) {
			pending = true
			continue
		}
		delete(s.seen, name)
		if !s.claim(name) {
			continue
		}
		s.process(ctx, submitCtx, name)
	}
	for name := range s.seen {
		if !present[name] {
			delete(s.seen, name)
		}
	}
	return pending
}

// stable reports whether a file has stopped changing: unchanged for the
// settle time, judged by its mtime or by an earlier look.
func (s *FileSource) stable(name string, info fs.FileInfo, now time.Time) bool {
	size, mtime := info.Size(), info.ModTime()
	prev, ok := s.seen[name]
	if ok && prev.size == size && prev.mtime.Equal(mtime) {
		return now.Sub(prev.at) >= s.settle || now.Sub(mtime) >= s.settle
	}
	s.seen[name] = fileObs{size: size, mtime: mtime, at: now}
	return !ok && now.Sub(mtime) >= s.settle
}

// claim moves a file into .processing; false means another process took
// it first, or a file of that name is still being processed.
func (s *FileSource) claim(name string) bool {
	dst := filepath.Join(s.processing, name)
	if _, err := os.Lstat(dst); err == nil {
		return false // rename would replace a file still in flight
	}
	if err := os.Rename(filepath.Join(s.dir, name), dst); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Error("claiming a file failed", "file", filepath.Join(s.dir, name), "error", err)
		}
		return false
	}
	return true
}

// recoverClaimed processes what a crash left in .processing.
func (s *FileSource) recoverClaimed(ctx, submitCtx context.Context) {
	entries, err := os.ReadDir(s.processing)
	if err != nil {
		s.log.Error("listing .processing failed", "dir", s.processing, "error", err)
		return
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			return
		}
		if !e.Type().IsRegular() {
			continue
		}
		s.log.Info("processing a file left by an earlier run", "file", filepath.Join(s.processing, e.Name()))
		s.process(ctx, submitCtx, e.Name())
	}
}

// process reads, frames and submits one claimed file, then moves it to
// done_dir, or to failed_dir when it cannot be read or framed. When ctx
// ends midway the file stays in .processing for the next start.
func (s *FileSource) process(ctx, submitCtx context.Context, name string) {
	claimed := filepath.Join(s.processing, name)
	if each := rowsOf(s.format); each != nil {
		s.processStream(ctx, submitCtx, name, each)
		return
	}
	data, err := os.ReadFile(claimed)
	if err != nil {
		s.fail(name, fmt.Errorf("cannot read the file: %w", err))
		return
	}
	var stamp time.Time
	if info, err := os.Stat(claimed); err == nil {
		stamp = info.ModTime() // kept by the claim's rename
	}
	msgs, err := frameFile(s.format, name, filepath.Join(s.dir, name), data, stamp)
	if err != nil {
		s.fail(name, err)
		return
	}
	for start := 0; start < len(msgs); start += fileBatchSize {
		if !s.submit(ctx, submitCtx, claimed, msgs[start:min(start+fileBatchSize, len(msgs))], start) {
			return
		}
	}
	s.finish(name, len(msgs))
}

// processStream is process for the formats cut into one message per line
// or row, streamed: a file of any size is read twice (the content hash
// that names its messages, and a check of every row, then the messages),
// holding one batch of rows at a time, never the whole file.
func (s *FileSource) processStream(ctx, submitCtx context.Context, name string, each rowFunc) {
	claimed := filepath.Join(s.processing, name)
	f, err := os.Open(claimed)
	if err != nil {
		s.fail(name, fmt.Errorf("cannot read the file: %w", err))
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		s.fail(name, fmt.Errorf("cannot read the file: %w", err))
		return
	}
	// The first pass checks every row before any goes in, so that a bad
	// one fails the whole file, as a file framed in memory does.
	h := sha256.New()
	if err := each(io.TeeReader(f, h), func(int, []byte) error { return nil }); err != nil {
		s.fail(name, err)
		return
	}
	idBase := fileIDBase(name, h, info.ModTime()) // the time is kept by the claim's rename
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		s.fail(name, fmt.Errorf("cannot read the file: %w", err))
		return
	}
	path := filepath.Join(s.dir, name)
	batch := make([]connector.Message, 0, fileBatchSize)
	sent := 0
	errStopped := errors.New("stopped")
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if !s.submit(ctx, submitCtx, claimed, batch, sent) {
			return errStopped
		}
		sent += len(batch)
		// A new slice: the ingress may keep the one it was given.
		batch = make([]connector.Message, 0, fileBatchSize)
		return nil
	}
	err = each(f, func(n int, body []byte) error {
		batch = append(batch, rowMessage(bytes.Clone(body), n, idBase, path, name))
		if len(batch) == fileBatchSize {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if errors.Is(err, errStopped) {
		return
	}
	if err != nil {
		s.log.Error("reading a claimed file failed; it will be processed again on the next start", "file", claimed, "error", err)
		return
	}
	s.finish(name, sent)
}

// submit submits one batch of a claimed file's messages (from its start-th
// message on); false means the source is stopping, and the file stays
// claimed for the next start.
func (s *FileSource) submit(ctx, submitCtx context.Context, claimed string, batch []connector.Message, start int) bool {
	if ctx.Err() != nil {
		s.log.Info("closing midway; the file will be processed again on the next start", "file", claimed, "submitted", start)
		return false
	}
	if err := submitRetry(ctx, submitCtx, s.params.Ingress, s.log, batch); err != nil {
		s.log.Info("stopped midway; the file will be processed again on the next start", "file", claimed, "submitted", start)
		return false
	}
	return true
}

// finish moves a claimed file whose messages are all in to done_dir.
func (s *FileSource) finish(name string, messages int) {
	claimed := filepath.Join(s.processing, name)
	target, err := moveUnique(claimed, s.doneDir, name)
	if err != nil {
		s.log.Error("moving a processed file to done_dir failed; it will be processed again on the next start", "file", claimed, "error", err)
		return
	}
	s.log.Debug("file processed", "file", filepath.Join(s.dir, name), "messages", messages, "moved_to", target)
}

// fail moves a claimed file to failed_dir with an error file beside it.
func (s *FileSource) fail(name string, cause error) {
	claimed := filepath.Join(s.processing, name)
	target, err := moveUnique(claimed, s.failedDir, name)
	if err != nil {
		s.log.Error("moving a bad file to failed_dir failed", "file", claimed, "error", err)
		return
	}
	text := fmt.Sprintf("transload could not process %s (moved here at %s):\n%v\n",
		filepath.Join(s.dir, name), time.Now().UTC().Format(time.RFC3339), cause)
	if err := os.WriteFile(target+".error.txt", []byte(text), 0o644); err != nil {
		s.log.Error("writing an error file failed", "file", target+".error.txt", "error", err)
	}
	s.log.Warn("file moved to failed_dir", "file", filepath.Join(s.dir, name), "moved_to", target, "error", cause)
}

// moveUnique renames src into dir under name, or under name with a
// counter before its extension when that is taken, so an earlier file of
// the same name is never overwritten.
func moveUnique(src, dir, name string) (string, error) {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 0; i < 10000; i++ {
		dst := filepath.Join(dir, name)
		if i > 0 {
			dst = filepath.Join(dir, stem+"."+strconv.Itoa(i)+ext)
		}
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		return dst, os.Rename(src, dst)
	}
	return "", fmt.Errorf("too many files named %s in %s", name, dir)
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// frameFile cuts a file into messages. A message id is the file name, a
// short hash of its content and modification time, and the line: a file
// processed again after a crash (it keeps its time in .processing) yields
// the same ids, so the engine takes its lines for the messages they were;
// a new file that reuses a name (a daily orders.csv), even with the same
// content as the day before, does not. A zero stamp hashes the content
// alone.
func frameFile(format, name, path string, data []byte, stamp time.Time) ([]connector.Message, error) {
	h := sha256.New()
	h.Write(data)
	idBase := fileIDBase(name, h, stamp)
	if each := rowsOf(format); each != nil {
		var msgs []connector.Message
		err := each(bytes.NewReader(data), func(n int, body []byte) error {
			msgs = append(msgs, rowMessage(bytes.Clone(body), n, idBase, path, name))
			return nil
		})
		return msgs, err
	}
	// The whole file is one message.
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	if format == frameJSON && !utf8.Valid(data) {
		return nil, fmt.Errorf("line %d is not valid UTF-8", invalidUTF8Line(data))
	}
	return []connector.Message{{Body: data, Headers: map[string]string{"file-name": name}, Origin: "file " + path, ID: idBase}}, nil
}

// fileIDBase is the start of the ids of a file's messages: its name, and
// a short hash of its content (written to h) and its time.
func fileIDBase(name string, h hash.Hash, stamp time.Time) string {
	if !stamp.IsZero() {
		h.Write([]byte(stamp.UTC().Format(time.RFC3339Nano)))
	}
	return name + "@" + hex.EncodeToString(h.Sum(nil)[:6])
}

// rowFunc calls fn with the body of every message of the file r holds,
// and the line it starts on; body is only valid during the call. An error
// names the line.
type rowFunc func(r io.Reader, fn func(line int, body []byte) error) error

// rowsOf returns the rowFunc of a format cut into one message per line or
// row, or nil for a format whose file is one message.
func rowsOf(format string) rowFunc {
	switch format {
	case frameJSONL:
		return jsonLines
	case frameCSV:
		return csvRows
	}
	return nil
}

// jsonLines is the rowFunc of JSON Lines: every line that is not blank.
func jsonLines(r io.Reader, fn func(int, []byte) error) error {
	return eachLine(r, func(n int, line []byte) error {
		if !utf8.Valid(line) {
			return fmt.Errorf("line %d is not valid UTF-8", n)
		}
		return fn(n, line)
	})
}

// rowMessage is the message of the row starting on line n of a file.
func rowMessage(body []byte, n int, idBase, path, name string) connector.Message {
	ln := strconv.Itoa(n)
	// Each message gets its own headers map: the engine may add to it.
	return connector.Message{Body: body, Headers: map[string]string{"file-name": name}, Origin: "file " + path + ":" + ln, ID: idBase + ":" + ln}
}

// eachLine calls fn with every line of r that is not blank, numbered from
// 1 (blank lines count), without its line ending, and without a UTF-8 byte
// order mark at the start of the first. line is only valid during the
// call. Lines of any length are read.
func eachLine(r io.Reader, fn func(n int, line []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte{'\n'}), []byte{'\r'})
		if len(bytes.TrimSpace(line)) > 0 {
			if err := fn(n, line); err != nil {
				return err
			}
		}
		if err != nil { // io.EOF
			return nil
		}
	}
}

// csvRows is the rowFunc of CSV: one body per data row, the header line
// and the row's own bytes, so the CSV decoder sees a one-row file in the
// delimiter the file uses. The delimiter is found in the header line (its
// first 64 KiB).
func csvRows(r io.Reader, fn func(int, []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(len(utf8BOM)); bytes.Equal(bom, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	head, _ := br.Peek(64 << 10)
	// A semicolon export with decimal commas (24,99) is rows of semicolons.
	comma := csvdoc.DetectDelimiter(head)
	w := &window{r: br}
	cr := csv.NewReader(w)
	cr.Comma = comma
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty export: nothing to do
		}
		return fmt.Errorf("the header is not valid CSV: %w", err)
	}
	header := bytes.Clone(trimEOL(w.bytes(0, cr.InputOffset())))
	w.drop(cr.InputOffset())
	var body []byte
	for {
		start := cr.InputOffset()
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("invalid CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		end := cr.InputOffset()
		row := bytes.TrimLeft(trimEOL(w.bytes(start, end)), "\r\n")
		body = append(append(append(body[:0], header...), '\n'), row...)
		w.drop(end)
		if err := fn(line, body); err != nil {
			return err
		}
	}
}

// window is a reader that keeps what it has read from a given offset on,
// so that the bytes of the record a csv.Reader has just read (which it
// reports as offsets) can be had while the reader reads ahead.
type window struct {
	r    io.Reader
	buf  []byte // the bytes from offset base on
	base int64
}

func (w *window) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.buf = append(w.buf, p[:n]...)
	return n, err
}

// bytes returns the bytes from offset from to offset to.
func (w *window) bytes(from, to int64) []byte { return w.buf[from-w.base : to-w.base] }

// drop forgets the bytes before offset upto.
func (w *window) drop(upto int64) {
	w.buf = append(w.buf[:0], w.buf[upto-w.base:]...)
	w.base = upto
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

// invalidUTF8Line returns the 1-based line of the first invalid UTF-8
// sequence in b.
func invalidUTF8Line(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[size:]
	}
	return line
}

var _ connector.Source = (*FileSource)(nil)
