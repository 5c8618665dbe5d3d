package dsl_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

// markerRE finds the diagnostics a fixture expects, written at the end of
// the line the diagnostic points at: # ERROR: <summary> or
// # WARNING: <summary>.
var markerRE = regexp.MustCompile(`#\s*(ERROR|WARNING)(?:@(\d+))?:\s*(.+?)\s*$`)

// compileFixture loads main.hcl with the support files and builds the
// execution graph, as `transload validate` does.
func compileFixture(t *testing.T, src []byte) (*dsl.Config, hcl.Diagnostics) {
	t.Helper()
	fsys := supportFiles(t)
	fsys["main.hcl"] = &fstest.MapFile{Data: src}
	cfg, diags := dsl.LoadFS(fsys, "", testOptions(t))
	if !diags.HasErrors() {
		_, gd := engine.Build(cfg)
		diags = append(diags, gd...)
	}
	return cfg, diags
}

func expectations(src []byte) map[string][]string {
	want := map[string][]string{}
	for i, line := range strings.Split(string(src), "\n") {
		// A marker may name its line (# ERROR@18: …) where a comment cannot
		// stand on that line, such as inside a heredoc.
		if m := markerRE.FindStringSubmatch(line); m != nil {
			n := fmt.Sprint(i + 1)
			if m[2] != "" {
				n = m[2]
			}
			key := n + " " + m[1]
			want[key] = append(want[key], m[3])
		}
	}
	return want
}

func actual(diags hcl.Diagnostics) (map[string][]string, []string) {
	got := map[string][]string{}
	var unplaced []string
	for _, d := range diags {
		sev := "ERROR"
		if d.Severity == hcl.DiagWarning {
			sev = "WARNING"
		}
		if d.Subject == nil || d.Subject.Filename != "main.hcl" {
			unplaced = append(unplaced, fmt.Sprintf("%s %s: %s", sev, d.Summary, d.Detail))
			continue
		}
		key := fmt.Sprintf("%d %s", d.Subject.Start.Line, sev)
		got[key] = append(got[key], d.Summary)
	}
	return got, unplaced
}

// TestInvalidFixtures checks every diagnostic of every invalid fixture
// against its inline markers: the same lines, the same summaries, nothing
// more, nothing less.
func TestInvalidFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.hcl"))
	if len(files) < 40 {
		t.Fatalf("only %d invalid fixtures", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".hcl"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := expectations(src)
			if len(want) == 0 {
				t.Fatal("fixture has no # ERROR: markers")
			}
			cfg, diags := compileFixture(t, src)
			got, unplaced := actual(diags)
			for _, m := range []map[string][]string{want, got} {
				for k := range m {
					sort.Strings(m[k])
				}
			}
			var buf bytes.Buffer
			var files map[string]*hcl.File
			if cfg != nil {
				files = cfg.Files
			}
			_ = dsl.WriteDiagnostics(&buf, files, diags, 100, false)
			for _, u := range unplaced {
				t.Errorf("diagnostic outside main.hcl: %s", u)
			}
			for k, w := range want {
				if g := got[k]; strings.Join(g, "|") != strings.Join(w, "|") {
					t.Errorf("line %s: got %q, want %q", k, g, w)
				}
			}
			for k, g := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("line %s: unexpected %q", k, g)
				}
			}
			if t.Failed() {
				t.Logf("diagnostics:\n%s", buf.String())
			}
		})
	}
}

// summaryRE finds the summaries the compiler can emit, in its source.
var summaryRE = regexp.MustCompile(`Summary:\s+"([^"]+)"`)

// TestEveryDiagnosticHasAFixture fails when the compiler can emit a
// diagnostic summary that no invalid fixture expects.
func TestEveryDiagnosticHasAFixture(t *testing.T) {
	expected := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.hcl"))
	more, _ := filepath.Glob(filepath.Join("testdata", "flowtests", "invalid", "*.hcl"))
	files = append(files, more...)
	for _, f := range files {
		src, _ := os.ReadFile(f)
		for _, sums := range expectations(src) {
			for _, s := range sums {
				expected[s] = true
			}
		}
	}
	// Summaries built from parts, and the ones only reachable in ways a
	// single-file fixture cannot express (tested in Go instead).
	exempt := map[string]string{
		"Cannot read flows":                       "Load on a missing folder: TestLoadMissingDir",
		"Cannot list flow files":                  "an fs.FS failure",
		"Cannot read file":                        "an fs.FS failure",
		"No flow files":                           "TestLoadEmptyDir",
		"Block not allowed in a module":           "TestModuleRestrictions",
		"Cannot build the expression environment": "a broken registry",
		"Cannot build scope":                      "a broken registry",
		"Type conflict":                           "TestTypeConflict",
		"Formatting failed":                       "an hclwrite bug",
		"Expression too long":                     "TestExpressionTooLong",
		"Invalid variable value":                  "TestVariableValues",
		"Invalid field name":                      "only HCL's JSON syntax can produce a non-string key",
		"Invalid value":                           "generic",
		"Unknown ":                                "prefix of Unknown source type / Unknown sink type",
		"Duplicate ":                              "prefix of Duplicate sink, variable, …",
		"Invalid ":                                "prefix of Invalid file source",
		"Cost estimation failed":                  "an internal cel-go failure",
		"Cannot plan expression":                  "an internal cel-go failure",
		"Invalid expression":                      "the fallback for messages no rule recognises",
		"Cannot list test files":                  "a malformed glob pattern",
	}
	srcFiles, _ := filepath.Glob("*.go")
	srcFiles = append(srcFiles, filepath.Join("..", "engine", "graph.go"))
	builtinFiles, _ := filepath.Glob(filepath.Join("..", "builtin", "*.go"))
	srcFiles = append(srcFiles, builtinFiles...)
	for _, f := range srcFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range summaryRE.FindAllStringSubmatch(string(src), -1) {
			s := m[1]
			if !expected[s] && exempt[s] == "" {
				t.Errorf("%s: summary %q has no invalid fixture", f, s)
			}
		}
	}
}
