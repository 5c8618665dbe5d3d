package builtin

import (
	"fmt"
)

// ExampleVars returns the variables every function example may use, and
// their values: items, a table keyed by sku with the columns sku, base_uom
// and units_per (rows "A-100": EA/1 and "CASE-12": EA/12).
func ExampleVars() ([]Var, *Vars) {
	items, err := NewTable("items", "sku", []string{"sku", "base_uom", "units_per"}, []map[string]any{
		{"sku": "A-100", "base_uom": "EA", "units_per": "1"},
		{"sku": "CASE-12", "base_uom": "EA", "units_per": "12"},
	})
	if err != nil {
		panic(err)
	}
	var vars Vars
	vars.Set("items", items)
	return []Var{{Name: "items", Type: TableOf(items.Row), Doc: "An example items table."}}, &vars
}

// RunExample compiles and evaluates ex in dialect against env, with the
// ExampleVars, and reports how the outcome differs from what ex says.
func RunExample(env *Env, dialect Dialect, ex Example) error {
	if env.types.Lookup(exampleRowType().Name) == nil {
		return fmt.Errorf("the environment lacks the example types: add ExampleTypes() to its types")
	}
	decl, vars := ExampleVars()
	scope, err := env.Scope(decl, nil)
	if err != nil {
		return err
	}
	p, iss := scope.Compile(dialect, ex.Expr, nil)
	if iss != nil {
		return fmt.Errorf("%s: %s: does not compile: %v", dialect, ex.Expr, iss)
	}
	got, err := p.Eval(vars)
	switch {
	case ex.Err != "" && err == nil:
		return fmt.Errorf("%s: %s = %s, want error %s", dialect, ex.Expr, Format(got), ex.Err)
	case ex.Err != "":
		if r := ReasonOf(err); r != ex.Err {
			return fmt.Errorf("%s: %s failed with reason %q (%v), want %s", dialect, ex.Expr, r, err, ex.Err)
		}
	case err != nil:
		return fmt.Errorf("%s: %s failed: %v", dialect, ex.Expr, err)
	case Format(got) != ex.Want:
		return fmt.Errorf("%s: %s = %s, want %s", dialect, ex.Expr, Format(got), ex.Want)
	}
	return nil
}

// ExampleTypes returns the named types of ExampleVars, to add to the types
// of an environment that runs examples.
func ExampleTypes() *Type { return exampleRowType() }

func exampleRowType() *Type {
	decl, _ := ExampleVars()
	return decl[0].Type.Elem
}
