package builtin_test

import (
	"testing"
	"time"

	"github.com/transload/transload/builtin"
)

// canonicalOrder is a document of the shape a canonical mapping makes.
func canonicalOrder(t testing.TB) map[string]any {
	money := func(s string) builtin.Money {
		d, err := builtin.ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		m, err := builtin.NewMoney(d, "USD")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	var lines []any
	for i := range 3 {
		lines = append(lines, map[string]any{"line_id": "500000000000000000" + string(rune('0'+i)), "sku": "SKU-0042", "quantity": int64(2), "unit_price": money("19.99")})
	}
	return map[string]any{
		"id": "5000000000000000001", "channel": "shopify", "order_number": "#1001",
		"placed_at": time.Date(2026, 11, 27, 10, 30, 0, 0, time.FixedZone("", -5*3600)),
		"currency":  "USD", "customer_id": "7000000000000000001", "customer_email": "bob@example.com",
		"customer_name": "Bob \"B\" Norman", "ship_line1": "12 Main Street", "ship_city": "Louisville",
		"ship_region": "KY", "ship_postal": "40202", "ship_country": "US",
		"subtotal": money("119.94"), "shipping": money("9.99"), "tax": money("7.20"), "grand_total": money("137.13"),
		"line_count": int64(3), "lines": lines, "skus": []any{"SKU-0042", "SKU-0042", "SKU-0042"},
		"ratio": mustDecimal(t, "-0.0012"), "note": nil, "gift": true,
	}
}

func mustDecimal(t testing.TB, s string) builtin.Decimal {
	d, err := builtin.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAppendJSONCanonical: keys sorted at every level, money and decimals
// in plain notation, timestamps in RFC 3339 with their offset.
func TestAppendJSONCanonical(t *testing.T) {
	got, err := builtin.AppendJSON(nil, canonicalOrder(t))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"channel":"shopify","currency":"USD","customer_email":"bob@example.com","customer_id":"7000000000000000001","customer_name":"Bob \"B\" Norman","gift":true,"grand_total":{"amount":"137.13","currency":"USD"},"id":"5000000000000000001","line_count":3,"lines":[{"line_id":"5000000000000000000","quantity":2,"sku":"SKU-0042","unit_price":{"amount":"19.99","currency":"USD"}},{"line_id":"5000000000000000001","quantity":2,"sku":"SKU-0042","unit_price":{"amount":"19.99","currency":"USD"}},{"line_id":"5000000000000000002","quantity":2,"sku":"SKU-0042","unit_price":{"amount":"19.99","currency":"USD"}}],"note":null,"order_number":"#1001","placed_at":"2026-11-27T10:30:00-05:00","ratio":-0.0012,"ship_city":"Louisville","ship_country":"US","ship_line1":"12 Main Street","ship_postal":"40202","ship_region":"KY","shipping":{"amount":"9.99","currency":"USD"},"skus":["SKU-0042","SKU-0042","SKU-0042"],"subtotal":{"amount":"119.94","currency":"USD"},"tax":{"amount":"7.20","currency":"USD"}}`
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	for in, want := range map[string]string{
		"plain":          `"plain"`,
		"tab\there":      `"tab\there"`,
		"a \"quote\" \\": `"a \"quote\" \\"`,
		"line\u2028sep":  `"line\u2028sep"`,
		"bad \xff byte":  `"bad \ufffd byte"`,
		"ctl \x01":       `"ctl \u0001"`,
		"naïve café":     `"naïve café"`,
	} {
		if got := string(builtin.AppendJSONString(nil, in)); got != want {
			t.Errorf("AppendJSONString(%q) = %s, want %s", in, got, want)
		}
	}
	// A map wider than any fixed buffer of keys.
	wide := map[string]any{}
	for i := range 100 {
		wide[string(rune('a'+i%26))+string(rune('a'+i/26))] = int64(i)
	}
	b, err := builtin.AppendJSON(nil, wide)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:17]) != `{"aa":0,"ab":26,"` {
		t.Fatalf("wide map: %s", b[:40])
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	doc := canonicalOrder(b)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = builtin.AppendJSON(buf[:0], doc)
	}
}
