package tests

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

// Temporary: runs the Walmart cases against a flows dir holding only the
// shared settings and the Walmart flows, while other flows are in progress.
func TestZZWalmartTmp(t *testing.T) {
	dir := os.Getenv("WALMART_FLOWS")
	if dir == "" {
		t.Skip()
	}
	run := func(cases []corpusCase) {
		for _, c := range cases {
			t.Run(c.File, func(t *testing.T) {
				w, _ := wire.New()
				cfg, diags := dsl.Load(dir, w.LoadOptions(c.Vars, nil))
				if diags.HasErrors() {
					for _, d := range diags {
						t.Log(d.Error())
					}
					t.Fatal("load")
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
	run(walmartCorpusCases())
	run(walmartEdgeCases())
}
