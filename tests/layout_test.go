package tests

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/transload/transload"

// allowedImports is the one-way dependency rule of DESIGN.md: for each top
// folder, the module's folders its non-test code may import. A folder may
// always import its own subfolders' siblings within the same top folder,
// except where a stricter rule is listed first.
var allowedImports = []struct {
	from    string
	allowed []string
}{
	{"builtin", []string{"builtin"}},
	{"dsl", []string{"dsl", "builtin"}},
	{"engine/connector", []string{"engine/connector", "dsl", "builtin"}},
	{"engine/store", []string{"engine/store"}},
	{"engine", []string{"engine", "dsl", "builtin"}},
	{"stdlib", []string{"stdlib", "builtin", "engine/connector"}},
	// An example of an extension builds its own transload binary: it may
	// use the CLI and the wiring, the public entry points of cmd.
	{"examples", []string{"examples", "builtin", "dsl", "engine", "stdlib", "cmd/transload/cli", "cmd/transload/wire"}},
	{"cmd", []string{""}},
	{"tests", []string{""}},
}

// TestImportRule enforces the layout: dependencies point one way, down the
// table of DESIGN.md, so that the language never depends on the runtime
// and the shipped library never on the CLI.
func TestImportRule(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var violations []string
	checked := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		if rel == "flows" || strings.HasPrefix(rel, "flows/") {
			violations = append(violations, rel+": flows/ holds flow files only, no Go code")
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		rule := ruleFor(rel)
		if rule == nil {
			violations = append(violations, rel+": a folder outside the layout of DESIGN.md")
			return nil
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, module+"/") {
				continue
			}
			target := strings.TrimPrefix(p, module+"/")
			if !allowed(rule, target) {
				violations = append(violations, rel+" imports "+target)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("checked only %d files", checked)
	}
	sort.Strings(violations)
	for _, v := range violations {
		t.Error(v)
	}
}

func ruleFor(dir string) []string {
	for _, r := range allowedImports {
		if dir == r.from || strings.HasPrefix(dir, r.from+"/") {
			return r.allowed
		}
	}
	return nil
}

func allowed(rule []string, target string) bool {
	for _, a := range rule {
		if a == "" || target == a || strings.HasPrefix(target, a+"/") {
			return true
		}
	}
	return false
}
