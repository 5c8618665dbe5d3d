package dsl_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/transload/transload/dsl"
)

// TestInvalidFlowTests checks the diagnostics of test files against their
// inline markers, like TestInvalidFixtures does for flow files.
func TestInvalidFlowTests(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "flowtests", "invalid", "*.flowtest.hcl"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, filepath.Join("testdata", "flowtests", "flows"), dir)
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(dir, filepath.Base(f))
			if err := os.WriteFile(target, src, 0o644); err != nil {
				t.Fatal(err)
			}
			_, diags := dsl.LoadTests(dir, testOptions(t))
			want := expectations(src)
			got := map[string][]string{}
			for _, d := range diags {
				if d.Subject == nil || d.Subject.Filename != target {
					continue
				}
				key := itoa(d.Subject.Start.Line) + " ERROR"
				got[key] = append(got[key], d.Summary)
			}
			for _, m := range []map[string][]string{want, got} {
				for k := range m {
					sort.Strings(m[k])
				}
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
		})
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
