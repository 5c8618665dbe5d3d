package csvdoc_test

import (
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/csvdoc"
)

func TestEncode(t *testing.T) {
	price, _ := builtin.ParseMoney("24.9", "USD")
	at := time.Date(2024, 3, 1, 9, 30, 0, 250_000_000, time.FixedZone("", 3600))
	rows := []map[string]any{
		{"sku": "WID-100", "qty": int64(12), "price": price, "weight": builtin.Quantity{Value: builtin.MustDecimal("2.50"), UOM: "KGM"},
			"rate": 0.5, "active": true, "at": at, "note": `5" disk, blue`, "unused": "not written"},
		{"sku": "GAD-7", "qty": int64(-1), "price": builtin.MustDecimal("1230"), "active": false, "note": "line 1\nline 2", "ttl": nil},
		{"sku": " padded ", "note": "a;b|c\td"},
	}
	out, err := csvdoc.Encode(rows, []string{"sku", "qty", "price", "weight", "rate", "active", "at", "note"})
	if err != nil {
		t.Fatal(err)
	}
	want := "sku,qty,price,weight,rate,active,at,note\r\n" +
		"WID-100,12,24.90,2.50,0.5,true,2024-03-01T09:30:00.25+01:00,\"5\"\" disk, blue\"\r\n" +
		"GAD-7,-1,1230,,,false,,\"line 1\nline 2\"\r\n" +
		"\" padded \",,,,,,,\"a;b|c\td\"\r\n"
	if string(out) != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
}

func TestEncodeColumns(t *testing.T) {
	// nil columns: every key, sorted.
	out, err := csvdoc.Encode([]map[string]any{{"b": "1"}, {"a": int64(2), "c": "3"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a,b,c\r\n,1,\r\n2,,3\r\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
	// A header and no rows.
	out, err = csvdoc.Encode(nil, []string{"sku", "available"})
	if err != nil || string(out) != "sku,available\r\n" {
		t.Errorf("got %q %v", out, err)
	}
	// One column with an empty value is a quoted empty field, not a blank
	// line that readers skip.
	out, err = csvdoc.Encode([]map[string]any{{"a": ""}, {}}, []string{"a"})
	if err != nil || string(out) != "a\r\n\"\"\r\n\"\"\r\n" {
		t.Errorf("got %q %v", out, err)
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		name    string
		rows    []map[string]any
		columns []string
		want    string
	}{
		{"no columns", nil, nil, "no columns"},
		{"empty column name", nil, []string{"a", " "}, "column 2 has no name"},
		{"duplicate column", nil, []string{"a", "b", "a"}, `columns 1 and 3 are both named "a"`},
		{"a list", []map[string]any{{"a": []any{"x"}}}, []string{"a"}, `row 1, column "a": a list is not one cell`},
		{"a map", []map[string]any{{}, {"a": map[string]any{}}}, []string{"a"}, `row 2, column "a": a map is not one cell`},
		{"NaN", []map[string]any{{"a": nan()}}, []string{"a"}, "not a number"},
		{"invalid UTF-8", []map[string]any{{"a": "\xff"}}, []string{"a"}, "not UTF-8"},
		{"other Go types", []map[string]any{{"a": struct{}{}}}, []string{"a"}, "a struct {} cannot be a CSV cell"},
	}
	for _, c := range cases {
		_, err := csvdoc.Encode(c.rows, c.columns)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

// TestRoundTrip: what Encode writes, Decode reads back to the same rows,
// typed and untyped.
func TestRoundTrip(t *testing.T) {
	typ := schemaOf(t, cellSchema)
	rows := []map[string]any{
		{"id": int64(1), "name": "plain", "price": builtin.MustDecimal("24.990"), "rate": 0.25, "flag": true,
			"at": time.Date(2024, 3, 1, 9, 30, 0, 123456789, time.UTC), "extra": "x"},
		{"id": int64(-9223372036854775808), "name": "\"quoted\", with; every|delimiter\tand\nlines", "flag": false},
		{"id": int64(3), "name": "  spaces  ", "price": builtin.MustDecimal("-0.01")},
		{"id": int64(4), "name": "\uFEFFbom first", "extra": "日本"},
		{"id": int64(5)},
	}
	columns := []string{"id", "name", "price", "rate", "flag", "at", "extra"}
	out, err := csvdoc.Encode(rows, columns)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decoder(t, typ, nil, csvdoc.Options{}).Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("%d rows back, want %d", len(got), len(rows))
	}
	for i, r := range got {
		if r.Err != nil {
			t.Errorf("row %d: %v", i+1, r.Err)
			continue
		}
		if a, b := builtin.Format(r.Value), builtin.Format(rows[i]); a != b {
			t.Errorf("row %d:\ngot  %s\nwant %s", i+1, a, b)
		}
	}
	// The header names come back as written, even ones that need quotes.
	odd := []string{"a,b", "c;d", "e\"f", " g", "h|i"}
	out, err = csvdoc.Encode([]map[string]any{{"a,b": "1", "c;d": "2", "e\"f": "3", " g": "4", "h|i": "5"}}, odd)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decoder(t, nil, nil, csvdoc.Options{}).Decode(out)
	if err != nil || len(back) != 1 || back[0].Err != nil {
		t.Fatalf("%v %+v", err, back)
	}
	if got := builtin.Format(back[0].Value); got != `{" g":"4","a,b":"1","c;d":"2","e\"f":"3","h|i":"5"}` {
		t.Errorf("got %s", got)
	}
}
