package x12

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestSeparators feeds the same purchase order in every layout the field
// sends and expects the same document each time.
func TestSeparators(t *testing.T) {
	vics := string(readTestdata(t, "x12_850_vics_po4_pack_4010.edi"))
	ref, err := Parse([]byte(vics))
	if err != nil {
		t.Fatal(err)
	}
	refDoc := ref.Groups[0].Sets[0].Doc
	nl := strings.ReplaceAll(strings.TrimSuffix(vics, "~")+"\n", "~\n", "\n")
	tests := []struct {
		name     string
		data     string
		seps     Separators
		warnings int
	}{
		{"tilde and LF", vics, Separators{'*', 0, '>', '~'}, 0},
		{"tilde and CRLF", strings.ReplaceAll(vics, "~\n", "~\r\n"), Separators{'*', 0, '>', '~'}, 0},
		{"tilde only", strings.ReplaceAll(vics, "~\n", "~"), Separators{'*', 0, '>', '~'}, 0},
		{"LF terminated", nl, Separators{'*', 0, '>', '\n'}, 0},
		{"CRLF terminated", strings.ReplaceAll(nl, "\n", "\r\n"), Separators{'*', 0, '>', '\n'}, 0},
		{"CR terminated", strings.ReplaceAll(nl, "\n", "\r"), Separators{'*', 0, '>', '\r'}, 0},
		{"blank lines", strings.ReplaceAll(nl, "\n", "\n\n"), Separators{'*', 0, '>', '\n'}, 0},
		{"BOM and leading space", "\ufeff \r\n" + vics, Separators{'*', 0, '>', '~'}, 0},
		{"tab and space indentation", strings.ReplaceAll(vics, "~\n", "~\n\t  "), Separators{'*', 0, '>', '~'}, 0},
		{"space after terminator", strings.ReplaceAll(vics, "~\n", "~ \n"), Separators{'*', 0, '>', '~'}, 0},
		{"other delimiters", strings.NewReplacer("*", "|", ">", "^", "~", "!").Replace(vics), Separators{'|', 0, '^', '!'}, 0},
		{"last terminator missing", strings.TrimSuffix(vics, "~"), Separators{'*', 0, '>', '~'}, 1},
		{"terminator missing before a line break", strings.Replace(vics, "REF*PS*R~\n", "REF*PS*R\n", 1), Separators{'*', 0, '>', '~'}, 1},
		{"terminator missing before a CRLF", strings.Replace(strings.ReplaceAll(vics, "~\n", "~\r\n"), "REF*PS*R~", "REF*PS*R", 1), Separators{'*', 0, '>', '~'}, 1},
		{"NBSP padding", strings.Replace(vics, "*ABCCO     *", "*ABCCO\u00a0\u00a0\u00a0\u00a0\u00a0*", 1), Separators{'*', 0, '>', '~'}, 0},
		{"short ISA fields", strings.Replace(vics, "*4405197800     *01*999999999      *", "*4405197800*01*999999999*", 1), Separators{'*', 0, '>', '~'}, 0},
		{"repetition separator from 00402", strings.Replace(vics, "*U*00400*", "*^*00402*", 1), Separators{'*', '^', '>', '~'}, 0},
		{"U before 00402", strings.Replace(vics, "*U*00400*", "*U*00401*", 1), Separators{'*', 0, '>', '~'}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ic, err := Parse([]byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if ic.Separators != tt.seps {
				t.Errorf("separators: got %q, want %q", sepString(ic.Separators), sepString(tt.seps))
			}
			if n := len(allWarnings(ic)); n != tt.warnings {
				t.Errorf("%d warnings, want %d: %v", n, tt.warnings, allWarnings(ic))
			}
			doc := ic.Groups[0].Sets[0].Doc
			// ISA fields are trimmed, so they match too, except those the
			// case changed on purpose.
			for _, k := range []string{"ISA11", "ISA12", "ISA16"} {
				delete(path(doc, "ISA").(map[string]any), k)
				delete(path(refDoc, "ISA").(map[string]any), k)
			}
			if !reflect.DeepEqual(doc, refDoc) {
				t.Errorf("document differs from the reference one")
			}
		})
	}
}

func TestSeparatorsRepetitionFromFile(t *testing.T) {
	ic, err := Parse(readTestdata(t, "x12_856_asn_00406_repsep_dash.edi"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ic.Separators.Repetition; got != '-' {
		t.Errorf("repetition separator %q, want '-'", got)
	}
	// A repetition separator before 00402 is just the standards ID.
	data := bytes.Replace(readTestdata(t, "x12_856_asn_00406_repsep_dash.edi"), []byte("*-*00406*"), []byte("*-*00401*"), 1)
	ic, err = Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := ic.Separators.Repetition; got != 0 {
		t.Errorf("00401: repetition separator %q, want none", got)
	}
}

// TestEmptyISA16 covers both readings of "…*T*~" followed by a line
// break: ISA16 empty with ~ terminators, or ISA16 ~ with line terminators.
func TestEmptyISA16(t *testing.T) {
	base := strings.ReplaceAll(small850(), "~", "~\n")
	emptyISA16 := strings.Replace(base, "*P*>~", "*P*~", 1)
	ic, err := Parse([]byte(emptyISA16))
	if err != nil {
		t.Fatal(err)
	}
	want(t, ic.Separators, Separators{Element: '*', Segment: '~'})
	want(t, len(ic.ISA.Elements), 17)
	want(t, ic.ISA.Elements[16], "")

	// "~" as the component separator, lines as segments.
	tildeISA16 := strings.ReplaceAll(strings.Replace(base, "*P*>~\n", "*P*~\n", 1), "~\n", "\n")
	tildeISA16 = strings.Replace(tildeISA16, "*P*\n", "*P*~\n", 1)
	ic, err = Parse([]byte(tildeISA16))
	if err != nil {
		t.Fatal(err)
	}
	want(t, ic.Separators, Separators{Element: '*', Component: '~', Segment: '\n'})

	// ISA16 empty and the line break is the terminator.
	emptyNL := strings.Replace(strings.ReplaceAll(base, "~\n", "\n"), "*P*>\n", "*P*\n", 1)
	ic, err = Parse([]byte(emptyNL))
	if err != nil {
		t.Fatal(err)
	}
	want(t, ic.Separators, Separators{Element: '*', Segment: '\n'})

	// Without a component separator composites are not split.
	withREF := strings.Replace(emptyISA16, "BEG*00*SA*PO-0001**20240101~\n", "BEG*00*SA*PO-0001**20240101~\nREF*ZZ*1**AB>CD~\n", 1)
	withREF = strings.Replace(withREF, "SE*10*", "SE*11*", 1)
	ic, err = Parse([]byte(withREF))
	if err != nil {
		t.Fatal(err)
	}
	want(t, str(ic.Groups[0].Sets[0].Doc, "REF", 0, "REF04_01"), "AB>CD")
}

func TestComposite(t *testing.T) {
	data := strings.Replace(small850(), "N1*ST*SHIP TO~", "REF*ZZ*1**AB>CD>>EF~N1*ST*SHIP TO~", 1)
	data = strings.Replace(data, "SE*10*", "SE*11*", 1)
	ic, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	ref := path(ic.Groups[0].Sets[0].Doc, "REF", 0).(map[string]any)
	wantMap := map[string]any{"REF01": "ZZ", "REF02": "1", "REF04_01": "AB", "REF04_02": "CD", "REF04_04": "EF"}
	if !reflect.DeepEqual(ref, wantMap) {
		t.Errorf("got %v, want %v", ref, wantMap)
	}
	// Seven components: REF04 has six.
	bad := strings.Replace(data, "AB>CD>>EF", "A>B>C>D>E>F>G", 1)
	_, err = Parse([]byte(bad))
	if got := errorSummary(asErrors(t, err)); !sameStrings(got, []string{"5 REF 4 SYNTAX_INVALID 3"}) {
		t.Errorf("got %q", got)
	}
}

// TestEnvelopeErrors breaks one control number or count at a time.
// small850: ISA 1, GS 2, ST 3 … SE 12, GE 13, IEA 14.
func TestEnvelopeErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		errs []string
		msg  string // the Error() text of the first error, if set
		docs int    // sets with a document
	}{
		{
			name: "SE01 count",
			edit: func(s string) string { return strings.Replace(s, "SE*10*", "SE*9*", 1) },
			errs: []string{"12 SE 1 ENVELOPE_INVALID 4"},
			msg:  "segment 12 (SE): SE01 says 9 segments, the transaction set has 10",
		},
		{
			name: "SE02 control",
			edit: func(s string) string { return strings.Replace(s, "SE*10*0001", "SE*10*0002", 1) },
			errs: []string{"12 SE 2 ENVELOPE_INVALID 3"},
			msg:  `segment 12 (SE): SE02 "0002" does not match ST02 "0001"`,
		},
		{
			name: "GE01 count",
			edit: func(s string) string { return strings.Replace(s, "GE*1*1", "GE*2*1", 1) },
			errs: []string{"13 GE 1 ENVELOPE_INVALID 5"},
			msg:  "segment 13 (GE): GE01 says 2 transaction sets, the group has 1",
			docs: 1,
		},
		{
			name: "GE02 control",
			edit: func(s string) string { return strings.Replace(s, "GE*1*1", "GE*1*7", 1) },
			errs: []string{"13 GE 2 ENVELOPE_INVALID 4"},
			msg:  `segment 13 (GE): GE02 "7" does not match GS06 "1"`,
			docs: 1,
		},
		{
			name: "GE02 with leading zeros is the same number",
			edit: func(s string) string { return strings.Replace(s, "GE*1*1", "GE*1*0001", 1) },
			docs: 1,
		},
		{
			name: "IEA01 count",
			edit: func(s string) string { return strings.Replace(s, "IEA*1*", "IEA*3*", 1) },
			errs: []string{"14 IEA 1 ENVELOPE_INVALID 021"},
			msg:  "segment 14 (IEA): IEA01 says 3 functional groups, the interchange has 1",
			docs: 1,
		},
		{
			name: "IEA02 control",
			edit: func(s string) string { return strings.Replace(s, "IEA*1*000000001", "IEA*1*000000002", 1) },
			errs: []string{"14 IEA 2 ENVELOPE_INVALID 001"},
			msg:  `segment 14 (IEA): IEA02 "000000002" does not match ISA13 "000000001"`,
			docs: 1,
		},
		{
			name: "ISA13 not 9 digits",
			edit: func(s string) string {
				return strings.Replace(strings.Replace(s, "*000000001*0*P*", "*00000001X*0*P*", 1), "IEA*1*000000001", "IEA*1*00000001X", 1)
			},
			errs: []string{"1 ISA 13 ENVELOPE_INVALID 018", "14 IEA 2 SYNTAX_INVALID 6"},
			docs: 1,
		},
		{
			name: "no SE",
			edit: func(s string) string { return strings.Replace(s, "SE*10*0001~", "", 1) },
			errs: []string{"12 SE 0 ENVELOPE_INVALID 2"},
			msg:  "segment 12 (SE): transaction set 0001 (ST at segment 3) has no SE trailer",
		},
		{
			name: "no GE",
			edit: func(s string) string { return strings.Replace(s, "GE*1*1~", "", 1) },
			errs: []string{"13 GE 0 ENVELOPE_INVALID 3"},
			docs: 1,
		},
		{
			name: "no IEA",
			edit: func(s string) string { return strings.Replace(s, "IEA*1*000000001~", "", 1) },
			errs: []string{"14 IEA 0 ENVELOPE_INVALID 023"},
			docs: 1,
		},
		{
			name: "ST without GS",
			edit: func(s string) string {
				return strings.Replace(strings.Replace(s, "GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010~", "", 1), "GE*1*1~", "", 1)
			},
			errs: []string{"2 ST 0 ENVELOPE_INVALID 024", "2 ST 0 ENVELOPE_INVALID ", "12 IEA 1 ENVELOPE_INVALID 021"},
		},
		{
			name: "segment between sets",
			edit: func(s string) string { return strings.Replace(s, "GE*1*1~", "REF*ZZ*1~GE*1*1~", 1) },
			errs: []string{"13 REF 0 ENVELOPE_INVALID 024"},
			docs: 1,
		},
		{
			name: "duplicate ST02",
			edit: func(s string) string { return strings.Replace(s, "GE*1*1~", set850("0001")+"GE*2*1~", 1) },
			errs: []string{"13 ST 2 ENVELOPE_INVALID 23"},
			msg:  `segment 13 (ST): ST02 control number "0001" is already used by the transaction set at segment 3`,
			docs: 1,
		},
		{
			name: "duplicate GS06",
			edit: func(s string) string {
				return strings.NewReplacer("GE*1*1~", "GE*1*1~GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010~"+set850("0002")+"GE*1*1~",
					"IEA*1*", "IEA*2*").Replace(s)
			},
			errs: []string{"14 GS 6 ENVELOPE_INVALID 19"},
			docs: 2,
		},
		{
			name: "850 in an SH group",
			edit: func(s string) string { return strings.Replace(s, "GS*PO*", "GS*SH*", 1) },
			errs: []string{"3 ST 1 ENVELOPE_INVALID 6"},
		},
		{
			name: "all at once",
			edit: func(s string) string {
				return strings.NewReplacer("SE*10*0001", "SE*11*0002", "GE*1*1", "GE*2*2", "IEA*1*000000001", "IEA*2*000000009").Replace(s)
			},
			errs: []string{
				"12 SE 1 ENVELOPE_INVALID 4", "12 SE 2 ENVELOPE_INVALID 3",
				"13 GE 1 ENVELOPE_INVALID 5", "13 GE 2 ENVELOPE_INVALID 4",
				"14 IEA 1 ENVELOPE_INVALID 021", "14 IEA 2 ENVELOPE_INVALID 001",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ic, err := Parse([]byte(tt.edit(small850())))
			if ic == nil {
				t.Fatalf("no interchange: %v", err)
			}
			es := asErrors(t, err)
			if got := errorSummary(es); !sameStrings(got, tt.errs) {
				t.Errorf("errors:\n got %q\nwant %q\n(%v)", got, tt.errs, err)
			}
			if tt.msg != "" && len(es) > 0 && es[0].Error() != tt.msg {
				t.Errorf("message:\n got %q\nwant %q", es[0].Error(), tt.msg)
			}
			docs := 0
			for _, g := range ic.Groups {
				for _, s := range g.Sets {
					if s.Doc != nil {
						docs++
					}
				}
			}
			if tt.errs == nil {
				tt.docs = 1
			}
			if docs != tt.docs {
				t.Errorf("%d documents, want %d", docs, tt.docs)
			}
		})
	}
}

// TestTwoGroups: an interchange with a PO group of two 850s and an SH
// group of one 856, with one bad 850 that must not spoil the others.
func TestTwoGroups(t *testing.T) {
	asn := readTestdata(t, "x12_856_asn_00406_repsep_dash.edi")
	st := bytes.Index(asn, []byte("ST*856"))
	se := bytes.Index(asn, []byte("GE*"))
	bad := strings.Replace(set850("0002"), "BEG*00*SA*PO-0002**20240101", "BEG*00*SA***20240101", 1)
	data := testISA("00401", "000000042", 'U', '>') +
		"GS*PO*SENDER*RECEIVER*20240101*1200*7*X*004010~" + set850("0001") + bad + "GE*2*7~" +
		"GS*SH*SENDER*RECEIVER*20240101*1200*8*X*004010~" + string(asn[st:se]) + "GE*1*8~" +
		"IEA*2*000000042~"
	ic, err := Parse([]byte(data))
	es := asErrors(t, err)
	if got := errorSummary(es); !sameStrings(got, []string{"14 BEG 3 SYNTAX_INVALID 1"}) {
		t.Fatalf("errors %q (%v)", got, err)
	}
	want(t, es[0].Error(), "segment 14 (BEG): BEG03 (Purchase Order Number) is mandatory")
	want(t, len(ic.Groups), 2)
	want(t, ic.Groups[0].Control, "7")
	want(t, ic.Groups[1].FunctionalID, "SH")
	want(t, ic.Groups[0].Err(), nil)
	want(t, ic.Groups[1].Err(), nil)
	var valid []string
	for _, g := range ic.Groups {
		for _, s := range g.Sets {
			if s.Err() == nil {
				valid = append(valid, s.ID+"/"+s.Control+"/"+str(s.Doc, "GS", "GS06"))
			}
		}
	}
	wantList(t, valid, "850/0001/7", "856/0008/8")
	want(t, ic.Groups[0].Sets[1].Doc == nil, true)
}

func TestParseAll(t *testing.T) {
	one := small850()
	two := strings.NewReplacer("000000001", "000000002", "SA*PO-0001", "SA*PO-0002").Replace(one)
	data := []byte(one + "\r\n" + two + "\n")
	ics, err := ParseAll(data)
	if err != nil {
		t.Fatal(err)
	}
	want(t, len(ics), 2)
	want(t, ics[1].Control, "000000002")
	want(t, ics[1].ISA.Offset, len(one)+2)
	want(t, str(ics[1].Groups[0].Sets[0].Doc, "BEG", "BEG03"), "PO-0002")

	// Parse reads one and says there are more.
	ic, err := Parse(data)
	if ic == nil || err == nil || !strings.Contains(err.Error(), "use ParseAll") {
		t.Errorf("Parse of two interchanges: %v", err)
	}

	// An interchange without IEA followed by another: both are read.
	ics, err = ParseAll([]byte(strings.Replace(one, "IEA*1*000000001~", "", 1) + two))
	want(t, len(ics), 2)
	if got := errorSummary(asErrors(t, err)); !sameStrings(got, []string{"14 IEA 0 ENVELOPE_INVALID 023"}) {
		t.Errorf("errors %q", got)
	}
	// Garbage after the IEA.
	_, err = ParseAll([]byte(one + "\nHELLO"))
	if got := errorSummary(asErrors(t, err)); !sameStrings(got, []string{"15 ISA 0 ENVELOPE_INVALID 022"}) {
		t.Errorf("errors %q", got)
	}
}

func TestFatal(t *testing.T) {
	tests := []struct {
		name, data, msg string
	}{
		{"empty", "", "byte 0: no ISA segment: the data is empty"},
		{"blank", " \r\n\t", "byte 4: no ISA segment: the data is empty"},
		{"not X12", "<?xml version='1.0'?>", `byte 0: expected an ISA segment, found "<?xml version='1.0'?…"`},
		{"letter separator", "ISAA00", `segment 1 (ISA): the element separator (the byte after "ISA") is 'A', which is not a delimiter`},
		{"short ISA", "ISA*00*          *00*", "segment 1 (ISA): the ISA segment has only 4 elements; it needs 16"},
		{"ISA cut by a line break", "ISA*00*   *00*\nGS*PO", "segment 1 (ISA): a line break ends the ISA segment after 4 elements; it needs 16"},
		{"terminator is the separator", "ISA*00*  *00*  *ZZ*S *ZZ*R *240101*1200*U*00401*000000001*0*P*>*", "segment 1 (ISA): the segment terminator and the element separator are both '*'"},
		{"17 elements", "ISA*00*  *00*  *ZZ*S *ZZ*R *240101*1200*U*00401*000000001*0*P**~", "segment 1 (ISA): the ISA segment has more than 16 elements"},
		{"nothing after ISA16", "ISA*00*  *00*  *ZZ*S *ZZ*R *240101*1200*U*00401*000000001*0*P*>", "segment 1 (ISA): the data ends after ISA16: the ISA segment has no terminator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ic, err := Parse([]byte(tt.data))
			if ic != nil {
				t.Errorf("got an interchange")
			}
			if err == nil || err.Error() != tt.msg {
				t.Errorf("got %v, want %s", err, tt.msg)
			}
			var e *Error
			if !errors.As(err, &e) || e.Reason != ReasonEnvelope {
				t.Errorf("error is not an envelope *Error: %#v", err)
			}
		})
	}
}

// TestSyntax checks segment and element rules on a small 850.
// small850: ST 3, BEG 4, N1 5, N3 6, N4 7, PO1 8, PID 9, PO4 10, CTT 11, SE 12.
func TestSyntax(t *testing.T) {
	tests := []struct {
		name string
		old  string // replaced in small850 by new; SE01 is fixed up
		new  string
		errs []string
	}{
		{"mandatory element", "BEG*00*SA*PO-0001**20240101", "BEG*00**PO-0001**20240101", []string{"4 BEG 2 SYNTAX_INVALID 1"}},
		{"bad date", "BEG*00*SA*PO-0001**20240101", "BEG*00*SA*PO-0001**20240230", []string{"4 BEG 5 SYNTAX_INVALID 8"}},
		{"bad decimal", "PO1*1*10*EA*1.50", "PO1*1*10*EA*1,50", []string{"8 PO1 4 SYNTAX_INVALID 6"}},
		{"negative and bare decimals are numbers", "PO1*1*10*EA*1.50", "PO1*1*-10*EA*.50", nil},
		{"bad integer", "CTT*1", "CTT*1.0", []string{"11 CTT 1 SYNTAX_INVALID 6"}},
		{"too many elements", "N3*1 MAIN ST", "N3*1 MAIN ST**X", []string{"6 N3 3 SYNTAX_INVALID 3"}},
		{"trailing empty elements are tolerated", "N3*1 MAIN ST", "N3*1 MAIN ST***", nil},
		{"pair", "PO1*1*10*EA*1.50**VP*ABC", "PO1*1*10*EA*1.50**VP", []string{"8 PO1 7 SYNTAX_INVALID 2"}},
		{"pair, other half", "PO1*1*10*EA*1.50**VP*ABC", "PO1*1*10*EA*1.50***ABC", []string{"8 PO1 6 SYNTAX_INVALID 2"}},
		{"conditional", "PO1*1*10*EA*1.50**VP*ABC", "PO1*1*10*EA***VP*ABC", nil},
		{"conditional broken", "PO1*1*10*EA*1.50**VP*ABC", "PO1*1**EA*1.50**VP*ABC", []string{"8 PO1 2 SYNTAX_INVALID 2"}},
		{"required one of", "N1*ST*SHIP TO", "N1*ST", []string{"5 N1 2 SYNTAX_INVALID 2"}},
		{"list conditional", "PO4*12*1*EA", "PO4*12*1*EA**********IN", []string{"10 PO4 10 SYNTAX_INVALID 2"}},
		{"conditional on a later element", "PID*F****WIDGET", "PID*F****WIDGET~MEA**WT***5", []string{"10 MEA 4 SYNTAX_INVALID 2"}},
		{"mandatory segment", "BEG*00*SA*PO-0001**20240101~", "", []string{"4 BEG 0 SYNTAX_INVALID 3"}},
		{"segment twice", "CTT*1", "CTT*1~CTT*1", []string{"12 CTT 0 SYNTAX_INVALID 5"}},
		{"PO4 twice in one loop", "PO4*12*1*EA", "PO4*12*1*EA~PO4*6*1*EA", []string{"11 PO4 0 SYNTAX_INVALID 5"}},
		{"bad segment ID", "CTT*1", "ctt*1", []string{"11 ctt 0 SYNTAX_INVALID 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := small850()
			if !strings.Contains(data, tt.old) {
				t.Fatalf("%q not in the test interchange", tt.old)
			}
			data = strings.Replace(data, tt.old, tt.new, 1)
			n := 10 + strings.Count(tt.new, "~") - strings.Count(tt.old, "~")
			data = strings.Replace(data, "SE*10*", "SE*"+itoa(n)+"*", 1)
			ic, err := Parse([]byte(data))
			if ic == nil {
				t.Fatal(err)
			}
			if got := errorSummary(asErrors(t, err)); !sameStrings(got, tt.errs) {
				t.Errorf("errors:\n got %q\nwant %q\n(%v)", got, tt.errs, err)
			}
			if (ic.Groups[0].Sets[0].Doc == nil) != (tt.errs != nil) {
				t.Errorf("document present: %v, errors: %v", ic.Groups[0].Sets[0].Doc != nil, err)
			}
		})
	}
}

// TestExclusion exercises an E note (MEA08 excludes MEA03).
func TestExclusion(t *testing.T) {
	data := strings.Replace(small850(), "PID*F****WIDGET", "PID*F****WIDGET~MEA**WT*1*LB****X", 1)
	data = strings.Replace(data, "SE*10*", "SE*11*", 1)
	_, err := Parse([]byte(data))
	if got := errorSummary(asErrors(t, err)); !sameStrings(got, []string{"10 MEA 3 SYNTAX_INVALID 10"}) {
		t.Errorf("errors %q (%v)", got, err)
	}
}

func TestUnknownSegmentKept(t *testing.T) {
	data := strings.Replace(small850(), "PID*F****WIDGET", "PID*F****WIDGET~ZZ1*A**C~NTE*GEN*HELLO", 1)
	data = strings.Replace(data, "SE*10*", "SE*12*", 1)
	ic, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	st := ic.Groups[0].Sets[0]
	loop := path(st.Doc, "PO1", 0).(map[string]any)
	if !reflect.DeepEqual(loop["ZZ1"], []any{map[string]any{"ZZ101": "A", "ZZ103": "C"}}) {
		t.Errorf("ZZ1: %#v", loop["ZZ1"])
	}
	if !reflect.DeepEqual(loop["NTE"], []any{map[string]any{"NTE01": "GEN", "NTE02": "HELLO"}}) {
		t.Errorf("NTE: %#v", loop["NTE"])
	}
	if got := errorSummary(st.Warnings); !sameStrings(got, []string{"10 ZZ1 0 SYNTAX_INVALID ", "11 NTE 0 SYNTAX_INVALID "}) {
		t.Errorf("warnings %q", got)
	}
	// The PO4 after them still lands in the PO1 loop.
	want(t, str(loop, "PO4", "PO401"), "12")
}

func TestUnknownSet(t *testing.T) {
	data := testISA("00401", "000000001", 'U', '>') + "GS*OW*S*R*20240101*1200*5*X*004010~" +
		"ST*940*0001~W05*N*ORDER1~N1*ST*SHIP TO~W01*12*CA*0001234~REF*ZZ*1**AB>CD~SE*6*0001~GE*1*5~IEA*1*000000001~"
	ic, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	doc := ic.Groups[0].Sets[0].Doc
	want(t, count(doc, "segments"), 4)
	want(t, str(doc, "segments", 0, "id"), "W05")
	want(t, str(doc, "segments", 0, "W0502"), "ORDER1")
	want(t, str(doc, "segments", 3, "REF04"), "AB>CD") // no dictionary: composites stay whole
	want(t, str(doc, "GS", "GS01"), "OW")
	if bad := conforms("940", doc, Schema("940")); len(bad) > 0 {
		t.Error(bad)
	}
}

func Test997(t *testing.T) {
	data := testISA("00401", "000000001", 'U', '>') + "GS*FA*S*R*20240101*1200*5*X*004010~" +
		"ST*997*0001~AK1*PO*1421~AK2*850*000000010~AK3*PO1*13**8~AK4*7*234*1~AK3*PO4*30**8~AK4*6**2~AK5*R*5~AK9*R*1*1*0~SE*10*0001~" +
		"GE*1*5~IEA*1*000000001~"
	ic, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	doc := ic.Groups[0].Sets[0].Doc
	want(t, str(doc, "AK1", "AK102"), "1421")
	want(t, count(doc, "AK2"), 1)
	want(t, count(doc, "AK2", 0, "AK3"), 2)
	want(t, str(doc, "AK2", 0, "AK3", 1, "AK4", 0, "AK401_01"), "6")
	want(t, str(doc, "AK2", 0, "AK5", "AK501"), "R")
	want(t, str(doc, "AK9", "AK904"), "0")
	if bad := conforms("997", doc, Schema("997")); len(bad) > 0 {
		t.Error(bad)
	}
	// AK5 is mandatory in its loop.
	noAK5 := strings.Replace(strings.Replace(data, "AK5*R*5~", "", 1), "SE*10*", "SE*9*", 1)
	_, err = Parse([]byte(noAK5))
	if got := errorSummary(asErrors(t, err)); !sameStrings(got, []string{"10 AK5 0 SYNTAX_INVALID 3"}) {
		t.Errorf("errors %q (%v)", got, err)
	}
}

func TestHL(t *testing.T) {
	asn := string(readTestdata(t, "x12_856_crossdock_sotpi.edi"))
	tests := []struct {
		name, old, new string
		errs           []string
	}{
		{"unknown parent", "HL*4*3*I", "HL*4*33*I", []string{"27 HL 2 SYNTAX_INVALID 7"}},
		{"parent after child", "HL*2*1*O", "HL*2*3*O", []string{"19 HL 2 SYNTAX_INVALID 7"}},
		{"duplicate ID", "HL*5*2*P", "HL*4*2*P", []string{"30 HL 1 SYNTAX_INVALID 7", "32 HL 2 SYNTAX_INVALID 7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.Replace(asn, tt.old, tt.new, 1)))
			if got := errorSummary(asErrors(t, err)); !sameStrings(got, tt.errs) {
				t.Errorf("errors:\n got %q\nwant %q\n(%v)", got, tt.errs, err)
			}
		})
	}
}

func TestErrorsAs(t *testing.T) {
	_, err := Parse(readTestdata(t, "x12_850_syntax_error_missing_id.edi"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As found no *Error in %v", err)
	}
	want(t, e.Reason, ReasonSyntax)
	want(t, e.Segment, 15)
	want(t, e.Element, 7)
	want(t, strings.HasPrefix(err.Error(), "2 problems: segment 15 (PO1): "), true)
}
