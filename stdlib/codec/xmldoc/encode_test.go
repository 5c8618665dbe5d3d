package xmldoc_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

func money(t *testing.T, amount, cur string) builtin.Money {
	t.Helper()
	m, err := builtin.ParseMoney(amount, cur)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEncode(t *testing.T) {
	doc := map[string]any{
		"@releaseID": "9.2",
		"id":         int64(42),
		"note":       "a & b < c > d \"e\" 'f'\r\nnext",
		"skip":       nil,
		"line": []any{
			map[string]any{"@no": int64(1), "sku": "A-1", "qty": builtin.Quantity{Value: builtin.MustDecimal("2"), UOM: "EA"}, "price": money(t, "12.3", "USD")},
			map[string]any{"@no": int64(2), "sku": "B-2", "empty": map[string]any{}},
		},
		"text":  map[string]any{"@lang": "en", "#text": "Hello"},
		"when":  time.Date(2016, 5, 11, 22, 55, 28, 500_000_000, time.UTC),
		"ok":    true,
		"rate":  builtin.MustDecimal("-0.0825"),
		"blank": "",
	}
	got, err := xmldoc.Encode("PO", doc, xmldoc.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<PO releaseID="9.2"><blank/><id>42</id>` +
		`<line no="1"><price currency="USD">12.30</price><qty uom="EA">2</qty><sku>A-1</sku></line>` +
		`<line no="2"><empty/><sku>B-2</sku></line>` +
		`<note>a &amp; b &lt; c &gt; d "e" 'f'&#xD;` + "\n" + `next</note>` +
		`<ok>true</ok><rate>-0.0825</rate><text lang="en">Hello</text><when>2016-05-11T22:55:28.5Z</when></PO>`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// OAGIS names, a default namespace and indentation.
	got, err = xmldoc.Encode("SyncSalesOrder", map[string]any{
		"@releaseID": "9.2",
		"DataArea": map[string]any{
			"SalesOrder": map[string]any{
				"SalesOrderLine": []any{
					map[string]any{"Quantity": builtin.Quantity{Value: builtin.MustDecimal("1"), UOM: "EA"}, "UnitPrice": map[string]any{"Amount": money(t, "5", "EUR")}},
				},
			},
		},
	}, xmldoc.EncodeOptions{Namespace: "http://schema.infor.com/InforOAGIS/2", Indent: "  ", CurrencyAttr: "currencyID", UnitAttr: "unitCode"})
	if err != nil {
		t.Fatal(err)
	}
	want = `<?xml version="1.0" encoding="UTF-8"?>
<SyncSalesOrder xmlns="http://schema.infor.com/InforOAGIS/2" releaseID="9.2">
  <DataArea>
    <SalesOrder>
      <SalesOrderLine>
        <Quantity unitCode="EA">1</Quantity>
        <UnitPrice>
          <Amount currencyID="EUR">5.00</Amount>
        </UnitPrice>
      </SalesOrderLine>
    </SalesOrder>
  </DataArea>
</SyncSalesOrder>
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		name string
		root string
		v    any
	}{
		{"root list", "r", []any{"a"}},
		{"bad root name", "1r", map[string]any{}},
		{"bad element name", "r", map[string]any{"a b": "x"}},
		{"prefixed name", "r", map[string]any{"p:a": "x"}},
		{"bad attribute name", "r", map[string]any{"@": "x"}},
		{"unknown special key", "r", map[string]any{"#comment": "x"}},
		{"list in a list", "r", map[string]any{"a": []any{[]any{"x"}}}},
		{"control character", "r", map[string]any{"a": "x\x00y"}},
		{"invalid UTF-8", "r", map[string]any{"a": "x\xffy"}},
		{"not a number", "r", map[string]any{"a": math.NaN()}},
		{"map as attribute", "r", map[string]any{"@a": map[string]any{}}},
		{"money as attribute", "r", map[string]any{"@a": builtin.Money{}}},
		{"unsupported type", "r", map[string]any{"a": struct{}{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if out, err := xmldoc.Encode(c.root, c.v, xmldoc.EncodeOptions{}); err == nil {
				t.Errorf("encoded %s", out)
			}
		})
	}
}

// TestRoundTrip encodes native documents and decodes them with their
// schema: they come back equal, lists of one included.
func TestRoundTrip(t *testing.T) {
	typ := schemaOf(t, `{"type": "object", "properties": {"SalesOrder": {"type": "object", "properties": {
		"@id": {"type": "string"},
		"number": {"type": "integer"},
		"placed": {"type": "string", "x-transload-kind": "timestamp"},
		"rush": {"type": "boolean"},
		"note": {"type": "string"},
		"total": {"x-transload-kind": "money"},
		"rate": {"type": "number"},
		"tags": {"type": "array", "items": {"type": "string"}},
		"refs": {"type": "object", "additionalProperties": {"type": "string"}},
		"line": {"type": "array", "items": {"type": "object", "properties": {
			"@no": {"type": "integer"},
			"sku": {"type": "string"},
			"qty": {"x-transload-kind": "quantity"},
			"price": {"x-transload-kind": "money"},
			"desc": {"type": "object", "properties": {"@lang": {"type": "string"}, "#text": {"type": "string"}}}
		}}}
	}}}}`)
	docs := []map[string]any{
		{
			"@id":    "SO-1",
			"number": int64(-9007199254740993),
			"placed": time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
			"rush":   false,
			"note":   "  spaces, tabs\tand\nlines\r\n & <markup> \"quotes\" 'apostrophes' é 日本 😀 ",
			"total":  money(t, "-10.02", "USD"),
			"rate":   builtin.MustDecimal("0.0825"),
			"tags":   []any{"only one"},
			"refs":   map[string]any{"a": "1", "b": ""},
			"line": []any{
				map[string]any{"@no": int64(1), "sku": "A", "qty": builtin.Quantity{Value: builtin.MustDecimal("2.50"), UOM: "KGM"}, "price": money(t, "1230", "JPY"), "desc": map[string]any{"@lang": "en", "#text": "x"}},
			},
		},
		{"line": []any{map[string]any{"sku": "A"}, map[string]any{"sku": "B"}, map[string]any{"sku": "C"}}},
		{},
	}
	d := decoder(t, typ, xmldoc.Options{})
	for i, doc := range docs {
		for _, opts := range []xmldoc.EncodeOptions{{}, {Indent: "\t", CurrencyAttr: "currencyID", UnitAttr: "unitCode"}} {
			data, err := xmldoc.Encode("SalesOrder", doc, opts)
			if err != nil {
				t.Fatalf("doc %d: %v", i, err)
			}
			back, err := d.Decode(data)
			if err != nil {
				t.Fatalf("doc %d: %v\n%s", i, err, data)
			}
			want := builtin.Format(map[string]any{"SalesOrder": doc})
			if got := builtin.Format(back); got != want {
				t.Errorf("doc %d (%+v):\ngot  %s\nwant %s\n%s", i, opts, got, want, data)
			}
		}
	}
}

// TestRoundTripCorpus decodes the Walmart XML files without a schema,
// encodes what came out, and decodes that again: the same document.
func TestRoundTripCorpus(t *testing.T) {
	d := decoder(t, nil, xmldoc.Options{})
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := d.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		root := v.(map[string]any)
		for name, content := range root {
			out, err := xmldoc.Encode(name, content, xmldoc.EncodeOptions{Indent: "  "})
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			again, err := d.Decode(out)
			if err != nil {
				t.Fatalf("%s: %v\n%s", f, err, out)
			}
			if builtin.Format(again) != builtin.Format(v) {
				t.Errorf("%s: round trip changed the document:\n%s\n%s", f, builtin.Format(v), builtin.Format(again))
			}
			if !strings.HasPrefix(string(out), `<?xml version="1.0" encoding="UTF-8"?>`) {
				t.Errorf("%s: no XML declaration", f)
			}
		}
	}
}

// TestEncodeTypeOrder: with the content's type, children come in the
// order it declares its fields, through nested objects and repeated
// elements; keys it does not declare follow, sorted; attributes stay
// attributes, wherever the type lists them.
func TestEncodeTypeOrder(t *testing.T) {
	line := builtin.ObjectType("Line",
		&builtin.Field{Name: "sku", Type: builtin.StringType}, &builtin.Field{Name: "qty", Type: builtin.IntType})
	note := builtin.ObjectType("Note",
		&builtin.Field{Name: "@lang", Type: builtin.StringType},
		&builtin.Field{Name: "to", Type: builtin.StringType}, &builtin.Field{Name: "from", Type: builtin.StringType},
		&builtin.Field{Name: "line", Type: builtin.ListOf(line)})
	v := map[string]any{
		"from": "Jani", "to": "Tove", "zeta": "z", "alpha": "a", "@lang": "en",
		"line": []any{map[string]any{"qty": int64(3), "sku": "B-2"}, map[string]any{"qty": int64(1), "sku": "A-1", "note": "x"}},
	}
	got, err := xmldoc.Encode("note", v, xmldoc.EncodeOptions{Type: note})
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?><note lang="en"><to>Tove</to><from>Jani</from>` +
		`<line><sku>B-2</sku><qty>3</qty></line><line><sku>A-1</sku><qty>1</qty><note>x</note></line><alpha>a</alpha><zeta>z</zeta></note>`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	sorted, _ := xmldoc.Encode("note", v, xmldoc.EncodeOptions{})
	if !strings.Contains(string(sorted), "<alpha>a</alpha><from>Jani</from><line><qty>3</qty><sku>B-2</sku>") {
		t.Errorf("without a type: %s", sorted)
	}
}
