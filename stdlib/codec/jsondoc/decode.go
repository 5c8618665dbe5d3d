package jsondoc

import (
	"encoding/base64"
	"strconv"
	"sync"
	"time"

	"github.com/transload/transload/builtin"
)

// state is the per-call decoding state: the input and scratch stacks that
// nested containers share, pooled between calls.
type state struct {
	data []byte
	// src is a string copy of data when the decoder shares it: unescaped
	// strings and keys are then substrings of it, not allocations.
	src      string
	share    bool
	pos      int
	depth    int
	maxDepth int
	// pairs collects an object's entries before its map is made at its
	// exact size; elems does the same for arrays. Nested containers push
	// above their parent's entries and pop when done.
	pairs []pair
	elems []any
	bits  []uint64
	buf   []byte // unescaped string content
}

type pair struct {
	key string
	val any
	off int
}

var statePool = sync.Pool{New: func() any { return &state{} }}

// Decode decodes one JSON document. The result is a map[string]any for an
// object type, and the representation of the type's kind otherwise (see
// builtin.Kind); JSON null is nil. A failure is an *Error.
func (d *Decoder) Decode(data []byte) (any, error) {
	if d.opts.MaxBytes > 0 && len(data) > d.opts.MaxBytes {
		return nil, newError(ReasonLimitExceeded, d.opts.MaxBytes, "body of "+strconv.Itoa(len(data))+" bytes is larger than the limit of "+strconv.Itoa(d.opts.MaxBytes)).finish(data)
	}
	s := statePool.Get().(*state)
	s.data, s.pos, s.depth, s.maxDepth = data, 0, 0, d.opts.MaxDepth
	s.share = d.share
	if d.share {
		s.src = string(data)
	}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		s.pos = 3 // a UTF-8 byte order mark
	}
	v, err := s.document(d.root)
	if err != nil {
		e := err.(*Error)
		if e.Reason != ReasonInvalidJSON {
			// A body that is not JSON at all is reported as such, even
			// when a schema error came first.
			s.pos, s.depth = 0, 0
			if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
				s.pos = 3
			}
			if serr := s.validateOnly(); serr != nil && serr.(*Error).Reason == ReasonInvalidJSON {
				e = serr.(*Error)
			}
		}
		v, err = nil, e.finish(data)
		// Error paths pop without clearing: drop what they left behind.
		clear(s.pairs[:cap(s.pairs)])
		clear(s.elems[:cap(s.elems)])
	}
	s.release()
	return v, err
}

// release returns s to the pool. Successful decodes have cleared every
// pair and element they pushed, so the pooled stacks hold no values.
func (s *state) release() {
	s.pairs, s.elems, s.bits = s.pairs[:0], s.elems[:0], s.bits[:0]
	s.data, s.src = nil, ""
	if cap(s.buf) > 64<<10 {
		s.buf = nil
	}
	if cap(s.pairs) > 4096 {
		s.pairs = nil
	}
	if cap(s.elems) > 4096 {
		s.elems = nil
	}
	statePool.Put(s)
}

func (s *state) document(root *plan) (any, error) {
	if s.skipWS() == 0 && s.pos >= len(s.data) {
		return nil, newError(ReasonInvalidJSON, s.pos, "empty body: want a JSON value")
	}
	v, err := s.decode(root)
	if err != nil {
		return nil, err
	}
	if s.skipWS() != 0 || s.pos < len(s.data) {
		return nil, s.syntaxAt(s.pos, "after the top-level value")
	}
	return v, nil
}

func (s *state) validateOnly() error {
	if err := s.skip(); err != nil {
		return err
	}
	if s.skipWS() != 0 || s.pos < len(s.data) {
		return s.syntaxAt(s.pos, "after the top-level value")
	}
	return nil
}

// found names the JSON type of the value starting with c.
func found(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// mismatch reports that the value at s.pos is not what p wants. If the
// value is not even valid JSON, that is the error instead.
func (s *state) mismatch(p *plan) error {
	off := s.pos
	c := s.data[off]
	if err := s.skip(); err != nil {
		return err
	}
	return newError(ReasonSchemaMismatch, off, "want "+opWant[p.op]+", found "+found(c))
}

// decode decodes the value at s.pos (after whitespace) by plan p.
func (s *state) decode(p *plan) (any, error) {
	c := s.skipWS()
	if c == 0 && s.pos >= len(s.data) {
		return nil, newError(ReasonInvalidJSON, s.pos, "unexpected end of input: want a value")
	}
	if c == 'n' {
		return nil, s.literal()
	}
	switch p.op {
	case opAny:
		return s.any()
	case opString:
		if c != '"' {
			return nil, s.mismatch(p)
		}
		return s.str()
	case opInt:
		return s.integer(p)
	case opDecimal:
		return s.decimal(p)
	case opDouble:
		if c != '-' && (c < '0' || c > '9') {
			return nil, s.mismatch(p)
		}
		n, err := s.scanNumber()
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(string(s.data[n.start:n.end]), 64)
		if err != nil {
			return nil, newError(ReasonSchemaMismatch, n.start, "number "+string(s.data[n.start:n.end])+" is out of the range of a double")
		}
		return f, nil
	case opBool:
		if c != 't' && c != 'f' {
			return nil, s.mismatch(p)
		}
		return c == 't', s.literal()
	case opNull:
		return nil, s.mismatch(p)
	case opMoney:
		return s.money(p)
	case opQuantity:
		return s.quantity(p)
	case opTime:
		off := s.pos
		if c != '"' {
			if err := s.skip(); err != nil {
				return nil, err
			}
			return nil, newError(builtin.ReasonInvalidDate, off, "want an RFC 3339 timestamp string, found "+found(c))
		}
		str, err := s.str()
		if err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339, str)
		if err != nil {
			return nil, newError(builtin.ReasonInvalidDate, off, "invalid RFC 3339 timestamp "+strconv.Quote(str))
		}
		return t, nil
	case opDuration:
		off := s.pos
		if c != '"' {
			return nil, s.mismatch(p)
		}
		str, err := s.str()
		if err != nil {
			return nil, err
		}
		dur, err := time.ParseDuration(str)
		if err != nil {
			return nil, newError(ReasonSchemaMismatch, off, "invalid duration "+strconv.Quote(str))
		}
		return dur, nil
	case opBytes:
		off := s.pos
		if c != '"' {
			return nil, s.mismatch(p)
		}
		start, end, esc, err := s.scanString()
		if err != nil {
			return nil, err
		}
		raw := s.data[start:end]
		if esc {
			s.buf = appendUnescaped(s.buf[:0], raw)
			raw = s.buf
		}
		b, err := base64.StdEncoding.AppendDecode(nil, raw)
		if err != nil {
			return nil, newError(ReasonSchemaMismatch, off, "invalid base64 string")
		}
		return b, nil
	case opList:
		if c != '[' {
			return nil, s.mismatch(p)
		}
		return s.array(p.elem, true)
	case opMap:
		if c != '{' {
			return nil, s.mismatch(p)
		}
		if p.obj != nil {
			return s.object(p)
		}
		return s.mapAll(p.elem, true)
	case opObject:
		if c != '{' {
			return nil, s.mismatch(p)
		}
		return s.object(p)
	case opAnyProj:
		switch c {
		case '{':
			return s.object(p)
		case '[':
			return s.array(p.elem, true)
		}
		return s.any()
	}
	panic("jsondoc: unknown op")
}

// validate walks the value at s.pos by the check plan p, checking the
// required fields inside it and materialising nothing.
func (s *state) validate(p *plan) error {
	c := s.skipWS()
	if c == 'n' {
		return s.literal()
	}
	switch p.op {
	case opObject:
		if c != '{' {
			break
		}
		_, err := s.object(p)
		return err
	case opList:
		if c != '[' {
			break
		}
		_, err := s.array(p.elem, false)
		return err
	case opMap:
		if c != '{' {
			break
		}
		_, err := s.mapAll(p.elem, false)
		return err
	default:
		return s.skip()
	}
	if c == 0 && s.pos >= len(s.data) {
		return newError(ReasonInvalidJSON, s.pos, "unexpected end of input: want a value")
	}
	return s.mismatch(p)
}

// str reads a string value: one allocation.
func (s *state) str() (string, error) {
	start, end, esc, err := s.scanString()
	if err != nil {
		return "", err
	}
	if !esc {
		if s.share {
			return s.src[start:end], nil
		}
		return string(s.data[start:end]), nil
	}
	s.buf = appendUnescaped(s.buf[:0], s.data[start:end])
	return string(s.buf), nil
}

// object walks an object by the object plan of p: the keys the plan knows
// are decoded (kept fields), validated (check plans) or just noted
// (required fields nothing reads); the others are skipped, or kept with
// inferred values when the plan keeps the rest.
func (s *state) object(p *plan) (any, error) {
	o := p.obj
	objStart := s.pos
	s.depth++
	if s.depth > s.maxDepth {
		return nil, s.tooDeep()
	}
	s.pos++
	base := len(s.pairs)
	mat := !p.check
	// seen marks the fields met (duplicates); set those met with a value
	// other than null (required). Up to 64 fields in registers, beyond in
	// s.bits.
	nf := len(o.fields)
	var seenLo, setLo uint64
	var seenHi, setHi []uint64
	if nf > 64 {
		w := (nf - 64 + 63) / 64
		bb := len(s.bits)
		for range 2 * w {
			s.bits = append(s.bits, 0)
		}
		seenHi, setHi = s.bits[bb:bb+w], s.bits[bb+w:bb+2*w]
		defer func() { s.bits = s.bits[:bb] }()
	}
	c := s.skipWS()
	if c != '}' {
		for {
			if c != '"' {
				return nil, s.syntaxAt(s.pos, "looking for the beginning of an object key")
			}
			keyOff := s.pos
			ks, ke, esc, err := s.scanString()
			if err != nil {
				return nil, err
			}
			key := s.data[ks:ke]
			if esc {
				s.buf = appendUnescaped(s.buf[:0], key)
				key = s.buf
			}
			if s.skipWS() != ':' {
				return nil, s.syntaxAt(s.pos, "after object key: want ':'")
			}
			s.pos++
			vc := s.skipWS()
			if i := o.lookup(key); i >= 0 {
				f := &o.fields[i]
				var dup bool
				if i < 64 {
					dup = seenLo&(1<<i) != 0
					seenLo |= 1 << i
				} else {
					w, b := (i-64)/64, uint(i-64)%64
					dup = seenHi[w]&(1<<b) != 0
					seenHi[w] |= 1 << b
				}
				if dup {
					s.pairs = s.pairs[:base]
					return nil, newError(ReasonInvalidJSON, keyOff, "duplicate key "+strconv.Quote(f.name)).key(f.name)
				}
				switch {
				case vc == 'n':
					if err := s.literal(); err != nil {
						return nil, err
					}
					if f.keep {
						s.pairs = append(s.pairs, pair{key: f.name, off: keyOff})
					}
					goto next
				case f.keep:
					v, err := s.decode(f.plan)
					if err != nil {
						s.pairs = s.pairs[:base]
						return nil, err.(*Error).key(f.name)
					}
					s.pairs = append(s.pairs, pair{key: f.name, val: v, off: keyOff})
				case f.plan != nil:
					if err := s.validate(f.plan); err != nil {
						s.pairs = s.pairs[:base]
						return nil, err.(*Error).key(f.name)
					}
				default:
					if err := s.skip(); err != nil {
						return nil, err
					}
				}
				if i < 64 {
					setLo |= 1 << i
				} else {
					setHi[(i-64)/64] |= 1 << (uint(i-64) % 64)
				}
			} else if o.keepRest {
				k := s.keyString(ks, ke, esc)
				v, err := s.any()
				if err != nil {
					s.pairs = s.pairs[:base]
					return nil, err.(*Error).key(k)
				}
				s.pairs = append(s.pairs, pair{key: k, val: v, off: keyOff})
			} else if err := s.skip(); err != nil {
				s.pairs = s.pairs[:base]
				return nil, err
			}
		next:
			switch s.skipWS() {
			case ',':
				s.pos++
				c = s.skipWS()
				continue
			case '}':
			default:
				s.pairs = s.pairs[:base]
				return nil, s.syntaxAt(s.pos, "after object value: want ',' or '}'")
			}
			break
		}
	}
	s.pos++
	s.depth--
	if o.nreq > 0 {
		for i := range o.fields {
			f := &o.fields[i]
			if !f.required {
				continue
			}
			var met, set bool
			if i < 64 {
				met, set = seenLo&(1<<i) != 0, setLo&(1<<i) != 0
			} else {
				w, b := (i-64)/64, uint(i-64)%64
				met, set = seenHi[w]&(1<<b) != 0, setHi[w]&(1<<b) != 0
			}
			if !set {
				s.pairs = s.pairs[:base]
				msg := "required field " + strconv.Quote(f.name) + " is missing"
				if met {
					msg = "required field " + strconv.Quote(f.name) + " is null"
				}
				return nil, newError(ReasonSchemaMismatch, objStart, msg).key(f.name)
			}
		}
	}
	if !mat {
		return nil, nil
	}
	return s.makeMap(base)
}

// keyString returns the key scanned at data[ks:ke].
func (s *state) keyString(ks, ke int, esc bool) string {
	if !esc {
		if s.share {
			return s.src[ks:ke]
		}
		return string(s.data[ks:ke])
	}
	s.buf = appendUnescaped(s.buf[:0], s.data[ks:ke])
	return string(s.buf)
}

// makeMap builds the map of the pairs above base and pops them. Keys met
// twice are an error (fields the plan knows were caught earlier; this
// catches the rest).
func (s *state) makeMap(base int) (any, error) {
	ps := s.pairs[base:]
	m := make(map[string]any, len(ps))
	for i := range ps {
		n := len(m)
		m[ps[i].key] = ps[i].val
		if len(m) == n {
			p := ps[i]
			clear(ps)
			s.pairs = s.pairs[:base]
			return nil, newError(ReasonInvalidJSON, p.off, "duplicate key "+strconv.Quote(p.key)).key(p.key)
		}
	}
	clear(ps)
	s.pairs = s.pairs[:base]
	return m, nil
}

// mapAll decodes an object whose every value is of elem (maps, and
// inferred objects when elem is nil).
func (s *state) mapAll(elem *plan, mat bool) (any, error) {
	s.depth++
	if s.depth > s.maxDepth {
		return nil, s.tooDeep()
	}
	s.pos++
	base := len(s.pairs)
	c := s.skipWS()
	if c != '}' {
		for {
			if c != '"' {
				s.pairs = s.pairs[:base]
				return nil, s.syntaxAt(s.pos, "looking for the beginning of an object key")
			}
			keyOff := s.pos
			ks, ke, esc, err := s.scanString()
			if err != nil {
				s.pairs = s.pairs[:base]
				return nil, err
			}
			if s.skipWS() != ':' {
				s.pairs = s.pairs[:base]
				return nil, s.syntaxAt(s.pos, "after object key: want ':'")
			}
			s.pos++
			var k string
			if mat {
				k = s.keyString(ks, ke, esc)
			}
			var v any
			switch {
			case elem == nil:
				v, err = s.any()
			case mat:
				v, err = s.decode(elem)
			default:
				err = s.validate(elem)
			}
			if err != nil {
				s.pairs = s.pairs[:base]
				return nil, err.(*Error).key(s.keyString(ks, ke, esc))
			}
			if mat {
				s.pairs = append(s.pairs, pair{key: k, val: v, off: keyOff})
			}
			switch s.skipWS() {
			case ',':
				s.pos++
				c = s.skipWS()
				continue
			case '}':
			default:
				s.pairs = s.pairs[:base]
				return nil, s.syntaxAt(s.pos, "after object value: want ',' or '}'")
			}
			break
		}
	}
	s.pos++
	s.depth--
	if !mat {
		return nil, nil
	}
	return s.makeMap(base)
}

// array decodes (mat) or validates an array of elem values (inferred when
// elem is nil).
func (s *state) array(elem *plan, mat bool) (any, error) {
	s.depth++
	if s.depth > s.maxDepth {
		return nil, s.tooDeep()
	}
	s.pos++
	base := len(s.elems)
	if s.skipWS() == ']' {
		s.pos++
		s.depth--
		if !mat {
			return nil, nil
		}
		return []any{}, nil
	}
	for i := 0; ; i++ {
		var v any
		var err error
		switch {
		case elem == nil:
			v, err = s.any()
		case mat:
			v, err = s.decode(elem)
		default:
			err = s.validate(elem)
		}
		if err != nil {
			clear(s.elems[base:])
			s.elems = s.elems[:base]
			return nil, err.(*Error).index(i)
		}
		if mat {
			s.elems = append(s.elems, v)
		}
		switch s.skipWS() {
		case ',':
			s.pos++
			continue
		case ']':
		default:
			clear(s.elems[base:])
			s.elems = s.elems[:base]
			return nil, s.syntaxAt(s.pos, "after array element: want ',' or ']'")
		}
		break
	}
	s.pos++
	s.depth--
	if !mat {
		return nil, nil
	}
	out := make([]any, len(s.elems)-base)
	copy(out, s.elems[base:])
	clear(s.elems[base:])
	s.elems = s.elems[:base]
	return out, nil
}

// any decodes a value with an inferred representation: strings, int64
// for integers that fit, builtin.Decimal for other numbers, bool, nil,
// map[string]any and []any.
func (s *state) any() (any, error) {
	switch c := s.skipWS(); c {
	case '"':
		return s.str()
	case '{':
		return s.mapAll(nil, true)
	case '[':
		return s.array(nil, true)
	case 't':
		return true, s.literal()
	case 'f':
		return false, s.literal()
	case 'n':
		return nil, s.literal()
	case 0:
		if s.pos >= len(s.data) {
			return nil, newError(ReasonInvalidJSON, s.pos, "unexpected end of input: want a value")
		}
	}
	if c := s.data[s.pos]; c != '-' && (c < '0' || c > '9') {
		return nil, s.syntaxAt(s.pos, "looking for the beginning of a value")
	}
	n, err := s.scanNumber()
	if err != nil {
		return nil, err
	}
	b := s.data[n.start:n.end]
	if n.isInt {
		if i, ok := parseInt(b); ok {
			return i, nil
		}
	}
	d, err := parseDecimal(b, true)
	if err != nil {
		return nil, newError(ReasonSchemaMismatch, n.start, err.Error())
	}
	return d, nil
}

// integer decodes an integer literal exactly into an int64.
func (s *state) integer(p *plan) (any, error) {
	c := s.data[s.pos]
	if c != '-' && (c < '0' || c > '9') {
		return nil, s.mismatch(p)
	}
	n, err := s.scanNumber()
	if err != nil {
		return nil, err
	}
	b := s.data[n.start:n.end]
	if !n.isInt {
		return nil, newError(ReasonSchemaMismatch, n.start, "want integer, found number "+string(b)+" with a fraction or exponent")
	}
	i, ok := parseInt(b)
	if !ok {
		return nil, newError(ReasonSchemaMismatch, n.start, "integer "+string(b)+" is out of the 64-bit range")
	}
	return i, nil
}

// decimal decodes a JSON number, or a string holding a plain decimal
// ("199.00"), exactly.
func (s *state) decimal(p *plan) (any, error) {
	c := s.data[s.pos]
	off := s.pos
	switch {
	case c == '"':
		start, end, esc, err := s.scanString()
		if err != nil {
			return nil, err
		}
		raw := s.data[start:end]
		if esc {
			s.buf = appendUnescaped(s.buf[:0], raw)
			raw = s.buf
		}
		d, err := parseDecimal(raw, false)
		if err != nil {
			return nil, newError(ReasonSchemaMismatch, off, err.Error())
		}
		return d, nil
	case c == '-' || (c >= '0' && c <= '9'):
		n, err := s.scanNumber()
		if err != nil {
			return nil, err
		}
		d, err := parseDecimal(s.data[n.start:n.end], true)
		if err != nil {
			return nil, newError(ReasonSchemaMismatch, off, err.Error())
		}
		return d, nil
	}
	return nil, s.mismatch(p)
}

// amountField reads the decimal amount of a money or quantity object: a
// JSON number or a string with a plain decimal.
func (s *state) amountField(reason, what string) (builtin.Decimal, error) {
	c := s.skipWS()
	off := s.pos
	switch {
	case c == '"':
		start, end, esc, err := s.scanString()
		if err != nil {
			return builtin.Decimal{}, err
		}
		raw := s.data[start:end]
		if esc {
			s.buf = appendUnescaped(s.buf[:0], raw)
			raw = s.buf
		}
		d, err := parseDecimal(raw, false)
		if err != nil {
			return builtin.Decimal{}, newError(reason, off, "invalid "+what+": "+err.Error())
		}
		return d, nil
	case c == '-' || (c >= '0' && c <= '9'):
		n, err := s.scanNumber()
		if err != nil {
			return builtin.Decimal{}, err
		}
		d, err := parseDecimal(s.data[n.start:n.end], true)
		if err != nil {
			return builtin.Decimal{}, newError(reason, off, "invalid "+what+": "+err.Error())
		}
		return d, nil
	}
	if err := s.skip(); err != nil {
		return builtin.Decimal{}, err
	}
	return builtin.Decimal{}, newError(reason, off, "want "+what+" as a decimal string or number, found "+found(c))
}

// pairObject walks a two-field object ({"amount","currency"},
// {"value","uom"}): it calls num for the amount key and reads the text key
// as a string, skipping other keys. It reports which were present.
func (s *state) pairObject(numKey, textKey string, num func() error, text func(raw []byte, off int) error) (hasNum, hasText bool, err error) {
	var seenNum, seenText bool
	s.depth++
	if s.depth > s.maxDepth {
		return false, false, s.tooDeep()
	}
	s.pos++
	c := s.skipWS()
	for c != '}' {
		if c != '"' {
			return false, false, s.syntaxAt(s.pos, "looking for the beginning of an object key")
		}
		keyOff := s.pos
		ks, ke, esc, err := s.scanString()
		if err != nil {
			return false, false, err
		}
		key := s.data[ks:ke]
		if esc {
			s.buf = appendUnescaped(s.buf[:0], key)
			key = s.buf
		}
		if s.skipWS() != ':' {
			return false, false, s.syntaxAt(s.pos, "after object key: want ':'")
		}
		s.pos++
		vc := s.skipWS()
		switch {
		case string(key) == numKey || string(key) == textKey:
			isNum := string(key) == numKey
			if (isNum && seenNum) || (!isNum && seenText) {
				name := textKey
				if isNum {
					name = numKey
				}
				return false, false, newError(ReasonInvalidJSON, keyOff, "duplicate key "+strconv.Quote(name)).key(name)
			}
			if isNum {
				seenNum = true
			} else {
				seenText = true
			}
			if vc == 'n' {
				// null is absence: reported as missing below.
				if err := s.literal(); err != nil {
					return false, false, err
				}
				break
			}
			if isNum {
				hasNum = true
				if err := num(); err != nil {
					return false, false, err
				}
				break
			}
			hasText = true
			off := s.pos
			if vc != '"' {
				if err := s.skip(); err != nil {
					return false, false, err
				}
				return false, false, newError(ReasonSchemaMismatch, off, "want "+textKey+" as a string, found "+found(vc)).key(textKey)
			}
			start, end, esc, err := s.scanString()
			if err != nil {
				return false, false, err
			}
			raw := s.data[start:end]
			if esc {
				s.buf = appendUnescaped(s.buf[:0], raw)
				raw = s.buf
			}
			if err := text(raw, off); err != nil {
				return false, false, err
			}
		default:
			if err := s.skip(); err != nil {
				return false, false, err
			}
		}
		switch s.skipWS() {
		case ',':
			s.pos++
			c = s.skipWS()
			if c == '}' {
				return false, false, s.syntaxAt(s.pos, "looking for the beginning of an object key")
			}
		case '}':
			c = '}'
		default:
			return false, false, s.syntaxAt(s.pos, "after object value: want ',' or '}'")
		}
	}
	s.pos++
	s.depth--
	return hasNum, hasText, nil
}

// money decodes {"amount": "12.30" or 12.30, "currency": "USD"}.
func (s *state) money(p *plan) (any, error) {
	off := s.pos
	if s.data[off] != '{' {
		return nil, s.mismatch(p)
	}
	var amount builtin.Decimal
	var currency string
	var curOff int
	hasAmt, hasCur, err := s.pairObject("amount", "currency",
		func() (err error) {
			amount, err = s.amountField(builtin.ReasonInvalidMoney, "amount")
			if err != nil {
				return err.(*Error).key("amount")
			}
			return nil
		},
		func(raw []byte, o int) error {
			curOff = o
			if code, ok := currencyCodes()[string(raw)]; ok {
				currency = code
			} else {
				currency = string(raw)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	switch {
	case !hasAmt:
		return nil, newError(builtin.ReasonInvalidMoney, off, "money has no amount")
	case !hasCur:
		return nil, newError(builtin.ReasonInvalidMoney, off, "money has no currency")
	}
	m, err := builtin.NewMoney(amount, currency)
	if err != nil {
		reason := builtin.ReasonOf(err)
		at := off
		if reason == builtin.ReasonUnknownCurrency {
			return nil, newError(reason, curOff, err.Error()).key("currency")
		}
		return nil, newError(reason, at, err.Error())
	}
	return m, nil
}

// quantity decodes {"value": "12" or 12, "uom": "EA"}. The unit code is
// not checked against a table here: unit tables are reference data that
// mappings look up.
func (s *state) quantity(p *plan) (any, error) {
	off := s.pos
	if s.data[off] != '{' {
		return nil, s.mismatch(p)
	}
	var q builtin.Quantity
	hasVal, hasUOM, err := s.pairObject("value", "uom",
		func() (err error) {
			q.Value, err = s.amountField(builtin.ReasonInvalidQuantity, "value")
			if err != nil {
				return err.(*Error).key("value")
			}
			return nil
		},
		func(raw []byte, o int) error {
			if len(raw) == 0 {
				return newError(builtin.ReasonInvalidQuantity, o, "empty unit of measure").key("uom")
			}
			q.UOM = string(raw)
			return nil
		})
	if err != nil {
		return nil, err
	}
	switch {
	case !hasVal:
		return nil, newError(builtin.ReasonInvalidQuantity, off, "quantity has no value")
	case !hasUOM:
		return nil, newError(builtin.ReasonInvalidQuantity, off, "quantity has no unit of measure (uom)")
	}
	return q, nil
}

// currencyCodes maps ISO 4217 codes to themselves, so that a currency read
// from a payload shares the table's string instead of allocating one.
var currencyCodes = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, c := range builtin.Currencies() {
		m[c.Code] = c.Code
	}
	return m
})
