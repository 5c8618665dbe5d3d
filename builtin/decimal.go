package builtin

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Decimal is an exact decimal number. Money and quantities are decimals,
// never float64: "0.1" + "0.2" is "0.3" here.
//
// A Decimal is immutable: every operation returns a new value, so copies
// may be shared freely between goroutines and messages.
type Decimal struct {
	d apd.Decimal
}

// decimalCtx carries 34 significant digits (IEEE 754 decimal128), far more
// than any amount or quantity a commerce document holds. Results that would
// need more are reported as errors rather than rounded silently.
var decimalCtx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(34)
	c.Traps = apd.DefaultTraps | apd.Inexact | apd.Rounded
	c.MaxExponent = 1000
	c.MinExponent = -1000
	return c
}()

// roundingCtx is decimalCtx without the Inexact trap: it is used only where
// rounding is what the caller asked for.
var roundingCtx = func() *apd.Context {
	c := *decimalCtx
	c.Traps = apd.DefaultTraps
	return &c
}()

// rescaleCtx traps Inexact but not Rounded: apd reports dropping trailing
// zeros ("24.9900" to two places) as Rounded, and that loses nothing.
var rescaleCtx = func() *apd.Context {
	c := *decimalCtx
	c.Traps = apd.DefaultTraps | apd.Inexact
	return &c
}()

// ErrDecimalSyntax is wrapped by every decimal parse failure.
var ErrDecimalSyntax = errors.New("invalid decimal")

// ParseDecimal parses the plain decimal notation commerce payloads use:
// an optional sign, digits, and an optional fraction ("-12.50", "7", ".5"
// is rejected). Thousands separators, decimal commas, exponents, NaN and
// infinities are errors: a value like "24,99" must never be guessed at.
func ParseDecimal(s string) (Decimal, error) {
	if !plainDecimal(s) {
		return Decimal{}, fmt.Errorf("%w %q: want digits with an optional '.' fraction", ErrDecimalSyntax, s)
	}
	var d Decimal
	if setSmall(&d.d, s) {
		return d, nil
	}
	if _, _, err := d.d.SetString(s); err != nil {
		return Decimal{}, fmt.Errorf("%w %q: %v", ErrDecimalSyntax, s, err)
	}
	return d, nil
}

// setSmall sets d to the plain decimal s when its digits fit an int64 (18
// of them), which is every amount in practice, and reports whether it
// did. It gives what SetString gives (the same coefficient, exponent and
// sign, "-0.00" included) at a fraction of the cost: a money() call parses
// one per field of every order.
func setSmall(d *apd.Decimal, s string) bool {
	neg := false
	switch {
	case s == "":
		return false
	case s[0] == '-':
		neg, s = true, s[1:]
	case s[0] == '+':
		s = s[1:]
	}
	var coeff int64
	digits, frac, point := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && !point:
			point = true
		case c >= '0' && c <= '9':
			if digits++; digits > 18 {
				return false
			}
			coeff = coeff*10 + int64(c-'0')
			if point {
				frac++
			}
		default:
			return false
		}
	}
	d.SetFinite(coeff, int32(-frac))
	d.Negative = neg
	return true
}

// ParseJSONNumber parses the text of a JSON number, exponent included,
// exactly ("1E+2", "0.1"). JSON numbers are decoded this way so that an
// amount sent as a number is never rounded through float64.
func ParseJSONNumber(s string) (Decimal, error) {
	var d Decimal
	if _, _, err := d.d.SetString(s); err != nil || d.d.Form != apd.Finite {
		return Decimal{}, fmt.Errorf("%w %q", ErrDecimalSyntax, s)
	}
	return d, nil
}

func plainDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		frac := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			frac++
		}
		if frac == 0 {
			return false
		}
	}
	return i == len(s) && len(s) <= 64
}

// DecimalFromInt returns the decimal value of i.
func DecimalFromInt(i int64) Decimal {
	var d Decimal
	d.d.SetInt64(i)
	return d
}

// NewDecimal returns coeff × 10^exp.
func NewDecimal(coeff int64, exp int32) Decimal {
	var d Decimal
	d.d.SetFinite(coeff, exp)
	return d
}

// MustDecimal parses s and panics on error; for constants in Go code.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Decimal) op(f func(r, x, y *apd.Decimal) (apd.Condition, error), o Decimal, what string) (Decimal, error) {
	var r Decimal
	if _, err := f(&r.d, &d.d, &o.d); err != nil {
		return Decimal{}, fmt.Errorf("decimal %s %s %s: %v", d, what, o, err)
	}
	return r, nil
}

// Add returns d + o exactly.
func (d Decimal) Add(o Decimal) (Decimal, error) { return d.op(decimalCtx.Add, o, "+") }

// Sub returns d − o exactly.
func (d Decimal) Sub(o Decimal) (Decimal, error) { return d.op(decimalCtx.Sub, o, "-") }

// Mul returns d × o exactly.
func (d Decimal) Mul(o Decimal) (Decimal, error) { return d.op(decimalCtx.Mul, o, "*") }

// Quo returns d ÷ o rounded half-even to 34 significant digits; use Round
// afterwards to bring it to a scale. Division by zero is an error.
func (d Decimal) Quo(o Decimal) (Decimal, error) {
	if o.IsZero() {
		// A zero divisor comes from the data (a line with quantity 0), so
		// it carries a reason code like every other bad input.
		return Decimal{}, Errorf(ReasonInvalidArgument, "decimal %s / 0: division by zero", d)
	}
	var r Decimal
	if _, err := roundingCtx.Quo(&r.d, &d.d, &o.d); err != nil {
		return Decimal{}, fmt.Errorf("decimal %s / %s: %v", d, o, err)
	}
	return r.Reduce(), nil
}

// Neg returns −d.
func (d Decimal) Neg() Decimal {
	var r Decimal
	r.d.Neg(&d.d)
	return r
}

// Abs returns |d|.
func (d Decimal) Abs() Decimal {
	var r Decimal
	r.d.Abs(&d.d)
	return r
}

// Cmp returns -1, 0 or +1 as d is less than, equal to or greater than o.
func (d Decimal) Cmp(o Decimal) int { return d.d.Cmp(&o.d) }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int { return d.d.Sign() }

// IsZero reports whether d is zero.
func (d Decimal) IsZero() bool { return d.d.IsZero() }

// Scale is the number of digits after the decimal point ("1.50" has 2).
func (d Decimal) Scale() int32 {
	if d.d.Exponent >= 0 {
		return 0
	}
	return -d.d.Exponent
}

// Reduce strips trailing zeros of the fraction: "1.500" becomes "1.5".
func (d Decimal) Reduce() Decimal {
	var r Decimal
	r.d.Reduce(&d.d)
	if r.d.Exponent > 0 {
		// Keep plain notation: 1E+2 is written 100.
		_, _ = decimalCtx.Quantize(&r.d, &r.d, 0)
	}
	return r
}

// Round rounds d to scale digits after the point with the rounding mode.
func (d Decimal) Round(scale int32, mode RoundingMode) (Decimal, error) {
	ctx := *roundingCtx
	ctx.Rounding = mode.rounder()
	var r Decimal
	if _, err := ctx.Quantize(&r.d, &d.d, -scale); err != nil {
		return Decimal{}, fmt.Errorf("round %s to %d places: %v", d, scale, err)
	}
	return r, nil
}

// Rescale sets the scale without rounding: it fails when d has non-zero
// digits beyond scale. "1.50" to scale 2 is "1.50"; "1.505" fails.
func (d Decimal) Rescale(scale int32) (Decimal, error) {
	var r Decimal
	if _, err := rescaleCtx.Quantize(&r.d, &d.d, -scale); err != nil {
		return Decimal{}, fmt.Errorf("%s has more than %d decimal places", d, scale)
	}
	return r, nil
}

// Int64 returns d as an integer, failing if it has a fraction or overflows.
func (d Decimal) Int64() (int64, error) { return d.d.Int64() }

// String renders d in plain notation with its scale: "12.30", "-0.5", "100".
func (d Decimal) String() string { return d.d.Text('f') }

// MarshalText renders d in plain notation.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses plain notation.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseJSONNumber(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// RoundingMode says how a value is brought to fewer digits.
type RoundingMode uint8

// The rounding modes. HalfEven (banker's rounding) is the default for
// money, as accounting systems and ISO 4217 conventions expect.
const (
	HalfEven RoundingMode = iota
	HalfUp
	HalfDown
	Up   // away from zero
	Down // towards zero (truncate)
	Ceiling
	Floor
)

var roundingNames = map[string]RoundingMode{
	"half_even": HalfEven, "half_up": HalfUp, "half_down": HalfDown,
	"up": Up, "down": Down, "ceiling": Ceiling, "floor": Floor,
}

// RoundingModes lists the names ParseRoundingMode accepts.
func RoundingModes() []string {
	return []string{"half_even", "half_up", "half_down", "up", "down", "ceiling", "floor"}
}

// ParseRoundingMode parses a mode name such as "half_up".
func ParseRoundingMode(s string) (RoundingMode, error) {
	m, ok := roundingNames[strings.ToLower(s)]
	if !ok {
		return 0, fmt.Errorf("unknown rounding mode %q (want one of %s)", s, strings.Join(RoundingModes(), ", "))
	}
	return m, nil
}

func (m RoundingMode) String() string {
	for k, v := range roundingNames {
		if v == m {
			return k
		}
	}
	return "half_even"
}

func (m RoundingMode) rounder() apd.Rounder {
	switch m {
	case HalfUp:
		return apd.RoundHalfUp
	case HalfDown:
		return apd.RoundHalfDown
	case Up:
		return apd.RoundUp
	case Down:
		return apd.RoundDown
	case Ceiling:
		return apd.RoundCeiling
	case Floor:
		return apd.RoundFloor
	}
	return apd.RoundHalfEven
}
