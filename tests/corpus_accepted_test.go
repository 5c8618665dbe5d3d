package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/transload/transload/engine"
)

// corpusDoc is one canonical document a default flow produced from a
// corpus payload and delivered.
type corpusDoc struct {
	// Name says where it came from: "shopify/order_x.json" or, for a
	// payload that holds several, "walmart/orders_list.json#3".
	Name string
	Flow string
	// Doc is the output of the flow's canonical step, in native values
	// (builtin.Money, builtin.Quantity, builtin.Decimal, time.Time…).
	Doc map[string]any
}

// allCorpusCases lists every corpus case of every channel.
func allCorpusCases() []corpusCase {
	var all []corpusCase
	for _, cs := range [][]corpusCase{
		shopifyCorpusCases(), shopifyEdgeCases(),
		amazonCorpusCases(),
		walmartCorpusCases(), walmartEdgeCases(),
		bigCommerceCorpusCases(),
		adobeCommerceCorpusCases(),
		x12CorpusCases(),
	} {
		all = append(all, cs...)
	}
	return all
}

var accepted struct {
	once sync.Once
	docs []corpusDoc
	err  error
}

// acceptedCorpusDocs runs every corpus case through its default flow and
// returns the canonical documents that were delivered: the input of the
// ERP mappings' conformance tests. kind filters by the canonical type's
// telltale field ("order": has totals.grand_total and lines; "return":
// totals.refund_total; "" everything).
func acceptedCorpusDocs(t *testing.T, kind string) []corpusDoc {
	t.Helper()
	accepted.once.Do(func() { accepted.docs, accepted.err = runAccepted(t) })
	if accepted.err != nil {
		t.Fatal(accepted.err)
	}
	var out []corpusDoc
	for _, d := range accepted.docs {
		switch kind {
		case "order":
			if _, ok := walk(d.Doc, "totals.grand_total"); !ok {
				continue
			}
		case "return":
			if _, ok := walk(d.Doc, "totals.refund_total"); !ok {
				continue
			}
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		t.Fatalf("no accepted corpus documents of kind %q", kind)
	}
	return out
}

func runAccepted(t *testing.T) ([]corpusDoc, error) {
	byVars := map[string]*engine.Evaluator{}
	var docs []corpusDoc
	for _, c := range allCorpusCases() {
		key := fmt.Sprint(c.Vars)
		ev := byVars[key]
		if ev == nil {
			cfg, w := loadDefaultFlows(t, c.Vars)
			var err error
			if ev, err = engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs}); err != nil {
				return nil, err
			}
			byVars[key] = ev
		}
		body, err := os.ReadFile(filepath.Join("testdata", "corpus", c.File))
		if err != nil {
			return nil, err
		}
		outs, _, err := ev.Eval(context.Background(), c.Flow, engine.Input{Body: body, Headers: c.Headers})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.File, err)
		}
		for i, o := range outs {
			doc, ok := o.Steps["canonical"].(map[string]any)
			if o.Outcome != engine.OutcomeDelivered || !ok {
				continue
			}
			name := c.File
			if len(outs) > 1 {
				name = fmt.Sprintf("%s#%d", c.File, i+1)
			}
			docs = append(docs, corpusDoc{Name: name, Flow: c.Flow, Doc: doc})
		}
	}
	return docs, nil
}

// TestAcceptedCorpusDocs: the ERP conformance tests have every channel's
// orders to work on.
func TestAcceptedCorpusDocs(t *testing.T) {
	channels := map[string]int{}
	for _, d := range acceptedCorpusDocs(t, "order") {
		ch, _ := d.Doc["channel"].(string)
		channels[ch]++
	}
	for _, ch := range []string{"shopify", "amazon", "amazon_vendor", "walmart", "bigcommerce", "adobe_commerce", "edi_x12"} {
		if channels[ch] == 0 {
			t.Errorf("no accepted %s order in the corpus (have %v)", ch, channels)
		}
	}
	t.Logf("accepted orders by channel: %v", channels)
}
