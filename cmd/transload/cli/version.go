package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and build information",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			version, revision, modified, built := "(devel)", "unknown", false, ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				if bi.Main.Version != "" {
					version = bi.Main.Version
				}
				for _, s := range bi.Settings {
					switch s.Key {
					case "vcs.revision":
						revision = s.Value
					case "vcs.modified":
						modified = s.Value == "true"
					case "vcs.time":
						built = s.Value
					}
				}
			}
			if modified {
				revision += " (modified)"
			}
			fmt.Fprintf(a.stdout, "transload %s\n  revision: %s\n", version, revision)
			if built != "" {
				fmt.Fprintf(a.stdout, "  commit time: %s\n", built)
			}
			fmt.Fprintf(a.stdout, "  go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
