package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEDIInterchangeAck runs the default flows (transload run --once) on
// X12 interchanges whose senders ask for a TA1 (ISA14 1): each
// interchange gets exactly one TA1 in the partner outbox, however many
// sets it holds and whether they were accepted (edi_inbound) or rejected
// (edi_rejections); one whose IEA02 is not its ISA13 gets a TA1 that
// rejects it (R 001) although its sender asked for none; and the same
// interchange dropped again gets no second TA1.
func TestEDIInterchangeAck(t *testing.T) {
	vics, err := os.ReadFile("../flows/testdata/edi/x12_850_vics_po4_pack_4010.edi")
	if err != nil {
		t.Fatal(err)
	}
	text := string(vics)
	st, se := strings.Index(text, "ST*850*"), strings.Index(text, "SE*")
	seEnd := se + strings.Index(text[se:], "~") + 1
	head, set, tail := text[:st], text[st:seEnd], text[seEnd:]
	head = strings.Replace(head, "*000003438*0*P*", "*000003438*1*P*", 1)
	// A second set: another PO, ST02 0011 (accepted), or the first set's
	// ST02 again (rejected: a duplicate control number, AK502 23).
	second := strings.NewReplacer("ST*850*000000010", "ST*850*000000011", "*000000010~", "*000000011~", "08292233294", "08292233295").Replace(set)
	dupe := strings.Replace(set, "08292233294", "08292233296", 1)
	twoSets := func(a, b string) string {
		return head + a + "\n" + b + strings.Replace(tail, "GE*1*", "GE*2*", 1)
	}
	badIEA := strings.Replace(text, "IEA*1*000003438", "IEA*1*000003440", 1)
	cases := []struct {
		name, body string
		control    string // the ISA13 the TA1 answers
		status     string
	}{
		{"two accepted sets", twoSets(set, second), "000003438", "A*000"},
		{"one accepted set, one rejected", twoSets(set, dupe), "000003438", "A*000"},
		{"IEA02 is not ISA13", badIEA, "000003438", "R*001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			copySamples(t, filepath.Join(dir, "flows"))
			drop := filepath.Join(dir, "flows", "inbox", "edi_inbound")
			must(t, os.RemoveAll(drop))
			must(t, os.MkdirAll(drop, 0o755))
			for round := 1; round <= 2; round++ {
				file := filepath.Join(drop, "interchange.edi")
				must(t, os.WriteFile(file, []byte(c.body), 0o644))
				old := time.Now().Add(-time.Minute)
				must(t, os.Chtimes(file, old, old))
				out := runOnceIn(t, dir)
				ta1s := 0
				files, _ := filepath.Glob(filepath.Join(dir, ".transload", "outbox", "edi", "*.edi"))
				for _, f := range files {
					data, _ := os.ReadFile(f)
					if n := strings.Count(string(data), "TA1*"); n > 0 {
						ta1s += n
						if !strings.Contains(string(data), "TA1*"+c.control+"*101127*1719*"+c.status+"~") || strings.Contains(string(data), "GS*") {
							t.Errorf("round %d: %s:\n%s", round, filepath.Base(f), data)
						}
					}
				}
				if ta1s != 1 {
					t.Errorf("round %d: %d TA1s in the outbox, want 1\n%s", round, ta1s, out)
				}
			}
		})
	}
}
