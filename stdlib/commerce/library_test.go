package commerce_test

import (
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/commerce"
	"github.com/transload/transload/stdlib/funcs"
)

// TestExamples runs every example of the library in both dialects.
func TestExamples(t *testing.T) {
	reg := funcs.Registry()
	if err := reg.Add(commerce.Library(), 0); err != nil {
		t.Fatal(err)
	}
	types := commerce.Types()
	if err := types.Add(builtin.ExampleTypes()); err != nil {
		t.Fatal(err)
	}
	env, err := builtin.NewEnv(reg, types, builtin.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range commerce.Library().Funcs {
		for _, ex := range f.Examples {
			if err := builtin.RunExample(env, builtin.CEL, ex); err != nil {
				t.Errorf("%s: %v", f.Name, err)
			}
		}
	}
}

func TestCountryCode(t *testing.T) {
	for in, want := range map[string]string{"US": "US", "usa": "US", "United States": "US", "United States of America": "US", "DEU": "DE", "Deutschland": "DE", "gb": "GB", "UK": "GB", " CA ": "CA"} {
		if got, ok := commerce.CountryCode(in); !ok || got != want {
			t.Errorf("%q: got %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := commerce.CountryCode("XX"); ok {
		t.Error("XX accepted")
	}
	if n := len(commerce.Countries()); n != 249 {
		t.Errorf("%d countries", n)
	}
}

func TestTypesAreComplete(t *testing.T) {
	ts := commerce.Types()
	for _, name := range []string{"commerce.Order", "commerce.OrderLine", "commerce.Return", "commerce.InventoryLevel", "commerce.Product", "commerce.Shipment", "commerce.Invoice", "commerce.Customer", "commerce.Address", "commerce.Totals"} {
		if ts.Lookup(name) == nil {
			t.Errorf("no %s", name)
		}
	}
	// The contract of the issue: these fields exist with these kinds.
	for path, kind := range map[string]builtin.Kind{
		"Order.id": builtin.KindString, "Order.placed_at": builtin.KindTimestamp, "Order.lines": builtin.KindList,
		"OrderLine.quantity": builtin.KindQuantity, "OrderLine.base_quantity": builtin.KindQuantity, "OrderLine.unit_price": builtin.KindMoney,
		"Totals.grand_total": builtin.KindMoney, "Return.totals": builtin.KindObject, "ReturnTotals.refund_total": builtin.KindMoney,
		"InventoryLevel.available": builtin.KindQuantity,
	} {
		var typ, field string
		for i := range path {
			if path[i] == '.' {
				typ, field = path[:i], path[i+1:]
			}
		}
		f := ts.Lookup("commerce." + typ).Field(field)
		if f == nil || f.Type.Kind != kind {
			t.Errorf("%s: %v", path, f)
		}
	}
}
