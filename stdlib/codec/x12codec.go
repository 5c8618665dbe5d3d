package codec

import (
	"errors"
	"fmt"
	"strings"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/x12"
)

// X12 decodes interchanges into one document per transaction set. A flow
// whose schema is a set type (x12.850) accepts only that set: another one
// in the interchange is a SCHEMA_MISMATCH document.
//
// Envelope integrity is all or nothing: when the interchange's or the
// group's control numbers or counts do not match (IEA02 against ISA13, a
// GE01 count), every set in it is rejected with ENVELOPE_INVALID, because
// a partner whose envelope is wrong may have sent sets that are incomplete;
// the 997 reports the same. A set with errors of its own is rejected alone.
//
// A flow whose schema is x12.FunctionalAck gets the interchange's
// acknowledgments instead: one document per functional group (see
// x12AckDecoder), for a flow that answers rejected sets with a 997.
type X12 struct{}

// FunctionalAckType is the name of the x12 module's type of a 997's
// content. A flow with this schema gets, instead of the transaction sets,
// their acknowledgments: one document per functional group, as
// x12.Acknowledge describes it (rejected sets included), for x12.ack997.
const FunctionalAckType = "x12.FunctionalAck"

// Decoder implements connector.Codec.
func (X12) Decoder(t *builtin.Type, reads []string) (connector.Decoder, error) {
	if t != nil && t.Name == FunctionalAckType {
		return x12AckDecoder{}, nil
	}
	want := ""
	if t != nil && strings.HasPrefix(t.Name, "x12.") {
		want = strings.TrimPrefix(t.Name, "x12.")
		if want == "Generic" {
			want = ""
		}
	}
	return x12Decoder{want: want}, nil
}

type x12Decoder struct{ want string }

func (d x12Decoder) Decode(body []byte) ([]connector.Document, error) {
	ics, err := x12.ParseAll(body)
	if len(ics) == 0 {
		if err == nil {
			err = errors.New("no interchange")
		}
		return nil, builtin.Errorf(x12.ReasonEnvelope, "not an X12 interchange: %v", err)
	}
	var docs []connector.Document
	for i, ic := range ics {
		for _, g := range ic.Groups {
			for _, s := range g.Sets {
				doc := connector.Document{
					Part: "ST " + s.Control,
					Headers: map[string]string{
						"x12-sender": ic.Sender, "x12-receiver": ic.Receiver,
						"x12-interchange-control": ic.Control, "x12-group-control": g.Control,
						"x12-set-control": s.Control, "x12-set": s.ID, "x12-version": g.Version,
						"x12-functional-id": g.FunctionalID, "x12-usage": ic.Usage,
					},
				}
				if len(ics) > 1 || len(ic.Groups) > 1 {
					doc.Part = fmt.Sprintf("ISA %s GS %s ST %s", ic.Control, g.Control, s.Control)
				}
				switch {
				case ic.Err() != nil:
					doc.Err = builtin.Errorf(x12.ReasonEnvelope, "interchange %s: %v", ic.Control, ic.Err())
				case g.Err() != nil:
					doc.Err = builtin.Errorf(x12.ReasonEnvelope, "group %s: %v", g.Control, g.Err())
				case s.Err() != nil:
					reason := x12.ReasonEnvelope
					var xe *x12.Error
					if errors.As(s.Err(), &xe) && xe.Reason != "" {
						reason = xe.Reason
					}
					doc.Err = builtin.Errorf(reason, "transaction set %s %s: %v", s.ID, s.Control, s.Err())
				case d.want != "" && s.ID != d.want:
					doc.Err = builtin.Errorf("SCHEMA_MISMATCH", "transaction set %s %s is not a %s; route it to a flow for %s", s.ID, s.Control, d.want, s.ID)
				default:
					doc.Value = s.Doc
				}
				docs = append(docs, doc)
			}
		}
		_ = i
	}
	if len(docs) == 0 {
		if len(ics[0].InterchangeAcks) > 0 {
			// A partner's TA1s, answering interchanges we sent: this
			// endpoint takes transaction sets.
			return nil, builtin.Errorf(x12.ReasonEnvelope, "interchange %s holds TA1 interchange acknowledgments (TA101 %s, TA104 %s) and no transaction set: a TA1 answers an interchange we sent, and this flow takes transaction sets; read the TA1 here and discard the dead letter, or have the partner send its TA1s elsewhere",
				ics[0].Control, ics[0].InterchangeAcks[0].Element(1), ics[0].InterchangeAcks[0].Element(4))
		}
		return nil, builtin.Errorf(x12.ReasonEnvelope, "the interchange holds no transaction set")
	}
	return docs, nil
}

// x12AckDecoder decodes interchanges into their functional
// acknowledgments: one document per functional group (part "GS <control>",
// or "ISA <control> GS <control>" when the body holds several
// interchanges), each the map x12.Acknowledge builds. A set with an
// envelope or syntax error is not a failed document here: it is what the
// acknowledgment reports (AK5 R).
type x12AckDecoder struct{}

func (x12AckDecoder) Decode(body []byte) ([]connector.Document, error) {
	ics, err := x12.ParseAll(body)
	if len(ics) == 0 {
		if err == nil {
			err = errors.New("no interchange")
		}
		return nil, builtin.Errorf(x12.ReasonEnvelope, "not an X12 interchange: %v", err)
	}
	var docs []connector.Document
	seen := map[string]int{}
	for _, ic := range ics {
		for _, ack := range x12.Acknowledge(ic) {
			control, _ := ack["group_control"].(string)
			version, _ := ack["version"].(string)
			fid, _ := ack["functional_id"].(string)
			doc := connector.Document{
				Part:  "GS " + control,
				Value: ack,
				Headers: map[string]string{
					"x12-sender": ic.Sender, "x12-receiver": ic.Receiver,
					"x12-interchange-control": ic.Control, "x12-group-control": control,
					"x12-version": version, "x12-functional-id": fid, "x12-usage": ic.Usage,
				},
			}
			if len(ics) > 1 {
				doc.Part = fmt.Sprintf("ISA %s GS %s", ic.Control, control)
			}
			// Two groups with one control number (a duplicate, which their
			// acknowledgments report) are still two parts.
			if n := seen[doc.Part]; n > 0 {
				seen[doc.Part]++
				doc.Part = fmt.Sprintf("%s #%d", doc.Part, n+1)
			} else {
				seen[doc.Part] = 1
			}
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		return nil, builtin.Errorf(x12.ReasonEnvelope, "the interchange holds no functional group to acknowledge")
	}
	return docs, nil
}

// X12Types returns the schemas of the X12 transaction sets (x12.850, …)
// to predeclare in a load.
func X12Types() *builtin.Types {
	ts := builtin.NewTypes()
	for _, id := range x12.SetIDs() {
		if err := ts.Add(x12.Schema(id)); err != nil {
			panic(err)
		}
	}
	return ts
}

var _ connector.Codec = X12{}
