package tests

import (
	"context"
	"maps"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine"
)

// erpDocument is what the erp_orders flow made of one accepted corpus
// order for one ERP.
type erpDocument struct {
	// Name is the corpus payload the order came from.
	Name string
	// Order is the canonical order (native values).
	Order map[string]any
	// Doc is the output of the erp_document step: the ERP's payload in
	// native values (builtin.Money, builtin.Decimal…); nil when the order
	// did not get that far.
	Doc any
	// Outcome is the whole outcome: deliveries, dead letter.
	Outcome *engine.Outcome
}

// erpDocuments runs every accepted corpus order through erp_orders with
// the variable erp set to erp (and vars), the way a channel flow routes
// it there, and returns what came out. Every ERP mapping's conformance
// test starts here: totals to the cent, line counts and quantities.
func erpDocuments(t *testing.T, erp string, vars map[string]string) []erpDocument {
	t.Helper()
	all := map[string]string{"erp": erp}
	maps.Copy(all, vars)
	cfg, w := loadDefaultFlows(t, all)
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	if err != nil {
		t.Fatal(err)
	}
	var out []erpDocument
	for _, d := range acceptedCorpusDocs(t, "order") {
		body, err := builtin.AppendJSON(nil, d.Doc)
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		outs, _, err := ev.Eval(context.Background(), "erp_orders", engine.Input{Body: body})
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if len(outs) != 1 {
			t.Fatalf("%s: %d outcomes from erp_orders", d.Name, len(outs))
		}
		out = append(out, erpDocument{Name: d.Name, Order: d.Doc, Doc: outs[0].Steps["erp_document"], Outcome: outs[0]})
	}
	return out
}

// erpSent checks the outcome of an order sent to the ERP: a cancelled
// order the ERP never had is filtered (erpSent is false: nothing to check
// in a document), any other is delivered.
func erpSent(t *testing.T, d erpDocument) bool {
	t.Helper()
	if d.Order["status"] == "cancelled" {
		if d.Outcome.Outcome != "filtered" {
			t.Fatalf("a cancelled order the ERP never had: outcome %s, want filtered", d.Outcome.Outcome)
		}
		return false
	}
	if d.Outcome.Outcome != "delivered" {
		j, _ := d.Outcome.JSON()
		t.Fatalf("outcome %s\n%s", d.Outcome.Outcome, j)
	}
	return true
}
