package jsondoc

import (
	"errors"
	"math"
	"strconv"

	"github.com/transload/transload/builtin"
)

// Numbers are decoded exactly: integers into int64, everything else into
// builtin.Decimal, never through float64.

// parseInt parses a JSON integer literal into an int64; ok is false when
// it is out of range.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true // -(1<<63) wraps to MinInt64, which is right
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// Bounds on the numbers decoded as decimals: more digits or a larger
// exponent than this is not a commerce value, and rendering 1e999999999 in
// plain notation would take a gigabyte.
const (
	maxDecimalDigits   = 400
	maxDecimalExponent = 1000
)

var errOutOfRange = errors.New("number is out of the range of a decimal")

// parseDecimal parses a JSON number (jsonNumber, grammar already checked,
// exponent allowed) or the plain decimal notation of a string ("-12.50",
// as builtin.ParseDecimal accepts) exactly.
func parseDecimal(b []byte, jsonNumber bool) (builtin.Decimal, error) {
	if !jsonNumber && !plainDecimal(b) {
		return builtin.Decimal{}, errors.New("invalid decimal " + strconv.Quote(string(b)) + ": want digits with an optional '.' fraction")
	}
	// The fast path: up to 18 significant digits make an int64
	// coefficient, no text parsing by apd and no allocation.
	i := 0
	neg := false
	switch b[0] {
	case '-':
		neg, i = true, 1
	case '+':
		i = 1
	}
	var coeff uint64
	digits, exp := 0, 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		coeff = coeff*10 + uint64(b[i]-'0')
		digits++
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			coeff = coeff*10 + uint64(b[i]-'0')
			digits++
			exp--
		}
	}
	if i < len(b) { // an exponent
		i++
		esign := 1
		if b[i] == '+' || b[i] == '-' {
			if b[i] == '-' {
				esign = -1
			}
			i++
		}
		e := 0
		for ; i < len(b); i++ {
			if e > maxDecimalExponent*10 {
				return builtin.Decimal{}, errOutOfRange
			}
			e = e*10 + int(b[i]-'0')
		}
		exp += esign * e
	}
	if digits > maxDecimalDigits || exp > maxDecimalExponent || exp < -maxDecimalExponent-maxDecimalDigits {
		return builtin.Decimal{}, errOutOfRange
	}
	if digits <= 18 && !(neg && coeff == 0) {
		c := int64(coeff)
		if neg {
			c = -c
		}
		return builtin.NewDecimal(c, int32(exp)), nil
	}
	// Long coefficients and negative zero: apd parses the text.
	if jsonNumber {
		return builtin.ParseJSONNumber(string(b))
	}
	return builtin.ParseDecimal(string(b))
}

// plainDecimal is builtin.ParseDecimal's grammar: an optional sign,
// digits, an optional '.' and digits; at most 64 bytes.
func plainDecimal(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	i := 0
	if b[0] == '-' || b[0] == '+' {
		i++
	}
	start := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i == start {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		frac := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == frac {
			return false
		}
	}
	return i == len(b)
}
