package x12

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAcknowledge: what a 997 must say about each corpus 850, worked out
// from the files (see the parser's tests for the errors themselves).
func TestAcknowledge(t *testing.T) {
	cases := []struct {
		file string
		want string // the acknowledgment documents as JSON
	}{
		{"x12_850_vics_po4_pack_4010.edi", `[{"functional_id":"PO","group_control":"1421","group_receiver":"999999999","group_sender":"4405197800",` +
			`"interchange":{"ack_requested":false,"control":"000003438","date":"101127","note":"000","receiver":"999999999","receiver_qualifier":"01","sender":"4405197800","sender_qualifier":"12","status":"A","time":"1719","usage":"P","version":"00400"},` +
			`"rejected":false,"sets":[{"code":"A","control":"000000010","id":"850"}],"sets_included":"1","version":"004010VICS"}]`},
		// Two syntax-note violations: PO1 (segment 15, the 13th of the set)
		// has PO106 CB without PO107, and a PO4 (segment 32, the 30th) has
		// PO405 without PO406. One AK3 each, with the element and code 2
		// (conditional element missing); AK502 5.
		{"x12_850_syntax_error_missing_id.edi", `[{"functional_id":"PO","group_control":"1421","group_receiver":"999999999","group_sender":"4405197800",` +
			`"interchange":{"ack_requested":false,"control":"000003438","date":"101127","note":"000","receiver":"123456789012345","receiver_qualifier":"ZZ","sender":"ABCDEFGHIJKLMNO","sender_qualifier":"ZZ","status":"A","time":"1719","usage":"P","version":"00400"},` +
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
				if len(acks) != 1 || acks[0]["rejected"] != true || str(acks[0], "sets", 0, "code") != "R" || path(acks[0], "group_errors") != nil ||
					str(acks[0], "interchange", "status") != "R" || str(acks[0], "interchange", "note") != "001" {
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

// TestAcknowledgeInterchange: the TA1 of an interchange says R with the
// note code of its first envelope error, A with 000 otherwise (set and
// group errors are the 997's), and whether the sender asked for it.
func TestAcknowledgeInterchange(t *testing.T) {
	const head = "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *240101*1200*U*00401*000000042*1*T*>~\n" +
		"GS*PO*BUYER*SELLER*20240101*1200*7*X*004010~\n" +
		"ST*850*0001~\nBEG*00*SA*PO-1**20240101~\nPO1*1*10*EA*1.50**VP*ABC~\nSE*4*0001~\nGE*1*7~\n"
	for _, c := range []struct {
		name, trailer, status, note string
	}{
		{"sound", "IEA*1*000000042~\n", "A", "000"},
		{"IEA02 is not ISA13", "IEA*1*000000043~\n", "R", "001"},
		{"IEA01 miscounts the groups", "IEA*2*000000042~\n", "R", "021"},
		{"no IEA", "", "R", "023"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ic, _ := Parse([]byte(head + c.trailer))
			a := AcknowledgeInterchange(ic)
			if a["status"] != c.status || a["note"] != c.note || a["control"] != "000000042" || a["date"] != "240101" ||
				a["time"] != "1200" || a["sender"] != "BUYER" || a["ack_requested"] != true || a["usage"] != "T" {
				t.Errorf("got %v", a)
			}
			if _, ok := a["message"]; ok != (c.status == "R") {
				t.Errorf("message %v for status %s", a["message"], c.status)
			}
		})
	}
}

// TestGenerateTA1: a TA1 alone is an interchange with no group (IEA01 0),
// which Parse reads back with the TA1 kept and no error; a TA1 beside a
// group comes before its GS; malformed TA1 elements are refused.
func TestGenerateTA1(t *testing.T) {
	ic := &OutInterchange{
		SenderQualifier: "ZZ", Sender: "SELLER", ReceiverQualifier: "ZZ", Receiver: "BUYER",
		Version: "00401", Control: 7, Time: time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC),
		InterchangeAcks: []OutTA1{{Control: "000000042", Date: "240101", Time: "1200", Status: "R", Note: "001"}},
	}
	data, err := Generate(ic)
	if err != nil {
		t.Fatal(err)
	}
	want := "ISA*00*          *00*          *ZZ*SELLER         *ZZ*BUYER          *261128*0930*U*00401*000000007*0*P*>~" +
		"TA1*000000042*240101*1200*R*001~IEA*0*000000007~"
	if string(data) != want {
		t.Errorf("got\n%s\nwant\n%s", data, want)
	}
	back, err := Parse(data)
	if err != nil || len(back.InterchangeAcks) != 1 || back.InterchangeAcks[0].Element(4) != "R" || len(back.Groups) != 0 {
		t.Errorf("read back: %v, %+v", err, back)
	}

	ic.Groups = []OutGroup{{FunctionalID: "FA", Control: 9, Version: "004010", Sets: []OutSet{{ID: "997", Control: "0001",
		Segments: []OutSegment{Seg("AK1", "PO", "7"), Seg("AK9", "R", "1", "1", "0")}}}}}
	data, err = Generate(ic)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "~TA1*000000042*240101*1200*R*001~GS*FA*") || !strings.HasSuffix(string(data), "IEA*1*000000007~") {
		t.Errorf("TA1 with a group: %s", data)
	}

	for _, bad := range []OutTA1{
		{Control: "42", Date: "240101", Time: "1200", Status: "A", Note: "000"},
		{Control: "000000042", Date: "2024-01-01", Time: "1200", Status: "A", Note: "000"},
		{Control: "000000042", Date: "240101", Time: "12:00", Status: "A", Note: "000"},
		{Control: "000000042", Date: "240101", Time: "1200", Status: "X", Note: "000"},
		{Control: "000000042", Date: "240101", Time: "1200", Status: "A", Note: "1"},
	} {
		ic := &OutInterchange{SenderQualifier: "ZZ", Sender: "S", ReceiverQualifier: "ZZ", Receiver: "R", Version: "00401", Control: 1, InterchangeAcks: []OutTA1{bad}}
		if _, err := Generate(ic); err == nil || !strings.Contains(err.Error(), "TA1 1 TA10") {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := Generate(&OutInterchange{SenderQualifier: "ZZ", Sender: "S", ReceiverQualifier: "ZZ", Receiver: "R", Version: "00401", Control: 1}); err == nil {
		t.Error("an interchange with nothing in it was written")
	}
}
