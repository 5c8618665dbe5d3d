package tests

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/stdlib/codec/x12"
)

// Canonical → X12 856: the x12.asn856 mapping as the compiled flows run
// it (dsl.Mapping.Apply with x12.asn_plan, x12.asn_pack,
// x12.shipment_line …), then x12.Generate, against the same 856 built by
// hand in Go from the same native shipment and written by the same
// generator, in one run. Both produce byte-identical interchanges, checked
// before timing. The shipment has 12 cartons (SSCC-18 labels, weights,
// tracking numbers) of 3 lines each: 50 HL levels, 128 segments.
//
//	go test ./tests -run '^$' -bench X12ASN -benchmem
func BenchmarkX12ASN(b *testing.B) {
	w, err := wire.New()
	if err != nil {
		b.Fatal(err)
	}
	cfg, diags := dsl.Load(filepath.Join("..", "flows"), w.LoadOptions(nil, nil))
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	if err != nil {
		b.Fatal(err)
	}
	outs, _, err := ev.Eval(context.Background(), "edi_asn", engine.Input{Body: []byte(benchShipmentJSON())})
	if err != nil || len(outs) != 1 || outs[0].Outcome != engine.OutcomeDelivered {
		b.Fatalf("edi_asn: %v %s", err, dumpOutcomes(outs))
	}
	shipment := outs[0].Input.(map[string]any)
	when := time.Date(2026, 3, 2, 15, 30, 0, 0, time.UTC)
	input := map[string]any{"shipment": shipment, "date": when}
	mapping := cfg.Mappings["x12.asn856"]
	envelope := func() *x12.OutInterchange {
		return &x12.OutInterchange{SenderQualifier: "ZZ", Sender: "TRANSLOAD", ReceiverQualifier: "ZZ", Receiver: "PARTNER",
			Control: 1, Time: when, Newline: true}
	}
	compiled := func() ([]byte, error) {
		doc, err := mapping.Apply(input)
		if err != nil {
			return nil, err
		}
		set := doc.(map[string]any)["sets"].([]any)[0].(map[string]any)
		segs, err := x12.SegmentsFromNative(set["segments"])
		if err != nil {
			return nil, err
		}
		ic := envelope()
		ic.Groups = []x12.OutGroup{{FunctionalID: "SH", Control: 1, Version: "004010", Sets: []x12.OutSet{{ID: "856", Control: "0001", Segments: segs}}}}
		return x12.Generate(ic)
	}
	handwritten := func() ([]byte, error) {
		segs, err := handwrittenASN(shipment, when)
		if err != nil {
			return nil, err
		}
		ic := envelope()
		ic.Groups = []x12.OutGroup{{FunctionalID: "SH", Control: 1, Version: "004010", Sets: []x12.OutSet{{ID: "856", Control: "0001", Segments: segs}}}}
		return x12.Generate(ic)
	}
	c, err := compiled()
	if err != nil {
		b.Fatal(err)
	}
	h, err := handwritten()
	if err != nil {
		b.Fatal(err)
	}
	if !bytes.Equal(c, h) {
		b.Fatalf("the two differ:\ncompiled\n%s\nhandwritten\n%s", c, h)
	}
	if _, err := x12.Parse(c); err != nil {
		b.Fatalf("the 856 does not parse: %v", err)
	}
	b.Run("compiled", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(c)))
		for b.Loop() {
			if _, err := compiled(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(h)))
		for b.Loop() {
			if _, err := handwritten(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchShipmentJSON is a parcel shipment of 12 cartons of 3 lines each.
func benchShipmentJSON() string {
	var cartons, lines []string
	for k := 0; k < 12; k++ {
		var cl []string
		for j := 0; j < 3; j++ {
			n := k*3 + j + 1
			l := fmt.Sprintf(`{"line_id": "%d", "sku": "SKU-%04d", "gtin": "0001234%05d", "quantity": {"value": "%d", "uom": "EA"}}`, n, n, n, 1+n%7)
			cl = append(cl, l)
			lines = append(lines, l)
		}
		cartons = append(cartons, fmt.Sprintf(`{"id": "0000123456%08d", "weight": {"value": "%d.5", "uom": "LBR"}, "tracking": "1Z999AA1%010d", "lines": [%s]}`,
			k+1, 3+k, k+1, strings.Join(cl, ", ")))
	}
	return fmt.Sprintf(`{
  "id": "ASN-2026-0302-01", "order_id": "PO-778812", "channel": "edi_x12", "status": "shipped",
  "shipped_at": "2026-03-02T14:05:00Z", "carrier": "UPSN", "service": "UPS Ground",
  "tracking": [{"number": "1Z999AA10123456784"}],
  "ship_from": {"company": "Acme Distribution", "line1": "100 Warehouse Way", "city": "Columbus", "region": "OH", "postal_code": "43215", "country": "US"},
  "ship_to": {"company": "Retailer DC 0042", "line1": "42 Logistics Pkwy", "line2": "Dock 7", "city": "Atlanta", "region": "GA", "postal_code": "30301", "country": "US"},
  "cartons": [%s],
  "lines": [%s],
  "references": {"x12_ref_BM": "BOL-55120"}
}`, strings.Join(cartons, ",\n    "), strings.Join(lines, ", "))
}

// handwrittenASN is x12.asn856 (shipment without its order, cartons
// present, ASCII text) written in plain Go over the same native document.
func handwrittenASN(s map[string]any, when time.Time) ([]x12.OutSegment, error) {
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	date := func(t time.Time) string { return t.UTC().Format("20060102") }
	clock := func(t time.Time) string { return t.UTC().Format("1504") }
	text := func(v string) string { return strings.Join(strings.Fields(v), " ") }
	unit := func(u string) string {
		switch u {
		case "CS":
			return "CA"
		case "LBR":
			return "LB"
		case "KGM":
			return "KG"
		}
		return u
	}
	cartons, _ := s["cartons"].([]any)
	segs := make([]x12.OutSegment, 0, 16+len(cartons)*12)
	add := func(id string, el ...string) { segs = append(segs, x12.Seg(id, el...)) }
	add("BSN", "00", str(s, "id"), date(when), clock(when), "0001")
	shipped := s["shipped_at"].(time.Time)
	add("DTM", "011", date(shipped), clock(shipped))
	add("HL", "1", "", "S")
	weight := builtin.DecimalFromInt(0)
	wunit := ""
	allWeighed := true
	for _, c := range cartons {
		q, ok := c.(map[string]any)["weight"].(builtin.Quantity)
		if !ok || (wunit != "" && q.UOM != wunit) {
			allWeighed = false
			break
		}
		wunit = q.UOM
		var err error
		if weight, err = weight.Add(q.Value); err != nil {
			return nil, err
		}
	}
	if allWeighed {
		add("TD1", "CTN", strconv.Itoa(len(cartons)), "", "", "", "G", weight.String(), unit(wunit))
	} else {
		add("TD1", "CTN", strconv.Itoa(len(cartons)))
	}
	carrier := str(s, "carrier")
	add("TD5", "", "2", carrier, "", text(str(s, "service")))
	for _, tr := range s["tracking"].([]any) {
		add("REF", "CN", str(tr.(map[string]any), "number"))
	}
	refs, _ := s["references"].(map[string]any)
	keys := make([]string, 0, len(refs))
	for k := range refs {
		if strings.HasPrefix(k, "x12_ref_") && len(k) > 8 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		add("REF", k[8:], refs[k].(string))
	}
	party := func(role string, a map[string]any) {
		name := str(a, "company")
		if name == "" {
			name = str(a, "name")
		}
		add("N1", role, text(name))
		if l1 := str(a, "line1"); l1 != "" {
			add("N3", text(l1), text(str(a, "line2")))
		}
		add("N4", text(str(a, "city")), str(a, "region"), str(a, "postal_code"), str(a, "country"))
	}
	party("SF", s["ship_from"].(map[string]any))
	party("ST", s["ship_to"].(map[string]any))
	add("HL", "2", "1", "O")
	add("PRF", str(s, "order_id"))
	hl := 3
	count := 2
	hash := builtin.DecimalFromInt(0)
	for _, cv := range cartons {
		c := cv.(map[string]any)
		pack := hl
		add("HL", strconv.Itoa(pack), "2", "P")
		if q, ok := c["weight"].(builtin.Quantity); ok {
			add("TD1", "CTN", "1", "", "", "", "G", q.Value.String(), unit(q.UOM))
		}
		if id := str(c, "id"); id != "" {
			qual := "ZZ"
			if sscc(id) {
				qual = "GM"
			}
			add("MAN", qual, id)
		}
		if tr := str(c, "tracking"); tr != "" {
			add("REF", "CN", tr)
		}
		hl++
		count++
		for _, lv := range c["lines"].([]any) {
			l := lv.(map[string]any)
			q := l["quantity"].(builtin.Quantity)
			add("HL", strconv.Itoa(hl), strconv.Itoa(pack), "I")
			lin := []string{str(l, "line_id"), "VN", str(l, "sku")}
			if g := str(l, "gtin"); len(g) == 12 {
				lin = append(lin, "UP", g)
			} else if len(g) == 13 || len(g) == 8 {
				lin = append(lin, "EN", g)
			} else if len(g) == 14 {
				lin = append(lin, "UK", g)
			}
			add("LIN", lin...)
			add("SN1", str(l, "line_id"), q.Value.String(), unit(q.UOM))
			var err error
			if hash, err = hash.Add(q.Value); err != nil {
				return nil, err
			}
			hl++
			count++
		}
	}
	add("CTT", strconv.Itoa(count), hash.String())
	return segs, nil
}

func sscc(id string) bool {
	if len(id) != 18 && !(len(id) == 20 && strings.HasPrefix(id, "00")) {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}
