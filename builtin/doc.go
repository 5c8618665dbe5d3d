// Package builtin is the API for the functions flow expressions call, and
// the two expression dialects that call them.
//
// An engineer adds a function by declaring it once (Function: name, doc,
// overloads with native implementations, examples, cost) inside a named,
// versioned Library, and registering the library in a Registry. Env turns a
// registry and a set of named types (input schemas, the canonical model)
// into compile environments for CEL (the default dialect) and expr. Both
// dialects see the same functions from that one declaration; a conformance
// table in the tests holds them to the same results.
//
// Values have one native representation whatever the dialect (see Kind):
// documents are map[string]any, numbers that may be money are Decimal, never
// float64. Money and Quantity carry their currency and unit of measure.
//
// Expressions are sandboxed: the worst-case cost of a CEL expression is
// estimated at load and rejected above Limits.MaxCost, evaluation stops at
// the same limit, and no builtin may do I/O.
//
// CEL expressions of the common mapping shapes (fields, builtin calls,
// concatenation, list and map literals, list.map) are also compiled to a
// native evaluator (native.go), which CEL checks and backs: anything it
// cannot answer exactly as the interpreter would goes to the interpreter.
// Building with the tag nativecheck runs both on every evaluation and
// panics where they differ.
//
// Imports: cel-go and expr only. Nothing in this module imports it back
// except through the layout rule enforced by tests/layout_test.go.
package builtin
