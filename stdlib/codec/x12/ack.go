package x12

import (
	"sort"
	"strconv"
)

// Acknowledge describes, for each functional group of a parsed
// interchange, what a 997 functional acknowledgment must say about it:
// the group (AK1), every set in it with its acceptance code (AK2, AK5),
// the segments and elements in error of a rejected set (AK3, AK4), and
// the group's verdict and counts (AK9). The x12 mapping module turns one
// such document into a 997 (x12.ack997); the document is native
// (strings, lists and maps), shaped like the module type
// x12.FunctionalAck:
//
//	{
//	  "functional_id": "PO", "group_control": "1421", "version": "004010",
//	  "sets_included": "2",        // GE01 as sent, else the sets read
//	  "rejected": false,           // the group or interchange envelope is in error
//	  "group_errors": ["5"],       // AK905 codes
//	  "group_sender": "…", "group_receiver": "…",   // GS02, GS03
//	  "interchange": {"sender_qualifier", "sender", "receiver_qualifier",
//	                  "receiver", "control", "usage"},
//	  "sets": [{"id": "850", "control": "0001", "code": "A"},
//	           {"id": "850", "control": "0002", "code": "R", "errors": ["5"],
//	            "segments": [{"id": "PO1", "position": "5", "code": "8",
//	                          "elements": [{"position": "7", "code": "2"}]}]}]
//	}
//
// A set is accepted ("A") when it has no error of its own and its group
// and interchange envelopes are sound; otherwise it is rejected ("R"),
// exactly as the x12 codec rejects it. Warnings (a repaired terminator)
// do not reject. Set errors map to codes as Error documents: envelope
// errors give AK502 codes ("2" missing trailer, "3" control number
// mismatch, "4" segment count, "23" duplicate control number); syntax
// errors give "5" in AK502 and one AK3 per segment in error, with AK304
// for a segment problem ("3" mandatory segment missing, "5" too many) or
// "8" and one AK4 per element (AK403: "1" mandatory missing, "2"
// conditional missing, "6" invalid character, "8" invalid date, …). AK3's
// position counts from the ST (1). AK404 copies the bad value only when
// it is plain text (letters, digits, space, . , - /): it travels inside
// our own separators, which may differ from the partner's.
//
// An interchange error (IEA02 against ISA13, IEA01) rejects every group
// with AK901 "R" and no AK905 code: the TA1 is X12's way to report it
// (AcknowledgeInterchange, which each document carries as its
// "interchange"). Sets outside any functional group cannot be
// acknowledged by a 997 and are left out.
func Acknowledge(ic *Interchange) []map[string]any {
	var out []map[string]any
	icBad := ic.Err() != nil
	for _, g := range ic.Groups {
		if g.GS.Index == 0 {
			continue
		}
		doc := map[string]any{
			"functional_id": g.FunctionalID,
			"group_control": g.Control,
			"interchange":   AcknowledgeInterchange(ic),
			"rejected":      icBad || g.Err() != nil,
		}
		put := func(k, v string) {
			if v != "" {
				doc[k] = v
			}
		}
		put("version", g.Version)
		put("group_sender", g.Sender)
		put("group_receiver", g.Receiver)
		included := strconv.Itoa(len(g.Sets))
		if g.GE != nil && isDigits(g.GE.Element(1)) {
			included = trimZeros(g.GE.Element(1))
		}
		doc["sets_included"] = included
		var codes []any
		for _, e := range g.Errors {
			c := e.Code
			if e.Reason == ReasonSyntax {
				c = "" // a GS/GE element problem: AK901 R says it
				if e.Element == 6 {
					c = "6" // group control number violates syntax
				}
			}
			codes = addCode(codes, c)
		}
		if len(codes) > 0 {
			doc["group_errors"] = codes
		}
		sets := make([]any, 0, len(g.Sets))
		for _, s := range g.Sets {
			sets = append(sets, ackSet(s, icBad || g.Err() != nil))
		}
		doc["sets"] = sets
		out = append(out, doc)
	}
	return out
}

// AcknowledgeInterchange describes the TA1 that answers ic (an
// x12.InterchangeAck, which x12.ta1 writes): the interchange's identity,
// and what its envelope (ISA and IEA) was found to be.
//
//	{"sender_qualifier", "sender", "receiver_qualifier", "receiver",
//	 "control", "date", "time", "version", "usage", "ack_requested",
//	 "status": "A" | "R", "note": "000", "message": …}
//
// status is R, and note the TA105 code of its first error, when the
// envelope itself is in error (IEA02 against ISA13: "001", IEA01 against
// the groups: "021", a missing IEA: "023", …): the interchange is rejected
// whole, and the partner must send it again. Otherwise A and "000",
// whatever its groups and sets hold: a 997 reports those. message says the
// error in words, for people; the TA1 has no room for it.
func AcknowledgeInterchange(ic *Interchange) map[string]any {
	doc := map[string]any{
		"sender_qualifier": ic.SenderQualifier, "sender": ic.Sender,
		"receiver_qualifier": ic.ReceiverQualifier, "receiver": ic.Receiver,
		"control": ic.Control, "date": ic.Date, "time": ic.Time,
		"version": ic.Version, "usage": ic.Usage,
		"ack_requested": ic.AckRequested == "1",
		"status":        "A",
		"note":          "000",
	}
	for _, e := range ic.Errors {
		if e.Reason != ReasonEnvelope || len(e.Code) != 3 || !isDigits(e.Code) {
			continue
		}
		doc["status"], doc["note"], doc["message"] = "R", e.Code, e.Error()
		break
	}
	return doc
}

func ackSet(s *Set, envelopeBad bool) map[string]any {
	m := map[string]any{"id": s.ID, "control": s.Control, "code": "A"}
	if len(s.Errors) == 0 && !envelopeBad {
		return m
	}
	m["code"] = "R"
	var codes []any
	type segKey struct {
		index int
		id    string
	}
	bySeg := map[segKey][]*Error{}
	var order []segKey
	first := 0
	if len(s.Segments) > 0 {
		first = s.Segments[0].Index
	}
	for _, e := range s.Errors {
		if e.Reason == ReasonEnvelope {
			codes = addCode(codes, e.Code)
			continue
		}
		codes = addCode(codes, "5")
		k := segKey{e.Segment, e.SegmentID}
		if _, ok := bySeg[k]; !ok {
			order = append(order, k)
		}
		bySeg[k] = append(bySeg[k], e)
	}
	if len(codes) > 0 {
		m["errors"] = codes
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].index < order[j].index })
	var segs []any
	for _, k := range order {
		pos := k.index - first + 1
		if pos < 1 {
			pos = 1
		}
		seg := map[string]any{"id": k.id, "position": strconv.Itoa(pos)}
		var elems []any
		for _, e := range bySeg[k] {
			if e.Element == 0 {
				if e.Code != "" {
					seg["code"] = e.Code
				}
				continue
			}
			el := map[string]any{"position": strconv.Itoa(e.Element), "code": or(e.Code, "7")}
			if i := k.index - first; i >= 0 && i < len(s.Segments) && s.Segments[i].ID == k.id {
				if v := s.Segments[i].Element(e.Element); v != "" && plainText(v) && len(v) <= 99 {
					el["data"] = v
				}
			}
			elems = append(elems, el)
		}
		if len(elems) > 0 {
			if _, ok := seg["code"]; !ok {
				seg["code"] = "8" // segment has data element errors
			}
			seg["elements"] = elems
		}
		segs = append(segs, seg)
	}
	if len(segs) > 0 {
		m["segments"] = segs
	}
	return m
}

// addCode appends a code once; X12 has room for five (AK502–AK506,
// AK905–AK909).
func addCode(codes []any, c string) []any {
	if c == "" || len(codes) == 5 {
		return codes
	}
	for _, x := range codes {
		if x == c {
			return codes
		}
	}
	return append(codes, c)
}

// plainText reports whether v can be copied into an AK404 whatever the
// separators of the acknowledgment: letters, digits, space and . , - /.
func plainText(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(isAlnum(c) || c == ' ' || c == '.' || c == ',' || c == '-' || c == '/') {
			return false
		}
	}
	return true
}

func trimZeros(v string) string {
	for len(v) > 1 && v[0] == '0' {
		v = v[1:]
	}
	return v
}
