package builtin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// JSON Schema import and export.
//
// A flow declares the input schema of a source as a JSON Schema file;
// TypeFromJSONSchema turns it into the Type its CEL expressions are checked
// against. JSONSchemaFromType goes the other way, for the reference
// documentation of the canonical model (docs/schema/*.json).
//
// The import is deliberately lenient about what it does not understand
// (unknown keywords, formats and validation assertions are ignored: they
// constrain values, not their shape) and strict about what it does
// (a "type" that is not a string, "properties" that is not an object, a
// $ref that does not resolve are errors that name the JSON pointer).
//
// Vendor extensions, read and written:
//
//   - "x-transload-kind": "money" | "quantity" | "decimal" | "timestamp" |
//     "any" | "double" | "duration" | "bytes" gives a schema the builtin
//     type of that kind, whatever its JSON "type" says. A Shopify price is
//     declared {"type": "string", "x-transload-kind": "decimal"} and decodes
//     to a Decimal; the canonical model marks its Money objects "money".
//   - "x-transload-type": "commerce.OrderLine" names an object (or a named
//     string) type exactly, instead of deriving the name from its location.
//     JSONSchemaFromType writes it, so that export and import round-trip.
//     A schema that says nothing else ({"x-transload-type":
//     "commerce.Order"}) refers to that known type (TypeFromJSONSchemaNamed).

// JSON Schema vendor extension keywords.
const (
	SchemaKindKeyword = "x-transload-kind"
	SchemaTypeKeyword = "x-transload-type"
)

// schemaDraft is the dialect JSONSchemaFromType writes.
const schemaDraft = "https://json-schema.org/draft/2020-12/schema"

// SchemaError is a malformed or unresolvable JSON Schema. File is the path
// of the schema document as passed to the resolver ("" for the root
// document) and Pointer the JSON pointer of the offending schema within it.
type SchemaError struct {
	Type    string // the root type name being built
	File    string
	Pointer string
	Msg     string
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("json schema for %s: %s#%s: %s", e.Type, e.File, e.Pointer, e.Msg)
}

// TypeFromJSONSchema converts the JSON Schema document schema into a Type
// named name (the root type, such as "shopify.Order").
//
// Nested object types are named after their location: a property path
// ("shopify.Order.customer.default_address"; array items and map values take
// the name of their property), the key of $defs or definitions when reached
// through $ref ("shopify.Order.LineItem" for #/$defs/LineItem), an
// identifier-like "title" ("shopify.Order.Address"), or exactly the
// x-transload-type extension. A name already taken by another schema gets a
// numeric suffix ("_2").
//
// resolve loads the documents that $ref names outside schema; it receives
// the part of the reference before '#', joined to the directory of the
// referencing document (so "common/money.json" from the root document, and
// "common/currency.json" for a "currency.json" reference inside it).
// Absolute references ("https://…", "/…") are passed unchanged. resolve may
// be nil when the schema has no such references.
//
// Mapping: "integer" is IntType and "number" DecimalType (never double); a
// type array with "null" is the other type, nullable; "format" is ignored
// (a "date-time" stays a string: mappings parse times explicitly); string
// "enum"s become Type.Enum; maxLength and maxItems (maxProperties for maps)
// bound sizes for cost estimation; "description" becomes Doc, the first of
// "examples" (or OpenAPI "example") Field.Example. An object with
// properties is an object type; without properties but with an
// additionalProperties schema it is MapOf that schema; a bare "object" is a
// map of dyn. allOf merges object properties and required lists; oneOf and
// anyOf of one type (besides null) are that type, of differing types dyn.
// A property listed in "required" is Field.Required unless its schema also
// admits null: decoders treat null as absence, so a required-but-nullable
// field must be allowed to be null. Recursive references reuse the same
// *Type; a cycle that passes through no object type (an array of itself)
// becomes dyn at the point where it closes.
func TypeFromJSONSchema(name string, schema []byte, resolve func(ref string) ([]byte, error)) (*Type, error) {
	return TypeFromJSONSchemaNamed(name, schema, resolve, nil)
}

// TypeFromJSONSchemaNamed is TypeFromJSONSchema where a schema that says
// nothing but {"x-transload-type": "commerce.Order"} (plus, optionally,
// a description) refers to the type of that name that named returns: a
// module's input type can hold a canonical document, and its values are
// the very type the canonical mappings take and return.
func TypeFromJSONSchemaNamed(name string, schema []byte, resolve func(ref string) ([]byte, error), named func(string) *Type) (*Type, error) {
	c := &schemaConv{
		rootName: name,
		named:    named,
		resolve:  resolve,
		docs:     map[string]*schemaDoc{},
		done:     map[*snode]convResult{},
		building: map[*snode]bool{},
		names:    map[string]*snode{},
	}
	doc, err := c.parseDoc("", schema)
	if err != nil {
		return nil, err
	}
	if c.rootName == "" {
		c.rootName = doc.root.str1(SchemaTypeKeyword)
		if c.rootName == "" {
			c.rootName = doc.root.str1("title")
		}
		if c.rootName == "" {
			return nil, &SchemaError{Msg: "no type name given, and the schema has no title"}
		}
	}
	t, _, err := c.convertTarget(doc.root)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// snode is one JSON value of a schema document, with its object keys in
// document order (property order becomes field order) and its location.
type snode struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys  []string
	vals  []*snode
	elems []*snode
	str   string // string value, or number text
	b     bool
	doc   *schemaDoc
	ptr   string
}

func (n *snode) get(key string) *snode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

func (n *snode) str1(key string) string {
	if v := n.get(key); v != nil && v.kind == 's' {
		return v.str
	}
	return ""
}

// appendJSON writes n as compact JSON, keys in document order.
func (n *snode) appendJSON(dst []byte) []byte {
	switch n.kind {
	case 'o':
		dst = append(dst, '{')
		for i, k := range n.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSONString(dst, k)
			dst = append(dst, ':')
			dst = n.vals[i].appendJSON(dst)
		}
		return append(dst, '}')
	case 'a':
		dst = append(dst, '[')
		for i, e := range n.elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.appendJSON(dst)
		}
		return append(dst, ']')
	case 's':
		return AppendJSONString(dst, n.str)
	case 'n':
		return append(dst, n.str...)
	case 'b':
		return strconv.AppendBool(dst, n.b)
	}
	return append(dst, "null"...)
}

type schemaDoc struct {
	path    string
	root    *snode
	anchors map[string]*snode
}

type convResult struct {
	t        *Type
	nullable bool
}

type schemaConv struct {
	rootName string
	named    func(string) *Type
	resolve  func(string) ([]byte, error)
	docs     map[string]*schemaDoc
	// done holds the finished conversion of every schema reached through
	// $ref, and every object type as soon as it is created (before its
	// fields), which is what makes recursive schemas terminate.
	done     map[*snode]convResult
	building map[*snode]bool
	names    map[string]*snode
	depth    int
}

func (c *schemaConv) errAt(n *snode, format string, args ...any) error {
	e := &SchemaError{Type: c.rootName, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.File, e.Pointer = n.doc.path, n.ptr
	}
	return e
}

const maxSchemaDepth = 256

func (c *schemaConv) parseDoc(p string, data []byte) (*schemaDoc, error) {
	doc := &schemaDoc{path: p, anchors: map[string]*snode{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := parseSnode(dec, doc, "", 0)
	if err != nil {
		var se *SchemaError
		if errors.As(err, &se) {
			se.Type = c.rootName
			return nil, se
		}
		return nil, &SchemaError{Type: c.rootName, File: p, Msg: "invalid JSON: " + err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &SchemaError{Type: c.rootName, File: p, Msg: "invalid JSON: data after the schema"}
	}
	doc.root = root
	c.docs[p] = doc
	return doc, nil
}

func parseSnode(dec *json.Decoder, doc *schemaDoc, ptr string, depth int) (*snode, error) {
	if depth > maxSchemaDepth {
		return nil, &SchemaError{File: doc.path, Pointer: ptr, Msg: "nested too deeply"}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	n := &snode{doc: doc, ptr: ptr}
	switch x := tok.(type) {
	case json.Delim:
		switch x {
		case '{':
			n.kind = 'o'
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if slices.Contains(n.keys, k) {
					return nil, &SchemaError{File: doc.path, Pointer: ptr, Msg: fmt.Sprintf("duplicate key %q", k)}
				}
				v, err := parseSnode(dec, doc, ptr+"/"+escapePointer(k), depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, v)
			}
			if a := n.str1("$anchor"); a != "" {
				doc.anchors[a] = n
			}
			if id := n.str1("$id"); strings.HasPrefix(id, "#") && len(id) > 1 {
				doc.anchors[id[1:]] = n
			}
		case '[':
			n.kind = 'a'
			for i := 0; dec.More(); i++ {
				v, err := parseSnode(dec, doc, ptr+"/"+strconv.Itoa(i), depth+1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, v)
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.kind, n.str = 's', x
	case json.Number:
		n.kind, n.str = 'n', string(x)
	case bool:
		n.kind, n.b = 'b', x
	case nil:
		n.kind = 'z'
	}
	return n, nil
}

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func unescapePointer(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
}

// deref resolves the $ref value ref found in n.
func (c *schemaConv) deref(n *snode, refNode *snode) (*snode, error) {
	if refNode.kind != 's' {
		return nil, c.errAt(refNode, "$ref must be a string")
	}
	ref := refNode.str
	file, frag, _ := strings.Cut(ref, "#")
	doc := n.doc
	if file != "" {
		p := file
		if !strings.Contains(file, "://") && !strings.HasPrefix(file, "/") {
			p = path.Join(path.Dir(n.doc.path), file)
		}
		if d, ok := c.docs[p]; ok {
			doc = d
		} else {
			if c.resolve == nil {
				return nil, c.errAt(refNode, "cannot resolve $ref %q: no resolver for other documents", ref)
			}
			data, err := c.resolve(p)
			if err != nil {
				return nil, c.errAt(refNode, "cannot resolve $ref %q: %v", ref, err)
			}
			if doc, err = c.parseDoc(p, data); err != nil {
				return nil, err
			}
		}
	}
	frag, err := url.PathUnescape(frag)
	if err != nil {
		return nil, c.errAt(refNode, "$ref %q: bad fragment: %v", ref, err)
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		if a, ok := doc.anchors[frag]; ok {
			return a, nil
		}
		return nil, c.errAt(refNode, "$ref %q: no anchor %q in %s", ref, frag, docLabel(doc))
	}
	cur := doc.root
	if frag != "" {
		for seg := range strings.SplitSeq(frag[1:], "/") {
			seg = unescapePointer(seg)
			var next *snode
			switch cur.kind {
			case 'o':
				next = cur.get(seg)
			case 'a':
				if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(cur.elems) {
					next = cur.elems[i]
				}
			}
			if next == nil {
				return nil, c.errAt(refNode, "$ref %q does not resolve: %s has no %q", ref, docLabel(doc), seg)
			}
			cur = next
		}
	}
	return cur, nil
}

func docLabel(d *schemaDoc) string {
	if d.path == "" {
		return "the root schema"
	}
	return d.path
}

// convertTarget converts a schema reached through $ref (or the root),
// named after its location, and remembers the result.
func (c *schemaConv) convertTarget(n *snode) (*Type, bool, error) {
	if r, ok := c.done[n]; ok {
		return r.t, r.nullable, nil
	}
	if c.building[n] {
		// A cycle that did not pass through an object type.
		return AnyType, false, nil
	}
	c.building[n] = true
	t, nullable, err := c.convert(n, c.targetName(n))
	delete(c.building, n)
	if err != nil {
		return nil, false, err
	}
	c.done[n] = convResult{t, nullable}
	return t, nullable, nil
}

// targetName derives the name of a $ref target from where it sits.
func (c *schemaConv) targetName(n *snode) string {
	if n.ptr == "" {
		if n.doc.path == "" {
			return c.rootName
		}
		base := path.Base(n.doc.path)
		if i := strings.IndexByte(base, '.'); i > 0 {
			base = base[:i]
		}
		if t := n.str1("title"); isIdent(t) {
			base = t
		}
		return c.rootName + "." + base
	}
	segs := strings.Split(n.ptr[1:], "/")
	if len(segs) == 2 && (segs[0] == "$defs" || segs[0] == "definitions") {
		return c.rootName + "." + unescapePointer(segs[1])
	}
	// Any other location: its property path, as if it had been reached
	// inline.
	name := c.rootName
	if n.doc.path != "" {
		name = c.targetName(n.doc.root)
	}
	for i := 0; i < len(segs); i++ {
		switch segs[i] {
		case "properties", "$defs", "definitions", "patternProperties", "dependentSchemas":
			if i+1 < len(segs) {
				name += "." + unescapePointer(segs[i+1])
				i++
			}
		case "allOf", "anyOf", "oneOf", "prefixItems":
			i++ // skip the index
		}
	}
	return name
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// claim reserves a type name for the schema n, adding a suffix when another
// schema already has it.
func (c *schemaConv) claim(name string, n *snode) string {
	for i := 1; ; i++ {
		cand := name
		if i > 1 {
			cand = fmt.Sprintf("%s_%d", name, i)
		}
		if owner, ok := c.names[cand]; !ok || owner == n {
			c.names[cand] = n
			return cand
		}
	}
}

// jsonTypes reads the "type" keyword: the listed type names, and whether
// null is among them. A nil list means the keyword is absent.
func (c *schemaConv) jsonTypes(n *snode) ([]string, bool, error) {
	tn := n.get("type")
	if tn == nil {
		return nil, false, nil
	}
	var names []string
	switch tn.kind {
	case 's':
		names = []string{tn.str}
	case 'a':
		for _, e := range tn.elems {
			if e.kind != 's' {
				return nil, false, c.errAt(e, "type must be a string or an array of strings")
			}
			names = append(names, e.str)
		}
	default:
		return nil, false, c.errAt(tn, "type must be a string or an array of strings")
	}
	var out []string
	nullable := false
	for _, s := range names {
		switch s {
		case "null":
			nullable = true
		case "string", "integer", "number", "boolean", "object", "array":
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		default:
			return nil, false, c.errAt(tn, "unknown type %q (want string, integer, number, boolean, object, array or null)", s)
		}
	}
	if out == nil {
		out = []string{"null"}
	}
	return out, nullable, nil
}

// convert converts the schema n; name is the type name n gets if it turns
// out to be an inline object type.
// namedRef reports whether a schema is only a reference to a named type
// (x-transload-type, with a description or nullable at most), and the
// known type of that name (nil when none is known).
func (c *schemaConv) namedRef(n *snode) (*Type, bool) {
	x := n.str1(SchemaTypeKeyword)
	if x == "" || c.named == nil {
		return nil, false
	}
	for _, k := range n.keys {
		switch k {
		case SchemaTypeKeyword, "description", "nullable", "title":
		default:
			return nil, false
		}
	}
	return c.named(x), true
}

func (c *schemaConv) convert(n *snode, name string) (*Type, bool, error) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxSchemaDepth {
		return nil, false, c.errAt(n, "schema nested too deeply")
	}
	switch n.kind {
	case 'b':
		return AnyType, false, nil // true: anything; false: nothing, which no payload has
	case 'o':
	default:
		return nil, false, c.errAt(n, "a schema must be an object or a boolean")
	}
	nullable := false
	if nn := n.get("nullable"); nn != nil && nn.kind == 'b' && nn.b { // OpenAPI 3.0
		nullable = true
	}
	if k := n.get(SchemaKindKeyword); k != nil {
		t, err := c.kindType(n, k)
		return t, nullable, err
	}
	if t, isRef := c.namedRef(n); isRef {
		if t == nil {
			return nil, false, c.errAt(n, "%s names type %q, which is not declared here (import the module that declares it)", SchemaTypeKeyword, n.str1(SchemaTypeKeyword))
		}
		return t, nullable, nil
	}
	if ref := n.get("$ref"); ref != nil {
		target, err := c.deref(n, ref)
		if err != nil {
			return nil, false, err
		}
		t, tn, err := c.convertTarget(target)
		return t, nullable || tn, err
	}
	types, tnull, err := c.jsonTypes(n)
	if err != nil {
		return nil, false, err
	}
	nullable = nullable || tnull
	if all := n.get("allOf"); all != nil {
		t, err := c.allOf(n, all, name, types)
		return t, nullable, err
	}
	if types == nil {
		for _, kw := range []string{"oneOf", "anyOf"} {
			if alts := n.get(kw); alts != nil {
				t, an, err := c.union(n, alts, name)
				return t, nullable || an, err
			}
		}
		types = inferTypes(n)
	}
	if len(types) > 1 {
		if len(types) == 2 && slices.Contains(types, "integer") && slices.Contains(types, "number") {
			types = []string{"number"}
		} else {
			return AnyType, nullable, nil
		}
	}
	if len(types) == 0 {
		if en := n.get("enum"); en != nil && en.kind == 'a' && slices.ContainsFunc(en.elems, func(e *snode) bool { return e.kind == 'z' }) {
			nullable = true
		}
		return AnyType, nullable, nil
	}
	t, err := c.typed(n, types[0], name)
	if err == nil && types[0] == "string" {
		if en := n.get("enum"); en != nil && en.kind == 'a' && slices.ContainsFunc(en.elems, func(e *snode) bool { return e.kind == 'z' }) {
			nullable = true
		}
	}
	return t, nullable, err
}

// inferTypes guesses the type of a schema without "type" from its
// keywords: properties mean an object, items an array, an enum or const the
// type of its values.
func inferTypes(n *snode) []string {
	switch {
	case n.get("properties") != nil || n.get("additionalProperties") != nil || n.get("required") != nil:
		return []string{"object"}
	case n.get("items") != nil || n.get("prefixItems") != nil:
		return []string{"array"}
	}
	var vals []*snode
	if en := n.get("enum"); en != nil && en.kind == 'a' {
		vals = en.elems
	} else if cn := n.get("const"); cn != nil {
		vals = []*snode{cn}
	}
	var out []string
	for _, v := range vals {
		var s string
		switch v.kind {
		case 's':
			s = "string"
		case 'n':
			s = "number"
			if !strings.ContainsAny(v.str, ".eE") {
				s = "integer"
			}
		case 'b':
			s = "boolean"
		case 'o':
			s = "object"
		case 'a':
			s = "array"
		default:
			continue
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (c *schemaConv) kindType(n, k *snode) (*Type, error) {
	if k.kind != 's' {
		return nil, c.errAt(k, "%s must be a string", SchemaKindKeyword)
	}
	switch k.str {
	case "money":
		return MoneyType, nil
	case "quantity":
		return QuantityType, nil
	case "decimal":
		return DecimalType, nil
	case "timestamp":
		return TimestampType, nil
	case "any":
		return AnyType, nil
	case "double":
		return DoubleType, nil
	case "duration":
		return DurationType, nil
	case "bytes":
		return BytesType, nil
	}
	return nil, c.errAt(k, "unknown %s %q (want money, quantity, decimal, timestamp, any, double, duration or bytes)", SchemaKindKeyword, k.str)
}

// typed converts n as a schema of the single JSON type jt.
func (c *schemaConv) typed(n *snode, jt, name string) (*Type, error) {
	switch jt {
	case "null":
		return NullType, nil
	case "boolean":
		return BoolType, nil
	case "integer":
		return IntType, nil
	case "number":
		return DecimalType, nil
	case "string":
		return c.stringType(n)
	case "array":
		return c.arrayType(n, name)
	case "object":
		return c.objectType(n, name, nil)
	}
	return nil, c.errAt(n, "unknown type %q", jt)
}

func (c *schemaConv) uintKeyword(n *snode, key string) (uint64, error) {
	v := n.get(key)
	if v == nil {
		return 0, nil
	}
	if v.kind != 'n' {
		return 0, c.errAt(v, "%s must be a non-negative integer", key)
	}
	u, err := strconv.ParseUint(strings.TrimSuffix(v.str, ".0"), 10, 64)
	if err != nil {
		return 0, c.errAt(v, "%s must be a non-negative integer", key)
	}
	return u, nil
}

func (c *schemaConv) stringType(n *snode) (*Type, error) {
	maxLen, err := c.uintKeyword(n, "maxLength")
	if err != nil {
		return nil, err
	}
	var enum []string
	if en := n.get("enum"); en != nil {
		if en.kind != 'a' {
			return nil, c.errAt(en, "enum must be an array")
		}
		for _, e := range en.elems {
			if e.kind == 's' {
				enum = append(enum, e.str)
			}
		}
	}
	named := ""
	if x := n.str1(SchemaTypeKeyword); x != "" {
		named = c.claim(x, n)
	} else if enum != nil && (strings.HasPrefix(n.ptr, "/$defs/") || strings.HasPrefix(n.ptr, "/definitions/")) && strings.Count(n.ptr, "/") == 2 {
		named = c.claim(c.targetName(n), n)
	}
	if maxLen == 0 && enum == nil && named == "" {
		return StringType, nil
	}
	return &Type{Kind: KindString, Name: named, Enum: enum, MaxLength: maxLen, Doc: n.str1("description")}, nil
}

func (c *schemaConv) arrayType(n *snode, name string) (*Type, error) {
	maxItems, err := c.uintKeyword(n, "maxItems")
	if err != nil {
		return nil, err
	}
	elem := AnyType
	if items := n.get("items"); items != nil && items.kind != 'a' { // an array of schemas is a tuple (draft 7): dyn
		if elem, _, err = c.convert(items, name); err != nil {
			return nil, err
		}
	}
	t := ListOf(elem)
	t.MaxItems = maxItems
	return t, nil
}

// objectType converts an object schema. merged, when not nil, lists the
// further schemas (allOf members) whose properties and required lists
// join n's.
func (c *schemaConv) objectType(n *snode, name string, merged []*snode) (*Type, error) {
	if r, ok := c.done[n]; ok && r.t.Kind == KindObject {
		return r.t, nil
	}
	parts := append([]*snode{n}, merged...)
	hasProps := false
	for _, p := range parts {
		props := p.get("properties")
		if props == nil {
			continue
		}
		if props.kind != 'o' {
			return nil, c.errAt(props, "properties must be an object")
		}
		if len(props.keys) > 0 {
			hasProps = true
		}
	}
	if !hasProps {
		maxProps, err := c.uintKeyword(n, "maxProperties")
		if err != nil {
			return nil, err
		}
		for _, p := range parts {
			ap := p.get("additionalProperties")
			if ap == nil || ap.kind == 'b' {
				continue
			}
			elem, _, err := c.convert(ap, name)
			if err != nil {
				return nil, err
			}
			t := MapOf(elem)
			t.MaxItems = maxProps
			return t, nil
		}
		if ap := n.get("additionalProperties"); ap == nil || ap.kind != 'b' || ap.b {
			t := MapOf(AnyType)
			t.MaxItems = maxProps
			return t, nil
		}
		// additionalProperties false and no properties: always empty.
	}
	isRoot := n.doc.path == "" && n.ptr == ""
	if x := n.str1(SchemaTypeKeyword); x != "" && !isRoot {
		name = x
	} else if t := n.str1("title"); isIdent(t) && n.ptr != "" && !strings.HasPrefix(n.ptr, "/$defs/") && !strings.HasPrefix(n.ptr, "/definitions/") {
		name = c.rootName + "." + t
	}
	t := ObjectType(c.claim(name, n))
	t.Doc = n.str1("description")
	c.done[n] = convResult{t: t}
	required := map[string]bool{}
	for _, p := range parts {
		req := p.get("required")
		if req == nil {
			continue
		}
		if req.kind != 'a' {
			return nil, c.errAt(req, "required must be an array of strings")
		}
		for _, e := range req.elems {
			if e.kind != 's' {
				return nil, c.errAt(e, "required must be an array of strings")
			}
			required[e.str] = true
		}
	}
	for _, p := range parts {
		props := p.get("properties")
		if props == nil {
			continue
		}
		for i, key := range props.keys {
			if t.Field(key) != nil {
				continue // allOf: the first declaration wins
			}
			pn := props.vals[i]
			ft, fnull, err := c.convert(pn, t.Name+"."+key)
			if err != nil {
				return nil, err
			}
			f := &Field{Name: key, Type: ft, Required: required[key] && !fnull}
			// A bare $ref to a type without a doc of its own (a decimal
			// amount, say) lends the field its description and examples.
			doc := pn
			if ref := pn.get("$ref"); ref != nil && pn.get("description") == nil && ft.Doc == "" {
				if target, err := c.deref(pn, ref); err == nil {
					doc = target
				}
			}
			f.Doc = doc.str1("description")
			if ex := doc.get("examples"); ex != nil && ex.kind == 'a' && len(ex.elems) > 0 {
				f.Example = string(ex.elems[0].appendJSON(nil))
			} else if ex := doc.get("example"); ex != nil {
				f.Example = string(ex.appendJSON(nil))
			}
			t.AddField(f)
		}
	}
	return t, nil
}

// allOf converts a schema with allOf: the properties of object members are
// merged; otherwise the first member that says something is the type.
func (c *schemaConv) allOf(n, all *snode, name string, types []string) (*Type, error) {
	if all.kind != 'a' {
		return nil, c.errAt(all, "allOf must be an array of schemas")
	}
	var members []*snode
	seen := map[*snode]bool{n: true}
	var collect func(m *snode) error
	collect = func(m *snode) error {
		for len(seen) < 1000 {
			if seen[m] {
				return nil
			}
			seen[m] = true
			ref := m.get("$ref")
			if ref == nil {
				break
			}
			target, err := c.deref(m, ref)
			if err != nil {
				return err
			}
			if target.get(SchemaKindKeyword) != nil {
				break
			}
			m = target
		}
		members = append(members, m)
		if sub := m.get("allOf"); sub != nil && sub.kind == 'a' {
			for _, s := range sub.elems {
				if err := collect(s); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, m := range all.elems {
		if err := collect(m); err != nil {
			return nil, err
		}
	}
	isObject := slices.Contains(types, "object") || n.get("properties") != nil
	for _, m := range members {
		if m.kind != 'o' {
			continue
		}
		mt, _, err := c.jsonTypes(m)
		if err != nil {
			return nil, err
		}
		if slices.Contains(mt, "object") || m.get("properties") != nil {
			isObject = true
		}
	}
	if isObject {
		var objs []*snode
		for _, m := range members {
			if m.kind == 'o' && m.get(SchemaKindKeyword) == nil {
				objs = append(objs, m)
			}
		}
		return c.objectType(n, name, objs)
	}
	if len(types) == 1 {
		return c.typed(n, types[0], name)
	}
	for _, m := range members {
		t, _, err := c.convert(m, name)
		if err != nil {
			return nil, err
		}
		if t.Kind != KindAny {
			return t, nil
		}
	}
	return AnyType, nil
}

// union converts oneOf/anyOf: null alternatives make the result nullable;
// one remaining type (or several equal ones) is the type, otherwise dyn.
func (c *schemaConv) union(n, alts *snode, name string) (*Type, bool, error) {
	if alts.kind != 'a' {
		return nil, false, c.errAt(alts, "oneOf and anyOf must be arrays of schemas")
	}
	nullable := false
	var ts []*Type
	for _, a := range alts.elems {
		t, an, err := c.convert(a, name)
		if err != nil {
			return nil, false, err
		}
		nullable = nullable || an
		if t.Kind == KindNull {
			nullable = true
			continue
		}
		ts = append(ts, t)
	}
	switch {
	case len(ts) == 0:
		return AnyType, nullable, nil
	case len(ts) == 1:
		return ts[0], nullable, nil
	}
	for _, t := range ts[1:] {
		if !t.Equal(ts[0]) {
			return AnyType, nullable, nil
		}
	}
	return ts[0], nullable, nil
}

// JSONSchemaFromType renders t as a JSON Schema (draft 2020-12) document
// for reference documentation. The root object type is the document
// itself; every other named object type (and named string type) reachable
// from it is in $defs under its full name and referenced from its uses.
// Builtin types carry the x-transload-kind extension: money is an object
// {"amount": decimal string, "currency": ISO 4217 code}, quantity {"value",
// "uom"}, decimal a JSON number, timestamp an RFC 3339 string. Named types
// carry x-transload-type, so that TypeFromJSONSchema of the output gives
// back the same names. The output is deterministic: keys sorted, indented
// by two spaces.
func JSONSchemaFromType(t *Type) ([]byte, error) {
	if t == nil {
		return nil, errors.New("json schema: nil type")
	}
	g := &schemaGen{root: t, defs: map[string]any{}, byName: map[string]*Type{}}
	var doc map[string]any
	var err error
	if t.Kind == KindObject && t.Name != "" {
		g.byName[t.Name] = t
		doc, err = g.definition(t)
	} else {
		doc, err = g.schema(t)
	}
	if err != nil {
		return nil, err
	}
	doc["$schema"] = schemaDraft
	if len(g.defs) > 0 {
		doc["$defs"] = g.defs
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type schemaGen struct {
	root   *Type
	defs   map[string]any
	byName map[string]*Type
}

const decimalPattern = `^[-+]?[0-9]+(\.[0-9]+)?$`

func (g *schemaGen) schema(t *Type) (map[string]any, error) {
	if t == nil {
		return nil, errors.New("json schema: nil type")
	}
	switch t.Kind {
	case KindAny:
		return map[string]any{}, nil
	case KindNull:
		return map[string]any{"type": "null"}, nil
	case KindBool:
		return map[string]any{"type": "boolean"}, nil
	case KindInt:
		return map[string]any{"type": "integer"}, nil
	case KindDouble:
		return map[string]any{"type": "number", SchemaKindKeyword: "double"}, nil
	case KindDecimal:
		return map[string]any{"type": "number", SchemaKindKeyword: "decimal"}, nil
	case KindBytes:
		return map[string]any{"type": "string", "contentEncoding": "base64", SchemaKindKeyword: "bytes"}, nil
	case KindTimestamp:
		return map[string]any{"type": "string", "format": "date-time", SchemaKindKeyword: "timestamp"}, nil
	case KindDuration:
		return map[string]any{"type": "string", SchemaKindKeyword: "duration"}, nil
	case KindMoney:
		return map[string]any{
			"type": "object", SchemaKindKeyword: "money",
			"properties": map[string]any{
				"amount":   map[string]any{"type": "string", "pattern": decimalPattern, "description": "Decimal amount with exactly the currency's minor units."},
				"currency": map[string]any{"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 alphabetic code."},
			},
			"required": []string{"amount", "currency"},
		}, nil
	case KindQuantity:
		return map[string]any{
			"type": "object", SchemaKindKeyword: "quantity",
			"properties": map[string]any{
				"uom":   map[string]any{"type": "string", "description": "UN/ECE Recommendation 20 unit code."},
				"value": map[string]any{"type": "string", "pattern": decimalPattern, "description": "Decimal amount of the unit."},
			},
			"required": []string{"uom", "value"},
		}, nil
	case KindString:
		if t.Name != "" {
			return g.ref(t)
		}
		return stringSchema(t), nil
	case KindList:
		items, err := g.schema(t.Elem)
		if err != nil {
			return nil, err
		}
		s := map[string]any{"type": "array", "items": items}
		if t.MaxItems > 0 {
			s["maxItems"] = t.MaxItems
		}
		return s, nil
	case KindMap:
		vals, err := g.schema(t.Elem)
		if err != nil {
			return nil, err
		}
		s := map[string]any{"type": "object", "additionalProperties": vals}
		if t.MaxItems > 0 {
			s["maxProperties"] = t.MaxItems
		}
		return s, nil
	case KindObject:
		if t.Name == "" {
			return g.objectSchema(t)
		}
		return g.ref(t)
	}
	return nil, fmt.Errorf("json schema: type %s has no JSON Schema form", t)
}

func stringSchema(t *Type) map[string]any {
	s := map[string]any{"type": "string"}
	if len(t.Enum) > 0 {
		s["enum"] = t.Enum
	}
	if t.MaxLength > 0 {
		s["maxLength"] = t.MaxLength
	}
	return s
}

// ref returns a reference to the named type t, defining it in $defs on
// first use.
func (g *schemaGen) ref(t *Type) (map[string]any, error) {
	if prev, ok := g.byName[t.Name]; ok && prev != t && !(prev.Kind == KindString && t.Kind == KindString && slices.Equal(prev.Enum, t.Enum)) {
		return nil, fmt.Errorf("json schema: two different types are named %s", t.Name)
	}
	if t == g.root {
		return map[string]any{"$ref": "#"}, nil
	}
	if _, ok := g.byName[t.Name]; !ok {
		g.byName[t.Name] = t
		d, err := g.definition(t)
		if err != nil {
			return nil, err
		}
		g.defs[t.Name] = d
	}
	// A JSON pointer in a URI fragment: "~1" for '/', then percent-encoded.
	return map[string]any{"$ref": "#/$defs/" + url.PathEscape(escapePointer(t.Name))}, nil
}

func (g *schemaGen) definition(t *Type) (map[string]any, error) {
	var s map[string]any
	if t.Kind == KindString {
		s = stringSchema(t)
	} else {
		var err error
		if s, err = g.objectSchema(t); err != nil {
			return nil, err
		}
	}
	s["title"] = t.Name
	s[SchemaTypeKeyword] = t.Name
	if t.Doc != "" {
		s["description"] = t.Doc
	}
	return s, nil
}

func (g *schemaGen) objectSchema(t *Type) (map[string]any, error) {
	props := map[string]any{}
	var required []string
	for _, f := range t.Fields {
		fs, err := g.schema(f.Type)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name, f.Name, err)
		}
		if f.Doc != "" {
			fs["description"] = f.Doc
		}
		if f.Example != "" {
			if json.Valid([]byte(f.Example)) {
				fs["examples"] = []any{json.RawMessage(f.Example)}
			} else {
				fs["examples"] = []any{f.Example}
			}
		}
		props[f.Name] = fs
		if f.Required {
			required = append(required, f.Name)
		}
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		slices.Sort(required)
		s["required"] = required
	}
	return s, nil
}
