package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/x12"
	"github.com/transload/transload/stdlib/connectors"
)

// The X12 generation tests: what the x12 module's outbound mappings make
// of canonical documents, written by the x12 sink and read back with the
// repository's own parser, says the same as the canonical document: ids,
// lines, quantities, amounts to the cent, and the partner's own item ids.

// TestX12RoundTripCorpus: every 855, 856 and 810 of the corpus, parsed,
// generated again from its segments and parsed again, has the same
// segments, element for element (composites component for component).
func TestX12RoundTripCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "edi", "x12_8[15]*.edi"))
	n := 0
	for _, f := range files {
		if strings.Contains(f, "x12_850") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			must(t, err)
			ic, err := x12.Parse(data)
			if ic == nil {
				t.Fatal(err)
			}
			out := &x12.OutInterchange{
				SenderQualifier: ic.SenderQualifier, Sender: ic.Sender,
				ReceiverQualifier: ic.ReceiverQualifier, Receiver: ic.Receiver,
				Version: ic.Version, Usage: ic.Usage, Newline: true, Groups: x12Groups(ic),
			}
			out.Control, _ = strconv.ParseUint(ic.Control, 10, 64)
			gen, err := x12.Generate(out)
			must(t, err)
			back, err := x12.Parse(gen)
			if err != nil {
				t.Fatalf("the generated interchange does not parse cleanly: %v\n%s", err, gen)
			}
			want, got := x12Groups(ic), x12Groups(back)
			if !reflect.DeepEqual(x12Trim(got), x12Trim(want)) {
				t.Errorf("segments differ after the round trip\n got %v\nwant %v", got, want)
			}
			for gi, g := range ic.Groups {
				for si, s := range g.Sets {
					if (s.Doc == nil) != (back.Groups[gi].Sets[si].Doc == nil) {
						t.Errorf("set %s: a document before the round trip: %v, after: %v", s.Control, s.Doc != nil, back.Groups[gi].Sets[si].Doc != nil)
					}
				}
			}
		})
	}
	if n != 5 {
		t.Errorf("%d corpus 855/856/810 files, want 5", n)
	}
}

// x12Groups turns a parsed interchange back into groups to generate,
// composites split at the interchange's component separator.
func x12Groups(ic *x12.Interchange) []x12.OutGroup {
	var out []x12.OutGroup
	for _, g := range ic.Groups {
		og := x12.OutGroup{FunctionalID: g.FunctionalID, SenderCode: g.Sender, ReceiverCode: g.Receiver, Version: g.Version}
		og.Control, _ = strconv.ParseUint(g.Control, 10, 64)
		for _, s := range g.Sets {
			os := x12.OutSet{ID: s.ID, Control: s.Control}
			for _, sg := range s.Segments[1 : len(s.Segments)-1] {
				seg := x12.OutSegment{ID: sg.ID}
				for _, e := range sg.Elements[1:] {
					if c := ic.Separators.Component; c != 0 && strings.IndexByte(e, c) >= 0 {
						seg.Elements = append(seg.Elements, strings.Split(e, string(c)))
					} else {
						seg.Elements = append(seg.Elements, []string{e})
					}
				}
				os.Segments = append(os.Segments, seg)
			}
			og.Sets = append(og.Sets, os)
		}
		out = append(out, og)
	}
	return out
}

// x12Trim drops trailing empty elements, which X12 does not write.
func x12Trim(gs []x12.OutGroup) [][]string {
	var out [][]string
	for _, g := range gs {
		for _, s := range g.Sets {
			for _, sg := range s.Segments {
				line := []string{sg.ID}
				for _, e := range sg.Elements {
					line = append(line, strings.TrimRight(strings.Join(e, ">"), ">"))
				}
				for len(line) > 1 && line[len(line)-1] == "" {
					line = line[:len(line)-1]
				}
				out = append(out, line)
			}
		}
	}
	return out
}

// x12MemCounters hands out control numbers like the engine's counters
// (one per key, the next for a new key), in memory.
type x12MemCounters struct {
	mu   sync.Mutex
	last map[string]uint64
	keys map[string]uint64
}

func (c *x12MemCounters) Assign(_ context.Context, seq, key string, max uint64) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last, c.keys = map[string]uint64{}, map[string]uint64{}
	}
	if n, ok := c.keys[seq+"\x00"+key]; ok {
		return n, nil
	}
	n := c.last[seq] + 1
	if max > 0 && n > max {
		n = 1
	}
	c.last[seq], c.keys[seq+"\x00"+key] = n, n
	return n, nil
}

// x12Writer is an x12 sink as flows/edi_common.hcl declares it (our id
// TRANSLOAD, the partner PARTNER), writing to a temporary folder.
func x12Writer(t *testing.T) connector.Sink {
	t.Helper()
	spec := connectors.X12SinkSpec
	vals := map[string]cty.Value{}
	for _, a := range spec.Attrs {
		if a.Default != cty.NilVal {
			vals[a.Name] = a.Default
		} else {
			vals[a.Name] = cty.NullVal(a.Type)
		}
	}
	vals["dir"] = cty.StringVal("edi")
	vals["sender_id"] = cty.StringVal("TRANSLOAD")
	vals["receiver_id"] = cty.StringVal("PARTNER")
	s, err := connectors.NewX12Sink(connector.SinkParams{Name: "edi_partner", Config: cty.ObjectVal(vals), DataDir: t.TempDir(), Counters: &x12MemCounters{}})
	must(t, err)
	return s
}

// x12Write delivers an x12.Outbound document through the sink and parses
// what it wrote; the interchange must parse without any error.
func x12Write(t *testing.T, sink connector.Sink, key string, doc any) *x12.Interchange {
	t.Helper()
	resp, err := sink.Deliver(context.Background(), &connector.Delivery{Key: key, IdempotencyKey: key, Body: doc})
	if err != nil {
		t.Fatalf("x12 sink: %v", err)
	}
	data, err := os.ReadFile(resp.Ref)
	must(t, err)
	ic, err := x12.Parse(data)
	if err != nil {
		t.Fatalf("the generated interchange does not parse cleanly: %v\n%s", err, data)
	}
	if len(ic.Groups) != 1 || len(ic.Groups[0].Sets) != 1 || ic.Groups[0].Sets[0].Doc == nil {
		t.Fatalf("want one group with one valid set:\n%s", data)
	}
	return ic
}

// x12MappingFlows loads a flows folder with one flow per outbound
// mapping of the x12 module (x12.poa855, x12.asn856, x12.invoice810,
// x12.ack997), each taking the mapping's input type as JSON.
func x12MappingFlows(t *testing.T) *engine.Evaluator {
	t.Helper()
	dir := t.TempDir()
	src := `import "x12" {}

variable "x12_default_currency" {
  type    = string
  default = "USD"
}

variable "x12_default_country" {
  type    = string
  default = "US"
}

variable "x12_timezone" {
  type    = string
  default = "UTC"
}

variable "x12_item_qualifier" {
  type    = string
  default = "VN"
}

sink "stdout" "out" {}
`
	for _, f := range []struct{ name, schema, mapping string }{
		{"poa", "x12.PoAckInput", "x12.poa855"},
		{"asn", "x12.AsnInput", "x12.asn856"},
		{"inv", "x12.InvoiceInput", "x12.invoice810"},
		{"ack", "x12.FunctionalAck", "x12.ack997"},
	} {
		src += fmt.Sprintf(`
flow %q {
  schema = %s

  source "http" {
    path = "/%s"
  }

  map "x12" {
    mapping = %s
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
`, f.name, f.schema, f.name, f.mapping)
	}
	must(t, os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644))
	w, err := wire.New()
	must(t, err)
	cfg, diags := dsl.Load(dir, w.LoadOptions(nil, nil))
	if diags.HasErrors() {
		for _, d := range diags {
			t.Log(d.Error())
		}
		t.Fatal("the test flows do not load")
	}
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	must(t, err)
	return ev
}

// x12Map runs input (native or JSON-able) through one of the mapping
// flows and returns the x12.Outbound document.
func x12Map(t *testing.T, ev *engine.Evaluator, flow string, input any) any {
	t.Helper()
	body, err := builtin.AppendJSON(nil, input)
	must(t, err)
	outs, _, err := ev.Eval(context.Background(), flow, engine.Input{Body: body})
	must(t, err)
	if len(outs) != 1 || outs[0].Outcome != engine.OutcomeDelivered {
		t.Fatalf("%s: %s", flow, dumpOutcomes(outs))
	}
	return outs[0].Steps["x12"]
}

// x12Pairs collects the product/service id pairs of a PO1, IT1 or LIN
// (from element first on) as "qualifier=id", sorted.
func x12Pairs(seg map[string]any, id string, first, last int) []string {
	var out []string
	for i := first; i < last; i += 2 {
		q, _ := seg[fmt.Sprintf("%s%02d", id, i)].(string)
		v, _ := seg[fmt.Sprintf("%s%02d", id, i+1)].(string)
		if q != "" {
			out = append(out, q+"="+v)
		}
	}
	sort.Strings(out)
	return out
}

// refPairs are a canonical line's partner ids: its two-letter references.
func refPairs(refs any) []string {
	var out []string
	m, _ := refs.(map[string]any)
	for k, v := range m {
		if len(k) == 2 {
			out = append(out, k+"="+fmt.Sprint(v))
		}
	}
	sort.Strings(out)
	return out
}

func xdec(t *testing.T, s string) builtin.Decimal {
	t.Helper()
	d, err := builtin.ParseDecimal(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return d
}

// n2 reads an X12 amount with two implied decimals.
func n2(t *testing.T, s string) builtin.Decimal {
	t.Helper()
	d := xdec(t, s)
	q, err := d.Quo(builtin.DecimalFromInt(100))
	must(t, err)
	return q
}

func seg(doc any, path ...any) map[string]any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := doc.(map[string]any)
			doc = m[k]
		case int:
			l, _ := doc.([]any)
			if k >= len(l) {
				return nil
			}
			doc = l[k]
		}
	}
	m, _ := doc.(map[string]any)
	return m
}

func list(doc any, key string) []any {
	m, _ := doc.(map[string]any)
	l, _ := m[key].([]any)
	return l
}

func sameDec(t *testing.T, what string, got, want builtin.Decimal) {
	t.Helper()
	if got.Cmp(want) != 0 {
		t.Errorf("%s: %s, want %s", what, got, want)
	}
}

// TestX12FromCanonicalOrders: every X12 order of the corpus that
// edi_inbound accepts, acknowledged (855), shipped in full (856) and
// invoiced (810) from its canonical document, comes back through the
// parser with its PO number, its lines (line numbers, quantities, prices
// to the cent) and, on every line, exactly the item ids the partner sent
// in its 850.
func TestX12FromCanonicalOrders(t *testing.T) {
	ev := x12MappingFlows(t)
	sink := x12Writer(t)
	orders := 0
	for _, d := range acceptedCorpusDocs(t, "order") {
		if d.Flow != "edi_inbound" {
			continue
		}
		orders++
		o := d.Doc
		t.Run(d.Name, func(t *testing.T) {
			lines, _ := o["lines"].([]any)
			po, _ := o["po_number"].(string)
			refs, _ := o["references"].(map[string]any)

			// 855: every line accepted as ordered.
			ic := x12Write(t, sink, "855:"+d.Name, x12Map(t, ev, "poa", map[string]any{"order": o}))
			if ic.Receiver != refs["x12_sender"] || ic.Sender != refs["x12_receiver"] || ic.Usage != refs["x12_usage"] || ic.Groups[0].Version != refs["x12_version"] {
				t.Errorf("855 from %s to %s (%s, %s); the 850 came from %v to %v", ic.Sender, ic.Receiver, ic.Usage, ic.Groups[0].Version, refs["x12_sender"], refs["x12_receiver"])
			}
			doc := ic.Groups[0].Sets[0].Doc
			if b := seg(doc, "BAK"); b["BAK03"] != po || b["BAK02"] != "AD" {
				t.Errorf("BAK %v", b)
			}
			po1s := list(doc, "PO1")
			if len(po1s) != len(lines) || seg(doc, "CTT")["CTT01"] != strconv.Itoa(len(lines)) {
				t.Fatalf("%d PO1 loops, CTT %v; the order has %d lines", len(po1s), seg(doc, "CTT"), len(lines))
			}
			for i, l := range lines {
				line := l.(map[string]any)
				p := seg(po1s[i], "PO1")
				q := line["quantity"].(builtin.Quantity)
				price := line["unit_price"].(builtin.Money)
				if p["PO101"] != line["line_id"] {
					t.Errorf("line %d: PO101 %v, want %v", i, p["PO101"], line["line_id"])
				}
				sameDec(t, "PO102", xdec(t, p["PO102"].(string)), q.Value)
				sameDec(t, "PO104", xdec(t, p["PO104"].(string)), price.Amount)
				if got, want := x12Pairs(p, "PO1", 6, 26), refPairs(line["references"]); !reflect.DeepEqual(got, want) {
					t.Errorf("line %d: the 855 identifies the item as %v, the 850 as %v", i, got, want)
				}
				ack := seg(po1s[i], "ACK", 0)
				if ack["ACK01"] != "IA" {
					t.Errorf("line %d: ACK %v", i, ack)
				}
				sameDec(t, "ACK02", xdec(t, ack["ACK02"].(string)), q.Value)
			}

			// 856: one shipment of every line, the order known.
			var shipLines []any
			total := builtin.DecimalFromInt(0)
			for _, l := range lines {
				line := l.(map[string]any)
				shipLines = append(shipLines, map[string]any{"line_id": line["line_id"], "sku": line["sku"], "quantity": line["quantity"]})
				total, _ = total.Add(line["quantity"].(builtin.Quantity).Value)
			}
			shipment := map[string]any{"id": "ASN-" + po, "order_id": o["id"], "channel": "edi_x12",
				"shipped_at": "2026-03-02T15:30:00Z", "carrier": "UPSN", "lines": shipLines}
			ic = x12Write(t, sink, "856:"+d.Name, x12Map(t, ev, "asn", map[string]any{"shipment": shipment, "order": o}))
			doc = ic.Groups[0].Sets[0].Doc
			if b := seg(doc, "BSN"); b["BSN02"] != "ASN-"+po || b["BSN03"] != "20260302" || b["BSN04"] != "1530" || b["BSN05"] != "0004" {
				t.Errorf("BSN %v", b)
			}
			hls := list(doc, "HL")
			if len(hls) != 2+len(lines) || seg(hls[1], "PRF")["PRF01"] != po || seg(doc, "CTT")["CTT01"] != strconv.Itoa(len(hls)) {
				t.Fatalf("%d HL, PRF %v, CTT %v", len(hls), seg(hls[1], "PRF"), seg(doc, "CTT"))
			}
			sameDec(t, "CTT02", xdec(t, seg(doc, "CTT")["CTT02"].(string)), total)
			for i, l := range lines {
				line := l.(map[string]any)
				h := hls[2+i]
				if seg(h, "HL")["HL03"] != "I" || seg(h, "HL")["HL02"] != "2" || seg(h, "LIN")["LIN01"] != line["line_id"] {
					t.Errorf("item %d: HL %v LIN %v", i, seg(h, "HL"), seg(h, "LIN"))
				}
				if got, want := x12Pairs(seg(h, "LIN"), "LIN", 2, 32), refPairs(line["references"]); !reflect.DeepEqual(got, want) {
					t.Errorf("item %d: the 856 identifies the item as %v, the 850 as %v", i, got, want)
				}
				sameDec(t, "SN102", xdec(t, seg(h, "SN1")["SN102"].(string)), line["quantity"].(builtin.Quantity).Value)
			}

			// 810: the order invoiced as it stands.
			invoiceLines := []any{}
			for _, l := range lines {
				line := l.(map[string]any)
				il := map[string]any{"line_id": line["line_id"], "sku": line["sku"], "quantity": line["quantity"],
					"unit_price": line["unit_price"], "total": line["total"]}
				if disc, ok := line["discount"]; ok {
					il["discount"] = disc
				}
				invoiceLines = append(invoiceLines, il)
			}
			totals := o["totals"].(map[string]any)
			invoice := map[string]any{"id": "INV-" + po, "order_id": o["id"], "po_number": po, "channel": "edi_x12",
				"invoice_date": "2026-03-03T00:00:00Z", "currency": o["currency"], "lines": invoiceLines, "totals": totals}
			ic = x12Write(t, sink, "810:"+d.Name, x12Map(t, ev, "inv", map[string]any{"invoice": invoice, "order": o}))
			doc = ic.Groups[0].Sets[0].Doc
			if b := seg(doc, "BIG"); b["BIG02"] != "INV-"+po || b["BIG04"] != po || b["BIG01"] != "20260303" {
				t.Errorf("BIG %v", b)
			}
			it1s := list(doc, "IT1")
			if len(it1s) != len(lines) {
				t.Fatalf("%d IT1, want %d", len(it1s), len(lines))
			}
			for i, l := range lines {
				if got, want := x12Pairs(seg(it1s[i], "IT1"), "IT1", 6, 26), refPairs(l.(map[string]any)["references"]); !reflect.DeepEqual(got, want) {
					t.Errorf("IT1 %d: the 810 identifies the item as %v, the 850 as %v", i, got, want)
				}
			}
			sameDec(t, "TDS01", n2(t, seg(doc, "TDS")["TDS01"].(string)), totals["grand_total"].(builtin.Money).Amount)
			sameDec(t, "the 810 adds up", x12InvoiceSum(t, doc), n2(t, seg(doc, "TDS")["TDS01"].(string)))
		})
	}
	if orders < 2 {
		t.Fatalf("%d accepted X12 orders in the corpus", orders)
	}
}

// x12InvoiceSum adds up an 810 the way its receiver checks it: Σ IT1
// quantity × price − allowances + charges (line and summary SAC, two
// implied decimals) + taxes (TXI02).
func x12InvoiceSum(t *testing.T, doc map[string]any) builtin.Decimal {
	t.Helper()
	sum := builtin.DecimalFromInt(0)
	add := func(d builtin.Decimal) {
		var err error
		sum, err = sum.Add(d)
		must(t, err)
	}
	sacs := func(l []any) {
		for _, s := range l {
			m := s.(map[string]any)
			a := n2(t, m["SAC05"].(string))
			switch m["SAC01"] {
			case "A":
				add(a.Neg())
			case "C":
				add(a)
			}
		}
	}
	for _, it := range list(doc, "IT1") {
		p := seg(it, "IT1")
		gross, err := xdec(t, p["IT102"].(string)).Mul(xdec(t, p["IT104"].(string)))
		must(t, err)
		add(gross)
		sacs(list(it, "SAC"))
	}
	sacs(list(doc, "SAC"))
	for _, x := range list(doc, "TXI") {
		add(xdec(t, x.(map[string]any)["TXI02"].(string)))
	}
	return sum
}

// TestX12FromSamples: the sample documents of the edi_asn, edi_invoice
// and edi_ack flows (derived from the corpus 856, 810 and 855; the copies
// in flows/testdata/edi, which transload run does not move)
// come back as the corpus documents they were derived from say.
func TestX12FromSamples(t *testing.T) {
	ev := x12MappingFlows(t)
	sink := x12Writer(t)
	read := func(path string) map[string]any {
		data, err := os.ReadFile(filepath.Join("..", "flows", "testdata", "edi", path))
		must(t, err)
		var m map[string]any
		must(t, json.Unmarshal(data, &m))
		return m
	}

	t.Run("856 without cartons", func(t *testing.T) {
		ic := x12Write(t, sink, "asn1", x12Map(t, ev, "asn", map[string]any{"shipment": read("asn_829716.json")}))
		if ic.Receiver != "PARTNER" || ic.Sender != "TRANSLOAD" || ic.Groups[0].FunctionalID != "SH" {
			t.Errorf("envelope %s → %s %s", ic.Sender, ic.Receiver, ic.Groups[0].FunctionalID)
		}
		doc := ic.Groups[0].Sets[0].Doc
		// As the corpus 856 says: shipment 829716 shipped 2011-12-06, BOL
		// 999999-001, PRO 5787970539, PO 99999817, 24 + 6 EA of items
		// 87787D (UPC 999999310145) and 99887D (UPC 999999311746).
		hls := list(doc, "HL")
		if b := seg(doc, "BSN"); b["BSN02"] != "829716" || b["BSN05"] != "0004" || len(hls) != 4 {
			t.Fatalf("BSN %v, %d HL", b, len(hls))
		}
		refs := map[string]string{}
		for _, r := range list(hls[0], "REF") {
			refs[r.(map[string]any)["REF01"].(string)] = r.(map[string]any)["REF02"].(string)
		}
		if refs["BM"] != "999999-001" || refs["CN"] != "5787970539" || seg(doc, "DTM", 0)["DTM02"] != "20111206" {
			t.Errorf("references %v, DTM %v", refs, seg(doc, "DTM", 0))
		}
		if seg(hls[0], "N1", 0, "N1")["N101"] != "SF" || seg(hls[0], "N1", 1, "N4")["N403"] != "31139-0020" || seg(hls[1], "PRF")["PRF01"] != "99999817" {
			t.Errorf("parties %v, PRF %v", list(hls[0], "N1"), seg(hls[1], "PRF"))
		}
		for i, want := range []struct{ lin, qty string }{{"1 UP=999999310145 VN=87787D", "24"}, {"2 UP=999999311746 VN=99887D", "6"}} {
			lin := seg(hls[2+i], "LIN")
			if got := lin["LIN01"].(string) + " " + strings.Join(x12Pairs(lin, "LIN", 2, 32), " "); got != want.lin || seg(hls[2+i], "SN1")["SN102"] != want.qty {
				t.Errorf("item %d: LIN %s SN1 %v", i, got, seg(hls[2+i], "SN1"))
			}
		}
		if c := seg(doc, "CTT"); c["CTT01"] != "4" || c["CTT02"] != "30" {
			t.Errorf("CTT %v", c)
		}
	})

	t.Run("856 with cartons", func(t *testing.T) {
		ic := x12Write(t, sink, "asn2", x12Map(t, ev, "asn", map[string]any{"shipment": read("asn_000009_cartons.json")}))
		doc := ic.Groups[0].Sets[0].Doc
		// As the corpus crossdock 856 says for order POREF00: four packs
		// with SSCC-18 labels …2360, …2377, …2384, …2391, 12 EA each.
		var levels []string
		var labels []string
		for _, h := range list(doc, "HL") {
			hl := seg(h, "HL")
			levels = append(levels, hl["HL01"].(string)+"<"+fmt.Sprint(hl["HL02"])+hl["HL03"].(string))
			if m := seg(h, "MAN", 0); m != nil {
				labels = append(labels, m["MAN01"].(string)+" "+m["MAN02"].(string))
			}
		}
		want := "1<<nil>S 2<1O 3<2P 4<3I 5<2P 6<5I 7<2P 8<7I 9<2P 10<9I"
		if got := strings.Join(levels, " "); got != want {
			t.Errorf("hierarchy %s, want %s", got, want)
		}
		if len(labels) != 4 || labels[0] != "GM 00000715670002152360" || labels[3] != "GM 00000715670002152391" {
			t.Errorf("labels %v", labels)
		}
		if b := seg(doc, "BSN"); b["BSN05"] != "0001" {
			t.Errorf("BSN %v", b)
		}
		if c := seg(doc, "CTT"); c["CTT01"] != "10" || c["CTT02"] != "48" {
			t.Errorf("CTT %v", c)
		}
	})

	t.Run("810", func(t *testing.T) {
		inv := read("invoice_DO091003TESTINV01.json")
		ic := x12Write(t, sink, "inv", x12Map(t, ev, "inv", map[string]any{"invoice": inv}))
		doc := ic.Groups[0].Sets[0].Doc
		// As the corpus 810 says: invoice DO091003TESTINV01 of PO
		// DO091003, 2 × 99.99 + 2 × 79.99 = 359.96, charges 6.00, due
		// 365.96 (TDS 36596).
		if b := seg(doc, "BIG"); b["BIG02"] != "DO091003TESTINV01" || b["BIG04"] != "DO091003" || b["BIG01"] != "20030310" {
			t.Errorf("BIG %v", b)
		}
		if seg(doc, "TDS")["TDS01"] != "36596" || len(list(doc, "IT1")) != 2 || seg(doc, "REF", 0)["REF02"] != "DO091003" {
			t.Errorf("TDS %v, %d IT1, REF %v", seg(doc, "TDS"), len(list(doc, "IT1")), seg(doc, "REF", 0))
		}
		sameDec(t, "the 810 adds up", x12InvoiceSum(t, doc), xdec(t, "365.96"))
	})

	// Without the order, a line's own references (the buyer's part
	// numbers the ERP kept) identify the item, in the 856 and the 810.
	t.Run("856 and 810 lines identified by their own references", func(t *testing.T) {
		refs := map[string]any{"CB": "065322-117", "VN": "AB3542", "note": "not an id"}
		ship := read("asn_829716.json")
		ship["lines"].([]any)[0].(map[string]any)["references"] = refs
		doc := x12Write(t, sink, "asn-refs", x12Map(t, ev, "asn", map[string]any{"shipment": ship})).Groups[0].Sets[0].Doc
		hls := list(doc, "HL")
		if got := strings.Join(x12Pairs(seg(hls[2], "LIN"), "LIN", 2, 32), " "); got != "CB=065322-117 VN=AB3542" {
			t.Errorf("856 LIN %s", got)
		}
		if got := strings.Join(x12Pairs(seg(hls[3], "LIN"), "LIN", 2, 32), " "); got != "UP=999999311746 VN=99887D" {
			t.Errorf("856 LIN of the line without references: %s", got)
		}
		inv := read("invoice_DO091003TESTINV01.json")
		inv["lines"].([]any)[0].(map[string]any)["references"] = refs
		doc = x12Write(t, sink, "inv-refs", x12Map(t, ev, "inv", map[string]any{"invoice": inv})).Groups[0].Sets[0].Doc
		if got := strings.Join(x12Pairs(seg(list(doc, "IT1")[0], "IT1"), "IT1", 6, 26), " "); got != "CB=065322-117 VN=AB3542" {
			t.Errorf("810 IT1 %s", got)
		}
	})

	t.Run("855 against the corpus 855", func(t *testing.T) {
		ic := x12Write(t, sink, "poa", x12Map(t, ev, "poa", map[string]any{"order": read("po_POTEST1112_from_855.json")}))
		if ic.Receiver != "123MILL" || ic.Sender != "1556150" {
			t.Errorf("855 from %s to %s, want 1556150 to 123MILL as the corpus 855", ic.Sender, ic.Receiver)
		}
		got := ic.Groups[0].Sets[0].Doc
		data, err := os.ReadFile(filepath.Join("testdata", "corpus", "edi", "x12_855_po_ack_line_statuses.edi"))
		must(t, err)
		corpus, err := x12.Parse(data)
		must(t, err)
		want := corpus.Groups[0].Sets[0].Doc
		if seg(got, "BAK")["BAK03"] != seg(want, "BAK")["BAK03"] || seg(got, "N1", 0, "N1")["N104"] != seg(want, "N1", 0, "N1")["N104"] {
			t.Errorf("BAK %v, N1 %v", seg(got, "BAK"), seg(got, "N1", 0, "N1"))
		}
		gl, wl := list(got, "PO1"), list(want, "PO1")
		if len(gl) != len(wl) {
			t.Fatalf("%d PO1, the corpus 855 has %d", len(gl), len(wl))
		}
		for i := range wl {
			g, w := seg(gl[i], "PO1"), seg(wl[i], "PO1")
			if g["PO101"] != w["PO101"] || g["PO102"] != w["PO102"] || g["PO105"] != w["PO105"] ||
				!reflect.DeepEqual(x12Pairs(g, "PO1", 6, 26), x12Pairs(w, "PO1", 6, 26)) {
				t.Errorf("PO1 %d: %v, the corpus 855 has %v", i, g, w)
			}
			sameDec(t, "PO104", xdec(t, g["PO104"].(string)), xdec(t, w["PO104"].(string)))
		}
	})
}

// TestX12FunctionalAcks: a 997 for every corpus 850, accepted or not,
// from the parser's acknowledgment (x12.Acknowledge) through x12.ack997,
// written by the sink and parsed back: addressed to the 850's sender,
// AK1 naming its group, AK2/AK5 per set with the right code, AK3/AK4 for
// the elements in error, AK9 with the counts.
func TestX12FunctionalAcks(t *testing.T) {
	ev := x12MappingFlows(t)
	sink := x12Writer(t)
	cases := []struct {
		file, ak5, ak9 string
		ak3            string // "ID position element code" of the errors, in order
	}{
		{"x12_850_vics_po4_pack_4010.edi", "A", "A 1 1 1", ""},
		{"x12_850_newline_terminated_no_tilde.edi", "A", "A 1 1 1", ""},
		{"x12_850_kit_uom_masked_values.edi", "A", "A 1 1 1", ""},
		// PO106 CB without PO107, PO405 without PO406: AK403 2.
		{"x12_850_syntax_error_missing_id.edi", "R", "R 1 1 0", "PO1 13 7 2; PO4 30 6 2"},
		// IEA02 does not match ISA13: the whole interchange is rejected.
		{"x12_850_multi_po1_yd_bom_nbsp_tabs.edi", "R", "R 1 1 0", ""},
		// The second set repeats ST02 0001 (AK502 23): one of two accepted.
		{"x12_850_empty_isa16_missing_terminator.edi", "A R", "P 2 2 1", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "corpus", "edi", c.file))
			must(t, err)
			in, _ := x12.Parse(data)
			acks := x12.Acknowledge(in)
			if len(acks) != 1 {
				t.Fatalf("%d acknowledgments", len(acks))
			}
			ic := x12Write(t, sink, "997:"+c.file, x12Map(t, ev, "ack", acks[0]))
			if ic.Receiver != in.Sender || ic.ReceiverQualifier != in.SenderQualifier || ic.Sender != in.Receiver || ic.Groups[0].FunctionalID != "FA" || ic.Usage != in.Usage {
				t.Errorf("997 from %s to %s:%s (%s); the 850 came from %s:%s to %s", ic.Sender, ic.ReceiverQualifier, ic.Receiver, ic.Usage, in.SenderQualifier, in.Sender, in.Receiver)
			}
			doc := ic.Groups[0].Sets[0].Doc
			g := in.Groups[0]
			if a := seg(doc, "AK1"); a["AK101"] != "PO" || a["AK102"] != g.Control {
				t.Errorf("AK1 %v, want PO %s", a, g.Control)
			}
			var ak5, ak3 []string
			for i, l := range list(doc, "AK2") {
				if seg(l, "AK2")["AK202"] != g.Sets[i].Control {
					t.Errorf("AK2 %v, want set %s", seg(l, "AK2"), g.Sets[i].Control)
				}
				ak5 = append(ak5, seg(l, "AK5")["AK501"].(string))
				for _, n := range list(l, "AK3") {
					a3 := seg(n, "AK3")
					for _, e := range list(n, "AK4") {
						a4 := e.(map[string]any)
						ak3 = append(ak3, fmt.Sprintf("%s %s %s %s", a3["AK301"], a3["AK302"], a4["AK401_01"], a4["AK403"]))
					}
				}
			}
			a9 := seg(doc, "AK9")
			if got := strings.Join(ak5, " "); got != c.ak5 {
				t.Errorf("AK5 %s, want %s", got, c.ak5)
			}
			if got := fmt.Sprintf("%s %s %s %s", a9["AK901"], a9["AK902"], a9["AK903"], a9["AK904"]); got != c.ak9 {
				t.Errorf("AK9 %s, want %s", got, c.ak9)
			}
			if got := strings.Join(ak3, "; "); got != c.ak3 {
				t.Errorf("AK3/AK4 %q, want %q", got, c.ak3)
			}
		})
	}
}

// TestX12InboundAcknowledges: edi_inbound answers an 850 with a 997 to its
// sender (before anything else can stop it) and routes the order to
// erp_orders and edi_ack, which answers with an 855.
func TestX12InboundAcknowledges(t *testing.T) {
	cfg, w := loadDefaultFlows(t, nil)
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	must(t, err)
	sink := x12Writer(t)
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", "edi", "x12_850_vics_po4_pack_4010.edi"))
	must(t, err)
	outs, _, err := ev.Eval(context.Background(), "edi_inbound", engine.Input{Body: data})
	must(t, err)
	if len(outs) != 1 || outs[0].Outcome != engine.OutcomeDelivered {
		t.Fatalf("%s", dumpOutcomes(outs))
	}
	var ack, order any
	targets := map[string]bool{}
	for _, d := range outs[0].Deliveries {
		targets[d.Sink+d.Flow] = true
		switch {
		case d.Sink == "edi_partner":
			ack = d.Body
		case d.Flow == "edi_ack":
			order = d.Body
		}
	}
	if !targets["edi_partner"] || !targets["erp_orders"] || !targets["edi_ack"] {
		t.Fatalf("deliveries to %v", targets)
	}
	ic := x12Write(t, sink, "997", ack)
	doc := ic.Groups[0].Sets[0].Doc
	if ic.Receiver != "4405197800" || ic.ReceiverQualifier != "12" || ic.Sender != "999999999" || seg(doc, "AK1")["AK102"] != "1421" ||
		seg(doc, "AK2", 0, "AK5")["AK501"] != "A" || seg(doc, "AK9")["AK901"] != "A" {
		t.Errorf("997 from %s to %s:%s: %v", ic.Sender, ic.ReceiverQualifier, ic.Receiver, doc)
	}
	body, err := builtin.AppendJSON(nil, order)
	must(t, err)
	outs, _, err = ev.Eval(context.Background(), "edi_ack", engine.Input{Body: body})
	must(t, err)
	if len(outs) != 1 || outs[0].Outcome != engine.OutcomeDelivered || len(outs[0].Deliveries) != 1 {
		t.Fatalf("edi_ack: %s", dumpOutcomes(outs))
	}
	ic = x12Write(t, sink, "855", outs[0].Deliveries[0].Body)
	doc = ic.Groups[0].Sets[0].Doc
	if ic.Receiver != "4405197800" || seg(doc, "BAK")["BAK03"] != "08292233294" || len(list(doc, "PO1")) != 6 {
		t.Errorf("855 to %s: BAK %v, %d PO1", ic.Receiver, seg(doc, "BAK"), len(list(doc, "PO1")))
	}
}
