package tests

import (
	"bytes"
	"context"
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
	if err := os.CopyFS(filepath.Join(dir, "flows"), os.DirFS("../flows")); err != nil {
		t.Fatal(err)
	}
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
	summary := out.String()
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
			if samples, _ := os.ReadDir(filepath.Join("../flows/inbox", name)); len(samples) == 0 {
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
	var out bytes.Buffer
	if code := cli.Main([]string{"test", "../flows"}, nil, &out, &out); code != 0 {
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
