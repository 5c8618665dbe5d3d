// Package connector is the plugin API for sources, sinks and codecs.
//
// A connector type registers as a value (SourceFactory, SinkFactory): its
// type name, its settings spec (which is also its documentation and its
// linter) and a constructor, as Benthos components do. Registries are
// explicit values built in cmd, never init() side effects, so each test
// builds exactly the registry it needs and a reload can never see a
// half-registered plugin.
//
// Failures are types, not strings: RetryableError and PermanentError from
// sinks, BackpressureError from the ingress.
//
// Imports: dsl (for config specs), builtin, and the standard library.
package connector
