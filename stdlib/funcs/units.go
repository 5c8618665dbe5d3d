package funcs

import (
	"strings"
	"sync"

	"github.com/transload/transload/builtin"
)

// Unit is one unit of measure of UnitTable: a UN/ECE Recommendation 20
// code, its name, and, where a fixed conversion exists, its dimension and
// its factor to the base unit of the dimension (the unit whose factor is 1).
type Unit struct {
	// Code is the Rec 20 code: "KGM".
	Code string
	// Name is the Rec 20 name: "kilogram".
	Name string
	// Dimension is "count", "mass", "length", "area", "volume" or "time".
	// Packaging units (case, box, pallet …) are counts without a factor.
	Dimension string
	// Factor converts one of this unit to the base unit of the dimension
	// (KGM, MTR, MTK, MTQ, SEC, EA). It is zero when the unit has no fixed
	// size: a case holds as many pieces as the item master says.
	Factor builtin.Decimal
	// Synonyms are the other spellings channels send (X12 codes, words,
	// plurals) that uom() maps to Code, in upper case.
	Synonyms []string
}

// units is the unit table. Synonyms are matched case-insensitively.
//
// Judgement calls, so that they are written down once:
//   - "PC", "PCS", "PCE" (the withdrawn Rec 20 code for piece) and "UN"
//     (X12 "unit") mean one sellable unit: they map to EA, which is what
//     ERPs store, not to H87. H87 and C62 sent as such stay themselves
//     and convert to EA with factor 1.
//   - X12 "CA" is a case (Rec 20 would read it as a can): CS.
//   - "PL" is not mapped: it is a pail in Rec 20 and a pallet to some
//     trading partners. Pallets are Rec 20 PF; "PLT" and "PALLET" map there.
//   - A gallon is the US gallon; an ounce is the avoirdupois ounce (mass),
//     never a fluid ounce; "TON" and "MT" are not mapped because short,
//     long and metric tons differ (and MT is a metre to some), only "TNE"
//     (tonne) is known. "GR" and "GM" (gram or gross?) are not mapped
//     either.
var units = []Unit{
	// Count. EA is the base.
	{"EA", "each", "count", dec("1"), []string{"EACH", "EACHES", "PC", "PCS", "PCE", "UN", "UNIT", "UNITS"}},
	{"C62", "one", "count", dec("1"), nil},
	{"H87", "piece", "count", dec("1"), []string{"PIECE", "PIECES"}},
	{"PR", "pair", "count", dec("2"), []string{"PAIR", "PAIRS"}},
	{"DZN", "dozen", "count", dec("12"), []string{"DZ", "DOZ", "DOZEN"}},
	{"GRO", "gross", "count", dec("144"), []string{"GROSS"}},
	// Packaging: counts without a fixed size (use to_base with a pack size).
	{"CS", "case", "count", builtin.Decimal{}, []string{"CA", "CASE", "CASES"}},
	{"CT", "carton", "count", builtin.Decimal{}, []string{"CTN", "CARTON", "CARTONS"}},
	{"BX", "box", "count", builtin.Decimal{}, []string{"BOX", "BOXES"}},
	{"PK", "pack", "count", builtin.Decimal{}, []string{"PACK", "PACKS", "PKG"}},
	{"PF", "pallet (lift)", "count", builtin.Decimal{}, []string{"PLT", "PALLET", "PALLETS"}},
	{"KT", "kit", "count", builtin.Decimal{}, []string{"KI", "KIT", "KITS"}},
	{"SET", "set", "count", builtin.Decimal{}, []string{"SETS"}},
	{"RO", "roll", "count", builtin.Decimal{}, []string{"RL", "ROLL", "ROLLS"}},
	{"BG", "bag", "count", builtin.Decimal{}, []string{"BAG", "BAGS"}},
	{"BO", "bottle", "count", builtin.Decimal{}, []string{"BTL", "BOTTLE", "BOTTLES"}},
	{"DR", "drum", "count", builtin.Decimal{}, []string{"DRUM", "DRUMS"}},
	// Mass. KGM is the base.
	{"KGM", "kilogram", "mass", dec("1"), []string{"KG", "KGS", "KILO", "KILOGRAM", "KILOGRAMS"}},
	{"GRM", "gram", "mass", dec("0.001"), []string{"G", "GRAM", "GRAMS"}},
	{"LBR", "pound", "mass", dec("0.45359237"), []string{"LB", "LBS", "POUND", "POUNDS"}},
	{"ONZ", "ounce (avoirdupois)", "mass", dec("0.028349523125"), []string{"OZ", "OUNCE", "OUNCES"}},
	{"TNE", "tonne (metric ton)", "mass", dec("1000"), []string{"TONNE", "TONNES"}},
	// Length. MTR is the base.
	{"MTR", "metre", "length", dec("1"), []string{"M", "METER", "METERS", "METRE", "METRES"}},
	{"CMT", "centimetre", "length", dec("0.01"), []string{"CM"}},
	{"MMT", "millimetre", "length", dec("0.001"), []string{"MM"}},
	{"FOT", "foot", "length", dec("0.3048"), []string{"FT", "FOOT", "FEET"}},
	{"INH", "inch", "length", dec("0.0254"), []string{"IN", "INCH", "INCHES"}},
	{"YRD", "yard", "length", dec("0.9144"), []string{"YD", "YARD", "YARDS"}},
	// Area. MTK is the base.
	{"MTK", "square metre", "area", dec("1"), []string{"SQM", "M2"}},
	{"FTK", "square foot", "area", dec("0.09290304"), []string{"SF", "SQF", "SQFT", "FT2"}},
	// Volume. MTQ is the base.
	{"MTQ", "cubic metre", "volume", dec("1"), []string{"CBM", "M3"}},
	{"LTR", "litre", "volume", dec("0.001"), []string{"L", "LT", "LITER", "LITERS", "LITRE", "LITRES"}},
	{"MLT", "millilitre", "volume", dec("0.000001"), []string{"ML"}},
	{"GLL", "gallon (US)", "volume", dec("0.003785411784"), []string{"GA", "GAL", "GALLON", "GALLONS"}},
	// Time. SEC is the base.
	{"SEC", "second", "time", dec("1"), []string{"SECOND", "SECONDS"}},
	{"MIN", "minute", "time", dec("60"), []string{"MINUTE", "MINUTES"}},
	{"HUR", "hour", "time", dec("3600"), []string{"HR", "HRS", "HOUR", "HOURS"}},
	{"DAY", "day", "time", dec("86400"), []string{"DA", "DAYS"}},
}

func dec(s string) builtin.Decimal { return builtin.MustDecimal(s) }

// UnitTable returns the units of measure the units library knows, for
// documentation. The slice is a copy.
func UnitTable() []Unit {
	out := make([]Unit, len(units))
	for i, u := range units {
		u.Synonyms = append([]string(nil), u.Synonyms...)
		out[i] = u
	}
	return out
}

// unitIndex maps every code and synonym, in upper case, to its unit.
var unitIndex = sync.OnceValue(func() map[string]*Unit {
	m := make(map[string]*Unit, len(units)*4)
	for i := range units {
		u := &units[i]
		m[u.Code] = u
	}
	for i := range units {
		u := &units[i]
		for _, s := range u.Synonyms {
			if prev, ok := m[s]; ok && prev != u {
				panic("units: " + s + " is both " + prev.Code + " and " + u.Code)
			}
			m[s] = u
		}
	}
	return m
})

// findUnit normalises a code or synonym: surrounding spaces and case do not
// matter.
func findUnit(s string) (*Unit, error) {
	if u, ok := unitIndex()[strings.ToUpper(strings.TrimSpace(s))]; ok {
		return u, nil
	}
	return nil, errf(builtin.ReasonUnknownUnit, "unknown unit of measure %s: want a UN/ECE Rec 20 code such as EA, CS or KGM, or a known synonym", quote(s))
}

// Units returns the transload.units library: quantities with a unit of
// measure, unit normalisation and conversion.
func Units() *builtin.Library {
	return library("transload.units",
		"Quantities with a unit of measure. Units are UN/ECE Recommendation 20 codes (EA, CS, KGM …); the spellings channels send (X12 codes, words, plurals) normalise to them. Fixed conversions (mass, length, area, volume, time, dozens) are exact; packaging units convert only with a pack size from the item master.",
		qtyFunc(), uomFunc(), isUOMFunc(), uomNameFunc(), convertFunc(), toBaseFunc(),
		qtyAddOp(),
		qtyCmpOp(builtin.OpLess, "<", "less than"), qtyCmpOp(builtin.OpLessEqual, "<=", "less than or equal to"),
		qtyCmpOp(builtin.OpGreater, ">", "greater than"), qtyCmpOp(builtin.OpGreaterEqual, ">=", "greater than or equal to"),
	)
}

func qtyFunc() *builtin.Function {
	impl := func(a []any) (any, error) {
		var v builtin.Decimal
		switch x := a[0].(type) {
		case string:
			d, err := builtin.ParseDecimal(x)
			if err != nil {
				return nil, errf(builtin.ReasonInvalidQuantity, "invalid quantity %s: want a decimal such as 12 or 2.5", quote(x))
			}
			v = d
		default:
			v, _ = decimalOf(x)
		}
		if v.Sign() < 0 {
			return nil, errf(builtin.ReasonInvalidQuantity, "invalid quantity %s: quantities are not negative", v)
		}
		u, err := findUnit(a[1].(string))
		if err != nil {
			return nil, err
		}
		return builtin.Quantity{Value: v, UOM: u.Code}, nil
	}
	return &builtin.Function{
		Name: "qty",
		Doc: "Returns a quantity of value in a unit of measure. The unit is normalised like uom() does ('Cases' is CS, 'LB' is LBR); " +
			"the value keeps its scale. A string value that is not plain decimal notation, or a negative value, fails with " +
			"INVALID_QUANTITY (a return is a document type, not a negative quantity); an unknown unit fails with UNKNOWN_UNIT.",
		Overloads: []builtin.Overload{
			{Params: params(tStr, tStr), Result: tQty, Impl: impl},
			{Params: params(tInt, tStr), Result: tQty, Impl: impl},
			{Params: params(tDec, tStr), Result: tQty, Impl: impl},
		},
		Examples: []builtin.Example{
			{Expr: "qty(2, 'CS')", Want: `{"uom":"CS","value":"2"}`},
			{Expr: "qty('2.50', 'lb')", Want: `{"uom":"LBR","value":"2.50"}`},
			{Expr: "qty(decimal('1.5'), 'KGM')", Want: `{"uom":"KGM","value":"1.5"}`},
			{Expr: "qty('two', 'EA')", Err: builtin.ReasonInvalidQuantity},
			{Expr: "qty(-1, 'EA')", Err: builtin.ReasonInvalidQuantity},
			{Expr: "qty(1, 'XYZ')", Err: builtin.ReasonUnknownUnit},
		},
	}
}

func uomFunc() *builtin.Function {
	return &builtin.Function{
		Name: "uom",
		Doc: "Normalises a unit of measure code or synonym to its UN/ECE Rec 20 code, ignoring case and surrounding spaces: " +
			"'Each', 'PCS' and 'UN' are EA, X12 'CA' and 'Cases' are CS, 'LB' is LBR, 'GAL' is GLL. An unknown unit fails with UNKNOWN_UNIT.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tStr, Cost: costShort,
			Impl: func(a []any) (any, error) {
				u, err := findUnit(a[0].(string))
				if err != nil {
					return nil, err
				}
				return u.Code, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "uom('Eaches')", Want: `"EA"`},
			{Expr: "uom('CA')", Want: `"CS"`},
			{Expr: "uom(' kgm ')", Want: `"KGM"`},
			{Expr: "uom('PL')", Err: builtin.ReasonUnknownUnit},
		},
	}
}

func isUOMFunc() *builtin.Function {
	return &builtin.Function{
		Name: "is_uom",
		Doc:  "Reports whether uom() knows a code or synonym. It never fails.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tBool,
			Impl: func(a []any) (any, error) {
				_, err := findUnit(a[0].(string))
				return err == nil, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "is_uom('PCS')", Want: "true"},
			{Expr: "is_uom('bushel')", Want: "false"},
		},
	}
}

func uomNameFunc() *builtin.Function {
	return &builtin.Function{
		Name: "uom_name",
		Doc:  "Returns the Rec 20 name of a unit of measure code or synonym: 'kilogram' for KGM. An unknown unit fails with UNKNOWN_UNIT.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tStr, Cost: costShort,
			Impl: func(a []any) (any, error) {
				u, err := findUnit(a[0].(string))
				if err != nil {
					return nil, err
				}
				return u.Name, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "uom_name('KGM')", Want: `"kilogram"`},
			{Expr: "uom_name('DZ')", Want: `"dozen"`},
			{Expr: "uom_name('??')", Err: builtin.ReasonUnknownUnit},
		},
	}
}

// convertQty converts q to the unit to with the fixed factors.
func convertQty(q builtin.Quantity, to string) (builtin.Quantity, error) {
	from, err := findUnit(q.UOM)
	if err != nil {
		return builtin.Quantity{}, err
	}
	target, err := findUnit(to)
	if err != nil {
		return builtin.Quantity{}, err
	}
	if from == target {
		return builtin.Quantity{Value: q.Value, UOM: target.Code}, nil
	}
	if from.Factor.IsZero() || target.Factor.IsZero() {
		packaging := from
		if !from.Factor.IsZero() {
			packaging = target
		}
		return builtin.Quantity{}, errf(builtin.ReasonInvalidQuantity,
			"cannot convert %s to %s: a %s (%s) has no fixed size; use to_base(quantity, units_per, base_uom) with the pack size from the item master",
			q, target.Code, packaging.Name, packaging.Code)
	}
	if from.Dimension != target.Dimension {
		return builtin.Quantity{}, errf(builtin.ReasonInvalidQuantity,
			"cannot convert %s to %s: %s is a %s unit and %s a %s unit", q, target.Code, from.Code, from.Dimension, target.Code, target.Dimension)
	}
	base, err := q.Value.Mul(from.Factor)
	if err != nil {
		return builtin.Quantity{}, errf(builtin.ReasonInvalidQuantity, "%v", err)
	}
	v, err := base.Quo(target.Factor)
	if err != nil {
		return builtin.Quantity{}, errf(builtin.ReasonInvalidQuantity, "%v", err)
	}
	return builtin.Quantity{Value: v, UOM: target.Code}, nil
}

func convertFunc() *builtin.Function {
	return &builtin.Function{
		Name: "convert",
		Doc: "Converts a quantity to another unit of the same dimension with the fixed factors of the unit table: mass (KGM, GRM, " +
			"LBR, ONZ, TNE), length, area, volume, time, and counts with a fixed size (EA, C62, H87, PR, DZN, GRO). The result is " +
			"exact, with trailing zeros dropped, unless it has no finite decimal form (metres to feet), when it is rounded half to " +
			"even to 34 significant digits: round its value to the precision you need. Converting between dimensions, or to or from " +
			"a packaging unit (CS, BX, PF …) whose size depends on the item, fails with INVALID_QUANTITY: use to_base with the " +
			"pack size. An unknown target unit fails with UNKNOWN_UNIT.",
		Overloads: []builtin.Overload{{
			Params: params(tQty, tStr), Result: tQty,
			Impl: func(a []any) (any, error) { return convertQty(a[0].(builtin.Quantity), a[1].(string)) },
		}},
		Examples: []builtin.Example{
			{Expr: "convert(qty('1.5', 'KGM'), 'GRM')", Want: `{"uom":"GRM","value":"1500"}`},
			{Expr: "convert(qty(2, 'DZN'), 'EA')", Want: `{"uom":"EA","value":"24"}`},
			{Expr: "convert(qty(10, 'LB'), 'KGM')", Want: `{"uom":"KGM","value":"4.5359237"}`},
			{Expr: "convert(qty(24, 'INH'), 'FOT')", Want: `{"uom":"FOT","value":"2"}`},
			{Expr: "convert(qty(2, 'CS'), 'EA')", Err: builtin.ReasonInvalidQuantity},
			{Expr: "convert(qty(1, 'KGM'), 'LTR')", Err: builtin.ReasonInvalidQuantity},
		},
	}
}

func toBaseFunc() *builtin.Function {
	impl := func(a []any) (any, error) {
		q := a[0].(builtin.Quantity)
		base, err := findUnit(a[2].(string))
		if err != nil {
			return nil, err
		}
		if q.UOM == base.Code {
			return q, nil
		}
		var per builtin.Decimal
		switch x := a[1].(type) {
		case string:
			if per, err = builtin.ParseDecimal(strings.TrimSpace(x)); err != nil {
				return nil, errf(builtin.ReasonInvalidQuantity, "invalid pack size %s for %s: want a decimal such as 12", quote(x), q.UOM)
			}
		default:
			per, _ = decimalOf(x)
		}
		if per.Sign() <= 0 {
			return nil, errf(builtin.ReasonInvalidQuantity, "invalid pack size %s for %s: it must be positive", per, q.UOM)
		}
		v, err := q.Value.Mul(per)
		if err != nil {
			return nil, errf(builtin.ReasonInvalidQuantity, "%v", err)
		}
		return builtin.Quantity{Value: v, UOM: base.Code}, nil
	}
	return &builtin.Function{
		Name: "to_base",
		Doc: "Converts a quantity in a pack unit to the item's base unit with the pack size from the item master: 2 CS with " +
			"units_per 12 and base_uom 'EA' is 24 EA. When the quantity is already in base_uom (after normalisation) it is " +
			"returned unchanged and units_per is ignored, so one expression serves lines sent in cases and in eaches. units_per " +
			"may be a string, as lookup tables hold it. A units_per that is not a positive decimal fails with INVALID_QUANTITY, " +
			"an unknown base_uom with UNKNOWN_UNIT. For units with fixed factors (DZN, KGM) use convert.",
		Overloads: []builtin.Overload{
			{Params: params(tQty, tDec, tStr), Result: tQty, Impl: impl},
			{Params: params(tQty, tInt, tStr), Result: tQty, Impl: impl},
			{Params: params(tQty, tStr, tStr), Result: tQty, Impl: impl},
		},
		Examples: []builtin.Example{
			{Expr: "to_base(qty(2, 'CS'), 12, 'EA')", Want: `{"uom":"EA","value":"24"}`},
			{Expr: "to_base(qty(3, 'EA'), 12, 'EA')", Want: `{"uom":"EA","value":"3"}`},
			{Expr: "to_base(qty(2, 'CS'), lookup(items, 'CASE-12').units_per, lookup(items, 'CASE-12').base_uom)", Want: `{"uom":"EA","value":"24"}`},
			{Expr: "to_base(qty(2, 'BG'), decimal('2.5'), 'KGM')", Want: `{"uom":"KGM","value":"5.0"}`},
			{Expr: "to_base(qty(2, 'CS'), 0, 'EA')", Err: builtin.ReasonInvalidQuantity},
		},
	}
}

func qtyAddOp() *builtin.Function {
	return &builtin.Function{
		Name: builtin.OpAdd,
		Doc:  "Adds two quantities in the same unit. Quantities in different units fail with INVALID_QUANTITY: convert or to_base first.",
		Overloads: []builtin.Overload{{
			Params: params(tQty, tQty), Result: tQty,
			Impl: func(a []any) (any, error) { return a[0].(builtin.Quantity).Add(a[1].(builtin.Quantity)) },
		}},
		Examples: []builtin.Example{
			{Expr: "qty(2, 'EA') + qty('1.5', 'EA')", Want: `{"uom":"EA","value":"3.5"}`},
			{Expr: "qty(2, 'EA') + qty(1, 'CS')", Err: builtin.ReasonInvalidQuantity},
		},
	}
}

func qtyCmpOp(name, sym, words string) *builtin.Function {
	test := map[string]func(int) bool{
		builtin.OpLess:         func(c int) bool { return c < 0 },
		builtin.OpLessEqual:    func(c int) bool { return c <= 0 },
		builtin.OpGreater:      func(c int) bool { return c > 0 },
		builtin.OpGreaterEqual: func(c int) bool { return c >= 0 },
	}[name]
	return &builtin.Function{
		Name: name,
		Doc: "Reports whether a quantity is " + words + " another quantity in the same unit, by value. Quantities in different " +
			"units fail with INVALID_QUANTITY: convert or to_base first.",
		Overloads: []builtin.Overload{{
			Params: params(tQty, tQty), Result: tBool,
			Impl: func(a []any) (any, error) {
				// As quantityVal.Compare in builtin/celvals.go.
				x, y := a[0].(builtin.Quantity), a[1].(builtin.Quantity)
				if x.UOM != y.UOM {
					return nil, errf(builtin.ReasonInvalidQuantity, "cannot compare %s and %v: units differ", x, y)
				}
				return test(x.Value.Cmp(y.Value)), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "qty(2, 'EA') " + sym + " qty('2.0', 'EA')", Want: formatBool(test(0))},
			{Expr: "qty(1, 'KGM') " + sym + " qty(1, 'LBR')", Err: builtin.ReasonInvalidQuantity},
		},
	}
}
