package codec_test

import (
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec"
)

const inventoryRow = `{"type": "object", "required": ["sku", "location", "available"], "properties": {
	"sku": {"type": "string"}, "location": {"type": "string"}, "available": {"type": "integer"},
	"updated_at": {"type": "string", "x-transload-kind": "timestamp"}}}`

func csvDecoder(t *testing.T, schema string, reads []string) connector.Decoder {
	t.Helper()
	c, ok := codec.Codecs()["csv"]
	if !ok {
		t.Fatal("no csv codec")
	}
	var typ *builtin.Type
	if schema != "" {
		var err error
		if typ, err = builtin.TypeFromJSONSchema("test.Inventory", []byte(schema), nil); err != nil {
			t.Fatal(err)
		}
	}
	d, err := c.Decoder(typ, reads)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func describe(docs []connector.Document) string {
	var b strings.Builder
	for _, d := range docs {
		b.WriteString(d.Part)
		b.WriteString(": ")
		if d.Err != nil {
			b.WriteString(builtin.ReasonOf(d.Err))
		} else {
			b.WriteString(builtin.Format(d.Value))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestCSVCodecOneDocumentPerRow(t *testing.T) {
	d := csvDecoder(t, inventoryRow, []string{"input.sku", "input.available"})
	docs, err := d.Decode([]byte("\xEF\xBB\xBFsku;location;available;updated_at\r\nA;WH1;3;2024-03-01\r\nB;WH1;x;\r\nC;WH2;0;not a date\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	// updated_at is not read: not converted, not in the document.
	want := `row 1: {"available":3,"sku":"A"}
row 2: SCHEMA_MISMATCH
row 3: {"available":0,"sku":"C"}
`
	if got := describe(docs); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	if msg := docs[1].Err.Error(); !strings.Contains(msg, `row 2, column "available"`) || !strings.Contains(msg, "line 3") {
		t.Errorf("the error does not say where: %s", msg)
	}
	// The whole body is unreadable: an error, no documents.
	if _, err := d.Decode([]byte("sku,colour\nA,red\n")); builtin.ReasonOf(err) != "SCHEMA_MISMATCH" {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := d.Decode([]byte("sku,location,available\n\"A,WH1,1\n")); builtin.ReasonOf(err) != "INVALID_CSV" {
		t.Errorf("unclosed quote: %v", err)
	}
	docs, err = d.Decode([]byte("sku,location,available\n"))
	if err != nil || len(docs) != 0 {
		t.Errorf("a header only: %v %+v", err, docs)
	}
}

func TestCSVCodecAllRowsReadWhenInputIsRead(t *testing.T) {
	d := csvDecoder(t, inventoryRow, nil)
	docs, err := d.Decode([]byte("sku,location,available,updated_at\nA,WH1,3,not a date\n"))
	if err != nil || len(docs) != 1 || builtin.ReasonOf(docs[0].Err) != builtin.ReasonInvalidDate {
		t.Errorf("%v %s", err, describe(docs))
	}
}

func TestCSVCodecList(t *testing.T) {
	d := csvDecoder(t, `{"type": "array", "items": `+inventoryRow+`}`, []string{"input"})
	docs, err := d.Decode([]byte("sku,location,available\nA,WH1,3\nB,WH2,4\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(docs); got != `: [{"available":3,"location":"WH1","sku":"A"},{"available":4,"location":"WH2","sku":"B"}]`+"\n" {
		t.Errorf("got %s", got)
	}
	docs, err = d.Decode([]byte("sku,location,available\nA,WH1,3\nB,WH2\n"))
	if err != nil || len(docs) != 1 || builtin.ReasonOf(docs[0].Err) != "INVALID_CSV" {
		t.Errorf("a ragged row fails the list: %v %s", err, describe(docs))
	}
	docs, err = d.Decode([]byte("sku,location\n"))
	if err != nil || len(docs) != 1 || builtin.ReasonOf(docs[0].Err) != "SCHEMA_MISMATCH" {
		t.Errorf("a required column missing: %v %s", err, describe(docs))
	}
}

func TestCSVCodecAny(t *testing.T) {
	d := csvDecoder(t, "", []string{"input.sku"})
	docs, err := d.Decode([]byte("sku|qty\nA|2\n"))
	if err != nil || describe(docs) != `row 1: {"sku":"A"}`+"\n" {
		t.Errorf("%v %s", err, describe(docs))
	}
}

func TestCSVCodecRefusesTypes(t *testing.T) {
	c := codec.Codecs()["csv"]
	if _, err := c.Decoder(builtin.StringType, nil); err == nil {
		t.Error("a string document type was accepted")
	}
	money, err := builtin.TypeFromJSONSchema("t.Price", []byte(`{"type": "object", "properties": {"price": {"x-transload-kind": "money"}}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Decoder(money, nil); err == nil || !strings.Contains(err.Error(), "two columns") {
		t.Errorf("a money field: %v", err)
	}
}
