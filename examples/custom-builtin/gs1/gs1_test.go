package gs1_test

import (
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/examples/custom-builtin/gs1"
)

// TestExamples runs the documented examples of every function, in both
// dialects: they are the library's tests.
func TestExamples(t *testing.T) {
	lib := gs1.Library()
	if err := lib.Validate(); err != nil {
		t.Fatal(err)
	}
	types := builtin.NewTypes()
	if err := types.Add(builtin.ExampleTypes()); err != nil {
		t.Fatal(err)
	}
	env, err := builtin.NewEnv(builtin.NewRegistry().MustAdd(lib), types, builtin.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range lib.Funcs {
		for _, ex := range f.Examples {
			for _, d := range []builtin.Dialect{builtin.CEL, builtin.Expr} {
				if err := builtin.RunExample(env, d, ex); err != nil {
					t.Error(err)
				}
			}
		}
	}
}
