package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/examples/custom-builtin/gs1"
)

func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := cli.MainWith(args, nil, &out, &out, wire.WithLibraries(gs1.Library()))
	return code, out.String()
}

// TestFlows: the example's flows validate and their tests pass with the
// library; the stock transload does not know gtin14.
func TestFlows(t *testing.T) {
	if code, out := run(t, "validate", "flows"); code != 0 {
		t.Fatalf("validate: %d\n%s", code, out)
	}
	if code, out := run(t, "test", "flows"); code != 0 || !strings.Contains(out, "2 passed") {
		t.Fatalf("test: %d\n%s", code, out)
	}
	var out bytes.Buffer
	if code := cli.Main([]string{"validate", "flows"}, nil, &out, &out); code == 0 || !strings.Contains(out.String(), `"gtin14" is not a variable or function`) {
		t.Fatalf("the stock transload accepted gtin14: %d\n%s", code, out.String())
	}
}

// TestRunOnce: the README's command processes the sample feed.
func TestRunOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "flows"), os.DirFS("flows")); err != nil {
		t.Fatal(err)
	}
	code, out := run(t, "run", "--once", "--addr", "", "--data", filepath.Join(dir, "data"), filepath.Join(dir, "flows"))
	if code != 0 || !strings.Contains(out, "supplier_items           2 delivered") {
		t.Fatalf("run --once: %d\n%s", code, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "data", "items", "BOLT-M8.json"))
	if err != nil || !strings.Contains(string(b), `"gtin":"04006381333931"`) {
		t.Fatalf("the stored item: %v %s", err, b)
	}
}
