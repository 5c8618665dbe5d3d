package x12

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
)

// TestCorpus parses every EDI file of testdata. The expected facts were
// read off the files by hand; the errors are exactly those Parse must find.
func TestCorpus(t *testing.T) {
	tests := []struct {
		file string
		// errs are the expected problems: "segment ID element reason code".
		errs []string
		// warnings are the expected warnings: "segment ID".
		warnings []string
		seps     Separators
		sets     []string // ST01/ST02 of every set, "!" appended to those with errors
		check    func(t *testing.T, ic *Interchange)
	}{
		{
			file: "x12_850_vics_po4_pack_4010.edi",
			seps: Separators{Element: '*', Component: '>', Segment: '~'},
			sets: []string{"850/000000010"},
			check: func(t *testing.T, ic *Interchange) {
				check850VICS(t, ic)
			},
		},
		{
			file: "x12_850_newline_terminated_no_tilde.edi",
			seps: Separators{Element: '*', Component: '>', Segment: '\n'},
			sets: []string{"850/000000010"},
			check: func(t *testing.T, ic *Interchange) {
				check850VICS(t, ic)
				// The same purchase order as the ~ terminated file, to the byte.
				tilde, err := Parse(readTestdata(t, "x12_850_vics_po4_pack_4010.edi"))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(ic.Groups[0].Sets[0].Doc, tilde.Groups[0].Sets[0].Doc) {
					t.Error("the newline-terminated 850 and the ~ terminated one give different documents")
				}
			},
		},
		{
			file: "x12_850_kit_uom_masked_values.edi",
			seps: Separators{Element: '*', Component: '>', Segment: '\n'},
			sets: []string{"850/8830"},
			check: func(t *testing.T, ic *Interchange) {
				doc := ic.Groups[0].Sets[0].Doc
				want(t, ic.Control, "010001398")
				want(t, ic.Groups[0].Control, "10000774")
				want(t, str(doc, "BEG", "BEG02"), "NE")
				want(t, str(doc, "BEG", "BEG03"), "----------") // masked, kept as sent
				wantN(t, count(doc, "N9"), 1)
				wantN(t, count(doc, "N9", 0, "MSG"), 1)
				wantList(t, column(doc, []any{"N1"}, "N1", "N101"), "VN", "ST")
				wantN(t, count(doc, "PO1"), 1)
				if _, ok := path(doc, "PO1", 0, "PO1").(map[string]any)["PO101"]; ok {
					t.Error("PO101 is empty in the file and must be absent")
				}
				want(t, str(doc, "PO1", 0, "PO1", "PO103"), "KI")
				want(t, str(doc, "PO1", 0, "PO1", "PO104"), "225")
				want(t, str(doc, "PO1", 0, "PO1", "PO109"), "SU - SPARK - AQ FREEZER PUSHER")
				want(t, str(doc, "CTT", "CTT01"), "000001") // numbers stay as sent
				want(t, str(doc, "CTT", "CTT03"), "0000000.00")
				want(t, str(doc, "CTT", "CTT04"), "01")
			},
		},
		{
			file: "x12_850_multi_po1_yd_bom_nbsp_tabs.edi",
			// The file's IEA02 is not its ISA13: the interchange is in error,
			// its one transaction set is not.
			errs: []string{"54 IEA 2 ENVELOPE_INVALID 001"},
			seps: Separators{Element: '*', Component: '>', Segment: '~'},
			sets: []string{"850/0001"},
			check: func(t *testing.T, ic *Interchange) {
				want(t, ic.ISA.Offset, 3) // after the BOM
				want(t, ic.Sender, "000123456")
				want(t, ic.Receiver, "TEST2")
				want(t, ic.Control, "000000055")
				doc := ic.Groups[0].Sets[0].Doc
				want(t, str(doc, "ISA", "ISA06"), "000123456") // NBSP padding trimmed
				want(t, str(doc, "ISA", "ISA02"), "")          // all padding: absent
				want(t, str(doc, "BEG", "BEG03"), "4600000406")
				want(t, str(doc, "CUR", "CUR02"), "USD")
				wantList(t, column(doc, []any{"N1"}, "N1", "N101"), "ST", "Z7", "BT", "BY", "SU")
				wantList(t, column(doc, []any{"PO1"}, "PO1", "PO103"), "YD", "YD", "YD")
				wantList(t, column(doc, []any{"PO1"}, "PO1", "PO102"), "2500", "2000", "1000")
				wantList(t, column(doc, []any{"PO1"}, "PO1", "PO104"), "2.53", "3.41", "3.41")
				want(t, str(doc, "PO1", 0, "MEA", 0, "MEA03"), "61.5")
				want(t, str(doc, "PO1", 0, "MEA", 0, "MEA04_01"), "IN") // composite
				want(t, str(doc, "PO1", 0, "TC2", 0, "TC202"), "5811.00.3000")
				wantList(t, []string{itoa(count(doc, "PO1", 0, "MSG")), itoa(count(doc, "PO1", 1, "MSG")), itoa(count(doc, "PO1", 2, "MSG"))}, "2", "4", "4")
				want(t, str(doc, "N9", 0, "MSG", 0, "MSG01"), "PO 3 EDI test ASNs")
				want(t, str(doc, "CTT", "CTT01"), "3")
			},
		},
		{
			file: "x12_850_empty_isa16_missing_terminator.edi",
			// Both sets use ST02 0001: the second is rejected.
			errs:     []string{"90 ST 2 ENVELOPE_INVALID 23"},
			warnings: []string{"23 DTM"}, // no ~ before the line break: repaired
			seps:     Separators{Element: '*', Segment: '~'},
			sets:     []string{"850/0001", "850/0001!"},
			check: func(t *testing.T, ic *Interchange) {
				first := ic.Groups[0].Sets[0]
				doc := first.Doc
				want(t, str(doc, "ISA", "ISA16"), "")
				want(t, str(doc, "BEG", "BEG03"), "740150")
				wantN(t, count(doc, "PO1"), 10)
				want(t, str(doc, "CTT", "CTT01"), "10")
				for i := 0; i < 10; i++ {
					want(t, str(doc, "PO1", i, "CUR", "CUR02"), "USD") // CUR inside each PO1 loop
					want(t, str(doc, "PO1", i, "PO1", "PO104"), "")    // no unit price
					wantN(t, count(doc, "PO1", i, "DTM"), 2)
					wantN(t, count(doc, "PO1", i, "REF"), 2)
				}
				// The repaired DTM is the second of the second PO1 loop.
				want(t, str(doc, "PO1", 1, "DTM", 1, "DTM02"), "20190309")
				want(t, str(doc, "PO1", 2, "PO1", "PO101"), "30")
				second := ic.Groups[0].Sets[1]
				if second.Doc != nil {
					t.Error("the set with the duplicate control number has a document")
				}
				want(t, len(second.Segments), 95)
			},
		},
		{
			file: "x12_850_syntax_error_missing_id.edi",
			errs: []string{
				"15 PO1 7 SYNTAX_INVALID 2", // PO106 CB without PO107
				"32 PO4 6 SYNTAX_INVALID 2", // PO405 X without PO406
			},
			seps: Separators{Element: '*', Component: '>', Segment: '\n'},
			sets: []string{"850/000000010!"},
			check: func(t *testing.T, ic *Interchange) {
				st := ic.Groups[0].Sets[0]
				if st.Doc != nil {
					t.Error("a set with syntax errors has a document")
				}
				data := readTestdata(t, "x12_850_syntax_error_missing_id.edi")
				for _, e := range st.Errors {
					line := string(data[:e.Offset])
					line = line[strings.LastIndexByte(line, '\n')+1:]
					switch e.SegmentID {
					case "PO1":
						want(t, line, "PO1*1*120*EA*9.25*TE*CB*") // the offset is where PO107 should be
						want(t, e.Error(), "segment 15 (PO1): PO107 (Product/Service ID) is required when PO106 is present (syntax note P0607)")
					case "PO4":
						want(t, line, "PO4*6*6*EA*PLT94*X*")
						want(t, e.Error(), "segment 32 (PO4): PO406 (Gross Weight per Pack) is required when PO405 is present (syntax note C0506)")
					}
				}
			},
		},
		{
			file: "x12_855_po_ack_line_statuses.edi",
			seps: Separators{Element: '*', Component: '>', Segment: '~'},
			sets: []string{"855/0005"},
			check: func(t *testing.T, ic *Interchange) {
				want(t, ic.Groups[0].FunctionalID, "PR")
				doc := ic.Groups[0].Sets[0].Doc
				want(t, str(doc, "BAK", "BAK02"), "AD")
				want(t, str(doc, "BAK", "BAK03"), "POTEST1112")
				want(t, str(doc, "CSH", 0, "CSH04"), "123MILL 0001")
				wantN(t, count(doc, "N1", 0, "N3"), 2)
				wantList(t, column(doc, []any{"PO1"}, "ACK", 0, "ACK01"), "IA", "IR", "IR", "IA")
				wantList(t, column(doc, []any{"PO1"}, "ACK", 0, "ACK02"), "3", "0", "0", "2")
				wantList(t, column(doc, []any{"PO1"}, "ACK", 0, "ACK29"), "AC", "CW", "KK", "AC")
				wantList(t, column(doc, []any{"PO1"}, "PO1", "PO104"), "4.5", "15.99", "0", "4.5") // a zero price is "0"
				wantList(t, column(doc, []any{"PO1"}, "SCH", 0, "SCH06"), "20041231", "20071009", "20041231", "20041231")
				wantN(t, count(doc, "PO1", 2, "PID"), 0)
				want(t, str(doc, "CTT", "CTT01"), "4")
				want(t, str(doc, "CTT", "CTT02"), "5") // hash of the acknowledged quantities
			},
		},
		{
			file: "x12_856_asn_00406_repsep_dash.edi",
			seps: Separators{Element: '*', Repetition: '-', Component: '>', Segment: '~'},
			sets: []string{"856/0008"},
			check: func(t *testing.T, ic *Interchange) {
				want(t, ic.Version, "00406")
				want(t, ic.StandardsID, "-")
				want(t, ic.Groups[0].Version, "004060")
				doc := ic.Groups[0].Sets[0].Doc
				want(t, str(doc, "BSN", "BSN02"), "829716")
				wantList(t, column(doc, []any{"HL"}, "HL", "HL03"), "S", "O", "I", "I")
				wantList(t, column(doc, []any{"HL"}, "HL", "HL02"), "", "1", "2", "2")
				want(t, levels(doc), "I=2 O=1 S=1")
				// "-" is the repetition separator, but no element here repeats:
				// the ZIP+4 and the bill of lading stay whole.
				want(t, str(doc, "HL", 0, "N1", 1, "N4", "N403"), "31139-0020")
				want(t, str(doc, "HL", 0, "N1", 1, "N4", "N406"), "9999")
				want(t, str(doc, "HL", 0, "REF", 0, "REF02"), "999999-001")
				want(t, str(doc, "HL", 0, "TD1", 0, "TD107"), "60.310")
				want(t, str(doc, "HL", 1, "PRF", "PRF01"), "99999817")
				wantList(t, column(doc, []any{"HL"}, "SN1", "SN102"), "", "", "24", "6")
				wantList(t, column(doc, []any{"HL"}, "LIN", "LIN05"), "", "", "999999310145", "999999311746")
				want(t, str(doc, "CTT", "CTT01"), "4")
				want(t, str(doc, "CTT", "CTT02"), "30")
			},
		},
		{
			file: "x12_856_crossdock_sotpi.edi",
			seps: Separators{Element: '*', Component: '>', Segment: '\n'},
			sets: []string{"856/0001"},
			check: func(t *testing.T, ic *Interchange) {
				doc := ic.Groups[0].Sets[0].Doc
				want(t, levels(doc), "I=5 O=2 P=5 S=1")
				want(t, str(doc, "CTT", "CTT01"), "13") // the number of HL segments
				wantList(t, column(doc, []any{"HL"}, "HL", "HL02"), "", "1", "2", "3", "2", "5", "2", "7", "2", "9", "1", "11", "12")
				var sscc []string
				for _, h := range path(doc, "HL").([]any) {
					if str(h, "HL", "HL03") == "P" {
						sscc = append(sscc, str(h, "MAN", 0, "MAN02"))
					}
				}
				wantList(t, sscc, "00000715670002152360", "00000715670002152377", "00000715670002152384",
					"00000715670002152391", "00000715670002152111")
				want(t, str(doc, "HL", 0, "TD1", 0, "TD107"), "24")
				want(t, str(doc, "HL", 0, "TD3", 0, "TD303"), "1234567890")
				want(t, str(doc, "HL", 0, "FOB", 0, "FOB01"), "PP")
				want(t, str(doc, "HL", 5, "LIN", "LIN02"), "EN")
				want(t, str(doc, "HL", 5, "LIN", "LIN03"), "0000000000831")
			},
		},
		{
			file: "x12_810_invoice_sac_terms.edi",
			seps: Separators{Element: '*', Component: '>', Segment: '~'},
			sets: []string{"810/0001"},
			check: func(t *testing.T, ic *Interchange) {
				want(t, ic.Groups[0].FunctionalID, "IN")
				doc := ic.Groups[0].Sets[0].Doc
				want(t, str(doc, "BIG", "BIG02"), "DO091003TESTINV01")
				want(t, str(doc, "CUR", "CUR02"), "USD")
				wantList(t, column(doc, []any{"N1"}, "N1", "N101"), "SO", "RI")
				wantN(t, count(doc, "ITD"), 5)
				want(t, str(doc, "ITD", 3, "ITD03"), "-5")
				wantList(t, column(doc, []any{"IT1"}, "IT1", "IT104"), "99.99", "79.99")
				wantList(t, column(doc, []any{"IT1"}, "SAC", 0, "SAC05"), "19998", "15998")
				wantList(t, column(doc, []any{"IT1"}, "SAC", 1, "SAC05"), "300", "300")
				wantList(t, column(doc, []any{"IT1", 0, "N1"}, "N1", "N101"), "SF", "ST")
				want(t, str(doc, "TDS", "TDS01"), "36596") // implied decimals: 365.96
				wantList(t, column(doc, []any{"AMT"}, "AMT02"), "359.96", "365.96", "365.96")
				wantList(t, column(doc, []any{"SAC"}, "SAC02"), "G830", "H850")
				want(t, str(doc, "CTT", "CTT01"), "2")
				// The lines add up to AMT*1; TDS is that plus the G830 charge.
				wantDecimal(t, lineTotal(t, doc, "IT1"), "359.96")
			},
		},
		{
			file: "x12_810_invoice_with_txi_tax.edi",
			seps: Separators{Element: '*', Component: '>', Segment: '~'},
			sets: []string{"810/0001"},
			check: func(t *testing.T, ic *Interchange) {
				doc := ic.Groups[0].Sets[0].Doc
				want(t, str(doc, "BIG", "BIG02"), "DO091003TESTINV01TAX")
				wantN(t, count(doc, "IT1"), 2)
				wantList(t, column(doc, []any{"IT1", 0, "TXI"}, "TXI01"), "ST", "FD")
				wantList(t, column(doc, []any{"IT1", 0, "TXI"}, "TXI02"), "15.99", "3.99")
				wantList(t, column(doc, []any{"IT1", 1, "TXI"}, "TXI02"), "12.79", "3.19")
				wantList(t, column(doc, []any{"IT1", 0, "SAC"}, "SAC02"), "B840", "G830", "H850")
				wantList(t, column(doc, []any{"TXI"}, "TXI02"), "28.78", "7.18")
				wantList(t, column(doc, []any{"SAC"}, "SAC05"), "600", "3596")
				want(t, str(doc, "TDS", "TDS01"), "40192")
				want(t, str(doc, "AMT", 1, "AMT02"), "401.92")
				wantDecimal(t, lineTotal(t, doc, "IT1"), "359.96")
			},
		},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".edi"), func(t *testing.T) {
			ic, err := Parse(readTestdata(t, tt.file))
			if ic == nil {
				t.Fatalf("no interchange: %v", err)
			}
			if got := errorSummary(asErrors(t, err)); !sameStrings(got, tt.errs) {
				t.Errorf("errors:\n got %q\nwant %q\n(%v)", got, tt.errs, err)
			}
			var warnings []string
			for _, w := range allWarnings(ic) {
				warnings = append(warnings, itoa(w.Segment)+" "+w.SegmentID)
			}
			if !sameStrings(warnings, tt.warnings) {
				t.Errorf("warnings: got %q, want %q", warnings, tt.warnings)
			}
			if ic.Separators != tt.seps {
				t.Errorf("separators: got %q, want %q", sepString(ic.Separators), sepString(tt.seps))
			}
			var sets []string
			for _, g := range ic.Groups {
				for _, s := range g.Sets {
					id := s.ID + "/" + s.Control
					if s.Err() != nil {
						id += "!"
						if s.Doc != nil {
							t.Errorf("set %s has errors and a document", id)
						}
					} else {
						if s.Doc == nil {
							t.Errorf("set %s has no errors and no document", id)
						}
						if bad := conforms(s.ID, s.Doc, Schema(s.ID)); len(bad) > 0 {
							t.Errorf("document of %s does not fit its schema:\n%s", id, strings.Join(bad, "\n"))
						}
					}
					sets = append(sets, id)
				}
			}
			if !sameStrings(sets, tt.sets) {
				t.Errorf("sets: got %q, want %q", sets, tt.sets)
			}
			if tt.check != nil && !t.Failed() {
				tt.check(t, ic)
			}
		})
	}
}

// check850VICS checks the facts of the VICS 850 (sent twice in the corpus,
// with ~ and with newline terminators).
func check850VICS(t *testing.T, ic *Interchange) {
	t.Helper()
	want(t, ic.Sender, "4405197800")
	want(t, ic.Receiver, "999999999")
	want(t, ic.Control, "000003438")
	want(t, ic.Version, "00400")
	g := ic.Groups[0]
	want(t, g.FunctionalID, "PO")
	want(t, g.Control, "1421")
	want(t, g.Version, "004010VICS")
	doc := g.Sets[0].Doc
	want(t, str(doc, "ISA", "ISA06"), "4405197800")
	want(t, str(doc, "ISA", "ISA13"), "000003438")
	want(t, str(doc, "GS", "GS06"), "1421")
	want(t, str(doc, "ST", "ST02"), "000000010")
	want(t, str(doc, "SE", "SE01"), "33")
	want(t, str(doc, "BEG", "BEG03"), "08292233294")
	want(t, str(doc, "BEG", "BEG05"), "20101127")
	wantN(t, count(doc, "REF"), 2)
	wantN(t, count(doc, "PKG"), 2)
	want(t, str(doc, "TD5", 0, "TD505"), "SEE XYZ RETAIL ROUTING GUIDE")
	want(t, str(doc, "N1", 0, "N4", "N403"), "44139")
	wantN(t, count(doc, "PO1"), 6)
	wantList(t, column(doc, []any{"PO1"}, "PO1", "PO102"), "120", "220", "126", "76", "72", "696")
	wantList(t, column(doc, []any{"PO1"}, "PO1", "PO104"), "9.25", "13.79", "10.99", "4.35", "7.5", "9.55")
	wantList(t, column(doc, []any{"PO1"}, "PO1", "PO107"), "065322-117", "066850-116", "060733-110", "065308-116", "065374-118", "067504-118")
	wantList(t, column(doc, []any{"PO1"}, "PO4", "PO401"), "4", "2", "6", "4", "4", "6") // pack: CA → EA
	wantList(t, column(doc, []any{"PO1"}, "PO4", "PO402"), "4", "2", "1", "4", "4", "6")
	wantList(t, column(doc, []any{"PO1"}, "PID", 0, "PID05"), "SMALL WIDGET", "MEDIUM WIDGET", "LARGE WIDGET", "NANO WIDGET", "BLUE WIDGET", "ORANGE WIDGET")
	want(t, str(doc, "CTT", "CTT01"), "6")
	want(t, str(doc, "AMT", 0, "AMT01"), "1")
	want(t, str(doc, "AMT", 0, "AMT02"), "13045.94")
	wantDecimal(t, lineTotal(t, doc, "PO1"), "13045.94")
}

// lineTotal adds quantity × unit price over the PO1 or IT1 loops.
func lineTotal(t *testing.T, doc map[string]any, loop string) builtin.Decimal {
	t.Helper()
	total := builtin.DecimalFromInt(0)
	for _, l := range path(doc, loop).([]any) {
		q, err := builtin.ParseDecimal(str(l, loop, loop+"02"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := builtin.ParseDecimal(str(l, loop, loop+"04"))
		if err != nil {
			t.Fatal(err)
		}
		line, err := q.Mul(p)
		if err != nil {
			t.Fatal(err)
		}
		if total, err = total.Add(line); err != nil {
			t.Fatal(err)
		}
	}
	return total
}

// levels counts the HL loops of an 856 by level code: "I=2 O=1 S=1".
func levels(doc map[string]any) string {
	n := map[string]int{}
	for _, h := range path(doc, "HL").([]any) {
		n[str(h, "HL", "HL03")]++
	}
	var out []string
	for _, k := range []string{"I", "O", "P", "S", "T"} {
		if n[k] > 0 {
			out = append(out, k+"="+itoa(n[k]))
		}
	}
	return strings.Join(out, " ")
}

func allWarnings(ic *Interchange) Errors {
	ws := append(Errors(nil), ic.Warnings...)
	for _, g := range ic.Groups {
		for _, s := range g.Sets {
			ws = append(ws, s.Warnings...)
		}
	}
	return ws
}

func sepString(s Separators) string {
	return string([]byte{s.Element, s.Repetition, s.Component, s.Segment})
}

func itoa(i int) string { return strconv.Itoa(i) }

func want[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

func wantN(t *testing.T, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("got %d, want %d", got, want)
	}
}

func wantList(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !sameStrings(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func wantDecimal(t *testing.T, got builtin.Decimal, want string) {
	t.Helper()
	if got.Cmp(builtin.MustDecimal(want)) != 0 {
		t.Errorf("got %s, want %s", got, want)
	}
}
