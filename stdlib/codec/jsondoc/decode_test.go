package jsondoc_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// line and order are the types most tests decode.
var (
	lineType = builtin.ObjectType("test.Line",
		&builtin.Field{Name: "sku", Type: builtin.StringType, Required: true},
		&builtin.Field{Name: "qty", Type: builtin.IntType},
		&builtin.Field{Name: "price", Type: builtin.DecimalType},
		&builtin.Field{Name: "tags", Type: builtin.ListOf(builtin.StringType)},
	)
	orderType = builtin.ObjectType("test.Order",
		&builtin.Field{Name: "id", Type: builtin.IntType, Required: true},
		&builtin.Field{Name: "note", Type: builtin.StringType},
		&builtin.Field{Name: "total", Type: builtin.MoneyType},
		&builtin.Field{Name: "at", Type: builtin.TimestampType},
		&builtin.Field{Name: "lines", Type: builtin.ListOf(lineType)},
		&builtin.Field{Name: "attrs", Type: builtin.MapOf(builtin.StringType)},
		&builtin.Field{Name: "extra", Type: builtin.AnyType},
		&builtin.Field{Name: "paid", Type: builtin.BoolType},
	)
)

// decodeErr decodes and returns the *jsondoc.Error, failing the test if
// there is none.
func decodeErr(t *testing.T, data string, typ *builtin.Type, keep *jsondoc.Projection, opts jsondoc.Options) *jsondoc.Error {
	t.Helper()
	v, err := jsondoc.Decode([]byte(data), typ, keep, opts)
	if err == nil {
		t.Fatalf("decoded %s, want an error", builtin.Format(v))
	}
	var e *jsondoc.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not a *jsondoc.Error", err, err)
	}
	return e
}

func TestDecodeValues(t *testing.T) {
	cases := []struct {
		name string
		typ  *builtin.Type
		in   string
		want string // builtin.Format of the result
	}{
		{"string", builtin.StringType, `"a\"b"`, `"a\"b"`},
		{"int", builtin.IntType, `-42`, `-42`},
		{"int above 2^53", builtin.IntType, `9007199254740993`, `9007199254740993`},
		{"int max", builtin.IntType, `9223372036854775807`, `9223372036854775807`},
		{"int min", builtin.IntType, `-9223372036854775808`, `-9223372036854775808`},
		{"decimal from number", builtin.DecimalType, `199.00`, `199.00`},
		{"decimal from exponent", builtin.DecimalType, `1.5E+3`, `1500`},
		{"decimal from small exponent", builtin.DecimalType, `25e-3`, `0.025`},
		{"decimal from string", builtin.DecimalType, `"199.00"`, `199.00`},
		{"decimal from signed string", builtin.DecimalType, `"-0.50"`, `-0.50`},
		{"decimal from integer", builtin.DecimalType, `7`, `7`},
		{"decimal keeps 34 digits", builtin.DecimalType, `1234567890123456789012345678901234`, `1234567890123456789012345678901234`},
		{"decimal negative zero", builtin.DecimalType, `-0.0`, `-0.0`},
		{"decimal from escaped string", builtin.DecimalType, `"1\u002e5"`, `1.5`},
		{"double", builtin.DoubleType, `0.1`, `0.1`},
		{"bool", builtin.BoolType, `true`, `true`},
		{"null is nil for string", builtin.StringType, `null`, `null`},
		{"null is nil for int", builtin.IntType, ` null `, `null`},
		{"null is nil for object", orderType, `null`, `null`},
		{"null type", builtin.NullType, `null`, `null`},
		{"money from string amount", builtin.MoneyType, `{"amount":"12.30","currency":"USD"}`, `{"amount":"12.30","currency":"USD"}`},
		{"money from number amount", builtin.MoneyType, `{"currency":"USD","amount":12.3}`, `{"amount":"12.30","currency":"USD"}`},
		{"money zero decimals", builtin.MoneyType, `{"amount":"1230","currency":"JPY"}`, `{"amount":"1230","currency":"JPY"}`},
		{"money trailing zeros", builtin.MoneyType, `{"amount":"24.9900","currency":"USD"}`, `{"amount":"24.99","currency":"USD"}`},
		{"money ignores other keys", builtin.MoneyType, `{"amount":"1","x":[1,{"y":2}],"currency":"EUR"}`, `{"amount":"1.00","currency":"EUR"}`},
		{"quantity", builtin.QuantityType, `{"value":"12","uom":"EA"}`, `{"uom":"EA","value":"12"}`},
		{"quantity from number", builtin.QuantityType, `{"uom":"KGM","value":1.250}`, `{"uom":"KGM","value":"1.250"}`},
		{"timestamp", builtin.TimestampType, `"2008-01-10T11:00:00-05:00"`, `"2008-01-10T11:00:00-05:00"`},
		{"timestamp with fraction", builtin.TimestampType, `"2024-04-02T08:59:11.123Z"`, `"2024-04-02T08:59:11.123Z"`},
		{"duration", builtin.DurationType, `"1h30m"`, `"1h30m0s"`},
		{"bytes", builtin.BytesType, `"aGk="`, `"aGk="`},
		{"list", builtin.ListOf(builtin.IntType), `[1, 2 ,3]`, `[1,2,3]`},
		{"empty list", builtin.ListOf(builtin.IntType), `[]`, `[]`},
		{"list with null", builtin.ListOf(builtin.IntType), `[1,null]`, `[1,null]`},
		{"map", builtin.MapOf(builtin.DecimalType), `{"a":"1.5","b":2}`, `{"a":1.5,"b":2}`},
		{"empty map", builtin.MapOf(builtin.DecimalType), `{}`, `{}`},
		{"any string", builtin.AnyType, `"x"`, `"x"`},
		{"any int", builtin.AnyType, `9007199254740993`, `9007199254740993`},
		{"any big int is decimal", builtin.AnyType, `92233720368547758070`, `92233720368547758070`},
		{"any fraction is decimal", builtin.AnyType, `0.06`, `0.06`},
		{"any exponent is decimal", builtin.AnyType, `1e2`, `100`},
		{"any nested", builtin.AnyType, `{"a":[true,false,null,{"b":"c"}],"d":{}}`, `{"a":[true,false,null,{"b":"c"}],"d":{}}`},
		{"nil type is any", nil, `[1,"2"]`, `[1,"2"]`},
		{"object", orderType, `{"id":1,"note":"n","paid":false,"lines":[{"sku":"A","qty":2,"price":"1.10","tags":["x"]}]}`,
			`{"id":1,"lines":[{"price":1.10,"qty":2,"sku":"A","tags":["x"]}],"note":"n","paid":false}`},
		{"object keeps undeclared keys when whole", orderType, `{"id":1,"zz":[1.5,"x"],"lines":[{"sku":"A","yy":{"k":1}}]}`,
			`{"id":1,"lines":[{"sku":"A","yy":{"k":1}}],"zz":[1.5,"x"]}`},
		{"object keeps null fields", orderType, `{"id":1,"note":null,"zz":null}`, `{"id":1,"note":null,"zz":null}`},
		{"object any field", orderType, `{"id":1,"extra":{"x":[1,2.5]}}`, `{"extra":{"x":[1,2.5]},"id":1}`},
		{"whitespace everywhere", orderType, " \t\r\n{ \"id\" : 1 ,\n\"lines\" : [ ] } \n", `{"id":1,"lines":[]}`},
		{"byte order mark", orderType, "\xEF\xBB\xBF{\"id\":1}", `{"id":1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := jsondoc.Decode([]byte(c.in), c.typ, nil, jsondoc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := builtin.Format(v); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestDecodeRepresentations(t *testing.T) {
	v, err := jsondoc.Decode([]byte(`{"id":9007199254740993,"at":"2008-01-10T11:00:00-05:00","total":{"amount":"5.00","currency":"USD"},"lines":[{"sku":"A","price":199.00}],"extra":{"i":1,"d":1.5,"s":"x"}}`), orderType, nil, jsondoc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if id, ok := m["id"].(int64); !ok || id != 9007199254740993 {
		t.Errorf("id = %#v", m["id"])
	}
	if at, ok := m["at"].(time.Time); !ok || !at.Equal(time.Date(2008, 1, 10, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("at = %#v", m["at"])
	}
	if mon, ok := m["total"].(builtin.Money); !ok || mon.String() != "5.00 USD" {
		t.Errorf("total = %#v", m["total"])
	}
	line := m["lines"].([]any)[0].(map[string]any)
	if p, ok := line["price"].(builtin.Decimal); !ok || p.String() != "199.00" {
		t.Errorf("price = %#v", line["price"])
	}
	extra := m["extra"].(map[string]any)
	if _, ok := extra["i"].(int64); !ok {
		t.Errorf("inferred integer is %T", extra["i"])
	}
	if _, ok := extra["d"].(builtin.Decimal); !ok {
		t.Errorf("inferred fraction is %T", extra["d"])
	}
}

// TestBigIDsStayExact: Shopify's test payloads use IDs above 2^53, which
// float64 would round to ...992.
func TestBigIDsStayExact(t *testing.T) {
	const id = "9007199254740993"
	doc := `{"id":` + id + `,"extra":[` + id + `,-` + id + `]}`
	for _, typ := range []*builtin.Type{orderType, builtin.AnyType} {
		v, err := jsondoc.Decode([]byte(doc), typ, nil, jsondoc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := v.(map[string]any)
		if m["id"] != int64(9007199254740993) {
			t.Errorf("%s: id = %#v", typ, m["id"])
		}
		if got := builtin.Format(m["extra"]); got != "["+id+",-"+id+"]" {
			t.Errorf("%s: extra = %s", typ, got)
		}
		out, err := jsondoc.Encode(v)
		if err != nil || !strings.Contains(string(out), `"id":`+id) {
			t.Errorf("re-encoded: %s %v", out, err)
		}
	}
	d, err := jsondoc.Decode([]byte(id), builtin.DecimalType, nil, jsondoc.Options{})
	if err != nil || d.(builtin.Decimal).String() != id {
		t.Errorf("as decimal: %v %v", d, err)
	}
}

func TestDecodeSchemaErrors(t *testing.T) {
	cases := []struct {
		name   string
		typ    *builtin.Type
		in     string
		reason string
		path   string
		msg    string // substring
	}{
		{"string wants string", orderType, `{"id":1,"note":5}`, jsondoc.ReasonSchemaMismatch, "note", "want string, found number"},
		{"int wants integer", orderType, `{"id":"1"}`, jsondoc.ReasonSchemaMismatch, "id", "want integer, found string"},
		{"int rejects fraction", orderType, `{"id":1.0}`, jsondoc.ReasonSchemaMismatch, "id", "1.0 with a fraction"},
		{"int rejects exponent", orderType, `{"id":1e3}`, jsondoc.ReasonSchemaMismatch, "id", "fraction or exponent"},
		{"int overflow", orderType, `{"id":9223372036854775808}`, jsondoc.ReasonSchemaMismatch, "id", "out of the 64-bit range"},
		{"int underflow", builtin.IntType, `-9223372036854775809`, jsondoc.ReasonSchemaMismatch, "", "out of the 64-bit range"},
		{"decimal string with comma", orderType, `{"id":1,"lines":[{"sku":"a"},{"sku":"b"},{"sku":"c","price":"24,99"}]}`, jsondoc.ReasonSchemaMismatch, "lines[2].price", `invalid decimal "24,99"`},
		{"decimal wants number", orderType, `{"id":1,"lines":[{"sku":"a","price":{}}]}`, jsondoc.ReasonSchemaMismatch, "lines[0].price", "want decimal, found object"},
		{"decimal out of range", builtin.DecimalType, `1e999999999`, jsondoc.ReasonSchemaMismatch, "", "out of the range"},
		{"decimal empty string", builtin.DecimalType, `""`, jsondoc.ReasonSchemaMismatch, "", "invalid decimal"},
		{"bool wants bool", orderType, `{"id":1,"paid":"false"}`, jsondoc.ReasonSchemaMismatch, "paid", "want boolean, found string"},
		{"list wants array", orderType, `{"id":1,"lines":{}}`, jsondoc.ReasonSchemaMismatch, "lines", "want array, found object"},
		{"object wants object", orderType, `[1]`, jsondoc.ReasonSchemaMismatch, "", "want object, found array"},
		{"list element", orderType, `{"id":1,"lines":[{"sku":"a","tags":["x",7]}]}`, jsondoc.ReasonSchemaMismatch, "lines[0].tags[1]", "want string"},
		{"map value", orderType, `{"id":1,"attrs":{"a.b":1}}`, jsondoc.ReasonSchemaMismatch, `attrs["a.b"]`, "want string"},
		{"null type", builtin.NullType, `1`, jsondoc.ReasonSchemaMismatch, "", "want null"},
		{"required missing", orderType, `{"note":"x"}`, jsondoc.ReasonSchemaMismatch, "id", `required field "id" is missing`},
		{"required null", orderType, `{"id":null}`, jsondoc.ReasonSchemaMismatch, "id", `required field "id" is null`},
		{"nested required", orderType, `{"id":1,"lines":[{"sku":"a"},{"qty":1}]}`, jsondoc.ReasonSchemaMismatch, "lines[1].sku", `required field "sku" is missing`},
		{"money invalid amount", orderType, `{"id":1,"total":{"amount":"24,99","currency":"USD"}}`, builtin.ReasonInvalidMoney, "total.amount", "invalid amount"},
		{"money too many decimals", orderType, `{"id":1,"total":{"amount":"24.999","currency":"USD"}}`, builtin.ReasonInvalidMoney, "total", "more decimals than USD"},
		{"money unknown currency", orderType, `{"id":1,"total":{"amount":"1","currency":"usd"}}`, builtin.ReasonUnknownCurrency, "total.currency", `unknown currency "usd"`},
		{"money no amount", builtin.MoneyType, `{"currency":"USD"}`, builtin.ReasonInvalidMoney, "", "no amount"},
		{"money null amount", builtin.MoneyType, `{"amount":null,"currency":"USD"}`, builtin.ReasonInvalidMoney, "", "no amount"},
		{"money no currency", builtin.MoneyType, `{"amount":"1"}`, builtin.ReasonInvalidMoney, "", "no currency"},
		{"money amount bool", builtin.MoneyType, `{"amount":true,"currency":"USD"}`, builtin.ReasonInvalidMoney, "amount", "found boolean"},
		{"money currency number", builtin.MoneyType, `{"amount":"1","currency":840}`, jsondoc.ReasonSchemaMismatch, "currency", "want currency as a string"},
		{"money as string", builtin.MoneyType, `"199.00"`, jsondoc.ReasonSchemaMismatch, "", "want money object, found string"},
		{"quantity bad value", builtin.QuantityType, `{"value":"1,5","uom":"EA"}`, builtin.ReasonInvalidQuantity, "value", "invalid value"},
		{"quantity no uom", builtin.QuantityType, `{"value":"1"}`, builtin.ReasonInvalidQuantity, "", "no unit"},
		{"quantity empty uom", builtin.QuantityType, `{"value":"1","uom":""}`, builtin.ReasonInvalidQuantity, "uom", "empty unit"},
		{"timestamp not RFC 3339", orderType, `{"id":1,"at":"Fri, 02 Mar 2012 21:36:24 +0000"}`, builtin.ReasonInvalidDate, "at", "invalid RFC 3339 timestamp"},
		{"timestamp epoch millis", orderType, `{"id":1,"at":1568000000000}`, builtin.ReasonInvalidDate, "at", "found number"},
		{"timestamp empty", builtin.TimestampType, `""`, builtin.ReasonInvalidDate, "", "invalid RFC 3339"},
		{"duration", builtin.DurationType, `"soon"`, jsondoc.ReasonSchemaMismatch, "", "invalid duration"},
		{"bytes", builtin.BytesType, `"!!"`, jsondoc.ReasonSchemaMismatch, "", "invalid base64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := decodeErr(t, c.in, c.typ, nil, jsondoc.Options{})
			if e.Reason != c.reason || e.Path != c.path || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("got %s %q %q, want %s %q …%q…", e.Reason, e.Path, e.Msg, c.reason, c.path, c.msg)
			}
			if builtin.ReasonOf(e) != c.reason {
				t.Errorf("builtin.ReasonOf = %q", builtin.ReasonOf(e))
			}
		})
	}
}

func TestDecodeSyntaxErrors(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		reason    string
		offset    int
		line, col int
		msg       string
	}{
		{"empty", ``, jsondoc.ReasonInvalidJSON, 0, 1, 1, "empty body"},
		{"only space", "  \n", jsondoc.ReasonInvalidJSON, 3, 2, 1, "empty body"},
		{"truncated object", `{"a":1`, jsondoc.ReasonInvalidJSON, 6, 1, 7, "unexpected end of input"},
		{"truncated string", `{"a":"xy`, jsondoc.ReasonInvalidJSON, 5, 1, 6, "unterminated string"},
		{"missing colon", `{"a" 1}`, jsondoc.ReasonInvalidJSON, 5, 1, 6, "want ':'"},
		{"trailing comma", `{"a":1,}`, jsondoc.ReasonInvalidJSON, 7, 1, 8, "beginning of an object key"},
		{"trailing comma in array", `[1,]`, jsondoc.ReasonInvalidJSON, 3, 1, 4, "beginning of a value"},
		{"single quotes", `{'a':1}`, jsondoc.ReasonInvalidJSON, 1, 1, 2, `invalid character '\''`},
		{"bare word", `{"a":nul}`, jsondoc.ReasonInvalidJSON, 8, 1, 9, "in literal null"},
		{"leading zero", `[01]`, jsondoc.ReasonInvalidJSON, 2, 1, 3, "after array element"},
		{"plus sign", `[+1]`, jsondoc.ReasonInvalidJSON, 1, 1, 2, "beginning of a value"},
		{"dot without digits", `[1.]`, jsondoc.ReasonInvalidJSON, 3, 1, 4, "after decimal point"},
		{"bad exponent", `[1e]`, jsondoc.ReasonInvalidJSON, 3, 1, 4, "in exponent"},
		{"NaN", `[NaN]`, jsondoc.ReasonInvalidJSON, 1, 1, 2, "beginning of a value"},
		{"trailing data", `{"a":1} x`, jsondoc.ReasonInvalidJSON, 8, 1, 9, "after the top-level value"},
		{"two values", "{}\n{}", jsondoc.ReasonInvalidJSON, 3, 2, 1, "after the top-level value"},
		{"control character", "[\"a\tb\"]", jsondoc.ReasonInvalidJSON, 3, 1, 4, "control character"},
		{"bad escape", `["a\x"]`, jsondoc.ReasonInvalidJSON, 3, 1, 4, `invalid escape "\\x"`},
		{"short unicode escape", `["\u12"]`, jsondoc.ReasonInvalidJSON, 2, 1, 3, `invalid \u escape`},
		{"invalid UTF-8", "[\"caf\xe9\"]", jsondoc.ReasonInvalidJSON, 5, 1, 6, "invalid UTF-8"},
		{"invalid UTF-8 in a key", "{\"caf\xe9\":1}", jsondoc.ReasonInvalidJSON, 5, 1, 6, "invalid UTF-8"},
		{"overlong UTF-8", "[\"\xc0\xaf\"]", jsondoc.ReasonInvalidJSON, 2, 1, 3, "invalid UTF-8"},
		{"UTF-16 surrogate in UTF-8", "[\"\xed\xa0\x80\"]", jsondoc.ReasonInvalidJSON, 2, 1, 3, "invalid UTF-8"},
		{"line and column count characters", "{\n  \"é\": [1,\n   2 x]}", jsondoc.ReasonInvalidJSON, 19, 3, 6, "after array element"},
		{"duplicate key", `{"a":1,"b":2,"a":3}`, jsondoc.ReasonInvalidJSON, 13, 1, 14, `duplicate key "a"`},
		{"duplicate in nested object", `{"x":[{"k":1},{"k":1,"k":2}]}`, jsondoc.ReasonInvalidJSON, 21, 1, 22, `duplicate key "k"`},
		{"escaped duplicate", `{"a":1,"\u0061":2}`, jsondoc.ReasonInvalidJSON, 7, 1, 8, `duplicate key "a"`},
		{"syntax beats schema", `{"a":1,"a":2,`, jsondoc.ReasonInvalidJSON, 13, 1, 14, "unexpected end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := decodeErr(t, c.in, builtin.AnyType, nil, jsondoc.Options{})
			if e.Reason != c.reason || e.Offset != c.offset || e.Line != c.line || e.Col != c.col || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("got %s at %d (%d:%d) %q, want %s at %d (%d:%d) …%q…", e.Reason, e.Offset, e.Line, e.Col, e.Msg, c.reason, c.offset, c.line, c.col, c.msg)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	e := decodeErr(t, `{"id":1,"lines":[{"sku":"a"},{"sku":"b","price":{}}]}`, orderType, nil, jsondoc.Options{})
	want := "json: lines[1].price: want decimal, found object (SCHEMA_MISMATCH at line 1, column 49, offset 48)"
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e, want)
	}
	e = decodeErr(t, `{"id":1,"id":2}`, orderType, nil, jsondoc.Options{})
	if e.Path != "id" || !strings.Contains(e.Error(), `duplicate key "id"`) {
		t.Errorf("duplicate: %v", e)
	}
}

func TestDuplicateKeysEverywhereMaterialised(t *testing.T) {
	cases := map[string]string{
		"declared field":      `{"id":1,"note":"a","note":"b"}`,
		"undeclared key":      `{"id":1,"zz":1,"zz":2}`,
		"inside dyn":          `{"id":1,"extra":{"a":{"b":1,"b":1}}}`,
		"map key":             `{"id":1,"attrs":{"k":"1","k":"2"}}`,
		"money":               `{"id":1,"total":{"amount":"1","amount":"2","currency":"USD"}}`,
		"money null then set": `{"id":1,"total":{"amount":null,"amount":"2","currency":"USD"}}`,
		"nested line":         `{"id":1,"lines":[{"sku":"a","qty":1,"qty":1}]}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if e := decodeErr(t, in, orderType, nil, jsondoc.Options{}); e.Reason != jsondoc.ReasonInvalidJSON || !strings.Contains(e.Msg, "duplicate key") {
				t.Errorf("%v", e)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	cases := []struct{ in, want string }{
		{`"plain ascii long enough for the eight byte loop"`, "plain ascii long enough for the eight byte loop"},
		{`"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{`"\u00e9\u00E9"`, "éé"},
		{`"caf\u00e9 crème brûlée – 東京"`, "café crème brûlée – 東京"},
		{`"\ud83d\ude00 grin"`, "😀 grin"},
		{`"😀"`, "😀"},
		{`"lone high \ud83d end"`, "lone high \uFFFD end"},
		{`"lone low \ude00 end"`, "lone low \uFFFD end"},
		{`"high then escape \ud83d\n"`, "high then escape \uFFFD\n"},
		{`"two highs \ud83d\ud83d\ude00"`, "two highs \uFFFD😀"},
		{`"\u0000"`, "\x00"},
		{`"\u2028"`, "\u2028"},
		{`""`, ""},
		{"\"\u00a0nbsp\"", "\u00a0nbsp"},
	}
	for _, c := range cases {
		v, err := jsondoc.Decode([]byte(c.in), builtin.StringType, nil, jsondoc.Options{})
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if v != c.want {
			t.Errorf("%s = %q, want %q", c.in, v, c.want)
		}
	}
	// Escaped keys match declared fields.
	v, err := jsondoc.Decode([]byte(`{"\u0069d":7}`), orderType, nil, jsondoc.Options{})
	if err != nil || v.(map[string]any)["id"] != int64(7) {
		t.Errorf("escaped key: %v %v", v, err)
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("[", 65) + strings.Repeat("]", 65)
	e := decodeErr(t, deep, builtin.AnyType, nil, jsondoc.Options{})
	if e.Reason != jsondoc.ReasonLimitExceeded || !strings.Contains(e.Msg, "deeper than 64") {
		t.Errorf("default depth: %v", e)
	}
	if _, err := jsondoc.Decode([]byte(strings.Repeat("[", 64)+strings.Repeat("]", 64)), builtin.AnyType, nil, jsondoc.Options{}); err != nil {
		t.Errorf("64 levels are allowed: %v", err)
	}
	// Depth counts in skipped parts too.
	skipped := `{"id":1,"skipme":` + strings.Repeat(`{"a":`, 10) + "1" + strings.Repeat("}", 10) + `}`
	proj := jsondoc.NewProjection([]string{"input.id"}, "input")
	e = decodeErr(t, skipped, orderType, proj, jsondoc.Options{MaxDepth: 5})
	if e.Reason != jsondoc.ReasonLimitExceeded {
		t.Errorf("skipped depth: %v", e)
	}
	if _, err := jsondoc.Decode([]byte(skipped), orderType, proj, jsondoc.Options{MaxDepth: 11}); err != nil {
		t.Errorf("depth 11: %v", err)
	}
	e = decodeErr(t, `{"id":1}`, orderType, nil, jsondoc.Options{MaxBytes: 7})
	if e.Reason != jsondoc.ReasonLimitExceeded || !strings.Contains(e.Msg, "8 bytes") {
		t.Errorf("max bytes: %v", e)
	}
}

func TestNewProjection(t *testing.T) {
	cases := []struct {
		name  string
		paths []string
		want  []string
	}{
		{"fields", []string{"input.id", "input.line_items[].sku", "input.line_items[].price", "vars.x"}, []string{"input.id", "input.line_items[].price", "input.line_items[].sku"}},
		{"root means all", []string{"input.id", "input"}, []string{"input"}},
		{"object subsumes deeper", []string{"input.customer.id", "input.customer", "input.customer.name"}, []string{"input.customer"}},
		{"nested lists", []string{"input.a[][].b"}, []string{"input.a[][].b"}},
		{"other roots ignored", []string{"inputs.x", "output.y"}, nil},
		{"unknown syntax keeps all below", []string{"input.a[0].b"}, []string{"input.a"}},
		{"length only", []string{"input.lines#", "input.id"}, []string{"input.id", "input.lines#"}},
		{"length and a field", []string{"input.lines#", "input.lines[].sku"}, []string{"input.lines[].sku"}},
		{"length and the elements", []string{"input.lines[]", "input.lines#"}, []string{"input.lines[]"}},
		{"length of a whole list", []string{"input.lines", "input.lines#"}, []string{"input.lines"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := jsondoc.NewProjection(c.paths, "input")
			if got := p.Paths("input"); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	if !jsondoc.NewProjection([]string{"input"}, "input").All {
		t.Error("the root path keeps all")
	}
}

func TestProjectedDecode(t *testing.T) {
	doc := `{"id":5,"note":"n","paid":true,"unknown":{"deep":[1,2,3]},"total":{"amount":"1.00","currency":"USD"},
		"lines":[{"sku":"A","qty":1,"price":"2.00","tags":["t"],"other":1},{"sku":"B","qty":2}],
		"attrs":{"a":"1","b":"2"},"extra":{"x":{"y":1,"z":2},"w":3}}`
	cases := []struct {
		name  string
		paths []string
		want  string
	}{
		{"nothing", nil, `{}`},
		{"scalar", []string{"input.note"}, `{"note":"n"}`},
		{"list element field", []string{"input.lines[].sku"}, `{"lines":[{"sku":"A"},{"sku":"B"}]}`},
		{"list length", []string{"input.lines#"}, `{"lines":[{},{}]}`},
		{"list length and a field", []string{"input.lines#", "input.lines[].qty"}, `{"lines":[{"qty":1},{"qty":2}]}`},
		{"whole list", []string{"input.lines"}, `{"lines":[{"other":1,"price":2.00,"qty":1,"sku":"A","tags":["t"]},{"qty":2,"sku":"B"}]}`},
		{"map key", []string{"input.attrs.b"}, `{"attrs":{"b":"2"}}`},
		{"dyn path", []string{"input.extra.x.z"}, `{"extra":{"x":{"z":2}}}`},
		{"undeclared key read through dyn", []string{"input.unknown.deep"}, `{"unknown":{"deep":[1,2,3]}}`},
		{"money whole", []string{"input.total.amount"}, `{"total":{"amount":"1.00","currency":"USD"}}`},
		{"all", []string{"input"}, `{"attrs":{"a":"1","b":"2"},"extra":{"w":3,"x":{"y":1,"z":2}},"id":5,"lines":[{"other":1,"price":2.00,"qty":1,"sku":"A","tags":["t"]},{"qty":2,"sku":"B"}],"note":"n","paid":true,"total":{"amount":"1.00","currency":"USD"},"unknown":{"deep":[1,2,3]}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := jsondoc.Decode([]byte(doc), orderType, jsondoc.NewProjection(c.paths, "input"), jsondoc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := builtin.Format(v); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestProjectionStillChecksRequired: the required fields of every object
// the decoder walks are checked even when nothing reads them; with
// ValidateUnread, also those in subtrees nothing reads at all.
func TestProjectionStillChecksRequired(t *testing.T) {
	proj := jsondoc.NewProjection([]string{"input.note"}, "input")
	cases := []struct {
		name, in, path string
		deep           bool // caught only with ValidateUnread
	}{
		{"root field nothing reads", `{"note":"x"}`, "id", false},
		{"root field null", `{"note":"x","id":null}`, "id", false},
		{"required inside an unread list", `{"id":1,"note":"x","lines":[{"sku":"a"},{"qty":1}]}`, "lines[1].sku", true},
		{"required inside an unread list, null", `{"id":1,"note":"x","lines":[{"sku":null}]}`, "lines[0].sku", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := decodeErr(t, c.in, orderType, proj, jsondoc.Options{ValidateUnread: true})
			if e.Reason != jsondoc.ReasonSchemaMismatch || e.Path != c.path {
				t.Errorf("got %v, want a mismatch at %s", e, c.path)
			}
			_, err := jsondoc.Decode([]byte(c.in), orderType, proj, jsondoc.Options{})
			if c.deep != (err == nil) {
				t.Errorf("without ValidateUnread: %v", err)
			}
		})
	}
	// Reading the list walks its objects: then they are checked anyway.
	e := decodeErr(t, cases[2].in, orderType, jsondoc.NewProjection([]string{"input.lines[].qty"}, "input"), jsondoc.Options{})
	if e.Path != "lines[1].sku" {
		t.Errorf("walked list: %v", e)
	}
	// Unread values are not type-checked, and their JSON is still checked.
	v, err := jsondoc.Decode([]byte(`{"id":1,"note":"x","lines":[{"sku":"a","qty":"not a number"}],"paid":"yes"}`), orderType, proj, jsondoc.Options{})
	if err != nil || builtin.Format(v) != `{"note":"x"}` {
		t.Errorf("%v %v", builtin.Format(v), err)
	}
	if e := decodeErr(t, `{"id":1,"note":"x","lines":[{"sku":"a","qty":01}]}`, orderType, proj, jsondoc.Options{}); e.Reason != jsondoc.ReasonInvalidJSON {
		t.Errorf("skipped syntax: %v", e)
	}
	if e := decodeErr(t, "{\"id\":1,\"note\":\"x\",\"zz\":\"\xff\"}", orderType, proj, jsondoc.Options{}); e.Reason != jsondoc.ReasonInvalidJSON {
		t.Errorf("skipped UTF-8: %v", e)
	}
	// Duplicates among fields the decoder looks at are caught even when
	// they are not read; unread undeclared keys are not compared.
	if e := decodeErr(t, `{"id":1,"id":2,"note":"x"}`, orderType, proj, jsondoc.Options{}); !strings.Contains(e.Msg, "duplicate") {
		t.Errorf("unread required duplicate: %v", e)
	}
	if _, err := jsondoc.Decode([]byte(`{"id":1,"note":"x","zz":1,"zz":2}`), orderType, proj, jsondoc.Options{}); err != nil {
		t.Errorf("unread undeclared duplicate: %v", err)
	}
}

func TestNewDecoderRejectsTables(t *testing.T) {
	row := builtin.ObjectType("r", &builtin.Field{Name: "a", Type: builtin.StringType})
	typ := builtin.ObjectType("t", &builtin.Field{Name: "tbl", Type: builtin.TableOf(row)})
	if _, err := jsondoc.NewDecoder(typ, nil, jsondoc.Options{}); err == nil {
		t.Error("a table field has no JSON form")
	}
}

func TestRecursiveType(t *testing.T) {
	node := builtin.ObjectType("test.Node", &builtin.Field{Name: "name", Type: builtin.StringType, Required: true})
	node.AddField(&builtin.Field{Name: "kids", Type: builtin.ListOf(node)})
	doc := `{"kids":[{"kids":[{"name":"c"}],"name":"b"}],"name":"a"}`
	v, err := jsondoc.Decode([]byte(doc), node, nil, jsondoc.Options{})
	if err != nil || builtin.Format(v) != doc {
		t.Errorf("%s %v", builtin.Format(v), err)
	}
	proj := jsondoc.NewProjection([]string{"n.kids[].name"}, "n")
	v, err = jsondoc.Decode([]byte(doc), node, proj, jsondoc.Options{})
	if err != nil || builtin.Format(v) != `{"kids":[{"name":"b"}]}` {
		t.Errorf("%s %v", builtin.Format(v), err)
	}
	if e := decodeErr(t, `{"name":"a","kids":[{"kids":[{"kids":[{}]}],"name":"b"}]}`, node, proj, jsondoc.Options{ValidateUnread: true}); e.Path != "kids[0].kids[0].kids[0].name" {
		t.Errorf("required deep in an unread recursion: %v", e)
	}
}

func TestEncode(t *testing.T) {
	v := map[string]any{"b": builtin.MustDecimal("1.50"), "a": []any{int64(1), "x", nil, true}}
	b, err := jsondoc.Encode(v)
	if err != nil || string(b) != `{"a":[1,"x",null,true],"b":1.50}` {
		t.Errorf("%s %v", b, err)
	}
	b, err = jsondoc.AppendEncode([]byte("x="), "y")
	if err != nil || string(b) != `x="y"` {
		t.Errorf("%s %v", b, err)
	}
	back, err := jsondoc.Decode(b[2:], nil, nil, jsondoc.Options{})
	if err != nil || back != "y" {
		t.Errorf("%v %v", back, err)
	}
}

// TestSkippingDoesNotAllocate: a projection that reads one field of a large
// document allocates the result map and the one string, nothing for the
// rest.
func TestSkippingDoesNotAllocate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", "shopify", shopifyOrderFile))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := jsondoc.NewDecoder(nil, jsondoc.NewProjection(nil, "input"), jsondoc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := dec.Decode(data); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("skipping an order allocates %.0f times, want 1 (the empty result map)", allocs)
	}
	dec, err = jsondoc.NewDecoder(nil, jsondoc.NewProjection([]string{"input.order.name"}, "input"), jsondoc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	allocs = testing.AllocsPerRun(100, func() {
		if _, err := dec.Decode(data); err != nil {
			t.Fatal(err)
		}
	})
	// A map is two allocations (header and table), a string in an any two
	// (bytes and the interface box).
	if allocs > 6 {
		t.Errorf("reading one field allocates %.0f times, want 6 (two maps, one string)", allocs)
	}
}

func TestSchemaCopyInSync(t *testing.T) {
	a, err := os.ReadFile("testdata/shopify_order.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../../builtin/testdata/jsonschema/shopify/order.json")
	if err != nil {
		t.Skip(err)
	}
	if string(a) != string(b) {
		t.Error("testdata/shopify_order.schema.json differs from builtin/testdata/jsonschema/shopify/order.json: copy it again")
	}
}

// TestConcurrentDecode: one Decoder serves many goroutines (run with -race).
func TestConcurrentDecode(t *testing.T) {
	typ := shopifyResponseType(t)
	data, err := os.ReadFile(filepath.Join("testdata/corpus/shopify", shopifyOrderFile))
	if err != nil {
		t.Fatal(err)
	}
	decs := []*jsondoc.Decoder{}
	for _, p := range []*jsondoc.Projection{nil, jsondoc.NewProjection(benchPaths, "input")} {
		d, err := jsondoc.NewDecoder(typ, p, jsondoc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		decs = append(decs, d)
	}
	want := make([]string, len(decs))
	for i, d := range decs {
		v, err := d.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = builtin.Format(v)
	}
	done := make(chan error)
	for g := range 8 {
		go func() {
			for range 20 {
				d := decs[g%len(decs)]
				v, err := d.Decode(data)
				if err == nil && builtin.Format(v) != want[g%len(decs)] {
					err = errors.New("different result")
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestManyFields covers objects with more fields than fit the decoder's
// in-register bit sets and its linear key scan.
func TestManyFields(t *testing.T) {
	var fields []*builtin.Field
	var doc strings.Builder
	doc.WriteString("{")
	for i := range 150 {
		name := "field_" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strconv.Itoa(i)
		fields = append(fields, &builtin.Field{Name: name, Type: builtin.IntType, Required: i == 140 || i == 3})
		if i > 0 {
			doc.WriteString(",")
		}
		doc.WriteString(`"` + name + `":` + strconv.Itoa(i))
	}
	doc.WriteString("}")
	typ := builtin.ObjectType("test.Wide", fields...)
	v, err := jsondoc.Decode([]byte(doc.String()), typ, nil, jsondoc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if len(m) != 150 || m[fields[149].Name] != int64(149) || m[fields[64].Name] != int64(64) {
		t.Errorf("decoded %d fields", len(m))
	}
	missing := strings.Replace(doc.String(), `"`+fields[140].Name+`":140,`, "", 1)
	if e := decodeErr(t, missing, typ, jsondoc.NewProjection([]string{"x." + fields[130].Name}, "x"), jsondoc.Options{}); e.Path != fields[140].Name {
		t.Errorf("missing required field 140: %v", e)
	}
	dup := strings.Replace(doc.String(), "}", `,"`+fields[100].Name+`":1}`, 1)
	if e := decodeErr(t, dup, typ, nil, jsondoc.Options{}); !strings.Contains(e.Msg, "duplicate key") || e.Path != fields[100].Name {
		t.Errorf("duplicate field 100: %v", e)
	}
	v, err = jsondoc.Decode([]byte(doc.String()), typ, jsondoc.NewProjection([]string{"x." + fields[130].Name, "x." + fields[5].Name}, "x"), jsondoc.Options{})
	if err != nil || len(v.(map[string]any)) != 2 {
		t.Errorf("projected: %v %v", builtin.Format(v), err)
	}
}
