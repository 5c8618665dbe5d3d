package connectors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
)

func TestFrameFile(t *testing.T) {
	type msg struct{ id, origin, body string }
	cases := []struct {
		name    string
		format  string
		data    string
		want    []msg
		wantErr string
	}{
		{
			name: "json is one message", format: "json", data: "{\"id\": 1}\n",
			want: []msg{{"f@H", "file in/f", "{\"id\": 1}\n"}},
		},
		{
			name: "json drops a byte order mark", format: "json", data: "\xEF\xBB\xBF{}",
			want: []msg{{"f@H", "file in/f", "{}"}},
		},
		{name: "empty json fails", format: "json", data: " \n", wantErr: "the file is empty"},
		{name: "json with invalid UTF-8 fails with the line", format: "json", data: "{\n\"a\": \"\xff\"\n}", wantErr: "line 2 is not valid UTF-8"},
		{
			name: "jsonl is one message per non-empty line", format: "jsonl", data: "{\"a\":1}\r\n\n  \n{\"a\":2}\n{\"a\":3}",
			want: []msg{{"f@H:1", "file in/f:1", `{"a":1}`}, {"f@H:4", "file in/f:4", `{"a":2}`}, {"f@H:5", "file in/f:5", `{"a":3}`}},
		},
		{name: "jsonl with invalid UTF-8 fails with the line", format: "jsonl", data: "{}\n{}\n{\"a\":\"\xc3\x28\"}\n", wantErr: "line 3 is not valid UTF-8"},
		{name: "empty jsonl is no message", format: "jsonl", data: "", want: nil},
		{
			name: "csv is header plus one row per message", format: "csv",
			data: "\xEF\xBB\xBFsku,qty,note\r\nA-1,2,plain\r\n\r\nB-2,1,\"two\nlines, quoted\"\r\nC-3,5,\"\"\"q\"\"\"\r\n",
			want: []msg{
				{"f@H:2", "file in/f:2", "sku,qty,note\nA-1,2,plain"},
				{"f@H:4", "file in/f:4", "sku,qty,note\nB-2,1,\"two\nlines, quoted\""},
				{"f@H:6", "file in/f:6", "sku,qty,note\nC-3,5,\"\"\"q\"\"\""},
			},
		},
		{
			name: "csv with semicolons and decimal commas is split by the semicolons", format: "csv",
			data: "sku;qty;price\nA-1;2;24,99\nB-2;1;\"5;00\"\n",
			want: []msg{
				{"f@H:2", "file in/f:2", "sku;qty;price\nA-1;2;24,99"},
				{"f@H:3", "file in/f:3", "sku;qty;price\nB-2;1;\"5;00\""},
			},
		},
		{name: "csv header only is no message", format: "csv", data: "sku,qty\n", want: nil},
		{name: "csv syntax error fails with the line", format: "csv", data: "sku,qty\nA,1\nB,\"2\n", wantErr: "line 3"},
		{name: "csv ragged row fails with the line", format: "csv", data: "sku,qty\nA,1\nB,2,3\n", wantErr: "line 3"},
		{
			name: "x12 is one message", format: "x12", data: "ISA*00*~GS*PO~ST*850*0001~SE*2*0001~GE*1~IEA*1~",
			want: []msg{{"f@H", "file in/f", "ISA*00*~GS*PO~ST*850*0001~SE*2*0001~GE*1~IEA*1~"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msgs, err := frameFile(c.format, "f", "in/f", []byte(c.data), time.Time{})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != len(c.want) {
				t.Fatalf("%d messages, want %d: %q", len(msgs), len(c.want), msgs)
			}
			for i, m := range msgs {
				hash, _, _ := strings.Cut(strings.TrimPrefix(m.ID, "f@"), ":")
				want := c.want[i]
				want.id = strings.Replace(want.id, "H", hash, 1)
				if len(hash) != 12 {
					t.Fatalf("id %q: want a 12-digit content hash", m.ID)
				}
				if m.ID != want.id || m.Origin != want.origin || string(m.Body) != want.body {
					t.Errorf("message %d = {%q %q %q}, want {%q %q %q}", i, m.ID, m.Origin, m.Body, want.id, want.origin, want.body)
				}
				if m.Headers["file-name"] != "f" {
					t.Errorf("headers %v", m.Headers)
				}
			}
		})
	}
	day1 := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	a, _ := frameFile("jsonl", "f", "f", []byte("{}\n"), day1)
	b, _ := frameFile("jsonl", "f", "f", []byte("{}\n"), day1)
	c, _ := frameFile("jsonl", "f", "f", []byte("{ }\n"), day1)
	d, _ := frameFile("jsonl", "f", "f", []byte("{}\n"), day1.Add(24*time.Hour))
	if a[0].ID != b[0].ID || a[0].ID == c[0].ID {
		t.Fatalf("ids must follow the content: %q %q %q", a[0].ID, b[0].ID, c[0].ID)
	}
	if a[0].ID == d[0].ID {
		t.Fatalf("the same content dropped again the next day has the same ids %q: its lines would be taken for the old ones", d[0].ID)
	}
}

// fileRig runs a file source over a temporary drop folder.
type fileRig struct {
	t     *testing.T
	base  string
	dir   string
	ing   *recorder
	src   connector.Source
	dones atomic.Int32
	log   *logBuffer
}

func newFileRig(t *testing.T, once bool, format string, settings map[string]cty.Value) *fileRig {
	t.Helper()
	leakCheck(t)
	base := t.TempDir()
	r := &fileRig{t: t, base: base, dir: filepath.Join(base, "in", "orders"), ing: newRecorder(), log: &logBuffer{}}
	if settings == nil {
		settings = map[string]cty.Value{}
	}
	if _, ok := settings["dir"]; !ok {
		settings["dir"] = str("in/orders") // relative: resolved against BaseDir
	}
	if _, ok := settings["poll_interval"]; !ok {
		settings["poll_interval"] = str("50ms")
	}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := NewFileSource(connector.SourceParams{
		Flow: "orders", Format: format, Config: mustConfig(t, FileSourceSpec, settings),
		Ingress: r.ing, Logger: r.log.logger(), BaseDir: base, Once: once,
		Done: func() { r.dones.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	r.src = src
	t.Cleanup(func() {
		if err := src.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return r
}

// write creates a file in the drop folder with an mtime in the past, as a
// file that was dropped a while ago.
func (r *fileRig) write(name, data string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		r.t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(p, old, old); err != nil {
		r.t.Fatal(err)
	}
}

func (r *fileRig) start() {
	r.t.Helper()
	if err := r.src.Start(context.Background()); err != nil {
		r.t.Fatal(err)
	}
}

// waitDone waits for the Once source to call Done.
func (r *fileRig) waitDone() {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for r.dones.Load() == 0 {
		if time.Now().After(deadline) {
			r.t.Fatalf("Done was not called; log:\n%s", r.log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitMessages waits until n messages were submitted.
func (r *fileRig) waitMessages(n int) []connector.Message {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := r.ing.messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%d messages after 10s, want %d; log:\n%s", len(msgs), n, r.log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *fileRig) names(sub string) []string {
	r.t.Helper()
	entries, err := os.ReadDir(filepath.Join(r.dir, sub))
	if err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestFileSourceOnceBatchesAndMovesToDone(t *testing.T) {
	r := newFileRig(t, true, "json", map[string]cty.Value{"format": str("jsonl")})
	var lines strings.Builder
	for i := 1; i <= 600; i++ {
		fmt.Fprintf(&lines, "{\"n\":%d}\n", i)
	}
	r.write("orders.jsonl", lines.String())
	// While the messages are submitted the file sits in .processing.
	var claimedSeen atomic.Bool
	r.ing.fail = func(n int, msgs []connector.Message) error {
		if _, err := os.Stat(filepath.Join(r.dir, ".processing", "orders.jsonl")); err == nil {
			claimedSeen.Store(true)
		}
		return nil
	}
	r.start()
	r.waitDone()
	if got := r.ing.batchSizes(); fmt.Sprint(got) != "[256 256 88]" {
		t.Fatalf("batches %v, want [256 256 88]", got)
	}
	msgs := r.ing.messages()
	for i, m := range msgs {
		if string(m.Body) != fmt.Sprintf("{\"n\":%d}", i+1) || !strings.HasSuffix(m.ID, fmt.Sprintf(":%d", i+1)) {
			t.Fatalf("message %d: %q %q", i, m.ID, m.Body)
		}
	}
	if want := "file " + filepath.Join(r.dir, "orders.jsonl") + ":600"; msgs[599].Origin != want {
		t.Fatalf("origin %q, want %q", msgs[599].Origin, want)
	}
	if !claimedSeen.Load() {
		t.Fatal("the file was not in .processing while being submitted")
	}
	if got := r.names("done"); fmt.Sprint(got) != "[orders.jsonl]" {
		t.Fatalf("done holds %v", got)
	}
	if got := r.names(".processing"); len(got) != 0 {
		t.Fatalf(".processing holds %v", got)
	}
	if r.dones.Load() != 1 {
		t.Fatalf("Done called %d times", r.dones.Load())
	}
	if err := r.src.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.dones.Load() != 1 {
		t.Fatalf("Done called %d times after Close", r.dones.Load())
	}
}

func TestFileSourceFollowsFlowFormat(t *testing.T) {
	cases := []struct {
		flowFormat string
		file       string
		want       []string
	}{
		{"csv", "sku,qty\nA,1\nB,2\n", []string{"sku,qty\nA,1", "sku,qty\nB,2"}},
		{"json", "{\"a\":1}\n{\"a\":2}\n", []string{"{\"a\":1}\n{\"a\":2}\n"}},
		{"x12", "ISA*00~IEA*1~", []string{"ISA*00~IEA*1~"}},
	}
	for _, c := range cases {
		t.Run(c.flowFormat, func(t *testing.T) {
			r := newFileRig(t, true, c.flowFormat, nil)
			r.write("drop."+c.flowFormat, c.file)
			r.start()
			r.waitDone()
			var got []string
			for _, m := range r.ing.messages() {
				got = append(got, string(m.Body))
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
				t.Fatalf("bodies %q, want %q", got, c.want)
			}
		})
	}
}

// streamed drops data as name, runs the source once, and checks that the
// n messages it submitted are those framing the file in memory gives.
func (r *fileRig) streamed(name, format, data string, n int) []connector.Message {
	t := r.t
	t.Helper()
	r.write(name, data)
	r.start()
	r.waitDone()
	got := r.ing.messages()
	info, err := os.Stat(filepath.Join(r.dir, "done", name))
	if err != nil {
		t.Fatal(err)
	}
	want, err := frameFile(format, name, filepath.Join(r.dir, name), []byte(data), info.ModTime())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || len(got) != len(want) {
		t.Fatalf("%d messages streamed, %d framed in memory; want %d", len(got), len(want), n)
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Origin != want[i].Origin || !bytes.Equal(got[i].Body, want[i].Body) {
			t.Fatalf("message %d: %q %q (%d bytes), want %q %q (%d bytes)", i, got[i].ID, got[i].Origin, len(got[i].Body), want[i].ID, want[i].Origin, len(want[i].Body))
		}
	}
	return got
}

// TestFileSourceStreamsJSONLines: a JSON Lines file is read as a stream,
// and gives the messages framing it in memory gives: a byte order mark,
// CRLF endings, blank lines and a line longer than the read buffer.
func TestFileSourceStreamsJSONLines(t *testing.T) {
	r := newFileRig(t, true, "json", map[string]cty.Value{"format": str("jsonl")})
	var b strings.Builder
	b.WriteString("\xEF\xBB\xBF")
	for i := 1; i <= 300; i++ {
		switch i {
		case 7:
			b.WriteString("\r\n")
		case 150:
			fmt.Fprintf(&b, "{\"n\":%d,\"note\":%q}\r\n", i, strings.Repeat("long ", 40_000))
		default:
			fmt.Fprintf(&b, "{\"n\":%d}\r\n", i)
		}
	}
	got := r.streamed("big.jsonl", "jsonl", b.String(), 299)
	if string(got[0].Body) != `{"n":1}` || !strings.HasSuffix(got[148].ID, ":150") || len(got[148].Body) < 200_000 {
		t.Fatalf("first %q, long line %q of %d bytes", got[0].Body, got[148].ID, len(got[148].Body))
	}
}

// TestFileSourceStreamsCSV: a CSV file is read as a stream, and gives the
// messages framing it in memory gives: a byte order mark, semicolons with
// decimal commas, CRLF endings, a blank line, quoted fields across lines,
// and a row longer than every read buffer.
func TestFileSourceStreamsCSV(t *testing.T) {
	r := newFileRig(t, true, "csv", map[string]cty.Value{"format": str("csv")})
	var b strings.Builder
	b.WriteString("\xEF\xBB\xBFsku;qty;price;note\r\n")
	for i := 1; i <= 700; i++ {
		switch i {
		case 10:
			b.WriteString("\r\n")
		case 20:
			fmt.Fprintf(&b, "SKU-%d;%d;24,99;\"two\nlines; quoted\"\r\n", i, i)
		case 300:
			fmt.Fprintf(&b, "SKU-%d;%d;1,00;\"%s\"\r\n", i, i, strings.Repeat("long; ", 30_000))
		default:
			fmt.Fprintf(&b, "SKU-%d;%d;%d,50;plain\r\n", i, i, i)
		}
	}
	got := r.streamed("prices.csv", "csv", b.String(), 699)
	if first := string(got[0].Body); first != "sku;qty;price;note\nSKU-1;1;1,50;plain" {
		t.Fatalf("first body %q", first)
	}
	if !strings.HasSuffix(got[18].ID, ":21") || !strings.Contains(string(got[18].Body), "two\nlines; quoted") || len(got[298].Body) < 180_000 {
		t.Fatalf("quoted row %q %q, long row of %d bytes", got[18].ID, got[18].Body, len(got[298].Body))
	}
}

func TestFileSourceFailedFiles(t *testing.T) {
	r := newFileRig(t, true, "json", map[string]cty.Value{"format": str("jsonl")})
	r.write("bad.jsonl", "{\"a\":1}\n{\"a\":\"\xff\"}\n")
	r.write("good.jsonl", "{\"a\":1}\n")
	r.start()
	r.waitDone()
	if got := r.names("failed"); fmt.Sprint(got) != "[bad.jsonl bad.jsonl.error.txt]" {
		t.Fatalf("failed holds %v", got)
	}
	text, err := os.ReadFile(filepath.Join(r.dir, "failed", "bad.jsonl.error.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "line 2 is not valid UTF-8") || !strings.Contains(string(text), "bad.jsonl") {
		t.Fatalf("error file: %s", text)
	}
	if got := r.names("done"); fmt.Sprint(got) != "[good.jsonl]" {
		t.Fatalf("done holds %v", got)
	}
	// Nothing of the bad file was submitted.
	if msgs := r.ing.messages(); len(msgs) != 1 || !strings.HasPrefix(msgs[0].ID, "good.jsonl@") {
		t.Fatalf("messages %v", msgs)
	}
}

func TestFileSourceCSVErrorNamesTheLine(t *testing.T) {
	r := newFileRig(t, true, "csv", nil)
	r.write("items.csv", "sku,qty\nA,1\nB,\"2\nC,3\n")
	r.start()
	r.waitDone()
	text, err := os.ReadFile(filepath.Join(r.dir, "failed", "items.csv.error.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "line 3") {
		t.Fatalf("error file: %s", text)
	}
	if len(r.ing.messages()) != 0 {
		t.Fatal("rows of a bad CSV were submitted")
	}
}

func TestFileSourceReprocessesClaimedFilesAfterACrash(t *testing.T) {
	r := newFileRig(t, true, "json", map[string]cty.Value{"format": str("jsonl")})
	// A crash left a claimed file behind; it was half submitted.
	if err := os.MkdirAll(filepath.Join(r.dir, ".processing"), 0o755); err != nil {
		t.Fatal(err)
	}
	data := "{\"a\":1}\n{\"a\":2}\n"
	if err := os.WriteFile(filepath.Join(r.dir, ".processing", "left.jsonl"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	r.start()
	r.waitDone()
	msgs := r.ing.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	// The ids are those a first run would have given (the claimed file
	// kept its time), so the engine takes them for the same messages.
	info, err := os.Stat(filepath.Join(r.dir, "done", "left.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := frameFile("jsonl", "left.jsonl", "", []byte(data), info.ModTime())
	if msgs[0].ID != first[0].ID || msgs[1].ID != first[1].ID {
		t.Fatalf("ids %q %q, want %q %q", msgs[0].ID, msgs[1].ID, first[0].ID, first[1].ID)
	}
	if got := r.names("done"); fmt.Sprint(got) != "[left.jsonl]" {
		t.Fatalf("done holds %v", got)
	}
}

func TestFileSourceSkips(t *testing.T) {
	r := newFileRig(t, true, "json", map[string]cty.Value{"pattern": str("*.json")})
	r.write("a.json", "{}")
	r.write(".hidden.json", "{}")
	r.write("b.json.tmp", "{}")
	r.write("c.json.part", "{}")
	r.write("notes.txt", "hello")
	if err := os.Mkdir(filepath.Join(r.dir, "sub.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.start()
	r.waitDone()
	if msgs := r.ing.messages(); len(msgs) != 1 || !strings.HasPrefix(msgs[0].ID, "a.json@") {
		t.Fatalf("messages %v", msgs)
	}
	for _, name := range []string{".hidden.json", "b.json.tmp", "c.json.part", "notes.txt", "sub.json"} {
		if _, err := os.Stat(filepath.Join(r.dir, name)); err != nil {
			t.Errorf("%s was touched: %v", name, err)
		}
	}
}

func TestFileSourceDoneNameCollision(t *testing.T) {
	r := newFileRig(t, true, "json", nil)
	if err := os.MkdirAll(filepath.Join(r.dir, "done"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.dir, "done", "orders.json"), []byte("yesterday"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.write("orders.json", "{}")
	r.start()
	r.waitDone()
	if got := r.names("done"); fmt.Sprint(got) != "[orders.1.json orders.json]" {
		t.Fatalf("done holds %v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(r.dir, "done", "orders.json")); string(b) != "yesterday" {
		t.Fatal("an earlier done file was overwritten")
	}
}

func TestFileSourceCustomFoldersRelativeToBase(t *testing.T) {
	r := newFileRig(t, true, "json", map[string]cty.Value{"done_dir": str("archive"), "failed_dir": str("errors")})
	r.write("ok.json", "{}")
	r.write("empty.json", "")
	r.start()
	r.waitDone()
	if _, err := os.Stat(filepath.Join(r.base, "archive", "ok.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r.base, "errors", "empty.json.error.txt")); err != nil {
		t.Fatal(err)
	}
}

func TestFileSourceBackpressureRetriesTheSameBatch(t *testing.T) {
	r := newFileRig(t, true, "json", map[string]cty.Value{"format": str("jsonl")})
	var lines strings.Builder
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&lines, "{\"n\":%d}\n", i)
	}
	r.write("many.jsonl", lines.String())
	var refused atomic.Int32
	r.ing.fail = func(n int, msgs []connector.Message) error {
		switch n {
		case 1, 2:
			refused.Add(1)
			return &connector.BackpressureError{RetryAfter: 20 * time.Millisecond}
		case 4:
			return errors.New("transient disk error")
		}
		return nil
	}
	start := time.Now()
	r.start()
	r.waitDone()
	if time.Since(start) < 40*time.Millisecond {
		t.Fatal("the source did not wait out RetryAfter")
	}
	if got := r.ing.batchSizes(); fmt.Sprint(got) != "[256 44]" {
		t.Fatalf("stored batches %v, want [256 44]", got)
	}
	msgs := r.ing.messages()
	for i, m := range msgs {
		if string(m.Body) != fmt.Sprintf("{\"n\":%d}", i+1) {
			t.Fatalf("message %d is %q: lost or reordered", i, m.Body)
		}
	}
	if !strings.Contains(r.log.String(), "transient disk error") {
		t.Fatal("the ingress failure was not logged")
	}
}

func TestFileSourceWatchesTheFolder(t *testing.T) {
	r := newFileRig(t, false, "json", map[string]cty.Value{"poll_interval": str("10s")})
	r.start()
	// A writer that writes to .tmp and renames: picked up by notification,
	// long before the 10s poll.
	tmp := filepath.Join(r.dir, "a.json.tmp")
	if err := os.WriteFile(tmp, []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	os.Chtimes(tmp, old, old)
	if err := os.Rename(tmp, filepath.Join(r.dir, "a.json")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(r.ing.messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the file was not picked up by notification; log:\n%s", r.log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if r.dones.Load() != 0 {
		t.Fatal("a watching source called Done")
	}
}

func TestFileSourceWaitsForFilesBeingWritten(t *testing.T) {
	r := newFileRig(t, false, "json", map[string]cty.Value{"poll_interval": str("1s"), "format": str("jsonl")})
	r.start()
	f, err := os.Create(filepath.Join(r.dir, "growing.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(r.dir, "upload.jsonl.part")
	if err := os.WriteFile(partial, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const lines = 40
	for i := 1; i <= lines; i++ {
		fmt.Fprintf(f, "{\"n\":%d}\n", i)
		time.Sleep(10 * time.Millisecond)
		if n := len(r.ing.messages()); n > 0 {
			t.Fatalf("a file still being written was taken after %d lines: %q\n%s", i, r.ing.messages(), r.log.String())
		}
	}
	f.Close()
	msgs := r.waitMessages(lines)
	if len(msgs) != lines {
		t.Fatalf("%d messages, want %d", len(msgs), lines)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := os.Stat(partial); err != nil {
		t.Fatalf("the .part file was taken: %v", err)
	}
	if n := len(r.ing.messages()); n != lines {
		t.Fatalf("%d messages after the .part file sat there", n)
	}
}

func TestFileSourceCloseStopsBetweenBatches(t *testing.T) {
	r := newFileRig(t, false, "json", map[string]cty.Value{"format": str("jsonl")})
	var lines strings.Builder
	for i := 1; i <= 600; i++ {
		fmt.Fprintf(&lines, "{\"n\":%d}\n", i)
	}
	r.write("big.jsonl", lines.String())
	entered := make(chan struct{})
	release := make(chan struct{})
	r.ing.fail = func(n int, msgs []connector.Message) error {
		if n == 1 {
			close(entered)
			<-release
		}
		return nil
	}
	r.start()
	<-entered
	closed := make(chan error)
	go func() { closed <- r.src.Close(context.Background()) }()
	time.Sleep(20 * time.Millisecond)
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	// The batch in flight finished; the rest waits for the next start.
	if got := r.ing.batchSizes(); fmt.Sprint(got) != "[256]" {
		t.Fatalf("batches %v", got)
	}
	if got := r.names(".processing"); fmt.Sprint(got) != "[big.jsonl]" {
		t.Fatalf(".processing holds %v", got)
	}
	if err := r.src.Close(context.Background()); err != nil {
		t.Fatal("second Close:", err)
	}
}

func TestFileSourceSpecCheck(t *testing.T) {
	for _, c := range []struct {
		name     string
		settings map[string]cty.Value
		want     string
	}{
		{"bad glob", map[string]cty.Value{"dir": str("in"), "pattern": str("[")}, "not a valid glob"},
		{"empty pattern", map[string]cty.Value{"dir": str("in"), "pattern": str("")}, "must not be empty"},
		{"bad poll", map[string]cty.Value{"dir": str("in"), "poll_interval": str("often")}, "not a duration"},
		{"negative poll", map[string]cty.Value{"dir": str("in"), "poll_interval": str("-1s")}, "must be positive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := buildConfig(FileSourceSpec, c.settings); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}
