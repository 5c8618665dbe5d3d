package codec_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec"
)

func readEDI(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("x12", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestX12FunctionalAckDecoder: a flow whose schema is x12.FunctionalAck
// gets one document per functional group, the acknowledgment
// x12.Acknowledge builds, rejected sets included; a flow of a set type
// still gets the set, rejected with its error.
func TestX12FunctionalAckDecoder(t *testing.T) {
	ackType := builtin.ObjectType(codec.FunctionalAckType)
	d, err := codec.X12{}.Decoder(ackType, nil)
	if err != nil {
		t.Fatal(err)
	}

	// A syntax error in the only set: the group's acknowledgment rejects
	// it (AK5 R 5) with the segment and element in error.
	docs, err := d.Decode(readEDI(t, "x12_850_syntax_error_missing_id.edi"))
	if err != nil || len(docs) != 1 {
		t.Fatalf("docs %v, err %v", docs, err)
	}
	doc := docs[0]
	if doc.Err != nil || doc.Part != "GS 1421" {
		t.Fatalf("part %q, err %v", doc.Part, doc.Err)
	}
	ack := doc.Value.(map[string]any)
	if ack["functional_id"] != "PO" || ack["group_control"] != "1421" || ack["sets_included"] != "1" || ack["rejected"] != false {
		t.Fatalf("group facts %v", ack)
	}
	sets := ack["sets"].([]any)
	set := sets[0].(map[string]any)
	if len(sets) != 1 || set["id"] != "850" || set["control"] != "000000010" || set["code"] != "R" {
		t.Fatalf("sets %v", sets)
	}
	if errs := set["errors"].([]any); len(errs) != 1 || errs[0] != "5" || set["segments"] == nil {
		t.Fatalf("set errors %v, segments %v", set["errors"], set["segments"])
	}
	ic := ack["interchange"].(map[string]any)
	if ic["sender"] != "ABCDEFGHIJKLMNO" || ic["control"] != "000003438" {
		t.Fatalf("interchange %v", ic)
	}
	if doc.Headers["x12-sender"] != "ABCDEFGHIJKLMNO" || doc.Headers["x12-group-control"] != "1421" || doc.Headers["x12-interchange-control"] != "000003438" {
		t.Fatalf("headers %v", doc.Headers)
	}

	// An interchange whose IEA02 is not its ISA13: the group is rejected
	// (AK901 R), and so is every set in it.
	docs, err = d.Decode(readEDI(t, "x12_850_multi_po1_yd_bom_nbsp_tabs.edi"))
	if err != nil || len(docs) != 1 || docs[0].Err != nil {
		t.Fatalf("docs %v, err %v", docs, err)
	}
	ack = docs[0].Value.(map[string]any)
	if ack["rejected"] != true {
		t.Fatalf("envelope error not rejected: %v", ack)
	}
	for _, s := range ack["sets"].([]any) {
		if s.(map[string]any)["code"] != "R" {
			t.Fatalf("set accepted in a rejected interchange: %v", s)
		}
	}

	// A sound 850: accepted.
	docs, err = d.Decode(readEDI(t, "x12_850_vics_po4_pack_4010.edi"))
	if err != nil || len(docs) != 1 {
		t.Fatalf("docs %v, err %v", docs, err)
	}
	for _, s := range docs[0].Value.(map[string]any)["sets"].([]any) {
		if s.(map[string]any)["code"] != "A" {
			t.Fatalf("a sound set rejected: %v", s)
		}
	}

	// Not an interchange at all: the whole body fails.
	if _, err := d.Decode([]byte("hello")); err == nil || builtin.ReasonOf(err) != "ENVELOPE_INVALID" {
		t.Fatalf("err %v", err)
	}

	// The set decoder is unchanged: the rejected set is a failed document.
	sd, err := codec.X12{}.Decoder(builtin.ObjectType("x12.850"), nil)
	if err != nil {
		t.Fatal(err)
	}
	docs, err = sd.Decode(readEDI(t, "x12_850_syntax_error_missing_id.edi"))
	if err != nil || len(docs) != 1 || builtin.ReasonOf(docs[0].Err) != "SYNTAX_INVALID" {
		t.Fatalf("docs %v, err %v", docs, err)
	}
}

// TestX12DecoderReceivedTA1: an interchange of TA1s alone (a partner's
// answer to ours) sent to a flow of transaction sets is refused with a
// message that says what it is.
func TestX12DecoderReceivedTA1(t *testing.T) {
	dec, err := codec.X12{}.Decoder(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = dec.Decode([]byte("ISA*00*          *00*          *ZZ*PARTNER        *ZZ*US             *261128*0930*U*00401*000000007*0*P*>~" +
		"TA1*000000042*261127*1200*R*001~IEA*0*000000007~"))
	var be *builtin.Error
	if !errors.As(err, &be) || be.Reason != "ENVELOPE_INVALID" || !strings.Contains(err.Error(), "TA1 interchange acknowledgments (TA101 000000042, TA104 R)") {
		t.Errorf("got %v", err)
	}
}
