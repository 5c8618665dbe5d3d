package dsl

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
)

// exprText extracts the expression text from an HCL attribute value: a
// quoted string or a heredoc. HCL interpolation (${...}) is refused there:
// per-message values come from CEL (vars.x), and a ${} would be evaluated
// once, at load, which is never what the analyst meant.
func exprText(e hcl.Expression, src []byte) (string, *srcMap, hcl.Diagnostics) {
	if tmpl, ok := e.(*hclsyntax.TemplateExpr); ok {
		for _, part := range tmpl.Parts {
			if _, lit := part.(*hclsyntax.LiteralValueExpr); !lit {
				return "", nil, hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Interpolation in an expression",
					Detail:   "Expressions are CEL (or expr) text, evaluated per message; HCL's ${...} and %{...} are not allowed inside them. Read variables as vars.NAME and locals as locals.NAME; write $${ for a literal ${.",
					Subject:  part.Range().Ptr(),
				}}
			}
		}
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
		return "", nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Expression must be a string",
			Detail:   "Write the expression as a quoted string (\"input.id\") or a heredoc (<<-CEL ... CEL).",
			Subject:  e.Range().Ptr(),
		}}
	}
	text := v.AsString()
	return text, newSrcMap(e, text, src), nil
}

// srcMap maps line:column positions inside an expression's text back to
// the HCL file, so that an error inside a CEL string points at the exact
// character (cel-go's policy/source.go does the same for YAML).
type srcMap struct {
	file  string
	lines []lineStart // per expression line: where it starts in the file
	start hcl.Pos
}

type lineStart struct {
	pos hcl.Pos
	raw string // the raw file text of the line, from pos on
}

func newSrcMap(e hcl.Expression, text string, src []byte) *srcMap {
	r := e.Range()
	m := &srcMap{file: r.Filename, start: r.Start}
	if src == nil || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte {
		return m
	}
	raw := string(src[r.Start.Byte:r.End.Byte])
	pos := r.Start
	advance := func(s string) {
		for _, c := range s {
			pos.Byte += utf8.RuneLen(c)
			if c == '\n' {
				pos.Line++
				pos.Column = 1
			} else {
				pos.Column++
			}
		}
	}
	switch {
	case strings.HasPrefix(raw, `"`):
		body := strings.TrimSuffix(raw[1:], `"`)
		if body != text {
			return m // escapes: positions inside are approximate (the string start)
		}
		advance(`"`)
		m.lines = []lineStart{{pos: pos, raw: body}}
	case strings.HasPrefix(raw, "<<"):
		nl := strings.IndexByte(raw, '\n')
		if nl < 0 {
			return m
		}
		advance(raw[:nl+1])
		rawLines := strings.Split(raw[nl+1:], "\n")
		for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			if i >= len(rawLines) {
				break
			}
			rl := rawLines[i]
			lp := pos
			// <<- strips the same indentation from every line.
			if strings.HasSuffix(rl, line) {
				skip := rl[:len(rl)-len(line)]
				lp.Byte += len(skip)
				lp.Column += utf8.RuneCountInString(skip)
			}
			m.lines = append(m.lines, lineStart{pos: lp, raw: line})
			advance(rl + "\n")
		}
	}
	return m
}

// pos returns the file position of line (1-based) and col (0-based, runes)
// inside the expression text.
func (m *srcMap) pos(line, col int) hcl.Pos {
	if line < 1 || line > len(m.lines) {
		return m.start
	}
	ls := m.lines[line-1]
	p := ls.pos
	for _, c := range ls.raw {
		if col <= 0 {
			break
		}
		p.Byte += utf8.RuneLen(c)
		p.Column++
		col--
	}
	return p
}

// rangeAt returns a one-character range at line:col of the expression, or
// the whole expression range when the position is unknown.
func (m *srcMap) rangeAt(whole hcl.Range, line, col int) hcl.Range {
	if m == nil || line < 1 || len(m.lines) == 0 {
		return whole
	}
	p := m.pos(line, col)
	end := p
	end.Byte++
	end.Column++
	if end.Byte > whole.End.Byte {
		end = whole.End
	}
	return hcl.Range{Filename: m.file, Start: p, End: end}
}

// compiler compiles expression attributes in one scope and turns builtin
// issues into diagnostics at the right file position.
type compiler struct {
	scope   *builtin.Scope
	dialect builtin.Dialect
	src     func(filename string) []byte
}

// compile compiles the expression in attr's value. want may be nil.
func (c *compiler) compile(e hcl.Expression, want *builtin.Type) (*Expr, hcl.Diagnostics) {
	text, sm, diags := exprText(e, c.src(e.Range().Filename))
	if diags.HasErrors() {
		return nil, diags
	}
	return c.compileText(e.Range(), text, sm, want)
}

func (c *compiler) compileText(r hcl.Range, text string, sm *srcMap, want *builtin.Type) (*Expr, hcl.Diagnostics) {
	if strings.TrimSpace(text) == "" {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Empty expression", Detail: "The expression has no text.", Subject: r.Ptr()}}
	}
	prg, issues := c.scope.Compile(c.dialect, text, want)
	if len(issues) > 0 {
		var diags hcl.Diagnostics
		for _, is := range issues {
			subject := r
			if sm != nil {
				subject = sm.rangeAt(r, is.Line, is.Col)
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity:   hcl.DiagError,
				Summary:    is.Summary,
				Detail:     is.Detail,
				Subject:    subject.Ptr(),
				Expression: nil,
			})
		}
		return nil, diags
	}
	return &Expr{Program: prg, Range: r, Src: text, pos: sm}, nil
}

// ExprError is a failure while evaluating a flow expression, with the file
// position of the failing part of the expression.
type ExprError struct {
	// Range is the position inside the flow file.
	Range hcl.Range
	// Field is the output field a mapping was computing, if any.
	Field  string
	Reason string
	Err    error
}

func (e *ExprError) Error() string {
	where := fmt.Sprintf("%s:%d:%d", e.Range.Filename, e.Range.Start.Line, e.Range.Start.Column)
	if e.Field != "" {
		return fmt.Sprintf("%s: field %s: %v", where, e.Field, e.Err)
	}
	return fmt.Sprintf("%s: %v", where, e.Err)
}

func (e *ExprError) Unwrap() error { return e.Err }

// Eval evaluates the expression and wraps failures in an *ExprError.
func (e *Expr) Eval(vars *builtin.Vars) (any, error) {
	v, err := e.Program.Eval(vars)
	if err != nil {
		return nil, e.wrap(err, "")
	}
	return v, nil
}

func (e *Expr) wrap(err error, field string) error {
	ee := &ExprError{Range: e.Range, Field: field, Err: err, Reason: builtin.ReasonOf(err)}
	if be, ok := err.(*builtin.EvalError); ok {
		ee.Reason = be.Reason
		if e.pos != nil && be.Line > 0 {
			ee.Range = e.pos.rangeAt(e.Range, be.Line, be.Col)
		}
	}
	return ee
}

// EvalBool evaluates an expression that the checker typed as bool.
func (e *Expr) EvalBool(vars *builtin.Vars) (bool, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, e.wrap(fmt.Errorf("condition evaluated to %s, not a bool", builtin.Format(v)), "")
	}
	return b, nil
}

// EvalString evaluates an expression that must produce a string.
func (e *Expr) EvalString(vars *builtin.Vars) (string, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return "", err
	}
	switch s := v.(type) {
	case string:
		return s, nil
	case int64, builtin.Decimal:
		return fmt.Sprint(s), nil
	}
	return "", e.wrap(fmt.Errorf("expression evaluated to %s, not a string", builtin.Format(v)), "")
}
