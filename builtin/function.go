package builtin

import (
	"fmt"
	"sort"
	"strings"
)

// Function is one builtin function, as an engineer declares it and an analyst
// reads it in docs/builtins.md. One declaration serves both dialects: the
// engine derives the CEL declaration, the expr declaration and the cost model
// from it.
//
// Operators are functions too: a Function named "_+_" adds overloads to "+"
// (the CEL operator names, see the Op constants).
type Function struct {
	// Name is how expressions call the function: snake_case, unique across
	// the libraries of a registry ("parse_time").
	Name string
	// Doc is one or more full sentences: what the function does and what
	// makes it fail.
	Doc string
	// Overloads are the accepted signatures. At least one.
	Overloads []Overload
	// Examples are evaluated by the library tests in both dialects and
	// printed in the docs. At least one.
	Examples []Example
	// Since is the library version that introduced the function (1 if
	// unset).
	Since int
}

// Overload is one signature of a Function.
type Overload struct {
	Params []*Type
	Result *Type
	// Impl computes the result from native argument values (see Kind for
	// the representation of each type). It must not do I/O, must not keep
	// references to mutable arguments, and must return *Error for problems
	// with the input so that dead letters carry a reason code.
	Impl func(args []any) (any, error)
	// Cost is what one call costs; zero means Fixed 1.
	Cost Cost
}

// Example is one call with the value it returns or the reason code it fails
// with.
type Example struct {
	// Expr is written so that it parses in both dialects: function calls,
	// single-quoted strings, integer and list literals.
	Expr string
	// Want is the result as canonical JSON (Money renders as
	// {"amount":"12.30","currency":"USD"}, Decimal as a JSON number, time as
	// an RFC 3339 string). Empty when Err is set.
	Want string
	// Err is the reason code the call fails with, if it is an error example.
	Err string
}

// Cost is what a call costs, in CEL cost units (one unit is about a field
// selection). It feeds both the load-time estimate (which rejects
// expressions whose worst case is above the limit) and the runtime limit.
type Cost struct {
	// Fixed is the cost of a call whatever its arguments.
	Fixed uint64
	// PerSize is added per unit of size (characters of a string, elements of
	// a list) of the arguments, summed.
	PerSize float64
	// ResultSizeOfArgs says the result is at most as large as the sum of the
	// argument sizes (string functions like trim, lower); when false the
	// result size is taken as the fixed ResultSize.
	ResultSizeOfArgs bool
	// ResultSize bounds the size of the result when ResultSizeOfArgs is false
	// (0 means 1).
	ResultSize uint64
}

// The operator function names, as CEL spells them.
const (
	OpAdd          = "_+_"
	OpSubtract     = "_-_"
	OpMultiply     = "_*_"
	OpDivide       = "_/_"
	OpNegate       = "-_"
	OpLess         = "_<_"
	OpLessEqual    = "_<=_"
	OpGreater      = "_>_"
	OpGreaterEqual = "_>=_"
)

var exprOperators = map[string]string{
	OpAdd: "+", OpSubtract: "-", OpMultiply: "*", OpDivide: "/",
	OpLess: "<", OpLessEqual: "<=", OpGreater: ">", OpGreaterEqual: ">=",
}

// IsOperator reports whether name is an operator function name.
func IsOperator(name string) bool {
	_, ok := exprOperators[name]
	return ok || name == OpNegate
}

// Library is a named, versioned set of functions, shaped like cel-go's ext
// libraries: "transload.money" version 1. A version never loses or changes
// a function; new functions come with a new version, so flows written
// against version 1 keep their meaning.
type Library struct {
	Name    string
	Version int
	Doc     string
	Funcs   []*Function
}

// At returns the functions the library exposes at version v.
func (l *Library) At(v int) []*Function {
	var out []*Function
	for _, f := range l.Funcs {
		since := f.Since
		if since == 0 {
			since = 1
		}
		if since <= v {
			out = append(out, f)
		}
	}
	return out
}

// Validate reports what is wrong with the declaration: missing docs or
// examples, overloads without an implementation, duplicate names.
func (l *Library) Validate() error {
	var problems []string
	seen := map[string]bool{}
	if l.Name == "" || l.Version < 1 || l.Doc == "" {
		problems = append(problems, "library needs a name, a version ≥ 1 and a doc")
	}
	for _, f := range l.Funcs {
		if seen[f.Name] {
			problems = append(problems, fmt.Sprintf("%s: declared twice", f.Name))
		}
		seen[f.Name] = true
		if strings.TrimSpace(f.Doc) == "" {
			problems = append(problems, fmt.Sprintf("%s: no doc", f.Name))
		}
		if len(f.Examples) == 0 {
			problems = append(problems, fmt.Sprintf("%s: no example", f.Name))
		}
		if len(f.Overloads) == 0 {
			problems = append(problems, fmt.Sprintf("%s: no overload", f.Name))
		}
		for i, o := range f.Overloads {
			if o.Impl == nil || o.Result == nil {
				problems = append(problems, fmt.Sprintf("%s: overload %d has no implementation or result type", f.Name, i))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("library %s: %s", l.Name, strings.Join(problems, "; "))
	}
	return nil
}

// Registry is the set of libraries, at chosen versions, that a load compiles
// against. It is built explicitly (in cmd, or by a test) and never changes
// after it is handed to a compiler.
type Registry struct {
	libs    []*Library
	version map[string]int
	funcs   map[string]*Function
	owner   map[string]string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{version: map[string]int{}, funcs: map[string]*Function{}, owner: map[string]string{}}
}

// Add registers lib at version v (0 means its latest).
func (r *Registry) Add(lib *Library, v int) error {
	if err := lib.Validate(); err != nil {
		return err
	}
	if v == 0 {
		v = lib.Version
	}
	if v > lib.Version {
		return fmt.Errorf("library %s has no version %d (latest is %d)", lib.Name, v, lib.Version)
	}
	if _, ok := r.version[lib.Name]; ok {
		return fmt.Errorf("library %s added twice", lib.Name)
	}
	for _, f := range lib.At(v) {
		if other, ok := r.owner[f.Name]; ok && !IsOperator(f.Name) {
			return fmt.Errorf("function %s is declared by both %s and %s", f.Name, other, lib.Name)
		}
	}
	r.libs = append(r.libs, lib)
	r.version[lib.Name] = v
	for _, f := range lib.At(v) {
		if prev, ok := r.funcs[f.Name]; ok {
			// Operators gather overloads from several libraries.
			merged := *prev
			merged.Overloads = append(append([]Overload{}, prev.Overloads...), f.Overloads...)
			r.funcs[f.Name] = &merged
			continue
		}
		r.funcs[f.Name] = f
		r.owner[f.Name] = lib.Name
	}
	return nil
}

// MustAdd is Add for registries built from known-good libraries.
func (r *Registry) MustAdd(libs ...*Library) *Registry {
	for _, l := range libs {
		if err := r.Add(l, 0); err != nil {
			panic(err)
		}
	}
	return r
}

// Libraries returns the registered libraries with their versions.
func (r *Registry) Libraries() []*Library { return r.libs }

// VersionOf returns the version lib was registered at.
func (r *Registry) VersionOf(lib string) int { return r.version[lib] }

// Functions returns every registered function (operators merged), by name.
func (r *Registry) Functions() []*Function {
	out := make([]*Function, 0, len(r.funcs))
	for _, f := range r.funcs {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Function returns the function called name, or nil.
func (r *Registry) Function(name string) *Function { return r.funcs[name] }
