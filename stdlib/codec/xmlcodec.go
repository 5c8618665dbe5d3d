package codec

import (
	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

// XML decodes one XML document per body (package xmldoc). The document is
// a map with one key, the root element's local name, so the flow's schema
// is an object with a field per root element it accepts: a Walmart v3
// order, <ns3:order>…</ns3:order>, decodes to {"order": {...}} exactly as
// Walmart's JSON getOrder response does, and one schema serves both.
// Namespace prefixes are dropped; an element the schema declares as an
// array is always a list, even when it occurs once.
//
// The whole document is decoded: reads are not used to project it (XML
// payloads are small, and the tokenizer dominates their cost).
type XML struct{}

// Decoder implements connector.Codec.
func (XML) Decoder(t *builtin.Type, reads []string) (connector.Decoder, error) {
	d, err := xmldoc.NewDecoder(t, xmldoc.Options{})
	if err != nil {
		return nil, err
	}
	return xmlDecoder{d}, nil
}

type xmlDecoder struct{ d *xmldoc.Decoder }

func (x xmlDecoder) Decode(body []byte) ([]connector.Document, error) {
	v, err := x.d.Decode(body)
	if err != nil {
		return []connector.Document{{Err: err}}, nil
	}
	return []connector.Document{{Value: v}}, nil
}

var _ connector.Codec = XML{}
