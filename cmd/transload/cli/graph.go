package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) graphCmd() *cobra.Command {
	var lf loadFlags
	var format string
	c := &cobra.Command{
		Use:   "graph [DIR] [FLOW]",
		Short: "Print the compiled execution graph",
		Long: `Graph prints the execution graph of the flows in DIR (default: flows), or of
one FLOW, in Graphviz dot (default) or Mermaid syntax: sources, each flow's
steps in order, the sinks they deliver to and the flows they route to.

  transload graph | dot -Tsvg > flows.svg`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			dir, flow := "flows", ""
			if len(args) > 0 {
				dir = args[0]
			}
			if len(args) > 1 {
				flow = args[1]
			}
			if format != "dot" && format != "mermaid" {
				return a.usageError(c, "--format must be dot or mermaid, not %q", format)
			}
			g, cfg, diags, err := a.load(c, dir, lf)
			if err != nil {
				return err
			}
			if diags.HasErrors() {
				a.printDiagnostics(cfg, diags)
				return errFailed
			}
			if flow != "" {
				if _, ok := cfg.Flows[flow]; !ok {
					fmt.Fprintf(a.stderr, "Error: there is no flow %q in %s.\n", flow, dir)
					return errFailed
				}
			}
			if format == "mermaid" {
				fmt.Fprint(a.stdout, g.Mermaid(flow))
			} else {
				fmt.Fprint(a.stdout, g.Dot(flow))
			}
			return nil
		},
	}
	lf.register(c)
	c.Flags().StringVar(&format, "format", "dot", "dot or mermaid")
	return c
}
