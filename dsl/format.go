package dsl

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in canonical form (hclwrite's: aligned equals signs,
// two-space indentation, normalised spacing), or the
// syntax errors that prevent formatting. Format(Format(x)) == Format(x).
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	out := hclwrite.Format(src)
	if !bytes.HasSuffix(out, []byte("\n")) && len(out) > 0 {
		out = append(out, '\n')
	}
	if _, diags := hclsyntax.ParseConfig(out, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Formatting failed", Detail: fmt.Sprintf("The formatted text of %s does not parse; the file was left as it is. Please report this.", filename)}}
	}
	return out, nil
}
