package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

// corpusCase is one corpus payload run through a default flow, with the
// facts expected of each resulting document, worked out by reading the
// payload and the vendor's documentation (not by running the code).
type corpusCase struct {
	// File is the payload, relative to testdata/corpus.
	File string
	Flow string
	// Headers are the message headers (a Shopify topic, say).
	Headers map[string]string
	// Vars override flow variables (unknown_sku = "each").
	Vars map[string]string
	// Want has one entry per resulting document, in order. Keys:
	//   outcome, reason       the outcome and dead letter reason
	//   <path>                a dotted path into the canonical document
	//                         ("id", "totals.grand_total.amount",
	//                         "lines.0.sku"), compared with its canonical
	//                         JSON text without quotes
	//   #<path>               the length of a list ("#lines")
	//   base_quantity         Σ base_quantity.value over open lines,
	//                         "<value> <uom>"
	Want []map[string]string
}

// loadDefaultFlows loads the repository's flows/ folder with everything
// that ships.
func loadDefaultFlows(t *testing.T, vars map[string]string) (*dsl.Config, *wire.Set) {
	t.Helper()
	w, err := wire.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg, diags := dsl.Load(filepath.Join("..", "flows"), w.LoadOptions(vars, nil))
	if diags.HasErrors() {
		for _, d := range diags {
			t.Log(d.Error())
		}
		t.Fatal("the default flows do not load")
	}
	return cfg, w
}

// runCorpus runs each case through its flow with the evaluator (no side
// effects) and checks the facts.
func runCorpus(t *testing.T, cases []corpusCase) {
	t.Helper()
	base, w := loadDefaultFlows(t, nil)
	for _, c := range cases {
		t.Run(c.File, func(t *testing.T) {
			cfg := base
			if len(c.Vars) > 0 {
				cfg, _ = loadDefaultFlows(t, c.Vars)
			}
			body, err := os.ReadFile(filepath.Join("testdata", "corpus", c.File))
			if err != nil {
				t.Fatal(err)
			}
			ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
			if err != nil {
				t.Fatal(err)
			}
			outs, _, err := ev.Eval(context.Background(), c.Flow, engine.Input{Body: body, Headers: c.Headers})
			if err != nil {
				t.Fatal(err)
			}
			if len(outs) != len(c.Want) {
				t.Fatalf("%d documents, want %d:\n%s", len(outs), len(c.Want), dumpOutcomes(outs))
			}
			for i, want := range c.Want {
				checkFacts(t, i, outs[i], want)
			}
		})
	}
}

func dumpOutcomes(outs []*engine.Outcome) string {
	var b strings.Builder
	for _, o := range outs {
		j, _ := o.JSON()
		b.Write(j)
		b.WriteString("\n")
	}
	return b.String()
}

func checkFacts(t *testing.T, i int, o *engine.Outcome, want map[string]string) {
	t.Helper()
	doc := o.Steps["canonical"]
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var got string
		switch {
		case k == "outcome":
			got = o.Outcome
		case k == "reason":
			if o.DeadLetter != nil {
				got = o.DeadLetter.Reason
			}
		case k == "base_quantity":
			got = baseQuantity(doc)
		case strings.HasPrefix(k, "#"):
			v, ok := walk(doc, k[1:])
			l, isList := v.([]any)
			if ok && isList {
				got = strconv.Itoa(len(l))
			} else {
				got = "<not a list>"
			}
		default:
			v, ok := walk(doc, k)
			if !ok {
				got = "<missing>"
			} else {
				got = strings.Trim(builtin.Format(v), `"`)
			}
		}
		if got != want[k] {
			j, _ := o.JSON()
			t.Errorf("document %d: %s = %q, want %q\n%s", i+1, k, got, want[k], j)
		}
	}
}

// walk follows a dotted path ("lines.0.sku") into a native document.
func walk(v any, path string) (any, bool) {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[p]; !ok {
				return nil, false
			}
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(x) {
				return nil, false
			}
			v = x[n]
		case builtin.Money:
			switch p {
			case "amount":
				v = x.Amount
			case "currency":
				v = x.Currency
			default:
				return nil, false
			}
		case builtin.Quantity:
			switch p {
			case "value":
				v = x.Value
			case "uom":
				v = x.UOM
			default:
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return v, true
}

// baseQuantity sums base_quantity over the open lines: "<value> <uom>",
// or "mixed" when the units differ.
func baseQuantity(doc any) string {
	lines, _ := walk(doc, "lines")
	list, _ := lines.([]any)
	sum := builtin.DecimalFromInt(0)
	uom := ""
	for _, l := range list {
		line, _ := l.(map[string]any)
		if line["status"] == "cancelled" {
			continue
		}
		q, ok := line["base_quantity"].(builtin.Quantity)
		if !ok {
			return "<missing>"
		}
		if uom != "" && q.UOM != uom {
			return "mixed"
		}
		uom = q.UOM
		sum, _ = sum.Add(q.Value)
	}
	return fmt.Sprintf("%s %s", sum.Reduce(), uom)
}
