package xmldoc

import (
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/transload/transload/builtin"
)

// EncodeOptions shape the XML that Encode writes.
type EncodeOptions struct {
	// Namespace, when set, is the default namespace of the document: the
	// root element gets xmlns="Namespace" and every element is in it
	// (OAGIS BODs are in http://schema.infor.com/InforOAGIS/2).
	Namespace string
	// Indent, when set, puts each child element on its own line, indented
	// by Indent per level. Elements with text stay on one line, and the
	// content of an element with both text and child elements (mixed
	// content) is never indented, so indentation adds no text.
	Indent string
	// CurrencyAttr is the attribute that carries the currency of a money
	// value: <Amount currencyID="USD">12.30</Amount> with "currencyID"
	// (OAGIS). The default is "currency".
	CurrencyAttr string
	// UnitAttr is the attribute that carries the unit of a quantity:
	// <Quantity unitCode="EA">2</Quantity> with "unitCode" (OAGIS). The
	// default is "uom".
	UnitAttr string
	// Type, when known, is the type of the root element's content: an
	// element's children are then written in the order its type declares
	// its fields (a schema written in XSD sequence order gives a document
	// that validates against the XSD), and the children it does not name
	// after them, sorted.
	Type *builtin.Type
}

// Encode renders a native document as an XML document whose root element
// is named root and holds v:
//
//   - a map is an element: its "@name" keys are attributes, "#text" is its
//     text, and every other key is a child element, in sorted key order,
//     or in its type's field order when opts.Type gives it (attributes
//     sorted), so equal values encode to equal bytes;
//   - a list under a key is that element repeated, once per item (a list
//     directly inside a list has no XML form and is an error);
//   - nil under a key writes nothing (absence, as JSON null);
//   - strings, int64, Decimal (plain notation, scale kept), bool, float64,
//     time.Time (RFC 3339 with nanoseconds), time.Duration (Go syntax) and
//     []byte (standard base64) are text;
//   - Money is its amount as text with the currency as an attribute, and
//     Quantity its value with the unit as an attribute (see EncodeOptions):
//     <price currency="USD">12.30</price>, <qty uom="EA">2</qty>. The
//     decoder reads both back when the schema declares money or quantity.
//
// Names must be XML names without a prefix. Text that XML 1.0 cannot
// carry (control characters, invalid UTF-8) is an error, never replaced.
// The output starts with an XML declaration and is UTF-8.
func Encode(root string, v any, opts EncodeOptions) ([]byte, error) {
	return AppendEncode(nil, root, v, opts)
}

// AppendEncode appends the XML document of Encode to dst.
func AppendEncode(dst []byte, root string, v any, opts EncodeOptions) ([]byte, error) {
	if opts.CurrencyAttr == "" {
		opts.CurrencyAttr = "currency"
	}
	if opts.UnitAttr == "" {
		opts.UnitAttr = "uom"
	}
	if _, isList := v.([]any); isList {
		return dst, fmt.Errorf("xmldoc: the root <%s> cannot be a list: a document has one root element", root)
	}
	e := &encoder{buf: dst, opts: opts}
	e.buf = append(e.buf, `<?xml version="1.0" encoding="UTF-8"?>`...)
	if opts.Indent != "" {
		e.buf = append(e.buf, '\n')
	}
	var ns []attr
	if opts.Namespace != "" {
		ns = []attr{{name: "xmlns", value: opts.Namespace}}
	}
	if err := e.element(root, v, opts.Type, 0, ns, root); err != nil {
		return dst, err
	}
	if opts.Indent != "" {
		e.buf = append(e.buf, '\n')
	}
	return e.buf, nil
}

type encoder struct {
	buf  []byte
	opts EncodeOptions
}

type attr struct{ name, value string }

// maxEncodeDepth bounds recursion on cyclic or absurdly deep values.
const maxEncodeDepth = 1000

// element writes <name attrs…>content</name>.
func (e *encoder) element(name string, v any, t *builtin.Type, level int, extra []attr, path string) error {
	if !isName(name) {
		return fmt.Errorf("xmldoc: %s: %q is not an XML element name", path, name)
	}
	if level > maxEncodeDepth {
		return fmt.Errorf("xmldoc: %s: nested deeper than %d", path, maxEncodeDepth)
	}
	switch x := v.(type) {
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		v = m
	case builtin.Money:
		return e.leaf(name, append(extra, attr{e.opts.CurrencyAttr, x.Currency}), x.Amount.String(), path)
	case builtin.Quantity:
		return e.leaf(name, append(extra, attr{e.opts.UnitAttr, x.UOM}), x.Value.String(), path)
	}
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return e.leaf(name, extra, "", path)
		}
		text, err := scalarText(v, path)
		if err != nil {
			return err
		}
		return e.leaf(name, extra, text, path)
	}
	keys := orderedKeys(m, t)
	attrs := extra
	var text string
	hasText := false
	var children []string
	for _, k := range keys {
		val := m[k]
		switch {
		case strings.HasPrefix(k, "@"):
			if val == nil {
				continue
			}
			if !isName(k[1:]) {
				return fmt.Errorf("xmldoc: %s: %q is not an XML attribute name", path, k)
			}
			s, err := scalarText(val, path+"."+k)
			if err != nil {
				return err
			}
			attrs = append(attrs, attr{k[1:], s})
		case k == "#text":
			if val == nil {
				continue
			}
			s, err := scalarText(val, path+".#text")
			if err != nil {
				return err
			}
			text, hasText = s, true
		case strings.HasPrefix(k, "#"):
			return fmt.Errorf("xmldoc: %s: %q is not an element name (only #text is special)", path, k)
		default:
			if val != nil {
				children = append(children, k)
			}
		}
	}
	if err := e.open(name, attrs, path); err != nil {
		return err
	}
	if len(children) == 0 && !hasText {
		e.buf = append(e.buf[:len(e.buf)-1], "/>"...)
		return nil
	}
	if hasText {
		if err := e.text(text, false, path); err != nil {
			return err
		}
	}
	// Mixed content is never indented: indentation would be text.
	indent := e.opts.Indent != "" && !hasText
	for _, k := range children {
		items, isList := m[k].([]any)
		if !isList {
			items = []any{m[k]}
		}
		for i, item := range items {
			p := path + "." + k
			if isList {
				p += "[" + strconv.Itoa(i) + "]"
			}
			if item == nil {
				continue
			}
			if _, nested := item.([]any); nested {
				return fmt.Errorf("xmldoc: %s: a list inside a list has no XML form", p)
			}
			if indent {
				e.newline(level + 1)
			}
			if err := e.element(k, item, childType(t, k, isList), level+1, nil, p); err != nil {
				return err
			}
		}
	}
	if indent {
		e.newline(level)
	}
	e.close(name)
	return nil
}

// orderedKeys are m's keys in t's field order, then the others sorted; all
// sorted when t is not an object type.
func orderedKeys(m map[string]any, t *builtin.Type) []string {
	keys := make([]string, 0, len(m))
	if t != nil && t.Kind == builtin.KindObject {
		for _, f := range t.Fields {
			if _, ok := m[f.Name]; ok {
				keys = append(keys, f.Name)
			}
		}
	}
	named := len(keys)
	for k := range m {
		if t.Field(k) == nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys[named:])
	return keys
}

// childType is the type of child k of an element of type t: the field's
// type, its element type when the child is a repeated element (a list).
func childType(t *builtin.Type, k string, list bool) *builtin.Type {
	f := t.Field(k)
	if f == nil {
		return nil
	}
	if list && f.Type != nil && f.Type.Kind == builtin.KindList {
		return f.Type.Elem
	}
	return f.Type
}

func (e *encoder) newline(level int) {
	e.buf = append(e.buf, '\n')
	for range level {
		e.buf = append(e.buf, e.opts.Indent...)
	}
}

func (e *encoder) open(name string, attrs []attr, path string) error {
	e.buf = append(e.buf, '<')
	e.buf = append(e.buf, name...)
	for _, a := range attrs {
		e.buf = append(e.buf, ' ')
		e.buf = append(e.buf, a.name...)
		e.buf = append(e.buf, `="`...)
		if err := e.text(a.value, true, path+".@"+a.name); err != nil {
			return err
		}
		e.buf = append(e.buf, '"')
	}
	e.buf = append(e.buf, '>')
	return nil
}

func (e *encoder) close(name string) {
	e.buf = append(e.buf, "</"...)
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, '>')
}

// leaf writes an element with text only (or empty).
func (e *encoder) leaf(name string, attrs []attr, text, path string) error {
	if err := e.open(name, attrs, path); err != nil {
		return err
	}
	if text == "" {
		e.buf = append(e.buf[:len(e.buf)-1], "/>"...)
		return nil
	}
	if err := e.text(text, false, path); err != nil {
		return err
	}
	e.close(name)
	return nil
}

// text appends s escaped for element content or an attribute value. CR is
// written as a reference so that end-of-line normalisation keeps it, and
// in attributes so are tab and LF, which attribute normalisation would
// turn into spaces.
func (e *encoder) text(s string, inAttr bool, path string) error {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("xmldoc: %s: invalid UTF-8 at byte %d", path, i)
		}
		if !isXMLChar(r) {
			return fmt.Errorf("xmldoc: %s: character %U cannot be written in XML 1.0", path, r)
		}
		switch {
		case r == '&':
			e.buf = append(e.buf, "&amp;"...)
		case r == '<':
			e.buf = append(e.buf, "&lt;"...)
		case r == '>':
			e.buf = append(e.buf, "&gt;"...)
		case r == '\r':
			e.buf = append(e.buf, "&#xD;"...)
		case inAttr && r == '"':
			e.buf = append(e.buf, "&quot;"...)
		case inAttr && r == '\n':
			e.buf = append(e.buf, "&#xA;"...)
		case inAttr && r == '\t':
			e.buf = append(e.buf, "&#x9;"...)
		default:
			e.buf = append(e.buf, s[i:i+size]...)
		}
		i += size
	}
	return nil
}

// isXMLChar reports whether XML 1.0 can carry r (production [2] Char).
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// scalarText renders a scalar as text.
func scalarText(v any, path string) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case builtin.Decimal:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", fmt.Errorf("xmldoc: %s: %v has no decimal form", path, x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	case time.Duration:
		return x.String(), nil
	case []byte:
		return base64.StdEncoding.EncodeToString(x), nil
	}
	return "", fmt.Errorf("xmldoc: %s: a %T cannot be written as text", path, v)
}

// isName reports whether s is an XML name without a colon (an NCName):
// a letter or '_' first, then letters, digits, '-', '_' and '.'.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		case r >= 0xC0 && r != 0xD7 && r != 0xF7 && r <= 0x2FF, r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF,
			r >= 0x200C && r <= 0x200D, r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF,
			r >= 0x3001 && r <= 0xD7FF, r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		case i > 0 && (r == 0xB7 || r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040):
		default:
			return false
		}
	}
	return true
}
