package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/transload/transload/cmd/transload/docgen"
)

func (a *app) docsCmd() *cobra.Command {
	var check bool
	var root string
	c := &cobra.Command{
		Use:   "docs",
		Short: "Generate the reference docs (builtins, connectors, canonical model) from the code",
		Long: `Docs writes docs/builtins.md, docs/connectors.md, docs/model.md and the JSON
Schemas of the canonical model (docs/schema/) from the declarations of the
functions, the connectors' settings specs and the model itself. With --check
it writes nothing and exits with status 1 when a file is out of date.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			w, err := a.newWiring()
			if err != nil {
				return err
			}
			files, err := docgen.Generate(w)
			if err != nil {
				return err
			}
			paths := make([]string, 0, len(files))
			for p := range files {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			stale := 0
			for _, p := range paths {
				full := filepath.Join(root, p)
				old, _ := os.ReadFile(full)
				if bytes.Equal(old, files[p]) {
					continue
				}
				stale++
				fmt.Fprintln(a.stdout, p)
				if check {
					continue
				}
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(full, files[p], 0o644); err != nil {
					return err
				}
			}
			if check && stale > 0 {
				fmt.Fprintf(a.stderr, "%d generated doc(s) are out of date: run transload docs\n", stale)
				return errFailed
			}
			return nil
		},
	}
	c.Flags().BoolVar(&check, "check", false, "write nothing; exit 1 if a generated file is out of date")
	c.Flags().StringVar(&root, "root", ".", "the repository root")
	return c
}
