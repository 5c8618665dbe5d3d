package x12_test

import (
	"fmt"
	"time"

	"github.com/transload/transload/stdlib/codec/x12"
)

func ExampleGenerate() {
	data, err := x12.Generate(&x12.OutInterchange{
		SenderQualifier: "ZZ", Sender: "SELLER", ReceiverQualifier: "ZZ", Receiver: "BUYER",
		Control: 7, Time: time.Date(2024, 1, 2, 15, 4, 0, 0, time.UTC), Newline: true,
		Groups: []x12.OutGroup{{FunctionalID: "SH", Control: 7, Version: "004010", Sets: []x12.OutSet{{
			ID: "856", Control: "0001", Segments: []x12.OutSegment{
				x12.Seg("BSN", "00", "ASN-1", "20240102", "1504", "0004"),
				x12.Seg("HL", "1", "", "S"),
				{ID: "REF", Elements: [][]string{{"CN"}, {"1Z999"}}},
			},
		}}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(data))
	// Output:
	// ISA*00*          *00*          *ZZ*SELLER         *ZZ*BUYER          *240102*1504*U*00401*000000007*0*P*>~
	// GS*SH*SELLER*BUYER*20240102*1504*7*X*004010~
	// ST*856*0001~
	// BSN*00*ASN-1*20240102*1504*0004~
	// HL*1**S~
	// REF*CN*1Z999~
	// SE*5*0001~
	// GE*1*7~
	// IEA*1*000000007~
}

func ExampleAcknowledge() {
	data := []byte("ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *240101*1200*U*00401*000000001*0*P*>~\n" +
		"GS*PO*BUYER*SELLER*20240101*1200*1*X*004010~\n" +
		"ST*850*0001~\nBEG*00*SA*PO-1**20240101~\nPO1*1*10*EA*1.50**VP*ABC~\nCTT*1~\nSE*5*0001~\n" +
		"ST*850*0002~\nBEG*00*SA*PO-2**20240101~\nPO1*1*10*EA*1.50**VP~\nCTT*1~\nSE*5*0002~\n" +
		"GE*2*1~\nIEA*1*000000001~\n")
	ic, _ := x12.Parse(data)
	for _, group := range x12.Acknowledge(ic) {
		fmt.Println("group", group["functional_id"], group["group_control"], "of", group["sets_included"], "sets")
		for _, s := range group["sets"].([]any) {
			set := s.(map[string]any)
			fmt.Println(" set", set["control"], set["code"], set["errors"], set["segments"])
		}
	}
	// Output:
	// group PO 1 of 2 sets
	//  set 0001 A <nil> <nil>
	//  set 0002 R [5] [map[code:8 elements:[map[code:2 position:7]] id:PO1 position:3]]
}
