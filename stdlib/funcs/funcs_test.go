package funcs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/transload/transload/builtin"
)

// harness compiles and evaluates expressions in both dialects against the
// full registry, with the example variables (items), a second table
// (warehouses) and the conformance input document (input).
type harness struct {
	env   *builtin.Env
	scope *builtin.Scope
	vars  *builtin.Vars
}

var (
	harnessOnce sync.Once
	theHarness  *harness
	harnessErr  error
)

func newHarness(t testing.TB) *harness {
	t.Helper()
	harnessOnce.Do(func() { theHarness, harnessErr = buildHarness() })
	if harnessErr != nil {
		t.Fatal(harnessErr)
	}
	return theHarness
}

func buildHarness() (*harness, error) {
	wh, err := builtin.NewTable("warehouses", "code", []string{"code", "name", "erp_location"}, []map[string]any{
		{"code": "EAST", "name": "Newark DC", "erp_location": "NJ01"},
		{"code": "WEST", "name": "Reno DC", "erp_location": ""},
	})
	if err != nil {
		return nil, err
	}
	ts := builtin.NewTypes()
	for _, t := range []*builtin.Type{builtin.ExampleTypes(), wh.Row, orderType} {
		if err := ts.Add(t); err != nil {
			return nil, err
		}
	}
	env, err := builtin.NewEnv(Registry(), ts, builtin.DefaultLimits)
	if err != nil {
		return nil, err
	}
	decl, vars := builtin.ExampleVars()
	decl = append(decl,
		builtin.Var{Name: "warehouses", Type: builtin.TableOf(wh.Row)},
		builtin.Var{Name: "input", Type: orderType},
	)
	vars.Set("warehouses", wh)
	vars.Set("input", conformanceInput())
	scope, err := env.Scope(decl, nil)
	if err != nil {
		return nil, err
	}
	return &harness{env: env, scope: scope, vars: vars}, nil
}

// eval compiles src in dialect d and evaluates it. A compile error is
// returned as issues; an evaluation error as err.
func (h *harness) eval(d builtin.Dialect, src string) (any, error, builtin.Issues) {
	p, iss := h.scope.Compile(d, src, nil)
	if iss != nil {
		return nil, nil, iss
	}
	v, err := p.Eval(h.vars)
	return v, err, nil
}

// expect evaluates src in d and reports how the outcome differs from want
// (canonical JSON) or wantErr (a reason code).
func (h *harness) expect(t *testing.T, d builtin.Dialect, src, want, wantErr string) {
	t.Helper()
	got, err, iss := h.eval(d, src)
	switch {
	case iss != nil:
		t.Errorf("%s: %s: does not compile: %v", d, src, iss)
	case wantErr != "" && err == nil:
		t.Errorf("%s: %s = %s, want error %s", d, src, builtin.Format(got), wantErr)
	case wantErr != "":
		if r := builtin.ReasonOf(err); r != wantErr {
			t.Errorf("%s: %s failed with reason %q (%v), want %s", d, src, r, err, wantErr)
		}
	case err != nil:
		t.Errorf("%s: %s failed: %v", d, src, err)
	case builtin.Format(got) != want:
		t.Errorf("%s: %s = %s, want %s", d, src, builtin.Format(got), want)
	}
}

// celOnlyExamples are examples that cannot run in expr, with the reason.
var celOnlyExamples = map[string]string{
	builtin.OpNegate: "expr cannot overload unary minus (builtin/exprenv.go); flows for both dialects use neg()",
}

func TestLibrariesAreValid(t *testing.T) {
	for _, lib := range All() {
		if err := lib.Validate(); err != nil {
			t.Error(err)
		}
		// TestLibraryCompatibility pins the version and what each one
		// exposes; here every function belongs to a version that exists,
		// and every older version still registers.
		for _, f := range lib.Funcs {
			if f.Since < 0 || f.Since > lib.Version {
				t.Errorf("%s: %s since version %d of %d", lib.Name, f.Name, f.Since, lib.Version)
			}
		}
		for v := 1; v <= lib.Version; v++ {
			if err := builtin.NewRegistry().Add(lib, v); err != nil {
				t.Errorf("%s at version %d: %v", lib.Name, v, err)
			}
		}
	}
	if _, err := builtin.NewEnv(Registry(), nil, builtin.DefaultLimits); err != nil {
		t.Fatal(err)
	}
}

func TestExamples(t *testing.T) {
	ts := builtin.NewTypes()
	if err := ts.Add(builtin.ExampleTypes()); err != nil {
		t.Fatal(err)
	}
	env, err := builtin.NewEnv(Registry(), ts, builtin.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, lib := range All() {
		for _, f := range lib.Funcs {
			for _, ex := range f.Examples {
				t.Run(lib.Name+"/"+f.Name+"/"+ex.Expr, func(t *testing.T) {
					if err := builtin.RunExample(env, builtin.CEL, ex); err != nil {
						t.Error(err)
					}
					if why, ok := celOnlyExamples[f.Name]; ok {
						t.Logf("not run in expr: %s", why)
						return
					}
					if err := builtin.RunExample(env, builtin.Expr, ex); err != nil {
						t.Error(err)
					}
				})
			}
		}
	}
}

var (
	reSnake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	// Reason codes a doc must name when its examples fail with them.
	reReason = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b`)
)

func TestFunctionDocs(t *testing.T) {
	seen := map[string]string{}
	for _, lib := range All() {
		for _, f := range lib.Funcs {
			name := lib.Name + "/" + f.Name
			if !builtin.IsOperator(f.Name) {
				if !reSnake.MatchString(f.Name) {
					t.Errorf("%s: name is not snake_case", name)
				}
				if other, ok := seen[f.Name]; ok {
					t.Errorf("%s: also declared by %s", name, other)
				}
				seen[f.Name] = lib.Name
			}
			doc := strings.TrimSpace(f.Doc)
			if doc == "" || !strings.HasSuffix(doc, ".") || strings.ToUpper(doc[:1]) != doc[:1] {
				t.Errorf("%s: doc must be full sentences: %q", name, doc)
			}
			if len(f.Examples) == 0 {
				t.Errorf("%s: no example", name)
			}
			for _, ex := range f.Examples {
				if (ex.Want == "") == (ex.Err == "") {
					t.Errorf("%s: example %q needs exactly one of Want and Err", name, ex.Expr)
				}
				if strings.Contains(ex.Expr, `"`) {
					t.Errorf("%s: example %q uses a double-quoted string", name, ex.Expr)
				}
				// Custom reasons (lookup's third argument) are the
				// caller's; every standard one must be documented.
				if ex.Err != "" && ex.Err != "UNKNOWN_SKU" && !strings.Contains(f.Doc, ex.Err) {
					t.Errorf("%s: example %q fails with %s, which the doc does not name", name, ex.Expr, ex.Err)
				}
			}
			for _, code := range reReason.FindAllString(f.Doc, -1) {
				switch code {
				case builtin.ReasonInvalidMoney, builtin.ReasonUnknownCurrency, builtin.ReasonCurrencyMismatch,
					builtin.ReasonInvalidQuantity, builtin.ReasonUnknownUnit, builtin.ReasonInvalidDate,
					builtin.ReasonNullRequiredField, builtin.ReasonLookupMiss, builtin.ReasonInvalidArgument,
					"UNKNOWN_SKU":
				default:
					t.Errorf("%s: doc names %s, which is not a reason code", name, code)
				}
			}
			for i, o := range f.Overloads {
				if o.Impl == nil || o.Result == nil {
					t.Errorf("%s: overload %d has no implementation or result", name, i)
				}
			}
		}
	}
}

// TestCosts checks that every overload returning a string or a list bounds
// its result size for CEL's estimate, and that those scanning a string or
// list argument charge for its size.
func TestCosts(t *testing.T) {
	sized := func(ty *builtin.Type) bool { return ty.Kind == builtin.KindString || ty.Kind == builtin.KindList }
	for _, lib := range All() {
		for _, f := range lib.Funcs {
			for i, o := range f.Overloads {
				if sized(o.Result) && !o.Cost.ResultSizeOfArgs && o.Cost.ResultSize == 0 {
					t.Errorf("%s overload %d: the result size is not bounded", f.Name, i)
				}
				if o.Cost.ResultSizeOfArgs && o.Cost.PerSize == 0 {
					t.Errorf("%s overload %d: a result as large as the arguments costs their size", f.Name, i)
				}
				for _, p := range o.Params {
					if p.Kind == builtin.KindList && o.Cost.PerSize == 0 {
						t.Errorf("%s overload %d: a list argument is not charged per element", f.Name, i)
					}
				}
			}
		}
	}
	// A worst case over default-sized inputs stays well under the limit.
	h := newHarness(t)
	for _, src := range []string{
		"join(split(normalize_space(input.tags), ','), '|') + lookup(items, 'A-100').base_uom + pad_left(input.id, 20, '0')",
		"input.lines.map(l, fold(ascii(l.title)) + '-' + lookup_value(items, l.sku, 'base_uom', 'EA'))",
		"sum_money(input.lines.map(l, money(l.price, input.currency) * l.qty), input.currency)",
	} {
		p, iss := h.scope.Compile(builtin.CEL, src, nil)
		if iss != nil {
			t.Errorf("%s: %v", src, iss)
			continue
		}
		if p.Cost > builtin.DefaultLimits.MaxCost/10 {
			t.Errorf("%s: estimated cost %d", src, p.Cost)
		}
	}
}

// TestNoFloatMoney checks that no signature of the money and units
// libraries takes or returns a double, and that no implementation file of
// the package mentions float32 or float64 at all, or parses floats.
func TestNoFloatMoney(t *testing.T) {
	var check func(*builtin.Type) bool
	check = func(ty *builtin.Type) bool {
		if ty == nil {
			return true
		}
		if ty.Kind == builtin.KindDouble {
			return false
		}
		return check(ty.Elem)
	}
	for _, lib := range All() {
		for _, f := range lib.Funcs {
			for i, o := range f.Overloads {
				for _, p := range append(append([]*builtin.Type{}, o.Params...), o.Result) {
					if !check(p) {
						t.Errorf("%s.%s overload %d uses a double", lib.Name, f.Name, i)
					}
				}
			}
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Ident:
				if x.Name == "float64" || x.Name == "float32" {
					t.Errorf("%s: uses %s", fset.Position(x.Pos()), x.Name)
				}
			case *ast.SelectorExpr:
				if x.Sel.Name == "ParseFloat" || x.Sel.Name == "Float64" {
					t.Errorf("%s: uses %s", fset.Position(x.Pos()), x.Sel.Name)
				}
			}
			return true
		})
	}
}

// TestImports keeps the package to what doc.go allows.
func TestImports(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			first := strings.Split(path, "/")[0]
			switch {
			case path == "github.com/transload/transload/builtin":
			case strings.HasPrefix(path, "golang.org/x/text/"):
			case !strings.Contains(first, "."):
				for _, banned := range []string{"os", "net", "io", "net/http", "os/exec", "math/rand", "math/rand/v2", "syscall"} {
					if path == banned {
						t.Errorf("%s imports %s: functions do no I/O and no randomness", name, path)
					}
				}
			default:
				t.Errorf("%s imports %s: only builtin, the standard library and golang.org/x/text are allowed", name, path)
			}
		}
	}
}

func TestUnitTable(t *testing.T) {
	required := strings.Fields("EA C62 H87 PR DZN GRO CS CT BX PK PF KT SET RO BG BO DR KGM GRM LBR ONZ TNE MTR CMT MMT FOT INH YRD LTR MLT GLL MTK FTK MTQ HUR DAY")
	byCode := map[string]Unit{}
	for _, u := range UnitTable() {
		if _, dup := byCode[u.Code]; dup {
			t.Errorf("%s appears twice", u.Code)
		}
		byCode[u.Code] = u
		if u.Name == "" || u.Dimension == "" {
			t.Errorf("%s: no name or dimension", u.Code)
		}
		for _, s := range u.Synonyms {
			if s != strings.ToUpper(s) {
				t.Errorf("%s: synonym %q is not upper case", u.Code, s)
			}
		}
	}
	for _, c := range required {
		if _, ok := byCode[c]; !ok {
			t.Errorf("unit table lacks %s", c)
		}
	}
	// Every dimension with factors has exactly one base unit (factor 1),
	// except count, where EA, C62 and H87 are all one.
	bases := map[string][]string{}
	for _, u := range UnitTable() {
		if u.Factor.Cmp(builtin.DecimalFromInt(1)) == 0 {
			bases[u.Dimension] = append(bases[u.Dimension], u.Code)
		}
	}
	for dim, codes := range bases {
		if len(codes) != 1 && dim != "count" {
			t.Errorf("dimension %s has base units %v", dim, codes)
		}
	}
	// The table handed out is a copy.
	UnitTable()[0].Synonyms[0] = "CHANGED"
	if UnitTable()[0].Synonyms[0] == "CHANGED" {
		t.Error("UnitTable returns the package's own slices")
	}
}

func TestZoneCache(t *testing.T) {
	a, err := loadZone("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := loadZone("America/Chicago")
	if a != b {
		t.Error("the second load did not come from the cache")
	}
	for _, bad := range []string{"", "Local", "../../etc/passwd", "America/Chicago/", strings.Repeat("A", 100), "No/Such_Zone"} {
		if _, err := loadZone(bad); builtin.ReasonOf(err) != builtin.ReasonInvalidArgument {
			t.Errorf("loadZone(%q) = %v, want INVALID_ARGUMENT", bad, err)
		}
	}
}

// TestGuard checks the argument checks every implementation runs behind,
// which are what expr's operator calls meet.
func TestGuard(t *testing.T) {
	add := Money().Funcs
	var op *builtin.Function
	for _, f := range add {
		if f.Name == builtin.OpAdd {
			op = f
		}
	}
	impl := op.Overloads[0].Impl
	if _, err := impl([]any{nil, builtin.MustDecimal("1")}); builtin.ReasonOf(err) != builtin.ReasonNullRequiredField {
		t.Errorf("nil operand: %v", err)
	}
	if _, err := impl([]any{"1", builtin.MustDecimal("1")}); builtin.ReasonOf(err) != builtin.ReasonInvalidArgument {
		t.Errorf("string operand: %v", err)
	}
	if _, err := impl([]any{builtin.MustDecimal("1")}); builtin.ReasonOf(err) != builtin.ReasonInvalidArgument {
		t.Errorf("one operand: %v", err)
	}
	for _, f := range add {
		if f.Name != "abs" {
			continue
		}
		for _, o := range f.Overloads {
			if o.Params[0].Kind == builtin.KindInt {
				if _, err := o.Impl([]any{int64(-1 << 63)}); builtin.ReasonOf(err) != builtin.ReasonInvalidArgument {
					t.Errorf("abs(min int): %v", err)
				}
				if v, _ := o.Impl([]any{int64(-(1<<63 - 1))}); v != int64(1<<63-1) {
					t.Errorf("abs(-max int) = %v", v)
				}
			}
		}
	}
}

// TestLookupReturnsCopy checks that changing a row returned by lookup does
// not change the shared table.
func TestLookupReturnsCopy(t *testing.T) {
	_, vars := builtin.ExampleVars()
	v, _ := vars.Get("items")
	items := v.(*builtin.Table)
	row, err := lookupFunc().Overloads[0].Impl([]any{items, "A-100"})
	if err != nil {
		t.Fatal(err)
	}
	row.(map[string]any)["base_uom"] = "XX"
	if r, _ := items.Get("A-100"); r["base_uom"] != "EA" {
		t.Error("lookup returned the table's own row")
	}
}
