package builtin

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	exprtypes "github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
)

// exprEnv holds the expr options derived from a registry: one expr
// function per builtin, carrying every overload's signature, and one
// function per operator overload, wired with expr.Operator.
type exprEnv struct {
	opts []expr.Option
}

var (
	goAny      = reflect.TypeFor[any]()
	goDecimal  = reflect.TypeFor[Decimal]()
	goMoney    = reflect.TypeFor[Money]()
	goQuantity = reflect.TypeFor[Quantity]()
)

// goType is the Go type expr's checker sees for a builtin type.
func goType(t *Type) reflect.Type {
	switch t.Kind {
	case KindBool:
		return reflect.TypeFor[bool]()
	case KindInt:
		return reflect.TypeFor[int64]()
	case KindDouble:
		return reflect.TypeFor[float64]()
	case KindString:
		return reflect.TypeFor[string]()
	case KindBytes:
		return reflect.TypeFor[[]byte]()
	case KindDecimal:
		return goDecimal
	case KindMoney:
		return goMoney
	case KindQuantity:
		return goQuantity
	case KindTimestamp:
		return reflect.TypeFor[time.Time]()
	case KindDuration:
		return reflect.TypeFor[time.Duration]()
	case KindList:
		return reflect.TypeFor[[]any]()
	case KindMap, KindObject:
		return reflect.TypeFor[map[string]any]()
	case KindTable:
		return reflect.TypeFor[*Table]()
	}
	return goAny
}

// exprType is the type expr's checker sees for a variable: objects become
// strict maps, so field names are checked in this dialect too.
func exprType(t *Type, depth int) exprtypes.Type {
	switch t.Kind {
	case KindObject:
		if depth > 12 {
			return exprtypes.Any
		}
		m := exprtypes.Map{}
		for _, f := range t.Fields {
			m[f.Name] = exprType(f.Type, depth+1)
		}
		return m
	case KindList:
		return exprtypes.Array(exprType(t.Elem, depth+1))
	case KindMap:
		return exprtypes.Map{exprtypes.Extra: exprType(t.Elem, depth+1)}
	case KindAny, typeParamKind:
		return exprtypes.Any
	}
	return exprtypes.TypeOf(reflect.Zero(goType(t)).Interface())
}

func signature(params []*Type, result *Type) any {
	in := make([]reflect.Type, len(params))
	for i, p := range params {
		in[i] = goType(p)
	}
	fn := reflect.FuncOf(in, []reflect.Type{goType(result)}, false)
	return reflect.New(fn).Interface()
}

// intLiteralParams returns the Go parameter types of params with int in
// place of int64, or nil when no parameter is an int.
func intLiteralParams(params []*Type) []reflect.Type {
	in := make([]reflect.Type, len(params))
	found := false
	for i, p := range params {
		in[i] = goType(p)
		if p.Kind == KindInt {
			in[i], found = reflect.TypeFor[int](), true
		}
	}
	if !found {
		return nil
	}
	return in
}

func newExprEnv(reg *Registry) (*exprEnv, error) {
	e := &exprEnv{}
	for _, f := range reg.Functions() {
		e.opts = append(e.opts, exprFunction(f)...)
	}
	return e, nil
}

func exprFunction(f *Function) []expr.Option {
	if IsOperator(f.Name) {
		if f.Name == OpNegate {
			return nil // expr cannot overload unary minus
		}
		var names []string
		var opts []expr.Option
		for i, o := range f.Overloads {
			name := "__" + overloadID(f, i)
			names = append(names, name)
			impl := o.Impl
			// Operator overloads match operand types exactly, and expr's
			// integer literals are int, not int64: declare both, or
			// decimal('1.5') + 1 would not find the (decimal, int) overload.
			sigs := []any{signature(o.Params, o.Result)}
			if lit := intLiteralParams(o.Params); lit != nil {
				sigs = append(sigs, reflect.New(reflect.FuncOf(lit, []reflect.Type{goType(o.Result)}, false)).Interface())
			}
			opts = append(opts, expr.Function(name, func(args ...any) (any, error) {
				return impl(normalizeArgs(args))
			}, sigs...))
		}
		return append(opts, expr.Operator(exprOperators[f.Name], names...))
	}
	sigs := make([]any, len(f.Overloads))
	for i, o := range f.Overloads {
		sigs[i] = signature(o.Params, o.Result)
	}
	impl := dispatcher(f, 0)
	// expr names cannot contain dots: mapping shopify.order is
	// shopify_order there.
	return []expr.Option{expr.Function(strings.ReplaceAll(f.Name, ".", "_"), func(args ...any) (any, error) {
		return impl(normalizeArgs(args))
	}, sigs...)}
}

// Equality of the decimal types is by value in both dialects: "1.50" equals
// "1.5". expr would compare the structs field by field.
var exprEquality = []expr.Option{
	expr.Function("__eq_decimal", func(a ...any) (any, error) { return a[0].(Decimal).Cmp(a[1].(Decimal)) == 0, nil }, new(func(Decimal, Decimal) bool)),
	expr.Function("__ne_decimal", func(a ...any) (any, error) { return a[0].(Decimal).Cmp(a[1].(Decimal)) != 0, nil }, new(func(Decimal, Decimal) bool)),
	expr.Function("__eq_money", func(a ...any) (any, error) { return moneyEq(a[0], a[1]), nil }, new(func(Money, Money) bool)),
	expr.Function("__ne_money", func(a ...any) (any, error) { return !moneyEq(a[0], a[1]), nil }, new(func(Money, Money) bool)),
	expr.Function("__eq_quantity", func(a ...any) (any, error) { return qtyEq(a[0], a[1]), nil }, new(func(Quantity, Quantity) bool)),
	expr.Function("__ne_quantity", func(a ...any) (any, error) { return !qtyEq(a[0], a[1]), nil }, new(func(Quantity, Quantity) bool)),
	expr.Operator("==", "__eq_decimal", "__eq_money", "__eq_quantity"),
	expr.Operator("!=", "__ne_decimal", "__ne_money", "__ne_quantity"),
}

func moneyEq(a, b any) bool {
	x, y := a.(Money), b.(Money)
	return x.Currency == y.Currency && x.Amount.Cmp(y.Amount) == 0
}

func qtyEq(a, b any) bool {
	x, y := a.(Quantity), b.(Quantity)
	return x.UOM == y.UOM && x.Value.Cmp(y.Value) == 0
}

// normalizeArgs brings expr's values to the native representation: expr
// literals are int, builtins take int64.
func normalizeArgs(args []any) []any {
	for i, a := range args {
		args[i] = normalize(a)
	}
	return args
}

func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return int64(x)
	case uint64:
		return int64(x)
	case float32:
		return float64(x)
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return v
}

// exprScope caches the compile options of a Scope for the expr dialect.
type exprScope struct {
	opts []expr.Option
}

func (s *Scope) exprOptions() []expr.Option {
	if s.expr != nil {
		return s.expr.opts
	}
	env := exprtypes.Map{}
	for _, v := range s.vars {
		env[v.Name] = exprType(v.Type, 0)
	}
	opts := []expr.Option{expr.Env(env), expr.MaxNodes(uint(s.env.limits.MaxSourceBytes / 4))}
	opts = append(opts, s.env.expr.opts...)
	opts = append(opts, exprEquality...)
	for _, f := range s.funcs {
		opts = append(opts, exprFunction(f)...)
	}
	s.expr = &exprScope{opts: opts}
	return opts
}

type exprProgram struct {
	prg *vm.Program
}

func (s *Scope) compileExpr(src string, want *Type) (*Program, Issues) {
	prg, err := compileExprSafely(src, s.exprOptions())
	if err != nil {
		return nil, exprIssues(err)
	}
	if depth := closureDepth(prg.Node()); depth > 2 {
		return nil, Issues{{Line: 1, Summary: "Expression too expensive",
			Detail: fmt.Sprintf("It nests %d comprehensions (map, filter, all, …); the limit is 2, because each level multiplies the work by the size of a list.", depth)}}
	}
	p := &Program{Source: src, Dialect: Expr, expr: &exprProgram{prg: prg}, want: want}
	p.Type = fromGoType(prg.Node().Type())
	if want != nil && !want.AssignableFrom(p.Type) {
		return nil, Issues{{Line: 1, Summary: "Wrong result type", Detail: fmt.Sprintf("The expression has type %s, but %s is expected.", p.Type, want)}}
	}
	return p, nil
}

// compileExprSafely turns a panic inside expr's compiler (which some
// malformed operator declarations cause) into an issue instead of a crash.
func compileExprSafely(src string, opts []expr.Option) (prg *vm.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal compiler error: %v", r)
		}
	}()
	return expr.Compile(src, opts...)
}

func closureDepth(n ast.Node) int {
	v := &depthVisitor{}
	ast.Walk(&n, v)
	return v.max
}

type depthVisitor struct{ max int }

func (v *depthVisitor) Visit(n *ast.Node) {
	if p, ok := (*n).(*ast.PredicateNode); ok {
		d := 1 + closureDepth(p.Node)
		if d > v.max {
			v.max = d
		}
	}
}

func fromGoType(t reflect.Type) *Type {
	if t == nil {
		return AnyType
	}
	switch t {
	case goDecimal:
		return DecimalType
	case goMoney:
		return MoneyType
	case goQuantity:
		return QuantityType
	case reflect.TypeFor[time.Time]():
		return TimestampType
	case reflect.TypeFor[time.Duration]():
		return DurationType
	}
	switch t.Kind() {
	case reflect.Bool:
		return BoolType
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return IntType
	case reflect.Float32, reflect.Float64:
		return DoubleType
	case reflect.String:
		return StringType
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return BytesType
		}
		return ListOf(fromGoType(t.Elem()))
	case reflect.Map:
		return MapOf(fromGoType(t.Elem()))
	}
	return AnyType
}

var (
	reExprUnknownName  = regexp.MustCompile(`^unknown name (\S+)`)
	reExprUnknownField = regexp.MustCompile(`^(type .* has no field|unknown field) (\S+)`)
)

func exprIssues(err error) Issues {
	is := Issue{Line: 1, Summary: "Invalid expression", Detail: err.Error()}
	var fe *file.Error
	if errors.As(err, &fe) {
		is.Line, is.Col, is.Detail = fe.Line, fe.Column, fe.Message
		if is.Line == 0 {
			is.Line = 1
		}
	}
	msg := is.Detail
	switch {
	case reExprUnknownName.MatchString(msg):
		is.Summary = "Unknown name"
	case reExprUnknownField.MatchString(msg):
		is.Summary = "Unknown field"
	case strings.Contains(msg, "unexpected token") || strings.Contains(msg, "unrecognized character") || strings.Contains(msg, "expected"):
		is.Summary = "Expression syntax error"
	case strings.Contains(msg, "cannot use") || strings.Contains(msg, "not enough arguments") || strings.Contains(msg, "too many arguments"):
		is.Summary = "Wrong argument types"
	case strings.Contains(msg, "invalid operation") || strings.Contains(msg, "mismatched types"):
		is.Summary = "Type error"
	}
	is.Detail = cleanTypes(strings.ReplaceAll(is.Detail, "builtin.", ""))
	if is.Detail != "" {
		is.Detail = strings.ToUpper(is.Detail[:1]) + is.Detail[1:]
		if !strings.HasSuffix(is.Detail, ".") {
			is.Detail += "."
		}
	}
	return Issues{is}
}

func (p *exprProgram) eval(vars *Vars) (any, error) {
	out, err := expr.Run(p.prg, vars.asMap())
	if err != nil {
		ee := &EvalError{Err: err, Reason: ReasonOf(err)}
		var fe *file.Error
		if errors.As(err, &fe) {
			ee.Line, ee.Col = fe.Line, fe.Column
			if fe.Prev != nil {
				ee.Err = fe.Prev
			} else {
				ee.Err = errors.New(fe.Message)
			}
			if strings.Contains(fe.Message, "memory budget exceeded") {
				ee.Err = fmt.Errorf("%w: %s", ErrCostLimit, fe.Message)
			}
		}
		return nil, ee
	}
	return normalize(out), nil
}
