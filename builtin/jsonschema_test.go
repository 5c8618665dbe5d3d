package builtin_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
)

var update = flag.Bool("update", false, "rewrite golden files")

// dirResolver resolves $refs to files under dir and records what it was
// asked for.
func dirResolver(dir string, asked *[]string) func(string) ([]byte, error) {
	return func(ref string) ([]byte, error) {
		if asked != nil {
			*asked = append(*asked, ref)
		}
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(ref)))
	}
}

func loadSchema(t *testing.T, name, file string, asked *[]string) *builtin.Type {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/jsonschema", file))
	if err != nil {
		t.Fatal(err)
	}
	typ, err := builtin.TypeFromJSONSchema(name, data, dirResolver(filepath.Join("testdata/jsonschema", filepath.Dir(file)), asked))
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

// fieldType follows a dotted path of fields; "[]" steps into a list or map
// element.
func fieldType(t *testing.T, typ *builtin.Type, path string) (*builtin.Type, *builtin.Field) {
	t.Helper()
	var f *builtin.Field
	for seg := range strings.SplitSeq(path, ".") {
		for strings.HasSuffix(seg, "[]") {
			seg = strings.TrimSuffix(seg, "[]")
			if seg != "" {
				if f = typ.Field(seg); f == nil {
					t.Fatalf("%s: no field %q in %s", path, seg, typ)
				}
				typ = f.Type
				seg = ""
			}
			if typ.Elem == nil {
				t.Fatalf("%s: %s has no element type", path, typ)
			}
			typ = typ.Elem
		}
		if seg == "" {
			continue
		}
		if f = typ.Field(seg); f == nil {
			t.Fatalf("%s: no field %q in %s (fields %v)", path, seg, typ, typ.FieldNames())
		}
		typ = f.Type
	}
	return typ, f
}

func TestTypeFromJSONSchemaShopify(t *testing.T) {
	order := loadSchema(t, "shopify.Order", "shopify/order.json", nil)
	if order.Kind != builtin.KindObject || order.Name != "shopify.Order" {
		t.Fatalf("root = %s (%s)", order, order.Kind)
	}
	if !strings.HasPrefix(order.Doc, "A Shopify REST Admin order") {
		t.Errorf("root doc = %q", order.Doc)
	}
	if got := order.FieldNames()[:4]; !slices.Equal(got, []string{"id", "admin_graphql_api_id", "name", "order_number"}) {
		t.Errorf("fields are not in document order: %v", got)
	}
	cases := []struct {
		path     string
		want     string // Type.String()
		required bool
	}{
		{"id", "int", true},
		{"name", "string", true},
		{"email", "string", false},
		{"created_at", "timestamp", true},
		{"updated_at", "string", false},
		{"processed_at", "string", false},
		{"financial_status", "string", false},
		{"total_price", "decimal", false},
		{"total_price_set", "shopify.Order.MoneyBag", false},
		{"total_price_set.shop_money", "shopify.Order.ShopifyMoney", false},
		{"total_price_set.shop_money.amount", "decimal", true},
		{"line_items", "list(shopify.Order.LineItem)", true},
		{"line_items[].id", "int", true},
		{"line_items[].variant_id", "int", false},
		{"line_items[].sku", "string", false},
		{"line_items[].price", "decimal", true},
		{"line_items[].tax_lines[].rate", "decimal", false},
		{"line_items[].properties[].value", "dyn", false},
		{"line_items[].duties", "list(dyn)", false},
		{"customer", "shopify.Order.customer", false},
		{"customer.default_address", "shopify.Order.customer.default_address", false},
		{"billing_address", "shopify.Order.Address", false},
		{"shipping_address.latitude", "decimal", false},
		{"client_details", "map(string, dyn)", false},
		{"note_attributes", "list(shopify.Order.note_attributes)", false},
		{"discount_codes[].type", "string", false},
		{"shipping_lines[].title", "string", true},
		{"refunds[].refund_line_items[].subtotal", "decimal", false},
		{"refunds[].refund_line_items[].line_item", "shopify.Order.LineItem", false},
		{"payment_gateway_names", "list(string)", false},
		{"cancel_reason", "string", false},
	}
	for _, c := range cases {
		typ, f := fieldType(t, order, c.path)
		if typ.String() != c.want || f.Required != c.required {
			t.Errorf("%s: %s required=%v, want %s required=%v", c.path, typ, f.Required, c.want, c.required)
		}
	}

	id, idField := fieldType(t, order, "id")
	if id != builtin.IntType || idField.Example != "450789469" || !strings.Contains(idField.Doc, "2^53") {
		t.Errorf("id: %+v", idField)
	}
	if typ, _ := fieldType(t, order, "email"); typ.MaxLength != 320 {
		t.Errorf("email maxLength = %d", typ.MaxLength)
	}
	if typ, _ := fieldType(t, order, "line_items"); typ.MaxItems != 500 {
		t.Errorf("line_items maxItems = %d", typ.MaxItems)
	}
	fs, fsField := fieldType(t, order, "financial_status")
	if fs.Name != "shopify.Order.FinancialStatus" || len(fs.Enum) != 7 || fs.Enum[4] != "partially_refunded" {
		t.Errorf("financial_status = %+v", fs)
	}
	_ = fsField
	if cr, _ := fieldType(t, order, "cancel_reason"); len(cr.Enum) != 6 || slices.Contains(cr.Enum, "") {
		t.Errorf("cancel_reason enum = %q", cr.Enum)
	}
	if _, f := fieldType(t, order, "total_price"); !strings.Contains(f.Doc, "decimal amount sent as a string") {
		t.Errorf("a $ref field takes its doc from the definition: %q", f.Doc)
	}
	if bag, _ := fieldType(t, order, "total_tax_set"); !strings.Contains(bag.Doc, "shop and in the presentment") {
		t.Errorf("MoneyBag doc = %q", bag.Doc)
	}
	// One definition, one *Type, wherever it is referenced.
	li, _ := fieldType(t, order, "line_items[]")
	fli, _ := fieldType(t, order, "fulfillments[].line_items[]")
	rli, _ := fieldType(t, order, "refunds[].refund_line_items[].line_item")
	if li != fli || li != rli {
		t.Error("LineItem is converted more than once")
	}
	ts := builtin.NewTypes()
	if err := ts.Add(order); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"shopify.Order", "shopify.Order.LineItem", "shopify.Order.TaxLine", "shopify.Order.customer.default_address", "shopify.Order.discount_codes"} {
		if ts.Lookup(n) == nil {
			t.Errorf("type %s not registered; have %v", n, ts.Names())
		}
	}
}

// TestJSONSchemaTypeChecksCEL is what the import is for: expressions over a
// source declared by a JSON Schema are checked against it at load.
func TestJSONSchemaTypeChecksCEL(t *testing.T) {
	order := loadSchema(t, "shopify.Order", "shopify/order.json", nil)
	ts := builtin.NewTypes()
	if err := ts.Add(order); err != nil {
		t.Fatal(err)
	}
	env, err := builtin.NewEnv(builtin.NewRegistry().MustAdd(testLib()), ts, builtin.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	scope, err := env.Scope([]builtin.Var{{Name: "input", Type: order}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]string{
		"input.line_items.map(l, l.sku)":                         "list(string)",
		"input.total_price + input.total_tax":                    "decimal",
		"input.id":                                               "int",
		"input.customer.default_address.city":                    "string",
		"input.line_items.exists(l, l.tax_lines.size() > 0)":     "bool",
		"input.created_at":                                       "timestamp",
		"input.client_details['user_agent']":                     "dyn",
		"input.line_items[0].price_set.shop_money.currency_code": "string",
	}
	for src, want := range good {
		p, iss := scope.Compile(builtin.CEL, src, nil)
		if iss != nil {
			t.Errorf("%s: %v", src, iss)
			continue
		}
		if p.Type.String() != want {
			t.Errorf("%s: type %s, want %s", src, p.Type, want)
		}
	}
	_, iss := scope.Compile(builtin.CEL, "input.line_itmes.size()", nil)
	if len(iss) == 0 || !strings.Contains(iss[0].Detail, `Did you mean "line_items"?`) {
		t.Errorf("typo: %v", iss)
	}
	_, iss = scope.Compile(builtin.CEL, "input.line_items[0].skew", nil)
	if len(iss) == 0 || !strings.Contains(iss[0].Detail, "shopify.Order.LineItem has no field") {
		t.Errorf("typo in a nested type: %v", iss)
	}
}

func TestTypeFromJSONSchemaExternalRefs(t *testing.T) {
	var asked []string
	order := loadSchema(t, "canonical.Order", "canonical/order.json", &asked)
	if !slices.Equal(asked, []string{"defs/common.json", "defs/country.json"}) {
		t.Errorf("resolver asked for %q: each document once, relative to the referencing one", asked)
	}
	cases := []struct {
		path, want string
		required   bool
	}{
		{"order_id", "string", true},
		{"channel", "string", true},
		{"ordered_at", "timestamp", false},
		{"total", "money", true},
		{"ship_to", "canonical.Order.Address", false},
		{"ship_to.country", "string", true},
		{"ship_to.postal_code", "string", false},
		{"bill_to", "canonical.Order.bill_to", false},
		{"bill_to.country", "string", true},
		{"bill_to.vat_id", "string", true},
		{"bill_to.lines", "list(string)", false},
		{"lines", "list(canonical.Order.OrderLine)", true},
		{"lines[].quantity", "quantity", true},
		{"lines[].unit_price", "money", true},
		{"lines[].children", "list(canonical.Order.OrderLine)", false},
		{"attributes", "map(string, string)", false},
		{"extra", "map(string, dyn)", false},
		{"weights", "list(double)", false},
	}
	for _, c := range cases {
		typ, f := fieldType(t, order, c.path)
		if typ.String() != c.want || f.Required != c.required {
			t.Errorf("%s: %s required=%v, want %s required=%v", c.path, typ, f.Required, c.want, c.required)
		}
	}
	ch, chf := fieldType(t, order, "channel")
	if ch.Name != "canonical.Order.Channel" || len(ch.Enum) != 5 || ch.Doc != "Sales channel." || chf.Doc != "" {
		t.Errorf("channel = %+v, field doc %q", ch, chf.Doc)
	}
	if c, _ := fieldType(t, order, "ship_to.country"); c.MaxLength != 2 || c.Doc == "" {
		t.Errorf("country from defs/country.json = %+v", c)
	}
	if a, _ := fieldType(t, order, "attributes"); a.MaxItems != 50 {
		t.Errorf("maxProperties = %d", a.MaxItems)
	}
	line, _ := fieldType(t, order, "lines[]")
	kid, _ := fieldType(t, order, "lines[].children[]")
	if line != kid {
		t.Error("a recursive definition must reuse its *Type")
	}
	if _, f := fieldType(t, order, "lines[].sku"); f.Example != `"A-100"` {
		t.Errorf("example = %q", f.Example)
	}
	if bt, _ := fieldType(t, order, "bill_to"); !slices.Equal(bt.FieldNames(), []string{"name", "lines", "city", "postal_code", "country", "vat_id"}) {
		t.Errorf("allOf merge: %v", bt.FieldNames())
	}
	if err := builtin.NewTypes().Add(order); err != nil {
		t.Fatal(err)
	}
}

func TestTypeFromJSONSchemaRecursive(t *testing.T) {
	tree := loadSchema(t, "x.Tree", "recursive.json", nil)
	if kids, _ := fieldType(t, tree, "children[]"); kids != tree {
		t.Error(`{"$ref": "#"} must be the root type itself`)
	}
	node, _ := fieldType(t, tree, "head")
	next, nf := fieldType(t, tree, "head.next")
	if node.Name != "x.Tree.Node" || next != node || nf.Required {
		t.Errorf("head = %s, next = %s", node, next)
	}
	if nested, _ := fieldType(t, tree, "nested"); nested.String() != "list(dyn)" {
		t.Errorf("a cycle through arrays only ends in dyn, got %s", nested)
	}
	if s := tree.String(); s != "x.Tree" {
		t.Error(s)
	}
}

func TestTypeFromJSONSchemaRules(t *testing.T) {
	cases := []struct {
		name, schema, want string
	}{
		{"integer", `{"type":"integer"}`, "int"},
		{"number is decimal", `{"type":"number"}`, "decimal"},
		{"boolean", `{"type":"boolean"}`, "bool"},
		{"null", `{"type":"null"}`, "null"},
		{"nullable string", `{"type":["string","null"]}`, "string"},
		{"integer or number", `{"type":["integer","number"]}`, "decimal"},
		{"two types", `{"type":["string","integer"]}`, "dyn"},
		{"oneOf differing", `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, "dyn"},
		{"anyOf one and null", `{"anyOf":[{"type":"string"},{"type":"null"}]}`, "string"},
		{"oneOf equal", `{"oneOf":[{"type":"integer","minimum":1},{"type":"integer","maximum":-1}]}`, "int"},
		{"date-time stays string", `{"type":"string","format":"date-time"}`, "string"},
		{"money kind on a string", `{"type":"string","x-transload-kind":"money"}`, "money"},
		{"quantity kind", `{"type":"object","x-transload-kind":"quantity"}`, "quantity"},
		{"decimal kind", `{"type":"string","x-transload-kind":"decimal"}`, "decimal"},
		{"timestamp kind", `{"type":"string","x-transload-kind":"timestamp"}`, "timestamp"},
		{"any kind", `{"type":"object","properties":{"a":{}},"x-transload-kind":"any"}`, "dyn"},
		{"array", `{"type":"array","items":{"type":"boolean"}}`, "list(bool)"},
		{"array without items", `{"type":"array"}`, "list(dyn)"},
		{"tuple", `{"type":"array","items":[{"type":"string"}]}`, "list(dyn)"},
		{"inferred array", `{"items":{"type":"string"}}`, "list(string)"},
		{"enum infers string", `{"enum":["a","b"]}`, "string"},
		{"enum infers int", `{"enum":[1,2]}`, "int"},
		{"empty schema", `{}`, "dyn"},
		{"true schema", `true`, "dyn"},
		{"map", `{"type":"object","additionalProperties":{"type":"integer"}}`, "map(string, int)"},
		{"bare object", `{"type":"object"}`, "map(string, dyn)"},
		{"object", `{"type":"object","properties":{"a":{"type":"string"}}}`, "t"},
		{"inferred object", `{"properties":{"a":{"type":"string"}}}`, "t"},
		{"closed empty object", `{"type":"object","additionalProperties":false}`, "t"},
		{"unknown keywords ignored", `{"type":"string","pattern":"^x","minLength":1,"if":{"const":1},"then":false,"deprecated":true,"x-other":{}}`, "string"},
		{"allOf of scalars", `{"allOf":[{"description":"d"},{"type":"integer"}]}`, "int"},
		{"allOf of objects", `{"allOf":[{"properties":{"a":{"type":"string"}}},{"properties":{"b":{"type":"integer"}}}]}`, "t"},
		{"openapi nullable", `{"type":"string","nullable":true}`, "string"},
		{"ref to anchor", `{"$ref":"#thing","$defs":{"X":{"$anchor":"thing","type":"integer"}}}`, "int"},
		{"percent-encoded ref", `{"$ref":"#/$defs/A%20B","$defs":{"A B":{"type":"boolean"}}}`, "bool"},
		{"pointer escapes", `{"$ref":"#/$defs/a~1b","$defs":{"a/b":{"type":"boolean"}}}`, "bool"},
		{"ref into properties", `{"type":"object","properties":{"a":{"type":"object","properties":{"x":{"type":"string"}}},"b":{"$ref":"#/properties/a"}}}`, "t"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			typ, err := builtin.TypeFromJSONSchema("t", []byte(c.schema), nil)
			if err != nil {
				t.Fatal(err)
			}
			if typ.String() != c.want {
				t.Errorf("got %s, want %s", typ, c.want)
			}
		})
	}
}

func TestTypeFromJSONSchemaDetails(t *testing.T) {
	conv := func(schema string) *builtin.Type {
		t.Helper()
		typ, err := builtin.TypeFromJSONSchema("t", []byte(schema), nil)
		if err != nil {
			t.Fatal(err)
		}
		return typ
	}
	// Nullable required fields are not Required: null is absence.
	typ := conv(`{"type":"object","required":["a","b","c"],"properties":{"a":{"type":"string"},"b":{"type":["string","null"]},"c":{"anyOf":[{"type":"integer"},{"type":"null"}]},"d":{"type":"string"}}}`)
	for name, want := range map[string]bool{"a": true, "b": false, "c": false, "d": false} {
		if got := typ.Field(name).Required; got != want {
			t.Errorf("%s.Required = %v, want %v", name, got, want)
		}
	}
	// Predeclared types are shared and never modified.
	typ = conv(`{"properties":{"a":{"type":"string","maxLength":5,"description":"five"},"b":{"type":"string","description":"plain"}}}`)
	if typ.Field("a").Type == builtin.StringType || typ.Field("a").Type.MaxLength != 5 {
		t.Error("maxLength must give a fresh string type")
	}
	if typ.Field("b").Type != builtin.StringType || builtin.StringType.Doc != "" || typ.Field("b").Doc != "plain" {
		t.Error("a plain string is the shared StringType, its description on the field")
	}
	// Names: property paths, titles, $defs keys, the extension, collisions.
	typ = conv(`{"properties":{
		"a":{"properties":{"b":{"properties":{"x":{"type":"string"}}}}},
		"c":{"title":"Addr","properties":{"x":{"type":"string"}}},
		"d":{"title":"Not an identifier","properties":{"x":{"type":"string"}}},
		"e":{"x-transload-type":"my.Exact","properties":{"x":{"type":"string"}}},
		"f":{"$ref":"#/$defs/Addr"},
		"g":{"type":"array","items":{"properties":{"x":{"type":"string"}}}},
		"h":{"type":"object","additionalProperties":{"properties":{"x":{"type":"string"}}}}
	},"$defs":{"Addr":{"properties":{"y":{"type":"string"}}}}}`)
	names := map[string]string{
		"a": "t.a", "c": "t.Addr", "d": "t.d", "e": "my.Exact", "f": "t.Addr_2",
	}
	for f, want := range names {
		if got := typ.Field(f).Type.Name; got != want {
			t.Errorf("%s: name %q, want %q", f, got, want)
		}
	}
	if got := typ.Field("a").Type.Field("b").Type.Name; got != "t.a.b" {
		t.Errorf("nested path name %q", got)
	}
	if got := typ.Field("g").Type.Elem.Name; got != "t.g" {
		t.Errorf("array items name %q", got)
	}
	if got := typ.Field("h").Type.String(); got != "map(string, t.h)" {
		t.Errorf("map values %q", got)
	}
	if err := builtin.NewTypes().Add(typ); err != nil {
		t.Errorf("names must be unique: %v", err)
	}
	// A name given for the root wins over title and the extension.
	typ = conv(`{"title":"Other","x-transload-type":"other.T","properties":{"a":{"type":"string"}}}`)
	if typ.Name != "t" {
		t.Errorf("root name %q", typ.Name)
	}
	// Without a name, the title is the name.
	typ, err := builtin.TypeFromJSONSchema("", []byte(`{"title":"Order","properties":{"a":{"type":"string"}}}`), nil)
	if err != nil || typ.Name != "Order" {
		t.Errorf("untitled: %v %v", typ, err)
	}
	// Examples: the first of examples, or OpenAPI's example, as JSON text.
	typ = conv(`{"properties":{"a":{"type":"object","examples":[{"k": [1, 2.50]}, 2]},"b":{"type":"integer","example":7}}}`)
	if got := typ.Field("a").Example; got != `{"k":[1,2.50]}` {
		t.Errorf("example %s", got)
	}
	if got := typ.Field("b").Example; got != "7" {
		t.Errorf("example %s", got)
	}
}

func TestTypeFromJSONSchemaErrors(t *testing.T) {
	failing := func(ref string) ([]byte, error) { return nil, errors.New("file not found") }
	cases := []struct {
		name, schema string
		resolve      func(string) ([]byte, error)
		want         string // substring of the error
	}{
		{"type not a string", `{"type":5}`, nil, "#/type: type must be a string"},
		{"type array element", `{"properties":{"a":{"type":["string",1]}}}`, nil, "#/properties/a/type/1: type must be"},
		{"unknown type", `{"properties":{"a":{"type":"strin"}}}`, nil, `#/properties/a/type: unknown type "strin"`},
		{"properties not an object", `{"type":"object","properties":[]}`, nil, "#/properties: properties must be an object"},
		{"schema not an object", `{"properties":{"a":5}}`, nil, "#/properties/a: a schema must be an object or a boolean"},
		{"required not an array", `{"required":"id","properties":{"id":{}}}`, nil, "#/required: required must be an array"},
		{"dangling ref", `{"properties":{"a":{"$ref":"#/$defs/Missing"}}}`, nil, `#/properties/a/$ref: $ref "#/$defs/Missing" does not resolve`},
		{"ref not a string", `{"$ref":1}`, nil, "#/$ref: $ref must be a string"},
		{"no resolver", `{"properties":{"a":{"$ref":"other.json"}}}`, nil, "#/properties/a/$ref: cannot resolve $ref \"other.json\": no resolver"},
		{"resolver fails", `{"properties":{"a":{"$ref":"other.json#/x"}}}`, failing, "file not found"},
		{"unknown anchor", `{"$ref":"#nope"}`, nil, `no anchor "nope"`},
		{"unknown kind", `{"x-transload-kind":"euro"}`, nil, `#/x-transload-kind: unknown x-transload-kind "euro"`},
		{"bad maxLength", `{"type":"string","maxLength":"5"}`, nil, "#/maxLength: maxLength must be a non-negative integer"},
		{"invalid JSON", `{"type":`, nil, "invalid JSON"},
		{"trailing data", `{} {}`, nil, "data after the schema"},
		{"duplicate key", `{"type":"string","type":"integer"}`, nil, `duplicate key "type"`},
		{"bad external document", `{"$ref":"x.json"}`, func(string) ([]byte, error) { return []byte(`{"type":7}`), nil }, "x.json#/type: type must be"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := builtin.TypeFromJSONSchema("t", []byte(c.schema), c.resolve)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
			var se *builtin.SchemaError
			if !errors.As(err, &se) {
				t.Errorf("%T is not a *SchemaError", err)
			}
		})
	}
}

// kitchenSink has every kind JSONSchemaFromType can write.
func kitchenSink() *builtin.Type {
	status := builtin.EnumType("test.Status", "open", "closed")
	status.Doc = "Order status."
	line := builtin.ObjectType("test.Line",
		&builtin.Field{Name: "sku", Type: &builtin.Type{Kind: builtin.KindString, MaxLength: 64}, Required: true, Doc: "Stock keeping unit.", Example: `"A-100"`},
		&builtin.Field{Name: "qty", Type: builtin.QuantityType, Required: true},
		&builtin.Field{Name: "price", Type: builtin.MoneyType},
	)
	line.Doc = "One order line."
	order := builtin.ObjectType("test.Order",
		&builtin.Field{Name: "id", Type: builtin.IntType, Required: true, Example: "9007199254740993"},
		&builtin.Field{Name: "status", Type: status},
		&builtin.Field{Name: "lines", Type: &builtin.Type{Kind: builtin.KindList, Elem: line, MaxItems: 100}},
		&builtin.Field{Name: "rate", Type: builtin.DecimalType},
		&builtin.Field{Name: "score", Type: builtin.DoubleType},
		&builtin.Field{Name: "paid", Type: builtin.BoolType},
		&builtin.Field{Name: "at", Type: builtin.TimestampType},
		&builtin.Field{Name: "ttl", Type: builtin.DurationType},
		&builtin.Field{Name: "blob", Type: builtin.BytesType},
		&builtin.Field{Name: "extra", Type: builtin.AnyType},
		&builtin.Field{Name: "attrs", Type: builtin.MapOf(builtin.StringType)},
		&builtin.Field{Name: "none", Type: builtin.NullType},
	)
	order.AddField(&builtin.Field{Name: "parent", Type: order, Doc: "The order this one splits."})
	order.Doc = "A test order."
	return order
}

func TestJSONSchemaFromTypeGolden(t *testing.T) {
	got, err := builtin.JSONSchemaFromType(kitchenSink())
	if err != nil {
		t.Fatal(err)
	}
	again, _ := builtin.JSONSchemaFromType(kitchenSink())
	if !bytes.Equal(got, again) {
		t.Error("output is not deterministic")
	}
	golden := "testdata/jsonschema/golden/test_order.schema.json"
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("schema differs from %s (run go test -update to accept):\n%s", golden, got)
	}
}

// sameShape compares two types by field names, kinds, requiredness, names
// of object types, enums and bounds, recursively.
func sameShape(a, b *builtin.Type, path string, seen map[[2]*builtin.Type]bool) error {
	if seen[[2]*builtin.Type{a, b}] {
		return nil
	}
	seen[[2]*builtin.Type{a, b}] = true
	if a.Kind != b.Kind {
		return fmt.Errorf("%s: kind %s vs %s", path, a.Kind, b.Kind)
	}
	if a.Name != b.Name || !slices.Equal(a.Enum, b.Enum) || a.MaxItems != b.MaxItems || a.MaxLength != b.MaxLength {
		return fmt.Errorf("%s: %q %v %d %d vs %q %v %d %d", path, a.Name, a.Enum, a.MaxItems, a.MaxLength, b.Name, b.Enum, b.MaxItems, b.MaxLength)
	}
	switch a.Kind {
	case builtin.KindList, builtin.KindMap:
		return sameShape(a.Elem, b.Elem, path+"[]", seen)
	case builtin.KindObject:
		an, bn := slices.Sorted(slices.Values(a.FieldNames())), slices.Sorted(slices.Values(b.FieldNames()))
		if !slices.Equal(an, bn) {
			return fmt.Errorf("%s: fields %v vs %v", path, an, bn)
		}
		if a.Doc != b.Doc {
			return fmt.Errorf("%s: doc %q vs %q", path, a.Doc, b.Doc)
		}
		for _, f := range a.Fields {
			g := b.Field(f.Name)
			if f.Required != g.Required || f.Doc != g.Doc || f.Example != g.Example {
				return fmt.Errorf("%s.%s: required/doc/example %v %q %q vs %v %q %q", path, f.Name, f.Required, f.Doc, f.Example, g.Required, g.Doc, g.Example)
			}
			if err := sameShape(f.Type, g.Type, path+"."+f.Name, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

func TestJSONSchemaRoundTrip(t *testing.T) {
	types := map[string]*builtin.Type{
		"kitchen sink": kitchenSink(),
		"canonical":    loadSchema(t, "canonical.Order", "canonical/order.json", nil),
		"shopify":      loadSchema(t, "shopify.Order", "shopify/order.json", nil),
		"recursive":    loadSchema(t, "x.Tree", "recursive.json", nil),
	}
	for name, typ := range types {
		t.Run(name, func(t *testing.T) {
			schema, err := builtin.JSONSchemaFromType(typ)
			if err != nil {
				t.Fatal(err)
			}
			back, err := builtin.TypeFromJSONSchema(typ.Name, schema, nil)
			if err != nil {
				t.Fatalf("%v\n%s", err, schema)
			}
			if err := sameShape(typ, back, typ.Name, map[[2]*builtin.Type]bool{}); err != nil {
				t.Errorf("round trip: %v", err)
			}
			if err := builtin.NewTypes().Add(back); err != nil {
				t.Error(err)
			}
			again, err := builtin.JSONSchemaFromType(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(schema, again) {
				t.Errorf("schema → type → schema changed:\n%s\n---\n%s", schema, again)
			}
		})
	}
}

func TestJSONSchemaFromTypeErrors(t *testing.T) {
	a := builtin.ObjectType("dup.T", &builtin.Field{Name: "x", Type: builtin.StringType})
	b := builtin.ObjectType("dup.T", &builtin.Field{Name: "y", Type: builtin.IntType})
	root := builtin.ObjectType("root", &builtin.Field{Name: "a", Type: a}, &builtin.Field{Name: "b", Type: b})
	if _, err := builtin.JSONSchemaFromType(root); err == nil || !strings.Contains(err.Error(), "two different types are named dup.T") {
		t.Errorf("duplicate names: %v", err)
	}
	tbl := builtin.ObjectType("root", &builtin.Field{Name: "t", Type: builtin.TableOf(a)})
	if _, err := builtin.JSONSchemaFromType(tbl); err == nil {
		t.Error("a table has no JSON Schema form")
	}
	if _, err := builtin.JSONSchemaFromType(nil); err == nil {
		t.Error("nil type")
	}
	// A non-object root still gets its named types in $defs.
	s, err := builtin.JSONSchemaFromType(builtin.ListOf(a))
	if err != nil || !bytes.Contains(s, []byte(`"$ref": "#/$defs/dup.T"`)) {
		t.Errorf("%v\n%s", err, s)
	}
}

// FuzzTypeFromJSONSchema: no schema panics the importer or loops, and
// whatever it accepts exports and imports again.
func FuzzTypeFromJSONSchema(f *testing.F) {
	for _, file := range []string{"shopify/order.json", "canonical/order.json", "canonical/defs/common.json", "recursive.json"} {
		data, err := os.ReadFile(filepath.Join("testdata/jsonschema", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"$ref":"#"}`, `{"allOf":[{"$ref":"#"}]}`, `{"items":{"$ref":"#"}}`,
		`{"additionalProperties":{"$ref":"#"}}`, `{"oneOf":[{"$ref":"#/oneOf/1"},{"$ref":"#/oneOf/0"}]}`,
		`{"properties":{"a":{"$ref":"#/properties/a"}}}`, `{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, schema []byte) {
		typ, err := builtin.TypeFromJSONSchema("f", schema, func(string) ([]byte, error) { return schema, nil })
		if err != nil {
			return
		}
		out, err := builtin.JSONSchemaFromType(typ)
		if err != nil {
			return // e.g. a type named twice through x-transload-type
		}
		if _, err := builtin.TypeFromJSONSchema("f", out, nil); err != nil {
			t.Fatalf("exported schema does not import: %v\n%s", err, out)
		}
	})
}

// TestJSONSchemaNamedReference: a schema that is only x-transload-type
// refers to the known type of that name, so a module's input can hold a
// canonical document of exactly the canonical type.
func TestJSONSchemaNamedReference(t *testing.T) {
	order := builtin.ObjectType("commerce.Order", &builtin.Field{Name: "id", Type: builtin.StringType, Required: true})
	named := func(n string) *builtin.Type {
		if n == "commerce.Order" {
			return order
		}
		return nil
	}
	schema := `{"type": "object", "properties": {
		"order": {"x-transload-type": "commerce.Order", "description": "The canonical order."},
		"note": {"type": "string"}}}`
	got, err := builtin.TypeFromJSONSchemaNamed("erp.OrderInput", []byte(schema), nil, named)
	if err != nil {
		t.Fatal(err)
	}
	if f := got.Field("order"); f == nil || f.Type != order {
		t.Fatalf("order field is %v, want the commerce.Order type itself", f)
	}
	// A reference to a type nobody declared is an error, not a dyn.
	if _, err := builtin.TypeFromJSONSchemaNamed("x.T", []byte(`{"type": "object", "properties": {"o": {"x-transload-type": "erp.Line"}}}`), nil, named); err == nil || !strings.Contains(err.Error(), `"erp.Line"`) {
		t.Fatalf("an unknown named type: %v", err)
	}
	// Schemas that say more than a name are built as before.
	got, err = builtin.TypeFromJSONSchemaNamed("x.T", []byte(`{"type": "object", "properties": {"o": {"x-transload-type": "other.T", "type": "object", "properties": {"a": {"type": "string"}}}}}`), nil, named)
	if err != nil {
		t.Fatal(err)
	}
	if f := got.Field("o"); f == nil || f.Type.Name != "other.T" || f.Type.Field("a") == nil {
		t.Fatalf("o field is %v", f)
	}
}
