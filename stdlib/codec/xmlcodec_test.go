package codec_test

import (
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec"
)

func TestXMLCodec(t *testing.T) {
	c, ok := codec.Codecs()["xml"]
	if !ok {
		t.Fatal("no xml codec")
	}
	typ, err := builtin.TypeFromJSONSchema("test.Inventory", []byte(`{"type": "object", "properties": {"inventory": {"type": "object", "properties": {
		"sku": {"type": "string"}, "quantity": {"type": "object", "properties": {"amount": {"type": "integer"}}}}}}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Decoder(typ, []string{"input.inventory.sku"})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := d.Decode([]byte("\xEF\xBB\xBF<wm:inventory xmlns:wm=\"http://walmart.com/\">\r\n<wm:sku>A</wm:sku><wm:quantity><wm:amount>23</wm:amount></wm:quantity></wm:inventory>"))
	if err != nil || len(docs) != 1 || docs[0].Err != nil {
		t.Fatalf("%v %+v", err, docs)
	}
	if got := builtin.Format(docs[0].Value); got != `{"inventory":{"quantity":{"amount":23},"sku":"A"}}` {
		t.Errorf("got %s", got)
	}
	docs, err = d.Decode([]byte(`<inventory><quantity><amount>x</amount></quantity></inventory>`))
	if err != nil || len(docs) != 1 {
		t.Fatalf("%v %+v", err, docs)
	}
	if r := builtin.ReasonOf(docs[0].Err); r != "SCHEMA_MISMATCH" {
		t.Errorf("reason %q: %v", r, docs[0].Err)
	}
	if _, err := c.Decoder(builtin.StringType, nil); err == nil {
		t.Error("a string document type was accepted")
	}
}
