package dsl

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics renders diagnostics the way Terraform does (severity,
// summary, the source line, then the detail) and marks the range: with
// color it is underlined, without (a log, a CI page) a line of carets under
// the source points at it.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) error {
	if width == 0 {
		width = 100
	}
	for _, d := range sortDiagnostics(diags) {
		if err := writeDiagnostic(w, files, d, int(width), color); err != nil {
			return err
		}
	}
	return nil
}

func writeDiagnostic(w io.Writer, files map[string]*hcl.File, d *hcl.Diagnostic, width int, color bool) error {
	sev, code := "Error", "\x1b[1;31m"
	if d.Severity == hcl.DiagWarning {
		sev, code = "Warning", "\x1b[1;33m"
	}
	var b strings.Builder
	if color {
		fmt.Fprintf(&b, "%s%s\x1b[0m: %s\n\n", code, sev, d.Summary)
	} else {
		fmt.Fprintf(&b, "%s: %s\n\n", sev, d.Summary)
	}
	if r := d.Subject; r != nil {
		f := files[r.Filename]
		if f == nil || f.Bytes == nil {
			fmt.Fprintf(&b, "  on %s line %d:\n  (source code not available)\n\n", r.Filename, r.Start.Line)
		} else {
			ctx := ""
			if cs, ok := f.Nav.(interface{ ContextString(int) string }); ok {
				if c := cs.ContextString(r.Start.Byte); c != "" {
					ctx = ", in " + c
				}
			}
			fmt.Fprintf(&b, "  on %s line %d%s:\n", r.Filename, r.Start.Line, ctx)
			writeSnippet(&b, f.Bytes, *r, color)
			b.WriteString("\n")
		}
	}
	if d.Detail != "" {
		b.WriteString(wrap(d.Detail, width))
		b.WriteString("\n")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSnippet prints the lines of r with their numbers, marking r.
func writeSnippet(b *strings.Builder, src []byte, r hcl.Range, color bool) {
	if r.End.Byte <= r.Start.Byte {
		r.End = r.Start
		r.End.Byte++
		r.End.Column++
	}
	lines := strings.Split(string(src), "\n")
	last := min(r.End.Line, r.Start.Line+4)
	if r.End.Line > r.Start.Line && r.End.Column == 1 {
		last = min(last, r.End.Line-1)
	}
	for n := r.Start.Line; n <= last && n-1 < len(lines); n++ {
		line := strings.TrimRight(lines[n-1], "\r")
		startCol, endCol := 1, len(line)+1
		if n == r.Start.Line {
			startCol = r.Start.Column
		}
		if n == r.End.Line {
			endCol = r.End.Column
		}
		runes := []rune(line)
		startCol = max(1, min(startCol, len(runes)+1))
		endCol = max(startCol, min(endCol, len(runes)+1))
		if color {
			fmt.Fprintf(b, "%4d: %s\x1b[1;4m%s\x1b[0m%s\n", n, string(runes[:startCol-1]), string(runes[startCol-1:endCol-1]), string(runes[endCol-1:]))
			continue
		}
		fmt.Fprintf(b, "%4d: %s\n", n, line)
		if endCol > startCol {
			pad := strings.Map(func(r rune) rune {
				if r == '\t' {
					return '\t'
				}
				return ' '
			}, string(runes[:startCol-1]))
			fmt.Fprintf(b, "      %s%s\n", pad, strings.Repeat("^", endCol-startCol))
		}
	}
}

// wrap folds text at width, keeping its own line breaks.
func wrap(text string, width int) string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len(line)+1+len(word) > width {
				out = append(out, line)
				line = word
				continue
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
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
