package jsondoc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
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

const shopifyOrderFile = "order_get_450789469_discount_partial_refund.json"

// corpusFiles lists the copied corpus JSON files.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("testdata/corpus", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	return files
}

// shopifyResponseType is the type of a GET order response, from the
// project's JSON Schema of a Shopify order.
func shopifyResponseType(t testing.TB) *builtin.Type {
	t.Helper()
	schema, err := os.ReadFile("testdata/shopify_order_response.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	typ, err := builtin.TypeFromJSONSchema("shopify.OrderResponse", schema, func(ref string) ([]byte, error) {
		return os.ReadFile(filepath.Join("testdata", ref))
	})
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

// sameAsEncodingJSON compares a decoded value with encoding/json's decoding
// of the same text (UseNumber): numbers as exact decimal text, strings,
// maps and lists exactly.
func sameAsEncodingJSON(got, want any, path string) error {
	switch w := want.(type) {
	case nil:
		if got != nil {
			return fmt.Errorf("%s: got %#v, want null", path, got)
		}
	case bool, string:
		if got != w {
			return fmt.Errorf("%s: got %#v, want %#v", path, got, w)
		}
	case json.Number:
		switch g := got.(type) {
		case int64:
			i, err := strconv.ParseInt(string(w), 10, 64)
			if err != nil || i != g {
				return fmt.Errorf("%s: got int %d, want %s", path, g, w)
			}
		case builtin.Decimal:
			d, err := builtin.ParseJSONNumber(string(w))
			if err != nil {
				return fmt.Errorf("%s: %s: %v", path, w, err)
			}
			if d.String() != g.String() {
				return fmt.Errorf("%s: got decimal %s, want %s (%s)", path, g, d, w)
			}
			if _, err := strconv.ParseInt(string(w), 10, 64); err == nil {
				return fmt.Errorf("%s: %s fits int64 but decoded as decimal", path, w)
			}
		default:
			return fmt.Errorf("%s: got %T, want number %s", path, got, w)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %#v, want array of %d", path, got, len(w))
		}
		for i := range w {
			if err := sameAsEncodingJSON(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %#v, want object of %d keys", path, got, len(w))
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Errorf("%s: key %q missing", path, k)
			}
			if err := sameAsEncodingJSON(gv, wv, path+"."+k); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%s: unexpected %T from encoding/json", path, want)
	}
	return nil
}

func encodingJSONDecode(data []byte) (any, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// TestGoldenCorpus decodes every corpus payload with inferred types and
// compares it with encoding/json.
func TestGoldenCorpus(t *testing.T) {
	for _, f := range corpusFiles(t) {
		t.Run(strings.TrimPrefix(f, "testdata/corpus/"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := encodingJSONDecode(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := jsondoc.Decode(data, builtin.AnyType, nil, jsondoc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := sameAsEncodingJSON(got, want, "$"); err != nil {
				t.Error(err)
			}
			// Canonical re-encoding decodes to the same document.
			enc, err := jsondoc.Encode(got)
			if err != nil {
				t.Fatal(err)
			}
			again, err := jsondoc.Decode(enc, nil, nil, jsondoc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if builtin.Format(again) != string(enc) {
				t.Error("encode → decode → encode is not stable")
			}
		})
	}
}

// TestGoldenShopifyTyped decodes the Shopify order payloads with the typed
// schema: every declared field takes its builtin type.
func TestGoldenShopifyTyped(t *testing.T) {
	typ := shopifyResponseType(t)
	dec, err := jsondoc.NewDecoder(typ, nil, jsondoc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{shopifyOrderFile, "order_cancel_with_refund.json", "order_create_eur_state_tax.json",
		"order_create_manual_line_discount.json", "order_create_multi_line_state_county_tax.json", "legacy_order_with_line_item_properties.json"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/corpus/shopify", name))
			if err != nil {
				t.Fatal(err)
			}
			v, err := dec.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			o := v.(map[string]any)["order"].(map[string]any)
			if _, ok := o["id"].(int64); !ok {
				t.Errorf("id is %T", o["id"])
			}
			if _, ok := o["total_price"].(builtin.Decimal); !ok {
				t.Errorf("total_price is %T", o["total_price"])
			}
			if _, ok := o["created_at"].(time.Time); !ok {
				t.Errorf("created_at is %T", o["created_at"])
			}
			if _, ok := o["updated_at"].(string); !ok && o["updated_at"] != nil {
				t.Errorf("updated_at is %T: a date-time without the extension stays a string", o["updated_at"])
			}
			for _, l := range o["line_items"].([]any) {
				line := l.(map[string]any)
				if _, ok := line["price"].(builtin.Decimal); !ok {
					t.Errorf("line price is %T", line["price"])
				}
				for _, tl := range line["tax_lines"].([]any) {
					if r, ok := tl.(map[string]any)["rate"].(builtin.Decimal); !ok || strings.Contains(r.String(), "e") {
						t.Errorf("tax rate is %#v", tl.(map[string]any)["rate"])
					}
				}
			}
			// Undeclared keys are kept (the whole document is read).
			want, _ := encodingJSONDecode(data)
			wo := want.(map[string]any)["order"].(map[string]any)
			if len(o) != len(wo) {
				t.Errorf("typed order has %d keys, the payload %d", len(o), len(wo))
			}
		})
	}
}

// benchPaths are about twenty paths a realistic order mapping reads.
var benchPaths = []string{
	"input.order.id",
	"input.order.name",
	"input.order.email",
	"input.order.created_at",
	"input.order.currency",
	"input.order.financial_status",
	"input.order.total_price",
	"input.order.subtotal_price",
	"input.order.total_tax",
	"input.order.total_discounts",
	"input.order.customer.id",
	"input.order.customer.first_name",
	"input.order.customer.last_name",
	"input.order.shipping_address.address1",
	"input.order.shipping_address.city",
	"input.order.shipping_address.zip",
	"input.order.shipping_address.province_code",
	"input.order.shipping_address.country_code",
	"input.order.line_items[].sku",
	"input.order.line_items[].quantity",
	"input.order.line_items[].price",
	"input.order.line_items[].title",
	"input.order.discount_codes[].code",
}

// TestProjectedShopifyOrder: only the read paths are materialised, with
// their types, and the result agrees with the full decode on them.
func TestProjectedShopifyOrder(t *testing.T) {
	typ := shopifyResponseType(t)
	data, err := os.ReadFile(filepath.Join("testdata/corpus/shopify", shopifyOrderFile))
	if err != nil {
		t.Fatal(err)
	}
	full, err := jsondoc.Decode(data, typ, nil, jsondoc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	proj := jsondoc.NewProjection(benchPaths, "input")
	v, err := jsondoc.Decode(data, typ, proj, jsondoc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(e, path+"."+k)
			}
		case []any:
			for _, e := range x {
				walk(e, path+"[]")
			}
		default:
			got = append(got, path)
		}
	}
	walk(v, "input")
	slices.Sort(got)
	got = slices.Compact(got)
	want := slices.Clone(benchPaths)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("materialised paths\n%v\nwant\n%v", got, want)
	}
	o := v.(map[string]any)["order"].(map[string]any)
	fo := full.(map[string]any)["order"].(map[string]any)
	for _, k := range []string{"id", "name", "total_price", "created_at", "financial_status"} {
		if builtin.Format(o[k]) != builtin.Format(fo[k]) {
			t.Errorf("%s: projected %s, full %s", k, builtin.Format(o[k]), builtin.Format(fo[k]))
		}
	}
	if o["id"] != int64(450789469) {
		t.Errorf("id = %#v", o["id"])
	}
	// The schema requires line_items[].price. A projection that reads
	// another field of the lines walks them and rejects an order whose
	// line has no price; with ValidateUnread, so does one that reads no
	// line at all.
	bad := bytes.Replace(data, []byte(`"price": "199.00"`), []byte(`"prize": "199.00"`), 1)
	if bytes.Equal(bad, data) {
		t.Fatal("fixture changed")
	}
	nameOnly := jsondoc.NewProjection([]string{"input.order.name"}, "input")
	if _, err := jsondoc.Decode(bad, typ, nameOnly, jsondoc.Options{}); err != nil {
		t.Errorf("unread lines are not validated by default: %v", err)
	}
	for _, c := range []struct {
		proj *jsondoc.Projection
		opts jsondoc.Options
	}{
		{nameOnly, jsondoc.Options{ValidateUnread: true}},
		{proj, jsondoc.Options{ValidateUnread: true}},
	} {
		_, err = jsondoc.Decode(bad, typ, c.proj, c.opts)
		if e, ok := err.(*jsondoc.Error); !ok || e.Reason != jsondoc.ReasonSchemaMismatch || !strings.HasSuffix(e.Path, "line_items[0].price") {
			t.Errorf("got %v", err)
		}
	}
}
