package builtin

import (
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
)

// Optional values (x.?f, m[?k], optional.of) in the native evaluator, and
// the expressions that read fields which may be absent: has(x.f),
// orValue, or, hasValue, value, optMap and cel.bind.

// nativeOptional is a CEL optional value during a native evaluation. It
// never leaves one: a result, an element of a list or map literal and an
// argument are unwrapped, as CEL's conversion to native values does.
type nativeOptional struct {
	v  any
	ok bool
}

const (
	optionalOf   = "optional.of"
	optionalNone = "optional.none"
)

// unwrap is what CEL makes of an optional as a native value: its value,
// or nil.
func unwrap(v any) any {
	if o, ok := v.(nativeOptional); ok {
		if o.ok {
			return o.v
		}
		return nil
	}
	return v
}

// presence is how has(x.f) and x.?f decide that f is there, by the
// checked type of x: a declared object's field is there when it is not
// null; a map's key when the map has it.
func (c *nativeCompiler) presence(operand celast.Expr) func(m map[string]any, f string) bool {
	t := c.ast.GetType(operand.ID())
	if t == nil {
		return nil
	}
	if t.Kind() == types.OpaqueKind && len(t.Parameters()) == 1 { // optional(T)
		t = t.Parameters()[0]
	}
	switch t.Kind() {
	case types.StructKind:
		return func(m map[string]any, f string) bool { return m[f] != nil }
	case types.MapKind, types.DynKind:
		return func(m map[string]any, f string) bool { _, ok := m[f]; return ok }
	}
	return nil
}

// optSelect is x.?f: optional.of(x.f) when f is there, optional.none()
// when it is not or x is none.
func (c *nativeCompiler) optSelect(call celast.CallExpr) nativeFn {
	args := call.Args()
	field, isStr := stringLiteral(args[1])
	if !isStr {
		return nil
	}
	operand := c.expr(args[0])
	present := c.presence(args[0])
	if operand == nil || present == nil {
		return nil
	}
	return func(fr *frame) (any, bool) {
		v, ok := operand(fr)
		if !ok {
			return nil, false
		}
		if o, isOpt := v.(nativeOptional); isOpt {
			if !o.ok {
				return o, true
			}
			v = o.v
		}
		m, isMap := v.(map[string]any)
		if !isMap {
			return nil, false
		}
		if !present(m, field) {
			return nativeOptional{}, true
		}
		x := m[field]
		return nativeOptional{x, true}, plain(x)
	}
}

// index is l[i] and m[k], or with opt l[?i] and m[?k]: an element that is
// not there is none with opt, and CEL's error without.
func (c *nativeCompiler) index(call celast.CallExpr, opt bool) nativeFn {
	args := c.args(call.Args())
	if args == nil {
		return nil
	}
	return func(fr *frame) (any, bool) {
		v, ok1 := args[0](fr)
		k, ok2 := args[1](fr)
		if !ok1 || !ok2 {
			return nil, false
		}
		// Of an optional: none stays none; a value is indexed, and the
		// result is optional (an index out of range is still CEL's
		// error with [], and none with [?]).
		wrap := false
		if o, isOpt := v.(nativeOptional); isOpt {
			if !o.ok {
				return o, true
			}
			v, wrap = o.v, true
		}
		var x any
		found := false
		switch c := v.(type) {
		case []any:
			i, isInt := k.(int64)
			if !isInt {
				return nil, false
			}
			if found = i >= 0 && i < int64(len(c)); found {
				x = c[i]
			}
		case map[string]any:
			s, isStr := k.(string)
			if !isStr {
				return nil, false
			}
			x, found = c[s]
		default:
			return nil, false
		}
		switch {
		case opt && !found:
			return nativeOptional{}, true
		case opt:
			return nativeOptional{x, true}, plain(x)
		case wrap:
			return nativeOptional{x, true}, found && plain(x)
		}
		return x, found && x != nil && plain(x)
	}
}

// optionalMethod is opt.orValue(d), opt.or(o), opt.hasValue() and
// opt.value().
func (c *nativeCompiler) optionalMethod(call celast.CallExpr) nativeFn {
	target := c.expr(call.Target())
	args := c.args(call.Args())
	if target == nil || args == nil && len(call.Args()) > 0 {
		return nil
	}
	opt := func(fr *frame) (nativeOptional, bool) {
		v, ok := target(fr)
		o, isOpt := v.(nativeOptional)
		return o, ok && isOpt
	}
	switch name := call.FunctionName(); {
	case name == "orValue" && len(args) == 1:
		return func(fr *frame) (any, bool) {
			o, ok := opt(fr)
			if !ok {
				return nil, false
			}
			if o.ok {
				return o.v, true
			}
			return args[0](fr)
		}
	case name == "or" && len(args) == 1:
		return func(fr *frame) (any, bool) {
			o, ok := opt(fr)
			if !ok {
				return nil, false
			}
			if o.ok {
				return o, true
			}
			v, ok := args[0](fr)
			_, isOpt := v.(nativeOptional)
			return v, ok && isOpt
		}
	case name == "hasValue" && len(args) == 0:
		return func(fr *frame) (any, bool) {
			o, ok := opt(fr)
			return o.ok, ok
		}
	case name == "value" && len(args) == 0:
		return func(fr *frame) (any, bool) {
			o, ok := opt(fr)
			return o.v, ok && o.ok // none.value() is CEL's error
		}
	}
	return nil
}

// bind is cel.bind(name, value, body), and what optMap expands to: a
// comprehension over nothing whose accumulator, name, starts as value and
// whose result is body.
func (c *nativeCompiler) bind(e celast.Expr) nativeFn {
	cp := e.AsComprehension()
	rng, cond, step := cp.IterRange(), cp.LoopCondition(), cp.LoopStep()
	if cp.HasIterVar2() ||
		rng.Kind() != celast.ListKind || len(rng.AsList().Elements()) != 0 ||
		cond.Kind() != celast.LiteralKind || cond.AsLiteral() != types.False ||
		step.Kind() != celast.IdentKind || step.AsIdent() != cp.AccuVar() {
		return nil
	}
	init := c.expr(cp.AccuInit())
	if init == nil {
		return nil
	}
	slot, fns := c.scoped(cp.AccuVar(), cp.Result())
	if fns == nil {
		return nil
	}
	body := fns[0]
	return func(fr *frame) (any, bool) {
		v, ok := init(fr)
		if !ok {
			return nil, false
		}
		fr.local[slot] = v
		return body(fr)
	}
}
