package funcs

import (
	"github.com/transload/transload/builtin"
)

// Money returns the transload.money library: exact decimals, money in ISO
// 4217 currencies, rounding, allocation and the arithmetic operators on
// them.
func Money() *builtin.Library {
	return library("transload.money",
		"Exact decimal numbers and money. Amounts are never floats: a money value carries exactly its currency's ISO 4217 minor units, payload amounts are parsed strictly, and rounding happens only where a function with a rounding mode says so.",
		moneyFunc(), moneyMinorFunc(), moneyRoundFunc(), decimalFunc(), roundFunc(),
		minorUnitsFunc(), currencyDigitsFunc(), allocateFunc(), splitEvenFunc(), mulFunc(),
		sumMoneyFunc(), sumDecimalFunc(), absFunc(), negFunc(), isZeroFunc(), convertCurrencyFunc(),
		formatDecimalFunc(), formatMoneyFunc(),
		addOp(), subOp(), mulOp(), divOp(), negOp(),
		cmpOp(builtin.OpLess, "<", "less than"), cmpOp(builtin.OpLessEqual, "<=", "less than or equal to"),
		cmpOp(builtin.OpGreater, ">", "greater than"), cmpOp(builtin.OpGreaterEqual, ">=", "greater than or equal to"),
	)
}

func moneyFunc() *builtin.Function {
	fromDecimal := func(a []any) (any, error) {
		d, _ := decimalOf(a[0])
		return builtin.NewMoney(d, a[1].(string))
	}
	return &builtin.Function{
		Name: "money",
		Doc: "Returns amount in currency, an ISO 4217 code such as 'USD'. The amount must be exact in the currency: " +
			"a string amount is plain decimal notation ('24.99', '-3', trailing zeros allowed), and an amount with more decimals " +
			"than the currency has ('24.999' USD), a decimal comma ('24,99'), a thousands separator or an exponent fails with " +
			"INVALID_MONEY; nothing is ever rounded. A currency that is not an ISO 4217 code (codes are upper case) fails with UNKNOWN_CURRENCY.",
		Overloads: []builtin.Overload{
			{Params: params(tStr, tStr), Result: tMoney, Impl: func(a []any) (any, error) {
				return builtin.ParseMoney(a[0].(string), a[1].(string))
			}},
			{Params: params(tDec, tStr), Result: tMoney, Impl: fromDecimal},
			{Params: params(tInt, tStr), Result: tMoney, Impl: fromDecimal},
		},
		Examples: []builtin.Example{
			{Expr: "money('24.99', 'USD')", Want: `{"amount":"24.99","currency":"USD"}`},
			{Expr: "money('24.9900', 'USD')", Want: `{"amount":"24.99","currency":"USD"}`},
			{Expr: "money(1230, 'JPY')", Want: `{"amount":"1230","currency":"JPY"}`},
			{Expr: "money(decimal('1.5'), 'KWD')", Want: `{"amount":"1.500","currency":"KWD"}`},
			{Expr: "money('24,99', 'EUR')", Err: builtin.ReasonInvalidMoney},
			{Expr: "money('24.999', 'USD')", Err: builtin.ReasonInvalidMoney},
			{Expr: "money('1', 'usd')", Err: builtin.ReasonUnknownCurrency},
		},
	}
}

func moneyMinorFunc() *builtin.Function {
	return &builtin.Function{
		Name: "money_minor",
		Doc: "Returns the money whose amount in minor units (cents for USD, yen for JPY, fils for KWD) is minor_units, " +
			"as payment APIs such as Stripe and Adyen send it. An unknown currency fails with UNKNOWN_CURRENCY.",
		Overloads: []builtin.Overload{{
			Params: params(tInt, tStr), Result: tMoney,
			Impl: func(a []any) (any, error) {
				c, ok := builtin.LookupCurrency(a[1].(string))
				if !ok {
					return nil, errf(builtin.ReasonUnknownCurrency, "unknown currency %s (want an ISO 4217 code such as USD)", quote(a[1].(string)))
				}
				return builtin.NewMoney(builtin.NewDecimal(a[0].(int64), -c.Minor), c.Code)
			},
		}},
		Examples: []builtin.Example{
			{Expr: "money_minor(1230, 'USD')", Want: `{"amount":"12.30","currency":"USD"}`},
			{Expr: "money_minor(1230, 'JPY')", Want: `{"amount":"1230","currency":"JPY"}`},
			{Expr: "money_minor(-5, 'KWD')", Want: `{"amount":"-0.005","currency":"KWD"}`},
			{Expr: "money_minor(1, 'XXX')", Err: builtin.ReasonUnknownCurrency},
		},
	}
}

func moneyRoundFunc() *builtin.Function {
	impl := func(a []any) (any, error) {
		var d builtin.Decimal
		switch x := a[0].(type) {
		case string:
			var err error
			if d, err = builtin.ParseDecimal(x); err != nil {
				return nil, errf(builtin.ReasonInvalidMoney, "invalid amount %s: want a decimal such as 24.99", quote(x))
			}
		case builtin.Decimal:
			d = x
		}
		mode, err := parseMode(a[2].(string))
		if err != nil {
			return nil, err
		}
		return builtin.RoundMoney(d, a[1].(string), mode)
	}
	return &builtin.Function{
		Name: "money_round",
		Doc: "Rounds amount to the minor units of currency with a rounding mode (half_even, half_up, half_down, up, down, ceiling, floor) " +
			"and returns the money. Use it where rounding is a business rule, such as a computed tax or a price with four decimals, " +
			"never to accept a payload amount that should have been exact (use money). A string amount that is not plain decimal " +
			"notation fails with INVALID_MONEY, an unknown currency with UNKNOWN_CURRENCY, an unknown mode with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{
			{Params: params(tDec, tStr, tStr), Result: tMoney, Impl: impl},
			{Params: params(tStr, tStr, tStr), Result: tMoney, Impl: impl},
		},
		Examples: []builtin.Example{
			{Expr: "money_round(decimal('2.675'), 'USD', 'half_up')", Want: `{"amount":"2.68","currency":"USD"}`},
			{Expr: "money_round(decimal('2.665'), 'USD', 'half_even')", Want: `{"amount":"2.66","currency":"USD"}`},
			{Expr: "money_round('1230.5', 'JPY', 'floor')", Want: `{"amount":"1230","currency":"JPY"}`},
			{Expr: "money_round(decimal('1'), 'USD', 'nearest')", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func decimalFunc() *builtin.Function {
	return &builtin.Function{
		Name: "decimal",
		Doc: "Returns the exact decimal value of a string in plain decimal notation ('-12.50', '7'), of an int, or of a decimal unchanged. " +
			"The scale of a string is kept ('1.50' stays 1.50). A string with a decimal comma, thousands separators, an exponent, " +
			"spaces or no digits fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{
			{Params: params(tStr), Result: tDec, Impl: func(a []any) (any, error) {
				d, err := builtin.ParseDecimal(a[0].(string))
				if err != nil {
					return nil, invalidArg("invalid decimal %s: want digits with an optional '.' fraction, such as 12.50", quote(a[0].(string)))
				}
				return d, nil
			}},
			{Params: params(tInt), Result: tDec, Impl: func(a []any) (any, error) { return builtin.DecimalFromInt(a[0].(int64)), nil }},
			{Params: params(tDec), Result: tDec, Impl: func(a []any) (any, error) { return a[0], nil }},
		},
		Examples: []builtin.Example{
			{Expr: "decimal('12.50')", Want: "12.50"},
			{Expr: "decimal(7)", Want: "7"},
			{Expr: "decimal('1,5')", Err: builtin.ReasonInvalidArgument},
		},
	}
}

// maxPlaces bounds the places of round: 34 is the precision of Decimal.
const maxPlaces = 34

func roundFunc() *builtin.Function {
	round := func(d builtin.Decimal, places int64, mode builtin.RoundingMode) (any, error) {
		if places < 0 || places > maxPlaces {
			return nil, invalidArg("round: places must be between 0 and %d, got %d", maxPlaces, places)
		}
		r, err := d.Round(int32(places), mode)
		if err != nil {
			return nil, invalidArg("%v", err)
		}
		return r, nil
	}
	return &builtin.Function{
		Name: "round",
		Doc: "Rounds a decimal to places digits after the point, half to even (banker's rounding) unless a rounding mode is given " +
			"(half_even, half_up, half_down, up, down, ceiling, floor). The result has exactly places decimals. Places outside 0 to 34 " +
			"or an unknown mode fail with INVALID_ARGUMENT. In expr this replaces the float round builtin.",
		Overloads: []builtin.Overload{
			{Params: params(tDec, tInt), Result: tDec, Impl: func(a []any) (any, error) {
				return round(a[0].(builtin.Decimal), a[1].(int64), builtin.HalfEven)
			}},
			{Params: params(tDec, tInt, tStr), Result: tDec, Impl: func(a []any) (any, error) {
				mode, err := parseMode(a[2].(string))
				if err != nil {
					return nil, err
				}
				return round(a[0].(builtin.Decimal), a[1].(int64), mode)
			}},
		},
		Examples: []builtin.Example{
			{Expr: "round(decimal('2.345'), 2)", Want: "2.34"},
			{Expr: "round(decimal('2.345'), 2, 'half_up')", Want: "2.35"},
			{Expr: "round(decimal('2.5'), 0, 'down')", Want: "2"},
			{Expr: "round(decimal('2'), 2)", Want: "2.00"},
			{Expr: "round(decimal('2.5'), -1)", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func minorUnitsFunc() *builtin.Function {
	return &builtin.Function{
		Name: "minor_units",
		Doc: "Returns the amount of money in minor units as an int: 1230 for 12.30 USD, 1230 for 1230 JPY. " +
			"An amount too large for a 64-bit int fails with INVALID_MONEY.",
		Overloads: []builtin.Overload{{
			Params: params(tMoney), Result: tInt,
			Impl: func(a []any) (any, error) {
				m := a[0].(builtin.Money)
				n, err := m.Minor()
				if err != nil {
					return nil, errf(builtin.ReasonInvalidMoney, "%s in minor units does not fit an int", m)
				}
				return n, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "minor_units(money('12.30', 'USD'))", Want: "1230"},
			{Expr: "minor_units(money('1.5', 'KWD'))", Want: "1500"},
		},
	}
}

func currencyDigitsFunc() *builtin.Function {
	return &builtin.Function{
		Name: "currency_digits",
		Doc:  "Returns the number of ISO 4217 minor unit digits of a currency: 2 for USD, 0 for JPY, 3 for KWD. An unknown currency fails with UNKNOWN_CURRENCY.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tInt,
			Impl: func(a []any) (any, error) {
				c, ok := builtin.LookupCurrency(a[0].(string))
				if !ok {
					return nil, errf(builtin.ReasonUnknownCurrency, "unknown currency %s (want an ISO 4217 code such as USD)", quote(a[0].(string)))
				}
				return int64(c.Minor), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "currency_digits('USD')", Want: "2"},
			{Expr: "currency_digits('JPY')", Want: "0"},
			{Expr: "currency_digits('KWD')", Want: "3"},
			{Expr: "currency_digits('EURO')", Err: builtin.ReasonUnknownCurrency},
		},
	}
}

// weightsOf reads allocation weights: decimals, ints, or money in the
// currency of m (a dyn list may mix them).
func weightsOf(m builtin.Money, list []any) ([]builtin.Decimal, error) {
	ws := make([]builtin.Decimal, len(list))
	for i, v := range list {
		switch x := v.(type) {
		case builtin.Money:
			if x.Currency != m.Currency {
				return nil, errf(builtin.ReasonCurrencyMismatch, "allocate %s: weight %d is %s; currencies differ", m, i+1, x)
			}
			ws[i] = x.Amount
		case nil:
			return nil, errf(builtin.ReasonNullRequiredField, "allocate %s: weight %d is missing or null", m, i+1)
		default:
			d, ok := decimalOf(v)
			if !ok {
				return nil, invalidArg("allocate %s: weight %d is a %s, want a decimal, int or money", m, i+1, builtin.KindOf(v))
			}
			ws[i] = d
		}
	}
	return ws, nil
}

func allocateFunc() *builtin.Function {
	// One implementation serves every overload: lists are []any at run
	// time, and expr may call any overload with any list.
	impl := func(a []any) (any, error) {
		m := a[0].(builtin.Money)
		ws, err := weightsOf(m, a[1].([]any))
		if err != nil {
			return nil, err
		}
		parts, err := m.Allocate(ws)
		if err != nil {
			return nil, err
		}
		return anyList(parts), nil
	}
	return &builtin.Function{
		Name: "allocate",
		Doc: "Splits money across weights in proportion and returns one money per weight, in order. The parts always add up to " +
			"the amount exactly: no minor unit is lost or invented. Minor units left over after rounding every share down go, one " +
			"each, to the parts with the largest remainders (ties to the earlier part). Use it to spread an order discount or shipping " +
			"charge over lines by their amounts. Weights are decimals, ints, or money in the same currency (another currency fails with " +
			"CURRENCY_MISMATCH). An empty list, a negative weight or weights that sum to zero fail with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{
			{Params: params(tMoney, builtin.ListOf(tDec)), Result: builtin.ListOf(tMoney), Impl: impl, Cost: costList},
			{Params: params(tMoney, builtin.ListOf(tMoney)), Result: builtin.ListOf(tMoney), Impl: impl, Cost: costList},
			{Params: params(tMoney, builtin.ListOf(tInt)), Result: builtin.ListOf(tMoney), Impl: impl, Cost: costList},
		},
		Examples: []builtin.Example{
			{Expr: "allocate(money('10.00', 'USD'), [1, 1, 1])", Want: `[{"amount":"3.34","currency":"USD"},{"amount":"3.33","currency":"USD"},{"amount":"3.33","currency":"USD"}]`},
			{Expr: "allocate(money('5.00', 'USD'), [money('30.00', 'USD'), money('10.00', 'USD')])", Want: `[{"amount":"3.75","currency":"USD"},{"amount":"1.25","currency":"USD"}]`},
			{Expr: "allocate(money('100', 'JPY'), [decimal('0.5'), decimal('0.25'), decimal('0.25')])", Want: `[{"amount":"50","currency":"JPY"},{"amount":"25","currency":"JPY"},{"amount":"25","currency":"JPY"}]`},
			{Expr: "allocate(money('1.00', 'USD'), [0, 0])", Err: builtin.ReasonInvalidArgument},
			{Expr: "allocate(money('1.00', 'USD'), [money('1.00', 'EUR')])", Err: builtin.ReasonCurrencyMismatch},
		},
	}
}

// maxSplit bounds split_even so that its result size is bounded for the
// cost estimate.
const maxSplit = 1000

func splitEvenFunc() *builtin.Function {
	return &builtin.Function{
		Name: "split_even",
		Doc: "Splits money into n parts as equal as possible that add up to it exactly; the earlier parts get the leftover " +
			"minor units. n below 1 or above 1000 fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tMoney, tInt), Result: builtin.ListOf(tMoney),
			Cost: builtin.Cost{Fixed: 10, ResultSize: maxSplit},
			Impl: func(a []any) (any, error) {
				m, n := a[0].(builtin.Money), a[1].(int64)
				if n < 1 || n > maxSplit {
					return nil, invalidArg("split_even %s: n must be between 1 and %d, got %d", m, maxSplit, n)
				}
				ws := make([]builtin.Decimal, n)
				for i := range ws {
					ws[i] = builtin.DecimalFromInt(1)
				}
				parts, err := m.Allocate(ws)
				if err != nil {
					return nil, err
				}
				return anyList(parts), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "split_even(money('10.00', 'USD'), 3)", Want: `[{"amount":"3.34","currency":"USD"},{"amount":"3.33","currency":"USD"},{"amount":"3.33","currency":"USD"}]`},
			{Expr: "split_even(money('-5', 'JPY'), 2)", Want: `[{"amount":"-3","currency":"JPY"},{"amount":"-2","currency":"JPY"}]`},
			{Expr: "split_even(money('1.00', 'USD'), 0)", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func mulFunc() *builtin.Function {
	impl := func(a []any) (any, error) {
		f, _ := decimalOf(a[1])
		mode, err := parseMode(a[2].(string))
		if err != nil {
			return nil, err
		}
		return a[0].(builtin.Money).Mul(f, mode)
	}
	return &builtin.Function{
		Name: "mul",
		Doc: "Multiplies money by a factor and rounds the product to the currency's minor units with a rounding mode " +
			"(half_even, half_up, half_down, up, down, ceiling, floor): a tax rate, a discount percentage, a unit price times a " +
			"fractional quantity. The * operator multiplies exactly and fails when the product has fractions of a minor unit; mul " +
			"is how to say how to round. An unknown mode fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{
			{Params: params(tMoney, tDec, tStr), Result: tMoney, Impl: impl},
			{Params: params(tMoney, tInt, tStr), Result: tMoney, Impl: impl},
		},
		Examples: []builtin.Example{
			{Expr: "mul(money('19.99', 'USD'), decimal('0.0825'), 'half_up')", Want: `{"amount":"1.65","currency":"USD"}`},
			{Expr: "mul(money('10.00', 'EUR'), decimal('0.333'), 'down')", Want: `{"amount":"3.33","currency":"EUR"}`},
			{Expr: "mul(money('2.50', 'USD'), 3, 'half_even')", Want: `{"amount":"7.50","currency":"USD"}`},
			{Expr: "mul(money('1.00', 'USD'), decimal('2'), 'bankers')", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func sumMoneyFunc() *builtin.Function {
	return &builtin.Function{
		Name: "sum_money",
		Doc: "Adds a list of money in currency and returns the total; an empty list gives zero in currency. An element in another " +
			"currency fails with CURRENCY_MISMATCH, an element that is not money with INVALID_ARGUMENT, an unknown currency with UNKNOWN_CURRENCY.",
		Overloads: []builtin.Overload{{
			Params: params(builtin.ListOf(tMoney), tStr), Result: tMoney, Cost: costListScan,
			Impl: func(a []any) (any, error) {
				total, err := builtin.ZeroMoney(a[1].(string))
				if err != nil {
					return nil, err
				}
				for i, v := range a[0].([]any) {
					m, ok := v.(builtin.Money)
					if !ok {
						if v == nil {
							return nil, errf(builtin.ReasonNullRequiredField, "sum_money: element %d is missing or null", i+1)
						}
						return nil, invalidArg("sum_money: element %d is a %s, want money", i+1, builtin.KindOf(v))
					}
					if total, err = total.Add(m); err != nil {
						return nil, err
					}
				}
				return total, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "sum_money([money('1.10', 'USD'), money('2.20', 'USD')], 'USD')", Want: `{"amount":"3.30","currency":"USD"}`},
			{Expr: "sum_money([], 'JPY')", Want: `{"amount":"0","currency":"JPY"}`},
			{Expr: "sum_money([money('1.10', 'USD'), money('2.20', 'EUR')], 'USD')", Err: builtin.ReasonCurrencyMismatch},
		},
	}
}

func sumDecimalFunc() *builtin.Function {
	impl := func(a []any) (any, error) {
		total := builtin.Decimal{}
		for i, v := range a[0].([]any) {
			d, ok := decimalOf(v)
			if !ok {
				if v == nil {
					return nil, errf(builtin.ReasonNullRequiredField, "sum_decimal: element %d is missing or null", i+1)
				}
				return nil, invalidArg("sum_decimal: element %d is a %s, want a decimal or int", i+1, builtin.KindOf(v))
			}
			var err error
			if total, err = total.Add(d); err != nil {
				return nil, invalidArg("%v", err)
			}
		}
		return total, nil
	}
	return &builtin.Function{
		Name: "sum_decimal",
		Doc: "Adds a list of decimals or ints exactly and returns a decimal; an empty list gives 0. Use it for quantities, " +
			"weights and rates (sum_money adds money). An element that is not a number fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{
			{Params: params(builtin.ListOf(tDec)), Result: tDec, Cost: costListScan, Impl: impl},
			{Params: params(builtin.ListOf(tInt)), Result: tDec, Cost: costListScan, Impl: impl},
		},
		Examples: []builtin.Example{
			{Expr: "sum_decimal([decimal('0.1'), decimal('0.2')])", Want: "0.3"},
			{Expr: "sum_decimal([1, 2, 3])", Want: "6"},
			{Expr: "sum_decimal([])", Want: "0"},
		},
	}
}

func absFunc() *builtin.Function {
	return &builtin.Function{
		Name: "abs",
		Doc: "Returns the absolute value of a decimal, an int or money (keeping its currency). The smallest int, which has no " +
			"positive counterpart, fails with INVALID_ARGUMENT. In expr this replaces the float abs builtin.",
		Overloads: []builtin.Overload{
			{Params: params(tDec), Result: tDec, Impl: func(a []any) (any, error) { return a[0].(builtin.Decimal).Abs(), nil }},
			{Params: params(tMoney), Result: tMoney, Impl: func(a []any) (any, error) {
				m := a[0].(builtin.Money)
				return builtin.Money{Amount: m.Amount.Abs(), Currency: m.Currency}, nil
			}},
			{Params: params(tInt), Result: tInt, Impl: func(a []any) (any, error) {
				n := a[0].(int64)
				if n == -n && n != 0 {
					return nil, invalidArg("abs(%d) does not fit an int", n)
				}
				if n < 0 {
					n = -n
				}
				return n, nil
			}},
		},
		Examples: []builtin.Example{
			{Expr: "abs(decimal('-1.50'))", Want: "1.50"},
			{Expr: "abs(money('-3.00', 'USD'))", Want: `{"amount":"3.00","currency":"USD"}`},
			{Expr: "abs(-4)", Want: "4"},
		},
	}
}

func negFunc() *builtin.Function {
	return &builtin.Function{
		Name: "neg",
		Doc: "Returns the negation of a decimal or of money. It is the same as unary minus, which expr cannot apply to decimals " +
			"and money: write neg(x) in flows that must read the same in both dialects. It never fails.",
		Overloads: []builtin.Overload{
			{Params: params(tDec), Result: tDec, Impl: func(a []any) (any, error) { return a[0].(builtin.Decimal).Neg(), nil }},
			{Params: params(tMoney), Result: tMoney, Impl: func(a []any) (any, error) { return a[0].(builtin.Money).Neg(), nil }},
		},
		Examples: []builtin.Example{
			{Expr: "neg(decimal('1.50'))", Want: "-1.50"},
			{Expr: "neg(money('3.00', 'USD'))", Want: `{"amount":"-3.00","currency":"USD"}`},
		},
	}
}

func isZeroFunc() *builtin.Function {
	return &builtin.Function{
		Name: "is_zero",
		Doc:  "Reports whether a decimal or an amount of money is zero, whatever its scale ('0.00' is zero). It never fails.",
		Overloads: []builtin.Overload{
			{Params: params(tDec), Result: tBool, Impl: func(a []any) (any, error) { return a[0].(builtin.Decimal).IsZero(), nil }},
			{Params: params(tMoney), Result: tBool, Impl: func(a []any) (any, error) { return a[0].(builtin.Money).IsZero(), nil }},
		},
		Examples: []builtin.Example{
			{Expr: "is_zero(decimal('0.00'))", Want: "true"},
			{Expr: "is_zero(money('0.01', 'USD'))", Want: "false"},
		},
	}
}

func convertCurrencyFunc() *builtin.Function {
	return &builtin.Function{
		Name: "convert_currency",
		Doc: "Converts money to to_currency at rate (units of to_currency per unit of the money's currency) and rounds the result " +
			"to to_currency's minor units with a rounding mode. The rate is an exact decimal: take it from a table or the payload, " +
			"never from a float. A rate that is not positive or an unknown mode fails with INVALID_ARGUMENT, an unknown target " +
			"currency with UNKNOWN_CURRENCY.",
		Overloads: []builtin.Overload{{
			Params: params(tMoney, tDec, tStr, tStr), Result: tMoney,
			Impl: func(a []any) (any, error) {
				m, rate, to := a[0].(builtin.Money), a[1].(builtin.Decimal), a[2].(string)
				if rate.Sign() <= 0 {
					return nil, invalidArg("convert_currency %s: the rate must be positive, got %s", m, rate)
				}
				mode, err := parseMode(a[3].(string))
				if err != nil {
					return nil, err
				}
				p, err := m.Amount.Mul(rate)
				if err != nil {
					return nil, invalidArg("%v", err)
				}
				return builtin.RoundMoney(p, to, mode)
			},
		}},
		Examples: []builtin.Example{
			{Expr: "convert_currency(money('100.00', 'USD'), decimal('0.9215'), 'EUR', 'half_even')", Want: `{"amount":"92.15","currency":"EUR"}`},
			{Expr: "convert_currency(money('10.00', 'USD'), decimal('151.237'), 'JPY', 'half_up')", Want: `{"amount":"1512","currency":"JPY"}`},
			{Expr: "convert_currency(money('10.00', 'USD'), decimal('0'), 'EUR', 'half_up')", Err: builtin.ReasonInvalidArgument},
			{Expr: "convert_currency(money('10.00', 'USD'), decimal('1'), 'XYZ', 'half_up')", Err: builtin.ReasonUnknownCurrency},
		},
	}
}

func formatDecimalFunc() *builtin.Function {
	return &builtin.Function{
		Name: "format_decimal",
		Doc:  "Renders a decimal in plain notation with its scale: '12.30', '-0.5', '100'. Round it first to fix the number of decimals. It never fails.",
		Overloads: []builtin.Overload{{
			Params: params(tDec), Result: tStr, Cost: costShort,
			Impl: func(a []any) (any, error) { return a[0].(builtin.Decimal).String(), nil },
		}},
		Examples: []builtin.Example{
			{Expr: "format_decimal(decimal('12.30'))", Want: `"12.30"`},
			{Expr: "format_decimal(round(decimal('2') / decimal('3'), 4))", Want: `"0.6667"`},
		},
	}
}

func formatMoneyFunc() *builtin.Function {
	return &builtin.Function{
		Name: "format_money",
		Doc:  "Renders money as its amount with the currency's minor units, a space and the currency code: '12.30 USD'. It never fails.",
		Overloads: []builtin.Overload{{
			Params: params(tMoney), Result: tStr, Cost: costShort,
			Impl: func(a []any) (any, error) { return a[0].(builtin.Money).String(), nil },
		}},
		Examples: []builtin.Example{
			{Expr: "format_money(money('12.3', 'USD'))", Want: `"12.30 USD"`},
			{Expr: "format_money(money(5, 'KWD'))", Want: `"5.000 KWD"`},
		},
	}
}

// The operators. In CEL, operator overloads are declared only: CEL's
// standard operator bindings call the traits of the value types in
// builtin/celvals.go. In expr, these implementations run. Each one must
// compute exactly what the trait computes, with the same Decimal and Money
// methods, so that both dialects agree (conformance_test.go checks it).
// Only the left operand may be a decimal or money: CEL dispatches on it.

func decDec(f func(a, b builtin.Decimal) (builtin.Decimal, error)) func([]any) (any, error) {
	return func(a []any) (any, error) { return f(a[0].(builtin.Decimal), a[1].(builtin.Decimal)) }
}

func decInt(f func(a, b builtin.Decimal) (builtin.Decimal, error)) func([]any) (any, error) {
	return func(a []any) (any, error) {
		return f(a[0].(builtin.Decimal), builtin.DecimalFromInt(a[1].(int64)))
	}
}

func moneyMoney(f func(a, b builtin.Money) (builtin.Money, error)) func([]any) (any, error) {
	return func(a []any) (any, error) { return f(a[0].(builtin.Money), a[1].(builtin.Money)) }
}

func addOp() *builtin.Function {
	return &builtin.Function{
		Name: builtin.OpAdd,
		Doc: "Adds decimals exactly (a decimal and an int too, the decimal on the left), or two amounts of money in the same " +
			"currency; money in different currencies fails with CURRENCY_MISMATCH. A result beyond 34 significant digits fails.",
		Overloads: []builtin.Overload{
			{Params: params(tDec, tDec), Result: tDec, Impl: decDec(builtin.Decimal.Add)},
			{Params: params(tDec, tInt), Result: tDec, Impl: decInt(builtin.Decimal.Add)},
			{Params: params(tMoney, tMoney), Result: tMoney, Impl: moneyMoney(builtin.Money.Add)},
		},
		Examples: []builtin.Example{
			{Expr: "decimal('0.1') + decimal('0.2')", Want: "0.3"},
			{Expr: "decimal('1.5') + 1", Want: "2.5"},
			{Expr: "money('1.10', 'USD') + money('2.20', 'USD')", Want: `{"amount":"3.30","currency":"USD"}`},
			{Expr: "money('1.10', 'USD') + money('2.20', 'EUR')", Err: builtin.ReasonCurrencyMismatch},
		},
	}
}

func subOp() *builtin.Function {
	return &builtin.Function{
		Name: builtin.OpSubtract,
		Doc: "Subtracts decimals exactly (an int from a decimal too), or money from money in the same currency; money in " +
			"different currencies fails with CURRENCY_MISMATCH. A result beyond 34 significant digits fails.",
		Overloads: []builtin.Overload{
			{Params: params(tDec, tDec), Result: tDec, Impl: decDec(builtin.Decimal.Sub)},
			{Params: params(tDec, tInt), Result: tDec, Impl: decInt(builtin.Decimal.Sub)},
			{Params: params(tMoney, tMoney), Result: tMoney, Impl: moneyMoney(builtin.Money.Sub)},
		},
		Examples: []builtin.Example{
			{Expr: "decimal('1.00') - decimal('0.01')", Want: "0.99"},
			{Expr: "decimal('1.5') - 2", Want: "-0.5"},
			{Expr: "money('5.00', 'USD') - money('7.25', 'USD')", Want: `{"amount":"-2.25","currency":"USD"}`},
			{Expr: "money('5.00', 'USD') - money('1.00', 'CAD')", Err: builtin.ReasonCurrencyMismatch},
		},
	}
}

func mulOp() *builtin.Function {
	moneyTimes := func(a []any) (any, error) { return builtin.MoneyTimes(a[0].(builtin.Money), a[1]) }
	return &builtin.Function{
		Name: builtin.OpMultiply,
		Doc: "Multiplies decimals exactly (a decimal by an int too), or money by an int or a decimal. A money product with " +
			"fractions of a minor unit fails with INVALID_MONEY: an operator cannot say how to round, so use mul with a rounding " +
			"mode for rates and percentages. A result beyond 34 significant digits fails.",
		Overloads: []builtin.Overload{
			{Params: params(tDec, tDec), Result: tDec, Impl: decDec(builtin.Decimal.Mul)},
			{Params: params(tDec, tInt), Result: tDec, Impl: decInt(builtin.Decimal.Mul)},
			{Params: params(tMoney, tInt), Result: tMoney, Impl: moneyTimes},
			{Params: params(tMoney, tDec), Result: tMoney, Impl: moneyTimes},
		},
		Examples: []builtin.Example{
			{Expr: "decimal('1.25') * decimal('0.2')", Want: "0.250"},
			{Expr: "decimal('1.25') * 3", Want: "3.75"},
			{Expr: "money('2.50', 'USD') * 3", Want: `{"amount":"7.50","currency":"USD"}`},
			{Expr: "money('2.50', 'USD') * decimal('1.5')", Want: `{"amount":"3.75","currency":"USD"}`},
			{Expr: "money('2.50', 'USD') * decimal('0.333')", Err: builtin.ReasonInvalidMoney},
		},
	}
}

func divOp() *builtin.Function {
	return &builtin.Function{
		Name: builtin.OpDivide,
		Doc: "Divides decimals (a decimal by an int too). The quotient is exact when it has at most 34 significant digits and " +
			"is otherwise rounded half to even to 34; trailing zeros are dropped. Round it to the scale you need. Division by zero " +
			"fails with INVALID_ARGUMENT. Money is not divided: use allocate or split_even, which never lose a cent.",
		Overloads: []builtin.Overload{
			{Params: params(tDec, tDec), Result: tDec, Impl: decDec(builtin.Decimal.Quo)},
			{Params: params(tDec, tInt), Result: tDec, Impl: decInt(builtin.Decimal.Quo)},
		},
		Examples: []builtin.Example{
			{Expr: "decimal('10.00') / decimal('4')", Want: "2.5"},
			{Expr: "round(decimal('1') / 3, 4)", Want: "0.3333"},
			{Expr: "decimal('1') / 0", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func negOp() *builtin.Function {
	return &builtin.Function{
		Name: builtin.OpNegate,
		Doc: "Unary minus negates a decimal or money. Only CEL has it for these types: expr cannot overload unary minus, so " +
			"flows in the expr dialect (and flows meant for both) write neg(x). It never fails.",
		Overloads: []builtin.Overload{
			{Params: params(tDec), Result: tDec, Impl: func(a []any) (any, error) { return a[0].(builtin.Decimal).Neg(), nil }},
			{Params: params(tMoney), Result: tMoney, Impl: func(a []any) (any, error) { return a[0].(builtin.Money).Neg(), nil }},
		},
		Examples: []builtin.Example{
			{Expr: "-decimal('1.50')", Want: "-1.50"},
			{Expr: "-money('3.00', 'USD')", Want: `{"amount":"-3.00","currency":"USD"}`},
		},
	}
}

func cmpOp(name, sym, words string) *builtin.Function {
	test := map[string]func(int) bool{
		builtin.OpLess:         func(c int) bool { return c < 0 },
		builtin.OpLessEqual:    func(c int) bool { return c <= 0 },
		builtin.OpGreater:      func(c int) bool { return c > 0 },
		builtin.OpGreaterEqual: func(c int) bool { return c >= 0 },
	}[name]
	return &builtin.Function{
		Name: name,
		Doc: "Reports whether a decimal is " + words + " another decimal or an int (the decimal on the left), or whether money is " +
			words + " money in the same currency; money in different currencies fails with CURRENCY_MISMATCH. Values compare by " +
			"value, whatever their scale.",
		Overloads: []builtin.Overload{
			{Params: params(tDec, tDec), Result: tBool, Impl: func(a []any) (any, error) {
				return test(a[0].(builtin.Decimal).Cmp(a[1].(builtin.Decimal))), nil
			}},
			{Params: params(tDec, tInt), Result: tBool, Impl: func(a []any) (any, error) {
				return test(a[0].(builtin.Decimal).Cmp(builtin.DecimalFromInt(a[1].(int64)))), nil
			}},
			{Params: params(tMoney, tMoney), Result: tBool, Impl: func(a []any) (any, error) {
				c, err := a[0].(builtin.Money).Cmp(a[1].(builtin.Money))
				if err != nil {
					return nil, err
				}
				return test(c), nil
			}},
		},
		Examples: []builtin.Example{
			{Expr: "decimal('1.50') " + sym + " decimal('1.5')", Want: formatBool(test(0))},
			{Expr: "decimal('2.5') " + sym + " 3", Want: formatBool(test(-1))},
			{Expr: "money('10.00', 'USD') " + sym + " money('9.99', 'USD')", Want: formatBool(test(1))},
			{Expr: "money('10.00', 'USD') " + sym + " money('9.99', 'EUR')", Err: builtin.ReasonCurrencyMismatch},
		},
	}
}

func formatBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
