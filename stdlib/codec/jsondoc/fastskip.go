package jsondoc

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// skipFast skips the value at s.pos as skip does, but in one loop over
// local variables, with the nesting kept in a bit stack: most of a body is
// skipped, so this is where the time goes. It reports only whether the
// value is valid; on any problem (or nesting beyond its 64-level stack) it
// returns false with s.pos unchanged, and skip then finds and describes the
// problem.
func (s *state) skipFast() bool {
	d := s.data
	n := len(d)
	i := s.pos
	depth := 0
	// room is how deep this value may nest before the limit.
	room := min(s.maxDepth-s.depth, 64)
	var stack uint64 // bit k set: level k+1 is an object
	var c byte

value:
	for i < n && isSpace[d[i]] {
		i++
	}
	if i >= n {
		return false
	}
	c = d[i]
	switch {
	case c == '"':
		if i = skipString(d, i); i < 0 {
			return false
		}
	case c == '{':
		if depth >= room {
			return false
		}
		stack |= 1 << depth
		depth++
		i++
		for i < n && isSpace[d[i]] {
			i++
		}
		if i < n && d[i] == '}' {
			i++
			depth--
			goto after
		}
		goto key
	case c == '[':
		if depth >= room {
			return false
		}
		stack &^= 1 << depth
		depth++
		i++
		for i < n && isSpace[d[i]] {
			i++
		}
		if i < n && d[i] == ']' {
			i++
			depth--
			goto after
		}
		goto value
	case c == '-' || (c >= '0' && c <= '9'):
		if i = skipNumber(d, i); i < 0 {
			return false
		}
	case c == 't':
		if i+4 > n || string(d[i:i+4]) != "true" {
			return false
		}
		i += 4
	case c == 'f':
		if i+5 > n || string(d[i:i+5]) != "false" {
			return false
		}
		i += 5
	case c == 'n':
		if i+4 > n || string(d[i:i+4]) != "null" {
			return false
		}
		i += 4
	default:
		return false
	}

after:
	if depth == 0 {
		s.pos = i
		return true
	}
	for i < n && isSpace[d[i]] {
		i++
	}
	if i >= n {
		return false
	}
	c = d[i]
	if stack&(1<<(depth-1)) != 0 {
		switch c {
		case ',':
			i++
			goto key
		case '}':
			i++
			depth--
			goto after
		}
		return false
	}
	switch c {
	case ',':
		i++
		goto value
	case ']':
		i++
		depth--
		goto after
	}
	return false

key:
	for i < n && isSpace[d[i]] {
		i++
	}
	if i >= n || d[i] != '"' {
		return false
	}
	if i = skipString(d, i); i < 0 {
		return false
	}
	for i < n && isSpace[d[i]] {
		i++
	}
	if i >= n || d[i] != ':' {
		return false
	}
	i++
	goto value
}

// skipString returns the index after the string starting at d[i] (a '"'),
// or -1 if it is not a valid string.
func skipString(d []byte, i int) int {
	n := len(d)
	i++
	for {
		for i+8 <= n {
			w := binary.LittleEndian.Uint64(d[i:])
			if m := special(w) & hi8; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto slow
			}
			i += 8
		}
		for i < n && strPlain[d[i]] {
			i++
		}
	slow:
		if i >= n {
			return -1
		}
		switch c := d[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= n {
				return -1
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > n || hex4(d[i+2:i+6]) < 0 {
					return -1
				}
				i += 6
			default:
				return -1
			}
		case c < 0x20:
			return -1
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size <= 1 {
				return -1
			}
			i += size
		}
	}
}

// skipNumber returns the index after the number starting at d[i], or -1.
func skipNumber(d []byte, i int) int {
	n := len(d)
	if d[i] == '-' {
		i++
		if i >= n {
			return -1
		}
	}
	switch c := d[i]; {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		i++
		for i < n && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return -1
	}
	if i < n && d[i] == '.' {
		i++
		if i >= n || d[i] < '0' || d[i] > '9' {
			return -1
		}
		for i < n && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < n && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < n && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= n || d[i] < '0' || d[i] > '9' {
			return -1
		}
		for i < n && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	return i
}
