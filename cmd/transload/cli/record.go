package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

func (a *app) recordCmd() *cobra.Command {
	var flow, input, deadLetter, name string
	var headers []string
	var df dlqFlags
	c := &cobra.Command{
		Use:   "record [DIR] --flow NAME --input FILE | --dead-letter ID",
		Short: "Turn an input or a dead letter into a flow test with the current outputs as expected",
		Long: `Record runs an input (a captured payload, or the message of a dead letter
from the data directory) through its flow, and appends a run block to
DIR/<flow>.flowtest.hcl that expects what happens now: the outcome, the
dead letter's reason, the deliveries, and each step's output as a golden
file under DIR/testdata/. Review it, then commit it: the test pins today's
behaviour, so a later change that alters it fails.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "flows"
			if len(args) == 1 {
				dir = args[0]
			}
			hdrs := map[string]string{}
			for _, h := range headers {
				k, v, ok := strings.Cut(h, ":")
				if !ok {
					return a.usageError(c, "--header wants 'Name: value', got %q", h)
				}
				hdrs[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			var body []byte
			switch {
			case deadLetter != "":
				b, err := a.backend(&df)
				if err != nil {
					fmt.Fprintf(a.stderr, "Error: %v\n", err)
					return errFailed
				}
				dl, err := b.get(context.Background(), deadLetter)
				b.close()
				if err != nil {
					fmt.Fprintf(a.stderr, "Error: dead letter %s: %v\n", deadLetter, err)
					return errFailed
				}
				body, flow = dl.Envelope.Body, dl.Envelope.Flow
				for k, v := range dl.Envelope.Headers {
					if !strings.HasPrefix(k, "x-transload-") {
						hdrs[k] = redactHeader(k, v)
					}
				}
				if name == "" {
					name = fmt.Sprintf("dead letter %s (%s)", dl.ID, dl.Reason)
				}
			case input != "" && flow != "":
				var err error
				if body, err = os.ReadFile(input); err != nil {
					fmt.Fprintf(a.stderr, "Error: %v\n", err)
					return errFailed
				}
				if name == "" {
					name = strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))
				}
			default:
				return a.usageError(c, "give --flow and --input, or --dead-letter")
			}
			w, err := a.newWiring()
			if err != nil {
				return err
			}
			cfg, diags := dsl.Load(dir, w.LoadOptions(nil, nil))
			if diags.HasErrors() {
				a.printDiagnostics(cfg, diags)
				return errFailed
			}
			ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, Connectors: w.Connectors, Now: func() time.Time { return dsl.DefaultTestClock }})
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			outs, _, err := ev.Eval(context.Background(), flow, engine.Input{Body: body, Headers: hdrs})
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			file, err := writeRecording(dir, flow, name, body, hdrs, outs)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			fmt.Fprintf(a.stdout, "recorded %q in %s (%s); review it, then run: transload test %s\n", name, file, outs[0].Outcome, dir)
			return nil
		},
	}
	c.Flags().StringVar(&flow, "flow", "", "the flow")
	c.Flags().StringVar(&input, "input", "", "the captured input file")
	c.Flags().StringVar(&deadLetter, "dead-letter", "", "the id of a dead letter to record")
	c.Flags().StringVar(&name, "name", "", "the test's name")
	c.Flags().StringArrayVar(&headers, "header", nil, "a header: --header 'X-Shopify-Topic: orders/create'")
	c.Flags().StringVar(&df.data, "data", ".transload", "the data directory, for --dead-letter")
	c.Flags().StringVar(&df.addr, "addr", "", "the admin API of a running transload, for --dead-letter (default: the address it recorded in the data directory, else 127.0.0.1:8080)")
	return c
}

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(slugRE.ReplaceAllString(strings.ToLower(s), "_"), "_")
	if len(s) > 60 {
		s = s[:60]
	}
	if s == "" {
		s = "recorded"
	}
	return s
}

// writeRecording writes the input and the golden files under
// dir/testdata and appends the run block to dir/<flow>.flowtest.hcl.
func writeRecording(dir, flow, name string, body []byte, headers map[string]string, outs []*engine.Outcome) (string, error) {
	td := filepath.Join(dir, "testdata")
	if err := os.MkdirAll(td, 0o755); err != nil {
		return "", err
	}
	base := flow + "." + slug(name)
	inputRel := filepath.ToSlash(filepath.Join("testdata", base+".input"+extOf(body)))
	if err := os.WriteFile(filepath.Join(dir, inputRel), body, 0o644); err != nil {
		return "", err
	}
	f := hclwrite.NewEmptyFile()
	run := f.Body().AppendNewBlock("run", []string{name}).Body()
	run.SetAttributeValue("flow", cty.StringVal(flow))
	run.SetAttributeRaw("input", hclwrite.TokensForFunctionCall("file", hclwrite.TokensForValue(cty.StringVal(inputRel))))
	if len(headers) > 0 {
		m := map[string]cty.Value{}
		for k, v := range headers {
			m[k] = cty.StringVal(v)
		}
		run.SetAttributeValue("headers", cty.MapVal(m))
	}
	first := outs[0]
	if first.DeadLetter != nil {
		run.SetAttributeValue("expect_dead_letter", cty.StringVal(first.DeadLetter.Reason))
	} else {
		run.SetAttributeValue("expect_outcome", cty.StringVal(first.Outcome))
	}
	steps := make([]string, 0, len(first.Steps))
	for s := range first.Steps {
		steps = append(steps, s)
	}
	sort.Strings(steps)
	for _, s := range steps {
		if _, isDedupe := first.Steps[s].(map[string]any)["update"]; isDedupe && len(first.Steps[s].(map[string]any)) == 2 {
			continue // a dedupe step's key says nothing a test needs to pin
		}
		b, err := builtin.AppendJSON(nil, first.Steps[s])
		if err != nil {
			return "", err
		}
		rel := filepath.ToSlash(filepath.Join("testdata", base+"."+s+".json"))
		if err := os.WriteFile(filepath.Join(dir, rel), append(b, '\n'), 0o644); err != nil {
			return "", err
		}
		run.AppendNewline()
		run.AppendNewBlock("golden", []string{s}).Body().SetAttributeValue("file", cty.StringVal(rel))
	}
	var sinks []string
	for _, d := range first.Deliveries {
		if d.Sink != "" {
			sinks = append(sinks, "'"+d.Sink+"'")
		} else {
			sinks = append(sinks, "'flow:"+d.Flow+"'")
		}
	}
	run.AppendNewline()
	cond := fmt.Sprintf("deliveries.map(d, has(d.sink) ? d.sink : 'flow:' + d.flow) == [%s]", strings.Join(sinks, ", "))
	ab := run.AppendNewBlock("assert", nil).Body()
	ab.SetAttributeValue("condition", cty.StringVal(cond))
	ab.SetAttributeValue("error_message", cty.StringVal("the deliveries changed"))
	file := filepath.Join(dir, flow+dsl.FlowTestSuffix)
	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return "", err
	}
	out := old
	if len(out) > 0 && !strings.HasSuffix(string(out), "\n\n") {
		out = append(out, '\n')
	}
	out = append(out, hclwrite.Format(f.Bytes())...)
	return file, os.WriteFile(file, out, 0o644)
}

func extOf(body []byte) string {
	s := strings.TrimSpace(string(body))
	switch {
	case strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["):
		return ".json"
	case strings.HasPrefix(s, "<"):
		return ".xml"
	case strings.HasPrefix(strings.TrimPrefix(s, "\ufeff"), "ISA"):
		return ".edi"
	}
	return ".txt"
}
