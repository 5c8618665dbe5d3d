package connectors

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

func TestStdoutSink(t *testing.T) {
	var out bytes.Buffer
	sink, err := NewStdoutSink(connector.SinkParams{Name: "log", Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	docs := []any{
		map[string]any{"id": "1001", "total": builtin.MustDecimal("24.90"), "lines": []any{int64(2), true, nil}},
		"plain text",
	}
	for _, d := range docs {
		if _, err := sink.Deliver(context.Background(), &connector.Delivery{Body: d}); err != nil {
			t.Fatal(err)
		}
	}
	want := `{"id":"1001","lines":[2,true,null],"total":24.90}` + "\n" + `"plain text"` + "\n"
	if out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
	_, err = sink.Deliver(context.Background(), &connector.Delivery{Body: math.NaN()})
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Reason != ReasonUnencodable {
		t.Fatalf("NaN: %v", err)
	}
	if err := sink.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestStdoutSinkLinesNeverInterleave(t *testing.T) {
	var out bytes.Buffer
	sink, _ := NewStdoutSink(connector.SinkParams{Stdout: &out})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sink.Deliver(context.Background(), &connector.Delivery{Body: map[string]any{"n": int64(i), "pad": strings.Repeat("x", 500)}})
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 50 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %q is not JSON", l)
		}
	}
}

func newFileSink(t *testing.T, settings map[string]cty.Value) (*FileSink, string) {
	t.Helper()
	data := t.TempDir()
	if _, ok := settings["dir"]; !ok {
		settings["dir"] = str("outbox") // relative: resolved against DataDir
	}
	s, err := NewFileSink(connector.SinkParams{Name: "outbox", Config: mustConfig(t, FileSinkSpec, settings), DataDir: data, BaseDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return s.(*FileSink), filepath.Join(data, "outbox")
}

func TestFileSinkDocumentMode(t *testing.T) {
	sink, dir := newFileSink(t, map[string]cty.Value{})
	ctx := context.Background()
	body := map[string]any{"id": "1001", "total": builtin.MustDecimal("24.90")}
	resp, err := sink.Deliver(ctx, &connector.Delivery{Key: "shop:1001", IdempotencyKey: "k1", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "shop%3A1001.json")
	if resp.Ref != path {
		t.Fatalf("ref %q, want %q", resp.Ref, path)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"id":"1001","total":24.90}` {
		t.Fatalf("file holds %q", b)
	}
	// A retry or replay of the same key finds the file and writes nothing.
	resp, err = sink.Deliver(ctx, &connector.Delivery{Key: "shop:1001", Body: map[string]any{"id": "changed"}, Attempt: 2})
	if err != nil || resp.Ref != path {
		t.Fatalf("second delivery: %v %v", resp, err)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"id":"1001","total":24.90}` {
		t.Fatalf("an existing file was overwritten: %q", b)
	}
	// An update replaces it.
	if _, err := sink.Deliver(ctx, &connector.Delivery{Key: "shop:1001", Body: map[string]any{"id": "updated"}, Update: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"id":"updated"}` {
		t.Fatalf("the update was not written: %q", b)
	}
	// A string body is written as is, as .txt.
	resp, err = sink.Deliver(ctx, &connector.Delivery{Key: "asn-7", Body: "ISA*00*~IEA*1~"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Ref != filepath.Join(dir, "asn-7.txt") {
		t.Fatalf("ref %q", resp.Ref)
	}
	if b, _ := os.ReadFile(resp.Ref); string(b) != "ISA*00*~IEA*1~" {
		t.Fatalf("file holds %q", b)
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if fmt.Sprint(names) != "[asn-7.txt shop%3A1001.json]" {
		t.Fatalf("outbox holds %v", names)
	}
	_, err = sink.Deliver(ctx, &connector.Delivery{Body: body})
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Reason != ReasonMissingKey {
		t.Fatalf("no key: %v", err)
	}
}

func TestFileSinkExtension(t *testing.T) {
	sink, dir := newFileSink(t, map[string]cty.Value{"extension": str("edi")})
	resp, err := sink.Deliver(context.Background(), &connector.Delivery{Key: "856/0001", Body: "ST*856*0001~"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Ref != filepath.Join(dir, "856%2F0001.edi") {
		t.Fatalf("ref %q", resp.Ref)
	}
}

func TestSafeFileName(t *testing.T) {
	cases := map[string]string{
		"shop:1001":        "shop%3A1001",
		"a/b":              "a%2Fb",
		"a%2Fb":            "a%252Fb",
		"../etc/passwd":    "%2E.%2Fetc%2Fpasswd",
		".hidden":          "%2Ehidden",
		"SO-1_2.v3":        "SO-1_2.v3",
		"naïve":            "na%C3%AFve",
		`C:\x`:             "C%3A%5Cx",
		"with space":       "with%20space",
		"":                 "",
		"tab\tand\nnl\x00": "tab%09and%0Anl%00",
	}
	seen := map[string]string{}
	for key, want := range cases {
		got := safeFileName(key)
		if got != want {
			t.Errorf("safeFileName(%q) = %q, want %q", key, got, want)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("%q and %q share the name %q", key, other, got)
		}
		seen[got] = key
	}
	long := strings.Repeat("k", 300)
	a, b := safeFileName(long), safeFileName(long+"x")
	if len(a) > 180 || a == b {
		t.Fatalf("long keys: %q (%d) and %q", a, len(a), b)
	}
}

func TestFileSinkAppendMode(t *testing.T) {
	sink, dir := newFileSink(t, map[string]cty.Value{"mode": str("append"), "file": str("inventory.jsonl")})
	ctx := context.Background()
	path := filepath.Join(dir, "inventory.jsonl")
	resp, err := sink.Deliver(ctx, &connector.Delivery{Key: "a", Body: map[string]any{"sku": "A", "qty": int64(3)}})
	if err != nil || resp.Ref != path {
		t.Fatalf("%v %v", resp, err)
	}
	if _, err := sink.Deliver(ctx, &connector.Delivery{Key: "b", Body: "raw line"}); err != nil {
		t.Fatal(err)
	}
	// A batch: one fsync, one response and one error per delivery.
	resps, errs := sink.DeliverBatch(ctx, []*connector.Delivery{
		{Key: "c", Body: map[string]any{"sku": "C"}},
		{Key: "d", Body: math.Inf(1)},
		{Key: "e", Body: []any{int64(1)}},
	})
	if errs[0] != nil || errs[2] != nil || !connector.IsPermanent(errs[1]) || resps[0].Ref != path || resps[1] != nil {
		t.Fatalf("batch: %v %v", resps, errs)
	}
	want := `{"qty":3,"sku":"A"}` + "\nraw line\n" + `{"sku":"C"}` + "\n[1]\n"
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Fatalf("file holds %q, want %q", b, want)
	}
}

func TestFileSinkAppendConcurrentAndRepair(t *testing.T) {
	data := t.TempDir()
	dir := filepath.Join(data, "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A crash left a last line without its newline.
	path := filepath.Join(dir, "out.jsonl")
	if err := os.WriteFile(path, []byte(`{"torn":`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewFileSink(connector.SinkParams{Config: mustConfig(t, FileSinkSpec, map[string]cty.Value{"dir": str(dir), "mode": str("append")}), DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Deliver(context.Background(), &connector.Delivery{Body: map[string]any{"n": int64(i)}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal("second close:", err)
	}
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 41 || lines[0] != `{"torn":` {
		t.Fatalf("%d lines, first %q", len(lines), lines[0])
	}
	seen := map[string]bool{}
	for _, l := range lines[1:] {
		if !json.Valid([]byte(l)) || seen[l] {
			t.Fatalf("line %q", l)
		}
		seen[l] = true
	}
	_, err = s.Deliver(context.Background(), &connector.Delivery{Body: "late"})
	var retry *connector.RetryableError
	if !errors.As(err, &retry) {
		t.Fatalf("deliver after close: %v", err)
	}
}

func TestFileSinkIdempotencyAndChecks(t *testing.T) {
	f, _ := fileSinkFactory()
	for mode, want := range map[string]connector.Idempotency{"document": connector.IdempotencyKey, "append": connector.IdempotencyNone} {
		if got := f.IdempotencyOf(mustConfig(t, FileSinkSpec, map[string]cty.Value{"dir": str("x"), "mode": str(mode)})); got != want {
			t.Errorf("mode %s: %s, want %s", mode, got, want)
		}
	}
	for _, c := range []struct {
		settings map[string]cty.Value
		want     string
	}{
		{map[string]cty.Value{"dir": str("x"), "file": str("a.jsonl")}, `only used with mode = "append"`},
		{map[string]cty.Value{"dir": str("x"), "mode": str("append"), "file": str("../a.jsonl")}, "plain file name"},
		{map[string]cty.Value{"dir": str("x"), "mode": str("append"), "extension": str(".edi")}, `only used with mode = "document"`},
		{map[string]cty.Value{"dir": str("x"), "extension": str(".")}, "file name extension"},
		{map[string]cty.Value{"dir": str("")}, "must not be empty"},
	} {
		if _, err := buildConfig(FileSinkSpec, c.settings); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.settings, err, c.want)
		}
	}
}

func fileSinkFactory() (connector.SinkFactory, bool) {
	r := connector.NewRegistry()
	if err := Register(r); err != nil {
		panic(err)
	}
	return r.Sink("file")
}

var _ BatchSink = (*FileSink)(nil)
