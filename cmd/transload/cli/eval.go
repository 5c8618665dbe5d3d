package cli

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/transload/transload/engine"
)

func (a *app) evalCmd() *cobra.Command {
	var lf loadFlags
	var flow, input string
	var headers, deliveredBefore []string
	var watch bool
	c := &cobra.Command{
		Use:   "eval [DIR] --flow NAME --input FILE",
		Short: "Run one input through a flow, without side effects, and print what happens",
		Long: `Eval runs one input through the compiled flow NAME of DIR (default: flows)
and prints one JSON object per resulting document (JSON Lines):

  outcome      delivered, duplicate, filtered, aggregated, dead_letter or retry
  part         which document of the input, when it holds several
  steps        each step's output document, by step name
  deliveries   each delivery: sink (or flow), key, headers, body
  dead_letter  class, reason, step, message and range (file:line:col)

Nothing is sent anywhere: sinks are captured and nothing is written. Use
--input - to read stdin. This is the analyst's debugger; the format is
stable.

With --watch it stays open and runs again on every save of a flow file or
of the input, reprinting the result: a playground beside the editor.

--delivered-before SINK=REF shows what an update sends: the input's keys
count as completed before by an earlier version, delivered to SINK as REF
(the id the target gave it), as a flow test's delivered_before does.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "flows"
			if len(args) == 1 {
				dir = args[0]
			}
			if flow == "" || input == "" {
				return a.usageError(c, "--flow and --input are required")
			}
			var before map[string]string
			for _, p := range deliveredBefore {
				sink, ref, ok := strings.Cut(p, "=")
				if !ok || sink == "" {
					return a.usageError(c, "--delivered-before wants SINK=REF, got %q", p)
				}
				if before == nil {
					before = map[string]string{}
				}
				before[sink] = ref
			}
			hdrs := map[string]string{}
			for _, h := range headers {
				k, v, ok := strings.Cut(h, ":")
				if !ok {
					return a.usageError(c, "--header wants 'Name: value', got %q", h)
				}
				hdrs[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			once := func() error {
				var body []byte
				var err error
				if input == "-" {
					body, err = readAll(a.stdin)
				} else {
					body, err = os.ReadFile(input)
				}
				if err != nil {
					fmt.Fprintf(a.stderr, "Error: cannot read the input: %v\n", err)
					return errFailed
				}
				_, cfg, diags, err := a.load(c, dir, lf)
				if err != nil {
					return err
				}
				if diags.HasErrors() {
					a.printDiagnostics(cfg, diags)
					return errFailed
				}
				for sink := range before {
					if cfg.Sinks[sink] == nil {
						fmt.Fprintf(a.stderr, "Error: --delivered-before names sink %q, which the flows do not define (they define: %s)\n", sink, strings.Join(slices.Sorted(maps.Keys(cfg.Sinks)), ", "))
						return errFailed
					}
				}
				w, err := a.newWiring()
				if err != nil {
					return err
				}
				ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs, Connectors: w.Connectors, DeliveredBefore: before})
				if err != nil {
					fmt.Fprintf(a.stderr, "Error: %v\n", err)
					return errFailed
				}
				outcomes, _, err := ev.Eval(context.Background(), flow, engine.Input{Body: body, Headers: hdrs})
				if err != nil {
					fmt.Fprintf(a.stderr, "Error: %v\n", err)
					return errFailed
				}
				for _, o := range outcomes {
					b, err := o.JSON()
					if err != nil {
						return err
					}
					fmt.Fprintf(a.stdout, "%s\n", b)
				}
				return nil
			}
			if !watch {
				return once()
			}
			if input == "-" {
				return a.usageError(c, "--watch needs an --input file, not stdin")
			}
			return a.watchLoop(c.Context(), []string{dir, input}, once)
		},
	}
	lf.register(c)
	c.Flags().StringVar(&flow, "flow", "", "the flow to run")
	c.Flags().StringVar(&input, "input", "", "the input file (- for stdin)")
	c.Flags().StringArrayVar(&headers, "header", nil, "a message header: --header 'X-Shopify-Topic: orders/create' (repeatable)")
	c.Flags().BoolVar(&watch, "watch", false, "run again on every change of the flows or the input")
	c.Flags().StringArrayVar(&deliveredBefore, "delivered-before", nil, "SINK=REF: the keys were delivered before to SINK as REF, so the input runs as an update (repeatable)")
	return c
}
