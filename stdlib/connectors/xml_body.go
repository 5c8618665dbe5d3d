package connectors

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

// The XML settings shared by the sinks that write format = "xml" (http,
// file). Each call returns fresh specs, so the two sinks' specs share no
// values.
func xmlAttrSpecs() []*connector.AttrSpec {
	return []*connector.AttrSpec{
		{
			Name: "xml_namespace", Type: cty.String,
			Doc: "With format = \"xml\" and a structured document, the default namespace of the document: the root element " +
				"gets xmlns=\"…\" and every element is in it.",
			Example: `xml_namespace = "http://schema.infor.com/InforOAGIS/2"`,
		},
		{
			Name: "xml_money", Type: cty.String, OneOf: []string{"currency", "currencyID"},
			Doc: "With format = \"xml\" and a structured document, the attribute that carries the currency of a money value: " +
				"\"currency\" (the default) writes `<Amount currency=\"USD\">12.30</Amount>`, \"currencyID\" the OAGIS form " +
				"`<Amount currencyID=\"USD\">12.30</Amount>`.",
			Example: `xml_money = "currencyID"`,
		},
		{
			Name: "xml_unit", Type: cty.String, OneOf: []string{"uom", "unitCode"},
			Doc: "With format = \"xml\" and a structured document, the attribute that carries the unit of a quantity: " +
				"\"uom\" (the default) writes `<Quantity uom=\"EA\">2</Quantity>`, \"unitCode\" the OAGIS form " +
				"`<Quantity unitCode=\"EA\">2</Quantity>`.",
			Example: `xml_unit = "unitCode"`,
		},
	}
}

// xmlFormatDoc describes format = "xml" for both sinks.
const xmlFormatDoc = "\"xml\": the document is either XML text (a string, e.g. from a template), sent as it is, or a map with exactly " +
	"one key, the root element's name, whose value is encoded as XML by the xmldoc codec: map keys are child elements, in " +
	"the order the document's type declares its fields when the flow knows its type (a schema written in XSD sequence order " +
	"gives elements in that order), else sorted, \"@name\" keys attributes, \"#text\" the text, a list a repeated element, money and quantities the amount " +
	"with the currency or unit as an attribute (see xml_money, xml_unit), nil absent; " +
	"any other document is refused as UNENCODABLE_DOCUMENT."

// checkXMLSettings refuses the XML settings where format is not "xml".
func checkXMLSettings(v cty.Value) error {
	if getString(v, "format", "json") == "xml" {
		return nil
	}
	for _, a := range []string{"xml_namespace", "xml_money", "xml_unit"} {
		if isSet(attr(v, a)) {
			return fmt.Errorf("the setting %s is only used with format = \"xml\"", a)
		}
	}
	return nil
}

// xmlOptions are the xmldoc encoding options of a sink's settings.
func xmlOptions(v cty.Value) xmldoc.EncodeOptions {
	return xmldoc.EncodeOptions{
		Namespace:    getString(v, "xml_namespace", ""),
		CurrencyAttr: getString(v, "xml_money", "currency"),
		UnitAttr:     getString(v, "xml_unit", "uom"),
	}
}

// encodeXMLBody renders a document as XML: a string is XML text already
// and is written as it is; a map with one key is the root element and its
// content. Anything else, and a value xmldoc cannot encode, is an error
// the caller reports as UNENCODABLE_DOCUMENT.
//
// With the document's type (a map type whose one field is the root), the
// elements are written in the order the type declares its fields.
func encodeXMLBody(body any, t *builtin.Type, opts xmldoc.EncodeOptions) ([]byte, error) {
	switch b := body.(type) {
	case string:
		return []byte(b), nil
	case map[string]any:
		if len(b) != 1 {
			keys := make([]string, 0, len(b))
			for k := range b {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if len(keys) > 5 {
				keys = append(keys[:5], "…")
			}
			return nil, fmt.Errorf("an XML document is a map with exactly one key, the root element's name; this one has %d (%s)", len(b), strings.Join(keys, ", "))
		}
		for root, v := range b {
			opts.Type = nil
			if f := t.Field(root); f != nil {
				opts.Type = f.Type
			}
			out, err := xmldoc.Encode(root, v, opts)
			if err != nil {
				return nil, fmt.Errorf("cannot encode the document as XML: %w", err)
			}
			return out, nil
		}
	case nil:
		return nil, errors.New("xml body is null: there is no document to encode")
	}
	return nil, fmt.Errorf("xml body must be XML text (a string) or a map with one key, the root element, not %s", kindName(body))
}

// kindName names a document's type for messages.
func kindName(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case string:
		return "a string"
	case int64:
		return "an int"
	case bool:
		return "a bool"
	}
	return fmt.Sprintf("a %T", v)
}
