package connectors

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

// bod is a structured document: a map with one key, the root element.
func bod(t *testing.T) map[string]any {
	t.Helper()
	total, err := builtin.ParseMoney("24.9", "USD")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"SyncSalesOrder": map[string]any{
		"@releaseID": "9.2",
		"DataArea": map[string]any{
			"SalesOrder": map[string]any{
				"SalesOrderHeader": map[string]any{
					"DocumentID":  map[string]any{"ID": map[string]any{"@accountingEntity": "US1", "#text": "shop:1001"}},
					"TotalAmount": total,
					"Note":        nil,
				},
				"SalesOrderLine": []any{
					map[string]any{"LineNumber": int64(1), "Quantity": builtin.Quantity{Value: builtin.MustDecimal("2"), UOM: "EA"}, "Description": "Widget & <Co>"},
					map[string]any{"LineNumber": int64(2), "Quantity": builtin.Quantity{Value: builtin.MustDecimal("1.5"), UOM: "KGM"}},
				},
			},
		},
	}}
}

const bodOAGIS = `<?xml version="1.0" encoding="UTF-8"?>` +
	`<SyncSalesOrder xmlns="http://schema.infor.com/InforOAGIS/2" releaseID="9.2"><DataArea><SalesOrder>` +
	`<SalesOrderHeader><DocumentID><ID accountingEntity="US1">shop:1001</ID></DocumentID><TotalAmount currencyID="USD">24.90</TotalAmount></SalesOrderHeader>` +
	`<SalesOrderLine><Description>Widget &amp; &lt;Co&gt;</Description><LineNumber>1</LineNumber><Quantity unitCode="EA">2</Quantity></SalesOrderLine>` +
	`<SalesOrderLine><LineNumber>2</LineNumber><Quantity unitCode="KGM">1.5</Quantity></SalesOrderLine>` +
	`</SalesOrder></DataArea></SyncSalesOrder>`

func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := dec.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, b)
		}
	}
}

func TestHTTPSinkStructuredXML(t *testing.T) {
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(202) })
	sink := newHTTPSink(t, map[string]cty.Value{
		"url": str(tg.srv.URL), "format": str("xml"),
		"xml_namespace": str("http://schema.infor.com/InforOAGIS/2"), "xml_money": str("currencyID"), "xml_unit": str("unitCode"),
	})
	d := order()
	d.Body = bod(t)
	if _, err := sink.Deliver(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	r := tg.requests()[0]
	if r.body != bodOAGIS {
		t.Fatalf("body\n%s\nwant\n%s", r.body, bodOAGIS)
	}
	wellFormed(t, []byte(r.body))
	if r.header.Get("Content-Type") != "application/xml" || r.header.Get("Accept") != "application/xml" {
		t.Fatalf("content type %q accept %q", r.header.Get("Content-Type"), r.header.Get("Accept"))
	}

	// The defaults: no namespace, currency and uom attributes.
	plain := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "format": str("xml")})
	if _, err := plain.Deliver(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	body := tg.requests()[1].body
	if !strings.Contains(body, `<SyncSalesOrder releaseID="9.2">`) || !strings.Contains(body, `<TotalAmount currency="USD">24.90</TotalAmount>`) ||
		!strings.Contains(body, `<Quantity uom="EA">2</Quantity>`) {
		t.Fatalf("body %s", body)
	}

	for name, c := range map[string]struct {
		body any
		want string
	}{
		"two keys":            {map[string]any{"a": "1", "b": "2"}, "exactly one key, the root element's name; this one has 2 (a, b)"},
		"no keys":             {map[string]any{}, "this one has 0"},
		"a list":              {[]any{"x"}, "not a list"},
		"a number":            {int64(7), "not an int"},
		"null":                {nil, "xml body is null"},
		"bad root name":       {map[string]any{"1order": map[string]any{}}, "cannot encode the document as XML"},
		"control char":        {map[string]any{"order": map[string]any{"note": "a\x01b"}}, "cannot be written in XML 1.0"},
		"list in list":        {map[string]any{"order": map[string]any{"l": []any{[]any{"x"}}}}, "a list inside a list"},
		"root is a list":      {map[string]any{"order": []any{"x"}}, "cannot be a list"},
		"unknown special key": {map[string]any{"order": map[string]any{"x": map[string]any{"#comment": "x"}}}, "only #text is special"},
	} {
		d.Body = c.body
		_, err := sink.Deliver(context.Background(), d)
		var perm *connector.PermanentError
		if !errors.As(err, &perm) || perm.Reason != ReasonUnencodable || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want UNENCODABLE_DOCUMENT with %q", name, err, c.want)
		}
	}
	if n := len(tg.requests()); n != 2 {
		t.Fatalf("%d requests: an unencodable document was sent", n)
	}

	for _, c := range []struct {
		settings map[string]cty.Value
		want     string
	}{
		{map[string]cty.Value{"url": str("https://erp"), "xml_namespace": str("urn:x")}, `xml_namespace is only used with format = "xml"`},
		{map[string]cty.Value{"url": str("https://erp"), "format": str("json"), "xml_money": str("currencyID")}, `xml_money is only used with format = "xml"`},
	} {
		if _, err := buildConfig(HTTPSinkSpec, c.settings); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("check: %v, want %q", err, c.want)
		}
	}
}

// TestFileSinkXML: with format = "xml" the outbox holds what the http
// sink with the same settings sends.
func TestFileSinkXML(t *testing.T) {
	sink, dir := newFileSink(t, map[string]cty.Value{
		"format": str("xml"), "xml_namespace": str("http://schema.infor.com/InforOAGIS/2"),
		"xml_money": str("currencyID"), "xml_unit": str("unitCode"),
	})
	ctx := context.Background()
	resp, err := sink.Deliver(ctx, &connector.Delivery{Key: "shop:1001", Body: bod(t)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Ref != filepath.Join(dir, "shop%3A1001.xml") {
		t.Fatalf("ref %q", resp.Ref)
	}
	if b, _ := os.ReadFile(resp.Ref); string(b) != bodOAGIS {
		t.Fatalf("file holds\n%s\nwant\n%s", b, bodOAGIS)
	}
	// XML text is written as it is, also as .xml.
	resp, err = sink.Deliver(ctx, &connector.Delivery{Key: "po-7", Body: `<order id="7"/>`})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Ref != filepath.Join(dir, "po-7.xml") {
		t.Fatalf("ref %q", resp.Ref)
	}
	if b, _ := os.ReadFile(resp.Ref); string(b) != `<order id="7"/>` {
		t.Fatalf("file holds %q", b)
	}
	_, err = sink.Deliver(ctx, &connector.Delivery{Key: "bad", Body: map[string]any{"a": "1", "b": "2"}})
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Reason != ReasonUnencodable || !strings.Contains(err.Error(), "exactly one key") {
		t.Fatalf("two roots: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.xml")); !os.IsNotExist(err) {
		t.Fatal("an unencodable document was written")
	}

	// A chosen extension wins; JSON sinks keep writing JSON.
	ext, dir2 := newFileSink(t, map[string]cty.Value{"format": str("xml"), "extension": str(".bod")})
	if resp, err := ext.Deliver(ctx, &connector.Delivery{Key: "k", Body: bod(t)}); err != nil || resp.Ref != filepath.Join(dir2, "k.bod") {
		t.Fatalf("extension: %v %v", resp, err)
	}
	js, dir3 := newFileSink(t, map[string]cty.Value{"format": str("json")})
	if _, err := js.Deliver(ctx, &connector.Delivery{Key: "k", Body: map[string]any{"a": "1"}}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir3, "k.json")); string(b) != `{"a":"1"}` {
		t.Fatalf("json file holds %q", b)
	}

	for _, c := range []struct {
		settings map[string]cty.Value
		want     string
	}{
		{map[string]cty.Value{"dir": str("x"), "mode": str("append"), "format": str("xml")}, `format = "xml" needs mode = "document"`},
		{map[string]cty.Value{"dir": str("x"), "xml_unit": str("unitCode")}, `xml_unit is only used with format = "xml"`},
	} {
		if _, err := buildConfig(FileSinkSpec, c.settings); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("check: %v, want %q", err, c.want)
		}
	}
}
