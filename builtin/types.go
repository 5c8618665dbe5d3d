package builtin

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Kind is the shape of a value as both dialects see it.
type Kind uint8

// The kinds a value can have. Each kind has exactly one native Go
// representation, listed here, which every builtin, codec and connector uses:
// builtins never see a dialect's own value types.
const (
	KindAny       Kind = iota // any of the representations below
	KindNull                  // nil
	KindBool                  // bool
	KindInt                   // int64
	KindDouble                // float64 (never money: see KindDecimal)
	KindString                // string
	KindBytes                 // []byte
	KindDecimal               // Decimal
	KindMoney                 // Money
	KindQuantity              // Quantity
	KindTimestamp             // time.Time
	KindDuration              // time.Duration
	KindList                  // []any
	KindMap                   // map[string]any, keys are strings
	KindObject                // map[string]any with the fields of a named type
	KindTable                 // *Table, rows of Elem keyed by a column
)

var kindNames = [...]string{
	KindAny: "dyn", KindNull: "null", KindBool: "bool", KindInt: "int", KindDouble: "double",
	KindString: "string", KindBytes: "bytes", KindDecimal: "decimal", KindMoney: "money",
	KindQuantity: "quantity", KindTimestamp: "timestamp", KindDuration: "duration",
	KindList: "list", KindMap: "map", KindObject: "object", KindTable: "table",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Type describes the values an expression reads or produces. Types are
// values: compare them with Equal, not ==, except for the predeclared
// scalar types, which are shared.
//
// Object types are named ("commerce.Order", "shopify.Order.line_items") and
// have fields. Their runtime representation is map[string]any keyed by field
// name, so a document decoded from JSON, built by a mapping or read back from
// the store is the same value in both dialects.
type Type struct {
	Kind Kind
	// Name is set for object types, and for scalar types that carry a
	// documentation name (a named string such as "commerce.Channel").
	Name string
	// Elem is the element type of a list or the value type of a map.
	Elem *Type
	// Fields are the fields of an object type, in declaration order.
	Fields []*Field
	// Doc is one sentence for reference documentation.
	Doc string
	// Enum lists the allowed values of a string type, if restricted.
	Enum []string
	// MaxLength and MaxItems bound strings and lists for cost estimation;
	// zero means the engine default.
	MaxLength uint64
	MaxItems  uint64

	fieldIndex map[string]*Field
}

// Field is one field of an object type.
type Field struct {
	Name     string
	Type     *Type
	Required bool
	Doc      string
	// Example is an example value, as JSON text, for documentation.
	Example string
}

// The predeclared scalar types.
var (
	AnyType       = &Type{Kind: KindAny}
	NullType      = &Type{Kind: KindNull}
	BoolType      = &Type{Kind: KindBool}
	IntType       = &Type{Kind: KindInt}
	DoubleType    = &Type{Kind: KindDouble}
	StringType    = &Type{Kind: KindString}
	BytesType     = &Type{Kind: KindBytes}
	DecimalType   = &Type{Kind: KindDecimal}
	MoneyType     = &Type{Kind: KindMoney}
	QuantityType  = &Type{Kind: KindQuantity}
	TimestampType = &Type{Kind: KindTimestamp}
	DurationType  = &Type{Kind: KindDuration}
)

// ListOf returns the type of lists of elem.
func ListOf(elem *Type) *Type { return &Type{Kind: KindList, Elem: elem} }

// MapOf returns the type of string-keyed maps of elem.
func MapOf(elem *Type) *Type { return &Type{Kind: KindMap, Elem: elem} }

// TableOf returns the type of a lookup table whose rows are row objects.
func TableOf(row *Type) *Type { return &Type{Kind: KindTable, Elem: row} }

// ObjectType returns a named object type with the given fields.
func ObjectType(name string, fields ...*Field) *Type {
	t := &Type{Kind: KindObject, Name: name, Fields: fields}
	t.index()
	return t
}

// EnumType returns a string type restricted to values.
func EnumType(name string, values ...string) *Type {
	return &Type{Kind: KindString, Name: name, Enum: values}
}

func (t *Type) index() {
	t.fieldIndex = make(map[string]*Field, len(t.Fields))
	for _, f := range t.Fields {
		t.fieldIndex[f.Name] = f
	}
}

// AddField appends a field to an object type. It is for builders that
// construct a type before all of its fields are known (recursive schemas).
func (t *Type) AddField(f *Field) {
	t.Fields = append(t.Fields, f)
	if t.fieldIndex == nil {
		t.fieldIndex = map[string]*Field{}
	}
	t.fieldIndex[f.Name] = f
}

// Field returns the field called name, or nil.
func (t *Type) Field(name string) *Field {
	if t == nil || t.Kind != KindObject {
		return nil
	}
	if t.fieldIndex == nil {
		t.index()
	}
	return t.fieldIndex[name]
}

// FieldNames lists the field names of an object type in declaration order.
func (t *Type) FieldNames() []string {
	names := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		names[i] = f.Name
	}
	return names
}

// String renders the type as users write it: "list(commerce.OrderLine)".
func (t *Type) String() string {
	if t == nil {
		return "<nil>"
	}
	switch t.Kind {
	case KindList:
		return "list(" + t.Elem.String() + ")"
	case KindMap:
		return "map(string, " + t.Elem.String() + ")"
	case KindTable:
		return "table(" + t.Elem.String() + ")"
	case KindObject:
		return t.Name
	}
	if t.Kind == typeParamKind {
		return t.Name
	}
	return t.Kind.String()
}

// Equal reports whether two types describe the same values.
func (t *Type) Equal(o *Type) bool {
	if t == o {
		return true
	}
	if t == nil || o == nil || t.Kind != o.Kind {
		return false
	}
	switch t.Kind {
	case KindList, KindMap, KindTable:
		return t.Elem.Equal(o.Elem)
	case KindObject:
		return t.Name == o.Name
	}
	return true
}

// AssignableFrom reports whether a value of type from may be stored where t
// is expected. dyn goes both ways (checked again at run time); null goes
// anywhere; an object goes into a map of dyn; lists and maps are covariant.
func (t *Type) AssignableFrom(from *Type) bool {
	if t.Kind == KindAny || from.Kind == KindAny || from.Kind == KindNull {
		return true
	}
	switch t.Kind {
	case KindList:
		return from.Kind == KindList && t.Elem.AssignableFrom(from.Elem)
	case KindMap:
		if from.Kind == KindObject {
			return t.Elem.Kind == KindAny
		}
		return from.Kind == KindMap && t.Elem.AssignableFrom(from.Elem)
	case KindObject:
		if from.Kind == KindMap {
			// A map literal or a dyn map: its keys are checked when the
			// expression is a literal, and at run time otherwise.
			return true
		}
		return from.Kind == KindObject && t.Name == from.Name
	}
	return t.Kind == from.Kind
}

// Types is a set of named object types: the input schemas of flows, the
// canonical model, and the types mapping modules declare. It is built once
// per load and read concurrently afterwards.
type Types struct {
	mu     sync.RWMutex
	byName map[string]*Type
}

// NewTypes returns an empty set of named types.
func NewTypes() *Types { return &Types{byName: map[string]*Type{}} }

// Add registers t and, recursively, every named object type it refers to.
// Adding two different types under one name is an error.
func (ts *Types) Add(t *Type) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.add(t, map[*Type]bool{})
}

func (ts *Types) add(t *Type, seen map[*Type]bool) error {
	if t == nil || seen[t] {
		return nil
	}
	seen[t] = true
	switch t.Kind {
	case KindList, KindMap, KindTable:
		return ts.add(t.Elem, seen)
	case KindObject:
		if prev, ok := ts.byName[t.Name]; ok && prev != t {
			return fmt.Errorf("type %q is defined twice", t.Name)
		}
		ts.byName[t.Name] = t
		for _, f := range t.Fields {
			if err := ts.add(f.Type, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// Merge adds every type of other.
func (ts *Types) Merge(other *Types) error {
	for _, name := range other.Names() {
		if err := ts.Add(other.Lookup(name)); err != nil {
			return err
		}
	}
	return nil
}

// Lookup returns the named type, or nil.
func (ts *Types) Lookup(name string) *Type {
	if ts == nil {
		return nil
	}
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	return ts.byName[name]
}

// Names lists the registered type names, sorted.
func (ts *Types) Names() []string {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	names := make([]string, 0, len(ts.byName))
	for n := range ts.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Clone returns a copy that can be extended without changing ts.
func (ts *Types) Clone() *Types {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	c := NewTypes()
	for k, v := range ts.byName {
		c.byName[k] = v
	}
	return c
}

// Suggest returns the candidate closest to name, for "did you mean"
// details, or "" when none is close.
func Suggest(name string, candidates []string) string {
	best, bestDist := "", len(name)/2+2
	for _, c := range candidates {
		if d := levenshtein(strings.ToLower(name), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
