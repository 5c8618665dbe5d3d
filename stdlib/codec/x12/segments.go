package x12

import (
	"fmt"
	"strconv"
	"strings"
)

// dictionary describes the segments this package knows element by element:
// the envelope, the 997, and every segment the 850, 855, 856 and 810 files
// of the corpus use. It follows X12 004010, with the elements later
// releases added at the end of a segment (N407, BAK10, AK103, ...) so that
// 004060 and 005010 senders are not rejected for them.
//
// Format: a line "ID Name" starts a segment; each indented line below it is
// one element, in order: requirement (M mandatory, O optional, X relational),
// type (AN, ID, DT, TM, R, N0, N2, or Cn for a composite of n components)
// and name. An indented "notes" line lists the syntax notes as the standard
// writes them: P paired (all or none), R required (at least one), C
// conditional (if the first, then all the others), L list conditional (if
// the first, then at least one of the others), E exclusion (at most one).
// Elements are two digits: C0302 is "if 03 then 02".
//
// Code values (ID elements) are not checked against code lists, and lengths
// are not checked either: field files break both more often than they break
// anything a mapping depends on, and the mapping validates what it uses.
const dictionary = `
ISA Interchange Control Header
  M ID Authorization Information Qualifier
  M AN Authorization Information
  M ID Security Information Qualifier
  M AN Security Information
  M ID Interchange ID Qualifier
  M AN Interchange Sender ID
  M ID Interchange ID Qualifier
  M AN Interchange Receiver ID
  M DT Interchange Date
  M TM Interchange Time
  M ID Repetition Separator (Interchange Control Standards Identifier before 00402)
  M ID Interchange Control Version Number
  M N0 Interchange Control Number
  M ID Acknowledgment Requested
  M ID Interchange Usage Indicator
  O AN Component Element Separator
IEA Interchange Control Trailer
  M N0 Number of Included Functional Groups
  M N0 Interchange Control Number
GS Functional Group Header
  M ID Functional Identifier Code
  M AN Application Sender's Code
  M AN Application Receiver's Code
  M DT Date
  M TM Time
  M N0 Group Control Number
  M ID Responsible Agency Code
  M AN Version / Release / Industry Identifier Code
GE Functional Group Trailer
  M N0 Number of Transaction Sets Included
  M N0 Group Control Number
ST Transaction Set Header
  M ID Transaction Set Identifier Code
  M AN Transaction Set Control Number
  O AN Implementation Convention Reference
SE Transaction Set Trailer
  M N0 Number of Included Segments
  M AN Transaction Set Control Number

BEG Beginning Segment for Purchase Order
  M ID Transaction Set Purpose Code
  M ID Purchase Order Type Code
  M AN Purchase Order Number
  O AN Release Number
  M DT Date
  O AN Contract Number
  O ID Acknowledgment Type
  O ID Invoice Type Code
  O ID Contract Type Code
  O ID Purchase Category
  O ID Security Level Code
  O ID Transaction Type Code
BAK Beginning Segment for Purchase Order Acknowledgment
  M ID Transaction Set Purpose Code
  M ID Acknowledgment Type
  M AN Purchase Order Number
  M DT Date
  O AN Release Number
  O AN Request Reference Number
  O AN Contract Number
  O AN Reference Identification
  O DT Date
  O ID Transaction Type Code
BSN Beginning Segment for Ship Notice
  M ID Transaction Set Purpose Code
  M AN Shipment Identification
  M DT Date
  M TM Time
  O ID Hierarchical Structure Code
  X ID Transaction Type Code
  O ID Status Reason Code
  notes C0706
BIG Beginning Segment for Invoice
  M DT Date
  M AN Invoice Number
  O DT Date
  O AN Purchase Order Number
  O AN Release Number
  O AN Change Order Sequence Number
  O ID Transaction Type Code
  O ID Transaction Set Purpose Code
  O ID Action Code
  O AN Invoice Number

CUR Currency
  M ID Entity Identifier Code
  M ID Currency Code
  O R Exchange Rate
  O ID Entity Identifier Code
  O ID Currency Code
  O ID Currency Market/Exchange Code
  X ID Date/Time Qualifier
  X DT Date
  O TM Time
  X ID Date/Time Qualifier
  X DT Date
  X TM Time
  X ID Date/Time Qualifier
  X DT Date
  X TM Time
  X ID Date/Time Qualifier
  X DT Date
  X TM Time
  X ID Date/Time Qualifier
  X DT Date
  X TM Time
  notes C0807 C0907
REF Reference Identification
  M ID Reference Identification Qualifier
  X AN Reference Identification
  X AN Description
  O C6 Reference Identifier
  notes R0203
PER Administrative Communications Contact
  M ID Contact Function Code
  O AN Name
  X ID Communication Number Qualifier
  X AN Communication Number
  X ID Communication Number Qualifier
  X AN Communication Number
  X ID Communication Number Qualifier
  X AN Communication Number
  O AN Contact Inquiry Reference
  notes P0304 P0506 P0708
FOB F.O.B. Related Instructions
  M ID Shipment Method of Payment
  X ID Location Qualifier
  O AN Description
  O ID Transportation Terms Qualifier Code
  X ID Transportation Terms Code
  X ID Location Qualifier
  O AN Description
  O ID Risk of Loss Code
  X AN Description
  notes C0302 C0405 C0706
ITD Terms of Sale/Deferred Terms of Sale
  O ID Terms Type Code
  O ID Terms Basis Date Code
  O R Terms Discount Percent
  X DT Terms Discount Due Date
  X N0 Terms Discount Days Due
  X DT Terms Net Due Date
  X N0 Terms Net Days
  O N2 Terms Discount Amount
  O DT Terms Deferred Due Date
  O N2 Deferred Amount Due
  O R Percent of Invoice Payable
  O AN Description
  X N0 Day of Month
  O ID Payment Method Code
  O R Percent
DTM Date/Time Reference
  M ID Date/Time Qualifier
  X DT Date
  X TM Time
  O ID Time Code
  X ID Date Time Period Format Qualifier
  X AN Date Time Period
  notes R020305 C0403 P0506
PKG Marking, Packaging, Loading
  X ID Item Description Type
  O ID Packaging Characteristic Code
  O ID Agency Qualifier Code
  O AN Packaging Description Code
  X AN Description
  O ID Unit Load Option Code
TD1 Carrier Details (Quantity and Weight)
  O AN Packaging Code
  X N0 Lading Quantity
  O ID Commodity Code Qualifier
  X AN Commodity Code
  O AN Lading Description
  O ID Weight Qualifier
  X R Weight
  X ID Unit or Basis for Measurement Code
  X R Volume
  X ID Unit or Basis for Measurement Code
  notes C0102 C0607 P0708 P0910
TD3 Carrier Details (Equipment)
  X ID Equipment Description Code
  X AN Equipment Initial
  X AN Equipment Number
  O ID Weight Qualifier
  X R Weight
  X ID Unit or Basis for Measurement Code
  O ID Ownership Code
  O ID Seal Status Code
  O AN Seal Number
TD5 Carrier Details (Routing Sequence/Transit Time)
  O ID Routing Sequence Code
  X ID Identification Code Qualifier
  X AN Identification Code
  X ID Transportation Method/Type Code
  X AN Routing
  X ID Shipment/Order Status Code
  O ID Location Qualifier
  X AN Location Identifier
  X ID Transit Direction Code
  X ID Transit Time Direction Qualifier
  X R Transit Time
  X ID Service Level Code
  X ID Service Level Code
  O ID Service Level Code
  O ID Country Code
  notes R0204050612 C0203 C0708
N9 Reference Identification
  M ID Reference Identification Qualifier
  X AN Reference Identification
  X AN Free-form Description
  O DT Date
  X TM Time
  O ID Time Code
  O C6 Reference Identifier
  notes R0203 C0605
MSG Message Text
  M AN Free-Form Message Text
  O ID Printer Carriage Control Code
  O N0 Number
N1 Name
  M ID Entity Identifier Code
  X AN Name
  X ID Identification Code Qualifier
  X AN Identification Code
  O ID Entity Relationship Code
  O ID Entity Identifier Code
  notes R0203 P0304
N2 Additional Name Information
  M AN Name
  O AN Name
N3 Address Information
  M AN Address Information
  O AN Address Information
N4 Geographic Location
  O AN City Name
  O ID State or Province Code
  O ID Postal Code
  O ID Country Code
  X ID Location Qualifier
  O AN Location Identifier
  X ID Country Subdivision Code
  notes C0605

PO1 Baseline Item Data
  O AN Assigned Identification
  X R Quantity Ordered
  O ID Unit or Basis for Measurement Code
  X R Unit Price
  O ID Basis of Unit Price Code
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  notes C0302 C0504 P0607 P0809 P1011 P1213 P1415 P1617 P1819 P2021 P2223 P2425
IT1 Baseline Item Data (Invoice)
  O AN Assigned Identification
  X R Quantity Invoiced
  X ID Unit or Basis for Measurement Code
  X R Unit Price
  O ID Basis of Unit Price Code
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  notes P020304 P0607 P0809 P1011 P1213 P1415 P1617 P1819 P2021 P2223 P2425
PID Product/Item Description
  M ID Item Description Type
  O ID Product/Process Characteristic Code
  X ID Agency Qualifier Code
  X AN Product Description Code
  X AN Description
  O ID Surface/Layer/Position Code
  O AN Source Subqualifier
  O ID Yes/No Condition or Response Code
  O ID Language Code
  notes C0403 R0405 C0905
PO4 Item Physical Details
  O N0 Pack
  X R Size
  X ID Unit or Basis for Measurement Code
  X ID Packaging Code
  O ID Weight Qualifier
  X R Gross Weight per Pack
  X ID Unit or Basis for Measurement Code
  X R Gross Volume per Pack
  X ID Unit or Basis for Measurement Code
  X R Length
  X R Width
  X R Height
  X ID Unit or Basis for Measurement Code
  O N0 Inner Pack
  O ID Surface/Layer/Position Code
  X AN Assigned Identification
  O AN Assigned Identification
  O N0 Number
  notes P0203 C0506 P0607 P0809 C1013 C1113 C1213 L13101112 C1716 C1804
MEA Measurements
  O ID Measurement Reference ID Code
  O ID Measurement Qualifier
  X R Measurement Value
  X C15 Composite Unit of Measure
  X R Range Minimum
  X R Range Maximum
  O ID Measurement Significance Code
  X ID Measurement Attribute Code
  O ID Surface/Layer/Position Code
  O ID Measurement Method or Device
  notes R03050608 C0504 C0604 E0803
TC2 Commodity
  M ID Commodity Code Qualifier
  M AN Commodity Code
CTT Transaction Totals
  M N0 Number of Line Items
  O R Hash Total
  X R Weight
  X ID Unit or Basis for Measurement Code
  X R Volume
  X ID Unit or Basis for Measurement Code
  O AN Description
  notes P0304 P0506
AMT Monetary Amount
  M ID Amount Qualifier Code
  M R Monetary Amount
  O ID Credit/Debit Flag Code
CSH Sales Requirements
  O ID Sales Requirement Code
  O ID Action Code
  X N2 Amount
  O AN Account Number
  O DT Date
  X ID Agency Qualifier Code
  X AN Special Services Code
  O ID Product/Service Substitution Code
  X R Percent
  O ID Percent Qualifier

ACK Line Item Acknowledgment
  M ID Line Item Status Code
  X R Quantity
  X ID Unit or Basis for Measurement Code
  O ID Date/Time Qualifier
  X DT Date
  O AN Request Reference Number
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  O AN Industry Code
  notes P0203 C0405 P0708 P0910 P1112 P1314 P1516 P1718 P1920 P2122 P2324 P2526 P2728
SCH Line Item Schedule
  M R Quantity
  M ID Unit or Basis for Measurement Code
  X ID Entity Identifier Code
  X AN Name
  M ID Date/Time Qualifier
  M DT Date
  O TM Time
  X ID Date/Time Qualifier
  X DT Date
  X TM Time
  O AN Request Reference Number
  O AN Assigned Identification
  notes C0304 L080910 C0908 C1008

HL Hierarchical Level
  M AN Hierarchical ID Number
  O AN Hierarchical Parent ID Number
  M ID Hierarchical Level Code
  O ID Hierarchical Child Code
LIN Item Identification
  O AN Assigned Identification
  M ID Product/Service ID Qualifier
  M AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  X ID Product/Service ID Qualifier
  X AN Product/Service ID
  notes P0405 P0607 P0809 P1011 P1213 P1415 P1617 P1819 P2021 P2223 P2425 P2627 P2829 P3031
SN1 Item Detail (Shipment)
  O AN Assigned Identification
  M R Number of Units Shipped
  M ID Unit or Basis for Measurement Code
  O R Quantity Shipped to Date
  X R Quantity Ordered
  X ID Unit or Basis for Measurement Code
  O ID Returnable Container Load Make-Up Code
  O ID Line Item Status Code
  notes P0506
PRF Purchase Order Reference
  M AN Purchase Order Number
  O AN Release Number
  O AN Change Order Sequence Number
  O DT Date
  O AN Assigned Identification
  O AN Contract Number
  O ID Purchase Order Type Code
MAN Marks and Numbers
  M ID Marks and Numbers Qualifier
  M AN Marks and Numbers
  O AN Marks and Numbers
  X ID Marks and Numbers Qualifier
  X AN Marks and Numbers
  O AN Marks and Numbers
  notes P0405

SAC Service, Promotion, Allowance, or Charge Information
  M ID Allowance or Charge Indicator
  X ID Service, Promotion, Allowance, or Charge Code
  X ID Agency Qualifier Code
  X AN Agency Service, Promotion, Allowance, or Charge Code
  O N2 Amount
  X ID Allowance/Charge Percent Qualifier
  X R Percent
  O R Rate
  X ID Unit or Basis for Measurement Code
  X R Quantity
  O R Quantity
  O ID Allowance or Charge Method of Handling Code
  X AN Reference Identification
  O AN Option Number
  X AN Description
  O ID Language Code
  notes R0203 P0304 P0607 P0910 C1413 C1615
TXI Tax Information
  M ID Tax Type Code
  X R Monetary Amount
  X R Percent
  X ID Tax Jurisdiction Code Qualifier
  X AN Tax Jurisdiction Code
  X ID Tax Exempt Code
  O ID Relationship Code
  O R Dollar Basis For Percent
  O AN Tax Identification Number
  O AN Assigned Identification
  notes R020306 P0405 C0803
TDS Total Monetary Value Summary
  M N2 Amount
  O N2 Amount
  O N2 Amount
  O N2 Amount

AK1 Functional Group Response Header
  M ID Functional Identifier Code
  M N0 Group Control Number
  O AN Version / Release / Industry Identifier Code
AK2 Transaction Set Response Header
  M ID Transaction Set Identifier Code
  M AN Transaction Set Control Number
  O AN Implementation Convention Reference
AK3 Data Segment Note
  M ID Segment ID Code
  M N0 Segment Position in Transaction Set
  O AN Loop Identifier Code
  O ID Segment Syntax Error Code
AK4 Data Element Note
  M C3 Position in Segment
  O N0 Data Element Reference Number
  M ID Data Element Syntax Error Code
  O AN Copy of Bad Data Element
AK5 Transaction Set Response Trailer
  M ID Transaction Set Acknowledgment Code
  O ID Transaction Set Syntax Error Code
  O ID Transaction Set Syntax Error Code
  O ID Transaction Set Syntax Error Code
  O ID Transaction Set Syntax Error Code
  O ID Transaction Set Syntax Error Code
AK9 Functional Group Response Trailer
  M ID Functional Group Acknowledge Code
  M N0 Number of Transaction Sets Included
  M N0 Number of Received Transaction Sets
  M N0 Number of Accepted Transaction Sets
  O ID Functional Group Syntax Error Code
  O ID Functional Group Syntax Error Code
  O ID Functional Group Syntax Error Code
  O ID Functional Group Syntax Error Code
  O ID Functional Group Syntax Error Code
`

// elemType is the X12 data element type, as far as validation cares.
type elemType uint8

const (
	typeAN elemType = iota // string: not checked
	typeID                 // code value: not checked against code lists
	typeN                  // integer with implied decimals: -?[0-9]+
	typeR                  // decimal number: -?[0-9]*(\.[0-9]*)? with at least one digit
	typeDT                 // date: CCYYMMDD or YYMMDD
	typeTM                 // time: HHMM, HHMMSS, HHMMSSd, HHMMSSdd
	typeComposite
)

type elemSpec struct {
	req      byte // 'M', 'O' or 'X'
	typ      elemType
	typName  string // "AN", "N2", "C6": for documentation
	name     string
	key      string   // "BEG03"
	compKeys []string // "REF04_01", ... for a composite
}

// note is one syntax note: kind P, R, C, L or E over element positions.
type note struct {
	kind  byte
	elems []int
	text  string // "P0607"
}

type segSpec struct {
	id    string
	name  string
	elems []elemSpec
	notes []note
}

// segments is the parsed dictionary, read-only after package initialization.
var segments = mustParseDictionary(dictionary)

func mustParseDictionary(text string) map[string]*segSpec {
	out := map[string]*segSpec{}
	var cur *segSpec
	for n, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		fail := func(msg string) { panic(fmt.Sprintf("x12 dictionary line %d: %s: %q", n+1, msg, line)) }
		if line[0] != ' ' {
			id, name, _ := strings.Cut(line, " ")
			if out[id] != nil {
				fail("duplicate segment")
			}
			cur = &segSpec{id: id, name: name}
			out[id] = cur
			continue
		}
		if cur == nil {
			fail("element before segment")
		}
		f := strings.Fields(line)
		if f[0] == "notes" {
			for _, t := range f[1:] {
				nt := note{kind: t[0], text: t}
				if strings.IndexByte("PRCLE", t[0]) < 0 || len(t) < 5 || len(t)%2 != 1 {
					fail("bad note " + t)
				}
				for i := 1; i < len(t); i += 2 {
					p, err := strconv.Atoi(t[i : i+2])
					if err != nil || p < 1 || p > len(cur.elems) {
						fail("bad note " + t)
					}
					nt.elems = append(nt.elems, p)
				}
				cur.notes = append(cur.notes, nt)
			}
			continue
		}
		if len(f) < 3 || len(f[0]) != 1 || strings.IndexByte("MOX", f[0][0]) < 0 {
			fail("bad element")
		}
		e := elemSpec{req: f[0][0], typName: f[1], name: strings.Join(f[2:], " ")}
		e.key = cur.id + twoDigits(len(cur.elems)+1)
		switch t := f[1]; {
		case t == "AN":
			e.typ = typeAN
		case t == "ID":
			e.typ = typeID
		case t == "R":
			e.typ = typeR
		case t == "DT":
			e.typ = typeDT
		case t == "TM":
			e.typ = typeTM
		case len(t) == 2 && t[0] == 'N' && t[1] >= '0' && t[1] <= '9':
			e.typ = typeN
		case t[0] == 'C':
			k, err := strconv.Atoi(t[1:])
			if err != nil || k < 1 || k > 99 {
				fail("bad composite")
			}
			e.typ = typeComposite
			for j := 1; j <= k; j++ {
				e.compKeys = append(e.compKeys, e.key+"_"+twoDigits(j))
			}
		default:
			fail("bad type")
		}
		cur.elems = append(cur.elems, e)
	}
	return out
}

func twoDigits(i int) string {
	if i < 10 {
		return "0" + strconv.Itoa(i)
	}
	return strconv.Itoa(i)
}
