package commerce

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/transload/transload/builtin"
)

// Reason codes of the commerce library and the default flows. They are a
// contract: dead letters carry them, analysts route and test on them.
const (
	ReasonUnknownSKU     = "UNKNOWN_SKU"
	ReasonInvalidCountry = "INVALID_COUNTRY"
	ReasonTotalsMismatch = "TOTALS_MISMATCH"
)

var (
	tStr   = builtin.StringType
	tParam = builtin.TypeParam("T")
	tTable = builtin.TableOf(tParam)
)

// Library returns transload.commerce: reference data (ISO 3166, ISO
// 4217), base quantities from the item master, X12 numbers and order
// totals.
func Library() *builtin.Library {
	return &builtin.Library{
		Name: "transload.commerce", Version: 1,
		Doc:   "Commerce helpers for mappings: ISO 3166 country codes and ISO 4217 currency codes, quantities in base units from the item master, X12 implied-decimal numbers, and the reconciliation of order totals.",
		Funcs: []*builtin.Function{countryCodeFunc(), currencyCodeFunc(), withBaseQuantityFunc(), x12DecimalFunc(), totalsExpectedFunc(), linesSubtotalFunc()},
	}
}

func countryCodeFunc() *builtin.Function {
	return &builtin.Function{
		Name: "country_code",
		Doc:  "Returns the ISO 3166-1 alpha-2 code of a country given as an alpha-2 or alpha-3 code or an English name, in any case: 'USA', 'us' and 'United States' are all 'US'. Anything else fails with INVALID_COUNTRY: a country is never guessed.",
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{tStr}, Result: tStr, Cost: builtin.Cost{Fixed: 2},
			Impl: func(a []any) (any, error) {
				c, ok := CountryCode(a[0].(string))
				if !ok {
					return nil, builtin.Errorf(ReasonInvalidCountry, "%q is not an ISO 3166 country code or name", a[0])
				}
				return c, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "country_code('USA')", Want: `"US"`},
			{Expr: "country_code('Germany')", Want: `"DE"`},
			{Expr: "country_code('Atlantis')", Err: ReasonInvalidCountry},
		},
	}
}

func currencyCodeFunc() *builtin.Function {
	return &builtin.Function{
		Name: "currency_code",
		Doc:  "Returns the ISO 4217 currency code, upper-cased, after checking it exists; an unknown code fails with UNKNOWN_CURRENCY.",
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{tStr}, Result: tStr, Cost: builtin.Cost{Fixed: 1},
			Impl: func(a []any) (any, error) {
				code := strings.ToUpper(strings.TrimSpace(a[0].(string)))
				if _, ok := builtin.LookupCurrency(code); !ok {
					return nil, builtin.Errorf(builtin.ReasonUnknownCurrency, "%q is not an ISO 4217 currency code", a[0])
				}
				return code, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "currency_code('usd')", Want: `"USD"`},
			{Expr: "currency_code('XYZ')", Err: builtin.ReasonUnknownCurrency},
		},
	}
}

// withBaseQuantity fills a line's base_quantity from the item master
// (columns sku, base_uom, units_per) unless the line has one already.
func withBaseQuantityFunc() *builtin.Function {
	return &builtin.Function{
		Name: "with_base_quantity",
		Doc: "Returns the order line with base_quantity filled in from an item master table with the columns sku, base_uom and units_per: " +
			"quantity × units_per in base_uom. A line that already has a base_quantity (X12 PO4 and Amazon Vendor unitSize give their own) is returned as it is. " +
			"For a SKU the table does not have, policy 'dead_letter' fails with UNKNOWN_SKU and policy 'each' counts each ordered unit as 1 EA. " +
			"A table without those columns, or a units_per that is not a positive number, fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{OrderLine, tTable, tStr}, Result: OrderLine, Cost: builtin.Cost{Fixed: 10},
			Impl: func(a []any) (any, error) {
				line, _ := a[0].(map[string]any)
				t := a[1].(*builtin.Table)
				return WithBaseQuantity(line, t, a[2].(string))
			},
		}},
		Examples: []builtin.Example{
			{Expr: "with_base_quantity({'line_id': '1', 'sku': 'CASE-12', 'quantity': qty(2, 'EA'), 'unit_price': money('10.00', 'USD'), 'total': money('20.00', 'USD'), 'status': 'open'}, items, 'dead_letter').base_quantity", Want: `{"uom":"EA","value":"24"}`},
			{Expr: "with_base_quantity({'line_id': '1', 'sku': 'NOPE', 'quantity': qty(3, 'EA'), 'unit_price': money('1.00', 'USD'), 'total': money('3.00', 'USD'), 'status': 'open'}, items, 'each').base_quantity", Want: `{"uom":"EA","value":"3"}`},
			{Expr: "with_base_quantity({'line_id': '1', 'sku': 'NOPE', 'quantity': qty(3, 'EA'), 'unit_price': money('1.00', 'USD'), 'total': money('3.00', 'USD'), 'status': 'open'}, items, 'dead_letter')", Err: ReasonUnknownSKU},
		},
	}
}

// WithBaseQuantity is with_base_quantity for Go callers.
func WithBaseQuantity(line map[string]any, items *builtin.Table, policy string) (map[string]any, error) {
	if line == nil {
		return nil, builtin.Errorf(builtin.ReasonNullRequiredField, "with_base_quantity: no line")
	}
	if _, ok := line["base_quantity"].(builtin.Quantity); ok {
		return line, nil
	}
	q, ok := line["quantity"].(builtin.Quantity)
	if !ok {
		return nil, builtin.Errorf(builtin.ReasonNullRequiredField, "with_base_quantity: the line has no quantity")
	}
	sku, _ := line["sku"].(string)
	out := maps.Clone(line)
	for _, col := range []string{"base_uom", "units_per"} {
		if !slices.Contains(items.Columns, col) {
			return nil, builtin.Errorf(builtin.ReasonInvalidArgument, "with_base_quantity: table %s has no column %s (it needs sku, base_uom, units_per)", items.Name, col)
		}
	}
	row, found := items.Get(sku)
	if !found {
		switch policy {
		case "each":
			out["base_quantity"] = builtin.Quantity{Value: q.Value, UOM: "EA"}
			return out, nil
		case "dead_letter":
			return nil, builtin.Errorf(ReasonUnknownSKU, "SKU %q is not in the item master (table %s); add it there, or set the variable unknown_sku = \"each\" to count each unit as 1 EA", sku, items.Name)
		}
		return nil, builtin.Errorf(builtin.ReasonInvalidArgument, "with_base_quantity: policy must be 'dead_letter' or 'each', not %q", policy)
	}
	per, err := builtin.ParseDecimal(strings.TrimSpace(fmt.Sprint(row["units_per"])))
	if err != nil || per.Sign() <= 0 {
		return nil, builtin.Errorf(builtin.ReasonInvalidArgument, "item %q: units_per %q is not a positive number", sku, row["units_per"])
	}
	base, _ := row["base_uom"].(string)
	if base == "" {
		return nil, builtin.Errorf(builtin.ReasonInvalidArgument, "item %q has no base_uom", sku)
	}
	v, err := q.Value.Mul(per)
	if err != nil {
		return nil, err
	}
	out["base_quantity"] = builtin.Quantity{Value: v.Reduce(), UOM: base}
	return out, nil
}

func x12DecimalFunc() *builtin.Function {
	return &builtin.Function{
		Name: "x12_decimal",
		Doc:  "Reads an X12 numeric element: with a decimal point (type R) as written, without one (type Nn) with the given number of implied decimals, so x12_decimal('1234', 2) is 12.34. A value that is not a number fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{tStr, builtin.IntType}, Result: builtin.DecimalType, Cost: builtin.Cost{Fixed: 2},
			Impl: func(a []any) (any, error) {
				s := strings.TrimSpace(a[0].(string))
				d, err := builtin.ParseDecimal(s)
				if err != nil {
					return nil, builtin.Errorf(builtin.ReasonInvalidArgument, "%q is not an X12 number", s)
				}
				if strings.Contains(s, ".") {
					return d, nil
				}
				return d.Mul10(-int32(a[1].(int64))), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "x12_decimal('1234', 2)", Want: `12.34`},
			{Expr: "x12_decimal('12.5', 2)", Want: `12.5`},
			{Expr: "x12_decimal('-----', 2)", Err: builtin.ReasonInvalidArgument},
		},
	}
}

// TotalsExpected computes what an order's grand total should be from its
// lines and totals: Σ open lines (quantity × unit_price) − discount +
// shipping + tax (unless taxes are included in the prices).
func TotalsExpected(order map[string]any) (builtin.Money, error) {
	cur, _ := order["currency"].(string)
	subtotal, err := LinesSubtotal(order)
	if err != nil {
		return builtin.Money{}, err
	}
	totals, _ := order["totals"].(map[string]any)
	sum := subtotal
	for _, k := range []string{"discount", "shipping", "tax"} {
		if k == "tax" && order["taxes_included"] == true {
			continue
		}
		m, ok := totals[k].(builtin.Money)
		if !ok {
			return builtin.Money{}, builtin.Errorf(builtin.ReasonNullRequiredField, "totals.%s is missing", k)
		}
		if k == "discount" {
			m = m.Neg()
		}
		if sum, err = sum.Add(m); err != nil {
			return builtin.Money{}, err
		}
	}
	_ = cur
	return sum, nil
}

// LinesSubtotal is Σ quantity × unit_price over the open lines, rounded
// half-even to the currency (a fractional quantity may need it).
func LinesSubtotal(order map[string]any) (builtin.Money, error) {
	cur, _ := order["currency"].(string)
	sum, err := builtin.ZeroMoney(cur)
	if err != nil {
		return builtin.Money{}, err
	}
	lines, _ := order["lines"].([]any)
	for i, l := range lines {
		line, _ := l.(map[string]any)
		if line["status"] == "cancelled" {
			continue
		}
		q, ok1 := line["quantity"].(builtin.Quantity)
		p, ok2 := line["unit_price"].(builtin.Money)
		if !ok1 || !ok2 {
			return builtin.Money{}, builtin.Errorf(builtin.ReasonNullRequiredField, "line %d has no quantity or unit_price", i+1)
		}
		gross, err := p.Mul(q.Value, builtin.HalfEven)
		if err != nil {
			return builtin.Money{}, err
		}
		if sum, err = sum.Add(gross); err != nil {
			return builtin.Money{}, err
		}
	}
	return sum, nil
}

func totalsExpectedFunc() *builtin.Function {
	return &builtin.Function{
		Name: "totals_expected",
		Doc:  "Returns the grand total an order's own figures add up to: the open lines' quantity × unit_price, minus totals.discount, plus totals.shipping and totals.tax (tax only when taxes_included is not true). The default flows compare it with totals.grand_total and dead-letter a difference as TOTALS_MISMATCH. Missing totals fail with NULL_REQUIRED_FIELD.",
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{Order}, Result: builtin.MoneyType, Cost: builtin.Cost{Fixed: 20, PerSize: 5},
			Impl: func(a []any) (any, error) {
				o, _ := a[0].(map[string]any)
				return TotalsExpected(o)
			},
		}},
		Examples: []builtin.Example{{
			Expr: "totals_expected({'id': '1', 'channel': 'shopify', 'status': 'open', 'placed_at': parse_time('2026-01-01T00:00:00Z'), 'currency': 'USD', 'lines': [{'line_id': '1', 'sku': 'A', 'quantity': qty(2, 'EA'), 'unit_price': money('10.00', 'USD'), 'total': money('20.00', 'USD'), 'status': 'open'}], 'totals': {'subtotal': money('20.00', 'USD'), 'discount': money('2.00', 'USD'), 'shipping': money('5.00', 'USD'), 'tax': money('1.50', 'USD'), 'grand_total': money('24.50', 'USD')}})",
			Want: `{"amount":"24.50","currency":"USD"}`,
		}},
	}
}

func linesSubtotalFunc() *builtin.Function {
	return &builtin.Function{
		Name: "lines_subtotal",
		Doc:  "Returns Σ quantity × unit_price over an order's open lines, rounded half-even to the currency. Lines without a quantity or unit price fail with NULL_REQUIRED_FIELD.",
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{Order}, Result: builtin.MoneyType, Cost: builtin.Cost{Fixed: 10, PerSize: 5},
			Impl: func(a []any) (any, error) {
				o, _ := a[0].(map[string]any)
				return LinesSubtotal(o)
			},
		}},
		Examples: []builtin.Example{{
			Expr: "lines_subtotal({'id': '1', 'channel': 'shopify', 'status': 'open', 'placed_at': parse_time('2026-01-01T00:00:00Z'), 'currency': 'USD', 'lines': [{'line_id': '1', 'sku': 'A', 'quantity': qty(2, 'EA'), 'unit_price': money('10.00', 'USD'), 'total': money('20.00', 'USD'), 'status': 'open'}, {'line_id': '2', 'sku': 'B', 'quantity': qty(1, 'EA'), 'unit_price': money('9.99', 'USD'), 'total': money('9.99', 'USD'), 'status': 'cancelled'}], 'totals': {'subtotal': money('20.00', 'USD'), 'discount': money('0.00', 'USD'), 'shipping': money('0.00', 'USD'), 'tax': money('0.00', 'USD'), 'grand_total': money('20.00', 'USD')}})",
			Want: `{"amount":"20.00","currency":"USD"}`,
		}},
	}
}
