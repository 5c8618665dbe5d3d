package xmldoc_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

// walmartSchema is the part of the Walmart Orders schema (module walmart)
// that these tests read, plus the inventory document.
const walmartSchema = `{
  "type": "object",
  "properties": {
    "order": {"$ref": "#/$defs/Order"},
    "list": {"type": "object", "properties": {
      "meta": {"type": "object", "properties": {"totalCount": {"type": "integer"}}},
      "elements": {"type": "object", "properties": {"order": {"type": "array", "items": {"$ref": "#/$defs/Order"}}}}
    }},
    "inventory": {"type": "object", "properties": {
      "sku": {"type": "string"},
      "quantity": {"type": "object", "properties": {"unit": {"type": "string"}, "amount": {"type": "number"}}},
      "fulfillmentLagTime": {"type": "integer"}
    }}
  },
  "$defs": {
    "Amount": {"type": "object", "properties": {"currency": {"type": "string"}, "amount": {"type": "number"}}},
    "Charge": {"type": "object", "properties": {
      "chargeType": {"type": "string"},
      "chargeAmount": {"$ref": "#/$defs/Amount"},
      "tax": {"type": "object", "properties": {"taxName": {"type": "string"}, "taxAmount": {"$ref": "#/$defs/Amount"}}}
    }},
    "Order": {"type": "object", "required": ["purchaseOrderId"], "properties": {
      "purchaseOrderId": {"type": "string"},
      "orderDate": {"type": "string", "x-transload-kind": "timestamp"},
      "orderLines": {"type": "object", "properties": {"orderLine": {"type": "array", "items": {"type": "object", "properties": {
        "lineNumber": {"type": "string"},
        "charges": {"type": "object", "properties": {"charge": {"type": "array", "items": {"$ref": "#/$defs/Charge"}}}},
        "orderLineQuantity": {"type": "object", "properties": {"unitOfMeasurement": {"type": "string"}, "amount": {"type": "string"}}},
        "orderLineStatuses": {"type": "object", "properties": {"orderLineStatus": {"type": "array", "items": {"type": "object"}}}},
        "refund": {"type": "object", "properties": {"refundCharges": {"type": "object", "properties": {
          "refundCharge": {"type": "array", "items": {"type": "object", "properties": {"refundReason": {"type": "string"}, "charge": {"$ref": "#/$defs/Charge"}}}}
        }}}}
      }}}}}
    }}
  }
}`

func walmartType(t testing.TB) *builtin.Type {
	t.Helper()
	typ, err := builtin.TypeFromJSONSchema("walmart.Orders", []byte(walmartSchema), nil)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

func decoder(t testing.TB, typ *builtin.Type, opts xmldoc.Options) *xmldoc.Decoder {
	t.Helper()
	d, err := xmldoc.NewDecoder(typ, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// get follows a path of keys and list indexes ("order", "orderLines", 0…).
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %q: %T is not a map", k, v)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at [%d]: %s is not a list that long", k, builtin.Format(v))
			}
			v = l[k]
		}
	}
	return v
}

func TestDecodeWalmartCorpus(t *testing.T) {
	d := decoder(t, walmartType(t), xmldoc.Options{})
	read := func(name string) any {
		t.Helper()
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "\xEF\xBB\xBF") || !strings.Contains(string(data), "\r\n") {
			t.Fatalf("%s: the corpus file should have a BOM and CRLF line ends", name)
		}
		v, err := d.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}

	t.Run("v3_order.xml", func(t *testing.T) {
		v := read("v3_order.xml")
		if got := get(t, v, "order", "purchaseOrderId"); got != "2575193093772" {
			t.Errorf("purchaseOrderId = %v", got)
		}
		if got, ok := get(t, v, "order", "orderDate").(time.Time); !ok || !got.Equal(time.Date(2016, 5, 11, 22, 55, 28, 0, time.UTC)) {
			t.Errorf("orderDate = %v", get(t, v, "order", "orderDate"))
		}
		// One <orderLine> and one <charge>: lists all the same.
		lines, ok := get(t, v, "order", "orderLines", "orderLine").([]any)
		if !ok || len(lines) != 1 {
			t.Fatalf("orderLine = %s, want a list of one", builtin.Format(get(t, v, "order", "orderLines", "orderLine")))
		}
		amt, ok := get(t, lines[0], "charges", "charge", 0, "chargeAmount", "amount").(builtin.Decimal)
		if !ok || amt.String() != "124.98" {
			t.Errorf("chargeAmount.amount = %#v, want the decimal 124.98", get(t, lines[0], "charges", "charge", 0, "chargeAmount", "amount"))
		}
		if got := get(t, lines[0], "lineNumber"); got != "2" {
			t.Errorf("lineNumber = %#v, want the string 2", got)
		}
		if got := get(t, lines[0], "orderLineQuantity", "amount"); got != "1" {
			t.Errorf("orderLineQuantity.amount = %#v, want the string 1", got)
		}
		// Undeclared elements are kept, inferred: text is a string.
		if got := get(t, v, "order", "shippingInfo", "postalAddress", "country"); got != "USA" {
			t.Errorf("country = %#v", got)
		}
		if got := get(t, lines[0], "orderLineStatuses", "orderLineStatus", 0, "status"); got != "Acknowledged" {
			t.Errorf("status = %#v", got)
		}
	})

	t.Run("v3_order_refund.xml", func(t *testing.T) {
		v := read("v3_order_refund.xml")
		line := get(t, v, "order", "orderLines", "orderLine", 0)
		if n := len(get(t, line, "charges", "charge").([]any)); n != 2 {
			t.Errorf("%d charges, want 2", n)
		}
		refunds := get(t, line, "refund", "refundCharges", "refundCharge").([]any)
		want := []string{"-10.02", "-1.02"}
		for i, r := range refunds {
			d := get(t, r, "charge", "chargeAmount", "amount").(builtin.Decimal)
			if d.String() != want[i] {
				t.Errorf("refund %d = %s, want %s", i, d, want[i])
			}
		}
		if tax := get(t, refunds[1], "charge", "tax", "taxAmount", "amount").(builtin.Decimal); tax.String() != "-0.05" {
			t.Errorf("refund tax = %s", tax)
		}
	})

	t.Run("v3_order_cancel.xml", func(t *testing.T) {
		v := read("v3_order_cancel.xml")
		amt := get(t, v, "order", "orderLines", "orderLine", 0, "charges", "charge", 0, "chargeAmount", "amount").(builtin.Decimal)
		if amt.String() != "0.00" {
			t.Errorf("amount = %s, want 0.00 (scale kept)", amt)
		}
	})

	t.Run("v2_item_inventory.xml", func(t *testing.T) {
		v := read("v2_item_inventory.xml")
		want := `{"inventory":{"fulfillmentLagTime":4,"quantity":{"amount":23,"unit":"EACH"},"sku":"create-gmp1a"}}`
		if got := builtin.Format(v); got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
		if _, ok := get(t, v, "inventory", "fulfillmentLagTime").(int64); !ok {
			t.Errorf("fulfillmentLagTime is a %T, want int64", get(t, v, "inventory", "fulfillmentLagTime"))
		}
	})
}

// schemaOf builds a type from a JSON Schema text.
func schemaOf(t testing.TB, schema string) *builtin.Type {
	t.Helper()
	typ, err := builtin.TypeFromJSONSchema("test.Doc", []byte(schema), nil)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

func TestDecode(t *testing.T) {
	const lineSchema = `{"type": "object", "properties": {"po": {"type": "object", "properties": {
		"id": {"type": "integer"},
		"note": {"type": "string"},
		"line": {"type": "array", "items": {"type": "object", "properties": {
			"@no": {"type": "integer"},
			"qty": {"type": "number"},
			"price": {"x-transload-kind": "money"},
			"weight": {"x-transload-kind": "quantity"}
		}}},
		"flag": {"type": "boolean"},
		"rate": {"x-transload-kind": "double"},
		"at": {"type": "string", "x-transload-kind": "timestamp"},
		"text": {"type": "object", "properties": {"@lang": {"type": "string"}, "#text": {"type": "number"}}},
		"tags": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
	}}}}`
	typ := schemaOf(t, lineSchema)
	cases := []struct {
		name, xml, want string
	}{
		{"one line is a list", `<po><line no="1"><qty>2</qty></line></po>`, `{"po":{"line":[{"@no":1,"qty":2}]}}`},
		{"two lines", `<po><line><qty>2</qty></line><line><qty>3.50</qty></line></po>`, `{"po":{"line":[{"qty":2},{"qty":3.50}]}}`},
		{"prefixes do not matter", `<a:po xmlns:a="urn:a" xmlns:b="urn:b"><b:id>7</b:id><a:line><ns3:qty xmlns:ns3="urn:c">1</ns3:qty></a:line></a:po>`, `{"po":{"id":7,"line":[{"qty":1}]}}`},
		{"money as attribute", `<po><line><price currency="USD">12.30</price></line></po>`, `{"po":{"line":[{"price":{"amount":"12.30","currency":"USD"}}]}}`},
		{"money as children", `<po><line><price><amount> 12.3 </amount><currency>USD</currency></price></line></po>`, `{"po":{"line":[{"price":{"amount":"12.30","currency":"USD"}}]}}`},
		{"money in OAGIS form", `<po><line><price currencyID="JPY">1230</price></line></po>`, `{"po":{"line":[{"price":{"amount":"1230","currency":"JPY"}}]}}`},
		{"quantity", `<po><line><weight uom="KGM">2.5</weight></line><line><weight><value>1</value><uom>LBR</uom></weight></line></po>`, `{"po":{"line":[{"weight":{"uom":"KGM","value":"2.5"}},{"weight":{"uom":"LBR","value":"1"}}]}}`},
		{"typed scalars", `<po><flag>1</flag><rate>0.5</rate><at>2016-05-11T22:55:28.000Z</at><id> +12 </id></po>`, `{"po":{"at":"2016-05-11T22:55:28Z","flag":true,"id":12,"rate":0.5}}`},
		{"xsd decimal forms", `<po><line><qty>.5</qty></line><line><qty>5.</qty></line><line><qty>-0.10</qty></line></po>`, `{"po":{"line":[{"qty":0.5},{"qty":5},{"qty":-0.10}]}}`},
		{"strings keep white space", `<po><note>  a  b </note></po>`, `{"po":{"note":"  a  b "}}`},
		{"empty string", `<po><note/></po>`, `{"po":{"note":""}}`},
		{"empty number is nil", `<po><id></id></po>`, `{"po":{"id":null}}`},
		{"xsi nil", `<po xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><note xsi:nil="true"/><line xsi:nil="true"/></po>`, `{"po":{"line":[null],"note":null}}`},
		{"attributes and text", `<po><text lang="en">4.20</text></po>`, `{"po":{"text":{"#text":4.20,"@lang":"en"}}}`},
		{"map of lists", `<po><tags><a>x</a><b>y</b><a>z</a></tags></po>`, `{"po":{"tags":{"a":["x","z"],"b":["y"]}}}`},
		{"entities and CDATA", `<po><note>a &amp; b &lt; &#233; <![CDATA[<c>]]></note></po>`, `{"po":{"note":"a & b < é <c>"}}`},
		{"CRLF is LF", "<po><note>a\r\nb\rc</note></po>", `{"po":{"note":"a\nb\nc"}}`},
		{"BOM, declaration, comments", "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- c --><po><!-- c --><id>1</id><?pi x?></po>\r\n<!-- end -->\r\n", `{"po":{"id":1}}`},
		{"undeclared kept, inferred", `<po><x a="1"/><y>t</y><y>u</y><z><w>v</w></z><m>t<b>u</b>v</m></po>`, `{"po":{"m":{"#text":"tv","b":"u"},"x":{"@a":"1"},"y":["t","u"],"z":{"w":"v"}}}`},
		{"schema location and namespaces are not data", `<po xmlns="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x po.xsd"><id>1</id></po>`, `{"po":{"id":1}}`},
	}
	d := decoder(t, typ, xmldoc.Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := d.Decode([]byte(c.xml))
			if err != nil {
				t.Fatal(err)
			}
			if got := builtin.Format(v); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestDecodeInferred(t *testing.T) {
	d := decoder(t, nil, xmldoc.Options{})
	cases := []struct{ xml, want string }{
		{`<a/>`, `{"a":""}`},
		{`<a>1</a>`, `{"a":"1"}`}, // numbers are never inferred
		{`<a><b>1</b></a>`, `{"a":{"b":"1"}}`},
		{`<a><b>1</b><b>2</b><b>3</b></a>`, `{"a":{"b":["1","2","3"]}}`},
		{`<a x="1">  </a>`, `{"a":{"@x":"1"}}`},
		{`<a x="1">t</a>`, `{"a":{"#text":"t","@x":"1"}}`},
		{"<a>\n  <b/>\n</a>", `{"a":{"b":""}}`},
	}
	for _, c := range cases {
		v, err := d.Decode([]byte(c.xml))
		if err != nil {
			t.Errorf("%s: %v", c.xml, err)
			continue
		}
		if got := builtin.Format(v); got != c.want {
			t.Errorf("%s: got %s, want %s", c.xml, got, c.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	typ := schemaOf(t, `{"type": "object", "properties": {"po": {"type": "object", "required": ["id"], "properties": {
		"id": {"type": "integer"},
		"name": {"type": "string"},
		"line": {"type": "array", "items": {"type": "object", "properties": {
			"qty": {"type": "number"},
			"price": {"x-transload-kind": "money"},
			"at": {"type": "string", "x-transload-kind": "timestamp"},
			"@no": {"type": "integer"}
		}}}
	}}}}`)
	cases := []struct {
		name, xml, reason, path string
	}{
		{"not XML", `{"po": 1}`, xmldoc.ReasonInvalidXML, ""},
		{"empty", ``, xmldoc.ReasonInvalidXML, ""},
		{"unclosed", `<po><id>1</id>`, xmldoc.ReasonInvalidXML, ""},
		{"mismatched tags", `<po><id>1</name></po>`, xmldoc.ReasonInvalidXML, ""},
		{"second root", `<po><id>1</id></po><po/>`, xmldoc.ReasonInvalidXML, ""},
		{"text after root", `<po><id>1</id></po>x`, xmldoc.ReasonInvalidXML, ""},
		{"XXE", `<!DOCTYPE po [<!ENTITY x SYSTEM "file:///etc/passwd">]><po><id>1</id><name>&x;</name></po>`, xmldoc.ReasonInvalidXML, ""},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><po><name>&lol2;</name></po>`, xmldoc.ReasonInvalidXML, ""},
		{"unknown entity", `<po><id>1</id><name>&nbsp;</name></po>`, xmldoc.ReasonInvalidXML, "po.name"},
		{"not UTF-8", `<?xml version="1.0" encoding="ISO-8859-1"?><po><id>1</id></po>`, xmldoc.ReasonInvalidXML, ""},
		{"invalid UTF-8", "<po><id>1</id><name>\xff</name></po>", xmldoc.ReasonInvalidXML, ""},
		{"invalid UTF-8 in an attribute", "<po a=\"\xff\"><id>1</id></po>", xmldoc.ReasonInvalidXML, ""},
		{"control character", "<po><id>1</id><name>\x01</name></po>", xmldoc.ReasonInvalidXML, ""},
		{"wrong root", `<order><id>1</id></order>`, xmldoc.ReasonSchemaMismatch, "order"},
		{"missing required", `<po><name>x</name></po>`, xmldoc.ReasonSchemaMismatch, "po"},
		{"not an integer", `<po><id>1.5</id></po>`, xmldoc.ReasonSchemaMismatch, "po.id"},
		{"integer overflow", `<po><id>99999999999999999999</id></po>`, xmldoc.ReasonSchemaMismatch, "po.id"},
		{"decimal comma", `<po><id>1</id><line/><line><qty>2,5</qty></line></po>`, xmldoc.ReasonSchemaMismatch, "po.line[1].qty"},
		{"exponent", `<po><id>1</id><line><qty>1E3</qty></line></po>`, xmldoc.ReasonSchemaMismatch, "po.line[0].qty"},
		{"repeated single element", `<po><id>1</id><id>2</id></po>`, xmldoc.ReasonSchemaMismatch, "po.id"},
		{"children in a string", `<po><id>1</id><name><first>a</first></name></po>`, xmldoc.ReasonSchemaMismatch, "po.name"},
		{"bad attribute", `<po><id>1</id><line no="x"/></po>`, xmldoc.ReasonSchemaMismatch, "po.line[0].@no"},
		{"colliding attributes", `<po xmlns:a="urn:a" xmlns:b="urn:b" a:x="1" b:x="2"><id>1</id></po>`, xmldoc.ReasonSchemaMismatch, "po"},
		{"money: fraction of a cent", `<po><id>1</id><line><price currency="USD">1.005</price></line></po>`, builtin.ReasonInvalidMoney, "po.line[0].price"},
		{"money: unknown currency", `<po><id>1</id><line><price currency="XYZ">1</price></line></po>`, builtin.ReasonUnknownCurrency, "po.line[0].price"},
		{"money: no currency", `<po><id>1</id><line><price>1</price></line></po>`, builtin.ReasonInvalidMoney, "po.line[0].price"},
		{"not a timestamp", `<po><id>1</id><line><at>2016-05-11 22:55</at></line></po>`, builtin.ReasonInvalidDate, "po.line[0].at"},
		{"no zone", `<po><id>1</id><line><at>2016-05-11T22:55:28</at></line></po>`, builtin.ReasonInvalidDate, "po.line[0].at"},
		// A schema error early in a body that is not XML further on: the
		// body is reported as not XML.
		{"schema error then broken", `<po><id>x</id><name>`, xmldoc.ReasonInvalidXML, ""},
		{"wrong root then broken", `<order><id>1</id>`, xmldoc.ReasonInvalidXML, ""},
		{"bad prefix form", `<a:><id>1</id></a:>`, xmldoc.ReasonInvalidXML, ""},
		{"local name not a name", `<p:0 xmlns:p="u"><id>1</id></p:0>`, xmldoc.ReasonInvalidXML, ""},
	}
	d := decoder(t, typ, xmldoc.Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := d.Decode([]byte(c.xml))
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
			if got := builtin.ReasonOf(err); got != c.reason {
				t.Errorf("reason %s, want %s: %v", got, c.reason, err)
			}
			var e *xmldoc.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not an *xmldoc.Error", err)
			}
			if c.path != "" && e.Path != c.path {
				t.Errorf("path %q, want %q: %v", e.Path, c.path, err)
			}
			if e.Line < 1 && c.xml != "" {
				t.Errorf("no line: %v", err)
			}
		})
	}
}

func TestDecodeLimits(t *testing.T) {
	deep := strings.Repeat("<a>", 30) + strings.Repeat("</a>", 30)
	d := decoder(t, nil, xmldoc.Options{MaxDepth: 20, MaxBytes: 1000})
	if _, err := d.Decode([]byte(deep)); builtin.ReasonOf(err) != xmldoc.ReasonLimitExceeded {
		t.Errorf("depth 30 with a limit of 20: %v", err)
	}
	if _, err := d.Decode([]byte("<a>" + strings.Repeat("x", 1000) + "</a>")); builtin.ReasonOf(err) != xmldoc.ReasonLimitExceeded {
		t.Errorf("1007 bytes with a limit of 1000: %v", err)
	}
	if _, err := d.Decode([]byte(strings.Repeat("<a>", 20) + strings.Repeat("</a>", 20))); err != nil {
		t.Errorf("depth 20: %v", err)
	}
	// The default depth limit holds on skipped and typed parts alike, and
	// deep nesting cannot exhaust the stack.
	def := decoder(t, walmartType(t), xmldoc.Options{})
	body := "<order><purchaseOrderId>1</purchaseOrderId><x>" + strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000) + "</x></order>"
	if _, err := def.Decode([]byte(body)); builtin.ReasonOf(err) != xmldoc.ReasonLimitExceeded {
		t.Errorf("depth 100000: %v", err)
	}
}

func TestNewDecoderRefusesScalarTypes(t *testing.T) {
	if _, err := xmldoc.NewDecoder(builtin.StringType, xmldoc.Options{}); err == nil {
		t.Error("a string document type was accepted")
	}
}

func TestRootList(t *testing.T) {
	typ := schemaOf(t, `{"type": "object", "properties": {"r": {"type": "array", "items": {"type": "integer"}}}}`)
	v, err := decoder(t, typ, xmldoc.Options{}).Decode([]byte(`<r>5</r>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := builtin.Format(v); got != `{"r":[5]}` {
		t.Errorf("got %s", got)
	}
}
