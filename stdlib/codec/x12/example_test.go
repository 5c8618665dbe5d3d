package x12_test

import (
	"fmt"

	"github.com/transload/transload/stdlib/codec/x12"
)

func ExampleParse() {
	data := []byte("ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *240101*1200*U*00401*000000001*0*P*>~\n" +
		"GS*PO*BUYER*SELLER*20240101*1200*1*X*004010~\n" +
		"ST*850*0001~\nBEG*00*SA*PO-1**20240101~\nPO1*1*10*EA*1.50**VP*ABC~\nCTT*1~\nSE*5*0001~\n" +
		"ST*850*0002~\nBEG*00*SA*PO-2**20240101~\nPO1*1*10*EA*1.50**VP~\nCTT*1~\nSE*5*0002~\n" +
		"GE*2*1~\nIEA*1*000000001~\n")
	ic, err := x12.Parse(data)
	if ic == nil {
		fmt.Println("unreadable:", err)
		return
	}
	fmt.Println("from", ic.Sender, "interchange", ic.Control)
	for _, g := range ic.Groups {
		for _, set := range g.Sets {
			if set.Err() != nil {
				fmt.Println("reject", set.ID, set.Control+":", set.Err())
				continue
			}
			beg := set.Doc["BEG"].(map[string]any)
			lines := set.Doc["PO1"].([]any)
			fmt.Println("accept", set.ID, set.Control+":", beg["BEG03"], len(lines), "line(s)")
		}
	}
	// Output:
	// from BUYER interchange 000000001
	// accept 850 0001: PO-1 1 line(s)
	// reject 850 0002: segment 10 (PO1): PO107 (Product/Service ID) is required when PO106 is present (syntax note P0607)
}

func ExampleSchema() {
	t := x12.Schema("850")
	fmt.Println(t.Name, t.Field("PO1").Type)
	line := t.Field("PO1").Type.Elem
	fmt.Println(line.Field("PO4").Type, line.Field("PID").Type)
	fmt.Println(x12.Schema("940").Name)
	// Output:
	// x12.850 list(x12.850.PO1Loop)
	// x12.PO4 list(x12.PID)
	// x12.Generic
}
