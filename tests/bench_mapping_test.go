package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/commerce"
)

// Mapping a Shopify order into the canonical model (the commerce library
// issue): the shipped shopify.order mapping, compiled from HCL + CEL,
// against the same work written by hand in typed Go, in one run. Both
// start from the order's JSON bytes; "map" variants start from the
// decoded order.
//
//	go test ./tests -run '^$' -bench ShopifyOrderMapping -benchmem
//
// TestShopifyHandMappingMatches holds the two to the same output, byte
// for byte, so the comparison is of the same work.

const benchShopifyOrder = "testdata/corpus/shopify/order_get_450789469_discount_partial_refund.json"

// shopifyMapping loads the default flows and returns shopify.order and a
// decoder for its input type (the whole document, no projection).
func shopifyMapping(tb testing.TB) (*dsl.Mapping, connector.Decoder, []byte) {
	tb.Helper()
	cfg, w := loadDefaultFlows(asT(tb), nil)
	m := cfg.Mappings["shopify.order"]
	if m == nil {
		tb.Fatal("no mapping shopify.order")
	}
	dec, err := w.Codecs.Decoder("json", m.Input, nil)
	must(tb, err)
	body, err := os.ReadFile(benchShopifyOrder)
	must(tb, err)
	// The corpus file is the REST response {"order": …}; the mapping reads
	// the bare order, as webhooks send it.
	var wrapped struct{ Order json.RawMessage }
	must(tb, json.Unmarshal(body, &wrapped))
	return m, dec, wrapped.Order
}

// asT lets benchmarks use helpers written for tests.
func asT(tb testing.TB) *testing.T {
	if t, ok := tb.(*testing.T); ok {
		return t
	}
	return &testing.T{}
}

func decodeOne(tb testing.TB, dec connector.Decoder, body []byte) any {
	docs, err := dec.Decode(body)
	if err != nil || len(docs) != 1 || docs[0].Err != nil {
		tb.Fatalf("decode: %v %v", err, docs)
	}
	return docs[0].Value
}

func TestShopifyHandMappingMatches(t *testing.T) {
	m, dec, body := shopifyMapping(t)
	got, err := m.Apply(decodeOne(t, dec, body))
	must(t, err)
	var o handShopifyOrder
	must(t, json.Unmarshal(body, &o))
	want, err := handMapShopify(&o)
	must(t, err)
	g, err := builtin.AppendJSON(nil, got)
	must(t, err)
	w, err := builtin.AppendJSON(nil, want)
	must(t, err)
	t.Logf("%d bytes", len(g))
	if !bytes.Equal(g, w) {
		t.Fatalf("the hand-written mapping differs from shopify.order:\ncompiled: %s\nby hand:  %s", g, w)
	}
}

func BenchmarkShopifyOrderMapping(b *testing.B) {
	m, dec, body := shopifyMapping(b)
	doc := decodeOne(b, dec, body)
	var typed handShopifyOrder
	must(b, json.Unmarshal(body, &typed))
	b.Run("transload/map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.Apply(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten/map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := handMapShopify(&typed); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("transload/decode+map", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := m.Apply(decodeOne(b, dec, body)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten/decode+map", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var o handShopifyOrder
			if err := json.Unmarshal(body, &o); err != nil {
				b.Fatal(err)
			}
			if _, err := handMapShopify(&o); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The hand-written reference: what shopify.order does for an order with
// discount_applications (Shopify's current payloads), in typed Go.

type handMoneyStr = string

type handShopifyAddress struct {
	Name, Company, Address1, Address2, City, Province, ProvinceCode, Zip, Country, CountryCode, Phone *string
}

func (a *handShopifyAddress) UnmarshalJSON(b []byte) error {
	var raw struct {
		Name         *string `json:"name"`
		Company      *string `json:"company"`
		Address1     *string `json:"address1"`
		Address2     *string `json:"address2"`
		City         *string `json:"city"`
		Province     *string `json:"province"`
		ProvinceCode *string `json:"province_code"`
		Zip          *string `json:"zip"`
		Country      *string `json:"country"`
		CountryCode  *string `json:"country_code"`
		Phone        *string `json:"phone"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*a = handShopifyAddress{raw.Name, raw.Company, raw.Address1, raw.Address2, raw.City, raw.Province, raw.ProvinceCode, raw.Zip, raw.Country, raw.CountryCode, raw.Phone}
	return nil
}

type handTaxLine struct {
	Title string          `json:"title"`
	Rate  *json.Number    `json:"rate"`
	Price handMoneyStr    `json:"price"`
	_     json.RawMessage `json:"-"`
}

type handAllocation struct {
	Amount handMoneyStr `json:"amount"`
	Index  int          `json:"discount_application_index"`
}

type handShopifyOrder struct {
	ID                  int64   `json:"id"`
	AdminGraphqlAPIID   *string `json:"admin_graphql_api_id"`
	CancelledAt         *string `json:"cancelled_at"`
	CancelReason        *string `json:"cancel_reason"`
	ClosedAt            *string `json:"closed_at"`
	CreatedAt           string  `json:"created_at"`
	ProcessedAt         *string `json:"processed_at"`
	Currency            string  `json:"currency"`
	PresentmentCurrency *string `json:"presentment_currency"`
	Name                *string `json:"name"`
	PONumber            *string `json:"po_number"`
	Email               *string `json:"email"`
	Phone               *string `json:"phone"`
	Note                *string `json:"note"`
	FinancialStatus     *string `json:"financial_status"`
	FulfillmentStatus   *string `json:"fulfillment_status"`
	SourceName          *string `json:"source_name"`
	CurrentTotalPrice   *string `json:"current_total_price"`
	TotalPrice          string  `json:"total_price"`
	TotalTax            string  `json:"total_tax"`
	TaxesIncluded       bool    `json:"taxes_included"`
	TotalPriceSet       *struct {
		PresentmentMoney *struct {
			Amount       *string `json:"amount"`
			CurrencyCode *string `json:"currency_code"`
		} `json:"presentment_money"`
	} `json:"total_price_set"`
	Customer *struct {
		ID        *int64  `json:"id"`
		Email     *string `json:"email"`
		FirstName *string `json:"first_name"`
		LastName  *string `json:"last_name"`
		Phone     *string `json:"phone"`
	} `json:"customer"`
	BillingAddress       *handShopifyAddress `json:"billing_address"`
	ShippingAddress      *handShopifyAddress `json:"shipping_address"`
	TaxLines             []handTaxLine       `json:"tax_lines"`
	DiscountApplications []struct {
		TargetType      *string `json:"target_type"`
		Type            *string `json:"type"`
		TargetSelection *string `json:"target_selection"`
		Code            *string `json:"code"`
		Title           *string `json:"title"`
		Description     *string `json:"description"`
	} `json:"discount_applications"`
	LineItems []struct {
		ID                  int64            `json:"id"`
		SKU                 *string          `json:"sku"`
		Name                *string          `json:"name"`
		Title               *string          `json:"title"`
		Quantity            int64            `json:"quantity"`
		Price               handMoneyStr     `json:"price"`
		ProductID           *int64           `json:"product_id"`
		VariantID           *int64           `json:"variant_id"`
		VariantTitle        *string          `json:"variant_title"`
		Vendor              *string          `json:"vendor"`
		CurrentQuantity     *int64           `json:"current_quantity"`
		FulfillableQuantity *int64           `json:"fulfillable_quantity"`
		FulfillmentStatus   *string          `json:"fulfillment_status"`
		PriceSet            json.RawMessage  `json:"price_set"`
		TaxLines            []handTaxLine    `json:"tax_lines"`
		DiscountAllocations []handAllocation `json:"discount_allocations"`
	} `json:"line_items"`
	ShippingLines []struct {
		Title               *string          `json:"title"`
		Price               handMoneyStr     `json:"price"`
		TaxLines            []handTaxLine    `json:"tax_lines"`
		DiscountAllocations []handAllocation `json:"discount_allocations"`
	} `json:"shipping_lines"`
}

func nonEmpty(s *string) bool { return s != nil && *s != "" }

func handAddress(a *handShopifyAddress) (map[string]any, error) {
	out := map[string]any{}
	set := func(k string, v *string) {
		if nonEmpty(v) {
			out[k] = *v
		}
	}
	set("name", a.Name)
	set("company", a.Company)
	set("line1", a.Address1)
	set("line2", a.Address2)
	set("city", a.City)
	if nonEmpty(a.ProvinceCode) {
		out["region"] = *a.ProvinceCode
	} else {
		set("region", a.Province)
	}
	set("postal_code", a.Zip)
	src := ""
	if nonEmpty(a.CountryCode) {
		src = *a.CountryCode
	} else if a.Country != nil {
		src = *a.Country
	}
	cc, ok := commerce.CountryCode(src)
	if !ok {
		return nil, builtin.Errorf("INVALID_COUNTRY", "country %q", src)
	}
	out["country"] = cc
	set("phone", a.Phone)
	return out, nil
}

func handMoney(s, cur string) (builtin.Money, error) { return builtin.ParseMoney(s, cur) }

func handSum(ms []builtin.Money, cur string) (builtin.Money, error) {
	sum, err := builtin.ZeroMoney(cur)
	if err != nil {
		return sum, err
	}
	for _, m := range ms {
		if sum, err = sum.Add(m); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

func handTax(t handTaxLine, o *handShopifyOrder) (map[string]any, error) {
	amt, err := handMoney(t.Price, o.Currency)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"title": t.Title, "amount": amt}
	if t.Rate != nil {
		r, err := builtin.ParseDecimal(t.Rate.String())
		if err != nil {
			return nil, err
		}
		out["rate"] = r
	}
	if a := o.ShippingAddress; a != nil && a.CountryCode != nil && *a.CountryCode == "US" && nonEmpty(a.ProvinceCode) && strings.Contains(strings.ToLower(t.Title), "state") {
		out["jurisdiction"] = "US-" + *a.ProvinceCode
	}
	return out, nil
}

func handAllocations(as []handAllocation, cur string, only int) (builtin.Money, error) {
	var ms []builtin.Money
	for _, a := range as {
		if only >= 0 && a.Index != only {
			continue
		}
		m, err := handMoney(a.Amount, cur)
		if err != nil {
			return m, err
		}
		ms = append(ms, m)
	}
	return handSum(ms, cur)
}

func handMapShopify(o *handShopifyOrder) (map[string]any, error) {
	cur := o.Currency
	if _, ok := builtin.LookupCurrency(cur); !ok {
		return nil, builtin.Errorf(builtin.ReasonUnknownCurrency, "currency %q", cur)
	}
	status := "open"
	if o.CancelledAt != nil {
		status = "cancelled"
	} else if o.ClosedAt != nil {
		status = "closed"
	}
	placedText := o.CreatedAt
	if o.ProcessedAt != nil {
		placedText = *o.ProcessedAt
	}
	placed, err := time.Parse(time.RFC3339, placedText)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"id": strconv.FormatInt(o.ID, 10), "channel": "shopify", "status": status,
		"placed_at": placed.UTC(), "currency": cur, "taxes_included": o.TaxesIncluded,
	}
	pres := cur
	if o.PresentmentCurrency != nil {
		pres = *o.PresentmentCurrency
	} else if o.TotalPriceSet != nil && o.TotalPriceSet.PresentmentMoney != nil && o.TotalPriceSet.PresentmentMoney.CurrencyCode != nil {
		pres = *o.TotalPriceSet.PresentmentMoney.CurrencyCode
	}
	if pres != cur {
		out["presentment_currency"] = pres
	}
	if o.Name != nil {
		out["order_number"] = *o.Name
	}
	if nonEmpty(o.PONumber) {
		out["po_number"] = *o.PONumber
	}
	if o.Customer != nil || nonEmpty(o.Email) {
		c := map[string]any{}
		if o.Customer != nil && o.Customer.ID != nil {
			c["id"] = strconv.FormatInt(*o.Customer.ID, 10)
		}
		if nonEmpty(o.Email) {
			c["email"] = *o.Email
		} else if o.Customer != nil && nonEmpty(o.Customer.Email) {
			c["email"] = *o.Customer.Email
		}
		if o.Customer != nil {
			if nonEmpty(o.Customer.FirstName) {
				c["first_name"] = *o.Customer.FirstName
			}
			if nonEmpty(o.Customer.LastName) {
				c["last_name"] = *o.Customer.LastName
			}
			var fn, ln string
			if o.Customer.FirstName != nil {
				fn = *o.Customer.FirstName
			}
			if o.Customer.LastName != nil {
				ln = *o.Customer.LastName
			}
			if n := strings.TrimSpace(fn + " " + ln); n != "" {
				c["name"] = n
			}
		}
		if o.Customer != nil && nonEmpty(o.Customer.Phone) {
			c["phone"] = *o.Customer.Phone
		} else if nonEmpty(o.Phone) {
			c["phone"] = *o.Phone
		}
		if o.BillingAddress != nil && nonEmpty(o.BillingAddress.Company) {
			c["company"] = *o.BillingAddress.Company
		}
		out["customer"] = c
	}
	for k, a := range map[string]*handShopifyAddress{"bill_to": o.BillingAddress, "ship_to": o.ShippingAddress} {
		if a != nil {
			m, err := handAddress(a)
			if err != nil {
				return nil, err
			}
			out[k] = m
		}
	}
	lines := make([]any, 0, len(o.LineItems))
	subtotal, _ := builtin.ZeroMoney(cur)
	discountTotal, _ := builtin.ZeroMoney(cur)
	for _, l := range o.LineItems {
		if l.SKU == nil {
			return nil, builtin.Errorf(builtin.ReasonNullRequiredField, "line %d has no sku", l.ID)
		}
		price, err := handMoney(l.Price, cur)
		if err != nil {
			return nil, err
		}
		disc, err := handAllocations(l.DiscountAllocations, cur, -1)
		if err != nil {
			return nil, err
		}
		gross, err := price.Mul(builtin.DecimalFromInt(l.Quantity), builtin.HalfEven)
		if err != nil {
			return nil, err
		}
		total, err := gross.Sub(disc)
		if err != nil {
			return nil, err
		}
		subtotal, _ = subtotal.Add(gross)
		discountTotal, _ = discountTotal.Add(disc)
		line := map[string]any{
			"line_id": strconv.FormatInt(l.ID, 10), "sku": *l.SKU,
			"quantity":   builtin.Quantity{Value: builtin.DecimalFromInt(l.Quantity), UOM: "EA"},
			"unit_price": price, "discount": disc, "total": total, "status": "open",
		}
		if l.Name != nil {
			line["description"] = *l.Name
		} else if l.Title != nil {
			line["description"] = *l.Title
		}
		taxes := make([]any, 0, len(l.TaxLines))
		var taxAmounts []builtin.Money
		for _, t := range l.TaxLines {
			tl, err := handTax(t, o)
			if err != nil {
				return nil, err
			}
			taxes = append(taxes, tl)
			taxAmounts = append(taxAmounts, tl["amount"].(builtin.Money))
		}
		line["taxes"] = taxes
		if len(l.TaxLines) > 0 {
			line["tax"], _ = handSum(taxAmounts, cur)
		} else if l.PriceSet != nil {
			line["tax"], _ = builtin.ZeroMoney(cur)
		}
		if l.ProductID != nil {
			line["product_id"] = strconv.FormatInt(*l.ProductID, 10)
		}
		if l.VariantID != nil {
			line["variant_id"] = strconv.FormatInt(*l.VariantID, 10)
		}
		refs := map[string]any{}
		if l.CurrentQuantity != nil {
			refs["current_quantity"] = strconv.FormatInt(*l.CurrentQuantity, 10)
		}
		if l.FulfillableQuantity != nil {
			refs["fulfillable_quantity"] = strconv.FormatInt(*l.FulfillableQuantity, 10)
		}
		if l.FulfillmentStatus != nil {
			refs["fulfillment_status"] = *l.FulfillmentStatus
		}
		if nonEmpty(l.VariantTitle) {
			refs["variant_title"] = *l.VariantTitle
		}
		if nonEmpty(l.Vendor) {
			refs["vendor"] = *l.Vendor
		}
		line["references"] = refs
		lines = append(lines, line)
	}
	out["lines"] = lines
	shipping := make([]any, 0, len(o.ShippingLines))
	shipTotal, _ := builtin.ZeroMoney(cur)
	for _, s := range o.ShippingLines {
		amt, err := handMoney(s.Price, cur)
		if err != nil {
			return nil, err
		}
		shipTotal, _ = shipTotal.Add(amt)
		sl := map[string]any{"amount": amt}
		if s.Title != nil {
			sl["method"] = *s.Title
		}
		if s.DiscountAllocations != nil {
			d, err := handAllocations(s.DiscountAllocations, cur, -1)
			if err != nil {
				return nil, err
			}
			sl["discount"] = d
			discountTotal, _ = discountTotal.Add(d)
		}
		if len(s.TaxLines) > 0 {
			var ts []builtin.Money
			for _, t := range s.TaxLines {
				m, err := handMoney(t.Price, cur)
				if err != nil {
					return nil, err
				}
				ts = append(ts, m)
			}
			sl["tax"], _ = handSum(ts, cur)
		}
		shipping = append(shipping, sl)
	}
	out["shipping"] = shipping
	taxes := make([]any, 0, len(o.TaxLines))
	for _, t := range o.TaxLines {
		tl, err := handTax(t, o)
		if err != nil {
			return nil, err
		}
		taxes = append(taxes, tl)
	}
	out["taxes"] = taxes
	discounts := make([]any, 0, len(o.DiscountApplications))
	kinds := map[string]string{"discount_code": "code", "manual": "manual", "automatic": "automatic", "script": "promotion"}
	for i, d := range o.DiscountApplications {
		disc := map[string]any{}
		if d.Code != nil {
			disc["code"] = *d.Code
		}
		switch {
		case d.Title != nil:
			disc["title"] = *d.Title
		case d.Description != nil:
			disc["title"] = *d.Description
		case d.Code != nil:
			disc["title"] = *d.Code
		}
		if d.Type != nil {
			if k, ok := kinds[*d.Type]; ok {
				disc["type"] = k
			}
		}
		switch {
		case d.TargetType != nil && *d.TargetType == "shipping_line":
			disc["target"] = "shipping"
		case d.TargetSelection != nil && *d.TargetSelection == "all":
			disc["target"] = "order"
		default:
			disc["target"] = "line"
		}
		amt, _ := builtin.ZeroMoney(cur)
		for _, l := range o.LineItems {
			a, err := handAllocations(l.DiscountAllocations, cur, i)
			if err != nil {
				return nil, err
			}
			amt, _ = amt.Add(a)
		}
		for _, s := range o.ShippingLines {
			a, err := handAllocations(s.DiscountAllocations, cur, i)
			if err != nil {
				return nil, err
			}
			amt, _ = amt.Add(a)
		}
		disc["amount"] = amt
		discounts = append(discounts, disc)
	}
	out["discounts"] = discounts
	tax, err := handMoney(o.TotalTax, cur)
	if err != nil {
		return nil, err
	}
	grand, err := handMoney(o.TotalPrice, cur)
	if err != nil {
		return nil, err
	}
	out["totals"] = map[string]any{"subtotal": subtotal, "discount": discountTotal, "shipping": shipTotal, "tax": tax, "grand_total": grand}
	if nonEmpty(o.Note) {
		out["notes"] = *o.Note
	}
	refs := map[string]any{}
	for k, v := range map[string]*string{
		"admin_graphql_api_id": o.AdminGraphqlAPIID, "financial_status": o.FinancialStatus, "fulfillment_status": o.FulfillmentStatus,
		"cancel_reason": o.CancelReason, "cancelled_at": o.CancelledAt, "closed_at": o.ClosedAt, "source_name": o.SourceName,
		"current_total_price": o.CurrentTotalPrice,
	} {
		if v != nil {
			refs[k] = *v
		}
	}
	if pres != cur && o.TotalPriceSet != nil && o.TotalPriceSet.PresentmentMoney != nil && o.TotalPriceSet.PresentmentMoney.Amount != nil {
		refs["presentment_total_price"] = *o.TotalPriceSet.PresentmentMoney.Amount
	}
	out["references"] = refs
	return out, nil
}
