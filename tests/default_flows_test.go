package tests

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/cmd/transload/cli"
)

// TestDefaultFlowsRunOnce is the README's first command on a copy of
// flows/: every default flow delivers the sample payloads in its drop
// folder to the outbox, nothing dead-letters, and the run ends by itself.
func TestDefaultFlowsRunOnce(t *testing.T) {
	dir := t.TempDir()
	copySamples(t, filepath.Join(dir, "flows"))
	samples := map[string]int{}
	drops, _ := filepath.Glob(filepath.Join(dir, "flows", "inbox", "*"))
	for _, drop := range drops {
		entries, _ := os.ReadDir(drop)
		samples[filepath.Base(drop)] = len(entries)
	}
	summary := runOnceIn(t, dir)
	flows, _ := filepath.Glob("../flows/*.hcl")
	// A flow named by another's rejections_to (edi_rejections) has no
	// source and gets only what that flow's codec rejects, which is a dead
	// letter there: no sample can reach it without one. Its flow tests
	// cover it.
	rejections := map[string]bool{}
	for _, f := range flows {
		src, _ := os.ReadFile(f)
		for _, m := range regexp.MustCompile(`(?m)^\s*rejections_to\s*=\s*flow\.([a-z0-9_]+)`).FindAllSubmatch(src, -1) {
			rejections[string(m[1])] = true
		}
	}
	for _, f := range flows {
		src, _ := os.ReadFile(f)
		for _, m := range regexp.MustCompile(`(?m)^flow "([a-z0-9_]+)"`).FindAllSubmatch(src, -1) {
			name := string(m[1])
			if rejections[name] {
				continue
			}
			if samples[name] == 0 {
				t.Errorf("flow %s has no sample payload in flows/inbox/%s", name, name)
				continue
			}
			// Flows that others route to may also filter what is not for
			// them (channel_shipments takes no B2B shipment): delivered
			// must be there, dead letters must not.
			if !regexp.MustCompile(`(?m)^  ` + name + `\s+\d+ delivered`).MatchString(summary) {
				t.Errorf("flow %s: not every sample was delivered:\n%s", name, summary)
			}
		}
	}
	if strings.Contains(summary, "dead letter") {
		t.Errorf("a sample dead-lettered:\n%s", summary)
	}
	outbox, _ := os.ReadDir(filepath.Join(dir, ".transload", "outbox"))
	if len(outbox) == 0 {
		t.Errorf("nothing in the outbox:\n%s", summary)
	}
}

// TestDefaultFlowTests runs the flow tests shipped next to the default
// flows (transload test flows), and checks that every default flow has
// at least one.
func TestDefaultFlowTests(t *testing.T) {
	// Without the drop folders, as the README's first command leaves
	// them: the tests read their inputs from testdata, never from a
	// folder that running the flows empties.
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../flows")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "inbox")); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := cli.Main([]string{"test", dir}, nil, &out, &out); code != 0 {
		t.Fatalf("transload test flows: exit %d\n%s", code, out.String())
	}
	tested := map[string]bool{}
	tests, _ := filepath.Glob("../flows/*.flowtest.hcl")
	for _, f := range tests {
		src, _ := os.ReadFile(f)
		for _, m := range regexp.MustCompile(`(?m)^\s*flow\s*=\s*"([a-z0-9_]+)"`).FindAllSubmatch(src, -1) {
			tested[string(m[1])] = true
		}
	}
	flows, _ := filepath.Glob("../flows/*.hcl")
	for _, f := range flows {
		if strings.HasSuffix(f, ".flowtest.hcl") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range regexp.MustCompile(`(?m)^flow "([a-z0-9_]+)"`).FindAllSubmatch(src, -1) {
			if !tested[string(m[1])] {
				t.Errorf("flow %s has no flow test in flows/*.flowtest.hcl", m[1])
			}
		}
	}
}

// copySamples copies flows/ to dst with the sample payloads back in their
// drop folders: the README's first command, run in this checkout, moves
// them to done/ (the copy gets them from there), and what it left in
// done/, failed/ or .processing does not go into the copy.
func copySamples(t *testing.T, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS("../flows")); err != nil {
		t.Fatal(err)
	}
	drops, _ := filepath.Glob(filepath.Join(dst, "inbox", "*"))
	for _, drop := range drops {
		if info, err := os.Stat(drop); err != nil || !info.IsDir() {
			continue
		}
		done, _ := os.ReadDir(filepath.Join(drop, "done"))
		for _, e := range done {
			back := filepath.Join(drop, e.Name())
			if _, err := os.Lstat(back); err == nil || !e.Type().IsRegular() {
				continue
			}
			if err := os.Rename(filepath.Join(drop, "done", e.Name()), back); err != nil {
				t.Fatal(err)
			}
		}
		for _, left := range []string{"done", "failed", ".processing"} {
			if err := os.RemoveAll(filepath.Join(drop, left)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestFlowTestdataCopies: each file of flows/testdata that SOURCES.md
// says is a copy is the same bytes as its original (a sample of a drop
// folder is looked for in its done/ too, where running the flows moves it).
func TestFlowTestdataCopies(t *testing.T) {
	src, err := os.ReadFile("../flows/testdata/SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| `([^`]+)`").FindAllStringSubmatch(string(src), -1)
	if len(rows) < 20 {
		t.Fatalf("%d rows in flows/testdata/SOURCES.md", len(rows))
	}
	for _, r := range rows {
		copied, err := os.ReadFile(filepath.Join("../flows/testdata", r[1]))
		if err != nil {
			t.Errorf("%s: %v", r[1], err)
			continue
		}
		orig := filepath.Join("..", r[2])
		original, err := os.ReadFile(orig)
		if errors.Is(err, fs.ErrNotExist) && strings.HasPrefix(r[2], "flows/inbox/") {
			original, err = os.ReadFile(filepath.Join(filepath.Dir(orig), "done", filepath.Base(orig)))
		}
		if err != nil {
			t.Errorf("%s, the original of %s: %v", r[2], r[1], err)
			continue
		}
		if !bytes.Equal(copied, original) {
			t.Errorf("flows/testdata/%s is not the same as %s", r[1], r[2])
		}
	}
}

// runOnceIn runs transload run --once in dir (on dir/flows, with the data
// in dir/.transload) as a child process, and returns what it printed.
func runOnceIn(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "run", "--once", "--addr", "", "--log-level", "warn")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TRANSLOAD_TEST_MAIN=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("transload run --once: %v\n%s", err, out.String())
	}
	return out.String()
}
