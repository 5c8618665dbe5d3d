package x12

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Separators are the delimiters of one interchange, read from its ISA.
type Separators struct {
	Element byte
	// Repetition is ISA11 from version 00402 on; 0 before 00402, or when
	// ISA11 is not a usable delimiter.
	Repetition byte
	// Component is ISA16; 0 when ISA16 is empty (composites are then not
	// split: see doc.go).
	Component byte
	// Segment is the byte after ISA16. A newline terminator is '\n' whether
	// the file uses LF or CRLF: a CR before the LF is not part of the data.
	Segment byte
}

// Segment is one segment as sent. Elements[0] is the segment ID and
// Elements[i] is element i, so Elements[1] of an SE is SE01. Elements are
// substrings of one copy of the input: holding a segment keeps that copy
// alive, not the caller's byte slice.
type Segment struct {
	ID       string
	Elements []string
	Index    int // 1-based position in the interchange; the ISA is 1
	Offset   int // byte offset of the segment ID in the data given to Parse
	end      int // offset just past the segment's last byte (before its terminator)
}

// Element returns element i (1-based), or "" when the segment has fewer.
func (s *Segment) Element(i int) string {
	if i <= 0 || i >= len(s.Elements) {
		return ""
	}
	return s.Elements[i]
}

// Interchange is one ISA … IEA envelope. The ISA fields are kept trimmed of
// their fixed-width padding (spaces and NBSP).
type Interchange struct {
	Separators Separators

	AuthQualifier     string // ISA01
	Auth              string // ISA02
	SecurityQualifier string // ISA03
	Security          string // ISA04
	SenderQualifier   string // ISA05
	Sender            string // ISA06
	ReceiverQualifier string // ISA07
	Receiver          string // ISA08
	Date              string // ISA09, YYMMDD
	Time              string // ISA10, HHMM
	StandardsID       string // ISA11 as sent: "U", or the repetition separator from 00402 on
	Version           string // ISA12, "00401"
	Control           string // ISA13
	AckRequested      string // ISA14
	Usage             string // ISA15: P production, T test, I information

	ISA Segment
	IEA *Segment // nil when the interchange has no trailer

	// InterchangeAcks are the TA1 segments before the groups: the
	// sender's acknowledgments of interchanges it received.
	InterchangeAcks []Segment
	Groups          []*Group
	// Segments are all segments of the interchange, ISA to IEA.
	Segments []Segment

	// Errors are the problems of the interchange envelope itself (ISA, IEA,
	// segments outside any group); those of groups and sets are on them.
	Errors Errors
	// Warnings are deviations that were repaired or tolerated: a segment
	// whose terminator is missing, an unknown segment kept in its loop.
	// They reject nothing.
	Warnings Errors
}

// Err returns the interchange-level errors, or nil.
func (ic *Interchange) Err() error { return ic.Errors.err() }

// AllErrors returns the errors of the interchange, its groups and their
// sets, in segment order. It is what Parse returns.
func (ic *Interchange) AllErrors() Errors {
	all := append(Errors(nil), ic.Errors...)
	for _, g := range ic.Groups {
		all = append(all, g.Errors...)
		for _, s := range g.Sets {
			all = append(all, s.Errors...)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Segment < all[j].Segment })
	return all
}

// Group is one GS … GE functional group.
type Group struct {
	FunctionalID string // GS01: PO, PR, SH, IN, FA
	Sender       string // GS02
	Receiver     string // GS03
	Date         string // GS04, CCYYMMDD
	Time         string // GS05
	Control      string // GS06
	Agency       string // GS07
	Version      string // GS08: "004010", "004010VICS"

	GS Segment // zero (Index 0) for the stand-in group of sets that have no GS
	GE *Segment

	Sets   []*Set
	Errors Errors // GS/GE problems: control numbers, counts, a missing GE

	controls map[string]int // ST02 → segment index of the first set using it
}

// Err returns the group-level errors, or nil.
func (g *Group) Err() error { return g.Errors.err() }

// Set is one ST … SE transaction set.
type Set struct {
	ID            string // ST01: "850"
	Control       string // ST02
	ConventionRef string // ST03 (005010 on)

	// Segments are ST to SE inclusive, or up to where the set was cut off.
	// The position of a segment in the set (997 AK302) is
	// Index - Segments[0].Index + 1.
	Segments []Segment

	// Doc is the document (see doc.go), nil when the set has errors.
	Doc map[string]any

	Errors   Errors
	Warnings Errors

	hasSE bool
}

// Err returns the set's errors, or nil when Doc is valid.
func (s *Set) Err() error { return s.Errors.err() }

// Parse parses data holding one interchange. It returns the interchange
// whenever its ISA can be read, together with every problem found (an
// Errors value): callers process the sets whose Err is nil and reject the
// others. A file with several interchanges needs ParseAll.
func Parse(data []byte) (*Interchange, error) {
	ics, err := ParseAll(data)
	if len(ics) == 0 {
		return nil, err
	}
	if len(ics) > 1 {
		var all Errors
		if es, ok := err.(Errors); ok {
			all = es
		}
		all = append(all, &Error{Reason: ReasonEnvelope, SegmentID: "ISA", Offset: ics[1].ISA.Offset, Code: "022",
			Msg: fmt.Sprintf("the data holds %d interchanges; Parse reads one, use ParseAll", len(ics))})
		return ics[0], all
	}
	return ics[0], err
}

// ParseAll parses every interchange in data. Like Parse, it returns the
// interchanges it could read along with all problems found.
func ParseAll(data []byte) ([]*Interchange, error) {
	p := &parser{s: string(data)}
	var ics []*Interchange
	var all Errors
	pos := 0
	if strings.HasPrefix(p.s, "\xef\xbb\xbf") {
		pos = 3
	}
	pos = skipSpace(p.s, pos)
	if pos >= len(p.s) {
		return nil, Errors{{Reason: ReasonEnvelope, SegmentID: "ISA", Offset: pos, Code: "023", Msg: "no ISA segment: the data is empty"}}
	}
	for pos < len(p.s) {
		if !strings.HasPrefix(p.s[pos:], "ISA") {
			e := &Error{Reason: ReasonEnvelope, SegmentID: "ISA", Offset: pos, Code: "022",
				Msg: fmt.Sprintf("expected an ISA segment, found %q", preview(p.s[pos:]))}
			if len(ics) > 0 {
				e.Msg = fmt.Sprintf("data after the IEA is not an ISA segment: %q", preview(p.s[pos:]))
				last := ics[len(ics)-1]
				e.Segment = len(last.Segments) + 1
				last.Errors = append(last.Errors, e)
			} else {
				all = append(all, e)
			}
			break
		}
		ic, next, fatal := p.interchange(pos)
		if fatal != nil {
			all = append(all, fatal)
			break
		}
		ics = append(ics, ic)
		pos = skipTrailer(p.s, next, ic.Separators.Segment)
	}
	// The errors of each interchange in order, then the one that stopped
	// the reading, if any.
	var out Errors
	for _, ic := range ics {
		out = append(out, ic.AllErrors()...)
	}
	return ics, append(out, all...).err()
}

func preview(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// parser holds the state of one ParseAll call. Elements are sub-strings of
// s, stored in chunks of a few thousand so that a segment costs no
// allocation of its own.
type parser struct {
	s        string
	seps     Separators
	lineMode bool // one segment per line after a non-newline terminator: a line break may stand in for a missing terminator
	chunk    []string
	segs     []Segment           // the segments of the interchange being read
	segBuf   []Segment           // spare capacity for them
	counted  bool                // whether segBuf was sized
	keys     map[string][]string // element keys of segments not in the dictionary
	stack    []frame

	isaOf   *Interchange // whose ISA values isaVals holds
	isaVals [17]any
	gsOf    *Group
	gsVals  [9]any
	boxes   map[string]any // see box
}

const chunkSize = 4096

// isaWindow bounds the search for the 16 ISA element separators: 106 bytes
// as the standard has it, more with NBSP padding or over-long fields.
const isaWindow = 512

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(s string, pos int) int {
	for pos < len(s) && isSpace(s[pos]) {
		pos++
	}
	return pos
}

// skipTrailer skips what may follow an IEA before the next ISA: white
// space, stray terminators and the DOS end-of-file byte.
func skipTrailer(s string, pos int, term byte) int {
	for pos < len(s) && (isSpace(s[pos]) || s[pos] == term || s[pos] == 0x1a) {
		pos++
	}
	return pos
}

// trimPad trims the padding of a fixed-width ISA field: spaces and NBSP
// (U+00A0, two bytes in UTF-8; also a lone 0xA0 byte from Latin-1 files).
func trimPad(v string) string {
	for {
		switch {
		case strings.HasPrefix(v, " "):
			v = v[1:]
		case strings.HasPrefix(v, "\u00a0"):
			v = v[2:]
		case strings.HasPrefix(v, "\xa0"):
			v = v[1:]
		case strings.HasSuffix(v, " "):
			v = v[:len(v)-1]
		case strings.HasSuffix(v, "\u00a0"):
			v = v[:len(v)-2]
		case strings.HasSuffix(v, "\xa0"):
			v = v[:len(v)-1]
		default:
			return v
		}
	}
}

// isaCodes are the TA1 note codes for a bad value in ISA01 … ISA16.
var isaCodes = [17]string{"", "010", "011", "012", "013", "005", "006", "007", "008", "014", "015", "016", "017", "018", "019", "020", "027"}

// readISA reads the ISA at start and sets p.seps. The ISA is read by
// counting element separators, not by fixed offsets, so that NBSP padding
// (two bytes) and over-long fields do not shift the separators. It returns
// the segment and the offset after its terminator, or a fatal error when
// the separators cannot be known.
func (p *parser) readISA(start int, ic *Interchange) (Segment, int, *Error) {
	s := p.s
	fatal := func(code, format string, args ...any) (Segment, int, *Error) {
		return Segment{}, 0, &Error{Reason: ReasonEnvelope, Segment: 1, SegmentID: "ISA", Offset: start, Code: code, Msg: fmt.Sprintf(format, args...)}
	}
	if len(s)-start < 4 {
		return fatal("023", "the data ends inside the ISA segment")
	}
	el := s[start+3]
	if isAlnum(el) || isSpace(el) {
		return fatal("026", "the element separator (the byte after \"ISA\") is %q, which is not a delimiter", el)
	}
	elems := make([]string, 17)
	elems[0] = "ISA"
	pos := start + 4
	limit := min(len(s), start+isaWindow)
	for i := 1; i <= 15; i++ {
		j := strings.IndexByte(s[pos:limit], el)
		if nl := strings.IndexAny(s[pos:limit], "\r\n"); nl >= 0 && (j < 0 || nl < j) {
			return fatal("022", "a line break ends the ISA segment after %d elements; it needs 16", i)
		}
		if j < 0 {
			return fatal("022", "the ISA segment has only %d elements; it needs 16", i)
		}
		elems[i] = s[pos : pos+j]
		pos += j + 1
	}
	// pos is at ISA16. Its byte and the one after it decide the component
	// separator and the segment terminator.
	if pos >= len(s) {
		return fatal("023", "the data ends before ISA16")
	}
	var comp, term byte
	var end, next int
	newlineAt := func(i int) int { // the terminator is the line break at i; returns the offset after it
		term = '\n'
		if s[i] == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				return i + 2
			}
			term = '\r'
		}
		return i + 1
	}
	c := s[pos]
	switch {
	case c == '\r' || c == '\n':
		// ISA16 is empty and the segments end with line breaks.
		end, next = pos, newlineAt(pos)
	case c == el:
		return fatal("022", "the ISA segment has more than 16 elements")
	case pos+1 >= len(s):
		return fatal("023", "the data ends after ISA16: the ISA segment has no terminator")
	default:
		t := s[pos+1]
		switch {
		case t == '\r' || t == '\n':
			// Either ISA16 is c and the terminator is a line break, or
			// ISA16 is empty and c is the terminator, followed by a line
			// break (a field file of the corpus does that). The next line
			// decides: if it ends with c, c terminates segments.
			if nextLineEndsWith(s, pos+1, c) {
				term, end, next = c, pos, pos+1
			} else {
				comp, end = c, pos+1
				next = newlineAt(pos + 1)
			}
		default:
			comp, term, end, next = c, t, pos+1, pos+2
		}
	}
	elems[16] = s[pos:end]
	if term == el {
		return fatal("026", "the segment terminator and the element separator are both %q", el)
	}
	isa := Segment{ID: "ISA", Elements: elems, Index: 1, Offset: start, end: end}
	v := make([]string, 17)
	for i := 1; i <= 16; i++ {
		v[i] = trimPad(elems[i])
	}
	ic.AuthQualifier, ic.Auth, ic.SecurityQualifier, ic.Security = v[1], v[2], v[3], v[4]
	ic.SenderQualifier, ic.Sender, ic.ReceiverQualifier, ic.Receiver = v[5], v[6], v[7], v[8]
	ic.Date, ic.Time, ic.StandardsID, ic.Version = v[9], v[10], v[11], v[12]
	ic.Control, ic.AckRequested, ic.Usage = v[13], v[14], v[15]

	bad := func(i int, reason, format string, args ...any) {
		ic.Errors = append(ic.Errors, &Error{Reason: reason, Segment: 1, SegmentID: "ISA", Element: i,
			Offset: p.elemOffset(&isa, el, i), Code: isaCodes[i], Msg: fmt.Sprintf(format, args...)})
	}
	for _, i := range []int{1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15} {
		if v[i] == "" {
			r := ReasonSyntax
			if i == 13 {
				r = ReasonEnvelope
			}
			bad(i, r, "ISA%02d (%s) is mandatory", i, segments["ISA"].elems[i-1].name)
		}
	}
	if v[9] != "" && !validDate(v[9]) {
		bad(9, ReasonSyntax, "ISA09 %q is not a date (YYMMDD)", v[9])
	}
	if v[10] != "" && !validTime(v[10]) {
		bad(10, ReasonSyntax, "ISA10 %q is not a time (HHMM)", v[10])
	}
	if v[12] != "" && (len(v[12]) != 5 || !isDigits(v[12])) {
		bad(12, ReasonSyntax, "ISA12 %q is not a version number (5 digits)", v[12])
	}
	if v[13] != "" && (len(v[13]) != 9 || !isDigits(v[13])) {
		bad(13, ReasonEnvelope, "ISA13 %q is not an interchange control number (9 digits)", v[13])
	}
	if v[14] != "" && v[14] != "0" && v[14] != "1" {
		bad(14, ReasonSyntax, "ISA14 %q is not 0 or 1", v[14])
	}
	if v[15] != "" && v[15] != "P" && v[15] != "T" && v[15] != "I" {
		bad(15, ReasonSyntax, "ISA15 %q is not P, T or I", v[15])
	}
	if comp != 0 && (isAlnum(comp) || comp == ' ' || comp == term) {
		bad(16, ReasonSyntax, "ISA16 %q cannot be the component separator", comp)
		comp = 0
	}
	var rep byte
	if len(v[12]) == 5 && isDigits(v[12]) && v[12] >= "00402" {
		r := elems[11]
		if len(r) == 1 && !isAlnum(r[0]) && !isSpace(r[0]) && r[0] != el && r[0] != comp && r[0] != term {
			rep = r[0]
		} else {
			ic.Warnings = append(ic.Warnings, &Error{Reason: ReasonSyntax, Segment: 1, SegmentID: "ISA", Element: 11,
				Offset: p.elemOffset(&isa, el, 11), Msg: fmt.Sprintf("ISA11 %q is not a usable repetition separator; repetitions are not recognised", r)})
		}
	}
	p.seps = Separators{Element: el, Repetition: rep, Component: comp, Segment: term}
	ic.Separators = p.seps
	// One segment per line after a visible terminator? Then a line break
	// can stand in for a terminator that was forgotten.
	p.lineMode = false
	if term != '\n' && term != '\r' {
		i := next
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		p.lineMode = i < len(s) && (s[i] == '\n' || s[i] == '\r')
	}
	return isa, next, nil
}

// nextLineEndsWith reports whether the first non-blank line at or after
// pos ends with c (ignoring trailing blanks).
func nextLineEndsWith(s string, pos int, c byte) bool {
	pos = skipSpace(s, pos)
	if pos >= len(s) {
		return false
	}
	line := s[pos:]
	if j := strings.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	line = strings.TrimRight(line, " \t\r")
	return len(line) > 0 && line[len(line)-1] == c
}

// interchange parses the interchange whose ISA is at start. It returns the
// offset after its IEA (or where the next ISA begins).
func (p *parser) interchange(start int) (*Interchange, int, *Error) {
	ic := &Interchange{}
	isa, pos, fatal := p.readISA(start, ic)
	if fatal != nil {
		return nil, 0, fatal
	}
	ic.ISA = isa
	if !p.counted {
		// One array for the segments of every interchange in the data,
		// sized by counting terminators once: growing a slice of 10⁵
		// segments by appending costs more than counting. Should it be
		// short, append grows it.
		p.counted = true
		n := strings.Count(p.s[pos:], string(p.seps.Segment))
		p.segBuf = make([]Segment, 0, n+2)
	}
	p.segs = append(p.segBuf[:0], isa)
	next := p.tokenize(pos, ic)
	n := len(p.segs)
	ic.Segments = p.segs[:n:n]
	p.segBuf = p.segs[n:] // what is left of the array, for the next interchange
	p.segs = nil
	p.envelope(ic)
	for _, g := range ic.Groups {
		for _, st := range g.Sets {
			p.buildSet(ic, g, st)
		}
	}
	return ic, next, nil
}

// tokenize splits the segments after the ISA, up to and including the IEA,
// or up to the next ISA or the end of the data. It returns the offset
// where it stopped.
func (p *parser) tokenize(pos int, ic *Interchange) int {
	s, term := p.s, p.seps.Segment
	nextTerm := -1 // the offset of the next terminator at or after pos; len(s) if there is none
	for {
		pos = skipSpace(s, pos)
		if pos >= len(s) {
			return pos
		}
		if s[pos] == term {
			ic.Warnings = append(ic.Warnings, &Error{Reason: ReasonSyntax, Segment: len(p.segs), Offset: pos,
				SegmentID: p.segs[len(p.segs)-1].ID, Msg: "an empty segment after this one was skipped"})
			pos++
			continue
		}
		if strings.HasPrefix(s[pos:], "ISA") && pos+3 < len(s) && !isAlnum(s[pos+3]) {
			return pos // the next interchange: this one has no IEA
		}
		var end, after int
		warn := ""
		if nextTerm < pos {
			// Remembered across segments: when line breaks stand in for
			// missing terminators, searching again from every line would
			// be quadratic.
			nextTerm = len(s)
			if j := strings.IndexByte(s[pos:], term); j >= 0 {
				nextTerm = pos + j
			}
		}
		if nextTerm < len(s) {
			end, after = nextTerm, nextTerm+1
		} else {
			end, after = len(s), len(s)
			for end > pos && isSpace(s[end-1]) {
				end--
			}
			if term != '\n' && term != '\r' {
				warn = "the last segment has no terminator"
			}
		}
		if p.lineMode {
			if j := strings.IndexByte(s[pos:end], '\n'); j >= 0 && p.segmentStartsAt(pos+j+1, end) {
				end, after = pos+j, pos+j+1
				warn = fmt.Sprintf("the segment has no terminator %q; the line break ends it", term)
			}
			if end > pos && s[end-1] == '\r' {
				end--
			}
		} else if term == '\n' && end > pos && s[end-1] == '\r' {
			end--
		}
		p.addSegment(pos, end)
		last := &p.segs[len(p.segs)-1]
		if warn != "" {
			ic.Warnings = append(ic.Warnings, &Error{Reason: ReasonSyntax, Segment: last.Index, SegmentID: last.ID, Offset: last.Offset, Msg: warn})
		}
		if last.ID == "IEA" {
			return after
		}
		pos = after
	}
}

// segmentStartsAt reports whether a segment seems to start at i (before
// end): optional blanks, a segment ID, then an element separator or end.
func (p *parser) segmentStartsAt(i, end int) bool {
	s := p.s
	for i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	j := i
	for j < end && j-i < 4 && isAlnum(s[j]) {
		j++
	}
	return isSegmentID(s[i:j]) && (j == end || s[j] == p.seps.Element)
}

// isSegmentID reports whether id is a well-formed segment ID: two or three
// upper-case letters or digits, the first a letter.
func isSegmentID(id string) bool {
	if len(id) < 2 || len(id) > 3 || id[0] < 'A' || id[0] > 'Z' {
		return false
	}
	for i := 1; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// addSegment splits s[pos:end] into elements and appends the segment.
func (p *parser) addSegment(pos, end int) {
	s, el := p.s, p.seps.Element
	chunk := p.chunk
	base := len(chunk)
	for k := pos; ; {
		if len(chunk) == cap(chunk) {
			// Move the elements of this segment to a new chunk: a
			// segment's elements are contiguous.
			n := len(chunk) - base
			c := make([]string, n, max(chunkSize, 2*n+16))
			copy(c, chunk[base:])
			chunk, base = c, 0
		}
		j := strings.IndexByte(s[k:end], el)
		if j < 0 {
			chunk = append(chunk, s[k:end])
			break
		}
		chunk = append(chunk, s[k:k+j])
		k += j + 1
	}
	p.chunk = chunk
	elems := chunk[base:len(chunk):len(chunk)]
	p.segs = append(p.segs, Segment{ID: elems[0], Elements: elems, Index: len(p.segs) + 1, Offset: pos, end: end})
}

// elemOffset returns the byte offset of element i of sg.
func (p *parser) elemOffset(sg *Segment, el byte, i int) int {
	off := sg.Offset
	for k := 0; k < i; k++ {
		j := strings.IndexByte(p.s[off:sg.end], el)
		if j < 0 {
			return sg.end
		}
		off += j + 1
	}
	return off
}

// sameNumber compares two control numbers or counts: numerically when
// both are digits ("0049" is "49"), else as text.
func sameNumber(a, b string) bool {
	if isDigits(a) && isDigits(b) {
		return strings.TrimLeft(a, "0") == strings.TrimLeft(b, "0")
	}
	return a == b
}

func isDigits(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// envelope walks the segments of ic, builds its groups and sets, and checks
// control numbers and counts.
func (p *parser) envelope(ic *Interchange) {
	segs := ic.Segments
	var g *Group
	var st *Set
	stStart := 0
	gsControls := map[string]int{}
	icErr := func(sg *Segment, elem int, reason, code, format string, args ...any) {
		ic.Errors = append(ic.Errors, p.errAt(sg, elem, reason, code, format, args...))
	}
	// cut ends a set that has no SE before segment i.
	cut := func(i int) {
		st.Segments = segs[stStart:i]
		at := &segs[min(i, len(segs)-1)]
		e := p.errAt(at, 0, ReasonEnvelope, "2", "transaction set %s (ST at segment %d) has no SE trailer", st.Control, segs[stStart].Index)
		e.SegmentID = "SE"
		if i >= len(segs) {
			e.Segment, e.Offset = len(segs)+1, len(p.s)
		}
		st.Errors = append(st.Errors, e)
		st = nil
	}
	missingGE := func(i int) {
		at := &segs[min(i, len(segs)-1)]
		e := p.errAt(at, 0, ReasonEnvelope, "3", "functional group %s (GS at segment %d) has no GE trailer", g.Control, g.GS.Index)
		e.SegmentID = "GE"
		if i >= len(segs) {
			e.Segment, e.Offset = len(segs)+1, len(p.s)
		}
		g.Errors = append(g.Errors, e)
		g = nil
	}
	for i := 1; i < len(segs); i++ {
		sg := &segs[i]
		switch sg.ID {
		case "GS":
			if st != nil {
				cut(i)
			}
			if g != nil {
				missingGE(i)
			}
			g = &Group{GS: *sg, controls: map[string]int{}}
			g.FunctionalID, g.Sender, g.Receiver, g.Date = sg.Element(1), sg.Element(2), sg.Element(3), sg.Element(4)
			g.Time, g.Control, g.Agency, g.Version = sg.Element(5), sg.Element(6), sg.Element(7), sg.Element(8)
			g.Errors = p.checkElements(segments["GS"], sg, g.Errors)
			if first, dup := gsControls[g.Control]; dup && g.Control != "" {
				g.Errors = append(g.Errors, p.errAt(sg, 6, ReasonEnvelope, "19",
					"GS06 group control number %q is already used by the group at segment %d", g.Control, first))
			} else {
				gsControls[g.Control] = sg.Index
			}
			ic.Groups = append(ic.Groups, g)
		case "GE":
			if st != nil {
				cut(i)
			}
			if g == nil {
				icErr(sg, 0, ReasonEnvelope, "024", "GE without a GS")
				continue
			}
			ge := sg
			g.GE = ge
			g.Errors = p.checkElements(segments["GE"], sg, g.Errors)
			if n := ge.Element(1); isDigits(n) && !sameNumber(n, strconv.Itoa(len(g.Sets))) {
				g.Errors = append(g.Errors, p.errAt(sg, 1, ReasonEnvelope, "5", "GE01 says %s transaction sets, the group has %d", n, len(g.Sets)))
			}
			if c := ge.Element(2); isDigits(c) && g.GS.Index != 0 && !sameNumber(c, g.Control) {
				g.Errors = append(g.Errors, p.errAt(sg, 2, ReasonEnvelope, "4", "GE02 %q does not match GS06 %q", c, g.Control))
			}
			g = nil
		case "ST":
			if st != nil {
				cut(i)
			}
			st = &Set{ID: sg.Element(1), Control: sg.Element(2), ConventionRef: sg.Element(3)}
			stStart = i
			if g == nil {
				icErr(sg, 0, ReasonEnvelope, "024", "transaction set %s %s is not inside a functional group (no GS)", st.ID, st.Control)
				st.Errors = append(st.Errors, p.errAt(sg, 0, ReasonEnvelope, "", "the transaction set is not inside a functional group"))
				g = &Group{controls: map[string]int{}}
				ic.Groups = append(ic.Groups, g)
			}
			g.Sets = append(g.Sets, st)
			st.Errors = p.checkElements(segments["ST"], sg, st.Errors)
			if first, dup := g.controls[st.Control]; dup && st.Control != "" {
				st.Errors = append(st.Errors, p.errAt(sg, 2, ReasonEnvelope, "23",
					"ST02 control number %q is already used by the transaction set at segment %d", st.Control, first))
			} else {
				g.controls[st.Control] = sg.Index
			}
			if want, ok := functionalIDs[st.ID]; ok && g.GS.Index != 0 && g.FunctionalID != want {
				st.Errors = append(st.Errors, p.errAt(sg, 1, ReasonEnvelope, "6",
					"transaction set %s belongs in a %s functional group, this one is %q", st.ID, want, g.FunctionalID))
			}
		case "SE":
			if st == nil {
				icErr(sg, 0, ReasonEnvelope, "024", "SE without an ST")
				continue
			}
			st.Segments = segs[stStart : i+1]
			st.hasSE = true
			st.Errors = p.checkElements(segments["SE"], sg, st.Errors)
			if n := sg.Element(1); isDigits(n) && !sameNumber(n, strconv.Itoa(len(st.Segments))) {
				st.Errors = append(st.Errors, p.errAt(sg, 1, ReasonEnvelope, "4", "SE01 says %s segments, the transaction set has %d", n, len(st.Segments)))
			}
			if c := sg.Element(2); c != "" && c != st.Control {
				st.Errors = append(st.Errors, p.errAt(sg, 2, ReasonEnvelope, "3", "SE02 %q does not match ST02 %q", c, st.Control))
			}
			st = nil
		case "IEA":
			if st != nil {
				cut(i)
			}
			if g != nil && g.GS.Index != 0 {
				missingGE(i)
			}
			g = nil
			ic.IEA = sg
			ic.Errors = p.checkElements(segments["IEA"], sg, ic.Errors)
			groups := 0
			for _, gr := range ic.Groups {
				if gr.GS.Index != 0 {
					groups++
				}
			}
			if n := sg.Element(1); isDigits(n) && !sameNumber(n, strconv.Itoa(groups)) {
				icErr(sg, 1, ReasonEnvelope, "021", "IEA01 says %s functional groups, the interchange has %d", n, groups)
			}
			if c := sg.Element(2); isDigits(c) && !sameNumber(c, ic.Control) {
				icErr(sg, 2, ReasonEnvelope, "001", "IEA02 %q does not match ISA13 %q", c, ic.Control)
			}
		case "TA1":
			if st == nil && g == nil {
				// An interchange acknowledgment, between the ISA and the
				// groups: the partner's answer to one of ours.
				ic.InterchangeAcks = append(ic.InterchangeAcks, *sg)
				continue
			}
			fallthrough
		default:
			switch {
			case st != nil:
				if !isSegmentID(sg.ID) {
					st.Errors = append(st.Errors, p.errAt(sg, 0, ReasonSyntax, "1", "%q is not a segment ID", sg.ID))
				}
			default:
				icErr(sg, 0, ReasonEnvelope, "024", "segment %q is outside any transaction set", sg.ID)
			}
		}
	}
	if st != nil {
		cut(len(segs))
	}
	if g != nil && g.GS.Index != 0 {
		missingGE(len(segs))
	}
	if ic.IEA == nil {
		ic.Errors = append(ic.Errors, &Error{Reason: ReasonEnvelope, Segment: len(segs) + 1, SegmentID: "IEA", Offset: len(p.s), Code: "023",
			Msg: fmt.Sprintf("interchange %s has no IEA trailer", ic.Control)})
	}
}

// errAt builds an error about element elem (0: the whole segment) of sg.
func (p *parser) errAt(sg *Segment, elem int, reason, code, format string, args ...any) *Error {
	off := sg.Offset
	if elem > 0 {
		off = p.elemOffset(sg, p.seps.Element, elem)
	}
	return &Error{Reason: reason, Segment: sg.Index, SegmentID: sg.ID, Element: elem, Offset: off, Code: code, Msg: fmt.Sprintf(format, args...)}
}
