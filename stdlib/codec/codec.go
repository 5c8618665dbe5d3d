// Package codec gathers the shipped codecs behind the engine's Codec
// interface: JSON (package jsondoc), X12 (package x12), CSV and XML. Each
// adapter prepares, once per flow version, a decoder that materialises only
// what the flow's expressions read.
//
// Imports: builtin, engine/connector, the codec packages below it.
package codec

import (
	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// Codecs returns the shipped codecs by format name.
func Codecs() connector.Codecs {
	return connector.Codecs{
		"csv":  CSV{},
		"json": JSON{},
		"x12":  X12{},
		"xml":  XML{},
	}
}

// JSON decodes one JSON document per body.
type JSON struct{}

// Decoder implements connector.Codec.
func (JSON) Decoder(t *builtin.Type, reads []string) (connector.Decoder, error) {
	var keep *jsondoc.Projection
	if reads != nil {
		keep = jsondoc.NewProjection(reads, "input")
	}
	d, err := jsondoc.NewDecoder(t, keep, jsondoc.Options{})
	if err != nil {
		return nil, err
	}
	return jsonDecoder{d}, nil
}

type jsonDecoder struct{ d *jsondoc.Decoder }

func (j jsonDecoder) Decode(body []byte) ([]connector.Document, error) {
	v, err := j.d.Decode(body)
	if err != nil {
		return []connector.Document{{Err: err}}, nil
	}
	return []connector.Document{{Value: v}}, nil
}

var _ connector.Codec = JSON{}
