package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/transload/transload/cmd/transload/wire"
)

// exitError carries an exit code out of a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// errFailed is returned by commands that already printed what went wrong.
var errFailed = exitError{code: 1}

// Main runs the CLI with args and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return MainWith(args, stdin, stdout, stderr)
}

// MainWith is Main with extensions: a transload binary of your own, with
// your builtin libraries or connectors, is
//
//	func main() {
//		os.Exit(cli.MainWith(os.Args[1:], os.Stdin, os.Stdout, os.Stderr,
//			wire.WithLibraries(mylib.Library())))
//	}
func MainWith(args []string, stdin io.Reader, stdout, stderr io.Writer, ext ...wire.Option) int {
	root := newRoot(stdin, stdout, stderr, ext)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(stderr, "Error: %v\nRun 'transload --help' for usage.\n", err)
		return 2
	}
}

// app holds what every command shares.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	color          bool
	// ext are the extensions every command's registries get.
	ext []wire.Option
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer, ext []wire.Option) *cobra.Command {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, color: isTerminal(stderr), ext: ext}
	root := &cobra.Command{
		Use:   "transload",
		Short: "The integration engine that connects sales channels to ERPs",
		Long: `Transload moves orders, refunds, inventory and shipments between sales
channels (Shopify, Amazon, Walmart, BigCommerce, Adobe Commerce, EDI X12)
and ERPs, as flows written in HCL with CEL expressions.

Start with:
  transload run           run the flows in ./flows with the embedded store
  transload validate      check the flows and print every problem found`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().BoolVar(&a.color, "color", a.color, "color diagnostics (default: when stderr is a terminal)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		fmt.Fprintf(stderr, "Error: %v\n\n%s", err, c.UsageString())
		return exitError{code: 2}
	})
	root.AddCommand(
		a.runCmd(),
		a.evalCmd(),
		a.testCmd(),
		a.recordCmd(),
		a.diffCmd(),
		a.docsCmd(),
		a.dlqCmd(),
		a.countersCmd(),
		a.backupCmd(),
		a.restoreCmd(),
		a.validateCmd(),
		a.fmtCmd(),
		a.graphCmd(),
		a.versionCmd(),
	)
	return root
}

// usageError reports a wrong use of a command: exit status 2.
func (a *app) usageError(c *cobra.Command, format string, args ...any) error {
	fmt.Fprintf(a.stderr, "Error: %s\n\n%s", fmt.Sprintf(format, args...), c.UsageString())
	return exitError{code: 2}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
