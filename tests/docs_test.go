package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

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
