package x12

import (
	"fmt"
	"strings"
)

// setSpec is the structure of one transaction set: which segments and
// loops may appear at its top level and in each loop. The structure follows
// X12 004010 with two simplifications, both written down in doc.go:
// only the loops a mapping navigates are loops (N9, N1, PO1, IT1, HL, AK2,
// AK3); the standard's smaller loops (SAC, PID, SCH, CTT, AMT, LDT, ...)
// are flattened into the enclosing loop as lists of segments. Segment order
// inside a loop is not enforced; the document does not keep it anyway.
type setSpec struct {
	id   string
	name string
	root *loopSpec
}

// loopSpec is a loop (or the top level of a set, whose trigger is "").
// members never holds the loop's own trigger: a trigger met inside its own
// loop starts the next instance of the loop.
type loopSpec struct {
	trigger  string
	typeName string // x12.850.PO1Loop; x12.850 for the root
	members  []member
	index    map[string]int
}

type member struct {
	id       string
	many     bool // a list of segments (or of loop instances); else one segment
	required bool
	loop     *loopSpec
}

// loop builds a loopSpec. Members are segment IDs, with "*" appended for a
// repeatable segment and "!" for a mandatory one, or *loopSpec values for
// nested loops (always lists), or required(l) for a mandatory loop.
func loop(trigger string, members ...any) *loopSpec {
	l := &loopSpec{trigger: trigger, index: map[string]int{}}
	for _, m := range members {
		var mb member
		switch v := m.(type) {
		case string:
			mb.id = strings.TrimRight(v, "*!")
			mb.many = strings.Contains(v, "*")
			mb.required = strings.Contains(v, "!")
		case *loopSpec:
			mb = member{id: v.trigger, many: true, loop: v}
		case requiredLoop:
			mb = member{id: v.trigger, many: true, loop: v.loopSpec, required: true}
		default:
			panic(fmt.Sprintf("x12: bad loop member %T", m))
		}
		if _, dup := l.index[mb.id]; dup || mb.id == trigger {
			panic("x12: duplicate loop member " + mb.id + " in loop " + trigger)
		}
		if len(l.members) == 64 {
			panic("x12: more than 64 members in loop " + trigger) // frame.seen is a uint64
		}
		l.index[mb.id] = len(l.members)
		l.members = append(l.members, mb)
	}
	return l
}

type requiredLoop struct{ *loopSpec }

func required(l *loopSpec) requiredLoop { return requiredLoop{l} }

// name assigns type names to the root and every loop reachable from it.
// One loopSpec used in two places (the N1 loop of the heading and of the
// PO1 loop) is one type.
func (s *setSpec) named() *setSpec {
	s.root.typeName = "x12." + s.id
	var walk func(l *loopSpec)
	walk = func(l *loopSpec) {
		for _, m := range l.members {
			if m.loop != nil && m.loop.typeName == "" {
				m.loop.typeName = "x12." + s.id + "." + m.loop.trigger + "Loop"
				walk(m.loop)
			}
		}
	}
	walk(s.root)
	return s
}

// The heading N9 loop (N9, DTM, MSG) of the purchase order family.
func n9Loop() *loopSpec { return loop("N9", "DTM*", "MSG*") }

// The N1 (party) loop of the 850 and 855.
func n1LoopPO() *loopSpec {
	return loop("N1", "N2*", "N3*", "N4", "NX2*", "REF*", "PER*", "SI*", "FOB*", "TD1*", "TD5*", "TD3*", "TD4*", "PKG*")
}

// po1Members are the members of the PO1 loop shared by the 850 and 855.
func po1Members(n9, n1 *loopSpec) []any {
	return []any{"LIN*", "SI*", "CUR", "CN1*", "PO3*", "CTP*", "PAM*", "MEA*", "PID*", "PWK*", "PO4",
		"REF*", "PER*", "SAC*", "IT8*", "CSH*", "ITD*", "DIS*", "INC", "TAX*", "FOB*", "SDQ*", "IT3*",
		"DTM*", "TC2*", "TD1*", "TD5*", "TD3*", "TD4*", "PCT*", "MAN*", "MSG*", "SPI*", "TXI*", "CTB*",
		"QTY*", "SCH*", "PKG*", "LS", "LE", "LDT*", n9, n1, "SLN*", "AMT*"}
}

func spec850() *setSpec {
	n9, n1 := n9Loop(), n1LoopPO()
	po1 := loop("PO1", po1Members(n9, n1)...)
	return (&setSpec{id: "850", name: "Purchase Order", root: loop("",
		"BEG!", "CUR", "REF*", "PER*", "TAX*", "FOB*", "CTP*", "PAM*", "CSH*", "TC2*", "SAC*", "ITD*",
		"DIS*", "INC", "DTM*", "LDT*", "LIN*", "SI*", "PID*", "MEA*", "PWK*", "PKG*", "TD1*", "TD5*",
		"TD3*", "TD4*", "MAN*", "PCT*", "CTB*", "TXI*", n9, n1, "LM*", "SPI*", "ADV*", po1, "CTT", "AMT*")}).named()
}

func spec855() *setSpec {
	n9, n1 := n9Loop(), n1LoopPO()
	po1 := loop("PO1", append(po1Members(n9, n1), "ACK*")...)
	return (&setSpec{id: "855", name: "Purchase Order Acknowledgment", root: loop("",
		"BAK!", "CUR", "REF*", "PER*", "TAX*", "FOB*", "CTP*", "PAM*", "CSH*", "SAC*", "ITD*", "DIS*",
		"INC", "DTM*", "LDT*", "LIN*", "SI*", "PID*", "MEA*", "PWK*", "PKG*", "TD1*", "TD5*", "TD3*",
		"TD4*", "MAN*", "TXI*", "CTB*", n9, n1, po1, "CTT", "AMT*")}).named()
}

func spec856() *setSpec {
	n1 := loop("N1", "N2*", "N3*", "N4", "REF*", "PER*", "FOB*")
	hl := loop("HL", "LIN", "SN1", "SLN*", "PRF", "PO4", "PID*", "MEA*", "PWK*", "PKG*", "TD1*", "TD5*",
		"TD3*", "TD4*", "TSD", "REF*", "PER*", "MAN*", "DTM*", "FOB*", "PAL", n1, "SDQ*", "ETD", "CUR",
		"SAC*", "GF", "YNQ*", "LM*", "V1*", "CLD*")
	return (&setSpec{id: "856", name: "Ship Notice/Manifest", root: loop("",
		"BSN!", "DTM*", required(hl), "CTT")}).named()
}

func spec810() *setSpec {
	n1 := loop("N1", "N2*", "N3*", "N4", "REF*", "PER*", "DMG")
	it1 := loop("IT1", "CRC", "QTY*", "CUR", "IT3*", "TXI*", "CTP*", "PAM*", "MEA*", "PID*", "PWK*",
		"PKG*", "PO4", "ITD*", "REF*", "YNQ*", "PER*", "SDQ*", "DTM*", "CAD*", "L7*", "SR", "SAC*",
		"SLN*", n1, "LM*", "V1*")
	return (&setSpec{id: "810", name: "Invoice", root: loop("",
		"BIG!", "NTE*", "CUR", "REF*", "YNQ*", "PER*", n1, "ITD*", "DTM*", "FOB", "PID*", "MEA*", "PWK*",
		"PKG*", "L7", "BAL*", "INC", "PAM*", "LM*", it1, "TDS!", "TXI*", "CAD", "AMT*", "SAC*", "ISS*", "CTT")}).named()
}

func spec997() *setSpec {
	ak3 := loop("AK3", "AK4*")
	ak2 := loop("AK2", ak3, "AK5!")
	return (&setSpec{id: "997", name: "Functional Acknowledgment", root: loop("",
		"AK1!", ak2, "AK9!")}).named()
}

// sets are the transaction sets this package knows, read-only after
// package initialization.
var sets = map[string]*setSpec{
	"850": spec850(),
	"855": spec855(),
	"856": spec856(),
	"810": spec810(),
	"997": spec997(),
}

// functionalIDs is the GS01 each known set must travel under.
var functionalIDs = map[string]string{
	"850": "PO", "855": "PR", "856": "SH", "810": "IN", "997": "FA",
}
