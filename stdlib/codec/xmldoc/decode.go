package xmldoc

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/transload/transload/builtin"
)

// Defaults of Options.
const (
	DefaultMaxBytes = 16 << 20
	DefaultMaxDepth = 100
)

// xsiNS is the XML Schema instance namespace (xsi:nil, xsi:type,
// xsi:schemaLocation).
const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// Options bound what a Decoder accepts.
type Options struct {
	// MaxBytes rejects longer bodies before decoding (LIMIT_EXCEEDED);
	// 0 means DefaultMaxBytes, a negative value no limit.
	MaxBytes int
	// MaxDepth is the deepest nesting of elements accepted anywhere in the
	// body (LIMIT_EXCEEDED); 0 means DefaultMaxDepth.
	MaxDepth int
}

// Decoder decodes XML documents of one type. It is immutable and safe for
// concurrent use.
type Decoder struct {
	typ  *builtin.Type
	opts Options
}

// NewDecoder returns a decoder of documents of type t: an object type with
// one field per accepted root element name (the document decodes to a map
// with one key, the root element's local name), a map type, or
// builtin.AnyType (nil is AnyType) to infer everything.
func NewDecoder(t *builtin.Type, opts Options) (*Decoder, error) {
	if t == nil {
		t = builtin.AnyType
	}
	switch t.Kind {
	case builtin.KindObject, builtin.KindMap, builtin.KindAny:
	default:
		return nil, fmt.Errorf("xmldoc: the type of an XML document must be an object with a field named after its root element, not %s", t)
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	return &Decoder{typ: t, opts: opts}, nil
}

// Decode decodes one XML document. The result is a map[string]any with one
// key, the root element's local name, whose value follows the type's field
// of that name. A failure is an *Error.
func (d *Decoder) Decode(data []byte) (any, error) {
	if d.opts.MaxBytes > 0 && len(data) > d.opts.MaxBytes {
		return nil, &Error{Reason: ReasonLimitExceeded, Msg: fmt.Sprintf("body of %d bytes is larger than the limit of %d", len(data), d.opts.MaxBytes)}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	s := &state{dec: dec, maxDepth: d.opts.MaxDepth}
	v, err := s.document(d.typ)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Reason != ReasonInvalidXML {
			// A body that is not XML at all is reported as such, even
			// when a schema error came first.
			if serr := s.drain(); serr != nil {
				return nil, serr
			}
		}
		return nil, err
	}
	return v, nil
}

// state is one decode: the tokenizer and the path of the element being
// decoded, for errors.
type state struct {
	dec      *xml.Decoder
	depth    int
	maxDepth int
	path     []seg
	// open counts the elements started and not yet ended.
	open int
}

func (s *state) errf(reason, format string, args ...any) *Error {
	line, col := s.dec.InputPos()
	return &Error{Reason: reason, Path: pathString(s.path), Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// syntax turns a tokenizer failure into an INVALID_XML error.
func (s *state) syntax(err error) *Error {
	line, col := s.dec.InputPos()
	msg := err.Error()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg, line = se.Msg, se.Line
	}
	if strings.Contains(msg, "CharsetReader") {
		// encoding/xml refuses encoding="…" declarations other than UTF-8.
		msg = "only UTF-8 is accepted: " + strings.TrimPrefix(strings.TrimSuffix(msg, " but Decoder.CharsetReader is nil"), "xml: ")
	}
	if err == io.EOF {
		msg = "unexpected end of input"
	}
	return &Error{Reason: ReasonInvalidXML, Path: pathString(s.path), Line: line, Col: col, Msg: msg}
}

// token returns the next token, refusing what this codec does not accept
// anywhere: DTDs and other <!…> declarations.
func (s *state) token() (xml.Token, error) {
	tok, err := s.raw()
	if err != nil {
		return nil, s.syntax(err)
	}
	switch x := tok.(type) {
	case xml.Directive:
		return nil, s.errf(ReasonInvalidXML, "a <!%s> declaration is not accepted: DTDs can declare entities that read files or expand without bound (XXE), so documents must come without one", firstWord(x))
	case xml.StartElement:
		if err := s.checkNames(x); err != nil {
			return nil, err
		}
	}
	return tok, nil
}

// checkNames refuses names that are not namespace-well-formed: a local
// name must be an XML name without a colon ("a:", "a:b:c" and "p:0" are
// not).
func (s *state) checkNames(se xml.StartElement) error {
	if !isName(se.Name.Local) {
		return s.errf(ReasonInvalidXML, "element name %s is not a valid qualified name", quote(qname(se.Name)))
	}
	for _, a := range se.Attr {
		if !isName(a.Name.Local) {
			return s.errf(ReasonInvalidXML, "attribute name %s is not a valid qualified name", quote(qname(a.Name)))
		}
	}
	return nil
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func firstWord(b []byte) string {
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	w := f[0]
	if len(w) > 16 {
		w = w[:16]
	}
	return w
}

// drain reads the rest of the body after a schema error, and returns the
// INVALID_XML error it finds, if any: the checks of document included.
// Token returns io.EOF only at the end of a document whose elements are
// all closed.
func (s *state) drain() error {
	s.path = nil
	for {
		done := s.open == 0
		tok, err := s.raw()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return s.syntax(err)
		}
		switch x := tok.(type) {
		case xml.Directive:
			return s.errf(ReasonInvalidXML, "a <!%s> declaration is not accepted: DTDs can declare entities that read files or expand without bound (XXE), so documents must come without one", firstWord(x))
		case xml.StartElement:
			if done {
				return s.errf(ReasonInvalidXML, "a second root element <%s>: a document has one", x.Name.Local)
			}
			if err := s.checkNames(x); err != nil {
				return err
			}
		case xml.CharData:
			if done && !isSpace(x) {
				return s.errf(ReasonInvalidXML, "text after the root element")
			}
		}
	}
}

// raw returns the next token and counts the open elements.
func (s *state) raw() (xml.Token, error) {
	tok, err := s.dec.Token()
	switch tok.(type) {
	case xml.StartElement:
		s.open++
	case xml.EndElement:
		s.open--
	}
	return tok, err
}

// document reads the prolog, the root element and what may follow it.
func (s *state) document(t *builtin.Type) (any, error) {
	var out map[string]any
	for {
		tok, err := s.raw()
		if err == io.EOF {
			if out == nil {
				return nil, &Error{Reason: ReasonInvalidXML, Msg: "no root element"}
			}
			return out, nil
		}
		if err != nil {
			return nil, s.syntax(err)
		}
		switch x := tok.(type) {
		case xml.Directive:
			return nil, s.errf(ReasonInvalidXML, "a <!%s> declaration is not accepted: DTDs can declare entities that read files or expand without bound (XXE), so documents must come without one", firstWord(x))
		case xml.CharData:
			if !isSpace(x) {
				if out == nil {
					return nil, s.errf(ReasonInvalidXML, "text before the root element")
				}
				return nil, s.errf(ReasonInvalidXML, "text after the root element")
			}
		case xml.StartElement:
			if out != nil {
				return nil, s.errf(ReasonInvalidXML, "a second root element <%s>: a document has one", x.Name.Local)
			}
			if err := s.checkNames(x); err != nil {
				return nil, err
			}
			v, err := s.root(x, t)
			if err != nil {
				return nil, err
			}
			s.path = s.path[:0]
			out = map[string]any{x.Name.Local: v}
		}
		// Comments and processing instructions (the XML declaration
		// among them) carry no data.
	}
}

// root decodes the root element by the type's field of its name.
func (s *state) root(se xml.StartElement, t *builtin.Type) (any, error) {
	name := se.Name.Local
	s.path = append(s.path, seg{name: name, idx: -1})
	var et *builtin.Type
	switch t.Kind {
	case builtin.KindObject:
		f := t.Field(name)
		if f == nil {
			want := strings.Join(t.FieldNames(), ", ")
			return nil, s.errf(ReasonSchemaMismatch, "the root element <%s> is not one the schema of %s declares (want %s)", name, t, want)
		}
		for _, o := range t.Fields {
			if o.Required && o.Name != name {
				return nil, s.errf(ReasonSchemaMismatch, "the root element is <%s>, but the schema of %s requires <%s>", name, t, o.Name)
			}
		}
		et = f.Type
	case builtin.KindMap:
		et = t.Elem
	default:
		et = builtin.AnyType
	}
	if et.Kind == builtin.KindList {
		s.path[len(s.path)-1].idx = 0
		v, err := s.element(se, et.Elem)
		if err != nil {
			return nil, err
		}
		return []any{v}, nil
	}
	v, err := s.element(se, et)
	if err != nil {
		return nil, err
	}
	if v == nil && t.Kind == builtin.KindObject && t.Field(name).Required {
		return nil, s.errf(ReasonSchemaMismatch, "the required root element is nil")
	}
	return v, nil
}

// attrs are an element's attributes without namespace declarations and
// XML Schema instance attributes; nilled reports xsi:nil="true".
func (s *state) attrs(se xml.StartElement) (attrs []xml.Attr, nilled bool, err error) {
	for i, a := range se.Attr {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
			continue
		case a.Name.Space == xsiNS || a.Name.Space == "xsi":
			if a.Name.Local == "nil" {
				v := strings.TrimSpace(a.Value)
				nilled = v == "true" || v == "1"
			}
			continue
		}
		if !utf8.ValidString(a.Value) {
			return nil, false, s.errf(ReasonInvalidXML, "invalid UTF-8 in attribute %s", a.Name.Local)
		}
		for _, b := range se.Attr[:i] {
			if b.Name.Local == a.Name.Local && b.Name.Space != "xmlns" && b.Name.Space != xsiNS {
				return nil, false, s.errf(ReasonSchemaMismatch, "two attributes named %s in different namespaces: namespaces are ignored, so they collide", a.Name.Local)
			}
		}
		attrs = append(attrs, a)
	}
	return attrs, nilled, nil
}

// content reads an element's content up to its end tag: the text, and each
// child element handed to child (which must consume it).
func (s *state) content(child func(xml.StartElement) error) (text []byte, err error) {
	for {
		tok, err := s.token()
		if err != nil {
			return nil, err
		}
		switch x := tok.(type) {
		case xml.EndElement:
			return text, nil
		case xml.CharData:
			text = append(text, x...)
		case xml.StartElement:
			if err := child(x); err != nil {
				return nil, err
			}
		}
	}
}

// enter and leave bound the nesting depth.
func (s *state) enter() error {
	s.depth++
	if s.depth > s.maxDepth {
		return s.errf(ReasonLimitExceeded, "elements are nested deeper than the limit of %d", s.maxDepth)
	}
	return nil
}

func (s *state) leave() { s.depth-- }

// skip consumes an element the decoder does not keep.
func (s *state) skip() error {
	if err := s.enter(); err != nil {
		return err
	}
	_, err := s.content(func(xml.StartElement) error { return s.skip() })
	s.leave()
	return err
}

// child decodes a child element by type t, with its name on the path.
func (s *state) child(se xml.StartElement, t *builtin.Type, idx int) (any, error) {
	s.path = append(s.path, seg{name: se.Name.Local, idx: idx})
	v, err := s.element(se, t)
	if err == nil {
		s.path = s.path[:len(s.path)-1]
	}
	return v, err
}

// element decodes the element that se starts, by type t.
func (s *state) element(se xml.StartElement, t *builtin.Type) (any, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	switch t.Kind {
	case builtin.KindAny:
		return s.inferred(se)
	case builtin.KindObject:
		return s.object(se, t)
	case builtin.KindMap:
		return s.mapOf(se, t)
	case builtin.KindList:
		// A list whose elements are lists: each occurrence is one
		// element of the outer list.
		v, err := s.element(se, t.Elem)
		if err != nil {
			return nil, err
		}
		return []any{v}, nil
	case builtin.KindMoney:
		return s.money(se)
	case builtin.KindQuantity:
		return s.quantity(se)
	}
	return s.scalar(se, t)
}

// textOnly reads the content of an element that must have no child
// elements.
func (s *state) textOnly(want string) ([]byte, error) {
	var bad string
	text, err := s.content(func(c xml.StartElement) error {
		if bad == "" {
			bad = c.Name.Local
		}
		return s.skip()
	})
	if err != nil {
		return nil, err
	}
	if bad != "" {
		return nil, s.errf(ReasonSchemaMismatch, "want %s, found child element <%s>", want, bad)
	}
	return text, nil
}

// scalar decodes a text-only element. Attributes are ignored: the type
// declares none.
func (s *state) scalar(se xml.StartElement, t *builtin.Type) (any, error) {
	_, nilled, err := s.attrs(se)
	if err != nil {
		return nil, err
	}
	text, err := s.textOnly(kindWant(t.Kind))
	if err != nil {
		return nil, err
	}
	if nilled {
		if !isSpace(text) {
			return nil, s.errf(ReasonSchemaMismatch, "an element with xsi:nil=\"true\" has content")
		}
		return nil, nil
	}
	return s.parseText(text, t)
}

func kindWant(k builtin.Kind) string {
	switch k {
	case builtin.KindString:
		return "text"
	case builtin.KindInt:
		return "an integer"
	case builtin.KindDecimal:
		return "a decimal"
	case builtin.KindDouble:
		return "a number"
	case builtin.KindBool:
		return "a boolean"
	case builtin.KindTimestamp:
		return "an RFC 3339 timestamp"
	case builtin.KindDuration:
		return "a duration"
	case builtin.KindBytes:
		return "base64 text"
	case builtin.KindNull:
		return "an empty element"
	}
	return k.String()
}

// parseText converts the text of an element or attribute to a value of a
// scalar type. Text for types other than string is trimmed of XML white
// space, and empty text is nil (absence), as JSON null is.
func (s *state) parseText(raw []byte, t *builtin.Type) (any, error) {
	if t.Kind == builtin.KindString || t.Kind == builtin.KindAny {
		if !utf8.Valid(raw) {
			return nil, s.errf(ReasonInvalidXML, "invalid UTF-8 in text")
		}
		return string(raw), nil
	}
	text := string(trimSpace(raw))
	if text == "" {
		return nil, nil
	}
	switch t.Kind {
	case builtin.KindInt:
		i, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, s.errf(ReasonSchemaMismatch, "integer %s is out of the 64-bit range", quote(text))
			}
			return nil, s.errf(ReasonSchemaMismatch, "want an integer, found %s", quote(text))
		}
		return i, nil
	case builtin.KindDecimal:
		d, err := parseDecimal(text)
		if err != nil {
			return nil, s.errf(ReasonSchemaMismatch, "want a decimal, found %s", quote(text))
		}
		return d, nil
	case builtin.KindDouble:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || strings.ContainsAny(text, "_xXpP") {
			return nil, s.errf(ReasonSchemaMismatch, "want a finite number, found %s", quote(text))
		}
		return f, nil
	case builtin.KindBool:
		switch text {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
		return nil, s.errf(ReasonSchemaMismatch, "want a boolean (true, false, 1 or 0), found %s", quote(text))
	case builtin.KindTimestamp:
		ts, err := time.Parse(time.RFC3339, text)
		if err != nil {
			return nil, s.errf(builtin.ReasonInvalidDate, "invalid RFC 3339 timestamp %s: want a date, a time and a zone, such as 2016-05-11T22:55:28.000Z", quote(text))
		}
		return ts, nil
	case builtin.KindDuration:
		dur, err := time.ParseDuration(text)
		if err != nil {
			return nil, s.errf(ReasonSchemaMismatch, "invalid duration %s: want a Go duration such as 1h30m", quote(text))
		}
		return dur, nil
	case builtin.KindBytes:
		b, err := base64.StdEncoding.DecodeString(stripSpace(text))
		if err != nil {
			return nil, s.errf(ReasonSchemaMismatch, "invalid base64 text")
		}
		return b, nil
	case builtin.KindNull:
		return nil, s.errf(ReasonSchemaMismatch, "want an empty element, found %s", quote(text))
	}
	return nil, s.errf(ReasonSchemaMismatch, "a %s cannot be written as text", t)
}

// parseDecimal reads xsd:decimal: an optional sign, digits and an optional
// fraction, where "5." and ".5" are allowed. Exponents, thousands
// separators and decimal commas are not.
func parseDecimal(text string) (builtin.Decimal, error) {
	sign, rest := "", text
	if rest != "" && (rest[0] == '+' || rest[0] == '-') {
		sign, rest = rest[:1], rest[1:]
	}
	if strings.HasPrefix(rest, ".") {
		rest = "0" + rest
	}
	if strings.HasSuffix(rest, ".") {
		rest = rest[:len(rest)-1]
	}
	if sign == "+" {
		sign = ""
	}
	return builtin.ParseDecimal(sign + rest)
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}

// object decodes an element by an object type: attributes are the fields
// "@name", child elements the fields of their local names, text the field
// "#text". What the type does not declare is kept, inferred.
func (s *state) object(se xml.StartElement, t *builtin.Type) (any, error) {
	attrs, nilled, err := s.attrs(se)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(t.Fields))
	for _, a := range attrs {
		key := "@" + a.Name.Local
		v, err := s.attr(key, a.Value, t.Field(key))
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	counts := map[string]int{}
	text, err := s.content(func(c xml.StartElement) error {
		name := c.Name.Local
		f := t.Field(name)
		n := counts[name]
		counts[name] = n + 1
		switch {
		case f != nil && f.Type.Kind == builtin.KindList:
			v, err := s.child(c, f.Type.Elem, n)
			if err != nil {
				return err
			}
			l, _ := out[name].([]any)
			out[name] = append(l, v)
		case f != nil:
			if n > 0 {
				s.path = append(s.path, seg{name: name, idx: -1})
				return s.errf(ReasonSchemaMismatch, "element <%s> occurs more than once, but the schema of %s declares one (declare it an array to accept several)", name, t)
			}
			v, err := s.child(c, f.Type, -1)
			if err != nil {
				return err
			}
			out[name] = v
		default:
			v, err := s.child(c, builtin.AnyType, -1)
			if err != nil {
				return err
			}
			addRepeated(out, name, v, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if nilled {
		if len(counts) > 0 || !isSpace(text) {
			return nil, s.errf(ReasonSchemaMismatch, "an element with xsi:nil=\"true\" has content")
		}
		return nil, nil
	}
	if !isSpace(text) {
		if f := t.Field("#text"); f != nil {
			v, err := s.textField(text, f.Type)
			if err != nil {
				return nil, err
			}
			out["#text"] = v
		} else {
			if !utf8.Valid(text) {
				return nil, s.errf(ReasonInvalidXML, "invalid UTF-8 in text")
			}
			out["#text"] = string(text)
		}
	}
	for _, f := range t.Fields {
		if !f.Required {
			continue
		}
		if v, ok := out[f.Name]; !ok || v == nil {
			what := "element <" + f.Name + ">"
			switch {
			case strings.HasPrefix(f.Name, "@"):
				what = "attribute " + f.Name[1:]
			case f.Name == "#text":
				what = "text"
			}
			return nil, s.errf(ReasonSchemaMismatch, "required %s is missing", what)
		}
	}
	return out, nil
}

// addRepeated stores the n-th occurrence (from 0) of an inferred child:
// one occurrence is its value, several are a list.
func addRepeated(m map[string]any, name string, v any, n int) {
	switch n {
	case 0:
		m[name] = v
	case 1:
		m[name] = []any{m[name], v}
	default:
		m[name] = append(m[name].([]any), v)
	}
}

// attr decodes an attribute value by its field, if declared.
func (s *state) attr(key, value string, f *builtin.Field) (any, error) {
	if f == nil {
		return value, nil
	}
	return s.textValue(key, []byte(value), f.Type)
}

// textValue decodes attribute text by a scalar type, with key on the path.
func (s *state) textValue(key string, text []byte, t *builtin.Type) (any, error) {
	s.path = append(s.path, seg{name: key, idx: -1})
	var v any
	var err error
	switch t.Kind {
	case builtin.KindObject, builtin.KindMap, builtin.KindList, builtin.KindMoney, builtin.KindQuantity, builtin.KindTable:
		err = s.errf(ReasonSchemaMismatch, "%s cannot be text: the schema declares %s", key, t)
	default:
		v, err = s.parseText(text, t)
	}
	if err == nil {
		s.path = s.path[:len(s.path)-1]
	}
	return v, err
}

func (s *state) textField(text []byte, t *builtin.Type) (any, error) {
	return s.textValue("#text", text, t)
}

// mapOf decodes an element by a map type: every attribute ("@name"), child
// element and the text ("#text") is an entry of the element type.
func (s *state) mapOf(se xml.StartElement, t *builtin.Type) (any, error) {
	attrs, nilled, err := s.attrs(se)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	scalarElem := t.Elem.Kind != builtin.KindObject && t.Elem.Kind != builtin.KindMap && t.Elem.Kind != builtin.KindList &&
		t.Elem.Kind != builtin.KindMoney && t.Elem.Kind != builtin.KindQuantity
	for _, a := range attrs {
		key := "@" + a.Name.Local
		if !scalarElem {
			out[key] = a.Value
			continue
		}
		v, err := s.textValue(key, []byte(a.Value), t.Elem)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	counts := map[string]int{}
	text, err := s.content(func(c xml.StartElement) error {
		name := c.Name.Local
		n := counts[name]
		counts[name] = n + 1
		if t.Elem.Kind == builtin.KindList {
			v, err := s.child(c, t.Elem.Elem, n)
			if err != nil {
				return err
			}
			l, _ := out[name].([]any)
			out[name] = append(l, v)
			return nil
		}
		if n > 0 {
			s.path = append(s.path, seg{name: name, idx: -1})
			return s.errf(ReasonSchemaMismatch, "element <%s> occurs more than once in a map of %s", name, t.Elem)
		}
		v, err := s.child(c, t.Elem, -1)
		if err != nil {
			return err
		}
		out[name] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	if nilled {
		if len(counts) > 0 || !isSpace(text) {
			return nil, s.errf(ReasonSchemaMismatch, "an element with xsi:nil=\"true\" has content")
		}
		return nil, nil
	}
	if !isSpace(text) {
		var v any = string(text)
		if scalarElem {
			if v, err = s.textField(text, t.Elem); err != nil {
				return nil, err
			}
		}
		out["#text"] = v
	}
	return out, nil
}

// inferred decodes an element without a declared type: text only is a
// string; with attributes or child elements it is a map of "@name"
// attributes, child elements (a list when repeated) and "#text" when there
// is text other than white space.
func (s *state) inferred(se xml.StartElement) (any, error) {
	attrs, nilled, err := s.attrs(se)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if len(attrs) > 0 {
		out = make(map[string]any, len(attrs))
		for _, a := range attrs {
			out["@"+a.Name.Local] = a.Value
		}
	}
	counts := map[string]int{}
	text, err := s.content(func(c xml.StartElement) error {
		name := c.Name.Local
		n := counts[name]
		counts[name] = n + 1
		v, err := s.child(c, builtin.AnyType, -1)
		if err != nil {
			return err
		}
		if out == nil {
			out = map[string]any{}
		}
		addRepeated(out, name, v, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(text) {
		return nil, s.errf(ReasonInvalidXML, "invalid UTF-8 in text")
	}
	if nilled {
		if len(counts) > 0 || !isSpace(text) {
			return nil, s.errf(ReasonSchemaMismatch, "an element with xsi:nil=\"true\" has content")
		}
		return nil, nil
	}
	if out == nil {
		return string(text), nil
	}
	if !isSpace(text) {
		out["#text"] = string(text)
	}
	return out, nil
}

// pair reads the two parts of a money or quantity element: from child
// elements named by the first of names, or the text (for the first part)
// and an attribute named by the second.
func (s *state) pair(se xml.StartElement, first, second []string, firstAttr bool) (a, b string, hasA, hasB, nilled bool, err error) {
	attrs, nilled, err := s.attrs(se)
	if err != nil {
		return
	}
	in := func(name string, names []string) bool {
		for _, n := range names {
			if n == name {
				return true
			}
		}
		return false
	}
	for _, at := range attrs {
		switch {
		case in(at.Name.Local, second):
			b, hasB = at.Value, true
		case firstAttr && in(at.Name.Local, first):
			a, hasA = at.Value, true
		}
	}
	seen := 0
	text, err := s.content(func(c xml.StartElement) error {
		seen++
		name := c.Name.Local
		isA, isB := in(name, first), in(name, second)
		if !isA && !isB {
			// Other parts are ignored, as in JSON money objects.
			return s.skip()
		}
		s.path = append(s.path, seg{name: name, idx: -1})
		if err := s.enter(); err != nil {
			return err
		}
		t, err := s.textOnly("text")
		s.leave()
		if err != nil {
			return err
		}
		if (isA && hasA) || (isB && hasB) {
			return s.errf(ReasonSchemaMismatch, "<%s> is given twice", name)
		}
		s.path = s.path[:len(s.path)-1]
		if !utf8.Valid(t) {
			return s.errf(ReasonInvalidXML, "invalid UTF-8 in text")
		}
		if isA {
			a, hasA = string(t), true
		} else {
			b, hasB = string(t), true
		}
		return nil
	})
	if err != nil {
		return
	}
	if !isSpace(text) {
		if seen > 0 || hasA {
			err = s.errf(ReasonSchemaMismatch, "text and child elements are mixed")
			return
		}
		a, hasA = string(text), true
	}
	return
}

// money decodes <price currency="USD">12.30</price> or
// <price><amount>12.30</amount><currency>USD</currency></price>.
func (s *state) money(se xml.StartElement) (any, error) {
	amount, cur, hasAmt, hasCur, nilled, err := s.pair(se, []string{"amount"}, []string{"currency", "currencyID", "currencyCode"}, false)
	if err != nil {
		return nil, err
	}
	if nilled || !hasAmt && !hasCur {
		return nil, nil
	}
	switch {
	case !hasAmt:
		return nil, s.errf(builtin.ReasonInvalidMoney, "money has no amount")
	case !hasCur:
		return nil, s.errf(builtin.ReasonInvalidMoney, "money has no currency (want a currency attribute or a <currency> element)")
	}
	d, err := parseDecimal(string(trimSpace([]byte(amount))))
	if err != nil {
		return nil, s.errf(builtin.ReasonInvalidMoney, "invalid amount %s: want a decimal such as 24.99", quote(amount))
	}
	m, err := builtin.NewMoney(d, strings.TrimSpace(cur))
	if err != nil {
		return nil, s.errf(builtin.ReasonOf(err), "%v", err)
	}
	return m, nil
}

// quantity decodes <qty uom="EA">2</qty> or
// <qty><value>2</value><uom>EA</uom></qty>. The unit code is not checked
// against a table: units are reference data that mappings look up.
func (s *state) quantity(se xml.StartElement) (any, error) {
	val, uom, hasVal, hasUOM, nilled, err := s.pair(se, []string{"value"}, []string{"uom", "unitCode"}, false)
	if err != nil {
		return nil, err
	}
	if nilled || !hasVal && !hasUOM {
		return nil, nil
	}
	switch {
	case !hasVal:
		return nil, s.errf(builtin.ReasonInvalidQuantity, "quantity has no value")
	case !hasUOM || strings.TrimSpace(uom) == "":
		return nil, s.errf(builtin.ReasonInvalidQuantity, "quantity has no unit of measure (want a uom attribute or a <uom> element)")
	}
	d, err := parseDecimal(string(trimSpace([]byte(val))))
	if err != nil {
		return nil, s.errf(builtin.ReasonInvalidQuantity, "invalid quantity %s: want a decimal such as 12 or 2.5", quote(val))
	}
	return builtin.Quantity{Value: d, UOM: strings.TrimSpace(uom)}, nil
}

// isSpace reports whether b is only XML white space.
func isSpace(b []byte) bool {
	return len(trimSpace(b)) == 0
}

func trimSpace(b []byte) []byte {
	return bytes.Trim(b, " \t\r\n")
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}
