// Package cli implements the transload command line. It is the one place
// that wires the shipped libraries, types, modules, codecs and connectors
// into explicit registries (wiring.go) and hands them to the engine.
//
// Exit codes: 0 success, 1 a problem with the flows or the data (the
// diagnostics say what), 2 wrong usage of the command itself.
//
// Imports: everything.
package cli
