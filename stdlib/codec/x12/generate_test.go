package x12

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fromParsed turns the sets of a parsed interchange back into sets to
// write: every segment between ST and SE, composites split at the
// interchange's component separator.
func fromParsed(ic *Interchange) []OutGroup {
	var groups []OutGroup
	for _, g := range ic.Groups {
		og := OutGroup{FunctionalID: g.FunctionalID, SenderCode: g.Sender, ReceiverCode: g.Receiver,
			Version: g.Version, Agency: g.Agency}
		og.Control, _ = strconv.ParseUint(g.Control, 10, 64)
		for _, s := range g.Sets {
			os := OutSet{ID: s.ID, Control: s.Control, ConventionRef: s.ConventionRef}
			for _, sg := range s.Segments[1 : len(s.Segments)-1] {
				os.Segments = append(os.Segments, outSegment(sg, ic.Separators.Component))
			}
			og.Sets = append(og.Sets, os)
		}
		groups = append(groups, og)
	}
	return groups
}

func outSegment(sg Segment, comp byte) OutSegment {
	out := OutSegment{ID: sg.ID}
	for _, e := range sg.Elements[1:] {
		if comp != 0 && strings.IndexByte(e, comp) >= 0 {
			out.Elements = append(out.Elements, strings.Split(e, string(comp)))
		} else {
			out.Elements = append(out.Elements, []string{e})
		}
	}
	return out
}

// normalize drops trailing empty elements and components, which X12 does
// not write.
func normalize(segs []OutSegment) []OutSegment {
	out := make([]OutSegment, len(segs))
	for i, s := range segs {
		n := OutSegment{ID: s.ID}
		for _, e := range s.Elements {
			c := append([]string(nil), e...)
			for len(c) > 0 && c[len(c)-1] == "" {
				c = c[:len(c)-1]
			}
			if len(c) == 0 {
				c = nil
			}
			n.Elements = append(n.Elements, c)
		}
		for len(n.Elements) > 0 && n.Elements[len(n.Elements)-1] == nil {
			n.Elements = n.Elements[:len(n.Elements)-1]
		}
		if len(n.Elements) == 0 {
			n.Elements = nil
		}
		out[i] = n
	}
	return out
}

// TestGenerateRoundTripCorpus: every 855, 856 and 810 of the corpus,
// parsed, written again with Generate (with our separators) and parsed
// again, has the same sets with the same segments and elements.
func TestGenerateRoundTripCorpus(t *testing.T) {
	for _, name := range []string{
		"x12_855_po_ack_line_statuses.edi",
		"x12_856_asn_00406_repsep_dash.edi",
		"x12_856_crossdock_sotpi.edi",
		"x12_810_invoice_sac_terms.edi",
		"x12_810_invoice_with_txi_tax.edi",
		"x12_850_vics_po4_pack_4010.edi",
	} {
		t.Run(name, func(t *testing.T) {
			ic, err := Parse(readTestdata(t, name))
			if ic == nil {
				t.Fatal(err)
			}
			out := &OutInterchange{
				SenderQualifier: ic.SenderQualifier, Sender: ic.Sender,
				ReceiverQualifier: ic.ReceiverQualifier, Receiver: ic.Receiver,
				Version: ic.Version, Usage: ic.Usage, Newline: true,
				Time:   time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
				Groups: fromParsed(ic),
			}
			out.Control, _ = strconv.ParseUint(ic.Control, 10, 64)
			data, err := Generate(out)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Parse(data)
			if err != nil {
				t.Fatalf("the generated interchange does not parse cleanly: %v\n%s", err, data)
			}
			if again.Sender != ic.Sender || again.Receiver != ic.Receiver || again.Control != ic.Control || again.Version != ic.Version {
				t.Errorf("envelope: %s/%s/%s/%s, want %s/%s/%s/%s", again.Sender, again.Receiver, again.Control, again.Version,
					ic.Sender, ic.Receiver, ic.Control, ic.Version)
			}
			want, got := fromParsed(ic), fromParsed(again)
			if len(got) != len(want) {
				t.Fatalf("%d groups, want %d", len(got), len(want))
			}
			for gi := range want {
				if len(got[gi].Sets) != len(want[gi].Sets) {
					t.Fatalf("group %d: %d sets, want %d", gi, len(got[gi].Sets), len(want[gi].Sets))
				}
				for si := range want[gi].Sets {
					w, g := normalize(want[gi].Sets[si].Segments), normalize(got[gi].Sets[si].Segments)
					if !reflect.DeepEqual(g, w) {
						t.Errorf("set %d: segments differ\n got %v\nwant %v", si, g, w)
					}
					if (again.Groups[gi].Sets[si].Doc == nil) != (ic.Groups[gi].Sets[si].Doc == nil) {
						t.Errorf("set %d: document %v after the round trip, %v before", si, again.Groups[gi].Sets[si].Doc != nil, ic.Groups[gi].Sets[si].Doc != nil)
					}
				}
			}
		})
	}
}

func TestGenerateEnvelope(t *testing.T) {
	out := &OutInterchange{
		SenderQualifier: "ZZ", Sender: "ACME", ReceiverQualifier: "01", Receiver: "123456789",
		Control: 42, Usage: "T", Newline: true,
		Time: time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC),
		Groups: []OutGroup{{FunctionalID: "SH", Control: 7, Version: "004010", Sets: []OutSet{
			{ID: "856", Control: "0001", Segments: []OutSegment{
				Seg("BSN", "00", "ASN-1", "20260301", "0905", "0001"),
				Seg("HL", "1", "", "S"),
				{ID: "REF", Elements: [][]string{{"BM"}, {"123"}, nil, {"ZZ", "X", ""}, nil}},
			}},
			{ID: "856", Control: "0002", Segments: []OutSegment{Seg("BSN", "00", "ASN-2", "20260301", "0905"), Seg("HL", "1", "", "S")}},
		}}},
	}
	data, err := Generate(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "ISA*00*          *00*          *ZZ*ACME           *01*123456789      *260301*0905*U*00401*000000042*0*T*>~\n" +
		"GS*SH*ACME*123456789*20260301*0905*7*X*004010~\n" +
		"ST*856*0001~\nBSN*00*ASN-1*20260301*0905*0001~\nHL*1**S~\nREF*BM*123**ZZ>X~\nSE*5*0001~\n" +
		"ST*856*0002~\nBSN*00*ASN-2*20260301*0905~\nHL*1**S~\nSE*4*0002~\n" +
		"GE*2*7~\nIEA*1*000000042~\n"
	if string(data) != want {
		t.Errorf("got\n%s\nwant\n%s", data, want)
	}
	if isa, _, _ := strings.Cut(string(data), "\n"); len(isa) != 106 {
		t.Errorf("the ISA is %d bytes with its terminator, want 106", len(isa))
	}
	ic, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if ic.Usage != "T" || ic.Groups[0].Version != "004010" || len(ic.Groups[0].Sets) != 2 {
		t.Errorf("parsed back: usage %s, version %s, %d sets", ic.Usage, ic.Groups[0].Version, len(ic.Groups[0].Sets))
	}
	// 00402 and later: ISA11 is the repetition separator.
	out.Version = "00501"
	out.Groups[0].Version = "005010"
	out.Separators = Separators{Element: '|', Component: ':', Repetition: '^', Segment: '\n'}
	data, err = Generate(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "ISA|00|          |00|          |ZZ|ACME           |01|123456789      |260301|0905|^|00501|000000042|0|T|:\nGS|SH|") {
		t.Errorf("00501 with | : ^ and newlines:\n%s", data)
	}
	if ic, err := Parse(data); err != nil || ic.Separators.Repetition != '^' || ic.Separators.Component != ':' {
		t.Errorf("parsed back: %v, %+v", err, ic.Separators)
	}
}

func TestGenerateRefuses(t *testing.T) {
	base := func() *OutInterchange {
		return &OutInterchange{SenderQualifier: "ZZ", Sender: "A", ReceiverQualifier: "ZZ", Receiver: "B", Control: 1,
			Groups: []OutGroup{{FunctionalID: "IN", Control: 1, Version: "004010", Sets: []OutSet{
				{ID: "810", Control: "0001", Segments: []OutSegment{Seg("BIG", "20260301", "INV-1")}}}}}}
	}
	cases := []struct {
		name   string
		change func(*OutInterchange)
		want   string
	}{
		{"element separator in a value", func(ic *OutInterchange) { ic.Groups[0].Sets[0].Segments[0] = Seg("BIG", "20260301", "INV*1") }, `holds the separator '*'`},
		{"component separator in a value", func(ic *OutInterchange) { ic.Groups[0].Sets[0].Segments[0] = Seg("N1", "ST", "A>B") }, `holds the separator '>'`},
		{"terminator in a component", func(ic *OutInterchange) {
			ic.Groups[0].Sets[0].Segments[0] = OutSegment{ID: "REF", Elements: [][]string{{"ZZ"}, {"1"}, nil, {"A", "B~C"}}}
		}, "element 4 component 2"},
		{"line break", func(ic *OutInterchange) { ic.Groups[0].Sets[0].Segments[0] = Seg("MSG", "two\nlines") }, "line break"},
		{"repetition separator from 00402 on", func(ic *OutInterchange) {
			ic.Version = "00403"
			ic.Groups[0].Sets[0].Segments[0] = Seg("MSG", "a^b")
		}, `'^'`},
		{"long sender", func(ic *OutInterchange) { ic.Sender = "SIXTEEN-CHARS-ID" }, "ISA06"},
		{"control number zero", func(ic *OutInterchange) { ic.Control = 0 }, "ISA13"},
		{"control number too large", func(ic *OutInterchange) { ic.Groups[0].Control = 1000000000 }, "GS06"},
		{"set in the wrong group", func(ic *OutInterchange) { ic.Groups[0].FunctionalID = "SH" }, "belongs in a IN functional group"},
		{"bad segment ID", func(ic *OutInterchange) { ic.Groups[0].Sets[0].Segments[0].ID = "big" }, "not a segment ID"},
		{"envelope segment in a set", func(ic *OutInterchange) { ic.Groups[0].Sets[0].Segments[0].ID = "SE" }, "envelope segments"},
		{"short ST02", func(ic *OutInterchange) { ic.Groups[0].Sets[0].Control = "1" }, "4 to 9"},
		{"same separators", func(ic *OutInterchange) { ic.Separators = Separators{Element: '*', Component: '*'} }, "both"},
		{"letter as separator", func(ic *OutInterchange) { ic.Separators = Separators{Segment: 'X'} }, "cannot be a delimiter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ic := base()
			if _, err := Generate(ic); err != nil {
				t.Fatalf("the base interchange fails: %v", err)
			}
			c.change(ic)
			_, err := Generate(ic)
			var ge *GenerateError
			if !errors.As(err, &ge) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want a GenerateError containing %q", err, c.want)
			}
		})
	}
	// Before 00402 the repetition byte is data.
	ic := base()
	ic.Groups[0].Sets[0].Segments[0] = Seg("BIG", "20260301", "A^B")
	if _, err := Generate(ic); err != nil {
		t.Errorf("'^' in a 00401 value: %v", err)
	}
}

func TestSegmentsFromNative(t *testing.T) {
	segs, err := SegmentsFromNative([]any{
		[]any{"REF", "BM", "123", nil, []any{"ZZ", "X"}},
		[]any{"CTT", int64(3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []OutSegment{
		{ID: "REF", Elements: [][]string{{"BM"}, {"123"}, nil, {"ZZ", "X"}}},
		{ID: "CTT", Elements: [][]string{{"3"}}},
	}
	if !reflect.DeepEqual(segs, want) {
		t.Errorf("got %v, want %v", segs, want)
	}
	for _, bad := range []any{
		"BSN*00",
		[]any{[]any{}},
		[]any{[]any{int64(1), "x"}},
		[]any{[]any{"REF", true}},
		[]any{[]any{"REF", map[string]any{}}},
	} {
		if _, err := SegmentsFromNative(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// TestGenerateProperty: for random sets of random segments, parsing what
// Generate writes gives back the same segments (trailing empty elements
// aside, which X12 does not write).
func TestGenerateProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		ic, groups := randomInterchange(r)
		checkRoundTrip(t, ic, groups)
	}
}

// FuzzGenerate: whatever the values, Generate either refuses them with a
// GenerateError or writes an interchange that parses back to the same
// segments.
func FuzzGenerate(f *testing.F) {
	f.Add("BSN", "00*1", "ASN>1", "x~y", uint64(1), true)
	f.Add("REF", "BM", "", "12 34", uint64(999999999), false)
	f.Add("N1", "ST", "ACME\nCORP", "^", uint64(5), true)
	f.Fuzz(func(t *testing.T, id, a, b, c string, ctl uint64, newline bool) {
		ic := &OutInterchange{SenderQualifier: "ZZ", Sender: "S", ReceiverQualifier: "ZZ", Receiver: "R",
			Control: ctl, Newline: newline, Version: "00401",
			Groups: []OutGroup{{FunctionalID: "ZZ", Control: 1, Version: "004010", Sets: []OutSet{{ID: "999", Control: "0001",
				Segments: []OutSegment{{ID: id, Elements: [][]string{{a}, {b, c}, {c}}}}}}}}}
		data, err := Generate(ic)
		if err != nil {
			var ge *GenerateError
			if !errors.As(err, &ge) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkParsed(t, data, ic.Groups)
	})
}

func checkRoundTrip(t *testing.T, ic *OutInterchange, groups []OutGroup) {
	t.Helper()
	data, err := Generate(ic)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	checkParsed(t, data, groups)
}

func checkParsed(t *testing.T, data []byte, groups []OutGroup) {
	t.Helper()
	back, err := Parse(data)
	if back == nil {
		t.Fatalf("unreadable: %v\n%q", err, data)
	}
	for _, e := range back.AllErrors() {
		if e.Reason == ReasonEnvelope {
			t.Fatalf("envelope error %v in\n%s", e, data)
		}
	}
	got := fromParsed(back)
	if len(got) != len(groups) {
		t.Fatalf("%d groups, want %d", len(got), len(groups))
	}
	for gi := range groups {
		if len(got[gi].Sets) != len(groups[gi].Sets) {
			t.Fatalf("%d sets, want %d", len(got[gi].Sets), len(groups[gi].Sets))
		}
		for si := range groups[gi].Sets {
			w, g := normalize(groups[gi].Sets[si].Segments), normalize(got[gi].Sets[si].Segments)
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("segments differ\n got %q\nwant %q\n%s", g, w, data)
			}
		}
	}
}

// randomInterchange builds an interchange of random sets (of a type the
// package has no structure for, so that only the envelope and segment
// syntax are read) with values drawn from letters, digits and the
// punctuation partners send.
func randomInterchange(r *rand.Rand) (*OutInterchange, []OutGroup) {
	const alphabet = "ABCXYZ0189 .,-/#&'()+@%$!?=_;\"abc"
	value := func() string {
		n := r.IntN(6)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	seps := []Separators{
		{Element: '*', Component: '>', Repetition: '^', Segment: '~'},
		{Element: '|', Component: ':', Repetition: '{', Segment: '\n'},
		{Element: '^', Component: '\\', Repetition: '}', Segment: '\''},
	}[r.IntN(3)]
	ic := &OutInterchange{SenderQualifier: "ZZ", Sender: "SENDER", ReceiverQualifier: "ZZ", Receiver: "RECEIVER",
		Control: uint64(r.IntN(999999999) + 1), Separators: seps, Newline: r.IntN(2) == 0,
		Version: []string{"00401", "00403", "00501"}[r.IntN(3)]}
	for g := 0; g < 1+r.IntN(2); g++ {
		og := OutGroup{FunctionalID: "ZZ", Control: uint64(g + 1), Version: ic.Version + "0"}
		for s := 0; s < 1+r.IntN(3); s++ {
			os := OutSet{ID: "999", Control: fmt.Sprintf("%04d", s+1)}
			for k := 0; k < r.IntN(6); k++ {
				sg := OutSegment{ID: []string{"N1", "REF", "LIN", "ZZ1", "MSG"}[r.IntN(5)]}
				for e := 0; e < r.IntN(6); e++ {
					if r.IntN(4) == 0 {
						sg.Elements = append(sg.Elements, []string{value(), value()})
					} else {
						sg.Elements = append(sg.Elements, []string{value()})
					}
				}
				os.Segments = append(os.Segments, sg)
			}
			og.Sets = append(og.Sets, os)
		}
		ic.Groups = append(ic.Groups, og)
	}
	// Values that hold a separator of this interchange are refused: the
	// property is about values that can be written.
	for gi := range ic.Groups {
		for si := range ic.Groups[gi].Sets {
			for k := range ic.Groups[gi].Sets[si].Segments {
				sg := &ic.Groups[gi].Sets[si].Segments[k]
				for e := range sg.Elements {
					for c := range sg.Elements[e] {
						v := sg.Elements[e][c]
						for _, sep := range []byte{seps.Element, seps.Component, seps.Repetition, seps.Segment} {
							v = strings.ReplaceAll(v, string(sep), "")
						}
						sg.Elements[e][c] = v
					}
				}
			}
		}
	}
	return ic, ic.Groups
}
