package codec

import (
	"strconv"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/csvdoc"
)

// CSV decodes CSV bodies with a header row (package csvdoc); the flow's
// schema decides the shape. An object type (or any) makes one document per
// data row, named "row N", so a bad row is dead-lettered alone while the
// others go on; a list of objects makes one document holding every row,
// for price lists and stock files processed as a whole.
//
// With one document per row, the columns no expression reads are not
// converted (reads); they are still counted, so a row with the wrong
// number of fields is refused all the same.
type CSV struct{}

// Decoder implements connector.Codec.
func (CSV) Decoder(t *builtin.Type, reads []string) (connector.Decoder, error) {
	var keep []string
	if t == nil || t.Kind != builtin.KindList {
		keep = csvdoc.ColumnsRead(reads, "input")
	}
	d, err := csvdoc.NewDecoder(t, keep, csvdoc.Options{})
	if err != nil {
		return nil, err
	}
	return csvDecoder{d}, nil
}

type csvDecoder struct{ d *csvdoc.Decoder }

func (c csvDecoder) Decode(body []byte) ([]connector.Document, error) {
	if c.d.List() {
		v, err := c.d.DecodeList(body)
		if err != nil {
			return []connector.Document{{Err: err}}, nil
		}
		return []connector.Document{{Value: v}}, nil
	}
	rows, err := c.d.Decode(body)
	if err != nil {
		// Not CSV, a header that does not fit the schema, a limit: no row
		// can be read.
		return nil, err
	}
	docs := make([]connector.Document, len(rows))
	for i, r := range rows {
		docs[i].Part = "row " + strconv.Itoa(r.Row)
		if r.Err != nil {
			docs[i].Err = r.Err
		} else {
			docs[i].Value = r.Value
		}
	}
	return docs, nil
}

var _ connector.Codec = CSV{}
