package cli

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

// loadFlags are the flags of every command that loads flows.
type loadFlags struct {
	vars   []string
	tables []string
}

func (f *loadFlags) register(c *cobra.Command) {
	c.Flags().StringArrayVar(&f.vars, "var", nil, "set a variable: --var NAME=VALUE (repeatable)")
	c.Flags().StringArrayVar(&f.tables, "table", nil, "replace a table's CSV file: --table NAME=FILE (repeatable)")
}

// load loads and compiles the flows in dir into the execution graph.
func (a *app) load(c *cobra.Command, dir string, f loadFlags) (*engine.Graph, *dsl.Config, hcl.Diagnostics, error) {
	vars, bad := parseVars(f.vars)
	if bad != "" {
		return nil, nil, nil, a.usageError(c, "--var wants NAME=VALUE, got %q", bad)
	}
	tables, bad := parseAssignments(f.tables)
	if bad != "" {
		return nil, nil, nil, a.usageError(c, "--table wants NAME=FILE, got %q", bad)
	}
	w, err := a.newWiring()
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, diags := dsl.Load(dir, w.LoadOptions(vars, tables))
	if diags.HasErrors() {
		return nil, cfg, diags, nil
	}
	g, gd := engine.Build(cfg)
	diags = append(diags, gd...)
	return g, cfg, diags, nil
}

func (a *app) printDiagnostics(cfg *dsl.Config, diags hcl.Diagnostics) {
	var files map[string]*hcl.File
	if cfg != nil {
		files = cfg.Files
	}
	_ = dsl.WriteDiagnostics(a.stderr, files, diags, 100, a.color)
}

func (a *app) validateCmd() *cobra.Command {
	var lf loadFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check flow files and print every problem found",
		Long: `Validate loads every flow file in DIR (default: flows), type-checks every
expression against the input schemas, checks every reference, and builds
the execution graph. It prints all problems at once, each with its file,
line and column, and exits with status 1 if there is any error.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "flows"
			if len(args) == 1 {
				dir = args[0]
			}
			_, cfg, diags, err := a.load(c, dir, lf)
			if err != nil {
				return err
			}
			if asJSON {
				var files map[string]*hcl.File
				if cfg != nil {
					files = cfg.Files
				}
				if err := dsl.WriteDiagnosticsJSON(a.stdout, files, diags); err != nil {
					return err
				}
			} else {
				a.printDiagnostics(cfg, diags)
			}
			if diags.HasErrors() {
				if !asJSON {
					fmt.Fprintf(a.stderr, "%d error(s), %d warning(s).\n", len(diags.Errs()), len(diags)-len(diags.Errs()))
				}
				return errFailed
			}
			if !asJSON {
				fmt.Fprintf(a.stdout, "Success! %d flow(s), %d sink(s), %d mapping(s) are valid.\n", len(cfg.Flows), len(cfg.Sinks), len(cfg.Mappings))
			}
			return nil
		},
	}
	lf.register(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON (for editors and CI)")
	return c
}
