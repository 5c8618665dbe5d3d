package builtin

import (
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// TestSetSmallIsSetString: the fast path gives exactly what apd's parser
// gives: coefficient, exponent, sign and text.
func TestSetSmallIsSetString(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+0", "0.00", "-0.00", "7", "-12.50", "+3.1", "199.00", "000123.4500",
		"999999999999999999", "-999999999999999999", "0.00000000000000001", "123456789.123456789",
	} {
		var fast, slow apd.Decimal
		if !setSmall(&fast, s) {
			t.Fatalf("%q: not taken by the fast path", s)
		}
		if _, _, err := slow.SetString(s); err != nil {
			t.Fatal(err)
		}
		if fast.String() != slow.String() || fast.Exponent != slow.Exponent || fast.Negative != slow.Negative || fast.Coeff.Cmp(&slow.Coeff) != 0 {
			t.Errorf("%q: fast %s (exp %d, neg %v), SetString %s (exp %d, neg %v)", s, fast.String(), fast.Exponent, fast.Negative, slow.String(), slow.Exponent, slow.Negative)
		}
	}
	// Longer ones go to SetString.
	var d apd.Decimal
	if setSmall(&d, "1234567890123456789") {
		t.Fatal("19 digits taken by the fast path")
	}
	for _, s := range []string{"1234567890123456789.5", "-0.1234567890123456789"} {
		got, err := ParseDecimal(s)
		if err != nil || got.String() != s {
			t.Errorf("ParseDecimal(%q) = %s, %v", s, got.String(), err)
		}
	}
}
