package dsl

import (
	"encoding/json"
	"io"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics renders diagnostics the way Terraform does: severity,
// summary, the source line with the range underlined, then the detail.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) error {
	if width == 0 {
		width = 100
	}
	return hcl.NewDiagnosticTextWriter(w, files, width, color).WriteDiagnostics(sortDiagnostics(diags))
}

// sortDiagnostics orders diagnostics by file and position, errors of one
// position before warnings, so output is stable across runs.
func sortDiagnostics(diags hcl.Diagnostics) hcl.Diagnostics {
	out := append(hcl.Diagnostics(nil), diags...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Subject, out[j].Subject
		switch {
		case a == nil && b == nil:
			return false
		case a == nil:
			return true
		case b == nil:
			return false
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		case a.Start.Byte != b.Start.Byte:
			return a.Start.Byte < b.Start.Byte
		}
		return out[i].Severity < out[j].Severity
	})
	return out
}

// JSONDiagnostic is the machine-readable form of a diagnostic (--json),
// for editors and CI. Its shape is stable.
type JSONDiagnostic struct {
	Severity string     `json:"severity"` // "error" or "warning"
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Range    *JSONRange `json:"range,omitempty"`
	Snippet  string     `json:"snippet,omitempty"`
}

// JSONRange is a source range: file, and 1-based line/column positions.
type JSONRange struct {
	Filename string  `json:"filename"`
	Start    JSONPos `json:"start"`
	End      JSONPos `json:"end"`
}

// JSONPos is one position: line and column are 1-based, byte 0-based.
type JSONPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// DiagnosticsJSON converts diagnostics to their JSON form.
func DiagnosticsJSON(files map[string]*hcl.File, diags hcl.Diagnostics) []JSONDiagnostic {
	out := []JSONDiagnostic{}
	for _, d := range sortDiagnostics(diags) {
		jd := JSONDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
		}
		if r := d.Subject; r != nil {
			jd.Range = &JSONRange{
				Filename: r.Filename,
				Start:    JSONPos{Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte},
				End:      JSONPos{Line: r.End.Line, Column: r.End.Column, Byte: r.End.Byte},
			}
			if f := files[r.Filename]; f != nil && r.Start.Byte <= len(f.Bytes) {
				jd.Snippet = lineAt(f.Bytes, r.Start.Byte)
			}
		}
		out = append(out, jd)
	}
	return out
}

func lineAt(src []byte, off int) string {
	start, end := off, off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	for end < len(src) && src[end] != '\n' {
		end++
	}
	return string(src[start:end])
}

// WriteDiagnosticsJSON writes {"valid": bool, "diagnostics": [...]}.
func WriteDiagnosticsJSON(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Valid       bool             `json:"valid"`
		ErrorCount  int              `json:"error_count"`
		WarnCount   int              `json:"warning_count"`
		Diagnostics []JSONDiagnostic `json:"diagnostics"`
	}{!diags.HasErrors(), len(diags.Errs()), len(diags) - len(diags.Errs()), DiagnosticsJSON(files, diags)})
}
