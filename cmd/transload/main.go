// Command transload is the integration engine's CLI: it runs flows, and
// gives analysts the commands they use while editing them.
package main

import (
	"os"

	"github.com/transload/transload/cmd/transload/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
