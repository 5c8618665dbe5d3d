package funcs

import (
	"testing"

	"github.com/transload/transload/builtin"
)

// The conformance input: an order as a channel sends it, decoded into the
// native representation (decimals for amounts that were JSON numbers,
// strings for amounts that were strings).
var (
	lineType = builtin.ObjectType("conformance.Line",
		&builtin.Field{Name: "sku", Type: builtin.StringType, Required: true},
		&builtin.Field{Name: "title", Type: builtin.StringType},
		&builtin.Field{Name: "qty", Type: builtin.IntType},
		&builtin.Field{Name: "uom", Type: builtin.StringType},
		&builtin.Field{Name: "price", Type: builtin.DecimalType},
	)
	orderType = builtin.ObjectType("conformance.Order",
		&builtin.Field{Name: "id", Type: builtin.StringType, Required: true},
		&builtin.Field{Name: "number", Type: builtin.IntType},
		&builtin.Field{Name: "currency", Type: builtin.StringType},
		&builtin.Field{Name: "customer_name", Type: builtin.StringType},
		&builtin.Field{Name: "email", Type: builtin.StringType},
		&builtin.Field{Name: "phone", Type: builtin.StringType},
		&builtin.Field{Name: "placed_at", Type: builtin.StringType},
		&builtin.Field{Name: "ship_date", Type: builtin.StringType},
		&builtin.Field{Name: "subtotal", Type: builtin.StringType},
		&builtin.Field{Name: "bad_price", Type: builtin.StringType},
		&builtin.Field{Name: "shipping", Type: builtin.DecimalType},
		&builtin.Field{Name: "discount_pct", Type: builtin.DecimalType},
		&builtin.Field{Name: "weight_lb", Type: builtin.DecimalType},
		&builtin.Field{Name: "tags", Type: builtin.StringType},
		&builtin.Field{Name: "note", Type: builtin.StringType},
		&builtin.Field{Name: "handling", Type: builtin.DecimalType},
		&builtin.Field{Name: "lines", Type: builtin.ListOf(lineType)},
	)
)

func conformanceInput() map[string]any {
	d := builtin.MustDecimal
	return map[string]any{
		"id":            "ORD-1001",
		"number":        int64(1001),
		"currency":      "USD",
		"customer_name": "  José  Müller\u00a0",
		"email":         "JOSE@EXAMPLE.COM",
		"phone":         "+1 (555) 010-4477",
		"placed_at":     "2020-06-15T22:30:00-04:00",
		"ship_date":     "20200616",
		"subtotal":      "60.96",
		"bad_price":     "24,99",
		"shipping":      d("5.00"),
		"discount_pct":  d("0.10"),
		"weight_lb":     d("12.5"),
		"tags":          "wholesale, net30 ,vip",
		// "note" and "handling" are absent, as optional fields a channel
		// left out.
		"lines": []any{
			map[string]any{"sku": "A-100", "title": "Widget – Blue", "qty": int64(2), "uom": "Each", "price": d("19.99")},
			map[string]any{"sku": "CASE-12", "title": "Widget Case", "qty": int64(1), "uom": "CA", "price": d("19.99")},
			map[string]any{"sku": "B-200", "title": "Bolt", "qty": int64(3), "uom": "PCS", "price": d("0.33")},
		},
	}
}

// conformance is one expression run in both dialects. exprSrc is the expr
// text where the syntax differs (comprehensions, size/len, has/??).
type conformance struct {
	name, cel, exprSrc string
	want, err          string
}

var conformanceTable = []conformance{
	// Field access and arithmetic on the document.
	{name: "string field", cel: "input.id", want: `"ORD-1001"`},
	{name: "int arithmetic", cel: "input.number + 1", want: "1002"},
	{name: "decimal field", cel: "input.shipping", want: "5.00"},
	{name: "decimal plus decimal", cel: "input.shipping + input.lines[0].price", want: "24.99"},
	{name: "decimal times int field", cel: "input.lines[0].price * input.lines[0].qty", want: "39.98"},
	{name: "decimal divided by int", cel: "input.shipping / 3", want: "1.666666666666666666666666666666667"},
	{name: "decimal from int field", cel: "decimal(input.number) / 4", want: "250.25"},
	{name: "rounded conversion", cel: "round(input.weight_lb * decimal('0.45359237'), 2)", want: "5.67"},
	{name: "decimal equality by value", cel: "input.shipping == decimal('5')", want: "true"},
	{name: "decimal compared with int", cel: "input.shipping > 4", want: "true"},
	{name: "decimal compared with decimal", cel: "input.lines[0].price < input.shipping", want: "false"},
	{name: "is_zero of a difference", cel: "is_zero(input.shipping - decimal('5'))", want: "true"},
	{name: "negation function", cel: "neg(input.shipping)", want: "-5.00"},
	{name: "abs of negation", cel: "abs(neg(input.shipping))", want: "5.00"},
	{name: "ternary", cel: "input.shipping > 0 ? 'paid' : 'free'", want: `"paid"`},

	// Money.
	{name: "money from string field", cel: "money(input.subtotal, input.currency)", want: usd("60.96")},
	{name: "money from decimal field", cel: "money(input.lines[0].price, input.currency)", want: usd("19.99")},
	{name: "money times int field", cel: "money(input.lines[0].price, input.currency) * input.lines[0].qty", want: usd("39.98")},
	{name: "money plus money", cel: "money(input.subtotal, input.currency) + money(input.shipping, input.currency)", want: usd("65.96")},
	{name: "discount with rounding", cel: "mul(money(input.subtotal, input.currency), input.discount_pct, 'half_up')", want: usd("6.10")},
	{name: "money comparison", cel: "money(input.subtotal, input.currency) >= money('50.00', 'USD')", want: "true"},
	{name: "money equality by value", cel: "money(input.subtotal, input.currency) == money('60.960', 'USD')", want: "true"},
	{name: "money amount field", cel: "money(input.subtotal, input.currency).amount", want: "60.96"},
	{name: "money currency field", cel: "money(input.subtotal, input.currency).currency", want: `"USD"`},
	{name: "format money", cel: "format_money(money(input.subtotal, input.currency))", want: `"60.96 USD"`},
	{name: "split evenly", cel: "split_even(money(input.subtotal, input.currency), 3)", want: "[" + usd("20.32") + "," + usd("20.32") + "," + usd("20.32") + "]"},
	{
		name:    "line totals",
		cel:     "sum_money(input.lines.map(l, money(l.price, input.currency) * l.qty), input.currency)",
		exprSrc: "sum_money(map(input.lines, money(.price, input.currency) * .qty), input.currency)",
		want:    usd("60.96"),
	},
	{
		name:    "line totals equal the subtotal",
		cel:     "sum_money(input.lines.map(l, money(l.price, input.currency) * l.qty), input.currency) == money(input.subtotal, input.currency)",
		exprSrc: "sum_money(map(input.lines, money(.price, input.currency) * .qty), input.currency) == money(input.subtotal, input.currency)",
		want:    "true",
	},
	{
		name:    "shipping allocated by line total",
		cel:     "allocate(money(input.shipping, input.currency), input.lines.map(l, money(l.price, input.currency) * l.qty))",
		exprSrc: "allocate(money(input.shipping, input.currency), map(input.lines, money(.price, input.currency) * .qty))",
		want:    "[" + usd("3.28") + "," + usd("1.64") + "," + usd("0.08") + "]",
	},
	{
		name:    "formatted line totals",
		cel:     "input.lines.map(l, format_decimal(l.price * l.qty))",
		exprSrc: "map(input.lines, format_decimal(.price * .qty))",
		want:    `["39.98","19.99","0.99"]`,
	},
	{
		name:    "any line above a limit",
		cel:     "input.lines.exists(l, money(l.price, input.currency) > money('100.00', 'USD'))",
		exprSrc: "any(input.lines, money(.price, input.currency) > money('100.00', 'USD'))",
		want:    "false",
	},

	// Comprehensions.
	{name: "map skus", cel: "input.lines.map(l, l.sku)", exprSrc: "map(input.lines, .sku)", want: `["A-100","CASE-12","B-200"]`},
	{name: "all quantities positive", cel: "input.lines.all(l, l.qty > 0)", exprSrc: "all(input.lines, .qty > 0)", want: "true"},
	{name: "exists sku", cel: "input.lines.exists(l, l.sku == 'B-200')", exprSrc: "any(input.lines, .sku == 'B-200')", want: "true"},
	{name: "filter then map", cel: "input.lines.filter(l, l.qty > 1).map(l, l.sku)", exprSrc: "map(filter(input.lines, .qty > 1), .sku)", want: `["A-100","B-200"]`},
	{name: "size of a list", cel: "size(input.lines)", exprSrc: "len(input.lines)", want: "3"},
	{name: "sum of quantities", cel: "sum_decimal(input.lines.map(l, l.qty))", exprSrc: "sum_decimal(map(input.lines, .qty))", want: "6"},

	// Units.
	{name: "normalised units", cel: "input.lines.map(l, uom(l.uom))", exprSrc: "map(input.lines, uom(.uom))", want: `["EA","CS","EA"]`},
	{name: "unit name", cel: "uom_name(input.lines[1].uom)", want: `"case"`},
	{
		name: "pack size from a table",
		cel:  "to_base(qty(input.lines[1].qty, input.lines[1].uom), lookup(items, input.lines[1].sku).units_per, lookup(items, input.lines[1].sku).base_uom)",
		want: quantity("12", "EA"),
	},
	{name: "quantities added", cel: "qty(input.lines[0].qty, input.lines[0].uom) + qty(input.lines[2].qty, input.lines[2].uom)", want: quantity("5", "EA")},
	{name: "quantities compared", cel: "qty(input.lines[0].qty, 'EA') < qty(3, 'EA')", want: "true"},
	{name: "quantity value compared with int", cel: "to_base(qty(2, 'CS'), 12, 'EA').value > 20", want: "true"},
	{name: "quantity equality by value", cel: "qty(input.lines[0].qty, input.lines[0].uom) == qty('2.0', 'EA')", want: "true"},
	{name: "money in other currencies differ", cel: "money(input.subtotal, input.currency) == money(input.subtotal, 'CAD')", want: "false"},
	{name: "weight converted", cel: "convert(qty(input.weight_lb, 'LB'), 'KGM')", want: quantity("5.669904625", "KGM")},

	// Text.
	{name: "normalize space", cel: "normalize_space(input.customer_name)", want: `"José Müller"`},
	{name: "fold for matching", cel: "fold(normalize_space(input.customer_name)) == 'jose muller'", want: "true"},
	{name: "ascii", cel: "ascii(normalize_space(input.customer_name))", want: `"Jose Muller"`},
	{name: "lower", cel: "lower(input.email)", want: `"jose@example.com"`},
	{name: "split and trim tags", cel: "split(input.tags, ',').map(t, trim(t))", exprSrc: "map(split(input.tags, ','), trim(#))", want: `["wholesale","net30","vip"]`},
	{name: "count tags", cel: "size(split(input.tags, ','))", exprSrc: "len(split(input.tags, ','))", want: "3"},
	{name: "join skus", cel: "join(input.lines.map(l, l.sku), '|')", exprSrc: "join(map(input.lines, .sku), '|')", want: `"A-100|CASE-12|B-200"`},
	{name: "truncate title", cel: "truncate(input.lines[0].title, 6)", want: `"Widget"`},
	{name: "ascii title", cel: "ascii(input.lines[0].title)", want: `"Widget - Blue"`},
	{name: "pad order number", cel: "pad_left(string(input.number), 10, '0')", want: `"0000001001"`},
	{name: "substring of a date", cel: "substr(input.ship_date, 0, 4)", want: `"2020"`},
	{name: "phone digits", cel: "digits(input.phone)", want: `"15550104477"`},
	{name: "concatenation with a lookup", cel: "lookup(items, input.lines[1].sku).base_uom + '-' + input.id", want: `"EA-ORD-1001"`},
	{name: "optional field", cel: "has(input.note) ? input.note : 'none'", exprSrc: "input.note ?? 'none'", want: `"none"`},
	{name: "default for a blank", cel: "default_if_empty(replace(input.email, input.email, ' '), 'none')", want: `"none"`},

	// Time.
	{name: "parse time", cel: "parse_time(input.placed_at)", want: `"2020-06-16T02:30:00Z"`},
	{name: "local date", cel: "format_date(parse_time(input.placed_at), 'America/New_York')", want: `"2020-06-15"`},
	{name: "utc date", cel: "format_date(parse_time(input.placed_at), 'UTC')", want: `"2020-06-16"`},
	{name: "parse date in zone", cel: "parse_date(input.ship_date, 'America/Chicago')", want: `"2020-06-16T05:00:00Z"`},
	{name: "timestamps compared", cel: "parse_date(input.ship_date) > parse_time(input.placed_at)", want: "false"},
	{name: "epoch millis", cel: "epoch_millis(parse_time(input.placed_at))", want: "1592274600000"},
	{name: "x12 date", cel: "format_x12_date(parse_time(input.placed_at), 'America/New_York')", want: `"20200615"`},
	{name: "in zone", cel: "in_zone(parse_time(input.placed_at), 'America/New_York')", want: `"2020-06-15T22:30:00-04:00"`},
	{name: "x12 round trip", cel: "parse_x12_datetime(format_x12_date(parse_time(input.placed_at), 'UTC'), format_x12_time(parse_time(input.placed_at), 'UTC'), 'UTC') == parse_time(input.placed_at)", want: "true"},

	// Lookups.
	{name: "lookup column", cel: "lookup(items, input.lines[0].sku).base_uom", want: `"EA"`},
	{name: "in table", cel: "in_table(items, input.lines[2].sku)", want: "false"},
	{name: "lines not in the table", cel: "input.lines.filter(l, !in_table(items, l.sku)).map(l, l.sku)", exprSrc: "map(filter(input.lines, !in_table(items, .sku)), .sku)", want: `["B-200"]`},
	{name: "lookup value with default", cel: "lookup_value(items, input.lines[2].sku, 'base_uom', 'EA')", want: `"EA"`},
	{name: "pack size as a decimal", cel: "decimal(lookup(items, 'CASE-12').units_per) * 2", want: "24"},

	// Crypto.
	{name: "hmac", cel: "hmac_sha256_hex('secret', input.id)", want: `"c151e80765124c5cf5b67f487887a4d303102d4e49bb2f75d5f5f5e2eb2a8cb9"`},
	{name: "sha256 of a key", cel: "sha256_hex(input.id + ':' + string(input.number))", want: `"ff8cd8f3cae4f889497df6a1887673406b4e35d3727a76c8d05a4835f23237a7"`},
	{name: "base64", cel: "base64_encode(input.email)", want: `"Sk9TRUBFWEFNUExFLkNPTQ=="`},

	// Errors carry the same reason in both dialects.
	{name: "missing field to a function", cel: "trim(input.note)", err: builtin.ReasonNullRequiredField},
	{name: "missing field to money", cel: "money(input.note, 'USD')", err: builtin.ReasonNullRequiredField},
	{name: "missing field to an operator", cel: "input.shipping + input.handling", err: builtin.ReasonNullRequiredField},
	{name: "missing field to a comparison", cel: "input.handling > 0", err: builtin.ReasonNullRequiredField},
	{name: "bad money", cel: "money(input.bad_price, input.currency)", err: builtin.ReasonInvalidMoney},
	{name: "unknown currency", cel: "money(input.subtotal, 'usd')", err: builtin.ReasonUnknownCurrency},
	{name: "currency mismatch", cel: "money(input.subtotal, input.currency) + money('1.00', 'EUR')", err: builtin.ReasonCurrencyMismatch},
	{name: "inexact money product", cel: "money(input.subtotal, input.currency) * input.discount_pct", err: builtin.ReasonInvalidMoney},
	{name: "unknown unit", cel: "qty(input.lines[0].qty, 'bushel')", err: builtin.ReasonUnknownUnit},
	{name: "case to each without a pack size", cel: "convert(qty(input.lines[1].qty, input.lines[1].uom), 'EA')", err: builtin.ReasonInvalidQuantity},
	{name: "invalid date", cel: "parse_time(input.ship_date)", err: builtin.ReasonInvalidDate},
	{name: "division by zero", cel: "input.shipping / (input.shipping - input.shipping)", err: builtin.ReasonInvalidArgument},
	{name: "lookup miss", cel: "lookup(items, input.lines[2].sku)", err: builtin.ReasonLookupMiss},
	{name: "lookup miss with reason", cel: "lookup(items, input.lines[2].sku, 'UNKNOWN_SKU')", err: "UNKNOWN_SKU"},
	{
		name:    "error inside a comprehension",
		cel:     "input.lines.map(l, lookup(items, l.sku, 'UNKNOWN_SKU').base_uom)",
		exprSrc: "map(input.lines, lookup(items, .sku, 'UNKNOWN_SKU').base_uom)",
		err:     "UNKNOWN_SKU",
	},
}

// TestConformance runs every expression of the table in CEL and in expr
// over the same input and requires the same canonical result or the same
// reason code, and that it is the expected one.
//
// Dialect differences that cannot be reconciled, so flows meant for both
// write around them:
//   - expr cannot overload unary minus: -decimal(x) and -money(...) compile
//     only in CEL. Both dialects have neg().
//   - Comprehensions, list size and optional fields are spelt differently
//     (CEL l.map(x, …), size(l), has(a.b); expr map(l, …), len(l), a.b ??
//     d); the table gives both texts. Their results agree.
//   - lookup's row type: CEL checks columns at load, expr reads an unknown
//     column as nil (TestLookupColumnDifference).
//   - A missing field fails in CEL where it is selected, and in expr only
//     where it is used (expr reads it as nil): input.note alone is
//     NULL_REQUIRED_FIELD in CEL and nil in expr. Given to a function or
//     an operator, it is NULL_REQUIRED_FIELD in both (the last rows).
func TestConformance(t *testing.T) {
	if len(conformanceTable) < 60 {
		t.Fatalf("the conformance table has %d rows; keep at least 60", len(conformanceTable))
	}
	h := newHarness(t)
	names := map[string]bool{}
	for _, c := range conformanceTable {
		if names[c.name] {
			t.Errorf("two rows are called %q", c.name)
		}
		names[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			exprSrc := c.exprSrc
			if exprSrc == "" {
				exprSrc = c.cel
			}
			celOut, celErr, celIss := h.eval(builtin.CEL, c.cel)
			exprOut, exprErr, exprIss := h.eval(builtin.Expr, exprSrc)
			if celIss != nil || exprIss != nil {
				t.Fatalf("does not compile:\ncel:  %v\nexpr: %v", celIss, exprIss)
			}
			got := func(v any, err error) string {
				if err != nil {
					return "error " + builtin.ReasonOf(err) + ": " + err.Error()
				}
				return builtin.Format(v)
			}
			if (celErr == nil) != (exprErr == nil) || builtin.ReasonOf(celErr) != builtin.ReasonOf(exprErr) ||
				(celErr == nil && builtin.Format(celOut) != builtin.Format(exprOut)) {
				t.Errorf("dialects disagree:\ncel  %s = %s\nexpr %s = %s", c.cel, got(celOut, celErr), exprSrc, got(exprOut, exprErr))
			}
			h.expect(t, builtin.CEL, c.cel, c.want, c.err)
		})
	}
}

// TestUnaryMinusDifference pins that expr rejects unary minus on decimals
// and money at load, with a diagnostic, rather than doing something else.
// If builtin learns to patch it, update the docs of -_ and neg.
func TestUnaryMinusDifference(t *testing.T) {
	h := newHarness(t)
	for _, src := range []string{"-input.shipping", "-money(input.subtotal, input.currency)"} {
		if _, _, iss := h.eval(builtin.CEL, src); iss != nil {
			t.Errorf("cel: %s: %v", src, iss)
		}
		if _, _, iss := h.eval(builtin.Expr, src); iss == nil {
			t.Errorf("expr: %s compiles now; update the docs of -_ and neg and celOnlyExamples", src)
		}
	}
}

// TestLookupColumnDifference pins how the dialects see the type parameter
// of lookup: CEL binds T to the table's row type, so an unknown column is a
// load error; expr types the row as dyn, so an unknown column reads as nil
// at run time, and fails with NULL_REQUIRED_FIELD only where it is used.
func TestLookupColumnDifference(t *testing.T) {
	h := newHarness(t)
	_, _, iss := h.eval(builtin.CEL, "lookup(items, 'A-100').colour")
	if len(iss) == 0 || iss[0].Summary != "Unknown field" {
		t.Errorf("cel: unknown column: %v", iss)
	}
	v, err, iss := h.eval(builtin.Expr, "lookup(items, 'A-100').colour")
	if iss != nil || err != nil || v != nil {
		t.Errorf("expr: unknown column = %v, %v, %v; want nil", v, err, iss)
	}
	_, err, _ = h.eval(builtin.Expr, "trim(lookup(items, 'A-100').colour)")
	if builtin.ReasonOf(err) != builtin.ReasonNullRequiredField {
		t.Errorf("expr: unknown column given to a function: %v", err)
	}
}

// TestMissingFieldDifference pins the one difference the table above
// writes around: selecting a missing field.
func TestMissingFieldDifference(t *testing.T) {
	h := newHarness(t)
	_, err, iss := h.eval(builtin.CEL, "input.note")
	if iss != nil || builtin.ReasonOf(err) != builtin.ReasonNullRequiredField {
		t.Errorf("cel: input.note: %v %v", err, iss)
	}
	v, err, iss := h.eval(builtin.Expr, "input.note")
	if iss != nil || err != nil || v != nil {
		t.Errorf("expr: input.note = %v, %v, %v; want nil (if this changed, update the comment on TestConformance)", v, err, iss)
	}
}
