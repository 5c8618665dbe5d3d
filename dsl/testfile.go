package dsl

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/transload/transload/builtin"
)

// TestSuite is the flow tests of a folder: the run blocks of its
// *.flowtest.hcl files, each compiled against the flows it tests.
type TestSuite struct {
	Files map[string]*hcl.File
	Runs  []*TestRun
}

// TestRun is one `run` block: an input sent through a flow, with mocks,
// a fixed clock and variables, and what must be true afterwards.
type TestRun struct {
	Name string
	File string
	// Config is the flows as loaded for this run's variables and tables.
	Config  *Config
	Flow    *Flow
	Input   []byte
	Headers map[string]string
	// DeliveredBefore makes the run an update: its keys were completed
	// before by an earlier version, delivered to these sinks with these
	// refs (sink name → ref).
	DeliveredBefore map[string]string
	// Clock is the fixed time of the run (zero: a fixed default).
	Clock   time.Time
	Mocks   map[string]*Mock
	Asserts []*Assert
	// ExpectDeadLetter is the reason code the run must dead-letter with.
	ExpectDeadLetter string
	// ExpectOutcome is the outcome the (first) document must have.
	ExpectOutcome string
	Goldens       []*Golden
	DeclRange     hcl.Range
}

// Mock is a sink's canned answer in a test.
type Mock struct {
	Sink       string
	Status     int
	Body       any
	RetryAfter time.Duration
	Latency    time.Duration
	// Times limits the mock to the first n calls, after which the sink
	// answers 200 (a failure that recovers); 0 means every call.
	Times     int
	DeclRange hcl.Range
}

// Assert is one assertion: a CEL condition over the run's result.
type Assert struct {
	Condition *Expr
	Message   string
	DeclRange hcl.Range
}

// Golden compares a step's output with a file of canonical JSON.
type Golden struct {
	Step      string
	File      string
	Want      []byte
	DeclRange hcl.Range
}

// TestVarNames are the variables assertions read.
var TestVarNames = []string{"steps", "deliveries", "dead_letter", "outcome", "outcomes", "input"}

// DeliveryType is the type of one entry of `deliveries` in assertions.
var DeliveryType = builtin.ObjectType("transload.test.Delivery",
	&builtin.Field{Name: "sink", Type: builtin.StringType, Doc: "The sink, for a delivery to a sink."},
	&builtin.Field{Name: "flow", Type: builtin.StringType, Doc: "The flow, for a route to another flow."},
	&builtin.Field{Name: "key", Type: builtin.StringType, Doc: "The business key."},
	&builtin.Field{Name: "headers", Type: builtin.MapOf(builtin.StringType), Doc: "The headers from the step's expressions."},
	&builtin.Field{Name: "body", Type: builtin.AnyType, Doc: "The document delivered."},
	&builtin.Field{Name: "skipped", Type: builtin.BoolType, Doc: "The ledger had it delivered already."},
	&builtin.Field{Name: "update", Type: builtin.BoolType, Doc: "Sent as an update of the document an earlier version of the key made."},
	&builtin.Field{Name: "ref", Type: builtin.StringType, Doc: "The id the (mock) answer gave the document, as the sink reads it (ref_paths, or the answer's id): what the ledger records."},
	&builtin.Field{Name: "response", Type: builtin.AnyType, Doc: "What the (mock) sink answered."},
)

// DeadLetterType is the type of `dead_letter` in assertions.
var DeadLetterType = builtin.ObjectType("transload.test.DeadLetter",
	&builtin.Field{Name: "class", Type: builtin.StringType},
	&builtin.Field{Name: "reason", Type: builtin.StringType},
	&builtin.Field{Name: "step", Type: builtin.StringType},
	&builtin.Field{Name: "message", Type: builtin.StringType},
	&builtin.Field{Name: "range", Type: builtin.StringType},
)

var testFileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "run", LabelNames: []string{"name"}}}}

var runSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "flow", Required: true}, {Name: "input", Required: true}, {Name: "headers"}, {Name: "variables"},
		{Name: "tables"}, {Name: "clock"}, {Name: "expect_dead_letter"}, {Name: "expect_outcome"}, {Name: "delivered_before"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "mock", LabelNames: []string{"sink"}}, {Type: "assert"}, {Type: "golden", LabelNames: []string{"step"}}},
}

var mockSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "status"}, {Name: "body"}, {Name: "retry_after"}, {Name: "latency"}, {Name: "times"}}}
var assertSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message"}}}
var goldenSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "file", Required: true}}}

// DefaultTestClock is the clock of a run that sets none.
var DefaultTestClock = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// LoadTests loads the *.flowtest.hcl files of dir and compiles each run
// against the flows of dir, loaded with the run's variables and tables
// (loads with the same settings are shared). A mistyped assertion, an
// unknown field, a missing input file or a mock for an unknown sink is an
// error with its position, never a silent pass.
func LoadTests(dir string, opts Options) (*TestSuite, hcl.Diagnostics) {
	names, err := filepath.Glob(filepath.Join(dir, "*"+FlowTestSuffix))
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot list test files", Detail: err.Error()}}
	}
	sort.Strings(names)
	suite := &TestSuite{Files: map[string]*hcl.File{}}
	parser := hclparse.NewParser()
	configs := map[string]*Config{}
	var diags hcl.Diagnostics
	for _, name := range names {
		f, d := parser.ParseHCLFile(name)
		diags = append(diags, d...)
		if f == nil || d.HasErrors() {
			continue
		}
		suite.Files[name] = f
		content, d := f.Body.Content(testFileSchema)
		diags = append(diags, d...)
		for _, b := range content.Blocks {
			run, d := decodeRun(b, name, dir, opts, configs)
			diags = append(diags, d...)
			if run != nil {
				suite.Runs = append(suite.Runs, run)
			}
		}
	}
	for _, cfg := range configs {
		for k, v := range cfg.Files {
			suite.Files[k] = v
		}
	}
	return suite, diags
}

// testEvalContext evaluates static values in test files: file() relative
// to the test file, and the helpers of flow files (jsonencode for inline
// inputs, jsondecode and merge to vary a payload).
func testEvalContext(dir string) *hcl.EvalContext {
	fs := helperFunctions()
	fs["file"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := os.ReadFile(filepath.Join(dir, args[0].AsString()))
			if err != nil {
				return cty.NilVal, fmt.Errorf("cannot read %q: %v", args[0].AsString(), unwrapPathErr(err))
			}
			return cty.StringVal(string(b)), nil
		},
	})
	return &hcl.EvalContext{Functions: fs}
}

func decodeRun(b *hcl.Block, file, dir string, opts Options, configs map[string]*Config) (*TestRun, hcl.Diagnostics) {
	content, diags := b.Body.Content(runSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	run := &TestRun{Name: b.Labels[0], File: file, DeclRange: b.DefRange, Mocks: map[string]*Mock{}, Clock: DefaultTestClock}
	ctx := testEvalContext(filepath.Dir(file))
	stringMap := func(a *hcl.Attribute) map[string]string {
		if a == nil {
			return nil
		}
		v, d := a.Expr.Value(ctx)
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil
		}
		m, err := convert.Convert(v, cty.Map(cty.String))
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value", Detail: fmt.Sprintf("%s must be a map of strings.", a.Name), Subject: a.Expr.Range().Ptr()})
			return nil
		}
		out := map[string]string{}
		for k, v := range m.AsValueMap() {
			out[k] = v.AsString()
		}
		return out
	}
	flowName := refString(content.Attributes["flow"].Expr)
	if k, n, ok := refName(content.Attributes["flow"].Expr); ok && k == "flow" {
		flowName = n
	}
	var input string
	diags = append(diags, decodeString(content.Attributes["input"], ctx, &input)...)
	run.Input = []byte(input)
	run.Headers = stringMap(content.Attributes["headers"])
	run.DeliveredBefore = stringMap(content.Attributes["delivered_before"])
	vars := stringMap(content.Attributes["variables"])
	tables := stringMap(content.Attributes["tables"])
	for k, v := range tables {
		if !filepath.IsAbs(v) {
			tables[k] = filepath.Join(filepath.Dir(file), v)
		}
	}
	if a := content.Attributes["clock"]; a != nil {
		var s string
		diags = append(diags, decodeString(a, nil, &s)...)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid clock", Detail: fmt.Sprintf("clock must be an RFC 3339 time such as 2026-11-27T10:00:00Z, not %q.", s), Subject: a.Expr.Range().Ptr()})
		}
		run.Clock = t
	}
	for name, out := range map[string]*string{"expect_dead_letter": &run.ExpectDeadLetter, "expect_outcome": &run.ExpectOutcome} {
		if a := content.Attributes[name]; a != nil {
			diags = append(diags, decodeString(a, nil, out)...)
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	// The flows, loaded for this run's variables and tables.
	key := fmt.Sprint(sortedPairs(vars), sortedPairs(tables))
	cfg, ok := configs[key]
	if !ok {
		o := opts
		o.Vars, o.Tables = mergeStrings(opts.Vars, vars), mergeStrings(opts.Tables, tables)
		var d hcl.Diagnostics
		cfg, d = Load(dir, o)
		if d.HasErrors() {
			return nil, append(diags, append(d, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Flows do not load", Detail: fmt.Sprintf("Run %q needs the flows of %s, which have errors with its variables.", run.Name, dir), Subject: b.DefRange.Ptr()})...)
		}
		configs[key] = cfg
	}
	run.Config = cfg
	run.Flow = cfg.Flows[flowName]
	if run.Flow == nil {
		return nil, append(diags, undefinedTarget("flow", flowName, sortedKeys(cfg.Flows), content.Attributes["flow"].Expr.Range()))
	}
	for _, sink := range sortedKeys(run.DeliveredBefore) {
		if cfg.Sinks[sink] == nil {
			d := undefinedTarget("sink", sink, sortedKeys(cfg.Sinks), content.Attributes["delivered_before"].Expr.Range())
			d.Summary = "delivered_before names an unknown sink"
			diags = append(diags, d)
		}
	}
	for _, mb := range content.Blocks.OfType("mock") {
		m, d := decodeMock(mb, cfg, ctx)
		diags = append(diags, d...)
		if m != nil {
			run.Mocks[m.Sink] = m
		}
	}
	for _, gb := range content.Blocks.OfType("golden") {
		gc, d := gb.Body.Content(goldenSchema)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		g := &Golden{Step: gb.Labels[0], DeclRange: gb.DefRange}
		diags = append(diags, decodeString(gc.Attributes["file"], nil, &g.File)...)
		if !hasStep(run.Flow, g.Step) {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown step", Detail: fmt.Sprintf("Flow %s has no step %q.", run.Flow.Name, g.Step), Subject: gb.LabelRanges[0].Ptr()})
			continue
		}
		b, err := os.ReadFile(filepath.Join(filepath.Dir(file), g.File))
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read golden file", Detail: upperFirst(unwrapPathErr(err).Error()) + ".", Subject: gc.Attributes["file"].Expr.Range().Ptr()})
			continue
		}
		g.Want = b
		run.Goldens = append(run.Goldens, g)
	}
	asserts := content.Blocks.OfType("assert")
	if len(asserts) > 0 {
		scope, err := cfg.Env.Scope(testVars(cfg, run.Flow), nil)
		if err != nil {
			return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot build scope", Detail: err.Error(), Subject: b.DefRange.Ptr()})
		}
		src, _ := os.ReadFile(file)
		c := &compiler{scope: scope, dialect: builtin.CEL, src: func(string) []byte { return src }}
		for _, ab := range asserts {
			ac, d := ab.Body.Content(assertSchema)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			a := &Assert{DeclRange: ab.DefRange}
			e, d := c.compile(ac.Attributes["condition"].Expr, builtin.BoolType)
			diags = append(diags, d...)
			a.Condition = e
			if m := ac.Attributes["error_message"]; m != nil {
				diags = append(diags, decodeString(m, nil, &a.Message)...)
			}
			if e != nil {
				run.Asserts = append(run.Asserts, a)
			}
		}
	}
	if len(asserts) == 0 && run.ExpectDeadLetter == "" && run.ExpectOutcome == "" && len(content.Blocks.OfType("golden")) == 0 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Run without expectations", Detail: "A run must say what it expects: assert blocks, expect_outcome, expect_dead_letter or golden blocks; otherwise it cannot fail.", Subject: b.DefRange.Ptr()})
	}
	return run, diags
}

func hasStep(f *Flow, name string) bool {
	for _, s := range f.Steps {
		if s.Name == name {
			return true
		}
	}
	return false
}

func decodeMock(b *hcl.Block, cfg *Config, ctx *hcl.EvalContext) (*Mock, hcl.Diagnostics) {
	m := &Mock{Sink: b.Labels[0], Status: 200, DeclRange: b.DefRange}
	if cfg.Sinks[m.Sink] == nil {
		d := undefinedTarget("sink", m.Sink, sortedKeys(cfg.Sinks), b.LabelRanges[0])
		d.Summary = "Mock for an unknown sink"
		return nil, hcl.Diagnostics{d}
	}
	content, diags := b.Body.Content(mockSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	if a := content.Attributes["status"]; a != nil {
		v, d := a.Expr.Value(ctx)
		diags = append(diags, d...)
		if !d.HasErrors() {
			n, ok := ctyToNative(v).(int64)
			if !ok || n < 100 || n > 599 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid status", Detail: "status is an HTTP status code from 100 to 599.", Subject: a.Expr.Range().Ptr()})
			}
			m.Status = int(n)
		}
	}
	if a := content.Attributes["body"]; a != nil {
		v, d := a.Expr.Value(ctx)
		diags = append(diags, d...)
		m.Body = ctyToNative(v)
	}
	for name, out := range map[string]*time.Duration{"retry_after": &m.RetryAfter, "latency": &m.Latency} {
		if a := content.Attributes[name]; a != nil {
			var d Duration
			diags = append(diags, parseDuration(a, &d)...)
			*out = time.Duration(d)
		}
	}
	if a := content.Attributes["times"]; a != nil {
		v, d := a.Expr.Value(ctx)
		diags = append(diags, d...)
		if n, ok := ctyToNative(v).(int64); ok && n > 0 {
			m.Times = int(n)
		} else {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid times", Detail: "times is a positive whole number of calls.", Subject: a.Expr.Range().Ptr()})
		}
	}
	return m, diags
}

// testVars are the variables of assertions: the flow's input, its steps'
// outputs, the deliveries, the dead letter and the outcome.
func testVars(cfg *Config, f *Flow) []builtin.Var {
	var fields []*builtin.Field
	for _, s := range f.Steps {
		if s.Output != nil {
			fields = append(fields, &builtin.Field{Name: s.Name, Type: s.Output})
		}
	}
	stepsType := builtin.ObjectType("transload.test."+f.Name+".steps", fields...)
	_ = cfg.Types.Add(stepsType)
	_ = cfg.Types.Add(DeliveryType)
	_ = cfg.Types.Add(DeadLetterType)
	vars := []builtin.Var{
		{Name: "steps", Type: stepsType, Doc: "Each step's output document, by step name."},
		{Name: "deliveries", Type: builtin.ListOf(DeliveryType), Doc: "The deliveries, in order."},
		{Name: "dead_letter", Type: DeadLetterType, Doc: "The dead letter, when there is one (test with has(dead_letter.reason))."},
		{Name: "outcome", Type: builtin.StringType, Doc: "delivered, duplicate, filtered, aggregated, dead_letter or retry."},
		{Name: "outcomes", Type: builtin.ListOf(builtin.AnyType), Doc: "Every document's outcome, for inputs that hold several."},
		{Name: "input", Type: f.Schema, Doc: "The decoded input."},
	}
	return append(vars, builtin.Var{Name: VarVars, Type: cfg.Types.Lookup("transload.vars")}, builtin.Var{Name: VarTables, Type: cfg.Types.Lookup("transload.tables")})
}

func sortedPairs(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func mergeStrings(a, b map[string]string) map[string]string {
	if len(b) == 0 {
		return a
	}
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestFiles lists the *.flowtest.hcl files of dir.
func TestFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir {
			return filepath.SkipDir
		}
		if strings.HasSuffix(p, FlowTestSuffix) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
