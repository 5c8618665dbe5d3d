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
type X12 struct{}

// Decoder implements connector.Codec.
func (X12) Decoder(t *builtin.Type, reads []string) (connector.Decoder, error) {
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
		return nil, builtin.Errorf(x12.ReasonEnvelope, "the interchange holds no transaction set")
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
