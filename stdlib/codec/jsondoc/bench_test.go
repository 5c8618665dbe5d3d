package jsondoc_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// The benchmarks decode the corpus Shopify order (REST GET response, with
// the order wrapped in {"order": …}) four ways, to run side by side:
// this package in full and projected to the ~20 paths of benchPaths, and
// encoding/json into map[string]any and into a struct with those fields.

func benchData(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/corpus/shopify", shopifyOrderFile))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchDecoder(b *testing.B, dec *jsondoc.Decoder) {
	data := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dec.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeShopifyOrderFull decodes the whole order by its schema:
// declared fields typed, the rest inferred.
func BenchmarkDecodeShopifyOrderFull(b *testing.B) {
	dec, err := jsondoc.NewDecoder(shopifyResponseType(b), nil, jsondoc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchDecoder(b, dec)
}

// BenchmarkDecodeShopifyOrderAny decodes the whole order without a schema.
func BenchmarkDecodeShopifyOrderAny(b *testing.B) {
	dec, err := jsondoc.NewDecoder(builtin.AnyType, nil, jsondoc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchDecoder(b, dec)
}

// BenchmarkDecodeShopifyOrderProjected decodes the ~20 paths a mapping
// reads.
func BenchmarkDecodeShopifyOrderProjected(b *testing.B) {
	dec, err := jsondoc.NewDecoder(shopifyResponseType(b), jsondoc.NewProjection(benchPaths, "input"), jsondoc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchDecoder(b, dec)
}

// BenchmarkDecodeShopifyOrderSkip reads nothing: the scanning speed.
func BenchmarkDecodeShopifyOrderSkip(b *testing.B) {
	dec, err := jsondoc.NewDecoder(builtin.AnyType, jsondoc.NewProjection(nil, "input"), jsondoc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchDecoder(b, dec)
}

// BenchmarkEncodingJSONMap is the reference: encoding/json into
// map[string]any (with UseNumber, as exact decoding needs).
func BenchmarkEncodingJSONMap(b *testing.B) {
	data := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// benchOrder has the fields of benchPaths; money stays a string, which
// spares encoding/json the decimal parsing jsondoc does.
type benchOrder struct {
	Order struct {
		ID              int64     `json:"id"`
		Name            string    `json:"name"`
		Email           string    `json:"email"`
		CreatedAt       time.Time `json:"created_at"`
		Currency        string    `json:"currency"`
		FinancialStatus string    `json:"financial_status"`
		TotalPrice      string    `json:"total_price"`
		SubtotalPrice   string    `json:"subtotal_price"`
		TotalTax        string    `json:"total_tax"`
		TotalDiscounts  string    `json:"total_discounts"`
		Customer        struct {
			ID        int64  `json:"id"`
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
		} `json:"customer"`
		ShippingAddress struct {
			Address1     string `json:"address1"`
			City         string `json:"city"`
			Zip          string `json:"zip"`
			ProvinceCode string `json:"province_code"`
			CountryCode  string `json:"country_code"`
		} `json:"shipping_address"`
		LineItems []struct {
			SKU      string `json:"sku"`
			Quantity int64  `json:"quantity"`
			Price    string `json:"price"`
			Title    string `json:"title"`
		} `json:"line_items"`
		DiscountCodes []struct {
			Code string `json:"code"`
		} `json:"discount_codes"`
	} `json:"order"`
}

// BenchmarkEncodingJSONStruct is the reference: encoding/json into a typed
// struct with the ~20 fields.
func BenchmarkEncodingJSONStruct(b *testing.B) {
	data := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v benchOrder
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
