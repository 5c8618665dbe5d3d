package connectors

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

// The modes of the file sink.
const (
	fileModeDocument = "document"
	fileModeAppend   = "append"
)

// BatchSink is implemented by sinks that make several deliveries durable
// with one write: the file sink makes a batch durable with one fsync
// (append mode) or one directory sync (document mode). An engine that
// finds it on a sink may hand it several ready deliveries at once instead
// of calling Deliver for each.
//
// DeliverBatch returns one response and one error per delivery, in the
// order of ds (len(resps) == len(errs) == len(ds)); errs[i] classifies
// ds[i]'s failure exactly as Deliver would. It may be called concurrently,
// like Deliver.
type BatchSink interface {
	connector.Sink
	DeliverBatch(ctx context.Context, ds []*connector.Delivery) ([]*connector.Response, []error)
}

// FileSinkSpec is the settings spec of the file sink.
var FileSinkSpec = &connector.ConfigSpec{
	Doc: "Writes documents to an outbox folder. In \"document\" mode each document becomes one file named after its " +
		"business key, written atomically (temporary file, fsync, rename, fsync of the folder), so a reader never sees half a file; " +
		"a key whose file already exists is treated as delivered, which makes retries and replays safe " +
		"(an update delivery replaces the file). In \"append\" mode every document is appended as one line to one file, " +
		"made durable with fsync before the delivery succeeds; a retry after a crash may append a line twice. " +
		"With format = \"json\" (the default), a string body (generated EDI or XML) is written as it is and any other body as canonical JSON; " +
		"with format = \"xml\", a document is written as the http sink would send it with the same settings.",
	Attrs: append([]*connector.AttrSpec{
		{
			Name: "dir", Type: cty.String, Required: true,
			Doc:     "The outbox folder, created when missing. A relative path is relative to the engine's data directory (not the flows folder: outputs are data).",
			Example: `dir = "outbox/orders"`,
		},
		{
			Name: "mode", Type: cty.String, Default: cty.StringVal(fileModeDocument), OneOf: []string{fileModeDocument, fileModeAppend},
			Doc: "\"document\": one file per document, named from the business key with characters other than letters, digits, " +
				"'.', '_' and '-' written as %XX (so two keys never share a file). \"append\": one line per document in `file`.",
			Example: `mode = "append"`,
		},
		{
			Name: "file", Type: cty.String,
			Doc:     "The file documents are appended to in append mode, inside dir; default out.jsonl.",
			Example: `file = "inventory.jsonl"`,
		},
		{
			Name: "extension", Type: cty.String,
			Doc: "The file name extension in document mode. By default .json, or .txt when the body is a string; " +
				"set .xml or .edi for generated XML or X12.",
			Example: `extension = ".edi"`,
		},
		{
			Name: "format", Type: cty.String, Default: cty.StringVal("json"), OneOf: []string{"json", "xml"},
			Doc: "The file format. \"json\": a string body as it is, any other body as canonical JSON. " + xmlFormatDoc +
				" XML is written in document mode only (several XML documents in one file are not XML); the default extension is then .xml.",
			Example: `format = "xml"`,
		},
	}, xmlAttrSpecs()...),
	Check: func(v cty.Value) error {
		mode := getString(v, "mode", fileModeDocument)
		if f := getString(v, "file", ""); isSet(attr(v, "file")) {
			if mode != fileModeAppend {
				return errors.New(`file is only used with mode = "append"`)
			}
			if f == "" || f != filepath.Base(f) || strings.HasPrefix(f, ".") {
				return fmt.Errorf("file %q must be a plain file name inside dir, not a path or a dotfile", f)
			}
		}
		if e := getString(v, "extension", ""); isSet(attr(v, "extension")) {
			if mode != fileModeDocument {
				return errors.New(`extension is only used with mode = "document"`)
			}
			if strings.ContainsAny(e, `/\`) || strings.Trim(e, ".") == "" {
				return fmt.Errorf("extension %q must be a file name extension such as \".edi\"", e)
			}
		}
		if isSet(attr(v, "dir")) && getString(v, "dir", "") == "" {
			return errors.New("dir must not be empty")
		}
		if getString(v, "format", "json") == "xml" && mode != fileModeDocument {
			return errors.New(`the setting format = "xml" needs mode = "document": several XML documents in one file are not XML`)
		}
		return checkXMLSettings(v)
	},
}

// fileSinkIdempotency is the strategy of a file sink's settings.
func fileSinkIdempotency(cfg cty.Value) connector.Idempotency {
	if getString(cfg, "mode", fileModeDocument) == fileModeAppend {
		return connector.IdempotencyNone
	}
	return connector.IdempotencyKey
}

// FileSink is the file sink.
//
// Lifecycle: ready once built (folders are created at the first
// delivery); Deliver and DeliverBatch may be called concurrently, and
// concurrent appends share one fsync (group commit). Close closes the
// append file after the appends in flight; it is safe twice and without
// any delivery; a delivery after Close fails as retryable.
type FileSink struct {
	dir  string
	mode string
	ext  string
	app  *appendWriter
	// xml is set when format = "xml": the options documents are encoded
	// with.
	xml *xmldoc.EncodeOptions
}

// NewFileSink builds a file sink from its params.
func NewFileSink(p connector.SinkParams) (connector.Sink, error) {
	if err := FileSinkSpec.Check(p.Config); err != nil {
		return nil, fmt.Errorf("file sink %s: %w", p.Name, err)
	}
	dir := getString(p.Config, "dir", "")
	if dir == "" {
		return nil, fmt.Errorf("file sink %s: dir is required", p.Name)
	}
	base := p.DataDir
	if base == "" {
		base = p.BaseDir
	}
	s := &FileSink{
		dir:  resolvePath(base, dir),
		mode: getString(p.Config, "mode", fileModeDocument),
		ext:  getString(p.Config, "extension", ""),
	}
	if getString(p.Config, "format", "json") == "xml" {
		opts := xmlOptions(p.Config)
		s.xml = &opts
		if s.ext == "" {
			s.ext = ".xml"
		}
	}
	if s.ext != "" && !strings.HasPrefix(s.ext, ".") {
		s.ext = "." + s.ext
	}
	if s.mode == fileModeAppend {
		s.app = &appendWriter{dir: s.dir, path: filepath.Join(s.dir, getString(p.Config, "file", "out.jsonl"))}
	}
	return s, nil
}

// Deliver writes one document.
func (s *FileSink) Deliver(ctx context.Context, d *connector.Delivery) (*connector.Response, error) {
	resps, errs := s.DeliverBatch(ctx, []*connector.Delivery{d})
	return resps[0], errs[0]
}

// DeliverBatch implements BatchSink.
func (s *FileSink) DeliverBatch(ctx context.Context, ds []*connector.Delivery) ([]*connector.Response, []error) {
	resps := make([]*connector.Response, len(ds))
	errs := make([]error, len(ds))
	if s.mode == fileModeAppend {
		s.appendBatch(ds, resps, errs)
		return resps, errs
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fill(resps, errs, connector.Retryable(fmt.Errorf("creating the outbox: %w", err), 0))
	}
	wrote := false
	for i, d := range ds {
		var w bool
		resps[i], w, errs[i] = s.writeDocument(d)
		wrote = wrote || w
	}
	if wrote {
		// One folder sync makes every rename of the batch durable.
		if err := syncDir(s.dir); err != nil {
			return fill(resps, errs, connector.Retryable(fmt.Errorf("syncing the outbox folder: %w", err), 0))
		}
	}
	return resps, errs
}

// writeDocument writes one document file without syncing the folder;
// wrote says whether it wrote one (false: it existed, or an error).
func (s *FileSink) writeDocument(d *connector.Delivery) (resp *connector.Response, wrote bool, err error) {
	if d.Key == "" {
		return nil, false, connector.Permanent(ReasonMissingKey, errors.New("document mode names each file after the business key, and this delivery has none"))
	}
	data, isString, err := s.encodeBody(d)
	if err != nil {
		return nil, false, connector.Permanent(ReasonUnencodable, err)
	}
	ext := s.ext
	if ext == "" {
		ext = ".json"
		if isString {
			ext = ".txt"
		}
	}
	path := filepath.Join(s.dir, safeFileName(d.Key)+ext)
	if !d.Update {
		if _, err := os.Lstat(path); err == nil {
			return &connector.Response{Ref: path}, false, nil // delivered before
		}
	}
	if err := writeFileAtomic(s.dir, path, data); err != nil {
		return nil, false, connector.Retryable(err, 0)
	}
	return &connector.Response{Ref: path}, true, nil
}

func (s *FileSink) appendBatch(ds []*connector.Delivery, resps []*connector.Response, errs []error) {
	var lines [][]byte
	var idx []int
	for i, d := range ds {
		data, _, err := s.encodeBody(d)
		if err != nil {
			errs[i] = connector.Permanent(ReasonUnencodable, err)
			continue
		}
		if len(data) == 0 || data[len(data)-1] != '\n' {
			data = append(data, '\n')
		}
		lines = append(lines, data)
		idx = append(idx, i)
	}
	if len(lines) == 0 {
		return
	}
	err := s.app.append(lines)
	for _, i := range idx {
		if err != nil {
			errs[i] = connector.Retryable(err, 0)
		} else {
			resps[i] = &connector.Response{Ref: s.app.path}
		}
	}
}

// Close closes the append file.
func (s *FileSink) Close(context.Context) error {
	if s.app != nil {
		return s.app.close()
	}
	return nil
}

// encodeBody renders a body: a string as is, anything else as canonical
// JSON, or with format = "xml" as the http sink encodes XML.
func (s *FileSink) encodeBody(d *connector.Delivery) (data []byte, isString bool, err error) {
	if s.xml != nil {
		_, isString = d.Body.(string)
		data, err = encodeXMLBody(d.Body, d.Type, *s.xml)
		return data, isString, err
	}
	if str, ok := d.Body.(string); ok {
		return []byte(str), true, nil
	}
	b, err := d.JSON()
	if err != nil {
		return nil, false, fmt.Errorf("cannot encode the document as JSON: %w", err)
	}
	return b, false, nil
}

func fill(resps []*connector.Response, errs []error, err error) ([]*connector.Response, []error) {
	for i := range errs {
		if errs[i] == nil {
			resps[i], errs[i] = nil, err
		}
	}
	return resps, errs
}

// safeFileName turns a business key into a file name: letters, digits,
// '.', '_' and '-' stay, every other byte (and a leading '.') becomes %XX,
// so distinct keys never share a name and no key can climb out of the
// folder. A long key is cut and given a hash of the whole key.
func safeFileName(key string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || (c == '.' && i > 0) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	name := b.String()
	if len(name) > 180 {
		sum := sha256.Sum256([]byte(key))
		name = name[:160] + "~" + hex.EncodeToString(sum[:8])
	}
	return name
}

// writeFileAtomic writes data to path through a temporary dotfile in dir:
// write, fsync, rename. The caller syncs dir.
func writeFileAtomic(dir, path string, data []byte) error {
	f, err := os.CreateTemp(dir, ".transload-*.tmp")
	if err != nil {
		return fmt.Errorf("creating a temporary file: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("renaming to %s: %w", path, err)
	}
	ok = true
	return nil
}

// syncDir makes the entries of dir (renames into it) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return err
	}
	return nil
}

// appendWriter appends lines to one file with group commit: concurrent
// appends queue up, and whichever caller finds no flush running writes
// everything queued with one write and one fsync, then hands every waiter
// the result.
type appendWriter struct {
	dir, path string

	mu       sync.Mutex // guards queue, flushing, closed
	queue    []*appendReq
	flushing bool
	closed   bool

	fileMu sync.Mutex // guards f and fileDone
	f      *os.File
	// fileDone is set by close: no write may reopen the file.
	fileDone bool
}

type appendReq struct {
	lines [][]byte
	done  chan error
}

var errSinkClosed = errors.New("the sink is closed")

func (w *appendWriter) append(lines [][]byte) error {
	req := &appendReq{lines: lines, done: make(chan error, 1)}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return errSinkClosed
	}
	w.queue = append(w.queue, req)
	if w.flushing {
		w.mu.Unlock()
		return <-req.done
	}
	w.flushing = true
	for len(w.queue) > 0 {
		batch := w.queue
		w.queue = nil
		w.mu.Unlock()
		err := w.writeSync(batch)
		for _, r := range batch {
			r.done <- err
		}
		w.mu.Lock()
	}
	w.flushing = false
	w.mu.Unlock()
	return <-req.done
}

// writeSync appends the lines of batch and fsyncs. A failed write is cut
// off again, so the file never keeps half a line.
func (w *appendWriter) writeSync(batch []*appendReq) error {
	w.fileMu.Lock()
	defer w.fileMu.Unlock()
	if w.fileDone {
		return errSinkClosed
	}
	if w.f == nil {
		if err := w.open(); err != nil {
			return err
		}
	}
	info, err := w.f.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", w.path, err)
	}
	size := 0
	for _, r := range batch {
		for _, l := range r.lines {
			size += len(l)
		}
	}
	buf := make([]byte, 0, size)
	for _, r := range batch {
		for _, l := range r.lines {
			buf = append(buf, l...)
		}
	}
	if _, err := w.f.Write(buf); err != nil {
		_ = w.f.Truncate(info.Size())
		return fmt.Errorf("appending to %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		// After a failed fsync the state of the written pages is unknown;
		// cut them off and let the deliveries be retried.
		_ = w.f.Truncate(info.Size())
		return fmt.Errorf("syncing %s: %w", w.path, err)
	}
	return nil
}

// open opens the append file, creating it (and its folder) when missing.
// When a crash left a last line without its newline, one is added so the
// next line starts on its own.
func (w *appendWriter) open() error {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return fmt.Errorf("creating the outbox: %w", err)
	}
	f, err := os.OpenFile(w.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("opening %s: %w", w.path, err)
	}
	created := false
	if info, err := f.Stat(); err == nil && info.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, info.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return fmt.Errorf("appending to %s: %w", w.path, err)
			}
		}
	} else if err == nil {
		created = true
	}
	if created {
		if err := syncDir(w.dir); err != nil {
			f.Close()
			return fmt.Errorf("syncing the outbox folder: %w", err)
		}
	}
	w.f = f
	return nil
}

func (w *appendWriter) close() error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.fileMu.Lock()
	defer w.fileMu.Unlock()
	w.fileDone = true
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

var (
	_ connector.Sink = (*FileSink)(nil)
	_ BatchSink      = (*FileSink)(nil)
)
