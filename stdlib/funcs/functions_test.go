package funcs

import (
	"sort"
	"testing"

	"github.com/transload/transload/builtin"
)

// testCase is one call beyond a function's examples, run in both dialects.
type testCase struct {
	name string
	expr string
	// exprSrc is the expr text when the dialects need different syntax.
	exprSrc string
	want    string
	err     string
	// celOnly says why the case cannot run in expr.
	celOnly string
}

func ok(name, expr, want string) testCase      { return testCase{name: name, expr: expr, want: want} }
func fails(name, expr, reason string) testCase { return testCase{name: name, expr: expr, err: reason} }
func usd(amount string) string                 { return `{"amount":"` + amount + `","currency":"USD"}` }
func cur(amount, currency string) string {
	return `{"amount":"` + amount + `","currency":"` + currency + `"}`
}
func quantity(value, uom string) string         { return `{"uom":"` + uom + `","value":"` + value + `"}` }
func str(s string) string                       { return builtin.Format(s) }
func celOnly(tc testCase, why string) testCase  { tc.celOnly = why; return tc }
func withExpr(tc testCase, src string) testCase { tc.exprSrc = src; return tc }

const noUnaryMinus = "expr cannot overload unary minus"

// tests holds cases for every function of the registry, operators
// included, keyed by function name. TestEveryFunctionIsTested fails when a
// registered function has no entry (Terraform lang/functions_test.go).
var tests = map[string][]testCase{
	// transload.money
	"money": {
		ok("plain", "money('0.1', 'USD')", usd("0.10")),
		ok("negative", "money('-3', 'USD')", usd("-3.00")),
		ok("plus sign", "money('+1.5', 'USD')", usd("1.50")),
		ok("trailing zeros", "money('24.9900', 'USD')", usd("24.99")),
		ok("three decimals", "money('1.234', 'KWD')", cur("1.234", "KWD")),
		ok("four decimals", "money('1', 'CLF')", cur("1.0000", "CLF")),
		ok("zero decimals with zeros", "money('100.00', 'JPY')", cur("100", "JPY")),
		ok("int", "money(5, 'USD')", usd("5.00")),
		ok("decimal", "money(decimal('2.5'), 'USD')", usd("2.50")),
		fails("decimal comma", "money('24,99', 'USD')", builtin.ReasonInvalidMoney),
		fails("too many decimals", "money('24.999', 'USD')", builtin.ReasonInvalidMoney),
		fails("fraction of a yen", "money('1.5', 'JPY')", builtin.ReasonInvalidMoney),
		fails("thousands separator", "money('1,000.00', 'USD')", builtin.ReasonInvalidMoney),
		fails("exponent", "money('1e2', 'USD')", builtin.ReasonInvalidMoney),
		fails("leading space", "money(' 1.00', 'USD')", builtin.ReasonInvalidMoney),
		fails("currency symbol", "money('$1.00', 'USD')", builtin.ReasonInvalidMoney),
		fails("empty", "money('', 'USD')", builtin.ReasonInvalidMoney),
		fails("decimal too precise", "money(decimal('0.001'), 'USD')", builtin.ReasonInvalidMoney),
		fails("lower case currency", "money('1.00', 'eur')", builtin.ReasonUnknownCurrency),
		fails("symbol as currency", "money(1, '$')", builtin.ReasonUnknownCurrency),
	},
	"money_minor": {
		ok("zero", "money_minor(0, 'EUR')", cur("0.00", "EUR")),
		ok("three digits", "money_minor(123456789, 'BHD')", cur("123456.789", "BHD")),
		ok("four digits", "money_minor(5, 'CLF')", cur("0.0005", "CLF")),
		ok("negative", "money_minor(-1999, 'USD')", usd("-19.99")),
		fails("lower case", "money_minor(1, 'usd')", builtin.ReasonUnknownCurrency),
	},
	"money_round": {
		ok("half up negative", "money_round(decimal('-2.675'), 'USD', 'half_up')", usd("-2.68")),
		ok("mode case", "money_round(decimal('2.675'), 'USD', 'HALF_UP')", usd("2.68")),
		ok("exact stays", "money_round(decimal('2.5'), 'USD', 'up')", usd("2.50")),
		ok("to yen", "money_round(decimal('99.5'), 'JPY', 'half_even')", cur("100", "JPY")),
		ok("string", "money_round('3.14159', 'USD', 'half_even')", usd("3.14")),
		fails("bad string", "money_round('3,14', 'USD', 'half_even')", builtin.ReasonInvalidMoney),
		fails("unknown currency", "money_round(decimal('1.005'), 'XXX', 'half_up')", builtin.ReasonUnknownCurrency),
		fails("unknown mode", "money_round(decimal('1'), 'USD', '')", builtin.ReasonInvalidArgument),
	},
	"decimal": {
		ok("scale kept", "decimal('-0.50')", "-0.50"),
		ok("plus sign", "decimal('+3')", "3"),
		ok("long", "decimal('12345678901234567890.123456789')", "12345678901234567890.123456789"),
		ok("decimal", "decimal(decimal('2.0'))", "2.0"),
		ok("negative int", "decimal(-7)", "-7"),
		fails("no integer part", "decimal('.5')", builtin.ReasonInvalidArgument),
		fails("no fraction digits", "decimal('5.')", builtin.ReasonInvalidArgument),
		fails("exponent", "decimal('1e3')", builtin.ReasonInvalidArgument),
		fails("empty", "decimal('')", builtin.ReasonInvalidArgument),
		fails("NaN", "decimal('NaN')", builtin.ReasonInvalidArgument),
	},
	"round": {
		ok("half even up", "round(decimal('2.355'), 2)", "2.36"),
		ok("half even negative", "round(decimal('-2.5'), 0)", "-2"),
		ok("half up negative", "round(decimal('-2.5'), 0, 'half_up')", "-3"),
		ok("half down", "round(decimal('2.5'), 0, 'half_down')", "2"),
		ok("ceiling carries", "round(decimal('9.999'), 2, 'ceiling')", "10.00"),
		ok("up", "round(decimal('1.001'), 2, 'up')", "1.01"),
		ok("floor negative", "round(decimal('-1.001'), 2, 'floor')", "-1.01"),
		ok("down negative", "round(decimal('-1.009'), 2, 'down')", "-1.00"),
		ok("widen", "round(decimal('1.5'), 3)", "1.500"),
		fails("too many places", "round(decimal('1.2'), 35)", builtin.ReasonInvalidArgument),
		fails("unknown mode", "round(decimal('1'), 0, 'x')", builtin.ReasonInvalidArgument),
	},
	"minor_units": {
		ok("cents", "minor_units(money('0.05', 'USD'))", "5"),
		ok("negative yen", "minor_units(money('-1', 'JPY'))", "-1"),
		ok("largest", "minor_units(money('92233720368547758.07', 'USD'))", "9223372036854775807"),
		fails("overflow", "minor_units(money('92233720368547758.08', 'USD'))", builtin.ReasonInvalidMoney),
	},
	"currency_digits": {
		ok("BHD", "currency_digits('BHD')", "3"),
		ok("CLF", "currency_digits('CLF')", "4"),
		fails("empty", "currency_digits('')", builtin.ReasonUnknownCurrency),
		fails("lower case", "currency_digits('usd')", builtin.ReasonUnknownCurrency),
	},
	"allocate": {
		ok("negative amount", "allocate(money('-10.00', 'USD'), [1, 1, 1])", "["+usd("-3.34")+","+usd("-3.33")+","+usd("-3.33")+"]"),
		ok("zero weight gets nothing", "allocate(money('1.00', 'USD'), [0, 1, 1])", "["+usd("0.00")+","+usd("0.50")+","+usd("0.50")+"]"),
		ok("one cent", "allocate(money('0.01', 'USD'), [1, 1, 1])", "["+usd("0.01")+","+usd("0.00")+","+usd("0.00")+"]"),
		ok("largest remainder", "allocate(money('0.05', 'USD'), [1, 2])", "["+usd("0.02")+","+usd("0.03")+"]"),
		ok("KWD", "allocate(money('1.000', 'KWD'), [1, 1, 1])", "["+cur("0.334", "KWD")+","+cur("0.333", "KWD")+","+cur("0.333", "KWD")+"]"),
		ok("decimal weights", "allocate(money('1.00', 'USD'), [decimal('0.3'), decimal('0.7')])", "["+usd("0.30")+","+usd("0.70")+"]"),
		ok("single", "allocate(money('7', 'JPY'), [decimal('0.1')])", "["+cur("7", "JPY")+"]"),
		fails("empty", "allocate(money('1.00', 'USD'), [])", builtin.ReasonInvalidArgument),
		fails("negative weight", "allocate(money('1.00', 'USD'), [1, -1])", builtin.ReasonInvalidArgument),
		fails("negative money weight", "allocate(money('1.00', 'USD'), [money('-1.00', 'USD'), money('2.00', 'USD')])", builtin.ReasonInvalidArgument),
	},
	"split_even": {
		ok("one cent", "split_even(money('0.01', 'USD'), 3)", "["+usd("0.01")+","+usd("0.00")+","+usd("0.00")+"]"),
		ok("one part", "split_even(money('7', 'JPY'), 1)", "["+cur("7", "JPY")+"]"),
		ok("even", "split_even(money('9.000', 'KWD'), 3)", "["+cur("3.000", "KWD")+","+cur("3.000", "KWD")+","+cur("3.000", "KWD")+"]"),
		fails("too many", "split_even(money('1.00', 'USD'), 1001)", builtin.ReasonInvalidArgument),
		fails("negative", "split_even(money('1.00', 'USD'), -2)", builtin.ReasonInvalidArgument),
	},
	"mul": {
		ok("half even", "mul(money('0.30', 'USD'), decimal('0.05'), 'half_even')", usd("0.02")),
		ok("half down", "mul(money('0.30', 'USD'), decimal('0.05'), 'half_down')", usd("0.01")),
		ok("half up", "mul(money('0.30', 'USD'), decimal('0.05'), 'half_up')", usd("0.02")),
		ok("floor yen", "mul(money('100', 'JPY'), decimal('0.085'), 'floor')", cur("8", "JPY")),
		ok("negative factor", "mul(money('10.00', 'USD'), decimal('-0.155'), 'half_even')", usd("-1.55")),
		ok("int", "mul(money('1.99', 'USD'), 3, 'up')", usd("5.97")),
		fails("unknown mode", "mul(money('1.00', 'USD'), 3, 'round')", builtin.ReasonInvalidArgument),
	},
	"sum_money": {
		ok("one", "sum_money([money('1', 'KWD')], 'KWD')", cur("1.000", "KWD")),
		ok("negative", "sum_money([money('1.00', 'USD'), money('-3.50', 'USD')], 'USD')", usd("-2.50")),
		fails("unknown currency", "sum_money([], 'XXX')", builtin.ReasonUnknownCurrency),
		fails("list in another currency", "sum_money([money('1.00', 'EUR')], 'USD')", builtin.ReasonCurrencyMismatch),
	},
	"sum_decimal": {
		ok("scales", "sum_decimal([decimal('1.10'), decimal('2.205')])", "3.305"),
		ok("negative", "sum_decimal([decimal('1'), decimal('-1.5')])", "-0.5"),
		ok("mixed", "sum_decimal([decimal('1.5'), 2])", "3.5"),
	},
	"abs": {
		ok("zero", "abs(decimal('0'))", "0"),
		ok("positive", "abs(decimal('2.50'))", "2.50"),
		ok("money zero", "abs(money('0.00', 'EUR'))", cur("0.00", "EUR")),
		ok("int", "abs(7)", "7"),
	},
	"neg": {
		ok("zero", "neg(decimal('0'))", "0"),
		ok("negative", "neg(decimal('-2'))", "2"),
		ok("money", "neg(money('-1', 'JPY'))", cur("1", "JPY")),
	},
	"is_zero": {
		ok("yen", "is_zero(money('0', 'JPY'))", "true"),
		ok("negative zero", "is_zero(decimal('-0.00'))", "true"),
		ok("not zero", "is_zero(decimal('0.0001'))", "false"),
	},
	"convert_currency": {
		ok("negative amount", "convert_currency(money('-10.00', 'USD'), decimal('1.5'), 'EUR', 'half_up')", cur("-15.00", "EUR")),
		ok("to three digits", "convert_currency(money('1.00', 'USD'), decimal('0.30712'), 'KWD', 'half_even')", cur("0.307", "KWD")),
		ok("from yen", "convert_currency(money('1000', 'JPY'), decimal('0.0066'), 'USD', 'half_even')", usd("6.60")),
		fails("negative rate", "convert_currency(money('1.00', 'USD'), decimal('-1'), 'EUR', 'half_up')", builtin.ReasonInvalidArgument),
		fails("unknown mode", "convert_currency(money('1.00', 'USD'), decimal('1'), 'EUR', 'nearest')", builtin.ReasonInvalidArgument),
	},
	"format_decimal": {
		ok("negative", "format_decimal(decimal('-0.5'))", str("-0.5")),
		ok("int", "format_decimal(decimal(100))", str("100")),
	},
	"format_money": {
		ok("negative yen", "format_money(money_minor(-5, 'JPY'))", str("-5 JPY")),
		ok("cents", "format_money(money('0.5', 'EUR'))", str("0.50 EUR")),
	},
	builtin.OpAdd: {
		ok("scales", "decimal('1.10') + decimal('2.205')", "3.305"),
		ok("decimal and int", "decimal('-1') + 1", "0"),
		ok("KWD", "money('0.10', 'KWD') + money('0.005', 'KWD')", cur("0.105", "KWD")),
		ok("quantities with synonyms", "qty(2, 'CS') + qty(3, 'CA')", quantity("5", "CS")),
		ok("quantity scales", "qty('1.50', 'KGM') + qty(1, 'KGM')", quantity("2.50", "KGM")),
		fails("quantities in different units", "qty(1, 'KGM') + qty(1, 'GRM')", builtin.ReasonInvalidQuantity),
		fails("money currencies", "money('1', 'JPY') + money('1', 'KRW')", builtin.ReasonCurrencyMismatch),
	},
	builtin.OpSubtract: {
		ok("exact", "decimal('0.3') - decimal('0.1')", "0.2"),
		ok("int", "decimal('0.5') - 1", "-0.5"),
		ok("money to zero", "money('1.00', 'USD') - money('1', 'USD')", usd("0.00")),
		fails("currencies", "money('1.00', 'USD') - money('1.00', 'EUR')", builtin.ReasonCurrencyMismatch),
	},
	builtin.OpMultiply: {
		ok("decimals", "decimal('0.1') * decimal('0.1')", "0.01"),
		ok("money by negative int", "money('0.10', 'USD') * -3", usd("-0.30")),
		ok("money by exact decimal", "money('3', 'JPY') * decimal('2.0')", cur("6", "JPY")),
		ok("decimal by zero", "decimal('1.5') * 0", "0.0"),
		fails("fraction of a yen", "money('3', 'JPY') * decimal('0.5')", builtin.ReasonInvalidMoney),
	},
	builtin.OpDivide: {
		ok("exact", "decimal('1') / decimal('8')", "0.125"),
		ok("by int", "decimal('7') / 2", "3.5"),
		ok("34 digits", "decimal('2') / decimal('3')", "0.6666666666666666666666666666666667"),
		ok("trailing zeros dropped", "decimal('10.00') / decimal('2')", "5"),
		fails("zero by zero", "decimal('0') / decimal('0')", builtin.ReasonInvalidArgument),
	},
	builtin.OpNegate: {
		celOnly(ok("decimal", "-decimal('0.5')", "-0.5"), noUnaryMinus),
		celOnly(ok("money", "-money('-1.00', 'USD')", usd("1.00")), noUnaryMinus),
		celOnly(ok("double negation", "-(-decimal('2'))", "2"), noUnaryMinus),
	},
	builtin.OpLess: {
		ok("decimal and int", "decimal('-1') < 0", "true"),
		ok("equal money", "money('1.00', 'USD') < money('1', 'USD')", "false"),
		ok("quantities", "qty(1, 'EA') < qty(2, 'EA')", "true"),
		fails("quantities in different units", "qty(1, 'EA') < qty(2, 'CS')", builtin.ReasonInvalidQuantity),
	},
	builtin.OpLessEqual: {
		ok("scales", "decimal('1.0') <= decimal('1')", "true"),
		ok("money", "money('1.01', 'USD') <= money('1.00', 'USD')", "false"),
		ok("quantities", "qty('2.0', 'EA') <= qty(2, 'EA')", "true"),
	},
	builtin.OpGreater: {
		ok("decimal and int", "decimal('0.001') > 0", "true"),
		ok("negative money", "money('-1.00', 'USD') > money('-2.00', 'USD')", "true"),
		ok("quantities", "qty(3, 'KGM') > qty('2.999', 'KGM')", "true"),
		fails("currencies", "money('1.00', 'USD') > money('1.00', 'CAD')", builtin.ReasonCurrencyMismatch),
	},
	builtin.OpGreaterEqual: {
		ok("int", "decimal('2') >= 3", "false"),
		ok("money", "money('5', 'JPY') >= money('5', 'JPY')", "true"),
		ok("quantities", "qty(0, 'EA') >= qty(0, 'EA')", "true"),
	},

	// transload.units
	"qty": {
		ok("zero", "qty('0', 'EA')", quantity("0", "EA")),
		ok("synonym", "qty(5, 'Each')", quantity("5", "EA")),
		ok("scale kept", "qty('1.000', 'KG')", quantity("1.000", "KGM")),
		fails("decimal comma", "qty('1,5', 'EA')", builtin.ReasonInvalidQuantity),
		fails("exponent", "qty('1e3', 'EA')", builtin.ReasonInvalidQuantity),
		fails("negative decimal", "qty(decimal('-0.1'), 'EA')", builtin.ReasonInvalidQuantity),
		fails("negative string", "qty('-2', 'EA')", builtin.ReasonInvalidQuantity),
		fails("empty unit", "qty(1, '')", builtin.ReasonUnknownUnit),
	},
	"uom": {
		ok("EACH", "uom('EACH')", str("EA")),
		ok("Each", "uom('Each')", str("EA")),
		ok("EACHES", "uom('EACHES')", str("EA")),
		ok("PC", "uom('PC')", str("EA")),
		ok("PCS", "uom('PCS')", str("EA")),
		ok("PCE", "uom('PCE')", str("EA")),
		ok("UN", "uom('UN')", str("EA")),
		ok("H87 stays", "uom('H87')", str("H87")),
		ok("Cases", "uom('Cases')", str("CS")),
		ok("YD", "uom('YD')", str("YRD")),
		ok("LB", "uom('LB')", str("LBR")),
		ok("KG", "uom('KG')", str("KGM")),
		ok("FT", "uom('FT')", str("FOT")),
		ok("IN", "uom('IN')", str("INH")),
		ok("GA", "uom('GA')", str("GLL")),
		ok("GAL", "uom('GAL')", str("GLL")),
		ok("BX", "uom('BX')", str("BX")),
		ok("KI", "uom('KI')", str("KT")),
		ok("KIT", "uom('KIT')", str("KT")),
		ok("DZ", "uom('DZ')", str("DZN")),
		ok("PK", "uom('PK')", str("PK")),
		ok("pallet", "uom('PLT')", str("PF")),
		ok("lower case code", "uom('c62')", str("C62")),
		fails("empty", "uom('')", builtin.ReasonUnknownUnit),
		fails("ton is ambiguous", "uom('TON')", builtin.ReasonUnknownUnit),
	},
	"is_uom": {
		ok("code", "is_uom('KGM')", "true"),
		ok("lower case", "is_uom('c62')", "true"),
		ok("empty", "is_uom('')", "false"),
	},
	"uom_name": {
		ok("pallet", "uom_name('PF')", str("pallet (lift)")),
		ok("gallon", "uom_name('GAL')", str("gallon (US)")),
		ok("synonym", "uom_name('Cases')", str("case")),
	},
	"convert": {
		ok("same unit keeps scale", "convert(qty('2.50', 'KGM'), 'KG')", quantity("2.50", "KGM")),
		ok("no finite form", "convert(qty(1, 'MTR'), 'FOT')", quantity("3.28083989501312335958005249343832", "FOT")),
		ok("gallons", "convert(qty(1, 'GLL'), 'LTR')", quantity("3.785411784", "LTR")),
		ok("days", "convert(qty(1, 'DAY'), 'HUR')", quantity("24", "HUR")),
		ok("gross", "convert(qty(1, 'GRO'), 'DZN')", quantity("12", "DZN")),
		ok("pairs", "convert(qty(3, 'EA'), 'PR')", quantity("1.5", "PR")),
		ok("square feet", "convert(qty(1, 'FTK'), 'MTK')", quantity("0.09290304", "MTK")),
		ok("ounces", "convert(qty(16, 'ONZ'), 'LBR')", quantity("1", "LBR")),
		ok("tonnes", "convert(qty('0.5', 'TNE'), 'KGM')", quantity("500", "KGM")),
		ok("millilitres", "convert(qty(250, 'MLT'), 'LTR')", quantity("0.25", "LTR")),
		fails("to a case", "convert(qty(1, 'EA'), 'CS')", builtin.ReasonInvalidQuantity),
		fails("between packagings", "convert(qty(1, 'CS'), 'BX')", builtin.ReasonInvalidQuantity),
		fails("unknown target", "convert(qty(1, 'EA'), 'XYZ')", builtin.ReasonUnknownUnit),
		fails("length to area", "convert(qty(1, 'MTR'), 'MTK')", builtin.ReasonInvalidQuantity),
	},
	"to_base": {
		ok("string pack size", "to_base(qty(2, 'CS'), '12', 'EA')", quantity("24", "EA")),
		ok("base synonym", "to_base(qty(2, 'CS'), 6, 'Each')", quantity("12", "EA")),
		ok("already base ignores units_per", "to_base(qty(3, 'EA'), 'junk', 'PCS')", quantity("3", "EA")),
		ok("decimal quantity", "to_base(qty('1.5', 'CS'), 12, 'EA')", quantity("18.0", "EA")),
		ok("lookup", "to_base(qty(1, 'CS'), decimal(lookup(items, 'CASE-12').units_per), 'EA')", quantity("12", "EA")),
		fails("bad string", "to_base(qty(2, 'CS'), 'twelve', 'EA')", builtin.ReasonInvalidQuantity),
		fails("negative", "to_base(qty(2, 'CS'), -1, 'EA')", builtin.ReasonInvalidQuantity),
		fails("unknown base", "to_base(qty(2, 'CS'), 12, 'XX')", builtin.ReasonUnknownUnit),
	},

	// transload.text
	"trim": {
		ok("empty", "trim('')", str("")),
		ok("no-break spaces", `trim('\u00a0x\u00a0')`, str("x")),
		ok("byte order mark", `trim('\ufeffSKU-1')`, str("SKU-1")),
		ok("inner space kept", "trim(' a  b ')", str("a  b")),
		ok("line breaks", `trim('\r\nx\n')`, str("x")),
	},
	"normalize_space": {
		ok("controls", `normalize_space('\n\ta\r\n b ')`, str("a b")),
		ok("empty", "normalize_space('')", str("")),
		ok("em space", `normalize_space('a\u2003b')`, str("a b")),
		ok("narrow no-break space", `normalize_space('10\u202fkg')`, str("10 kg")),
		ok("only blanks", `normalize_space(' \u00a0 ')`, str("")),
	},
	"upper": {
		ok("sharp s stays", "upper('ß')", str("ß")),
		ok("mixed", "upper('aBc-1')", str("ABC-1")),
	},
	"lower": {
		ok("accents", "lower('ÀB')", str("àb")),
		ok("empty", "lower('')", str("")),
	},
	"fold": {
		ok("accents", "fold('ÉCOLE')", str("ecole")),
		ok("dotted capital i", "fold('İstanbul')", str("istanbul")),
		ok("sharp s", "fold('Straße') == fold('STRASSE')", "true"),
		ok("decomposed input", `fold('Mu\u0308ller')`, str("muller")),
	},
	"nfc": {
		ok("ascii unchanged", "nfc('abc')", str("abc")),
		ok("angstrom sign", `nfc('\u212b')`, str("\u00c5")),
	},
	"nfkc": {
		ok("superscript", "nfkc('x²')", str("x2")),
		ok("circled digit", "nfkc('①')", str("1")),
		ok("no-break space", `nfkc('a\u00a0b')`, str("a b")),
	},
	"ascii": {
		ok("polish", "ascii('Łódź')", str("Lodz")),
		ok("portuguese", "ascii('São Paulo')", str("Sao Paulo")),
		ok("quotes", "ascii('“quoted” ‘x’')", str(`"quoted" 'x'`)),
		ok("other script dropped", "ascii('東京')", str("")),
		ok("fraction", "ascii('½')", str("1/2")),
		ok("danish", "ascii('Ørsted')", str("Orsted")),
		ok("no-break space", `ascii('x\u00a0y')`, str("x y")),
		ok("ascii unchanged", "ascii('A-1 b/2')", str("A-1 b/2")),
	},
	"truncate": {
		ok("empty", "truncate('', 0)", str("")),
		ok("to nothing", "truncate('abc', 0)", str("")),
		ok("runes", "truncate('日本語', 2)", str("日本")),
		ok("exact length", "truncate('abc', 3)", str("abc")),
	},
	"pad_left": {
		ok("zeros", "pad_left('7', 3, '0')", str("007")),
		ok("runes", "pad_left('ü', 3, '·')", str("··ü")),
		ok("zero width", "pad_left('', 0, ' ')", str("")),
		fails("too wide", "pad_left('1', 1025, '0')", builtin.ReasonInvalidArgument),
		fails("two characters", "pad_left('1', 3, '00')", builtin.ReasonInvalidArgument),
		fails("negative width", "pad_left('1', -3, '0')", builtin.ReasonInvalidArgument),
	},
	"pad_right": {
		ok("spaces", "pad_right('ab', 4, ' ')", str("ab  ")),
		ok("runes", "pad_right('日', 2, '*')", str("日*")),
		fails("too wide", "pad_right('1', 2000, ' ')", builtin.ReasonInvalidArgument),
	},
	"replace": {
		ok("all", "replace('aaa', 'a', 'b')", str("bbb")),
		ok("absent", "replace('x', 'y', 'z')", str("x")),
		ok("remove", "replace('a.b.c', '.', '')", str("abc")),
		ok("longer", "replace('a-b', '-', ' - ')", str("a - b")),
	},
	"split": {
		ok("one", "split('a', ',')", `["a"]`),
		ok("long separator", "split('a, b', ', ')", `["a","b"]`),
		ok("only separator", "split(',', ',')", `["",""]`),
		withExpr(ok("trim parts", "split(' a , b ', ',').map(p, trim(p))", `["a","b"]`), "map(split(' a , b ', ','), trim(#))"),
	},
	"join": {
		ok("one", "join(['a'], ',')", str("a")),
		ok("round trip", "join(split('a,b,c', ','), '|')", str("a|b|c")),
		ok("empty separator", "join(['a', 'b'], '')", str("ab")),
	},
	"digits": {
		ok("none", "digits('abc')", str("")),
		ok("ascii only", "digits('٣4')", str("4")),
		ok("gtin", "digits('0 12345-67890 5')", str("012345678905")),
	},
	"default_if_empty": {
		ok("empty", "default_if_empty('', 'x')", str("x")),
		ok("blank", `default_if_empty('\u00a0\t', 'x')`, str("x")),
		ok("not trimmed", "default_if_empty(' a ', 'x')", str(" a ")),
	},
	"substr": {
		ok("empty range", "substr('abc', 0, 0)", str("")),
		ok("empty at end", "substr('abc', 3, 0)", str("")),
		ok("whole", "substr('abc', 0, 3)", str("abc")),
		ok("runes", "substr('日本語', 1, 1)", str("本")),
		fails("negative start", "substr('abc', -1, 1)", builtin.ReasonInvalidArgument),
		fails("negative length", "substr('abc', 1, -1)", builtin.ReasonInvalidArgument),
		fails("start past end", "substr('abc', 4, 0)", builtin.ReasonInvalidArgument),
	},
	"url_escape": {
		ok("empty", "url_escape('')", str("")),
		ok("unreserved unchanged", "url_escape('AZaz09-_.~')", str("AZaz09-_.~")),
		ok("space is plus", "url_escape('a b')", str("a+b")),
		ok("plus and percent", "url_escape('1+1=2 100%')", str("1%2B1%3D2+100%25")),
		ok("query and fragment", "url_escape('a?b#c&d')", str("a%3Fb%23c%26d")),
		ok("path characters", "url_escape('/:@$,;')", str("%2F%3A%40%24%2C%3B")),
		ok("quotes", `url_escape("it's \"x\"")`, str("it%27s+%22x%22")),
		ok("emoji", "url_escape('📦')", str("%F0%9F%93%A6")),
		ok("odata literal", "'$filter=Ref%20eq%20%27' + url_escape(replace(\"O'Brien & Co\", \"'\", \"''\")) + '%27'", str("$filter=Ref%20eq%20%27O%27%27Brien+%26+Co%27")),
	},
	"url_path_escape": {
		ok("empty", "url_path_escape('')", str("")),
		ok("unreserved unchanged", "url_path_escape('AZaz09-_.~')", str("AZaz09-_.~")),
		ok("space is %20", "url_path_escape('a b')", str("a%20b")),
		ok("slash and query", "url_path_escape('a/b?c#d')", str("a%2Fb%3Fc%23d")),
		ok("percent", "url_path_escape('100%')", str("100%25")),
		ok("segment characters stay", "url_path_escape('a+b=c&d:e@f$')", str("a+b=c&d:e@f$")),
		ok("semicolon and comma", "url_path_escape('a;b,c')", str("a%3Bb%2Cc")),
		ok("non-ascii", "url_path_escape('Grüße')", str("Gr%C3%BC%C3%9Fe")),
	},

	// transload.time
	"parse_time": {
		ok("utc", "parse_time('2020-06-15T10:30:00Z')", str("2020-06-15T10:30:00Z")),
		ok("plus fourteen", "parse_time('2020-06-15T10:30:00+14:00')", str("2020-06-14T20:30:00Z")),
		ok("nanoseconds", "parse_time('2020-06-15T10:30:00.123456789Z')", str("2020-06-15T10:30:00.123456789Z")),
		fails("date only", "parse_time('2020-06-15')", builtin.ReasonInvalidDate),
		fails("empty", "parse_time('')", builtin.ReasonInvalidDate),
		fails("no such day", "parse_time('2020-02-30T00:00:00Z')", builtin.ReasonInvalidDate),
		fails("no offset", "parse_time('2020-06-15T10:30:00')", builtin.ReasonInvalidDate),
	},
	"parse_rfc2822": {
		ok("GMT", "parse_rfc2822('Mon, 15 Jun 2020 10:30:00 GMT')", str("2020-06-15T10:30:00Z")),
		ok("offset", "parse_rfc2822('Mon, 15 Jun 2020 10:30:00 +0200')", str("2020-06-15T08:30:00Z")),
		ok("PDT", "parse_rfc2822('Mon, 15 Jun 2020 10:30:00 PDT')", str("2020-06-15T17:30:00Z")),
		ok("comment", "parse_rfc2822('Mon, 15 Jun 2020 10:30:00 +0000 (UTC)')", str("2020-06-15T10:30:00Z")),
		ok("extra spaces", "parse_rfc2822('Mon,  15 Jun 2020  10:30:00 +0000')", str("2020-06-15T10:30:00Z")),
		fails("no zone", "parse_rfc2822('Mon, 15 Jun 2020 10:30:00')", builtin.ReasonInvalidDate),
		fails("no such day", "parse_rfc2822('Mon, 32 Jun 2020 10:30:00 +0000')", builtin.ReasonInvalidDate),
		fails("unknown zone name", "parse_rfc2822('Mon, 15 Jun 2020 10:30:00 CEST')", builtin.ReasonInvalidDate),
	},
	"from_epoch_millis": {
		ok("epoch", "from_epoch_millis(0)", str("1970-01-01T00:00:00Z")),
		fails("year 10000", "from_epoch_millis(253402300800000)", builtin.ReasonInvalidDate),
	},
	"from_epoch_seconds": {
		ok("first day", "from_epoch_seconds(-62135596800)", str("0001-01-01T00:00:00Z")),
		ok("last second", "from_epoch_seconds(253402300799)", str("9999-12-31T23:59:59Z")),
		fails("before year 1", "from_epoch_seconds(-62135596801)", builtin.ReasonInvalidDate),
	},
	"parse_date": {
		ok("tokyo", "parse_date('2020-06-15', 'Asia/Tokyo')", str("2020-06-14T15:00:00Z")),
		ok("leap day", "parse_date('2024-02-29')", str("2024-02-29T00:00:00Z")),
		ok("utc zone", "parse_date('2020-06-15', 'UTC')", str("2020-06-15T00:00:00Z")),
		ok("winter offset", "parse_date('2020-01-15', 'America/Chicago')", str("2020-01-15T06:00:00Z")),
		ok("midnight skipped", "parse_date('2019-09-08', 'America/Santiago')", str("2019-09-08T04:00:00Z")),
		fails("month 13", "parse_date('2020-13-01')", builtin.ReasonInvalidDate),
		fails("slashes", "parse_date('2020/06/15')", builtin.ReasonInvalidDate),
		fails("seven digits", "parse_date('2020615')", builtin.ReasonInvalidDate),
		fails("year zero", "parse_date('0000-01-01')", builtin.ReasonInvalidDate),
		fails("with time", "parse_date('2020-06-15T00:00:00Z')", builtin.ReasonInvalidDate),
		fails("empty zone", "parse_date('2020-06-15', '')", builtin.ReasonInvalidArgument),
		fails("Local", "parse_date('2020-06-15', 'Local')", builtin.ReasonInvalidArgument),
		fails("path", "parse_date('2020-06-15', '../../etc/passwd')", builtin.ReasonInvalidArgument),
	},
	"parse_x12_datetime": {
		ok("no time", "parse_x12_datetime('20200615', '', 'UTC')", str("2020-06-15T00:00:00Z")),
		ok("tenths", "parse_x12_datetime('20200615', '1030152', 'UTC')", str("2020-06-15T10:30:15.2Z")),
		ok("legacy zone", "parse_x12_datetime('20200615', '1030', 'EST5EDT')", str("2020-06-15T14:30:00Z")),
		ok("two-digit year", "parse_x12_datetime('991231', '2359', 'UTC')", str("2099-12-31T23:59:00Z")),
		ok("daylight saving gap", "parse_x12_datetime('20200308', '0230', 'America/New_York')", str("2020-03-08T07:30:00Z")),
		ok("daylight saving overlap", "parse_x12_datetime('20201101', '0130', 'America/New_York')", str("2020-11-01T05:30:00Z")),
		ok("after the gap", "parse_x12_datetime('20200308', '0300', 'America/New_York')", str("2020-03-08T07:00:00Z")),
		ok("after the overlap", "parse_x12_datetime('20201101', '0200', 'America/New_York')", str("2020-11-01T07:00:00Z")),
		fails("seven-digit date", "parse_x12_datetime('2020061', '1030', 'UTC')", builtin.ReasonInvalidDate),
		fails("five-digit time", "parse_x12_datetime('20200615', '10301', 'UTC')", builtin.ReasonInvalidDate),
		fails("dashes", "parse_x12_datetime('2020-06-15', '1030', 'UTC')", builtin.ReasonInvalidDate),
		fails("bad zone", "parse_x12_datetime('20200615', '1030', 'Bad/Zone')", builtin.ReasonInvalidArgument),
	},
	"format_date": {
		ok("tokyo", "format_date(parse_date('2020-06-15'), 'Asia/Tokyo')", str("2020-06-15")),
		ok("kiribati", "format_date(parse_time('2020-06-15T11:00:00Z'), 'Pacific/Kiritimati')", str("2020-06-16")),
		ok("round trip", "format_date(parse_date('2020-06-15', 'America/Chicago'), 'America/Chicago')", str("2020-06-15")),
	},
	"format_time": {
		ok("half hour offset", "format_time(parse_time('2020-06-15T15:30:00Z'), 'Asia/Kolkata')", str("2020-06-15T21:00:00+05:30")),
		ok("utc", "format_time(parse_time('2020-06-15T15:30:00+02:00'), 'UTC')", str("2020-06-15T13:30:00Z")),
		fails("bad zone", "format_time(parse_time('2020-06-15T15:30:00Z'), 'EST-5')", builtin.ReasonInvalidArgument),
	},
	"format_x12_date": {
		ok("utc", "format_x12_date(parse_time('2020-06-15T03:00:00Z'), 'UTC')", str("20200615")),
		fails("bad zone", "format_x12_date(parse_time('2020-06-15T03:00:00Z'), 'Nowhere')", builtin.ReasonInvalidArgument),
	},
	"format_x12_time": {
		ok("midnight", "format_x12_time(parse_date('2020-06-15'), 'UTC')", str("0000")),
		ok("summer", "format_x12_time(parse_time('2020-06-15T15:30:00Z'), 'Europe/Berlin')", str("1730")),
	},
	"epoch_millis": {
		ok("before 1970", "epoch_millis(from_epoch_millis(-1))", "-1"),
		ok("truncates", "epoch_millis(parse_time('1970-01-01T00:00:00.0009Z'))", "0"),
		ok("zone does not matter", "epoch_millis(in_zone(parse_time('1970-01-01T00:00:01Z'), 'Asia/Tokyo'))", "1000"),
	},
	"in_zone": {
		ok("utc", "in_zone(parse_time('2020-06-15T15:30:00+02:00'), 'UTC')", str("2020-06-15T13:30:00Z")),
		ok("date is still by argument", "format_date(in_zone(parse_time('2020-06-15T23:30:00Z'), 'Asia/Tokyo'), 'UTC')", str("2020-06-15")),
	},

	// transload.crypto
	"hmac_sha256_base64": {
		ok("empty", "hmac_sha256_base64('', '')", str("thNnmggU2ex3L5XXeMNfxf8Wl8STcVZTxscSFEKSxa0=")),
	},
	"hmac_sha256_hex": {
		ok("empty", "hmac_sha256_hex('', '')", str("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")),
		ok("utf-8", "hmac_sha256_hex('secret', 'ORD-1001')", str("c151e80765124c5cf5b67f487887a4d303102d4e49bb2f75d5f5f5e2eb2a8cb9")),
	},
	"sha256_hex": {
		ok("empty", "sha256_hex('')", str("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
	},
	"base64_encode": {
		ok("empty", "base64_encode('')", str("")),
		ok("utf-8 padded", "base64_encode('ü')", str("w7w=")),
	},
	"base64_decode": {
		ok("padded", "base64_decode('w7w=')", str("ü")),
		ok("empty", "base64_decode('')", str("")),
		ok("url alphabet", "base64_decode('w7w_')", str("ü?")),
		ok("line breaks", `base64_decode('dXNl\ncjpwYXNz')`, str("user:pass")),
		fails("not utf-8", "base64_decode('_-8')", builtin.ReasonInvalidArgument),
		fails("one character", "base64_decode('a')", builtin.ReasonInvalidArgument),
	},

	// transload.lookup
	"lookup": {
		ok("column", "lookup(items, 'A-100').base_uom", str("EA")),
		ok("hit with reason", "lookup(items, 'A-100', 'UNKNOWN_SKU').sku", str("A-100")),
		ok("concatenated", "lookup(items, 'CASE-12').units_per + ' per case'", str("12 per case")),
		ok("other table", "lookup(warehouses, 'EAST').erp_location", str("NJ01")),
		fails("empty key", "lookup(items, '')", builtin.ReasonLookupMiss),
		fails("key is case-sensitive", "lookup(items, 'a-100')", builtin.ReasonLookupMiss),
		fails("bad reason", "lookup(items, 'x', 'unknown sku')", builtin.ReasonInvalidArgument),
		fails("custom reason", "lookup(warehouses, 'NORTH', 'UNKNOWN_WAREHOUSE')", "UNKNOWN_WAREHOUSE"),
	},
	"lookup_value": {
		ok("hit", "lookup_value(items, 'A-100', 'units_per', '0')", str("1")),
		ok("empty cell", "lookup_value(warehouses, 'WEST', 'erp_location', 'NV01')", str("NV01")),
		ok("miss", "lookup_value(warehouses, 'NORTH', 'erp_location', 'DEFAULT')", str("DEFAULT")),
		fails("no such column on a miss", "lookup_value(warehouses, 'NORTH', 'city', '')", builtin.ReasonInvalidArgument),
	},
	"merge": {
		ok("the second wins", "merge({'a': 1, 'b': 2}, {'b': 3})", `{"a":1,"b":3}`),
		ok("both empty", "merge({}, {})", `{}`),
		ok("lists as values", "merge({'a': [1]}, {'b': [2, 3]})", `{"a":[1],"b":[2,3]}`),
	},
	"require": {
		ok("holds", "require(money('1.00', 'USD'), true, 'INVALID_MONEY', 'm')", `{"amount":"1.00","currency":"USD"}`),
		fails("fails with the reason", "require(1, 1 == 2, 'UNKNOWN_SKU', 'no such SKU')", "UNKNOWN_SKU"),
		fails("not a code", "require(1, false, 'Bad', 'm')", builtin.ReasonInvalidArgument),
	},
	"in_table": {
		ok("empty key", "in_table(items, '')", "false"),
		ok("other table", "in_table(warehouses, 'WEST')", "true"),
	},
}

// TestEveryFunctionIsTested fails when a registered function has no cases,
// or when cases name a function that does not exist.
func TestEveryFunctionIsTested(t *testing.T) {
	registered := map[string]bool{}
	for _, f := range Registry().Functions() {
		registered[f.Name] = true
		if len(tests[f.Name]) == 0 {
			t.Errorf("function %s has no entry in tests", f.Name)
		}
	}
	for name := range tests {
		if !registered[name] {
			t.Errorf("tests has cases for %s, which is not a registered function", name)
		}
	}
}

func TestFunctions(t *testing.T) {
	h := newHarness(t)
	names := make([]string, 0, len(tests))
	for name := range tests {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, tc := range tests[name] {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				h.expect(t, builtin.CEL, tc.expr, tc.want, tc.err)
				if tc.celOnly != "" {
					return
				}
				src := tc.expr
				if tc.exprSrc != "" {
					src = tc.exprSrc
				}
				h.expect(t, builtin.Expr, src, tc.want, tc.err)
			})
		}
	}
}
