// Command custom-builtin is transload with one more builtin library,
// acme.gs1: run it like transload.
//
//	go run ./examples/custom-builtin run examples/custom-builtin/flows
//	go run ./examples/custom-builtin test examples/custom-builtin/flows
package main

import (
	"os"

	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/examples/custom-builtin/gs1"
)

func main() {
	os.Exit(cli.MainWith(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, wire.WithLibraries(gs1.Library())))
}
