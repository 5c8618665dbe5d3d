package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
)

// TestHTTPSinkIdempotencyWarning: an http sink that leaves idempotency to
// its default ("header": the target is trusted to honour Idempotency-Key)
// loads with a warning that says what that assumes; one that says which
// strategy holds loads without it.
func TestHTTPSinkIdempotencyWarning(t *testing.T) {
	w, err := wire.New()
	must(t, err)
	load := func(settings string) hcl.Diagnostics {
		dir := t.TempDir()
		src := `sink "http" "erp" {
  url = "https://erp.example/api/orders"
` + settings + `}

flow "orders" {
  schema = any
  deliver "send" {
    sink = sink.erp
    key  = "string(input.id)"
  }
}
`
		must(t, os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644))
		_, diags := dsl.Load(dir, w.LoadOptions(nil, nil))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return diags
	}
	warned := func(diags hcl.Diagnostics) bool {
		for _, d := range diags {
			if d.Severity == hcl.DiagWarning && d.Summary == "No idempotency set" {
				if !strings.Contains(d.Detail, "Idempotency-Key") || d.Subject == nil || !strings.HasSuffix(d.Subject.Filename, "main.hcl") || d.Subject.Start.Line != 1 {
					t.Errorf("warning %q at %v", d.Detail, d.Subject)
				}
				return true
			}
		}
		return false
	}
	if !warned(load("")) {
		t.Error("no warning for an http sink that leaves idempotency to its default")
	}
	for _, s := range []string{`  idempotency = "header"` + "\n", `  idempotency = "none"` + "\n"} {
		if warned(load(s)) {
			t.Errorf("a warning although the sink says %s", strings.TrimSpace(s))
		}
	}
}
