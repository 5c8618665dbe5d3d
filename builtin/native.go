package builtin

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"
)

// The native evaluator runs the common shapes of mapping expressions over
// native values, without CEL's interpreter: literals, variables, field
// selections, builtin function calls, string concatenation, string(int),
// size(list), list and map literals, list.map, filter, all and exists,
// and the conditions of routes and rules: comparisons, ==, !=, &&, ||, !
// and ?:. Going through the interpreter converts every value to a CEL
// value and back, boxing a new string for each, and builds CEL maps and
// lists only to convert them to Go ones at the end: a 20-field canonical
// mapping made about 245 allocations.
//
// It never decides anything CEL would decide differently. A compiled
// expression is native only when every node of it is one of those shapes;
// and at run time anything unusual (a missing or null field, an error from
// a function, a value of a Go type CEL would convert, a list longer than
// the budget) stops it, and the interpreter evaluates the whole expression
// again and reports the problem, with its reason code and position.
// Expressions have no side effects, so evaluating twice is safe.

// nativeFallbacks counts the evaluations the native form handed to CEL.
var nativeFallbacks atomic.Uint64

// NativeFallbacks is how many evaluations of natively compiled
// expressions the interpreter made instead, in this process: an error
// (a missing field, a failing function) is one, as is a value the native
// form does not take. A count that grows with every message, where
// nothing fails, means an expression pays for both.
func NativeFallbacks() uint64 { return nativeFallbacks.Load() }

// nativeFn evaluates a node; ok false hands the expression to CEL.
type nativeFn func(fr *frame) (v any, ok bool)

// frame is one native evaluation: the variables, the comprehension
// variables by slot, and the elements iterated so far.
type frame struct {
	vars  *Vars
	local []any
	iters int
}

// nativeIterBudget bounds the elements a native evaluation iterates;
// beyond it CEL evaluates, with its runtime cost limit.
const nativeIterBudget = 10000

type nativeProgram struct {
	fn    nativeFn
	slots int
}

func (p *nativeProgram) eval(vars *Vars) (any, bool) {
	var local [4]any
	fr := frame{vars: vars, local: local[:0]}
	if p.slots > len(local) {
		fr.local = make([]any, p.slots)
	} else {
		fr.local = local[:p.slots]
	}
	v, ok := p.fn(&fr)
	return unwrap(v), ok
}

// nativeCompiler compiles one checked expression.
type nativeCompiler struct {
	scope *Scope
	ast   *celast.AST
	slots map[string]int // comprehension variables in scope
	n     int
}

// compileNative returns the native form of a checked expression, or nil.
func compileNative(s *Scope, a *celast.AST) *nativeProgram {
	c := &nativeCompiler{scope: s, ast: a, slots: map[string]int{}}
	fn := c.expr(a.Expr())
	if fn == nil {
		return nil
	}
	return &nativeProgram{fn: fn, slots: c.n}
}

func (c *nativeCompiler) expr(e celast.Expr) nativeFn {
	switch e.Kind() {
	case celast.LiteralKind:
		v := toNative(e.AsLiteral())
		if _, mutable := v.([]byte); mutable {
			return nil // every evaluation gets its own
		}
		return func(*frame) (any, bool) { return v, true }
	case celast.IdentKind:
		return c.ident(e)
	case celast.SelectKind:
		return c.selectField(e)
	case celast.CallKind:
		return c.call(e)
	case celast.ListKind:
		return c.list(e)
	case celast.MapKind:
		return c.mapLiteral(e)
	case celast.ComprehensionKind:
		if fn := c.listMacro(e); fn != nil {
			return fn
		}
		return c.bind(e)
	}
	return nil
}

func (c *nativeCompiler) ident(e celast.Expr) nativeFn {
	name := e.AsIdent()
	if slot, ok := c.slots[name]; ok {
		return func(fr *frame) (any, bool) { return fr.local[slot], true }
	}
	// The checker resolved the name to a variable, not to a constant or a
	// qualified name.
	ref := c.ast.ReferenceMap()[e.ID()]
	if ref == nil || ref.Value != nil || len(ref.OverloadIDs) > 0 || ref.Name != name {
		return nil
	}
	return func(fr *frame) (any, bool) {
		v, ok := fr.vars.Get(name)
		return v, ok && plain(v)
	}
}

// selectField reads a field of a document, or of money or a quantity. A
// missing or null field is CEL's to report (NULL_REQUIRED_FIELD, or no
// such key).
func (c *nativeCompiler) selectField(e celast.Expr) nativeFn {
	sel := e.AsSelect()
	operand := c.expr(sel.Operand())
	if operand == nil {
		return nil
	}
	field := sel.FieldName()
	if sel.IsTestOnly() { // has(x.f)
		present := c.presence(sel.Operand())
		if present == nil {
			return nil
		}
		return func(fr *frame) (any, bool) {
			v, ok := operand(fr)
			m, isMap := v.(map[string]any)
			if !ok || !isMap {
				return nil, false
			}
			return present(m, field), true
		}
	}
	return func(fr *frame) (any, bool) {
		v, ok := operand(fr)
		if !ok {
			return nil, false
		}
		if o, isOpt := v.(nativeOptional); isOpt {
			// x.?a.b: none stays none, a value is selected from.
			if !o.ok {
				return o, true
			}
			v, ok = selectFrom(o.v, field)
			return nativeOptional{v, true}, ok
		}
		return selectFrom(v, field)
	}
}

// selectFrom is v.field: a document's field, or money's or a quantity's.
func selectFrom(v any, field string) (any, bool) {
	if m, ok := v.(map[string]any); ok {
		v = m[field]
		return v, v != nil && plain(v)
	}
	return ValueField(v, field)
}

// compare is <, <=, > and >= between two values of one kind CEL orders
// the same way: integers, strings (by code point, which is UTF-8's byte
// order), decimals, money of one currency, timestamps.
func compare(op string, a, b nativeFn) nativeFn {
	return func(fr *frame) (any, bool) {
		x, y, ok := both(fr, a, b)
		if !ok {
			return nil, false
		}
		var c int
		switch x := x.(type) {
		case int64:
			y, ok := y.(int64)
			if !ok {
				return nil, false
			}
			c = cmp.Compare(x, y)
		case string:
			y, ok := y.(string)
			if !ok {
				return nil, false
			}
			c = cmp.Compare(x, y)
		case Decimal:
			y, ok := y.(Decimal)
			if !ok {
				return nil, false
			}
			c = x.Cmp(y)
		case Money:
			y, ok := y.(Money)
			if !ok {
				return nil, false
			}
			var err error
			if c, err = x.Cmp(y); err != nil {
				return nil, false // other currencies: CEL's error
			}
		case time.Time:
			y, ok := y.(time.Time)
			if !ok {
				return nil, false
			}
			c = x.Compare(y)
		default:
			return nil, false
		}
		switch op {
		case operators.Less:
			return c < 0, true
		case operators.LessEquals:
			return c <= 0, true
		case operators.Greater:
			return c > 0, true
		}
		return c >= 0, true
	}
}

// both evaluates the two operands of a binary operator.
func both(fr *frame, a, b nativeFn) (x, y any, ok bool) {
	x, ok1 := a(fr)
	y, ok2 := b(fr)
	return x, y, ok1 && ok2
}

// equals is == (or != with not) between two strings, integers, bools,
// decimals, amounts of money or quantities; CEL's equality of other kinds
// (numbers across types, maps, lists) is CEL's.
func equals(not bool, a, b nativeFn) nativeFn {
	return func(fr *frame) (any, bool) {
		x, y, ok := both(fr, a, b)
		if !ok {
			return nil, false
		}
		eq, ok := equalValues(x, y)
		return eq != not, ok
	}
}

// equalValues is x == y for the kinds equals takes; ok is false for the
// others, which CEL compares.
func equalValues(x, y any) (eq, ok bool) {
	switch x := x.(type) {
	case string:
		y, ok := y.(string)
		return x == y, ok
	case int64:
		y, ok := y.(int64)
		return x == y, ok
	case bool:
		y, ok := y.(bool)
		return x == y, ok
	case Decimal: // by value, whatever the scale, as decimalVal.Equal
		y, ok := y.(Decimal)
		return ok && x.Cmp(y) == 0, ok
	case Money:
		y, ok := y.(Money)
		return ok && x.Equal(y), ok
	case Quantity:
		y, ok := y.(Quantity)
		return ok && x.Equal(y), ok
	}
	return false, false
}

// in is x in list (an element equals x; one CEL would compare, such as a
// number of another type, is CEL's) and k in map (the map has the string
// key k).
func in(x, coll nativeFn) nativeFn {
	return func(fr *frame) (any, bool) {
		v, c, ok := both(fr, x, coll)
		if !ok {
			return nil, false
		}
		switch c := c.(type) {
		case []any:
			for _, el := range c {
				eq, ok := equalValues(v, el)
				if !ok {
					return nil, false
				}
				if eq {
					return true, true
				}
			}
			return false, true
		case map[string]any:
			k, isString := v.(string)
			if !isString {
				return nil, false
			}
			_, has := c[k]
			return has, true
		}
		return nil, false
	}
}

// logical is && (or || with or). The left side decides alone when it can;
// when it cannot be evaluated natively CEL decides, since CEL's && and ||
// forgive an error on the side that does not matter.
func logical(or bool, a, b nativeFn) nativeFn {
	return func(fr *frame) (any, bool) {
		x, ok := a(fr)
		l, isBool := x.(bool)
		if !ok || !isBool {
			return nil, false
		}
		if l == or {
			return l, true
		}
		y, ok := b(fr)
		r, isBool := y.(bool)
		return r, ok && isBool
	}
}

func (c *nativeCompiler) args(es []celast.Expr) []nativeFn {
	fns := make([]nativeFn, len(es))
	for i, a := range es {
		if fns[i] = c.expr(a); fns[i] == nil {
			return nil
		}
	}
	return fns
}

func (c *nativeCompiler) call(e celast.Expr) nativeFn {
	call := e.AsCall()
	ref := c.ast.ReferenceMap()[e.ID()]
	if ref != nil && !call.IsMemberFunction() && len(call.Args()) == 1 {
		// string(x), int(x) and size(x) of a dyn x: the checker leaves the
		// overload to the value's type.
		var conv func(any) (any, bool)
		switch call.FunctionName() {
		case overloads.TypeConvertString:
			conv = toString
		case overloads.TypeConvertInt:
			conv = toInt
		case overloads.Size:
			conv = sizeOf
		}
		if conv != nil {
			if arg := c.expr(call.Args()[0]); arg != nil {
				return convert(arg, conv)
			}
			return nil
		}
	}
	switch call.FunctionName() {
	case operators.Index, operators.OptIndex:
		// By the values' kinds at run time, whatever overloads the
		// checker left open (a list, a map, either inside an optional).
		return c.index(call, call.FunctionName() == operators.OptIndex)
	}
	overload, ok := c.overload(call, ref)
	if !ok {
		return nil
	}
	if call.IsMemberFunction() {
		switch call.FunctionName() {
		case "orValue", "or", "hasValue", "value":
			return c.optionalMethod(call)
		}
		return c.method(call, overload)
	}
	switch call.FunctionName() {
	case operators.OptSelect:
		return c.optSelect(call)
	case optionalOf, optionalNone:
		args := c.args(call.Args())
		if args == nil && len(call.Args()) > 0 {
			return nil
		}
		if len(args) == 0 {
			return func(*frame) (any, bool) { return nativeOptional{}, true }
		}
		return func(fr *frame) (any, bool) {
			v, ok := args[0](fr)
			return nativeOptional{v, true}, ok && plain(v)
		}
	}
	args := c.args(call.Args())
	if args == nil {
		return nil
	}
	switch name := call.FunctionName(); name {
	case operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		return compare(name, args[0], args[1])
	case operators.Equals, operators.NotEquals:
		return equals(name == operators.NotEquals, args[0], args[1])
	case operators.In:
		return in(args[0], args[1])
	case operators.LogicalAnd, operators.LogicalOr:
		return logical(name == operators.LogicalOr, args[0], args[1])
	case operators.LogicalNot:
		return func(fr *frame) (any, bool) {
			v, ok := args[0](fr)
			b, isBool := v.(bool)
			return !b, ok && isBool
		}
	case operators.Conditional:
		return func(fr *frame) (any, bool) {
			v, ok := args[0](fr)
			b, isBool := v.(bool)
			if !ok || !isBool {
				return nil, false
			}
			if b {
				return args[1](fr)
			}
			return args[2](fr)
		}
	}
	switch id := overload; id {
	case overloads.AddString:
		return func(fr *frame) (any, bool) {
			a, b, ok := both(fr, args[0], args[1])
			x, ok1 := a.(string)
			y, ok2 := b.(string)
			if !(ok && ok1 && ok2) {
				return nil, false
			}
			return x + y, true
		}
	case overloads.ToDyn:
		return args[0]
	case overloads.AddList:
		return func(fr *frame) (any, bool) {
			a, b, ok := both(fr, args[0], args[1])
			x, ok1 := a.([]any)
			y, ok2 := b.([]any)
			if !(ok && ok1 && ok2) {
				return nil, false
			}
			return append(append(make([]any, 0, len(x)+len(y)), x...), y...), true
		}
	case overloads.AddInt64, overloads.SubtractInt64, overloads.MultiplyInt64:
		return intArith(id, args[0], args[1])
	default:
		return c.builtinCall(call.FunctionName(), id, args)
	}
}

// overload is the overload a call runs: the one the checker chose, or,
// when it left several of one builtin open (an argument typed dyn), the
// one CEL's dispatch then calls: the first of the builtin's overloads
// with as many parameters as the call has arguments. That one's
// implementation (dispatcher) looks at the values' kinds, as it does
// under CEL.
func (c *nativeCompiler) overload(call celast.CallExpr, ref *celast.ReferenceInfo) (string, bool) {
	if ref == nil || len(ref.OverloadIDs) == 0 {
		return "", false
	}
	ids := ref.OverloadIDs
	if len(ids) == 1 {
		return ids[0], true
	}
	// An operator's overloads are CEL's to dispatch, by the values' traits.
	f := c.scope.function(call.FunctionName())
	if f == nil || call.IsMemberFunction() || IsOperator(f.Name) {
		return "", false
	}
	for _, id := range ids {
		if _, ok := overloadIndex(f, id); !ok {
			return "", false
		}
	}
	for i, o := range f.Overloads {
		if len(o.Params) == len(call.Args()) {
			return overloadID(f, i), true
		}
	}
	return "", false
}

// convert is f of x's value; a value f does not take is CEL's.
func convert(x nativeFn, f func(any) (any, bool)) nativeFn {
	return func(fr *frame) (any, bool) {
		v, ok := x(fr)
		if !ok {
			return nil, false
		}
		return f(v)
	}
}

// sizeOf is size(x) and x.size() of a list (its elements), a map (its
// entries) or a string (its code points, as CEL counts).
func sizeOf(v any) (any, bool) {
	switch v := v.(type) {
	case []any:
		return int64(len(v)), true
	case map[string]any:
		return int64(len(v)), true
	case string:
		return int64(utf8.RuneCountInString(v)), true
	}
	return nil, false
}

// toString is string(x) of a string, an integer or a bool, formatted as
// CEL formats them.
func toString(v any) (any, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return nil, false
}

// toInt is int(x) of an integer or a string (parsed as CEL parses it; a
// string that is not a number is CEL's error).
func toInt(v any) (any, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return nil, false
}

// intArith is +, - and * between integers; an overflow, which CEL
// reports as an error, is CEL's.
func intArith(id string, a, b nativeFn) nativeFn {
	return func(fr *frame) (any, bool) {
		x, y, ok := both(fr, a, b)
		i, ok1 := x.(int64)
		j, ok2 := y.(int64)
		if !ok || !ok1 || !ok2 {
			return nil, false
		}
		var r int64
		switch id {
		case overloads.AddInt64:
			r = i + j
			ok = (r > i) == (j > 0)
		case overloads.SubtractInt64:
			r = i - j
			ok = (r < i) == (j > 0)
		default:
			r = i * j
			ok = i == 0 || r/i == j && !(i == -1 && j == math.MinInt64) && !(j == -1 && i == math.MinInt64)
		}
		return r, ok
	}
}

// method is a string or list method: contains, startsWith, endsWith,
// matches with a literal pattern, size, and the list extensions flatten,
// sort and distinct over strings and integers.
func (c *nativeCompiler) method(call celast.CallExpr, id string) nativeFn {
	target := c.expr(call.Target())
	args := c.args(call.Args())
	if target == nil || args == nil && len(call.Args()) > 0 {
		return nil
	}
	str := func(fr *frame, fn nativeFn) (string, bool) {
		v, ok := fn(fr)
		s, isStr := v.(string)
		return s, ok && isStr
	}
	stringTest := func(f func(s, t string) bool) nativeFn {
		return func(fr *frame) (any, bool) {
			s, ok1 := str(fr, target)
			t, ok2 := str(fr, args[0])
			return f(s, t), ok1 && ok2
		}
	}
	switch id {
	case overloads.ContainsString:
		return stringTest(strings.Contains)
	case overloads.StartsWithString:
		return stringTest(strings.HasPrefix)
	case overloads.EndsWithString:
		return stringTest(strings.HasSuffix)
	case overloads.MatchesString:
		pattern, ok := stringValue(call.Args()[0])
		if !ok {
			return nil
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil // CEL's error
		}
		return func(fr *frame) (any, bool) {
			s, ok := str(fr, target)
			return ok && re.MatchString(s), ok
		}
	case overloads.SizeListInst, overloads.SizeStringInst, overloads.SizeMapInst:
		return convert(target, sizeOf)
	case "list_slice": // list.slice(start, end); indexes out of range are CEL's error
		return func(fr *frame) (any, bool) {
			v, ok := target(fr)
			l, isList := v.([]any)
			from, to, ok2 := both(fr, args[0], args[1])
			i, ok3 := from.(int64)
			j, ok4 := to.(int64)
			if !ok || !isList || !ok2 || !ok3 || !ok4 || i < 0 || i > j || j > int64(len(l)) {
				return nil, false
			}
			return slices.Clone(l[i:j]), true
		}
	}
	if len(args) > 0 {
		return nil
	}
	list := func(fr *frame) ([]any, bool) {
		v, ok := target(fr)
		l, isList := v.([]any)
		return l, ok && isList
	}
	switch call.FunctionName() {
	case "flatten": // one level, as flatten() does
		return func(fr *frame) (any, bool) {
			l, ok := list(fr)
			if !ok {
				return nil, false
			}
			out := make([]any, 0, len(l))
			for _, e := range l {
				if inner, isList := e.([]any); isList {
					out = append(out, inner...)
				} else {
					out = append(out, e)
				}
			}
			return out, true
		}
	case "sort", "distinct":
		distinct := call.FunctionName() == "distinct"
		return func(fr *frame) (any, bool) {
			l, ok := list(fr)
			if !ok || !sameSimpleKind(l) {
				return nil, false
			}
			out := slices.Clone(l)
			if distinct {
				seen := make(map[any]bool, len(out))
				out = slices.DeleteFunc(out, func(e any) bool {
					dup := seen[e]
					seen[e] = true
					return dup
				})
				return out, true
			}
			slices.SortFunc(out, func(a, b any) int {
				if x, ok := a.(string); ok {
					return cmp.Compare(x, b.(string))
				}
				return cmp.Compare(a.(int64), b.(int64))
			})
			return out, true
		}
	}
	return nil
}

// sameSimpleKind reports whether l's elements are all strings or all
// integers, which sort and distinct treat as Go does.
func sameSimpleKind(l []any) bool {
	if len(l) == 0 {
		return true
	}
	switch l[0].(type) {
	case string:
		for _, e := range l {
			if _, ok := e.(string); !ok {
				return false
			}
		}
	case int64:
		for _, e := range l {
			if _, ok := e.(int64); !ok {
				return false
			}
		}
	default:
		return false
	}
	return true
}

// stringValue is the value of a string literal.
func stringValue(e celast.Expr) (string, bool) {
	if e.Kind() != celast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().Value().(string)
	return s, ok
}

// builtinCall calls a registry function's implementation, as CEL's
// binding does (celFunction), with the native arguments.
func (c *nativeCompiler) builtinCall(name, id string, args []nativeFn) nativeFn {
	// Operators on decimals, money and quantities too: CEL dispatches them
	// to the values' methods, which their implementations call.
	f := c.scope.function(name)
	if f == nil || !strings.HasPrefix(id, "transload_") {
		return nil
	}
	idx, ok := overloadIndex(f, id)
	if !ok {
		return nil
	}
	impl := dispatcher(f, idx)
	return func(fr *frame) (any, bool) {
		vals := make([]any, len(args))
		for i, a := range args {
			v, ok := a(fr)
			if !ok || !plain(v) {
				return nil, false
			}
			vals[i] = v
		}
		r, err := impl(vals)
		return r, err == nil && plain(r)
	}
}

func (c *nativeCompiler) list(e celast.Expr) nativeFn {
	l := e.AsList()
	if len(l.OptionalIndices()) > 0 {
		return nil
	}
	elems := c.args(l.Elements())
	if elems == nil && len(l.Elements()) > 0 {
		return nil
	}
	return func(fr *frame) (any, bool) {
		out := make([]any, len(elems))
		for i, el := range elems {
			v, ok := el(fr)
			if !ok {
				return nil, false
			}
			out[i] = unwrap(v)
		}
		return out, true
	}
}

// mapLiteral builds a map with string keys. An optional entry (?'k': v)
// is there when v has a value. A key that is not a literal is evaluated,
// and a key that is not a string or comes twice (an error in CEL) is
// CEL's.
func (c *nativeCompiler) mapLiteral(e celast.Expr) nativeFn {
	entries := e.AsMap().Entries()
	keys := make([]string, len(entries))
	keyFns := make([]nativeFn, len(entries)) // nil: keys[i] is a literal
	vals := make([]nativeFn, len(entries))
	optional := make([]bool, len(entries))
	seen := map[string]bool{}
	dynamic := false
	for i, en := range entries {
		me := en.AsMapEntry()
		if k, ok := stringValue(me.Key()); ok {
			if seen[k] {
				return nil
			}
			seen[k] = true
			keys[i] = k
		} else if keyFns[i] = c.expr(me.Key()); keyFns[i] == nil {
			return nil
		} else {
			dynamic = true
		}
		optional[i] = me.IsOptional()
		if vals[i] = c.expr(me.Value()); vals[i] == nil {
			return nil
		}
	}
	return func(fr *frame) (any, bool) {
		out := make(map[string]any, len(keys))
		for i, k := range keys {
			if keyFns[i] != nil {
				kv, ok := keyFns[i](fr)
				str, isString := kv.(string)
				if !ok || !isString {
					return nil, false
				}
				k = str
			}
			v, ok := vals[i](fr)
			if !ok {
				return nil, false
			}
			if optional[i] {
				o, isOptional := v.(nativeOptional)
				if !isOptional {
					return nil, false
				}
				if !o.ok {
					continue
				}
				v = o.v
			}
			if dynamic {
				if _, dup := out[k]; dup {
					return nil, false
				}
			}
			out[k] = unwrap(v)
		}
		return out, true
	}
}

type listMacroKind uint8

const (
	macroMap listMacroKind = iota
	macroFilter
	macroAll
	macroExists
	macroMapEntry
)

// mapInsert is the call transformMapEntry's expansion adds an entry with.
const mapInsert = "cel.@mapInsert"

// listMacro is one of the list macros over a list, recognised by the
// comprehension it expands to: map(x, f) and map(x, p, f), filter(x, p),
// all(x, p) and exists(x, p), and the two-variable transformList(i, x, f),
// transformList(i, x, p, f) and transformMapEntry(i, x, f) (with or
// without p), where i is the element's index. Any element the native form
// cannot evaluate hands the whole expression to CEL, which also decides
// what an error in one element means for all() and exists().
func (c *nativeCompiler) listMacro(e celast.Expr) nativeFn {
	cp := e.AsComprehension()
	accu := cp.AccuVar()
	isAccu := func(x celast.Expr) bool { return x.Kind() == celast.IdentKind && x.AsIdent() == accu }
	init, step, result := cp.AccuInit(), cp.LoopStep(), cp.Result()
	if !isAccu(result) || step.Kind() != celast.CallKind {
		return nil
	}
	twoVars := cp.HasIterVar2()
	call := step.AsCall()
	args := call.Args()
	// kind: the macro; pred and fn: the expressions over the element.
	var kind listMacroKind
	var pred, fn celast.Expr
	appended := func(x celast.Expr) (celast.Expr, bool) { // accu + [f]
		if x.Kind() != celast.CallKind || x.AsCall().FunctionName() != operators.Add {
			return nil, false
		}
		a := x.AsCall().Args()
		if len(a) != 2 || !isAccu(a[0]) || a[1].Kind() != celast.ListKind || len(a[1].AsList().Elements()) != 1 {
			return nil, false
		}
		return a[1].AsList().Elements()[0], true
	}
	inserted := func(x celast.Expr) (celast.Expr, bool) { // cel.@mapInsert(accu, f)
		if x.Kind() != celast.CallKind || x.AsCall().FunctionName() != mapInsert {
			return nil, false
		}
		a := x.AsCall().Args()
		if len(a) != 2 || !isAccu(a[0]) {
			return nil, false
		}
		return a[1], true
	}
	emptyList := init.Kind() == celast.ListKind && len(init.AsList().Elements()) == 0
	emptyMap := init.Kind() == celast.MapKind && len(init.AsMap().Entries()) == 0
	switch {
	case emptyList && call.FunctionName() == operators.Add:
		f, ok := appended(step)
		if !ok {
			return nil
		}
		kind, fn = macroMap, f
	case emptyList && call.FunctionName() == operators.Conditional && len(args) == 3 && isAccu(args[2]):
		f, ok := appended(args[1])
		if !ok {
			return nil
		}
		kind, pred, fn = macroMap, args[0], f
		if !twoVars && f.Kind() == celast.IdentKind && f.AsIdent() == cp.IterVar() {
			kind, fn = macroFilter, nil
		}
	case twoVars && emptyMap && call.FunctionName() == mapInsert:
		f, ok := inserted(step)
		if !ok {
			return nil
		}
		kind, fn = macroMapEntry, f
	case twoVars && emptyMap && call.FunctionName() == operators.Conditional && len(args) == 3 && isAccu(args[2]):
		f, ok := inserted(args[1])
		if !ok {
			return nil
		}
		kind, pred, fn = macroMapEntry, args[0], f
	case twoVars:
		return nil
	case init.Kind() == celast.LiteralKind && init.AsLiteral() == types.True &&
		call.FunctionName() == operators.LogicalAnd && len(args) == 2 && isAccu(args[0]):
		kind, pred = macroAll, args[1]
	case init.Kind() == celast.LiteralKind && init.AsLiteral() == types.False &&
		call.FunctionName() == operators.LogicalOr && len(args) == 2 && isAccu(args[0]):
		kind, pred = macroExists, args[1]
	default:
		return nil
	}
	rng := c.expr(cp.IterRange())
	if rng == nil {
		return nil
	}
	// One variable is the element; of two, the first is the index.
	elem, index := cp.IterVar(), ""
	if twoVars {
		elem, index = cp.IterVar2(), cp.IterVar()
	}
	indexSlot := -1
	if index != "" {
		var restore func()
		indexSlot, restore = c.bindSlot(index)
		defer restore()
	}
	slot, fns := c.scoped(elem, pred, fn)
	if fns == nil {
		return nil
	}
	predFn, fnFn := fns[0], fns[1]
	return func(fr *frame) (any, bool) {
		v, ok := rng(fr)
		list, isList := v.([]any)
		if !ok || !isList {
			return nil, false // a map iterates its keys (or entries): CEL's
		}
		if fr.iters += len(list); fr.iters > nativeIterBudget {
			return nil, false
		}
		var out []any
		var entries map[string]any
		switch kind {
		case macroMap, macroFilter:
			out = make([]any, 0, len(list))
		case macroMapEntry:
			entries = make(map[string]any, len(list))
		}
		for i, x := range list {
			fr.local[slot] = x
			if indexSlot >= 0 {
				fr.local[indexSlot] = int64(i)
			}
			keep := true
			if predFn != nil {
				p, ok := predFn(fr)
				b, isBool := p.(bool)
				if !ok || !isBool {
					return nil, false
				}
				switch {
				case kind == macroAll && !b:
					return false, true
				case kind == macroExists && b:
					return true, true
				}
				keep = b
			}
			switch {
			case !keep:
			case kind == macroFilter:
				out = append(out, x)
			case kind == macroMap:
				y, ok := fnFn(fr)
				if !ok {
					return nil, false
				}
				out = append(out, unwrap(y))
			case kind == macroMapEntry:
				y, ok := fnFn(fr)
				m, isMap := y.(map[string]any)
				if !ok || !isMap {
					return nil, false
				}
				for k, v := range m {
					if _, dup := entries[k]; dup {
						return nil, false // a key twice: CEL's error
					}
					entries[k] = v
				}
			}
		}
		switch kind {
		case macroAll:
			return true, true
		case macroExists:
			return false, true
		case macroMapEntry:
			return entries, true
		}
		return out, true
	}
}

// scoped compiles es (nil ones to nil) with name bound to a new slot,
// which it returns; fns is nil if one of them has no native form.
func (c *nativeCompiler) scoped(name string, es ...celast.Expr) (slot int, fns []nativeFn) {
	slot, restore := c.bindSlot(name)
	defer restore()
	fns = make([]nativeFn, len(es))
	for i, e := range es {
		if e == nil {
			continue
		}
		if fns[i] = c.expr(e); fns[i] == nil {
			return slot, nil
		}
	}
	return slot, fns
}

// bindSlot binds name to a new slot until restore is called, which brings
// back what name meant before.
func (c *nativeCompiler) bindSlot(name string) (slot int, restore func()) {
	prev, shadowed := c.slots[name]
	slot = c.n
	c.n++
	c.slots[name] = slot
	return slot, func() {
		if shadowed {
			c.slots[name] = prev
		} else {
			delete(c.slots, name)
		}
	}
}

// plain reports whether v is a native value CEL would give back as it is
// (toNative of its CEL form is v itself, or equal).
func plain(v any) bool {
	switch v.(type) {
	case nil, string, int64, bool, float64, Decimal, Money, Quantity, time.Time, map[string]any, []any, *Table:
		return true
	}
	return false
}
