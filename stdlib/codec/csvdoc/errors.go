package csvdoc

import (
	"strconv"
	"strings"

	"github.com/transload/transload/builtin"
)

// Reason codes of decode errors, in addition to builtin.ReasonInvalidDate,
// which a timestamp cell that is not RFC 3339 or a date reports, as in the
// JSON and XML codecs.
const (
	// ReasonInvalidCSV: the body is not RFC 4180 CSV in UTF-8 with a usable
	// header (a bare or unclosed quote, no header, an empty or duplicate
	// column name), or a row does not have as many fields as the header.
	ReasonInvalidCSV = "INVALID_CSV"
	// ReasonSchemaMismatch: the body is CSV but not of the declared type
	// (a column the type does not declare, a required field without a
	// column or with an empty cell, a cell that is not of its field's
	// type).
	ReasonSchemaMismatch = "SCHEMA_MISMATCH"
	// ReasonLimitExceeded: the body is larger than Options.MaxBytes, or it
	// has more rows than Options.MaxRows or more columns than
	// Options.MaxColumns.
	ReasonLimitExceeded = "LIMIT_EXCEEDED"
)

// Error is a decode failure: its reason code, the data row (1-based,
// counting the rows after the header; 0 for the header or the body as a
// whole), the column it is about (its name as the header writes it; ""
// when it is not about one column), and where it is in the body: Line
// and Col are 1-based, Col counted in characters (0 when unknown). The
// BOM, if any, is not counted.
//
// Error unwraps to a *builtin.Error with the same reason, so
// builtin.ReasonOf works on it as on any builtin failure.
type Error struct {
	Reason string
	Row    int
	Column string
	Line   int
	Col    int
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("csv: ")
	if e.Row > 0 {
		b.WriteString("row ")
		b.WriteString(strconv.Itoa(e.Row))
	}
	if e.Column != "" {
		if e.Row > 0 {
			b.WriteString(", ")
		}
		b.WriteString("column ")
		b.WriteString(quote(e.Column))
	}
	if e.Row > 0 || e.Column != "" {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	b.WriteString(" (")
	b.WriteString(e.Reason)
	if e.Line > 0 {
		b.WriteString(" at line ")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteString(", column ")
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	b.WriteString(")")
	return b.String()
}

// Unwrap lets builtin.ReasonOf and errors.As see the reason code.
func (e *Error) Unwrap() error { return &builtin.Error{Reason: e.Reason, Msg: e.Error()} }

// quote quotes a cell or a name for a message, cut to 40 bytes.
func quote(s string) string {
	if len(s) > 40 {
		cut := 40
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut-- // do not split a UTF-8 sequence
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}
