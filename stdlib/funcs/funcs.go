package funcs

import (
	"fmt"
	"strings"

	"github.com/transload/transload/builtin"
)

// All returns every library of this package at its latest version, in the
// order the reference documentation lists them. Each call builds new
// values: callers may not share or change them between registries.
func All() []*builtin.Library {
	return []*builtin.Library{Money(), Units(), Text(), Time(), Crypto(), Lookup(), Checks(), Maps()}
}

// Registry returns a registry with every library of this package at its
// latest version. It panics only if the libraries are inconsistent, which
// the package tests rule out.
func Registry() *builtin.Registry {
	return builtin.NewRegistry().MustAdd(All()...)
}

// Short names for the types the signatures use.
var (
	tBool  = builtin.BoolType
	tInt   = builtin.IntType
	tStr   = builtin.StringType
	tDec   = builtin.DecimalType
	tMoney = builtin.MoneyType
	tQty   = builtin.QuantityType
	tTime  = builtin.TimestampType
)

func params(ts ...*builtin.Type) []*builtin.Type { return ts }

// Costs shared by many functions. CEL charges 0.1 per character for its own
// string functions; ours do the same. A function whose result is never
// larger than its arguments says so, so that concatenating its result stays
// bounded in the load-time estimate.
var (
	costString   = builtin.Cost{Fixed: 1, PerSize: 0.1, ResultSizeOfArgs: true}
	costList     = builtin.Cost{Fixed: 1, PerSize: 1, ResultSizeOfArgs: true}
	costListScan = builtin.Cost{Fixed: 1, PerSize: 1}
	costShort    = builtin.Cost{Fixed: 1, ResultSize: 40}
)

// library wraps every implementation of funcs in argument checks and
// returns the version 1 library.
func library(name, doc string, funcs ...*builtin.Function) *builtin.Library {
	for _, f := range funcs {
		for i := range f.Overloads {
			o := &f.Overloads[i]
			o.Impl = guard(f.Name, o.Params, o.Impl)
		}
	}
	return &builtin.Library{Name: name, Version: 1, Doc: doc, Funcs: funcs}
}

// guard checks the arguments before an implementation sees them, so that
// implementations may assert the native types of their parameters.
//
// In CEL and for named functions in expr, builtin's dispatcher has already
// chosen an overload that accepts the arguments; but expr calls operator
// implementations directly, and a document field that is missing reads as
// nil there (CEL fails at the field selection instead). Both reach the
// same NULL_REQUIRED_FIELD reason this way.
func guard(name string, ps []*builtin.Type, impl func([]any) (any, error)) func([]any) (any, error) {
	return func(args []any) (any, error) {
		if len(args) != len(ps) {
			return nil, builtin.Errorf(builtin.ReasonInvalidArgument, "%s: got %d arguments, want %d", display(name), len(args), len(ps))
		}
		for i, p := range ps {
			if args[i] == nil {
				return nil, builtin.Errorf(builtin.ReasonNullRequiredField, "%s: argument %d is missing or null", display(name), i+1)
			}
			if !p.Accepts(args[i]) {
				return nil, builtin.Errorf(builtin.ReasonInvalidArgument, "%s: argument %d is a %s, want %s", display(name), i+1, builtin.KindOf(args[i]), p)
			}
		}
		return impl(args)
	}
}

// display renders a function name for messages: "_+_" is "+".
func display(name string) string {
	if builtin.IsOperator(name) {
		return "operator " + strings.Trim(name, "_")
	}
	return name
}

func errf(reason, format string, args ...any) error {
	return builtin.Errorf(reason, format, args...)
}

func invalidArg(format string, args ...any) error {
	return builtin.Errorf(builtin.ReasonInvalidArgument, format, args...)
}

// decimalOf returns the value of an int64 or Decimal argument.
func decimalOf(v any) (builtin.Decimal, bool) {
	switch x := v.(type) {
	case builtin.Decimal:
		return x, true
	case int64:
		return builtin.DecimalFromInt(x), true
	}
	return builtin.Decimal{}, false
}

// parseMode parses a rounding mode argument.
func parseMode(s string) (builtin.RoundingMode, error) {
	m, err := builtin.ParseRoundingMode(s)
	if err != nil {
		return 0, invalidArg("%v", err)
	}
	return m, nil
}

// anyList converts a list of native values to the []any both dialects
// return for lists.
func anyList[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// quote renders a string argument for an error message, shortened so that
// a hostile payload cannot blow up a dead letter.
func quote(s string) string {
	const maxRunes = 64
	if len(s) > maxRunes {
		if r := []rune(s); len(r) > maxRunes {
			s = string(r[:maxRunes]) + "…"
		}
	}
	return fmt.Sprintf("%q", s)
}
