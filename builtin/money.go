package builtin

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Reason codes that builtins report. They are part of the public contract:
// dead letters carry them, analysts route on them, tests assert them.
const (
	ReasonInvalidMoney      = "INVALID_MONEY"
	ReasonUnknownCurrency   = "UNKNOWN_CURRENCY"
	ReasonCurrencyMismatch  = "CURRENCY_MISMATCH"
	ReasonInvalidQuantity   = "INVALID_QUANTITY"
	ReasonUnknownUnit       = "UNKNOWN_UNIT"
	ReasonInvalidDate       = "INVALID_DATE"
	ReasonNullRequiredField = "NULL_REQUIRED_FIELD"
	ReasonLookupMiss        = "LOOKUP_MISS"
	ReasonInvalidArgument   = "INVALID_ARGUMENT"
)

// Error is a failure caused by the value a builtin was given, not by the
// engine: it carries a stable reason code for dead letters.
type Error struct {
	Reason string
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Errorf returns an *Error with the reason code.
func Errorf(reason, format string, args ...any) error {
	return &Error{Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// ReasonOf returns the reason code of err, or "" when it carries none.
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// Money is an amount in a currency, always carrying exactly the currency's
// ISO 4217 minor units: USD "12.30", JPY "1230", KWD "1.230".
type Money struct {
	Amount   Decimal `expr:"amount"`
	Currency string  `expr:"currency"`
}

// NewMoney returns amount in currency. An amount with more significant
// decimals than the currency has is an INVALID_MONEY error, never rounded:
// "24.999" USD is a bad payload, not 25.00. Trailing zeros are fine
// ("24.9900" USD is 24.99).
func NewMoney(amount Decimal, currency string) (Money, error) {
	c, ok := LookupCurrency(currency)
	if !ok {
		return Money{}, Errorf(ReasonUnknownCurrency, "unknown currency %q (want an ISO 4217 code such as USD)", currency)
	}
	a, err := amount.Rescale(c.Minor)
	if err != nil {
		return Money{}, Errorf(ReasonInvalidMoney, "amount %s has more decimals than %s allows (%d)", amount, currency, c.Minor)
	}
	return Money{Amount: a, Currency: currency}, nil
}

// ParseMoney parses a decimal amount string in currency. "24,99" and other
// locale formats are INVALID_MONEY.
func ParseMoney(amount, currency string) (Money, error) {
	d, err := ParseDecimal(amount)
	if err != nil {
		return Money{}, Errorf(ReasonInvalidMoney, "invalid amount %q: want a decimal such as 24.99", amount)
	}
	return NewMoney(d, currency)
}

// RoundMoney rounds amount to the currency's minor units with mode. Use it
// where rounding is a business rule (a computed tax), never on payload input.
func RoundMoney(amount Decimal, currency string, mode RoundingMode) (Money, error) {
	c, ok := LookupCurrency(currency)
	if !ok {
		return Money{}, Errorf(ReasonUnknownCurrency, "unknown currency %q", currency)
	}
	a, err := amount.Round(c.Minor, mode)
	if err != nil {
		return Money{}, Errorf(ReasonInvalidMoney, "%v", err)
	}
	return Money{Amount: a, Currency: currency}, nil
}

// ZeroMoney returns 0 in currency.
func ZeroMoney(currency string) (Money, error) { return NewMoney(Decimal{}, currency) }

func (m Money) same(o Money, op string) error {
	if m.Currency != o.Currency {
		return Errorf(ReasonCurrencyMismatch, "cannot %s %s and %s: currencies differ", op, m, o)
	}
	return nil
}

// Add returns m + o; the currencies must match.
func (m Money) Add(o Money) (Money, error) {
	if err := m.same(o, "add"); err != nil {
		return Money{}, err
	}
	a, err := m.Amount.Add(o.Amount)
	return Money{Amount: a, Currency: m.Currency}, err
}

// Sub returns m − o; the currencies must match.
func (m Money) Sub(o Money) (Money, error) {
	if err := m.same(o, "subtract"); err != nil {
		return Money{}, err
	}
	a, err := m.Amount.Sub(o.Amount)
	return Money{Amount: a, Currency: m.Currency}, err
}

// Mul returns m × factor rounded to the currency's minor units with mode.
func (m Money) Mul(factor Decimal, mode RoundingMode) (Money, error) {
	p, err := m.Amount.Mul(factor)
	if err != nil {
		return Money{}, err
	}
	return RoundMoney(p, m.Currency, mode)
}

// Neg returns −m.
func (m Money) Neg() Money { return Money{Amount: m.Amount.Neg(), Currency: m.Currency} }

// Cmp compares two amounts of the same currency.
func (m Money) Cmp(o Money) (int, error) {
	if err := m.same(o, "compare"); err != nil {
		return 0, err
	}
	return m.Amount.Cmp(o.Amount), nil
}

// Equal reports whether m and o are the same currency and amount, whatever
// the amounts' scale.
func (m Money) Equal(o Money) bool { return m.Currency == o.Currency && m.Amount.Cmp(o.Amount) == 0 }

// ValueField reads a field of a builtin value as expressions see it:
// money's amount and currency, a quantity's value and uom. ok is false
// for another value or another name.
func ValueField(v any, name string) (field any, ok bool) {
	switch x := v.(type) {
	case Money:
		switch name {
		case "amount":
			return x.Amount, true
		case "currency":
			return x.Currency, true
		}
	case Quantity:
		switch name {
		case "value":
			return x.Value, true
		case "uom":
			return x.UOM, true
		}
	}
	return nil, false
}

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.Amount.IsZero() }

// Minor returns the amount in minor units as an integer (1230 for 12.30).
func (m Money) Minor() (int64, error) {
	c, _ := LookupCurrency(m.Currency)
	return m.Amount.Mul10(c.Minor).Int64()
}

// String renders "12.30 USD".
func (m Money) String() string { return m.Amount.String() + " " + m.Currency }

// MarshalJSON renders the canonical {"amount":"12.30","currency":"USD"}.
func (m Money) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"amount": m.Amount.String(), "currency": m.Currency})
}

// Allocate splits m across weights in proportion, so that the parts add up
// to m exactly: no cent is lost or invented. Remainder minor units go one
// each to the parts with the largest rounding remainders (ties to the
// earlier part), the method accountants call largest remainder. Weights
// must be non-negative with a positive sum.
func (m Money) Allocate(weights []Decimal) ([]Money, error) {
	if len(weights) == 0 {
		return nil, Errorf(ReasonInvalidArgument, "allocate %s: no weights", m)
	}
	total := Decimal{}
	var err error
	for _, w := range weights {
		if w.Sign() < 0 {
			return nil, Errorf(ReasonInvalidArgument, "allocate %s: negative weight %s", m, w)
		}
		if total, err = total.Add(w); err != nil {
			return nil, err
		}
	}
	if total.IsZero() {
		return nil, Errorf(ReasonInvalidArgument, "allocate %s: weights sum to zero", m)
	}
	c, _ := LookupCurrency(m.Currency)
	units, err := m.Amount.Mul10(c.Minor).Int64()
	if err != nil {
		return nil, err
	}
	sign := int64(1)
	if units < 0 {
		sign, units = -1, -units
	}
	unitsD := DecimalFromInt(units)
	parts := make([]int64, len(weights))
	rems := make([]Decimal, len(weights))
	allocated := int64(0)
	for i, w := range weights {
		share, err := unitsD.Mul(w)
		if err != nil {
			return nil, err
		}
		if share, err = share.Quo(total); err != nil {
			return nil, err
		}
		floor, err := share.Round(0, Floor)
		if err != nil {
			return nil, err
		}
		parts[i], _ = floor.Int64()
		rems[i], _ = share.Sub(floor)
		allocated += parts[i]
	}
	// At most len(weights)-1 units are left over, so this loop is short.
	toppedUp := make([]bool, len(weights))
	for left := units - allocated; left > 0; left-- {
		best := -1
		for i := range rems {
			if toppedUp[i] || weights[i].IsZero() {
				continue
			}
			if best < 0 || rems[i].Cmp(rems[best]) > 0 {
				best = i
			}
		}
		parts[best]++
		toppedUp[best] = true
	}
	out := make([]Money, len(parts))
	for i, p := range parts {
		out[i] = Money{Amount: NewDecimal(sign*p, -c.Minor), Currency: m.Currency}
	}
	return out, nil
}

// Mul10 returns d × 10^n exactly.
func (d Decimal) Mul10(n int32) Decimal {
	var r Decimal
	r.d.Set(&d.d)
	r.d.Exponent += n
	return r
}

// Quantity is an amount of a unit of measure: a decimal value and a UN/ECE
// Recommendation 20 code ("EA", "CS", "KGM").
type Quantity struct {
	Value Decimal `expr:"value"`
	UOM   string  `expr:"uom"`
}

// String renders "12 EA".
// Equal reports whether q and o are the same unit and value, whatever the
// values' scale.
func (q Quantity) Equal(o Quantity) bool { return q.UOM == o.UOM && q.Value.Cmp(o.Value) == 0 }

func (q Quantity) String() string { return q.Value.String() + " " + q.UOM }

// MarshalJSON renders the canonical {"value":"12","uom":"EA"}.
func (q Quantity) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"value": q.Value.String(), "uom": q.UOM})
}

// Add returns q + o; the units must match (convert first).
func (q Quantity) Add(o Quantity) (Quantity, error) {
	if q.UOM != o.UOM {
		return Quantity{}, Errorf(ReasonInvalidQuantity, "cannot add %s and %s: units differ; convert first", q, o)
	}
	v, err := q.Value.Add(o.Value)
	return Quantity{Value: v, UOM: q.UOM}, err
}
