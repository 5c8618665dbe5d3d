package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/transload/transload/dsl"
)

func (a *app) fmtCmd() *cobra.Command {
	var check bool
	c := &cobra.Command{
		Use:   "fmt [PATH]",
		Short: "Rewrite flow files in canonical format",
		Long: `Fmt rewrites the .hcl files at PATH (a file or a folder, searched
recursively; default: flows) in canonical format and prints the names of the
files it changed. With --check it changes nothing, prints the files that are
not formatted and exits with status 1 if there is any.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			path := "flows"
			if len(args) == 1 {
				path = args[0]
			}
			files, err := hclFiles(path)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			failed, unformatted := false, false
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					fmt.Fprintf(a.stderr, "Error: %v\n", err)
					failed = true
					continue
				}
				out, diags := dsl.Format(src, f)
				if diags.HasErrors() {
					a.printDiagnostics(nil, diags)
					failed = true
					continue
				}
				if bytes.Equal(out, src) {
					continue
				}
				unformatted = true
				fmt.Fprintln(a.stdout, f)
				if !check {
					if err := os.WriteFile(f, out, 0o644); err != nil {
						fmt.Fprintf(a.stderr, "Error: %v\n", err)
						failed = true
					}
				}
			}
			if failed || check && unformatted {
				return errFailed
			}
			return nil
		},
	}
	c.Flags().BoolVar(&check, "check", false, "only report files that are not formatted; exit 1 if any")
	return c
}

// hclFiles lists the .hcl files at path: the file itself, or every .hcl
// file below a folder, skipping hidden folders.
func hclFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != path && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".hcl") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}
