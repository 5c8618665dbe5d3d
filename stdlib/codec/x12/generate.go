package x12

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/transload/transload/builtin"
)

// OutInterchange is an interchange to write: the ISA and IEA fields, and
// its functional groups. Generate fills in what is computed (dates, counts,
// trailers, padding); the caller gives the identities and the control
// numbers, which must come from a durable sequence (a control number used
// twice towards one partner is a duplicate interchange to its translator).
type OutInterchange struct {
	AuthQualifier     string // ISA01; "" is "00" (no authorization information)
	Auth              string // ISA02, at most 10 characters
	SecurityQualifier string // ISA03; "" is "00"
	Security          string // ISA04, at most 10 characters
	SenderQualifier   string // ISA05, 2 characters ("ZZ", "01", "12")
	Sender            string // ISA06, at most 15 characters
	ReceiverQualifier string // ISA07
	Receiver          string // ISA08
	// Version is ISA12 ("00401"); "" takes the first five characters of
	// the first group's version ("004010VICS" is 00401).
	Version string
	// Control is ISA13, 1 to 999999999, written with nine digits.
	Control      uint64
	AckRequested bool   // ISA14: 1 asks the receiver for a TA1
	Usage        string // ISA15: P production, T test, I information; "" is P
	// Time is when the interchange is prepared: ISA09/ISA10 and, for
	// groups, GS04/GS05, in Time's location. The zero time is time.Now()
	// in UTC.
	Time time.Time
	// Separators: Element, Component (ISA16), Repetition (ISA11 from
	// version 00402 on; before it ISA11 is "U" and the byte is not a
	// delimiter) and Segment. Zero values take * > ^ ~.
	Separators Separators
	// Newline writes a line break after every segment terminator, as most
	// partners accept and people read more easily. It is layout: the
	// parser skips it.
	Newline bool
	// InterchangeAcks are TA1 segments, written after the ISA and before
	// the groups: each acknowledges one received interchange. An
	// interchange of TA1s alone has no groups (IEA01 is 0).
	InterchangeAcks []OutTA1
	Groups          []OutGroup
}

// OutTA1 is one TA1 interchange acknowledgment: what is said about the
// envelope (ISA and IEA) of a received interchange, not about its groups
// or sets (a 997 says that).
type OutTA1 struct {
	Control string // TA101: the received ISA13, nine digits
	Date    string // TA102: the received ISA09, YYMMDD
	Time    string // TA103: the received ISA10, HHMM
	// Status is TA104: A accepted, E accepted with errors noted (not to be
	// sent again), R rejected.
	Status string
	// Note is TA105, the interchange note code: "000" no error, "001"
	// control numbers in ISA and IEA disagree, "021" the number of groups
	// in IEA01 is wrong, … (the codes in Interchange.Errors).
	Note string
}

// OutGroup is one functional group to write.
type OutGroup struct {
	FunctionalID string // GS01: PR (855), SH (856), IN (810), FA (997), …
	SenderCode   string // GS02; "" is the interchange's sender id
	ReceiverCode string // GS03; "" is the interchange's receiver id
	// Control is GS06, 1 to 999999999, written without leading zeros.
	Control uint64
	Agency  string // GS07; "" is "X" (Accredited Standards Committee X12)
	Version string // GS08: "004010", "004010VICS", "005010"
	Sets    []OutSet
}

// OutSet is one transaction set to write: its ST01, ST02 (and ST03) and the
// segments between ST and SE. SE is computed.
type OutSet struct {
	ID            string // ST01: "856"
	Control       string // ST02: 4 to 9 characters, unique in the group ("0001")
	ConventionRef string // ST03, 005010 on; usually ""
	Segments      []OutSegment
}

// OutSegment is one segment: its ID and its elements. Elements[0] is the
// first element (BSN01). An element is a list of components: one
// component for a simple element, several for a composite; an empty list
// or a list of empty strings is an empty element. Trailing empty elements
// and trailing empty components are not written, as X12 requires.
type OutSegment struct {
	ID       string
	Elements [][]string
}

// Seg builds a segment of simple elements: Seg("REF", "BM", "12345").
func Seg(id string, elements ...string) OutSegment {
	s := OutSegment{ID: id, Elements: make([][]string, len(elements))}
	for i, e := range elements {
		if e != "" {
			s.Elements[i] = []string{e}
		}
	}
	return s
}

// GenerateError says why an interchange cannot be written: a value that
// holds a separator (X12 has no escape: the value would split the segment
// or the element, so it is refused rather than silently broken), a field
// too long for the fixed-width ISA, a bad control number or segment ID.
type GenerateError struct {
	// Where names the place: "ISA06", "set 856 0001 segment 4 (LIN) element 3".
	Where string
	Msg   string
}

func (e *GenerateError) Error() string { return "x12: " + e.Where + ": " + e.Msg }

// The separators Generate uses when none are given.
const (
	DefaultElementSeparator    = '*'
	DefaultComponentSeparator  = '>'
	DefaultRepetitionSeparator = '^'
	DefaultSegmentTerminator   = '~'
)

// Generate writes the interchange: ISA, each GS with its sets (ST, the
// segments, SE with the segment count including ST and SE), GE with the
// number of sets, IEA with the number of groups.
func Generate(ic *OutInterchange) ([]byte, error) {
	return AppendInterchange(nil, ic)
}

// AppendInterchange is Generate appending to dst.
func AppendInterchange(dst []byte, ic *OutInterchange) ([]byte, error) {
	w, err := newWriter(ic)
	if err != nil {
		return nil, err
	}
	w.buf = dst
	if err := w.interchange(ic); err != nil {
		return nil, err
	}
	return w.buf, nil
}

type writer struct {
	buf     []byte
	seps    Separators
	repUsed bool   // the repetition separator is a delimiter (00402 on)
	special string // the bytes no value may hold
	newline bool
}

// WithDefaults returns the separators with * > ^ ~ for those not set.
func (s Separators) WithDefaults() Separators {
	if s.Element == 0 {
		s.Element = DefaultElementSeparator
	}
	if s.Component == 0 {
		s.Component = DefaultComponentSeparator
	}
	if s.Repetition == 0 {
		s.Repetition = DefaultRepetitionSeparator
	}
	if s.Segment == 0 {
		s.Segment = DefaultSegmentTerminator
	}
	return s
}

// CheckSeparators reports whether s (after WithDefaults) can delimit an
// interchange that Generate writes and Parse reads back: four distinct
// printable ASCII characters that are not letters, digits or a space
// (a line feed may terminate segments).
func CheckSeparators(s Separators) error {
	s = s.WithDefaults()
	named := []struct {
		name string
		c    byte
	}{{"element separator", s.Element}, {"component separator", s.Component}, {"repetition separator", s.Repetition}, {"segment terminator", s.Segment}}
	for i, n := range named {
		if isAlnum(n.c) || n.c == ' ' || n.c >= 0x7f || (n.c < 0x20 && !(n.name == "segment terminator" && n.c == '\n')) {
			return &GenerateError{Where: "separators", Msg: fmt.Sprintf("the %s %q cannot be a delimiter: use a printable character that is not a letter, a digit or a space", n.name, n.c)}
		}
		for _, m := range named[:i] {
			if m.c == n.c {
				return &GenerateError{Where: "separators", Msg: fmt.Sprintf("the %s and the %s are both %q", m.name, n.name, n.c)}
			}
		}
	}
	return nil
}

func newWriter(ic *OutInterchange) (*writer, error) {
	if err := CheckSeparators(ic.Separators); err != nil {
		return nil, err
	}
	s := ic.Separators.WithDefaults()
	w := &writer{seps: s, newline: ic.Newline && s.Segment != '\n'}
	version := ic.Version
	if version == "" && len(ic.Groups) > 0 && len(ic.Groups[0].Version) >= 5 {
		version = ic.Groups[0].Version[:5]
	}
	w.repUsed = len(version) == 5 && isDigits(version) && version >= "00402"
	w.special = string([]byte{s.Element, s.Component, s.Segment, '\r', '\n'})
	if w.repUsed {
		w.special += string(s.Repetition)
	}
	return w, nil
}

// isaWidths are the fixed widths of ISA01 … ISA16.
var isaWidths = [17]int{0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1}

func (w *writer) interchange(ic *OutInterchange) error {
	t := ic.Time
	if t.IsZero() {
		t = time.Now().UTC()
	}
	version := ic.Version
	if version == "" {
		if len(ic.Groups) == 0 || len(ic.Groups[0].Version) < 5 {
			return &GenerateError{Where: "ISA12", Msg: "no version: set the interchange's version or a group's"}
		}
		version = ic.Groups[0].Version[:5]
	}
	if len(ic.Groups) == 0 && len(ic.InterchangeAcks) == 0 {
		return &GenerateError{Where: "interchange", Msg: "nothing to send: no functional group and no TA1"}
	}
	if len(version) != 5 || !isDigits(version) {
		return &GenerateError{Where: "ISA12", Msg: fmt.Sprintf("%q is not a version number (5 digits, such as 00401)", version)}
	}
	if ic.Control < 1 || ic.Control > 999999999 {
		return &GenerateError{Where: "ISA13", Msg: fmt.Sprintf("the interchange control number %d is not between 1 and 999999999", ic.Control)}
	}
	usage := or(ic.Usage, "P")
	if usage != "P" && usage != "T" && usage != "I" {
		return &GenerateError{Where: "ISA15", Msg: fmt.Sprintf("the usage indicator %q is not P, T or I", usage)}
	}
	rep := "U"
	if w.repUsed {
		rep = string(w.seps.Repetition)
	}
	ack := "0"
	if ic.AckRequested {
		ack = "1"
	}
	fields := [17]string{"ISA",
		or(ic.AuthQualifier, "00"), ic.Auth, or(ic.SecurityQualifier, "00"), ic.Security,
		ic.SenderQualifier, ic.Sender, ic.ReceiverQualifier, ic.Receiver,
		t.Format("060102"), t.Format("1504"), rep, version,
		fmt.Sprintf("%09d", ic.Control), ack, usage, string(w.seps.Component)}
	for i := 1; i <= 15; i++ {
		v := fields[i]
		where := fmt.Sprintf("ISA%02d", i)
		if i == 11 {
			continue // the separator itself
		}
		if err := w.check(where, v); err != nil {
			return err
		}
		if len(v) > isaWidths[i] {
			return &GenerateError{Where: where, Msg: fmt.Sprintf("%q is longer than the %d characters of this fixed-width field", v, isaWidths[i])}
		}
		if strings.TrimSpace(v) == "" && i != 2 && i != 4 {
			return &GenerateError{Where: where, Msg: "is mandatory"}
		}
	}
	w.buf = append(w.buf, "ISA"...)
	for i := 1; i <= 16; i++ {
		w.buf = append(w.buf, w.seps.Element)
		w.buf = append(w.buf, fields[i]...)
		for k := len(fields[i]); k < isaWidths[i]; k++ {
			w.buf = append(w.buf, ' ')
		}
	}
	w.end()
	for i, a := range ic.InterchangeAcks {
		if err := w.ta1(i, a); err != nil {
			return err
		}
	}
	seen := map[uint64]bool{}
	for gi := range ic.Groups {
		g := &ic.Groups[gi]
		if seen[g.Control] {
			return &GenerateError{Where: fmt.Sprintf("group %d", gi+1), Msg: fmt.Sprintf("GS06 %d is used by an earlier group of the interchange", g.Control)}
		}
		seen[g.Control] = true
		if err := w.group(ic, g, t); err != nil {
			return err
		}
	}
	w.simple("IEA", strconv.Itoa(len(ic.Groups)), fields[13])
	return nil
}

// ta1 writes the i-th TA1 after checking each element's fixed form.
func (w *writer) ta1(i int, a OutTA1) error {
	where := fmt.Sprintf("TA1 %d", i+1)
	for _, f := range []struct {
		name, v string
		ok      bool
		want    string
	}{
		{"TA101", a.Control, len(a.Control) == 9 && isDigits(a.Control), "nine digits, the received ISA13"},
		{"TA102", a.Date, len(a.Date) == 6 && isDigits(a.Date), "a date YYMMDD, the received ISA09"},
		{"TA103", a.Time, len(a.Time) == 4 && isDigits(a.Time), "a time HHMM, the received ISA10"},
		{"TA104", a.Status, a.Status == "A" || a.Status == "E" || a.Status == "R", "A, E or R"},
		{"TA105", a.Note, len(a.Note) == 3 && isDigits(a.Note), "a three-digit note code (000 no error)"},
	} {
		if !f.ok {
			return &GenerateError{Where: where + " " + f.name, Msg: fmt.Sprintf("%q is not %s", f.v, f.want)}
		}
	}
	w.simple("TA1", a.Control, a.Date, a.Time, a.Status, a.Note)
	return nil
}

func (w *writer) group(ic *OutInterchange, g *OutGroup, t time.Time) error {
	where := "group " + g.FunctionalID
	if g.Control < 1 || g.Control > 999999999 {
		return &GenerateError{Where: where + " GS06", Msg: fmt.Sprintf("the group control number %d is not between 1 and 999999999", g.Control)}
	}
	ctl := strconv.FormatUint(g.Control, 10)
	gs := [8]string{g.FunctionalID, or(g.SenderCode, ic.Sender), or(g.ReceiverCode, ic.Receiver),
		t.Format("20060102"), t.Format("1504"), ctl, or(g.Agency, "X"), g.Version}
	for i, v := range gs {
		if err := w.check(fmt.Sprintf("%s GS%02d", where, i+1), v); err != nil {
			return err
		}
		if v == "" {
			return &GenerateError{Where: fmt.Sprintf("%s GS%02d", where, i+1), Msg: "is mandatory"}
		}
	}
	w.simple("GS", gs[:]...)
	controls := map[string]bool{}
	for si := range g.Sets {
		s := &g.Sets[si]
		if controls[s.Control] {
			return &GenerateError{Where: where, Msg: fmt.Sprintf("ST02 %q is used by an earlier set of the group", s.Control)}
		}
		controls[s.Control] = true
		if want, ok := functionalIDs[s.ID]; ok && want != g.FunctionalID {
			return &GenerateError{Where: where, Msg: fmt.Sprintf("transaction set %s belongs in a %s functional group, not %s", s.ID, want, g.FunctionalID)}
		}
		if err := w.set(s); err != nil {
			return err
		}
	}
	w.simple("GE", strconv.Itoa(len(g.Sets)), ctl)
	return nil
}

func (w *writer) set(s *OutSet) error {
	where := "set " + s.ID + " " + s.Control
	if len(s.ID) != 3 || !isDigits(s.ID) {
		return &GenerateError{Where: where, Msg: fmt.Sprintf("ST01 %q is not a transaction set identifier (3 digits)", s.ID)}
	}
	if len(s.Control) < 4 || len(s.Control) > 9 {
		return &GenerateError{Where: where, Msg: fmt.Sprintf("ST02 %q must have 4 to 9 characters", s.Control)}
	}
	for _, v := range []string{s.Control, s.ConventionRef} {
		if err := w.check(where+" ST", v); err != nil {
			return err
		}
	}
	if s.ConventionRef != "" {
		w.simple("ST", s.ID, s.Control, s.ConventionRef)
	} else {
		w.simple("ST", s.ID, s.Control)
	}
	for i := range s.Segments {
		if err := w.segment(where, i+2, &s.Segments[i]); err != nil {
			return err
		}
	}
	w.simple("SE", strconv.Itoa(len(s.Segments)+2), s.Control)
	return nil
}

// envelopeIDs are the segments Generate writes itself.
var envelopeIDs = map[string]bool{"ISA": true, "IEA": true, "GS": true, "GE": true, "ST": true, "SE": true}

func (w *writer) segment(set string, pos int, sg *OutSegment) error {
	// where is built only for an error: this runs for every segment.
	where := func() string { return fmt.Sprintf("%s segment %d (%s)", set, pos, sg.ID) }
	if !isSegmentID(sg.ID) {
		return &GenerateError{Where: where(), Msg: fmt.Sprintf("%q is not a segment ID (two or three upper-case letters or digits, the first a letter)", sg.ID)}
	}
	if envelopeIDs[sg.ID] {
		return &GenerateError{Where: where(), Msg: "envelope segments are written by the generator, not given in a set"}
	}
	n := len(sg.Elements)
	for n > 0 && empty(sg.Elements[n-1]) {
		n--
	}
	for i := 0; i < n; i++ {
		for j, c := range sg.Elements[i] {
			if strings.IndexAny(c, w.special) < 0 {
				continue
			}
			at := fmt.Sprintf("%s element %d", where(), i+1)
			if len(sg.Elements[i]) > 1 {
				at += fmt.Sprintf(" component %d", j+1)
			}
			return w.check(at, c)
		}
	}
	w.buf = append(w.buf, sg.ID...)
	for i := 0; i < n; i++ {
		w.buf = append(w.buf, w.seps.Element)
		comps := sg.Elements[i]
		m := len(comps)
		for m > 0 && comps[m-1] == "" {
			m--
		}
		for j := 0; j < m; j++ {
			if j > 0 {
				w.buf = append(w.buf, w.seps.Component)
			}
			w.buf = append(w.buf, comps[j]...)
		}
	}
	w.end()
	return nil
}

func empty(e []string) bool {
	for _, c := range e {
		if c != "" {
			return false
		}
	}
	return true
}

// check refuses a value that holds a separator or a line break: X12 has
// no escape character, and a line break would be taken for layout.
func (w *writer) check(where, v string) error {
	if i := strings.IndexAny(v, w.special); i >= 0 {
		what := fmt.Sprintf("the separator %q", v[i])
		if v[i] == '\r' || v[i] == '\n' {
			what = "a line break"
		}
		return &GenerateError{Where: where, Msg: fmt.Sprintf("the value %q holds %s; X12 has no escape for it: remove or replace it in the mapping, or choose other separators", v, what)}
	}
	return nil
}

// simple writes a segment of simple elements known to be safe.
func (w *writer) simple(id string, elements ...string) {
	w.buf = append(w.buf, id...)
	for _, e := range elements {
		w.buf = append(w.buf, w.seps.Element)
		w.buf = append(w.buf, e...)
	}
	w.end()
}

func (w *writer) end() {
	w.buf = append(w.buf, w.seps.Segment)
	if w.newline {
		w.buf = append(w.buf, '\n')
	}
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// SegmentsFromNative converts segments as a mapping builds them: a list of
// segments, each a list whose first item is the segment ID and whose other
// items are the elements, an element being a string or a list of strings
// (a composite). Whole numbers and decimals (int64, builtin.Decimal) are
// written as their text; null is an empty element. Anything else is an
// error that names the segment and element.
func SegmentsFromNative(v any) ([]OutSegment, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("segments must be a list of segments, not %s", kindOf(v))
	}
	out := make([]OutSegment, len(list))
	for i, item := range list {
		seg, ok := item.([]any)
		if !ok || len(seg) == 0 {
			return nil, fmt.Errorf("segment %d must be a non-empty list [id, element, …], not %s", i+1, kindOf(item))
		}
		id, ok := seg[0].(string)
		if !ok {
			return nil, fmt.Errorf("segment %d: the first item must be the segment ID, a string, not %s", i+1, kindOf(seg[0]))
		}
		s := OutSegment{ID: id, Elements: make([][]string, len(seg)-1)}
		for j, el := range seg[1:] {
			if comps, ok := el.([]any); ok {
				c := make([]string, len(comps))
				for k, x := range comps {
					t, err := nativeText(x)
					if err != nil {
						return nil, fmt.Errorf("segment %d (%s) element %d component %d: %v", i+1, id, j+1, k+1, err)
					}
					c[k] = t
				}
				s.Elements[j] = c
				continue
			}
			t, err := nativeText(el)
			if err != nil {
				return nil, fmt.Errorf("segment %d (%s) element %d: %v", i+1, id, j+1, err)
			}
			if t != "" {
				s.Elements[j] = []string{t}
			}
		}
		out[i] = s
	}
	return out, nil
}

func nativeText(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case builtin.Decimal:
		return x.String(), nil
	}
	return "", fmt.Errorf("an element must be a string (format numbers, amounts and dates in the mapping), not %s", kindOf(v))
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("a %T", v)
}
