package builtin

import (
	"fmt"
	"reflect"
)

// checkNative, set by building with the tag nativecheck, makes every
// native evaluation also run through CEL and panic where they differ:
//
//	go test -tags nativecheck ./...
var checkNative = false

func (p *Program) checkNative(vars *Vars, got any) {
	out, _, err := p.cel.Eval(vars)
	if err != nil {
		panic(fmt.Sprintf("native evaluation of %q gave %#v where CEL fails: %v", p.Source, got, err))
	}
	if want := toNative(out); !nativeEqual(got, want) {
		panic(fmt.Sprintf("native evaluation of %q gave %#v (%T) where CEL gives %#v (%T)", p.Source, got, got, want, want))
	}
}

// nativeEqual compares results, with decimals by value and text (apd
// values that print the same may differ in their internal form).
func nativeEqual(a, b any) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	switch x := a.(type) {
	case Decimal, Money, Quantity:
		return fmt.Sprint(x) == fmt.Sprint(b)
	case map[string]any:
		y := b.(map[string]any)
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !nativeEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y := b.([]any)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !nativeEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
