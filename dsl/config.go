package dsl

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
)

// Config is a loaded, checked set of flow files: everything the engine
// needs to build and run the execution graph. Every expression in it is
// compiled; every reference is resolved.
type Config struct {
	// Dir is the folder the flows were loaded from.
	Dir string
	// Files are the parsed sources, for rendering diagnostics.
	Files map[string]*hcl.File
	// Sources holds every file of the flows folder the load read (flow
	// files, schemas, tables) by path relative to the folder: a snapshot
	// from which this version can be loaded again (replays on a pinned
	// version).
	Sources map[string][]byte
	// Version identifies this load: a hash of every file's bytes and the
	// variable values, so two loads of the same text have the same version.
	Version string

	Variables map[string]*Variable
	Locals    map[string]cty.Value
	Tables    map[string]*Table
	Sinks     map[string]*Sink
	Mappings  map[string]*Mapping
	Flows     map[string]*Flow
	// Types are the named types expressions were checked against.
	Types *builtin.Types
	// Env is the compile environment the expressions were compiled in.
	Env *builtin.Env

	// Static holds the values every expression sees as vars, locals and
	// tables; the engine binds it into each evaluation.
	Static *builtin.Vars
}

// Variable is an input variable: `variable "erp" { type = string ... }`.
type Variable struct {
	Name        string
	Description string
	Type        cty.Type
	Default     cty.Value
	Sensitive   bool
	Value       cty.Value
	DeclRange   hcl.Range
}

// Table is a lookup table loaded from CSV.
type Table struct {
	Name      string
	File      string
	Key       string
	Table     *builtin.Table
	DeclRange hcl.Range
}

// Sink is a destination shared by flows: an ERP account, a folder, stdout.
type Sink struct {
	Name string
	// Type is the connector kind: "http", "file", "stdout".
	Type string
	// Config holds the connector's static settings, checked against its spec.
	Config cty.Value
	// Exprs are settings whose values are per-message expressions (headers
	// from the document, say), compiled in the scope of each step that
	// delivers to the sink; keyed by attribute name, then by map key for map
	// attributes ("" for a plain attribute).
	Exprs map[string]map[string]*hcl.Attribute
	Spec  *ConfigSpec
	// Policy is the engine's retry, breaker, rate and concurrency policy.
	Policy    Policy
	DeclRange hcl.Range
}

// Priority says which flows are served first under a backlog.
type Priority int

// The priorities. Higher values are served first, but never exclusively:
// the runner gives every lane a share so that none starves.
const (
	PriorityBulk Priority = iota
	PriorityNormal
	PriorityCritical
)

func (p Priority) String() string {
	switch p {
	case PriorityCritical:
		return "critical"
	case PriorityBulk:
		return "bulk"
	}
	return "normal"
}

// Flow is one event pipeline: sources, an input schema, and steps.
type Flow struct {
	Name        string
	Description string
	Priority    Priority
	// Concurrency is how many of the flow's messages run at once; 1 keeps
	// strict arrival order (inventory levels, where the last must win).
	Concurrency int
	Dialect     builtin.Dialect
	// Format is the input codec name ("json", "xml", "csv", "x12").
	Format string
	// Schema is the type of the decoded input.
	Schema *builtin.Type
	// SchemaAny is true when the flow declared `schema = any`.
	SchemaAny bool
	Sources   []*Source
	Steps     []*Step
	// Reads lists the input paths the flow's expressions read, for
	// projected decoding; nil means the whole input is needed.
	Reads []string
	// RejectionsTo is the flow (rejections_to = flow.NAME) that gets the
	// original body of every message whose decode rejected a document (a
	// codec error such as an X12 envelope or syntax error), once per
	// message, besides the dead letters; "" when not set.
	RejectionsTo string
	DeclRange    hcl.Range

	hasSourceBlocks bool
	// rejectionsTo is the rejections_to attribute, resolved once every
	// flow is decoded (the target's format must be known).
	rejectionsTo *hcl.Attribute
}

// Source is where a flow's events come from.
type Source struct {
	Type      string
	Config    cty.Value
	Spec      *ConfigSpec
	DeclRange hcl.Range
}

// StepKind is the kind of a step.
type StepKind string

// The step kinds.
const (
	StepDedupe    StepKind = "dedupe"
	StepMap       StepKind = "map"
	StepValidate  StepKind = "validate"
	StepEnrich    StepKind = "enrich"
	StepRoute     StepKind = "route"
	StepSplit     StepKind = "split"
	StepAggregate StepKind = "aggregate"
	StepCall      StepKind = "call"
	StepDeliver   StepKind = "deliver"
)

// StepKinds lists every step kind in the order the docs present them.
var StepKinds = []StepKind{StepDedupe, StepMap, StepValidate, StepEnrich, StepRoute, StepSplit, StepAggregate, StepCall, StepDeliver}

// Step is one node of a flow. Which fields are set depends on Kind.
type Step struct {
	Kind StepKind
	Name string
	// Output is the type of the step's output document, visible to later
	// steps under the step's name; nil for steps that output nothing.
	Output *builtin.Type

	Dedupe    *Dedupe
	Map       *MapStep
	Validate  *Validate
	Route     *Route
	Split     *Split
	Aggregate *Aggregate
	Deliver   *Deliver // also used by call

	enrich    *Enrich
	DeclRange hcl.Range
}

// Expr is a compiled expression with where it was written.
type Expr struct {
	Program *builtin.Program
	Range   hcl.Range
	// Src is the expression text as written (after heredoc trimming).
	Src string
	// pos maps a line:col inside Src to the file position.
	pos *srcMap
}

// Pos converts a position inside the expression (as reported by
// builtin.EvalError) to a position in the flow file.
func (e *Expr) Pos(line, col int) hcl.Pos {
	if e == nil || e.pos == nil || line < 1 {
		if e == nil {
			return hcl.Pos{}
		}
		return e.Range.Start
	}
	return e.pos.pos(line, col)
}

// Dedupe ends a message whose key was already completed.
type Dedupe struct {
	Key *Expr
	TTL Duration
	// OnChange says what happens when a completed key arrives again with a
	// different body: "dead_letter" (DUPLICATE_CONFLICT) or "update".
	OnChange string
}

// MapStep builds a document field by field.
type MapStep struct {
	// From is the document the mapping reads as input (default: input).
	From *Expr
	// Mapping is the compiled mapping, with this step's overrides merged.
	Mapping *Mapping
	// OwnScope is true when the fields are the step's own, compiled in the
	// step's scope (they read input, headers, meta and earlier steps);
	// false when the step applies a named mapping to From.
	OwnScope bool
}

// Validate checks rules against the message.
type Validate struct {
	Rules []*Rule
}

// Rule is one validation rule.
type Rule struct {
	Name      string
	Condition *Expr
	Message   string
	Detail    *Expr
	Reason    string
	// Class is "business" (to the workbench, no retry) or "technical".
	Class     string
	DeclRange hcl.Range
}

// Route sends the message to sinks or other flows.
type Route struct {
	// All: every matching case fires; otherwise the first match wins.
	All     bool
	Body    *Expr
	Cases   []*RouteCase
	Default *RouteCase
}

// RouteCase is one case of a route.
type RouteCase struct {
	Name      string
	When      *Expr // nil for the default case
	Targets   []Target
	DeclRange hcl.Range
}

// Target is a sink or a flow a route sends to.
type Target struct {
	// Kind is "sink" or "flow".
	Kind  string
	Name  string
	Range hcl.Range
	// Deliver is the delivery to a sink, with its key, body and headers.
	Deliver *Deliver
}

// Split runs the following steps once per element of a list.
type Split struct {
	Items *Expr
	Key   *Expr
}

// Aggregate gathers messages into batches.
type Aggregate struct {
	Key      *Expr
	MaxItems int
	MaxWait  Duration
	Item     *Expr
}

// Deliver hands a document to a sink (deliver), or asks a system and uses
// its answer (call).
type Deliver struct {
	Sink *Sink
	// When, on a call or deliver step, runs the step only when it holds:
	// a system that is not configured yet (url = "") is left out instead
	// of failing every message. A skipped call answers {} (read its
	// fields with has()). Nil: always.
	When *Expr
	Body *Expr
	// Key is the business key of the ledger: the same key never produces a
	// second document in the sink.
	Key *Expr
	// WholeBody (per_part = false) uses Key as is in a message whose body
	// holds several documents (the sets of an X12 interchange, a split's
	// elements) and that has no dedupe key: its parts share the key, and
	// the first of them delivers the document (a TA1 answers an
	// interchange once, whatever sets it holds). Otherwise the key is
	// suffixed with the part, so that two parts never share one.
	WholeBody bool
	Headers   map[string]*Expr
	// SinkExprs are the sink's per-message settings compiled for this
	// delivery, by attribute then map key.
	SinkExprs map[string]map[string]*Expr
	// Response is the type of the response document; AnyType when not
	// declared.
	Response *builtin.Type
}

// BodyType is the checked type of the delivered document, nil when the
// checker does not know it.
func (d *Deliver) BodyType() *builtin.Type {
	if d == nil || d.Body == nil || d.Body.Program == nil {
		return nil
	}
	return d.Body.Program.Type
}
