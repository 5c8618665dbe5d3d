// Package engine runs compiled flows: it builds the execution graph from a
// checked dsl.Config, and (with its subpackages connector and store) runs
// messages through it.
//
// The graph holds every flow as an inbox node fed by its sources, a chain
// of step nodes with their compiled programs and source ranges, and edges
// to the sinks and flows its routes and deliveries reach. Build orders it
// topologically and reports a cycle between flows as an error naming every
// node of the cycle, as the OpenTelemetry Collector does for pipelines.
//
// Imports: dsl and builtin (and the engine's own subpackages); never
// stdlib or cmd.
package engine
