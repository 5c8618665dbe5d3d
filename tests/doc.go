// Package tests holds the end-to-end tests: CLI scripts (testscript, as
// CUE does), crash and fault tests, corpus conformance and the benchmarks
// that compare Transload with hand-written Go in one run.
//
// Imports: everything.
package tests
