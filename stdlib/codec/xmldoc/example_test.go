package xmldoc_test

import (
	"fmt"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

// A Walmart v3 order with one line: the schema says orderLine is an array,
// so it decodes to a list of one, and amount is a number, so it decodes to
// an exact decimal. The ns3 prefix does not matter.
func ExampleDecoder_Decode() {
	schema := `{"type": "object", "properties": {"order": {"type": "object", "properties": {
		"purchaseOrderId": {"type": "string"},
		"orderLines": {"type": "object", "properties": {"orderLine": {"type": "array", "items": {"type": "object", "properties": {
			"lineNumber": {"type": "string"},
			"amount": {"type": "number"}
		}}}}}
	}}}}`
	t, err := builtin.TypeFromJSONSchema("walmart.Orders", []byte(schema), nil)
	if err != nil {
		panic(err)
	}
	d, err := xmldoc.NewDecoder(t, xmldoc.Options{})
	if err != nil {
		panic(err)
	}
	v, err := d.Decode([]byte(`<ns3:order xmlns:ns3="http://walmart.com/mp/v3/orders">
  <ns3:purchaseOrderId>2575193093772</ns3:purchaseOrderId>
  <ns3:orderLines>
    <ns3:orderLine><ns3:lineNumber>2</ns3:lineNumber><ns3:amount>124.98</ns3:amount></ns3:orderLine>
  </ns3:orderLines>
</ns3:order>`))
	fmt.Println(builtin.Format(v), err)

	_, err = d.Decode([]byte(`<!DOCTYPE order [<!ENTITY x SYSTEM "file:///etc/passwd">]><order>&x;</order>`))
	fmt.Println(builtin.ReasonOf(err))
	// Output:
	// {"order":{"orderLines":{"orderLine":[{"amount":124.98,"lineNumber":"2"}]},"purchaseOrderId":"2575193093772"}} <nil>
	// INVALID_XML
}

// Money is its amount with the currency as an attribute; OAGIS names the
// attribute currencyID.
func ExampleEncode() {
	price, _ := builtin.ParseMoney("12.3", "USD")
	out, err := xmldoc.Encode("Line", map[string]any{
		"@number":   int64(1),
		"Item":      "A-1",
		"UnitPrice": price,
		"Note":      []any{"fragile", "gift"},
	}, xmldoc.EncodeOptions{CurrencyAttr: "currencyID", Indent: "  "})
	fmt.Print(string(out), err)
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <Line number="1">
	//   <Item>A-1</Item>
	//   <Note>fragile</Note>
	//   <Note>gift</Note>
	//   <UnitPrice currencyID="USD">12.30</UnitPrice>
	// </Line>
	// <nil>
}
