package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/store"
)

// diffInput is one payload both versions run.
type diffInput struct {
	name    string
	body    []byte
	headers map[string]string
}

func (a *app) diffCmd() *cobra.Command {
	var flow, inputs string
	var useDLQ, asJSON bool
	var df dlqFlags
	var lf loadFlags
	c := &cobra.Command{
		Use:   "diff OLD_DIR NEW_DIR --flow NAME --inputs PATH",
		Short: "Run two versions of a flow over the same payloads and show what changes",
		Long: `Diff loads the flows of OLD_DIR and NEW_DIR, runs every payload of --inputs (a
file or a folder of files; with --dead-letters, the dead letters of the flow
in --data) through flow NAME of both, and prints, per input, every field of
every step output and delivery that changed: its path, its old and its new
value. A delivery to another flow is followed: what that flow makes of the
document shows under "then" (deliveries[0].then.deliveries[0].body…), so
an edit of an ERP mapping shows in a diff of the channel flow that feeds it. A summary follows. Nothing is sent anywhere. --var and --table apply
to both versions (--var erp=oracle diffs the Oracle documents).

The exit status is 1 when anything differs, for CI gates: this is the
shadow check before a cutover.`,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			if flow == "" || inputs == "" && !useDLQ {
				return a.usageError(c, "--flow and --inputs (or --dead-letters) are required")
			}
			vars, bad := parseVars(lf.vars)
			if bad != "" {
				return a.usageError(c, "--var wants NAME=VALUE, got %q", bad)
			}
			tables, bad := parseAssignments(lf.tables)
			if bad != "" {
				return a.usageError(c, "--table wants NAME=FILE, got %q", bad)
			}
			var ins []diffInput
			var err error
			if useDLQ {
				ins, err = a.deadLetterInputs(&df, flow)
			} else {
				ins, err = fileInputs(inputs)
			}
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			w, err := a.newWiring()
			if err != nil {
				return err
			}
			var evs [2]*engine.Evaluator
			var cfgs [2]*dsl.Config
			for i, dir := range args {
				cfg, diags := dsl.Load(dir, w.LoadOptions(vars, tables))
				cfgs[i] = cfg
				if diags.HasErrors() {
					a.printDiagnostics(cfg, diags)
					return errFailed
				}
				if cfg.Flows[flow] == nil {
					fmt.Fprintf(a.stderr, "Error: %s has no flow %q\n", dir, flow)
					return errFailed
				}
				if evs[i], err = engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, Connectors: w.Connectors, Now: func() time.Time { return dsl.DefaultTestClock }}); err != nil {
					fmt.Fprintf(a.stderr, "Error: %v\n", err)
					return errFailed
				}
			}
			type result struct {
				Input   string          `json:"input"`
				Changes []engine.Change `json:"changes"`
			}
			var results []result
			changed, fields := 0, 0
			for _, in := range ins {
				var docs [2]map[string]any
				for i, ev := range evs {
					d, err := evalChain(ev, cfgs[i], flow, engine.Input{Body: in.body, Headers: in.headers, ID: "m_diff"}, 0)
					if err != nil {
						fmt.Fprintf(a.stderr, "Error: %s: %v\n", in.name, err)
						return errFailed
					}
					docs[i] = d
				}
				ch := engine.DiffDocs(docs[0], docs[1])
				results = append(results, result{Input: in.name, Changes: ch})
				if len(ch) > 0 {
					changed++
					fields += len(ch)
				}
				if asJSON {
					continue
				}
				if len(ch) == 0 {
					fmt.Fprintf(a.stdout, "%s: no change\n", in.name)
					continue
				}
				fmt.Fprintf(a.stdout, "%s: %d field(s) changed\n", in.name, len(ch))
				for _, x := range ch {
					fmt.Fprintf(a.stdout, "  %s: %s → %s\n", x.Path, orAbsent(x.Old), orAbsent(x.New))
				}
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				_ = enc.Encode(map[string]any{"inputs": len(ins), "changed": changed, "fields": fields, "results": results})
			} else {
				fmt.Fprintf(a.stdout, "Summary: %d input(s), %d changed, %d unchanged; %d field(s) differ.\n", len(ins), changed, len(ins)-changed, fields)
			}
			if changed > 0 {
				return errFailed
			}
			return nil
		},
	}
	c.Flags().StringVar(&flow, "flow", "", "the flow to compare")
	c.Flags().StringVar(&inputs, "inputs", "", "a payload file or a folder of payloads")
	c.Flags().BoolVar(&useDLQ, "dead-letters", false, "use the flow's dead letters (from --data) as the inputs")
	c.Flags().StringVar(&df.data, "data", ".transload", "the data directory, for --dead-letters")
	c.Flags().StringVar(&df.addr, "addr", "", "the admin API of a running transload, for --dead-letters (default: the address it recorded in the data directory, else 127.0.0.1:8080)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	lf.register(c)
	return c
}

// maxChain bounds how deep diff follows deliveries from flow to flow.
const maxChain = 8

// evalChain runs in through flow and, for each delivery to another flow,
// that flow with the delivered document, as a running engine would: an
// edit of the ERP mapping shows in a diff of the channel flow that feeds
// it. What it returns is what diff compares.
func evalChain(ev *engine.Evaluator, cfg *dsl.Config, flow string, in engine.Input, depth int) (map[string]any, error) {
	outs, _, err := ev.Eval(context.Background(), flow, in)
	if err != nil {
		return nil, err
	}
	return outcomeDoc(outs, func(x *engine.DeliveryRecord) (map[string]any, error) {
		if x.Flow == "" || depth >= maxChain {
			return nil, nil
		}
		var body []byte
		raw, isRaw := x.Body.(string)
		if target := cfg.Flows[x.Flow]; isRaw && target != nil && target.Format != "" && target.Format != "json" {
			// A body forwarded as it came (rejections_to): an X12
			// interchange, say, not a JSON document.
			body = []byte(raw)
		} else if body, err = builtin.AppendJSON(nil, x.Body); err != nil {
			return nil, fmt.Errorf("the delivery to flow %s: %w", x.Flow, err)
		}
		return evalChain(ev, cfg, x.Flow, engine.Input{Body: body, Headers: x.Headers, ID: in.ID}, depth+1)
	})
}

// outcomeDoc is what diff compares: per document, its outcome, dead
// letter reason, step outputs and deliveries; a delivery to another flow
// carries, under "then", what that flow made of it (follow).
func outcomeDoc(outs []*engine.Outcome, follow func(*engine.DeliveryRecord) (map[string]any, error)) (map[string]any, error) {
	docs := make([]any, len(outs))
	for i, o := range outs {
		d := map[string]any{"outcome": o.Outcome, "steps": o.Steps}
		if o.DeadLetter != nil {
			d["dead_letter"] = map[string]any{"reason": o.DeadLetter.Reason, "step": o.DeadLetter.Step, "message": o.DeadLetter.Message}
		}
		var dels []any
		for _, x := range o.Deliveries {
			target := x.Sink
			if target == "" {
				target = "flow:" + x.Flow
			}
			del := map[string]any{"to": target, "key": x.Key, "body": x.Body}
			then, err := follow(&x)
			if err != nil {
				return nil, err
			}
			if then != nil {
				del["then"] = then
			}
			dels = append(dels, del)
		}
		d["deliveries"] = dels
		docs[i] = d
	}
	if len(docs) == 1 {
		return docs[0].(map[string]any), nil
	}
	out := map[string]any{}
	for i, d := range docs {
		out["document_"+strconv.Itoa(i+1)] = d
	}
	return out, nil
}

func fileInputs(path string) ([]diffInput, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, err
		}
		files = nil
		for _, e := range entries {
			if !e.IsDir() && e.Name()[0] != '.' {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		sort.Strings(files)
	}
	var out []diffInput
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, diffInput{name: filepath.Base(f), body: b})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no payloads in %s", path)
	}
	return out, nil
}

func (a *app) deadLetterInputs(df *dlqFlags, flow string) ([]diffInput, error) {
	b, err := a.backend(df)
	if err != nil {
		return nil, err
	}
	defer b.close()
	list, err := b.list(context.Background(), store.DeadLetterFilter{Flow: flow})
	if err != nil {
		return nil, err
	}
	var out []diffInput
	for _, d := range list {
		out = append(out, diffInput{name: d.ID + " (" + d.Reason + ")", body: d.Envelope.Body, headers: d.Envelope.Headers})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("flow %s has no dead letters in %s", flow, df.data)
	}
	return out, nil
}
