package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

// TestCorpusX12 runs every EDI X12 file of the corpus through the
// edi_inbound flow (flows/edi_inbound.hcl, mapping x12.po850). The facts
// were read off the files: the 850s' BEG, PO1, PO4, N1 and AMT segments,
// and their envelopes.
func TestCorpusX12(t *testing.T) {
	runCorpus(t, x12CorpusCases())
}

func x12CorpusCases() []corpusCase {
	// The VICS 850: six PO1 loops in eaches, each with a PO4 (so the base
	// quantity is the quantity: 120+220+126+76+72+696 = 1310 EA), no CUR
	// (the agreement's USD), no SAC, and AMT*1 13045.94, which is
	// 1110.00 + 3033.80 + 1384.74 + 330.60 + 540.00 + 6646.80.
	vics := map[string]string{
		"outcome":                            "delivered",
		"id":                                 "08292233294",
		"po_number":                          "08292233294",
		"channel":                            "edi_x12",
		"status":                             "open",
		"placed_at":                          "2010-11-27T00:00:00Z",
		"currency":                           "USD",
		"#lines":                             "6",
		"base_quantity":                      "1310 EA",
		"lines.0.line_id":                    "1",
		"lines.0.sku":                        "AB3542", // VN, preferred to the buyer's catalog number CB
		"lines.0.references.CB":              "065322-117",
		"lines.0.description":                "SMALL WIDGET",
		"lines.0.total.amount":               "1110.00",
		"lines.4.unit_price.amount":          "7.50", // PO104 "7.5"
		"lines.5.quantity.value":             "696",
		"lines.5.quantity.uom":               "EA",
		"totals.subtotal.amount":             "13045.94",
		"totals.discount.amount":             "0.00",
		"totals.grand_total.amount":          "13045.94",
		"totals.grand_total.currency":        "USD",
		"ship_to.company":                    "XYZ RETAIL",
		"ship_to.line1":                      "31875 SOLON RD",
		"ship_to.city":                       "SOLON",
		"ship_to.region":                     "OH",
		"ship_to.postal_code":                "44139",
		"ship_to.country":                    "US", // no N404: the agreement's country
		"customer.id":                        "4405197800",
		"references.x12_sender":              "4405197800",
		"references.x12_receiver":            "999999999",
		"references.x12_interchange_control": "000003438",
		"references.x12_group_control":       "1421",
		"references.x12_set_control":         "000000010",
		"references.x12_version":             "004010VICS",
		"references.x12_ref":                 "DP=038;PS=R",
		"references.x12_ship_to_id":          "9:0003947268292",
	}
	schemaMismatch := []map[string]string{{"outcome": "dead_letter", "reason": "SCHEMA_MISMATCH"}}
	return []corpusCase{
		{File: "edi/x12_850_vics_po4_pack_4010.edi", Flow: "edi_inbound", Want: []map[string]string{vics}},
		// The same bytes with newlines for terminators: the same order.
		{File: "edi/x12_850_newline_terminated_no_tilde.edi", Flow: "edi_inbound", Want: []map[string]string{vics}},
		// Masked values kept as sent (BEG03 "----------"); the one PO1 has no
		// PO101 (line 1 by position), 1 KI (a kit, KT), 225 USD, no PO4, and
		// identifies the item as VN "UNKNOWN" (also SK 000000000001010700
		// and a PD description). "UNKNOWN" is not in the item master: an
		// UNKNOWN_SKU business dead letter; counted as eaches it delivers.
		{File: "edi/x12_850_kit_uom_masked_values.edi", Flow: "edi_inbound",
			Want: []map[string]string{{"outcome": "dead_letter", "reason": "UNKNOWN_SKU"}}},
		{File: "edi/x12_850_kit_uom_masked_values.edi", Flow: "edi_inbound", Vars: map[string]string{"unknown_sku": "each"},
			Want: []map[string]string{{
				"outcome":                   "delivered",
				"id":                        "----------",
				"currency":                  "USD",
				"placed_at":                 "2016-04-26T00:00:00Z",
				"#lines":                    "1",
				"lines.0.line_id":           "1",
				"lines.0.sku":               "UNKNOWN",
				"lines.0.description":       "SU - SPARK - AQ FREEZER PUSHER",
				"lines.0.quantity.uom":      "KT",
				"lines.0.unit_price.amount": "225.00",
				"base_quantity":             "1 EA",
				"totals.grand_total.amount": "225.00", // no AMT: the lines' own sum
				"ship_to.company":           "PETCO - CORPORATE",
				"ship_to.city":              "SAN DIEGO",
				"ship_to.country":           "US",
			}}},
		// IEA02 000000001 is not ISA13 000000055: the interchange's only set
		// is rejected.
		{File: "edi/x12_850_multi_po1_yd_bom_nbsp_tabs.edi", Flow: "edi_inbound",
			Want: []map[string]string{{"outcome": "dead_letter", "reason": "ENVELOPE_INVALID"}}},
		// Two 850s with ST02 0001: the first is valid but its PO1 lines have
		// no unit price (PO104), so no line can be booked; the second
		// repeats the control number.
		{File: "edi/x12_850_empty_isa16_missing_terminator.edi", Flow: "edi_inbound",
			Want: []map[string]string{
				{"outcome": "dead_letter", "reason": "NULL_REQUIRED_FIELD"},
				{"outcome": "dead_letter", "reason": "ENVELOPE_INVALID"},
			}},
		// PO1 qualifier CB without an id, PO4 weight qualifier without a weight.
		{File: "edi/x12_850_syntax_error_missing_id.edi", Flow: "edi_inbound",
			Want: []map[string]string{{"outcome": "dead_letter", "reason": "SYNTAX_INVALID"}}},
		// Not purchase orders: a flow for 850s refuses them.
		{File: "edi/x12_855_po_ack_line_statuses.edi", Flow: "edi_inbound", Want: schemaMismatch},
		{File: "edi/x12_856_asn_00406_repsep_dash.edi", Flow: "edi_inbound", Want: schemaMismatch},
		{File: "edi/x12_856_crossdock_sotpi.edi", Flow: "edi_inbound", Want: schemaMismatch},
		{File: "edi/x12_810_invoice_sac_terms.edi", Flow: "edi_inbound", Want: schemaMismatch},
		{File: "edi/x12_810_invoice_with_txi_tax.edi", Flow: "edi_inbound", Want: schemaMismatch},
	}
}

// x12Case is an 850 made for a test: a corpus file edited, or segments
// wrapped in a valid envelope.
type x12Case struct {
	Name string
	Body []byte
	Vars map[string]string
	Want map[string]string
}

// TestCorpusX12EdgeCases runs 850s that the corpus does not have (or has only
// behind an envelope error) through the edi_inbound flow: heading and line
// SAC allowances and charges, TXI taxes, AMT*TT, cases with a PO4 pack, a
// CUR, a cancellation, and the refusals.
func TestCorpusX12EdgeCases(t *testing.T) {
	runX12Cases(t, x12EdgeCases(t))
}

func x12EdgeCases(t *testing.T) []x12Case {
	corpus := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "corpus", "edi", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	replace := func(s, old, new string) []byte {
		if !strings.Contains(s, old) {
			t.Fatalf("%q not found", old)
		}
		return []byte(strings.Replace(s, old, new, 1))
	}
	indice := corpus("x12_850_multi_po1_yd_bom_nbsp_tabs.edi")
	vics := corpus("x12_850_vics_po4_pack_4010.edi")

	// An 850 in EUR: line 1 is 2 CA of 12 at 120.00 with a 5.00 line
	// allowance, line 2 is 5 EA at 9.99 with a 1.90 VAT; the heading has a
	// 25.00 freight charge, a 10.00 allowance and a 19.00 VAT. Subtotal
	// 240.00 + 49.95 = 289.95; discount 10.00 + 5.00 = 15.00; shipping 25.00;
	// tax 19.00 + 1.90 = 20.90; total 289.95 − 15.00 + 25.00 + 20.90 = 320.85.
	// amt is the AMT segment ("" for none); edits are pairs of a segment
	// and its replacement.
	eur := func(amt string, edits ...string) []byte {
		segs := []string{
			"BEG*00*SA*SYN-1**20240115",
			"CUR*BY*EUR",
			"SAC*C*D240***2500**********FREIGHT",
			"SAC*A*C310***1000",
			"TXI*VA*19.00",
			"DTM*038*20240201",
			"N1*BY*ACME EINKAUF*92*4711",
			"N1*ST*ACME GMBH",
			"N2*WARENANNAHME",
			"N3*HAUPTSTR 1*HOF 2",
			"N4*BERLIN**10115*DE",
			"N1*BT*ACME GMBH",
			"N3*POSTFACH 12",
			"N4*BERLIN**10117",
			"PO1*1*2*CA*120.00**VP*ACME-CASE-12*UP*012345678905",
			"PID*F****WIDGET CASE OF 12",
			"PO4*12*1*EA",
			"SAC*A*C310***500",
			"PO1*2*5*EA*9.99**BP*B-77",
			"PO4*1*1*EA",
			"TXI*VA*1.90",
			"CTT*2",
			amt,
		}
		for i := 0; i+1 < len(edits); i += 2 {
			found := false
			for j, s := range segs {
				if s == edits[i] {
					segs[j], found = edits[i+1], true
				}
			}
			if !found {
				t.Fatalf("segment %q not found", edits[i])
			}
		}
		return x12Interchange(segs)
	}
	de := map[string]string{"x12_default_country": "DE"}
	dead := func(reason string) map[string]string {
		return map[string]string{"outcome": "dead_letter", "reason": reason}
	}

	return []x12Case{
		{
			// The indice 850 with IEA02 corrected to its ISA13: in USD by its
			// CUR, three lines in yards (base quantities from the item master,
			// 1 YRD per YRD), BP preferred to a VN that holds a description.
			Name: "indice 850 with its IEA02 corrected",
			Body: replace(indice, "IEA*1*000000001", "IEA*1*000000055"),
			Want: map[string]string{
				"outcome":                          "delivered",
				"id":                               "4600000406",
				"placed_at":                        "2014-07-24T00:00:00Z",
				"currency":                         "USD",
				"#lines":                           "3",
				"lines.0.line_id":                  "000100001",
				"lines.0.sku":                      "A_QU001-BLK",
				"lines.2.sku":                      "A_QF001-RED",
				"lines.0.quantity.uom":             "YRD",
				"lines.1.description":              "8oz Quilted Flannel",
				"lines.0.references.VN":            "SINGLE LINE DIAMOND PATTERN",
				"base_quantity":                    "5500 YRD",
				"totals.subtotal.amount":           "16555.00", // 6325.00 + 6820.00 + 3410.00, no AMT
				"totals.grand_total.amount":        "16555.00",
				"ship_to.company":                  "Transplace Laredo",
				"ship_to.line1":                    "East Point Drive, Suite 500",
				"ship_to.country":                  "US",
				"bill_to.company":                  "Test Inc.",
				"bill_to.city":                     "Dearborn",
				"bill_to.postal_code":              "48121",
				"customer.id":                      "000123456",
				"customer.references.x12_buyer_id": "92:1500",
				"notes":                            "PO 3 EDI test ASNs",
				"references.x12_usage":             "T",
				"references.x12_ship_to_id":        "92:T100",
			},
		},
		{
			Name: "cancellation",
			Body: replace(vics, "BEG*00*SA", "BEG*01*SA"),
			Want: map[string]string{"outcome": "delivered", "status": "cancelled", "references.x12_purpose": "01", "#lines": "6", "totals.grand_total.amount": "13045.94"},
		},
		{
			Name: "allowances, charges and taxes with a stated total",
			Body: eur("AMT*TT*320.85"),
			Vars: de,
			Want: map[string]string{
				"outcome":                     "delivered",
				"id":                          "SYN-1",
				"currency":                    "EUR",
				"ship_by":                     "2024-02-01T00:00:00Z",
				"#lines":                      "2",
				"lines.0.sku":                 "ACME-CASE-12",
				"lines.0.gtin":                "012345678905",
				"lines.0.quantity.uom":        "CS",
				"lines.0.base_quantity.value": "24",
				"lines.0.discount.amount":     "5.00",
				"lines.0.total.amount":        "235.00",
				"lines.1.sku":                 "B-77",
				"lines.1.tax.amount":          "1.90",
				"lines.1.taxes.0.title":       "VA",
				"lines.1.total.amount":        "49.95",
				"base_quantity":               "29 EA",
				"#discounts":                  "2",
				"discounts.0.title":           "C310",
				"discounts.0.target":          "order",
				"discounts.0.amount.amount":   "10.00",
				"discounts.1.target":          "line",
				"discounts.1.amount.amount":   "5.00",
				"#shipping":                   "1",
				"shipping.0.method":           "FREIGHT",
				"shipping.0.amount.amount":    "25.00",
				"#taxes":                      "1",
				"taxes.0.amount.amount":       "19.00",
				"totals.subtotal.amount":      "289.95",
				"totals.discount.amount":      "15.00",
				"totals.shipping.amount":      "25.00",
				"totals.tax.amount":           "20.90",
				"totals.grand_total.amount":   "320.85",
				"totals.grand_total.currency": "EUR",
				"customer.company":            "ACME EINKAUF",
				"ship_to.name":                "WARENANNAHME",
				"ship_to.line1":               "HAUPTSTR 1",
				"ship_to.line2":               "HOF 2",
				"ship_to.country":             "DE",
				"bill_to.line1":               "POSTFACH 12",
				"bill_to.country":             "DE", // no N404: the agreement's country, here DE
			},
		},
		// AMT*1 is the line item total: allowances, charges and taxes are
		// applied to it.
		{Name: "line item total", Body: eur("AMT*1*289.95"), Vars: de,
			Want: map[string]string{"outcome": "delivered", "totals.grand_total.amount": "320.85"}},
		// The second PO1 without its line number: numbered by its position.
		{Name: "line without PO101", Body: eur("AMT*TT*320.85", "PO1*2*5*EA*9.99**BP*B-77", "PO1**5*EA*9.99**BP*B-77"), Vars: de,
			Want: map[string]string{"outcome": "delivered", "lines.0.line_id": "1", "lines.1.line_id": "2", "lines.1.sku": "B-77"}},
		// A ship-to given by its code only (a DC number) has no address.
		{Name: "ship-to by code", Body: eur("AMT*TT*320.85", "N1*ST*ACME GMBH", "N1*ST*ACME GMBH*92*DC7", "N2*WARENANNAHME", "", "N3*HAUPTSTR 1*HOF 2", "", "N4*BERLIN**10115*DE", ""), Vars: de,
			Want: map[string]string{"outcome": "delivered", "ship_to": "<missing>", "references.x12_ship_to_id": "92:DC7", "bill_to.line1": "POSTFACH 12"}},
		{Name: "stated total a cent off", Body: eur("AMT*TT*320.84"), Vars: de, Want: dead("TOTALS_MISMATCH")},
		{Name: "line item total that is not the lines'", Body: eur("AMT*1*290.00"), Vars: de, Want: dead("TOTALS_MISMATCH")},
		{Name: "no stated total", Body: eur(""), Vars: de,
			Want: map[string]string{"outcome": "delivered", "totals.grand_total.amount": "320.85"}},
		{Name: "information copy", Body: eur("AMT*TT*320.85", "BEG*00*SA*SYN-1**20240115", "BEG*22*SA*SYN-1**20240115"), Vars: de,
			Want: dead("VALIDATION_FAILED")},
		{Name: "CTT01 is not the number of lines", Body: eur("AMT*TT*320.85", "CTT*2", "CTT*3"), Vars: de, Want: dead("TOTALS_MISMATCH")},
		{Name: "price per hundred", Body: eur("AMT*TT*320.85", "PO1*2*5*EA*9.99**BP*B-77", "PO1*2*5*EA*9.99*HP*BP*B-77"), Vars: de,
			Want: dead("INVALID_MONEY")},
		{Name: "price with a fraction of a cent", Body: eur("AMT*TT*320.85", "PO1*2*5*EA*9.99**BP*B-77", "PO1*2*5*EA*9.995**BP*B-77"), Vars: de,
			Want: dead("INVALID_MONEY")},
		{Name: "a line in another currency", Body: eur("AMT*TT*320.85", "PO4*1*1*EA", "PO4*1*1*EA~CUR*BY*USD"), Vars: de,
			Want: dead("CURRENCY_MISMATCH")},
		{Name: "allowance with a rate and no amount", Body: eur("AMT*TT*320.85", "SAC*A*C310***1000", "SAC*A*C310****3*10"), Vars: de,
			Want: dead("NULL_REQUIRED_FIELD")},
		{Name: "unknown unit", Body: eur("AMT*TT*320.85", "PO1*2*5*EA*9.99**BP*B-77", "PO1*2*5*ZZ*9.99**BP*B-77"), Vars: de,
			Want: dead("UNKNOWN_UNIT")},
	}
}

// x12Interchange wraps the segments of one 850 (BEG to the last summary
// segment) in an interchange with consistent control numbers and counts.
func x12Interchange(segs []string) []byte {
	var b strings.Builder
	b.WriteString("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240115*1200*U*00401*000000001*0*P*>~\n")
	b.WriteString("GS*PO*SENDER*RECEIVER*20240115*1200*1*X*004010~\n")
	b.WriteString("ST*850*0001~\n")
	n := 2
	for _, s := range segs {
		if s == "" {
			continue
		}
		for _, part := range strings.Split(s, "~") {
			b.WriteString(part + "~\n")
			n++
		}
	}
	fmt.Fprintf(&b, "SE*%d*0001~\nGE*1*1~\nIEA*1*000000001~\n", n)
	return []byte(b.String())
}

// runX12Cases is runCorpus for bodies made in the test.
func runX12Cases(t *testing.T, cases []x12Case) {
	t.Helper()
	base, w := loadDefaultFlows(t, nil)
	byVars := map[string]*dsl.Config{}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			cfg := base
			if len(c.Vars) > 0 {
				key := fmt.Sprint(c.Vars)
				if byVars[key] == nil {
					byVars[key], _ = loadDefaultFlows(t, c.Vars)
				}
				cfg = byVars[key]
			}
			ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
			if err != nil {
				t.Fatal(err)
			}
			outs, _, err := ev.Eval(context.Background(), "edi_inbound", engine.Input{Body: c.Body})
			if err != nil {
				t.Fatal(err)
			}
			if len(outs) != 1 {
				t.Fatalf("%d documents, want 1:\n%s", len(outs), dumpOutcomes(outs))
			}
			checkFacts(t, 0, outs[0], c.Want)
		})
	}
}
