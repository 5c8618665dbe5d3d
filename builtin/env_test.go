package builtin_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
)

// testLib is a minimal library: a constructor, an operator and a function
// that fails with a reason code.
func testLib() *builtin.Library {
	return &builtin.Library{
		Name: "test.lib", Version: 1, Doc: "Functions for the builtin package's own tests.",
		Funcs: []*builtin.Function{
			{
				Name: "dec", Doc: "Parses a decimal.",
				Overloads: []builtin.Overload{{
					Params: []*builtin.Type{builtin.StringType}, Result: builtin.DecimalType,
					Impl: func(a []any) (any, error) { return builtin.ParseDecimal(a[0].(string)) },
				}},
				Examples: []builtin.Example{{Expr: "dec('1.5')", Want: "1.5"}},
			},
			{
				Name: builtin.OpAdd, Doc: "Adds decimals.",
				Overloads: []builtin.Overload{{
					Params: []*builtin.Type{builtin.DecimalType, builtin.DecimalType}, Result: builtin.DecimalType,
					Impl: func(a []any) (any, error) { return a[0].(builtin.Decimal).Add(a[1].(builtin.Decimal)) },
				}},
				Examples: []builtin.Example{{Expr: "dec('1.5') + dec('1')", Want: "2.5"}},
			},
			{
				Name: "fail", Doc: "Always fails.",
				Overloads: []builtin.Overload{{
					Params: []*builtin.Type{builtin.StringType}, Result: builtin.StringType,
					Impl: func(a []any) (any, error) { return nil, builtin.Errorf("TEST_REASON", "failed on %s", a[0]) },
				}},
				Examples: []builtin.Example{{Expr: "fail('x')", Err: "TEST_REASON"}},
			},
		},
	}
}

func testEnv(t *testing.T) (*builtin.Env, *builtin.Type) {
	t.Helper()
	line := builtin.ObjectType("test.Line",
		&builtin.Field{Name: "sku", Type: builtin.StringType, Required: true},
		&builtin.Field{Name: "qty", Type: builtin.IntType},
		&builtin.Field{Name: "price", Type: builtin.DecimalType},
	)
	order := builtin.ObjectType("test.Order",
		&builtin.Field{Name: "id", Type: builtin.IntType},
		&builtin.Field{Name: "note", Type: builtin.StringType},
		&builtin.Field{Name: "lines", Type: builtin.ListOf(line)},
	)
	ts := builtin.NewTypes()
	if err := ts.Add(order); err != nil {
		t.Fatal(err)
	}
	env, err := builtin.NewEnv(builtin.NewRegistry().MustAdd(testLib()), ts, builtin.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return env, order
}

func TestCompileAndEvalBothDialects(t *testing.T) {
	env, order := testEnv(t)
	scope, err := env.Scope([]builtin.Var{{Name: "input", Type: order}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	input := map[string]any{
		"id": int64(9007199254740993), // above 2^53: must stay exact
		"lines": []any{
			map[string]any{"sku": "A", "qty": int64(2), "price": builtin.MustDecimal("1.10")},
			map[string]any{"sku": "B", "qty": int64(1), "price": builtin.MustDecimal("2.20")},
		},
	}
	var vars builtin.Vars
	vars.Set("input", input)
	cases := []struct {
		name, src string
		want      string
	}{
		{"id", "input.id", "9007199254740993"},
		{"sum", "input.lines[0].price + input.lines[1].price", "3.30"},
		{"size", "size(input.lines)", "2"},
	}
	for _, d := range []builtin.Dialect{builtin.CEL, builtin.Expr} {
		for _, c := range cases {
			src := c.src
			if d == builtin.Expr {
				src = strings.ReplaceAll(src, "size(", "len(")
			}
			p, iss := scope.Compile(d, src, nil)
			if iss != nil {
				t.Fatalf("%s/%s: %v", d, c.name, iss)
			}
			got, err := p.Eval(&vars)
			if err != nil {
				t.Fatalf("%s/%s: %v", d, c.name, err)
			}
			if s := builtin.Format(got); s != c.want {
				t.Errorf("%s/%s = %s, want %s", d, c.name, s, c.want)
			}
		}
	}
}

func TestCompileErrors(t *testing.T) {
	env, order := testEnv(t)
	scope, err := env.Scope([]builtin.Var{{Name: "input", Type: order}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		src, summary, detail string
	}{
		{"input.lins", "Unknown field", `Did you mean "lines"?`},
		{"input.lines[0].skux", "Unknown field", `Type test.Line has no field "skux"`},
		{"inptu.id", "Unknown name", `Did you mean "input"?`},
		{"input.id +", "Expression syntax error", ""},
		{"dec(1)", "Wrong argument types", "dec(string) -> decimal"},
	}
	for _, c := range cases {
		_, iss := scope.Compile(builtin.CEL, c.src, nil)
		if len(iss) == 0 {
			t.Errorf("%q compiled", c.src)
			continue
		}
		if iss[0].Summary != c.summary || !strings.Contains(iss[0].Detail, c.detail) {
			t.Errorf("%q: got %q / %q, want %q / …%q…", c.src, iss[0].Summary, iss[0].Detail, c.summary, c.detail)
		}
	}
}

func TestOutputMapLiteralChecked(t *testing.T) {
	env, order := testEnv(t)
	scope, err := env.Scope([]builtin.Var{{Name: "input", Type: order}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	line := env.Types().Lookup("test.Line")
	_, iss := scope.Compile(builtin.CEL, "input.lines.map(l, {'skux': l.sku})", builtin.ListOf(line))
	if len(iss) != 2 || iss[0].Summary != "Unknown output field" || iss[1].Summary != "Missing output field" {
		t.Fatalf("got %v", iss)
	}
	if _, iss := scope.Compile(builtin.CEL, "input.lines.map(l, {'sku': l.sku, 'qty': l.qty})", builtin.ListOf(line)); iss != nil {
		t.Fatal(iss)
	}
	_, iss = scope.Compile(builtin.CEL, "input.lines.map(l, {'sku': l.qty})", builtin.ListOf(line))
	if len(iss) != 1 || iss[0].Summary != "Wrong result type" {
		t.Fatalf("got %v", iss)
	}
}

func TestMissingFieldIsReasonCoded(t *testing.T) {
	env, order := testEnv(t)
	scope, _ := env.Scope([]builtin.Var{{Name: "input", Type: order}}, nil)
	var vars builtin.Vars
	vars.Set("input", map[string]any{"id": int64(1)})
	p, iss := scope.Compile(builtin.CEL, "input.note", nil)
	if iss != nil {
		t.Fatal(iss)
	}
	_, err := p.Eval(&vars)
	var ee *builtin.EvalError
	if !errors.As(err, &ee) || ee.Reason != builtin.ReasonNullRequiredField {
		t.Fatalf("got %#v", err)
	}
	p, _ = scope.Compile(builtin.CEL, "fail('x')", nil)
	_, err = p.Eval(&vars)
	if !errors.As(err, &ee) || ee.Reason != "TEST_REASON" {
		t.Fatalf("got %#v", err)
	}
	p, _ = scope.Compile(builtin.CEL, "input.?note.orValue('none')", nil)
	if got, err := p.Eval(&vars); err != nil || got != "none" {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestHostileExpressions(t *testing.T) {
	env, order := testEnv(t)
	scope, _ := env.Scope([]builtin.Var{{Name: "input", Type: order}}, nil)
	for _, src := range []string{
		// comprehension blow-up over an input list
		"input.lines.map(a, input.lines.map(b, input.lines.map(c, a.sku + b.sku + c.sku)))",
		// deep nesting
		strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200),
	} {
		if _, iss := scope.Compile(builtin.CEL, src, nil); len(iss) == 0 {
			t.Errorf("accepted hostile expression %.60q", src)
		}
	}
	// Bounded at load, but stopped at run time: a literal range is cheap to
	// estimate, a string doubling inside it is caught by the runtime limit.
	p, iss := scope.Compile(builtin.CEL, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30].map(i, input.lines.map(l, l.sku + l.sku)).size() > 0", nil)
	if iss != nil {
		t.Logf("rejected at load: %v", iss)
		return
	}
	var vars builtin.Vars
	lines := make([]any, 5000)
	for i := range lines {
		lines[i] = map[string]any{"sku": strings.Repeat("x", 1000)}
	}
	vars.Set("input", map[string]any{"lines": lines})
	if _, err := p.Eval(&vars); !errors.Is(err, builtin.ErrCostLimit) {
		t.Fatalf("want cost limit, got %v", err)
	}
}

func TestReads(t *testing.T) {
	env, order := testEnv(t)
	scope, _ := env.Scope([]builtin.Var{{Name: "input", Type: order}}, nil)
	p, iss := scope.Compile(builtin.CEL, "input.lines.map(l, l.sku + string(input.id)).size() > 0 && has(input.note)", nil)
	if iss != nil {
		t.Fatal(iss)
	}
	got := strings.Join(p.Reads(), " ")
	if got != "input.id input.lines[].sku input.note" {
		t.Fatalf("reads %s", got)
	}
}

// TestCELExtensions: cel.bind, two-variable comprehensions and the list
// extensions compile within the cost limit, evaluate, and their local
// names are not reads of the input.
func TestCELExtensions(t *testing.T) {
	env, order := testEnv(t)
	scope, _ := env.Scope([]builtin.Var{{Name: "input", Type: order}}, nil)
	var vars builtin.Vars
	vars.Set("input", map[string]any{
		"id": int64(7), "note": "n",
		"lines": []any{
			map[string]any{"sku": "A", "qty": int64(2)},
			map[string]any{"sku": "B", "qty": int64(1)},
		},
	})
	cases := []struct{ src, want, reads string }{
		{"cel.bind(l, input.lines, l.map(x, x.sku + x.sku))", `["AA","BB"]`, "input.lines[].sku"},
		{"input.lines.transformList(i, l, string(i) + l.sku)", `["0A","1B"]`, "input.lines[].sku"},
		{"input.lines.all(i, l, i < 2 && l.qty > 0)", "true", "input.lines[].qty"},
		{"[input.lines.map(l, l.sku), ['C']].flatten()", `["A","B","C"]`, "input.lines[].sku"},
		// The elements are the result: read whole.
		{"input.lines.filter(l, l.qty > 1)", `[{"qty":2,"sku":"A"}]`, "input.lines[] input.lines[].qty"},
		// Nothing of the elements is read: the list is, whole.
		{"input.lines.map(l, 1)", "[1,1]", "input.lines"},
		{"input.lines.transformList(i, l, i)", "[0,1]", "input.lines"},
		{"cel.bind(l, input.lines, 1)", "1", ""},
		{"cel.bind(l, input.lines, size(l))", "2", "input.lines#"},
		// A list's length reads its elements as nothing; a string's is the string.
		{"size(input.lines)", "2", "input.lines#"},
		{"input.lines.size() + size(input.note)", "3", "input.lines# input.note"},
		{"size(input.lines) + size(input.lines.map(l, l.sku))", "4", "input.lines# input.lines[].sku"},
		{"input.?note.orValue('') + ':' + input.lines[0].sku", `"n:A"`, "input.lines[].sku input.note"},
		{"input.?lines.orValue([]).map(l, l.sku)", `["A","B"]`, "input.lines"},
	}
	for _, c := range cases {
		p, iss := scope.Compile(builtin.CEL, c.src, nil)
		if iss != nil {
			t.Errorf("%s: %v", c.src, iss)
			continue
		}
		got, err := p.Eval(&vars)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if s := builtin.Format(got); s != c.want {
			t.Errorf("%s = %s, want %s", c.src, s, c.want)
		}
		if r := strings.Join(p.Reads(), " "); r != c.reads {
			t.Errorf("%s reads %s, want %s", c.src, r, c.reads)
		}
	}
}
