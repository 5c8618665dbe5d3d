package builtin

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/decls"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
)

// Dialect is an expression language.
type Dialect string

// The dialects. CEL is the default; a flow file may choose expr.
const (
	CEL  Dialect = "cel"
	Expr Dialect = "expr"
)

// Limits bound what an expression may cost, at load and at run time.
type Limits struct {
	// MaxCost is the worst-case CEL cost an expression may have at load, and
	// the cost at which an evaluation is stopped. One unit is about one field
	// selection or comparison.
	MaxCost uint64
	// StringSize and ListSize are the sizes assumed for input strings and
	// lists whose schema gives no maxLength or maxItems.
	StringSize, ListSize uint64
	// MaxSourceBytes bounds the text of one expression; MaxNesting the
	// depth of its syntax tree.
	MaxSourceBytes int
	MaxNesting     int
}

// DefaultLimits admit two nested comprehensions over input lists but not
// three, and stop a runaway evaluation in well under a second. The assumed
// sizes are for the load-time estimate only: real values may be larger, and
// then the runtime limit is what stops an evaluation.
var DefaultLimits = Limits{
	MaxCost:        10_000_000,
	StringSize:     256,
	ListSize:       1_000,
	MaxSourceBytes: 64 << 10,
	MaxNesting:     64,
}

// Env compiles expressions in both dialects against one registry of
// libraries and one set of named types. It is safe for concurrent use.
type Env struct {
	reg    *Registry
	types  *Types
	limits Limits
	cel    *cel.Env
	adapt  *celAdapter
	expr   *exprEnv
	// funcs are the functions WithFunctions declared in cel.
	funcs []*Function
}

// NewEnv builds the compile environment. funcs are extra functions known
// only to this environment, such as the mappings of a load.
func NewEnv(reg *Registry, objects *Types, limits Limits) (*Env, error) {
	if objects == nil {
		objects = NewTypes()
	}
	adapt, err := newCELAdapter(objects)
	if err != nil {
		return nil, err
	}
	e := &Env{reg: reg, types: objects, limits: limits, adapt: adapt}
	opts := []cel.EnvOption{
		cel.CustomTypeAdapter(adapt),
		cel.CustomTypeProvider(adapt),
		cel.OptionalTypes(),
		cel.DefaultUTCTimeZone(true),
		cel.EnableMacroCallTracking(),
		cel.ParserExpressionSizeLimit(limits.MaxSourceBytes),
		cel.ParserRecursionLimit(limits.MaxNesting),
		cel.ExpressionNestingDepthLimit(limits.MaxNesting),
		cel.CrossTypeNumericComparisons(true),
		// cel.bind names a value once; transformList/transformMap and
		// all/exists with (index, value) give map() its missing index;
		// flatten and lists.range build lists without expr helpers.
		ext.Bindings(),
		ext.TwoVarComprehensions(),
		ext.Lists(),
	}
	for _, f := range reg.Functions() {
		o, err := celFunction(f, adapt)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o...)
	}
	if e.cel, err = cel.NewEnv(opts...); err != nil {
		return nil, fmt.Errorf("building the CEL environment: %w", err)
	}
	if e.expr, err = newExprEnv(reg); err != nil {
		return nil, err
	}
	return e, nil
}

// Types returns the named types the environment checks against.
func (e *Env) Types() *Types { return e.types }

// Registry returns the libraries of the environment.
func (e *Env) Registry() *Registry { return e.reg }

// Limits returns the cost limits.
func (e *Env) Limits() Limits { return e.limits }

// celFunction declares f to the CEL checker and binds its implementation.
func celFunction(f *Function, adapt *celAdapter) ([]cel.EnvOption, error) {
	var fopts []cel.FunctionOpt
	if IsOperator(f.Name) {
		// Declared only: CEL's standard operator bindings dispatch to the
		// value types' traits (celvals.go), which call the same methods.
		for i, o := range f.Overloads {
			fopts = append(fopts, cel.Overload(overloadID(f, i), celTypes(o.Params), celType(o.Result)))
		}
		return []cel.EnvOption{cel.Function(f.Name, fopts...)}, nil
	}
	for i, o := range f.Overloads {
		impl := dispatcher(f, i)
		binding := cel.FunctionBinding(func(args ...ref.Val) ref.Val {
			native := make([]any, len(args))
			for j, a := range args {
				native[j] = toNative(a)
			}
			r, err := impl(native)
			if err != nil {
				return celErr(err)
			}
			return adapt.NativeToValue(r)
		})
		fopts = append(fopts, cel.Overload(overloadID(f, i), celTypes(o.Params), celType(o.Result), binding))
		// An object parameter also takes a map literal ({'sku': 'A1', ...}),
		// as it does in expr: its fields are checked at run time, when the
		// function reads them.
		if asMaps, ok := objectParamsAsMaps(o.Params); ok {
			fopts = append(fopts, cel.Overload(overloadID(f, i)+"_map", celTypes(asMaps), celType(o.Result), binding))
		}
	}
	// Type guards compare CEL runtime types, but documents are plain maps at
	// run time; the dispatcher checks native kinds instead.
	fopts = append(fopts, decls.DisableTypeGuards(true), cel.FunctionDocs(f.Doc))
	return []cel.EnvOption{cel.Function(f.Name, fopts...)}, nil
}

// objectParamsAsMaps returns params with object types replaced by
// map(string, dyn), and whether there was any.
func objectParamsAsMaps(params []*Type) ([]*Type, bool) {
	out := make([]*Type, len(params))
	found := false
	for i, p := range params {
		out[i] = p
		if p.Kind == KindObject {
			out[i], found = MapOf(AnyType), true
		}
	}
	return out, found
}

func overloadID(f *Function, i int) string {
	if IsOperator(f.Name) {
		// A separate namespace: a function may be called "mul" or "neg".
		name := strings.NewReplacer("_+_", "add", "_-_", "sub", "_*_", "mul", "_/_", "div", "-_", "neg",
			"_<_", "lt", "_<=_", "le", "_>_", "gt", "_>=_", "ge").Replace(f.Name)
		return fmt.Sprintf("transload_op_%s_%d", name, i)
	}
	return fmt.Sprintf("transload_%s_%d", f.Name, i)
}

// overloadIndex is the inverse of overloadID: which of f's overloads id
// names (the map-literal variant celFunction declares included).
func overloadIndex(f *Function, id string) (int, bool) {
	id = strings.TrimSuffix(id, "_map")
	idx, err := strconv.Atoi(id[strings.LastIndexByte(id, '_')+1:])
	if err != nil || idx < 0 || idx >= len(f.Overloads) || id != overloadID(f, idx) {
		return 0, false
	}
	return idx, true
}

func celTypes(ts []*Type) []*cel.Type {
	out := make([]*cel.Type, len(ts))
	for i, t := range ts {
		out[i] = celType(t)
	}
	return out
}

// dispatcher returns the implementation to call for overload i of f. The
// checker picks the overload statically, but an argument typed dyn may hold
// any kind at run time; then the first overload whose parameters accept the
// native arguments is called instead.
func dispatcher(f *Function, i int) func([]any) (any, error) {
	return func(args []any) (any, error) {
		if o := f.Overloads[i]; accepts(o.Params, args) {
			return o.Impl(args)
		}
		for _, o := range f.Overloads {
			if accepts(o.Params, args) {
				return o.Impl(args)
			}
		}
		for j, a := range args {
			if a == nil && j < len(f.Overloads[i].Params) {
				return nil, &Error{Reason: ReasonNullRequiredField, Msg: fmt.Sprintf("%s: argument %d is missing or null", f.Name, j+1)}
			}
		}
		return nil, fmt.Errorf("%s: no overload accepts (%s)", f.Name, nativeKinds(args))
	}
}

func nativeKinds(args []any) string {
	ks := make([]string, len(args))
	for i, a := range args {
		ks[i] = KindOf(a).String()
	}
	return strings.Join(ks, ", ")
}

func accepts(params []*Type, args []any) bool {
	if len(params) != len(args) {
		return false
	}
	for i, p := range params {
		if !p.Accepts(args[i]) {
			return false
		}
	}
	return true
}

// Accepts reports whether the native value v is of type t, shallowly: a
// list is accepted without looking at its elements.
func (t *Type) Accepts(v any) bool {
	switch t.Kind {
	case KindAny, typeParamKind:
		return true
	case KindNull:
		return v == nil
	}
	k := KindOf(v)
	if t.Kind == KindObject || t.Kind == KindMap {
		return k == KindMap
	}
	return k == t.Kind
}

// KindOf returns the kind of a native value. Objects and maps are both
// map[string]any, reported as KindMap.
func KindOf(v any) Kind {
	switch v.(type) {
	case nil:
		return KindNull
	case bool:
		return KindBool
	case int64:
		return KindInt
	case float64:
		return KindDouble
	case string:
		return KindString
	case []byte:
		return KindBytes
	case Decimal:
		return KindDecimal
	case Money:
		return KindMoney
	case Quantity:
		return KindQuantity
	case *Table:
		return KindTable
	case []any:
		return KindList
	case map[string]any:
		return KindMap
	}
	switch v.(type) {
	case interface{ UnixNano() int64 }:
		return KindTimestamp
	case interface{ Nanoseconds() int64 }:
		return KindDuration
	}
	return KindAny
}

// Var is a variable an expression may read, with its type.
type Var struct {
	Name string
	Type *Type
	Doc  string
}

// Issue is one problem found while compiling an expression. Line and Col
// are within the expression text (line 1-based, column 0-based in runes);
// Line is 0 when the problem has no position.
type Issue struct {
	Line, Col int
	Summary   string
	Detail    string
}

// Issues is the list of problems of one compilation.
type Issues []Issue

func (is Issues) Error() string {
	msgs := make([]string, len(is))
	for i, x := range is {
		msgs[i] = fmt.Sprintf("%d:%d: %s: %s", x.Line, x.Col, x.Summary, x.Detail)
	}
	return strings.Join(msgs, "\n")
}

// Scope is a set of variables and extra functions that expressions are
// compiled against: one step of a flow sees the input, the earlier steps'
// outputs, vars, tables and the flow's mappings.
type Scope struct {
	env   *Env
	vars  []Var
	funcs []*Function
	cel   *cel.Env
	expr  *exprScope
	names []string
}

// WithFunctions returns an environment that knows funcs besides e's own,
// declared once for all the scopes made from it. CEL keeps a set of
// function declarations, and a dispatcher of their overloads, per
// environment it extends with new functions, and shares them with the
// environments that only add variables: the flow's mappings given to every
// Scope instead cost about a megabyte per scope, 287 MB for the 27 default
// flows.
func (e *Env) WithFunctions(funcs []*Function) (*Env, error) {
	if len(funcs) == 0 {
		return e, nil
	}
	var opts []cel.EnvOption
	for _, f := range funcs {
		o, err := celFunction(f, e.adapt)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o...)
	}
	c, err := e.cel.Extend(opts...)
	if err != nil {
		return nil, fmt.Errorf("declaring functions: %w", err)
	}
	d := *e
	d.cel = c
	d.funcs = append(slices.Clip(e.funcs), funcs...)
	return &d, nil
}

// Scope returns a compile scope with vars and funcs (besides the
// functions of the environment). Functions that many scopes share belong
// in WithFunctions.
func (e *Env) Scope(vars []Var, funcs []*Function) (*Scope, error) {
	s := &Scope{env: e, vars: vars, funcs: append(slices.Clip(e.funcs), funcs...)}
	opts := make([]cel.EnvOption, 0, len(vars)+len(funcs))
	for _, v := range vars {
		opts = append(opts, cel.Variable(v.Name, celType(v.Type)))
		s.names = append(s.names, v.Name)
	}
	for _, f := range funcs {
		o, err := celFunction(f, e.adapt)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o...)
	}
	var err error
	if s.cel, err = e.cel.Extend(opts...); err != nil {
		return nil, fmt.Errorf("declaring variables: %w", err)
	}
	return s, nil
}

// Vars returns the variables of the scope.
func (s *Scope) Vars() []Var { return s.vars }

// Program is one compiled expression, ready to evaluate concurrently.
type Program struct {
	Source  string
	Dialect Dialect
	// Type is the checked type of the result.
	Type *Type
	// Cost is the estimated worst-case cost (CEL only).
	Cost uint64

	cel    cel.Program
	ast    *cel.Ast
	expr   *exprProgram
	adapt  *celAdapter
	native *nativeProgram // nil: only the interpreter evaluates
	want   *Type
	offset func(id int64) (line, col int)
}

// Compile parses and checks src in dialect against the scope. want, when
// not nil, is the type the result must be assignable to. All problems are
// returned at once.
func (s *Scope) Compile(dialect Dialect, src string, want *Type) (*Program, Issues) {
	if len(src) > s.env.limits.MaxSourceBytes {
		return nil, Issues{{Summary: "Expression too long", Detail: fmt.Sprintf("The expression is %d bytes; the limit is %d.", len(src), s.env.limits.MaxSourceBytes)}}
	}
	switch dialect {
	case Expr:
		return s.compileExpr(src, want)
	case CEL, "":
		return s.compileCEL(src, want)
	}
	return nil, Issues{{Summary: "Unknown dialect", Detail: fmt.Sprintf("Dialect %q is not one of cel, expr.", dialect)}}
}

// EvalError is a failure while evaluating a program: where in the
// expression it happened and the reason code, if the cause carries one.
type EvalError struct {
	Line, Col int
	Reason    string
	Err       error
}

func (e *EvalError) Error() string { return e.Err.Error() }
func (e *EvalError) Unwrap() error { return e.Err }

// ErrCostLimit is wrapped by an evaluation stopped for exceeding its cost.
var ErrCostLimit = errors.New("expression cost limit exceeded")

// Eval evaluates the program with vars and returns the native result.
func (p *Program) Eval(vars *Vars) (any, error) {
	if p.expr != nil {
		return p.expr.eval(vars)
	}
	if p.native != nil {
		if v, ok := p.native.eval(vars); ok {
			if checkNative {
				p.checkNative(vars, v)
			}
			return v, nil
		}
		nativeFallbacks.Add(1)
	}
	out, _, err := p.cel.Eval(vars)
	if err != nil {
		return nil, p.evalError(err)
	}
	return toNative(out), nil
}

func (p *Program) evalError(err error) error {
	ee := &EvalError{Err: err, Reason: ReasonOf(err)}
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) {
		ee.Err = fmt.Errorf("%w: %s", ErrCostLimit, cancelled.Message)
	}
	var celE *types.Err
	if errors.As(err, &celE) && celE.NodeID() != 0 && p.offset != nil {
		ee.Line, ee.Col = p.offset(celE.NodeID())
	}
	return ee
}

// Vars binds variable names to native values for one evaluation. The zero
// value is empty; Reset reuses one between messages.
type Vars struct {
	names []string
	vals  []any
}

// Set binds name to v, replacing an earlier binding.
func (v *Vars) Set(name string, val any) {
	for i, n := range v.names {
		if n == name {
			v.vals[i] = val
			return
		}
	}
	v.names = append(v.names, name)
	v.vals = append(v.vals, val)
}

// Get returns the value bound to name.
func (v *Vars) Get(name string) (any, bool) {
	for i, n := range v.names {
		if n == name {
			return v.vals[i], true
		}
	}
	return nil, false
}

// Reset forgets every binding, keeping the storage.
func (v *Vars) Reset() { v.names, v.vals = v.names[:0], v.vals[:0] }

// Clone returns a copy whose bindings can change independently.
func (v *Vars) Clone() *Vars {
	return &Vars{names: append([]string(nil), v.names...), vals: append([]any(nil), v.vals...)}
}

// ResolveName implements CEL's interpreter.Activation.
func (v *Vars) ResolveName(name string) (any, bool) { return v.Get(name) }

// Parent implements CEL's interpreter.Activation.
func (v *Vars) Parent() interpreter.Activation { return nil }

func (v *Vars) asMap() map[string]any {
	m := make(map[string]any, len(v.names))
	for i, n := range v.names {
		m[n] = v.vals[i]
	}
	return m
}
