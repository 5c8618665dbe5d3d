package csvdoc_test

import (
	"fmt"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/csvdoc"
)

// An inventory feed, one document per row: the header names the fields
// loosely ("Available" is field available), cells are typed by the
// schema, an empty cell is an absent field, and a bad row fails alone.
func ExampleDecoder_Decode() {
	schema := `{"type": "object", "required": ["sku", "available"], "properties": {
		"sku": {"type": "string"},
		"available": {"type": "integer"},
		"updated_at": {"type": "string", "x-transload-kind": "timestamp"}
	}}`
	t, err := builtin.TypeFromJSONSchema("wms.Stock", []byte(schema), nil)
	if err != nil {
		panic(err)
	}
	d, err := csvdoc.NewDecoder(t, nil, csvdoc.Options{})
	if err != nil {
		panic(err)
	}
	rows, err := d.Decode([]byte("\xEF\xBB\xBFSKU;Available;Updated At\r\nA-1;12;2024-03-01\r\nA-2;twelve;\r\nA-3;0;\r\n"))
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		if r.Err != nil {
			fmt.Println(r.Row, r.Err)
			continue
		}
		fmt.Println(r.Row, builtin.Format(r.Value))
	}
	// Output:
	// 1 {"available":12,"sku":"A-1","updated_at":"2024-03-01T00:00:00Z"}
	// 2 csv: row 2, column "Available": want an integer, found "twelve" (SCHEMA_MISMATCH at line 3, column 5)
	// 3 {"available":0,"sku":"A-3"}
}

// A price list processed as a whole: the schema is a list of rows.
// Prices are exact decimals.
func ExampleDecoder_DecodeList() {
	schema := `{"type": "array", "items": {"type": "object", "properties": {
		"sku": {"type": "string"}, "price": {"type": "number"}, "currency": {"type": "string"}
	}}}`
	t, err := builtin.TypeFromJSONSchema("erp.PriceList", []byte(schema), nil)
	if err != nil {
		panic(err)
	}
	d, err := csvdoc.NewDecoder(t, nil, csvdoc.Options{})
	if err != nil {
		panic(err)
	}
	v, err := d.DecodeList([]byte("sku,price,currency\nA-1,24.90,USD\nA-2,1230,JPY\n"))
	fmt.Println(builtin.Format(v), err)
	_, err = d.DecodeList([]byte("sku,price,currency\nA-1,\"24,90\",EUR\n"))
	fmt.Println(builtin.ReasonOf(err))
	// Output:
	// [{"currency":"USD","price":24.90,"sku":"A-1"},{"currency":"JPY","price":1230,"sku":"A-2"}] <nil>
	// SCHEMA_MISMATCH
}

// Money is written as its amount: the currency is a column of its own.
func ExampleEncode() {
	price, _ := builtin.ParseMoney("24.9", "USD")
	out, err := csvdoc.Encode([]map[string]any{
		{"sku": "A-1", "price": price, "currency": price.Currency, "note": `5" disk, blue`},
		{"sku": "A-2", "price": builtin.MustDecimal("3.10")},
	}, []string{"sku", "price", "currency", "note"})
	fmt.Printf("%q %v\n", out, err)
	// Output:
	// "sku,price,currency,note\r\nA-1,24.90,USD,\"5\"\" disk, blue\"\r\nA-2,3.10,,\r\n" <nil>
}
