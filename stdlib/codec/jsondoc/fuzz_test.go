package jsondoc_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// FuzzDecode checks that no input panics, that every input accepted is
// JSON by encoding/json's standard, and that what the inferred decode
// accepts decodes to what encoding/json sees. It also runs the typed and
// projected Shopify decoders on the same input.
func FuzzDecode(f *testing.F) {
	for _, file := range corpusFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"id":9007199254740993,"a":[1,-0,0.5e-3,"\ud83d\ude00\ud800"],"b":{"c":null}}`,
		"\xEF\xBB\xBF[true,false]",
		`{"order":{"id":1,"name":"x","created_at":"2008-01-10T11:00:00-05:00","currency":"USD","line_items":[{"id":1,"quantity":1,"price":"1.00"}]}}`,
		`{"a":1,"a":2}`, `[[[[[]]]]]`, `"\u00e9"`, `1e999999`, `-`, "",
	} {
		f.Add([]byte(s))
	}
	typ := shopifyResponseType(f)
	typed, err := jsondoc.NewDecoder(typ, nil, jsondoc.Options{})
	if err != nil {
		f.Fatal(err)
	}
	projected, err := jsondoc.NewDecoder(typ, jsondoc.NewProjection(benchPaths, "input"), jsondoc.Options{})
	if err != nil {
		f.Fatal(err)
	}
	deep, err := jsondoc.NewDecoder(typ, jsondoc.NewProjection(benchPaths[:3], "input"), jsondoc.Options{ValidateUnread: true})
	if err != nil {
		f.Fatal(err)
	}
	inferred, err := jsondoc.NewDecoder(builtin.AnyType, nil, jsondoc.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		valid := json.Valid(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
		v, err := inferred.Decode(data)
		if err == nil {
			if !valid {
				t.Fatalf("accepted invalid JSON %q", data)
			}
			want, jerr := encodingJSONDecode(data)
			if jerr != nil {
				t.Fatalf("encoding/json fails on accepted %q: %v", data, jerr)
			}
			if cerr := sameAsEncodingJSON(v, want, "$"); cerr != nil {
				t.Fatalf("%q: %v", data, cerr)
			}
			if _, eerr := jsondoc.Encode(v); eerr != nil {
				t.Fatalf("cannot encode %q: %v", data, eerr)
			}
		} else if e, ok := err.(*jsondoc.Error); !ok || e.Reason == "" || e.Line < 1 || e.Col < 1 {
			t.Fatalf("bad error %#v", err)
		}
		for _, d := range []*jsondoc.Decoder{typed, projected, deep} {
			if _, err := d.Decode(data); err == nil && !valid {
				t.Fatalf("typed decoder accepted invalid JSON %q", data)
			} else if err != nil {
				if _, ok := err.(*jsondoc.Error); !ok {
					t.Fatalf("error is %T", err)
				}
			}
		}
	})
}
