package tests

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/transload/transload/cmd/transload/cli"
)

func TestMain(m *testing.M) {
	// The crash test runs this binary as `transload` in child processes.
	if os.Getenv("TRANSLOAD_TEST_MAIN") == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	// The ingress benchmarks run each server in a child process.
	if os.Getenv(ingressServeEnv) != "" {
		os.Exit(serveIngressChild())
	}
	testscript.Main(m, map[string]func(){
		"transload": func() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestCLI runs the txtar scripts in testdata/script: each runs transload
// commands in a fresh folder and checks their output and exit status.
func TestCLI(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			return nil
		},
	})
}
