package dsl_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
)

// testRegistry is a small library for the compiler's tests: the compiler
// is tested here, the shipped libraries in stdlib/funcs.
func testRegistry() *builtin.Registry {
	str := []*builtin.Type{builtin.StringType}
	return builtin.NewRegistry().MustAdd(&builtin.Library{
		Name: "test.core", Version: 1, Doc: "Functions for the dsl tests.",
		Funcs: []*builtin.Function{
			{
				Name: "money", Doc: "Parses money.",
				Overloads: []builtin.Overload{{
					Params: []*builtin.Type{builtin.StringType, builtin.StringType}, Result: builtin.MoneyType,
					Impl: func(a []any) (any, error) { return builtin.ParseMoney(a[0].(string), a[1].(string)) },
				}},
				Examples: []builtin.Example{{Expr: "money('1.00', 'USD')", Want: `{"amount":"1.00","currency":"USD"}`}},
			},
			{
				Name: "upper", Doc: "Upper-cases a string.",
				Overloads: []builtin.Overload{{
					Params: str, Result: builtin.StringType,
					Impl: func(a []any) (any, error) { return strings.ToUpper(a[0].(string)), nil },
					Cost: builtin.Cost{Fixed: 1, PerSize: 0.1, ResultSizeOfArgs: true},
				}},
				Examples: []builtin.Example{{Expr: "upper('a')", Want: `"A"`}},
			},
			{
				Name: builtin.OpAdd, Doc: "Adds money.",
				Overloads: []builtin.Overload{{
					Params: []*builtin.Type{builtin.MoneyType, builtin.MoneyType}, Result: builtin.MoneyType,
					Impl: func(a []any) (any, error) { return a[0].(builtin.Money).Add(a[1].(builtin.Money)) },
				}},
				Examples: []builtin.Example{{Expr: "money('1.00', 'USD') + money('1.00', 'USD')", Want: `{"amount":"2.00","currency":"USD"}`}},
			},
		},
	})
}

// testConnectors mirrors the shape of the shipped connectors.
func testConnectors() dsl.Connectors {
	return dsl.StaticConnectors{
		Sources: map[string]*dsl.ConfigSpec{
			"http": {Attrs: []*dsl.AttrSpec{
				{Name: "path", Type: cty.String, Required: true},
				{Name: "verify", Type: cty.String, OneOf: []string{"none", "shopify", "hmac"}, Default: cty.StringVal("none")},
				{Name: "secrets", Type: cty.List(cty.String)},
			}},
			"file": {
				Attrs: []*dsl.AttrSpec{{Name: "dir", Type: cty.String, Required: true}, {Name: "pattern", Type: cty.String}},
				Check: func(v cty.Value) error {
					if p := v.GetAttr("pattern"); !p.IsNull() && p.AsString() == "" {
						return fmt.Errorf("pattern must not be empty")
					}
					return nil
				},
			},
		},
		Sinks: map[string]*dsl.ConfigSpec{
			"stdout": {},
			"file":   {Attrs: []*dsl.AttrSpec{{Name: "dir", Type: cty.String, Required: true}}},
			"http": {
				Attrs: []*dsl.AttrSpec{
					{Name: "url", Type: cty.String, Required: true},
					{Name: "headers", Type: cty.Map(cty.String), Expr: true},
				},
				Blocks: []*dsl.BlockSpec{{Name: "auth", Spec: &dsl.ConfigSpec{Attrs: []*dsl.AttrSpec{{Name: "token", Type: cty.String}}}}},
			},
		},
	}
}

// testModules is a mapping module "shop" with types and mappings.
func testModules(t testing.TB) map[string]fs.FS {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "modules", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return map[string]fs.FS{
		"shop": fstest.MapFS{
			"shop.hcl":          {Data: read("shop.hcl")},
			"order.schema.json": {Data: read("order.schema.json")},
		},
	}
}

func testOptions(t testing.TB) dsl.Options {
	return dsl.Options{
		Registry:   testRegistry(),
		Connectors: testConnectors(),
		Modules:    testModules(t),
		Formats:    []string{"json", "csv", "x12"},
		LookupEnv: func(name string) (string, bool) {
			if name == "TEST_SECRET" {
				return "s3cret", true
			}
			return "", false
		},
	}
}

// supportFiles are the schema and table files fixtures refer to.
func supportFiles(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir(filepath.Join("testdata", "support"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", "support", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: b}
	}
	return fsys
}
