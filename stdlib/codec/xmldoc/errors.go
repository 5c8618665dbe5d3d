package xmldoc

import (
	"strconv"
	"strings"

	"github.com/transload/transload/builtin"
)

// Reason codes of decode errors, in addition to the builtin ones that typed
// values report (builtin.ReasonInvalidMoney, ReasonUnknownCurrency,
// ReasonInvalidQuantity, ReasonInvalidDate).
const (
	// ReasonInvalidXML: the body is not well-formed XML 1.0 in UTF-8, or it
	// holds what this codec refuses (a DTD, an entity other than the five
	// predefined ones, text or a second element after the root).
	ReasonInvalidXML = "INVALID_XML"
	// ReasonSchemaMismatch: the body is XML but not of the declared type
	// (text where an integer is declared, child elements where a string is,
	// a missing required element, an element the schema declares once that
	// occurs twice, a root element the schema does not name).
	ReasonSchemaMismatch = "SCHEMA_MISMATCH"
	// ReasonLimitExceeded: the body is larger than Options.MaxBytes or its
	// elements are nested deeper than Options.MaxDepth.
	ReasonLimitExceeded = "LIMIT_EXCEEDED"
)

// Error is a decode failure: its reason code, the path of the element in
// the document ("order.orderLines.orderLine[0].charges.charge[1].chargeAmount.amount",
// with "@name" for an attribute; "" for the document itself), and where
// the decoder was when it found the problem (1-based line and column;
// for a value, that is the end of its element, whose text it had read).
//
// Error unwraps to a *builtin.Error with the same reason, so
// builtin.ReasonOf works on it as on any builtin failure.
type Error struct {
	Reason string
	Path   string
	Line   int
	Col    int
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("xml: ")
	if e.Path != "" {
		b.WriteString(e.Path)
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

// seg is one step of a path: an element or attribute name, with the index
// of the occurrence when the element's type is a list (idx ≥ 0).
type seg struct {
	name string
	idx  int
}

func pathString(segs []seg) string {
	var b strings.Builder
	for _, s := range segs {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
		if s.idx >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.idx))
			b.WriteByte(']')
		}
	}
	return b.String()
}
