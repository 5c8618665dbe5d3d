// Command custom-connector is transload with one more source type,
// "portal", which polls a B2B ordering portal: run it like transload.
//
//	go run ./examples/custom-connector run examples/custom-connector/flows --var portal_url=https://…
package main

import (
	"os"

	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/examples/custom-connector/portal"
)

func main() {
	os.Exit(cli.MainWith(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, wire.WithConnectors(portal.Register)))
}
