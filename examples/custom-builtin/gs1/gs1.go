// Package gs1 is an example builtin library: GS1 item numbers (GTIN-8,
// UPC-A, EAN-13, GTIN-14), which distributors receive from every channel
// in a different length and must match against one item master. It shows
// what a library of your own needs: a name and version, documented
// functions with typed overloads, a cost, examples that are also tests,
// and reason codes for bad data.
package gs1

import (
	"strings"

	"github.com/transload/transload/builtin"
)

// ReasonInvalidGTIN is the reason code of a GTIN that is not one.
const ReasonInvalidGTIN = "INVALID_GTIN"

// Library returns the acme.gs1 library.
func Library() *builtin.Library {
	return &builtin.Library{
		Name:    "acme.gs1",
		Version: 1,
		Doc:     "GS1 item numbers: check digits and the 14-digit form every GTIN shares.",
		Funcs:   []*builtin.Function{gtinValid(), gtin14()},
	}
}

func gtinValid() *builtin.Function {
	return &builtin.Function{
		Name: "gtin_valid",
		Doc:  "Reports whether s is a GTIN-8, UPC-A (12), EAN-13 or GTIN-14 with a correct check digit. It never fails.",
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{builtin.StringType}, Result: builtin.BoolType,
			Cost: builtin.Cost{Fixed: 1, PerSize: 0.1},
			Impl: func(a []any) (any, error) { return valid(a[0].(string)), nil },
		}},
		Examples: []builtin.Example{
			{Expr: "gtin_valid('036000291452')", Want: "true"},
			{Expr: "gtin_valid('036000291453')", Want: "false"},
			{Expr: "gtin_valid('ABC')", Want: "false"},
		},
	}
}

func gtin14() *builtin.Function {
	return &builtin.Function{
		Name: "gtin14",
		Doc: "Returns a GTIN as its 14-digit form, zero-padded on the left, so that a UPC-A from one channel and an EAN-13 " +
			"from another match the same item. Anything that is not a GTIN with a correct check digit fails with INVALID_GTIN.",
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{builtin.StringType}, Result: builtin.StringType,
			Cost: builtin.Cost{Fixed: 1, PerSize: 0.1, ResultSize: 14},
			Impl: func(a []any) (any, error) {
				s := strings.TrimSpace(a[0].(string))
				if !valid(s) {
					return nil, builtin.Errorf(ReasonInvalidGTIN, "%q is not a GTIN with a correct check digit", s)
				}
				return strings.Repeat("0", 14-len(s)) + s, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "gtin14('036000291452')", Want: `"00036000291452"`},
			{Expr: "gtin14('4006381333931')", Want: `"04006381333931"`},
			{Expr: "gtin14('036000291453')", Err: ReasonInvalidGTIN},
		},
	}
}

// valid checks the length and the GS1 mod-10 check digit: from the
// right, excluding the check digit, weights 3, 1, 3, 1…
func valid(s string) bool {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	sum := 0
	for i := len(s) - 2; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if (len(s)-2-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	last := s[len(s)-1]
	return last >= '0' && last <= '9' && int(last-'0') == (10-sum%10)%10
}
