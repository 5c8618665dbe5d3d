package tests

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

// Canonical → NetSuite salesOrder: the netsuite.sales_order mapping as
// the compiled flows run it (dsl.Mapping.Apply, erp.lines and all) against
// the same document built by hand in Go from the same canonical order,
// in one run. The input is Shopify order #1001 of the corpus (3 lines, a
// discount code allocated by Shopify, state tax, shipping, both
// addresses) as the shopify_orders flow makes it canonical; both produce
// byte-identical JSON, checked before timing.
//
//	go test ./tests -run '^$' -bench NetSuiteSalesOrder -benchmem
func BenchmarkNetSuiteSalesOrder(b *testing.B) {
	vars := map[string]string{"erp": "netsuite", "netsuite_customer_id": "110"}
	w, err := wire.New()
	if err != nil {
		b.Fatal(err)
	}
	cfg, diags := dsl.Load(filepath.Join("..", "flows"), w.LoadOptions(vars, nil))
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	if err != nil {
		b.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "corpus", "shopify", "order_get_450789469_discount_partial_refund.json"))
	if err != nil {
		b.Fatal(err)
	}
	outs, _, err := ev.Eval(context.Background(), "shopify_orders", engine.Input{Body: body})
	if err != nil {
		b.Fatal(err)
	}
	order, ok := outs[0].Steps["canonical"].(map[string]any)
	if !ok {
		b.Fatalf("no canonical order: %v", outs[0].Outcome)
	}
	input := map[string]any{"order": order, "correlation_id": "m_bench0001"}
	mapping := cfg.Mappings["netsuite.sales_order"]
	hand := &nsHandwritten{tz: time.UTC, customerID: "110", lineField: "custcol_tl_channel_line_id", erpItems: map[string][3]string{}}

	compiled, err := mapping.Apply(input)
	if err != nil {
		b.Fatal(err)
	}
	byHand, err := hand.salesOrder(order, "m_bench0001")
	if err != nil {
		b.Fatal(err)
	}
	cj, _ := builtin.AppendJSON(nil, compiled)
	hj, _ := builtin.AppendJSON(nil, byHand)
	if !bytes.Equal(cj, hj) {
		b.Fatalf("the two differ:\ncompiled   %s\nhandwritten %s", cj, hj)
	}

	b.Run("compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := mapping.Apply(input); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := hand.salesOrder(order, "m_bench0001"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// nsHandwritten is netsuite.sales_order (with erp.lines) written in Go for
// the default settings: order discounts on the lines, kits as kit lines,
// no currency map, a default customer, the dimensions unset.
type nsHandwritten struct {
	tz         *time.Location
	customerID string
	lineField  string
	// erpItems is tables/erp_items.csv: sku → item, uom, base_units.
	erpItems map[string][3]string
}

var nsIDChars = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func nsHandExternalID(channel, id string) string {
	if nsIDChars.MatchString(id) {
		return channel + "-" + id
	}
	sum := sha256.Sum256([]byte(id))
	return channel + "-x" + hex.EncodeToString(sum[:])[:40]
}

func str(m map[string]any, k string) (string, bool) {
	s, ok := m[k].(string)
	return s, ok
}

func (h *nsHandwritten) itemRef(sku string) map[string]any {
	if row, ok := h.erpItems[sku]; ok && row[0] != "" {
		return map[string]any{"id": row[0]}
	}
	return map[string]any{"externalId": sku}
}

// quantity is erp.quantity: the base quantity in the erp_items unit.
func (h *nsHandwritten) quantity(line map[string]any) (builtin.Decimal, error) {
	base, ok := line["base_quantity"].(builtin.Quantity)
	if !ok {
		base = line["quantity"].(builtin.Quantity)
	}
	row, ok := h.erpItems[line["sku"].(string)]
	if !ok || row[1] == "" {
		return base.Value, nil
	}
	per := builtin.MustDecimal(row[2])
	v, err := base.Value.Quo(per)
	if err != nil {
		return builtin.Decimal{}, err
	}
	if r, _ := v.Round(0, builtin.HalfEven); r.Cmp(v) != 0 {
		return builtin.Decimal{}, fmt.Errorf("INVALID_QUANTITY: line %s", line["line_id"])
	}
	return v, nil
}

func (h *nsHandwritten) address(a map[string]any) map[string]any {
	out := map[string]any{"country": a["country"]}
	company, hasCompany := str(a, "company")
	name, hasName := str(a, "name")
	switch {
	case hasCompany:
		out["addressee"] = company
		if hasName {
			out["attention"] = name
		}
	case hasName:
		out["addressee"] = name
	}
	for from, to := range map[string]string{"line1": "addr1", "line2": "addr2", "line3": "addr3", "city": "city", "region": "state", "postal_code": "zip", "phone": "addrPhone"} {
		if v, ok := a[from]; ok {
			out[to] = v
		}
	}
	return out
}

func taxText(t map[string]any) string {
	j, _ := str(t, "jurisdiction")
	r := ""
	if d, ok := t["rate"].(builtin.Decimal); ok {
		r = d.String()
	}
	return t["title"].(string) + "|" + j + "|" + r + "|" + t["amount"].(builtin.Money).String()
}

func (h *nsHandwritten) salesOrder(order map[string]any, correlationID string) (map[string]any, error) {
	cur := order["currency"].(string)
	zero, err := builtin.ZeroMoney(cur)
	if err != nil {
		return nil, err
	}
	lines := order["lines"].([]any)
	totals := order["totals"].(map[string]any)
	cancelled := order["status"] == "cancelled"

	// erp.lines: open lines, kits as kit lines, the order discount
	// allocated over their net amounts.
	type part struct {
		line            map[string]any
		gross, discount builtin.Money
	}
	var parts []part
	rest := totals["discount"].(builtin.Money)
	for _, l := range lines {
		line := l.(map[string]any)
		if line["status"] != "open" {
			continue
		}
		d, hasDiscount := line["discount"].(builtin.Money)
		if hasDiscount {
			if rest, err = rest.Sub(d); err != nil {
				return nil, err
			}
		} else {
			d = zero
		}
		if _, component := line["kit_parent"]; component {
			continue
		}
		gross, err := line["total"].(builtin.Money).Add(d)
		if err != nil {
			return nil, err
		}
		parts = append(parts, part{line, gross, d})
	}
	ship, _ := order["shipping"].([]any)
	freight := totals["shipping"].(builtin.Money)
	for _, s := range ship {
		if d, ok := s.(map[string]any)["discount"].(builtin.Money); ok {
			if rest, err = rest.Sub(d); err != nil {
				return nil, err
			}
			if freight, err = freight.Sub(d); err != nil {
				return nil, err
			}
		}
	}
	extra := make([]builtin.Money, len(parts))
	if rest.Amount.Sign() > 0 && len(parts) > 0 {
		weights := make([]builtin.Decimal, len(parts))
		for i, p := range parts {
			net, err := p.gross.Sub(p.discount)
			if err != nil {
				return nil, err
			}
			weights[i] = net.Amount
		}
		if extra, err = rest.Allocate(weights); err != nil {
			return nil, err
		}
	} else {
		for i := range extra {
			extra[i] = zero
		}
	}
	sent := make(map[string]int, len(parts))
	for i, p := range parts {
		sent[p.line["line_id"].(string)] = i
	}

	// The item sublist.
	items := make([]any, 0, len(lines))
	for _, l := range lines {
		line := l.(map[string]any)
		id := line["line_id"].(string)
		_, component := line["kit_parent"]
		n := int64(len(items) + 1)
		switch {
		case cancelled || line["status"] == "cancelled":
			if component {
				continue
			}
			if cancelled {
				items = append(items, map[string]any{"line": n, "isClosed": true, h.lineField: id})
				continue
			}
			q, err := h.quantity(line)
			if err != nil {
				return nil, err
			}
			items = append(items, map[string]any{
				"line": n, "item": h.itemRef(line["sku"].(string)), "quantity": q,
				"rate": builtin.MustDecimal("0"), "amount": builtin.MustDecimal("0"),
				"price": map[string]any{"id": "-1"}, "isClosed": true, h.lineField: id,
			})
		default:
			i, ok := sent[id]
			if !ok {
				continue
			}
			p := parts[i]
			disc, err := p.discount.Add(extra[i])
			if err != nil {
				return nil, err
			}
			amount, err := p.gross.Sub(disc)
			if err != nil {
				return nil, err
			}
			q, err := h.quantity(line)
			if err != nil {
				return nil, err
			}
			rate := builtin.MustDecimal("0")
			if !q.IsZero() {
				r, err := amount.Amount.Quo(q)
				if err != nil {
					return nil, err
				}
				if rate, err = r.Round(6, builtin.HalfEven); err != nil {
					return nil, err
				}
			}
			entry := map[string]any{
				"line": n, "item": h.itemRef(line["sku"].(string)), "quantity": q, "rate": rate,
				"amount": amount.Amount, "price": map[string]any{"id": "-1"}, h.lineField: id,
			}
			if d, ok := line["description"]; ok {
				entry["description"] = d
			}
			items = append(items, entry)
		}
	}

	// The channel's taxes.
	var tax []string
	if inc, _ := order["taxes_included"].(bool); inc {
		tax = append(tax, "prices include tax")
	}
	if taxes, _ := order["taxes"].([]any); len(taxes) > 0 {
		for _, t := range taxes {
			tax = append(tax, "order|"+taxText(t.(map[string]any)))
		}
	} else {
		for _, l := range lines {
			line := l.(map[string]any)
			if line["status"] != "open" {
				continue
			}
			lt, _ := line["taxes"].([]any)
			for _, t := range lt {
				tax = append(tax, "line "+line["line_id"].(string)+"|"+taxText(t.(map[string]any)))
			}
		}
	}
	if tt := totals["tax"].(builtin.Money); !tt.IsZero() {
		tax = append(tax, "total||||"+tt.String())
	}

	channel, id := order["channel"].(string), order["id"].(string)
	doc := map[string]any{
		"externalId":            nsHandExternalID(channel, id),
		"tranDate":              order["placed_at"].(time.Time).In(h.tz).Format("2006-01-02"),
		"memo":                  "Transload " + correlationID,
		"shippingCost":          freight.Amount,
		"custbody_tl_channel":   channel,
		"custbody_tl_order_id":  id,
		"custbody_tl_tax_total": totals["tax"].(builtin.Money).Amount,
		"item":                  map[string]any{"items": items},
	}
	if h.customerID != "" {
		doc["entity"] = map[string]any{"id": h.customerID}
	}
	if s, ok := str(order, "po_number"); ok {
		doc["otherRefNum"] = s
	} else if s, ok := str(order, "order_number"); ok {
		doc["otherRefNum"] = s
	} else {
		doc["otherRefNum"] = id
	}
	if c, ok := order["customer"].(map[string]any); ok {
		if e, ok := c["email"]; ok {
			doc["email"] = e
		}
	}
	if a, ok := order["ship_to"].(map[string]any); ok {
		doc["shippingAddress"] = h.address(a)
	}
	if a, ok := order["bill_to"].(map[string]any); ok {
		doc["billingAddress"] = h.address(a)
	}
	if len(tax) > 0 {
		doc["custbody_tl_tax_detail"] = strings.Join(tax, "\n")
	}
	return doc, nil
}
