package x12

import (
	"encoding/json"
	"testing"
)

// TestAcknowledge: what a 997 must say about each corpus 850, worked out
// from the files (see the parser's tests for the errors themselves).
func TestAcknowledge(t *testing.T) {
	cases := []struct {
		file string
		want string // the acknowledgment documents as JSON
	}{
		{"x12_850_vics_po4_pack_4010.edi", `[{"functional_id":"PO","group_control":"1421","group_receiver":"999999999","group_sender":"4405197800",` +
			`"interchange":{"control":"000003438","receiver":"999999999","receiver_qualifier":"01","sender":"4405197800","sender_qualifier":"12","usage":"P"},` +
			`"rejected":false,"sets":[{"code":"A","control":"000000010","id":"850"}],"sets_included":"1","version":"004010VICS"}]`},
		// Two syntax-note violations: PO1 (segment 15, the 13th of the set)
		// has PO106 CB without PO107, and a PO4 (segment 32, the 30th) has
		// PO405 without PO406. One AK3 each, with the element and code 2
		// (conditional element missing); AK502 5.
		{"x12_850_syntax_error_missing_id.edi", `[{"functional_id":"PO","group_control":"1421","group_receiver":"999999999","group_sender":"4405197800",` +
			`"interchange":{"control":"000003438","receiver":"123456789012345","receiver_qualifier":"ZZ","sender":"ABCDEFGHIJKLMNO","sender_qualifier":"ZZ","usage":"P"},` +
			`"rejected":false,"sets":[{"code":"R","control":"000000010","errors":["5"],"id":"850","segments":[` +
			`{"code":"8","elements":[{"code":"2","position":"7"}],"id":"PO1","position":"13"},` +
			`{"code":"8","elements":[{"code":"2","position":"6"}],"id":"PO4","position":"30"}]}],"sets_included":"1","version":"004010"}]`},
		// IEA02 does not match ISA13: the interchange is in error, every
		// group is rejected (AK901 R) and so is its set.
		{"x12_850_multi_po1_yd_bom_nbsp_tabs.edi", ""},
		// Two sets with ST02 0001: the second is rejected with AK502 23.
		{"x12_850_empty_isa16_missing_terminator.edi", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ic, _ := Parse(readTestdata(t, c.file))
			acks := Acknowledge(ic)
			got, _ := json.Marshal(acks)
			if c.want != "" && string(got) != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
			switch c.file {
			case "x12_850_multi_po1_yd_bom_nbsp_tabs.edi":
				if len(acks) != 1 || acks[0]["rejected"] != true || str(acks[0], "sets", 0, "code") != "R" || path(acks[0], "group_errors") != nil {
					t.Errorf("got %s", got)
				}
			case "x12_850_empty_isa16_missing_terminator.edi":
				if count(acks[0], "sets") != 2 || str(acks[0], "sets", 0, "code") != "A" || str(acks[0], "sets", 1, "code") != "R" ||
					str(acks[0], "sets", 1, "errors", 0) != "23" || acks[0]["rejected"] != false || acks[0]["sets_included"] != "2" {
					t.Errorf("got %s", got)
				}
			}
		})
	}
}

// TestAcknowledgeGroupErrors: a GE01 that miscounts rejects the group with
// AK905 5; a missing GE with 3.
func TestAcknowledgeGroupErrors(t *testing.T) {
	const head = "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *240101*1200*U*00401*000000001*0*T*>~\n" +
		"GS*PO*BUYER*SELLER*20240101*1200*7*X*004010~\n" +
		"ST*850*0001~\nBEG*00*SA*PO-1**20240101~\nPO1*1*10*EA*1.50**VP*ABC~\nSE*4*0001~\n"
	ic, _ := Parse([]byte(head + "GE*2*7~\nIEA*1*000000001~\n"))
	acks := Acknowledge(ic)
	got, _ := json.Marshal(acks)
	if acks[0]["rejected"] != true || str(acks[0], "group_errors", 0) != "5" || acks[0]["sets_included"] != "2" || str(acks[0], "sets", 0, "code") != "R" {
		t.Errorf("GE01 2 for one set: %s", got)
	}
	ic, _ = Parse([]byte(head + "IEA*1*000000001~\n"))
	acks = Acknowledge(ic)
	got, _ = json.Marshal(acks)
	if acks[0]["rejected"] != true || str(acks[0], "group_errors", 0) != "3" || str(acks[0], "interchange", "usage") != "T" {
		t.Errorf("no GE: %s", got)
	}
}
