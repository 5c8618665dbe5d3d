package connector

import (
	"fmt"

	"github.com/transload/transload/builtin"
)

// Codec turns message bodies of one format into documents.
type Codec interface {
	// Decoder prepares a reusable decoder for documents of type t of which
	// only the input paths in reads are used ("input.line_items[].sku");
	// nil reads means the whole document.
	Decoder(t *builtin.Type, reads []string) (Decoder, error)
}

// Decoder decodes message bodies. It is safe for concurrent use.
type Decoder interface {
	// Decode returns the documents in body: one for most formats, one per
	// transaction set for X12. A document that cannot be decoded carries
	// its own error, so its siblings are still processed; an error return
	// means the body as a whole is unreadable.
	Decode(body []byte) ([]Document, error)
}

// Document is one decoded document.
type Document struct {
	Value any
	// Err is why this document could not be decoded; it should carry a
	// reason code (builtin.ReasonOf).
	Err error
	// Part names the document within its body ("ST 0001") when a body
	// holds several; empty otherwise.
	Part string
	// Headers are facts from the envelope (X12 sender and receiver ids,
	// control numbers), added to the message's headers.
	Headers map[string]string
}

// Codecs maps format names to codecs.
type Codecs map[string]Codec

// Decoder returns a decoder of the named format.
func (c Codecs) Decoder(format string, t *builtin.Type, reads []string) (Decoder, error) {
	codec, ok := c[format]
	if !ok {
		return nil, fmt.Errorf("no codec for format %q", format)
	}
	return codec.Decoder(t, reads)
}

// Names lists the formats, sorted.
func (c Codecs) Names() []string { return keys(c) }
