package edipartner

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/stdlib/codec/x12"
)

func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := cli.Main(args, nil, &out, &out)
	return code, out.String()
}

// TestFlowTests: the flows' own tests (flows/*.flowtest.hcl) pass.
func TestFlowTests(t *testing.T) {
	code, out := run(t, "test", "flows")
	if code != 0 || !strings.Contains(out, "16 passed") || strings.Contains(out, "FAIL") {
		t.Fatalf("test flows: %d\n%s", code, out)
	}
}

// TestValidate: the flows load as they ship, and refuse a partner id that
// cannot be an ISA id.
func TestValidate(t *testing.T) {
	if code, out := run(t, "validate", "flows"); code != 0 || !strings.Contains(out, "5 flow(s)") {
		t.Fatalf("validate: %d\n%s", code, out)
	}
	if code, out := run(t, "validate", "--var", "partner_isa_id=MORE-THAN-15-CHARACTERS", "flows"); code == 0 || !strings.Contains(out, "partner_isa_id") {
		t.Fatalf("validate accepted a 23-character ISA id: %d\n%s", code, out)
	}
}

// ack997 is one 997 interchange found in the partner's outbox.
type ack997 struct {
	file     string
	isa13    int
	group    string // AK102: the GS06 acknowledged
	ak1, ak9 []string
}

// partnerAcks parses every interchange in the partner's outbox and
// returns the 997s, failing on anything that does not parse.
func partnerAcks(t *testing.T, dir string) []ack997 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.edi"))
	if err != nil {
		t.Fatal(err)
	}
	var acks []ack997
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ic, err := x12.Parse(data)
		if ic == nil {
			t.Fatalf("%s does not parse: %v", f, err)
		}
		if ic.Sender != "999999999" || ic.SenderQualifier != "01" || ic.Receiver != "4405197800" || ic.ReceiverQualifier != "12" {
			t.Errorf("%s: from %s/%s to %s/%s, want from 01/999999999 to 12/4405197800", f, ic.SenderQualifier, ic.Sender, ic.ReceiverQualifier, ic.Receiver)
		}
		if len(ic.Groups) != 1 || len(ic.Groups[0].Sets) != 1 {
			t.Fatalf("%s: want one group of one set", f)
		}
		if g := ic.Groups[0]; g.FunctionalID != "FA" {
			continue
		}
		if err := ic.Groups[0].Err(); err != nil {
			t.Errorf("%s: the 997's envelope: %v", f, err)
		}
		n, err := strconv.Atoi(ic.Control)
		if err != nil {
			t.Fatalf("%s: ISA13 %q", f, ic.Control)
		}
		a := ack997{file: filepath.Base(f), isa13: n}
		set := ic.Groups[0].Sets[0]
		if set.ID != "997" {
			t.Fatalf("%s: a group FA holding a %s", f, set.ID)
		}
		for _, s := range set.Segments {
			switch s.ID {
			case "AK1":
				a.ak1, a.group = s.Elements, s.Element(2)
			case "AK9":
				a.ak9 = s.Elements
			}
		}
		acks = append(acks, a)
	}
	return acks
}

func ackFor(acks []ack997, group string) *ack997 {
	for i := range acks {
		if acks[i].group == group {
			return &acks[i]
		}
	}
	return nil
}

// TestRunOnce: the README's walk-through. An 850 interchange dropped in
// the partner's folder gives a 997 in the partner's outbox acknowledging
// its group (GS06 1421), an 855, and the canonical order; a second
// interchange gets a 997 with a higher ISA13, and the first one sent again
// gets nothing new: control numbers are durable and never reused.
func TestRunOnce(t *testing.T) {
	dir := t.TempDir()
	flows, data := filepath.Join(dir, "flows"), filepath.Join(dir, "data")
	if err := os.CopyFS(flows, os.DirFS("flows")); err != nil {
		t.Fatal(err)
	}
	// Someone who tried the README has files in flows/inbox: start clean.
	if err := os.RemoveAll(filepath.Join(flows, "inbox")); err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join(flows, "inbox", "850")
	drop := func(sample, name string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("flows", "testdata", sample))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(inbox, 0o755); err != nil {
			t.Fatal(err)
		}
		// As a gateway should: write aside, then rename into the folder.
		tmp := filepath.Join(inbox, name+".tmp")
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(inbox, name)); err != nil {
			t.Fatal(err)
		}
	}
	runOnce := func() string {
		t.Helper()
		code, out := run(t, "run", "--once", "--addr", "", "--data", data, flows)
		if code != 0 {
			t.Fatalf("run --once: %d\n%s", code, out)
		}
		return out
	}
	outbox := filepath.Join(data, "outbox", "xyz_retail")

	// 1. The partner's VICS 850: PO 08292233294, group 1421.
	drop("x12_850_vics_po4_pack_4010.edi", "po_08292233294.edi")
	out := runOnce()
	if !strings.Contains(out, "partner_850              1 delivered") || !strings.Contains(out, "partner_855              1 delivered") {
		t.Fatalf("run --once did not book the PO:\n%s", out)
	}
	acks := partnerAcks(t, outbox)
	if len(acks) != 1 {
		t.Fatalf("want one 997 in %s, found %d", outbox, len(acks))
	}
	first := acks[0]
	if strings.Join(first.ak1, "*") != "AK1*PO*1421" || strings.Join(first.ak9, "*") != "AK9*A*1*1*1" {
		t.Errorf("the 997 %s: %v … %v, want AK1*PO*1421 … AK9*A*1*1*1", first.file, first.ak1, first.ak9)
	}
	b, err := os.ReadFile(filepath.Join(data, "outbox", "orders", "edi_x12%3A12%2F4405197800%3A08292233294.json"))
	if err != nil {
		t.Fatalf("the canonical order: %v", err)
	}
	var order struct {
		ID    string
		Lines []struct {
			SKU          string
			BaseQuantity struct{ Value, UOM string } `json:"base_quantity"`
		}
		Totals struct {
			GrandTotal struct{ Amount, Currency string } `json:"grand_total"`
		}
		References map[string]string
	}
	if err := json.Unmarshal(b, &order); err != nil {
		t.Fatal(err)
	}
	if order.ID != "08292233294" || len(order.Lines) != 6 || order.Lines[0].SKU != "WDG-SM-0117" ||
		order.Lines[0].BaseQuantity.Value != "120" || order.Totals.GrandTotal.Amount != "13045.94" ||
		order.References["erp_ship_to"] != "XYZ-DC-044" {
		t.Errorf("the canonical order: %s", b)
	}

	// 2. A second interchange (group 1422), and the first one resent.
	drop("derived_850_cases_sac_allowance.edi", "po_08292233295.edi")
	drop("x12_850_vics_po4_pack_4010.edi", "po_08292233294_resent.edi")
	out = runOnce()
	if !strings.Contains(out, "partner_850              1 delivered, 1 duplicate") {
		t.Fatalf("second run:\n%s", out)
	}
	acks = partnerAcks(t, outbox)
	if len(acks) != 2 {
		t.Fatalf("want two 997s (the resent interchange is acknowledged once), found %d: %v", len(acks), acks)
	}
	if again := ackFor(acks, "1421"); again == nil || again.isa13 != first.isa13 || again.file != first.file {
		t.Errorf("the first 997 changed: %+v, was %+v", again, first)
	}
	second := ackFor(acks, "1422")
	if second == nil {
		t.Fatalf("no 997 for group 1422: %v", acks)
	}
	if second.isa13 <= first.isa13 {
		t.Errorf("the second 997's ISA13 %d is not above the first's %d", second.isa13, first.isa13)
	}
	if strings.Join(second.ak9, "*") != "AK9*A*1*1*1" {
		t.Errorf("the second 997: %v", second.ak9)
	}
	// No control number is used twice across everything sent (997s and
	// 855s share the sequence of this sender and receiver pair).
	files, _ := filepath.Glob(filepath.Join(outbox, "*.edi"))
	seen := map[string]string{}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		ic, _ := x12.Parse(data)
		if prev, dup := seen[ic.Control]; dup {
			t.Errorf("ISA13 %s in %s and %s", ic.Control, prev, f)
		}
		seen[ic.Control] = f
	}
	if len(files) != 4 {
		t.Errorf("want 4 interchanges (two 997s, two 855s), found %d", len(files))
	}
}
