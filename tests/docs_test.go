package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/cmd/transload/docgen"
	"github.com/transload/transload/cmd/transload/wire"
)

// TestGeneratedDocsAreFresh fails when docs/builtins.md, docs/connectors.md,
// docs/model.md or docs/schema/ no longer match the code they are
// generated from. Fix: go run ./cmd/transload docs
func TestGeneratedDocsAreFresh(t *testing.T) {
	w, err := wire.New()
	must(t, err)
	files, err := docgen.Generate(w)
	must(t, err)
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("..", path))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run `go run ./cmd/transload docs`", path)
		}
	}
}

// TestFlowFilesFormatted: the flows that ship, and the examples' flows,
// are in the canonical format `transload fmt` writes: what a newcomer
// copies should not be reformatted by the first save.
func TestFlowFilesFormatted(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "examples", "*", "flows"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range append(dirs, filepath.Join("..", "flows")) {
		var out strings.Builder
		if code := cli.Main([]string{"fmt", "--check", dir}, nil, &out, &out); code != 0 {
			t.Errorf("%s is not formatted (run transload fmt %s):\n%s", dir, dir, out.String())
		}
	}
}
