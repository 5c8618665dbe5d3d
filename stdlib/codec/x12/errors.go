package x12

import (
	"fmt"
	"strconv"
	"strings"
)

// Reasons classify an Error for the caller: what to do with the message
// (reject it, answer it with a 997) does not depend on the wording.
const (
	// ReasonEnvelope is a control number or count that does not agree
	// (ISA13/IEA02, GE01, SE01, ...), a duplicate control number, or an
	// envelope segment that is missing or out of place.
	ReasonEnvelope = "ENVELOPE_INVALID"
	// ReasonSyntax is a segment or element that breaks the X12 syntax:
	// a mandatory element missing, a paired or conditional element rule
	// broken, a malformed number, date or time, a segment that occurs more
	// often than the transaction set allows.
	ReasonSyntax = "SYNTAX_INVALID"
)

// Error is one problem found in an interchange. It says where (Segment,
// SegmentID, Element, Offset) and why (Reason, Code, Msg).
//
// Code is the X12 acknowledgment code for the problem, so that a 997 can be
// written without parsing messages:
//   - an error in Interchange.Errors carries a TA1 note code (TA105, "001",
//     "021", ...);
//   - in Group.Errors, a functional group error code (AK905: "3", "4",
//     "5", and "19", a later-release code, for a duplicate GS06) or, for a syntax
//     problem in GS/GE, an element code as below;
//   - in Set.Errors: with Reason ReasonEnvelope, a transaction set error
//     code (AK502: "2", "3", "4", "23", ...); with ReasonSyntax and Element 0
//     a segment error code (AK304: "1" unrecognized segment ID, "3" mandatory
//     segment missing, "5" segment exceeds maximum use, ...); with Element > 0
//     a data element error code (AK403: "1" mandatory element missing, "2"
//     conditional element missing, "3" too many elements, "6" invalid
//     character, "7" invalid code value, "8" invalid date, "9" invalid
//     time, "10" exclusion condition violated).
type Error struct {
	Reason    string // ReasonEnvelope or ReasonSyntax
	Segment   int    // 1-based index of the segment in its interchange (ISA is 1); 0 if none
	SegmentID string // "SE", "PO1"; for a missing segment, the ID that is missing
	Element   int    // 1-based element position in the segment; 0 if the problem is not one element's
	Offset    int    // byte offset in the data given to Parse: of the element if Element > 0, else of the segment
	Msg       string // what is wrong, naming elements by reference ("SE01"), in lower case
	Code      string // the X12 acknowledgment code, see above
}

// Error renders the position and the message:
// "segment 14 (SE): SE01 says 12 segments, the transaction set has 13".
func (e *Error) Error() string {
	if e.Segment == 0 {
		return "byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
	}
	id := e.SegmentID
	if id == "" {
		id = "?"
	}
	return "segment " + strconv.Itoa(e.Segment) + " (" + id + "): " + e.Msg
}

// Errors is every problem found, in the order of the segments they are in.
// Parse returns it as its error; Interchange, Group and Set keep their own.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems: ", len(es))
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// err returns es as an error, or nil when it is empty: a nil Errors in an
// error interface would not compare equal to nil.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
