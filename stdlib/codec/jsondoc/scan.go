package jsondoc

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanner: whitespace, strings, numbers, literals, and skipping whole
// values. Skipping validates everything (grammar, UTF-8, escapes, depth)
// and allocates nothing.

var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// strPlain marks the bytes a string can hold without a closer look: not
// '"', not '\\', no control character, ASCII.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipWS advances past whitespace and returns the next byte, or 0 at the
// end of the data.
func (s *state) skipWS() byte {
	d, i := s.data, s.pos
	for i < len(d) {
		c := d[i]
		if !isSpace[c] {
			s.pos = i
			return c
		}
		i++
	}
	s.pos = i
	return 0
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// special returns a mask with the high bit set in each byte of w that is
// '"', '\\', a control character or non-ASCII.
func special(w uint64) uint64 {
	quote := w ^ (lo8 * '"')
	bslash := w ^ (lo8 * '\\')
	return ((quote - lo8) &^ quote) | ((bslash - lo8) &^ bslash) | (w - lo8*0x20) | w
}

// scanString scans the string starting at s.pos (a '"') and leaves s.pos
// after its closing quote. It returns the bounds of the raw content and
// whether it has escapes. Control characters, bad escapes and invalid
// UTF-8 are errors.
func (s *state) scanString() (start, end int, esc bool, err error) {
	d := s.data
	i := s.pos + 1
	start = i
	for {
		// Eight bytes at a time while they are plain.
		for i+8 <= len(d) {
			w := binary.LittleEndian.Uint64(d[i:])
			if m := special(w) & hi8; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		for i < len(d) && strPlain[d[i]] {
			i++
		}
		if i >= len(d) {
			return 0, 0, false, newError(ReasonInvalidJSON, s.pos, "unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return start, i, esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(d) {
				return 0, 0, false, newError(ReasonInvalidJSON, s.pos, "unterminated string")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || hex4(d[i+2:i+6]) < 0 {
					return 0, 0, false, newError(ReasonInvalidJSON, i, `invalid \u escape: want four hex digits`)
				}
				i += 6
			default:
				return 0, 0, false, newError(ReasonInvalidJSON, i, "invalid escape "+strconv.Quote(string(d[i:i+2])))
			}
		case c < 0x20:
			return 0, 0, false, newError(ReasonInvalidJSON, i, "control character "+strconv.QuoteRune(rune(c))+" in string: escape it")
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size <= 1 {
				return 0, 0, false, newError(ReasonInvalidJSON, i, "invalid UTF-8 in string")
			}
			i += size
		}
	}
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// appendUnescaped appends the decoded content of a scanned string (escapes
// already validated) to dst. An escaped lone surrogate becomes U+FFFD, as
// encoding/json does.
func appendUnescaped(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c != '\\' {
			j := i + 1
			for j < len(src) && src[j] != '\\' {
				j++
			}
			dst = append(dst, src[i:j]...)
			i = j
			continue
		}
		switch e := src[i+1]; e {
		case 'u':
			r := hex4(src[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 <= len(src) && src[i] == '\\' && src[i+1] == 'u' {
					r2 = hex4(src[i+2:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					dst = utf8.AppendRune(dst, dec)
					i += 6
					continue
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		default: // '"', '\\', '/'
			dst = append(dst, e)
		}
		i += 2
	}
	return dst
}

// number is a scanned JSON number.
type number struct {
	start, end int
	isInt      bool // no fraction, no exponent
}

// scanNumber scans the number at s.pos, leaving s.pos after it.
func (s *state) scanNumber() (number, error) {
	d := s.data
	i := s.pos
	n := number{start: i, isInt: true}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i++
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return n, s.syntaxAt(i, "in number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		n.isInt = false
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return n, s.syntaxAt(i, "after decimal point in number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		n.isInt = false
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return n, s.syntaxAt(i, "in exponent of number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	n.end = i
	return n, nil
}

// literal consumes "true", "false" or "null" at s.pos.
func (s *state) literal() error {
	d := s.data[s.pos:]
	var lit string
	switch d[0] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	default:
		lit = "null"
	}
	if len(d) < len(lit) || string(d[:len(lit)]) != lit {
		for i := 1; i < len(lit); i++ {
			if i >= len(d) {
				return newError(ReasonInvalidJSON, s.pos+i, "unexpected end of input in literal "+lit)
			}
			if d[i] != lit[i] {
				return s.syntaxAt(s.pos+i, "in literal "+lit)
			}
		}
	}
	s.pos += len(lit)
	return nil
}

// syntaxAt reports the byte at i as unexpected.
func (s *state) syntaxAt(i int, context string) *Error {
	if i >= len(s.data) {
		return newError(ReasonInvalidJSON, i, "unexpected end of input")
	}
	c := s.data[i]
	var what string
	switch {
	case c >= 0x20 && c < 0x7f:
		what = strconv.QuoteRune(rune(c))
	case c < 0x80:
		what = "byte " + strconv.Quote(string(c))
	default:
		r, _ := utf8.DecodeRune(s.data[i:])
		if r == utf8.RuneError {
			what = "invalid UTF-8"
		} else {
			what = strconv.QuoteRune(r)
		}
	}
	return newError(ReasonInvalidJSON, i, "invalid character "+what+" "+context)
}

func (s *state) tooDeep() *Error {
	return newError(ReasonLimitExceeded, s.pos, "nested deeper than "+strconv.Itoa(s.maxDepth)+" levels")
}

// skip validates and skips the value at s.pos (after whitespace).
func (s *state) skip() error {
	if s.skipFast() {
		return nil
	}
	return s.skipSlow()
}

// skipSlow is skip one call per value, with precise errors.
func (s *state) skipSlow() error {
	switch c := s.skipWS(); c {
	case '"':
		_, _, _, err := s.scanString()
		return err
	case '{':
		return s.skipObject()
	case '[':
		return s.skipArray()
	case 't', 'f', 'n':
		return s.literal()
	case 0:
		if s.pos >= len(s.data) {
			return newError(ReasonInvalidJSON, s.pos, "unexpected end of input: want a value")
		}
	}
	if c := s.data[s.pos]; c == '-' || (c >= '0' && c <= '9') {
		_, err := s.scanNumber()
		return err
	}
	return s.syntaxAt(s.pos, "looking for the beginning of a value")
}

func (s *state) skipObject() error {
	s.depth++
	if s.depth > s.maxDepth {
		return s.tooDeep()
	}
	s.pos++
	c := s.skipWS()
	if c == '}' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		if c != '"' {
			return s.syntaxAt(s.pos, "looking for the beginning of an object key")
		}
		if _, _, _, err := s.scanString(); err != nil {
			return err
		}
		if s.skipWS() != ':' {
			return s.syntaxAt(s.pos, "after object key: want ':'")
		}
		s.pos++
		if err := s.skipSlow(); err != nil {
			return err
		}
		switch s.skipWS() {
		case ',':
			s.pos++
			c = s.skipWS()
		case '}':
			s.pos++
			s.depth--
			return nil
		default:
			return s.syntaxAt(s.pos, "after object value: want ',' or '}'")
		}
	}
}

func (s *state) skipArray() error {
	s.depth++
	if s.depth > s.maxDepth {
		return s.tooDeep()
	}
	s.pos++
	if s.skipWS() == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		if err := s.skipSlow(); err != nil {
			return err
		}
		switch s.skipWS() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.depth--
			return nil
		default:
			return s.syntaxAt(s.pos, "after array element: want ',' or ']'")
		}
	}
}
