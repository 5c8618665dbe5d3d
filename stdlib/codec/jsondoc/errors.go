package jsondoc

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/transload/transload/builtin"
)

// Reason codes of decode errors, in addition to the builtin ones that typed
// values report (builtin.ReasonInvalidMoney, ReasonUnknownCurrency,
// ReasonInvalidQuantity, ReasonInvalidDate).
const (
	// ReasonInvalidJSON: the body is not JSON (syntax, invalid UTF-8,
	// duplicate keys, trailing data).
	ReasonInvalidJSON = "INVALID_JSON"
	// ReasonSchemaMismatch: the body is JSON but not of the declared type
	// (a string where an integer is declared, a missing required field).
	ReasonSchemaMismatch = "SCHEMA_MISMATCH"
	// ReasonLimitExceeded: the body is larger than Options.MaxBytes or
	// nested deeper than Options.MaxDepth.
	ReasonLimitExceeded = "LIMIT_EXCEEDED"
)

// Error is a decode failure: its reason code, the path of the value in the
// document ("line_items[2].price", "" for the document itself), and where
// in the body it is: Offset is a byte offset into the data passed to
// Decode, Line and Col are 1-based, Col counted in characters.
//
// Error unwraps to a *builtin.Error with the same reason, so
// builtin.ReasonOf works on it as on any builtin failure.
type Error struct {
	Reason string
	Path   string
	Offset int
	Line   int
	Col    int
	Msg    string

	segs []seg // the path, innermost first, while the error travels up
}

// seg is one step of a path: an object key, or an array index when key is
// empty and idx ≥ 0.
type seg struct {
	key string
	idx int
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("json: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	b.WriteString(" (")
	b.WriteString(e.Reason)
	b.WriteString(" at line ")
	b.WriteString(strconv.Itoa(e.Line))
	b.WriteString(", column ")
	b.WriteString(strconv.Itoa(e.Col))
	b.WriteString(", offset ")
	b.WriteString(strconv.Itoa(e.Offset))
	b.WriteString(")")
	return b.String()
}

// Unwrap lets builtin.ReasonOf and errors.As see the reason code.
func (e *Error) Unwrap() error { return &builtin.Error{Reason: e.Reason, Msg: e.Error()} }

func (e *Error) key(k string) error {
	e.segs = append(e.segs, seg{key: k, idx: -1})
	return e
}

func (e *Error) index(i int) error {
	e.segs = append(e.segs, seg{idx: i})
	return e
}

// finish computes the path text and the line and column.
func (e *Error) finish(data []byte) *Error {
	if len(e.segs) > 0 {
		var b strings.Builder
		for i := len(e.segs) - 1; i >= 0; i-- {
			s := e.segs[i]
			switch {
			case s.key == "" && s.idx >= 0:
				b.WriteByte('[')
				b.WriteString(strconv.Itoa(s.idx))
				b.WriteByte(']')
			case plainKey(s.key):
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(s.key)
			default:
				b.WriteByte('[')
				b.Write(builtin.AppendJSONString(nil, s.key))
				b.WriteByte(']')
			}
		}
		e.Path = b.String()
		e.segs = nil
	}
	off := min(max(e.Offset, 0), len(data))
	e.Line, e.Col = 1, 1
	lineStart := 0
	for i := 0; i < off; i++ {
		if data[i] == '\n' {
			e.Line++
			lineStart = i + 1
		}
	}
	e.Col = utf8.RuneCount(data[lineStart:off]) + 1
	return e
}

// plainKey reports whether k can be written after a dot in a path.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c == '-' || c == '$' || c == '@' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80) {
			return false
		}
	}
	return true
}

func newError(reason string, off int, msg string) *Error {
	return &Error{Reason: reason, Offset: off, Msg: msg}
}
