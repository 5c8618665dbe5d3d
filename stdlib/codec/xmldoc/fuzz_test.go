package xmldoc_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

// FuzzDecode checks that no input panics or runs away; that whether a
// body is well-formed XML does not depend on the schema (the inferred and
// the typed decoders agree on INVALID_XML); and that every document the
// inferred decoder accepts encodes back to XML that decodes to the same
// document.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`<order><purchaseOrderId>1</purchaseOrderId><orderLines><orderLine><charges><charge><chargeAmount><amount>1.5</amount></chargeAmount></charge></charges></orderLine></orderLines></order>`,
		`<a x="1" y='2'>t<b/>u<!-- c --><![CDATA[<v>]]>&amp;&#x41;</a>`,
		`<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`,
		`<p:a xmlns:p="u" p:x="1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>`,
		"\xEF\xBB\xBF<?xml version=\"1.0\"?>\r\n<a>\r\n</a>\r\n",
		`<a><b/><b/></a><c/>`, `<a>`, `</a>`, ``, `<a:>`, `<inventory><quantity><amount>23</amount></quantity></inventory>`,
	} {
		f.Add([]byte(s))
	}
	inferred, err := xmldoc.NewDecoder(nil, xmldoc.Options{MaxDepth: 40})
	if err != nil {
		f.Fatal(err)
	}
	typed, err := xmldoc.NewDecoder(walmartType(f), xmldoc.Options{MaxDepth: 40})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, ierr := inferred.Decode(data)
		_, terr := typed.Decode(data)
		iBad := builtin.ReasonOf(ierr) == xmldoc.ReasonInvalidXML
		tBad := builtin.ReasonOf(terr) == xmldoc.ReasonInvalidXML
		if iBad != tBad {
			t.Fatalf("the decoders disagree on whether %q is XML:\ninferred: %v\ntyped: %v", data, ierr, terr)
		}
		if ierr != nil {
			if builtin.ReasonOf(ierr) == "" {
				t.Fatalf("error without a reason: %v", ierr)
			}
			return
		}
		doc, ok := v.(map[string]any)
		if !ok || len(doc) != 1 {
			t.Fatalf("%q decoded to %s, not one root", data, builtin.Format(v))
		}
		if hasNil(v) {
			return // xsi:nil elements encode as absent
		}
		for root, content := range doc {
			out, err := xmldoc.Encode(root, content, xmldoc.EncodeOptions{})
			if err != nil {
				t.Fatalf("%q: cannot encode what was decoded, %s: %v", data, builtin.Format(v), err)
			}
			again, err := inferred.Decode(out)
			if err != nil {
				t.Fatalf("%q: the encoding %q does not decode: %v", data, out, err)
			}
			if builtin.Format(again) != builtin.Format(v) {
				t.Fatalf("%q: round trip through %q:\n%s\n%s", data, out, builtin.Format(v), builtin.Format(again))
			}
		}
	})
}

func hasNil(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range x {
			if hasNil(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasNil(e) {
				return true
			}
		}
	}
	return false
}
