package builtin

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestNativeIsCEL: an expression Eval answers without the interpreter
// gives what the interpreter gives, value and Go type; what it cannot
// answer the same way (a missing or null field, has(), a value whose CEL
// form converts back to another type, a failing function) goes to the
// interpreter, errors and their reasons included.
func TestNativeIsCEL(t *testing.T) {
	addr := ObjectType("direct.Address",
		&Field{Name: "city", Type: StringType},
		&Field{Name: "zip", Type: StringType},
	)
	order := ObjectType("direct.Order",
		&Field{Name: "id", Type: IntType},
		&Field{Name: "name", Type: StringType},
		&Field{Name: "total", Type: DecimalType},
		&Field{Name: "paid", Type: BoolType},
		&Field{Name: "rate", Type: DoubleType},
		&Field{Name: "at", Type: TimestampType},
		&Field{Name: "price", Type: MoneyType},
		&Field{Name: "qty", Type: QuantityType},
		&Field{Name: "ship", Type: addr},
		&Field{Name: "tags", Type: ListOf(StringType)},
		&Field{Name: "lines", Type: ListOf(addr)},
		&Field{Name: "amount", Type: StringType},
		&Field{Name: "note", Type: StringType},
		&Field{Name: "extra", Type: MapOf(AnyType)},
	)
	ts := NewTypes()
	if err := ts.Add(order); err != nil {
		t.Fatal(err)
	}
	env, err := NewEnv(NewRegistry().MustAdd(nativeTestLib(addr)), ts, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	scope, err := env.Scope([]Var{{Name: "input", Type: order}, {Name: "n", Type: IntType}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	total, _ := ParseDecimal("12.50")
	price, _ := ParseMoney("9.99", "USD")
	qty := Quantity{Value: total, UOM: "EA"}
	input := map[string]any{
		"id": int64(9007199254740993), "name": "#1001", "total": total, "paid": true, "rate": 0.25,
		"at": time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), "price": price, "qty": qty,
		"ship":   map[string]any{"city": "Louisville", "zip": nil},
		"tags":   []any{"a", "b"},
		"extra":  map[string]any{"k": "v", "n": int(3)},
		"lines":  []any{map[string]any{"city": "A", "zip": "1"}, map[string]any{"city": "B", "zip": "2"}},
		"amount": "12.x",
	}
	var vars Vars
	vars.Set("input", input)
	vars.Set("n", int64(4))
	for _, c := range []struct {
		src    string
		direct bool // answered without the interpreter
	}{
		{"'shopify'", true}, {"42", true}, {"null", true},
		{"input.id", true}, {"input.name", true}, {"input.total", true}, {"input.paid", true},
		{"input.rate", true}, {"input.at", true}, {"input.price", true}, {"input.qty", true},
		{"input.ship", true}, {"input.ship.city", true}, {"input.tags", true}, {"input.extra.k", true},
		{"input.extra", true},
		{"input.name + ' ' + input.ship.city", true},
		{"string(input.id)", true}, {"string(input.name)", true},
		{"size(input.tags)", true}, {"size(input.name)", true},
		{"twice(input.name)", true},
		{"[input.name, 'x', input.total]", true},
		{"{'a': input.name, 'b': input.price, 'c': null}", true},
		{"input.lines.map(l, {'c': l.city, 'z': twice(l.zip)})", true},
		{"input.lines.map(l, [l.city].map(l, l + 'x'))", true}, // shadowed
		{"input.lines.map(l, l.city + string(size(input.lines)))", true},
		{"input.price.amount > decimal('5')", true}, {"input.price.currency", true},
		{"input.qty.value <= input.total", true}, {"input.qty.uom == 'EA'", true},
		{"input.id > 3", true}, {"input.name < '#2'", true}, {"input.at >= input.at", true},
		{"input.price < input.price", true}, {"input.name != 'x' && input.paid", true},
		{"input.paid || fails(input.amount) == 'ok'", true}, // || forgives the side that does not matter
		{"!input.paid ? 'no' : input.ship.city", true},
		{"input.id == 9007199254740993", true},
		{"input.total == decimal('12.5')", true}, {"input.total != decimal('12.51')", true},
		{"input.price == input.price", true}, {"input.qty == input.qty", true},
		// Fields that may be absent.
		{"input.?name.orValue('')", true}, {"input.?note.orValue('n/a')", true},
		{"input.?ship.?zip.orValue('none')", true}, {"input.?ship.?city.orValue('')", true},
		{"input.?extra.?k.orValue('')", true}, {"input.extra.?zz.orValue('d')", true},
		{"has(input.note)", true}, {"has(input.ship.zip)", true}, {"has(input.ship.city)", true},
		{"has(input.extra.k)", true}, {"has(input.extra.zz)", true},
		{"input.?note.or(input.?name).orValue('')", true},
		{"input.?ship.city", true},
		{"input.tags[1]", true}, {"input.tags[?5].orValue('none')", true}, {"input.tags[?0]", true},
		{"input.extra['k']", true}, {"input.extra[?'q'].orValue('d')", true},
		{"input.?ship.optMap(s, s.city + '!').orValue('')", true},
		{"input.?note.optMap(s, s + '!').orValue('-')", true},
		{"cel.bind(x, input.name, x + x)", true},
		{"optional.of(input.name).hasValue()", true}, {"optional.none().orValue(1)", true},
		{"[input.?note, input.?name]", true},
		{"{'n': input.?note, 'm': input.?name}", true},
		{"input.?name.orValue('') != '' ? optional.of(input.name) : optional.none()", true},
		// Left to CEL:
		{"input.?note.value()", false},
		{"input.tags[5]", false},
		{"input.extra['q']", false},
		{"!input.paid && fails(input.amount) == 'ok'", true}, // false && error is false
		{"input.paid && fails(input.amount) == 'ok'", false}, // true && error is the error
		{"fails(input.amount) == 'ok' || input.paid", false}, // CEL forgives it; native cannot tell
		{"input.ship.zip == 'x' ? 1 : 2", false},
		{"input.lines.map(l, l.zip2)", false},            // not checked: skipped
		{"input.tags.map(t, t + input.ship.zip)", false}, // null inside
		{"{'a': input.name}.map(k, k)", false},           // a map iterates its keys
		{"fails(input.amount)", false},                   // the function's error
		{"input.lines.filter(l, l.city == 'A')", true},
		{"input.lines.map(l, l.city != 'A', l.zip)", true},
		{"input.lines.all(l, l.city != '')", true}, {"input.lines.all(l, l.city == 'A')", true},
		{"input.lines.exists(l, l.city == 'B')", true}, {"input.tags.exists(t, t == 'z')", true},
		{"input.lines.map(l, l.zip).filter(z, z != '1')", true},
		{"[].all(x, x > 1)", true},
		{"input.name.contains('10')", true}, {"input.name.startsWith('#')", true},
		{"input.ship.city.endsWith('ville')", true}, {"input.name.matches('^#[0-9]+$')", true},
		{"input.tags.size() + input.name.size()", true},
		{"[input.tags, ['c'], input.tags].flatten()", true},
		{"['b', 'a', 'c', 'a'].sort()", true}, {"[3, 1, 2].sort()", true},
		{"['b', 'a', 'b', 'a'].distinct()", true}, {"[1, 1, 2].distinct()", true},
		{"input.id - 3 + 2 * 4", true}, {"size(input.tags) * 10", true},
		// Optional entries, membership, list concatenation, conversions.
		{"{?'n': input.?note, ?'m': input.?name, 'k': 1}", true},
		{"{?'z': input.ship.?zip, ?'c': input.ship.?city}", true},
		{"{?'e': input.extra[?'k'], ?'q': input.extra[?'q']}", true},
		{"input.name in ['#1001', '#1002']", true}, {"input.name in ['x']", true}, {"input.name in []", true},
		{"input.id in [1, 9007199254740993]", true}, {"input.total in [decimal('12.5')]", true},
		{"'k' in input.extra", true}, {"'q' in input.extra", true},
		{"input.tags + ['c'] + []", true}, {"input.lines.map(l, l.city) + input.tags", true},
		{"string(dyn(input.name))", true}, {"string(dyn(input.id))", true}, {"string(dyn(input.paid))", true},
		{"string(input.paid)", true}, {"int('42') + 1", true}, {"int('-7')", true},
		{"dyn(input.ship).city", true},
		// ... and what CEL answers: numbers of two kinds, a bad number, a
		// double's text, a list holding a null.
		{"n in [dyn(4.0)]", false}, {"dyn(1) in [1u]", true},
		{"int(input.amount)", false}, {"int(input.name)", false},
		{"string(dyn(input.rate))", false}, {"string(dyn(input.total))", false},
		{"'Louisville' in [input.ship.zip, 'Louisville']", false},
		{"{?'x': dyn(input.name)}", false},
		// A builtin with an object parameter, given the object, a map
		// literal, or a value typed dyn (either at run time).
		{"{input.name: 1, 'k': input.id}", true}, {"{?input.name: input.?note, 'k': 2}", true},
		{"{input.name: 1, '#1001': 2}", false}, // a key twice: CEL's error
		{"{dyn(input.id): 1}", false},          // not a string
		{"size(input.extra) + input.extra.size()", true},
		{"input.tags.transformList(i, t, t + string(i))", true},
		{"input.lines.transformList(i, l, i > 0, l.city)", true},
		{"input.lines.transformMapEntry(i, l, {l.city: i})", true},
		{"input.lines.transformMapEntry(i, l, l.city == 'B', {l.city: l.zip})", true},
		{"[].transformMapEntry(i, l, {'k': l})", true},
		{"input.tags.transformMapEntry(i, t, {'k': t})", false}, // a key twice: CEL's error
		{"{'a': input.name}.transformList(k, v, v)", false},     // a map's entries: CEL's
		{"pick(dyn(input.name))", true}, {"pick(dyn(input.id))", true}, {"pick(dyn(input.total))", true},
		{"pick(dyn(input.paid))", false}, // no overload takes a bool: CEL's error
		{"int(dyn(input.id))", true}, {"int(dyn('12')) + 1", true}, {"size(dyn(input.tags)) + size(dyn(input.extra))", true},
		{"int(input.rate)", false}, {"size(dyn(b'ab'))", false}, // a double, bytes: CEL's
		{"input.?tags[0]", true}, {"input.?tags[1].orValue('-')", true}, {"input.?extra['k']", true},
		{"input.?tags[5]", false}, {"input.?extra['q']", false}, // CEL's errors
		{"input.extra.?none[0].orValue('-')", true}, // none stays none
		{"input.tags[?0]", true},
		{"input.tags.slice(0, 1)", true}, {"input.tags.slice(1, 2) + input.tags.slice(2, 2)", true},
		{"input.tags.slice(1, 3)", false}, {"input.tags.slice(2, 1)", false}, // CEL's errors
		{"city_of(input.ship)", true}, {"city_of({'city': input.name})", true},
		{"city_of(dyn(input.ship))", true}, {"input.lines.map(l, city_of(dyn(l)))", true},
		// Overflow, a regular expression that is not a literal, mixed kinds: CEL's.
		{"input.id * 2000", false}, {"9223372036854775807 + input.id", false},
		{"input.name.matches(input.name)", false},
		{"[1, 'a'].distinct()", false},
		// An element the native form cannot evaluate: CEL decides.
		{"input.lines.exists(l, l.city == 'B' || fails(input.amount) == 'ok')", false},
		{"input.lines.all(l, fails(l.city) == 'ok')", false},
		{"input.ship.zip", false},   // null: an error with its reason
		{"input.missing_", false},   // not checked: a compile error below, skipped
		{"input.extra.n", false},    // a Go int: CEL makes it int64
		{"input.extra.none", false}, // no such key
		{"n", true},
	} {
		p, iss := scope.Compile(CEL, c.src, nil)
		if iss != nil {
			if c.src == "input.missing_" || c.src == "input.lines.map(l, l.zip2)" {
				continue
			}
			t.Fatalf("%s: %v", c.src, iss)
		}
		got, gotErr := p.Eval(&vars)
		out, _, celErr := p.cel.Eval(&vars)
		var want any
		if celErr == nil {
			want = toNative(out)
		}
		direct := false
		if p.native != nil {
			_, direct = p.native.eval(&vars)
		}
		if direct != c.direct {
			t.Errorf("%s: answered directly %v, want %v", c.src, direct, c.direct)
		}
		if (gotErr == nil) != (celErr == nil) {
			t.Errorf("%s: error %v, CEL's %v", c.src, gotErr, celErr)
			continue
		}
		if gotErr != nil {
			if ReasonOf(gotErr) != ReasonOf(celErr) {
				t.Errorf("%s: reason %q, CEL's %q", c.src, ReasonOf(gotErr), ReasonOf(celErr))
			}
			continue
		}
		if reflect.TypeOf(got) != reflect.TypeOf(want) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v (%T), CEL gives %#v (%T)", c.src, got, got, want, want)
		}
	}
}

// TestMapLiteralCost: a builtin called with a map literal for its object
// parameter (the overload's map variant) costs what it costs with the
// object.
func TestMapLiteralCost(t *testing.T) {
	addr := ObjectType("direct.Address", &Field{Name: "city", Type: StringType})
	ts := NewTypes()
	if err := ts.Add(addr); err != nil {
		t.Fatal(err)
	}
	env, err := NewEnv(NewRegistry().MustAdd(nativeTestLib(addr)), ts, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	scope, err := env.Scope([]Var{{Name: "input", Type: addr}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"city_of(input)", "city_of({'city': input.city})"} {
		p, iss := scope.Compile(CEL, src, nil)
		if iss != nil {
			t.Fatalf("%s: %v", src, iss)
		}
		if p.Cost < 5000 {
			t.Errorf("%s: cost %d, want the overload's 5000 at least", src, p.Cost)
		}
	}
}

func nativeTestLib(addr *Type) *Library {
	return &Library{
		Name: "test.native", Version: 1, Doc: "Functions for the native evaluator's tests.",
		Funcs: []*Function{
			{
				Name: "pick", Doc: "Names the kind of its argument, by overload.",
				Overloads: []Overload{
					{Params: []*Type{StringType}, Result: StringType, Impl: func(a []any) (any, error) { return "string " + a[0].(string), nil }},
					{Params: []*Type{IntType}, Result: StringType, Impl: func(a []any) (any, error) { return "int", nil }},
					{Params: []*Type{DecimalType}, Result: StringType, Impl: func(a []any) (any, error) { return "decimal", nil }},
				},
				Examples: []Example{{Expr: "pick('a')", Want: `"string a"`}},
			},
			{
				Name: "city_of", Doc: "An address's city.",
				Overloads: []Overload{{Params: []*Type{addr}, Result: StringType, Cost: Cost{Fixed: 5000}, Impl: func(a []any) (any, error) {
					c, _ := a[0].(map[string]any)["city"].(string)
					return c, nil
				}}},
				Examples: []Example{{Expr: "city_of({'city': 'A'})", Want: `"A"`}},
			},
			{
				Name: "twice", Doc: "Repeats a string.",
				Overloads: []Overload{{Params: []*Type{StringType}, Result: StringType, Impl: func(a []any) (any, error) {
					return a[0].(string) + a[0].(string), nil
				}}},
				Examples: []Example{{Expr: "twice('a')", Want: `"aa"`}},
			},
			{
				Name: "fails", Doc: "Fails unless its argument is 'ok'.",
				Overloads: []Overload{{Params: []*Type{StringType}, Result: StringType, Impl: func(a []any) (any, error) {
					if a[0] != "ok" {
						return nil, &Error{Reason: "INVALID_MONEY", Msg: "not ok"}
					}
					return a[0], nil
				}}},
				Examples: []Example{{Expr: "fails('ok')", Want: `"ok"`}},
			},
			cmpOp(OpLess, func(c int) bool { return c < 0 }),
			cmpOp(OpLessEqual, func(c int) bool { return c <= 0 }),
			cmpOp(OpGreater, func(c int) bool { return c > 0 }),
			{
				Name: "decimal", Doc: "Parses a decimal.",
				Overloads: []Overload{{Params: []*Type{StringType}, Result: DecimalType, Impl: func(a []any) (any, error) {
					return ParseDecimal(a[0].(string))
				}}},
				Examples: []Example{{Expr: "decimal('1')", Want: "1"}},
			},
		},
	}
}

// cmpOp declares a comparison of decimals and of money, which CEL
// dispatches to the values' own Compare.
func cmpOp(name string, ok func(int) bool) *Function {
	return &Function{
		Name: name, Doc: "Compares decimals, or money.",
		Overloads: []Overload{
			{Params: []*Type{DecimalType, DecimalType}, Result: BoolType, Impl: func(a []any) (any, error) {
				return ok(a[0].(Decimal).Cmp(a[1].(Decimal))), nil
			}},
			{Params: []*Type{MoneyType, MoneyType}, Result: BoolType, Impl: func(a []any) (any, error) {
				return ok(a[0].(Money).Amount.Cmp(a[1].(Money).Amount)), nil
			}},
		},
		Examples: []Example{{Expr: "decimal('1') " + opName(name) + " decimal('2')", Want: fmt.Sprint(ok(-1))}},
	}
}

// TestNativeFallbacksCounted: an evaluation the native form hands to CEL
// is counted; one it answers is not.
func TestNativeFallbacksCounted(t *testing.T) {
	env, err := NewEnv(NewRegistry(), NewTypes(), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	scope, err := env.Scope([]Var{{Name: "m", Type: MapOf(AnyType)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, iss := scope.Compile(CEL, "m.a", nil)
	if iss != nil || p.native == nil {
		t.Fatalf("%v, native %v", iss, p.native != nil)
	}
	var vars Vars
	vars.Set("m", map[string]any{"a": "x", "n": int(1)})
	before := NativeFallbacks()
	if v, err := p.Eval(&vars); err != nil || v != "x" || NativeFallbacks() != before {
		t.Fatalf("answered natively: %v %v, fallbacks %d → %d", v, err, before, NativeFallbacks())
	}
	vars.Set("m", map[string]any{})
	if _, err := p.Eval(&vars); err == nil || NativeFallbacks() != before+1 {
		t.Fatalf("a missing key: %v, fallbacks %d → %d", err, before, NativeFallbacks())
	}
}
