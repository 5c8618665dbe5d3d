package dsl

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
)

var flowSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "description"}, {Name: "priority"}, {Name: "schema"}, {Name: "format"}, {Name: "concurrency"}, {Name: "rejections_to"}},
	Blocks: func() []hcl.BlockHeaderSchema {
		bs := []hcl.BlockHeaderSchema{{Type: "source", LabelNames: []string{"type"}}}
		for _, k := range StepKinds {
			bs = append(bs, hcl.BlockHeaderSchema{Type: string(k), LabelNames: []string{"name"}})
		}
		return bs
	}(),
}

// DedupeResultType is the output of a dedupe step.
var DedupeResultType = builtin.ObjectType("transload.Dedupe",
	&builtin.Field{Name: "key", Type: builtin.StringType, Doc: "The idempotency key."},
	&builtin.Field{Name: "update", Type: builtin.BoolType, Doc: "True when the key was completed before with a different body and the step lets updates through."},
	&builtin.Field{Name: "refs", Type: builtin.MapOf(builtin.StringType), Doc: "What the earlier versions of this key were delivered as, by sink name: the id each sink's target gave the document (a Location, an id in the answer, the sink's ref_paths). An update names the document it changes with it. Empty the first time."},
)

// stepScope tracks what the steps of a flow see as they are decoded.
type stepScope struct {
	vars    []builtin.Var
	names   map[string]hcl.Range
	current string // the variable holding the current document
	curType *builtin.Type
	dedupe  string // the dedupe step, whose key is the business key
}

func (s *stepScope) add(name string, t *builtin.Type) {
	s.vars = append(s.vars, builtin.Var{Name: name, Type: t})
}

// decodeFlow decodes and compiles one flow: its settings, sources and
// steps in order, each step compiled against the input schema and the
// outputs of the steps before it.
func (l *loader) decodeFlow(fb flowBlock, static []builtin.Var) hcl.Diagnostics {
	fl, f := fb.flow, fb.file
	content, diags := fb.block.Body.Content(flowSchema)
	if !validName(fl.Name) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid flow name", Detail: nameRule, Subject: fb.block.LabelRanges[0].Ptr()})
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeString(a, nil, &fl.Description)...)
	}
	fl.Priority = PriorityNormal
	if a, ok := content.Attributes["priority"]; ok {
		var p string
		diags = append(diags, decodeString(a, nil, &p)...)
		switch p {
		case "critical":
			fl.Priority = PriorityCritical
		case "normal":
		case "bulk":
			fl.Priority = PriorityBulk
		default:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid priority", Detail: fmt.Sprintf("Priority must be \"critical\", \"normal\" or \"bulk\", not %q.", p), Subject: a.Expr.Range().Ptr()})
		}
	}
	fl.Concurrency = 64
	if a, ok := content.Attributes["concurrency"]; ok {
		v, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		n, acc := 0, false
		if !d.HasErrors() && v.Type() == cty.Number && !v.IsNull() {
			i, a := v.AsBigFloat().Int64()
			n, acc = int(i), a == 0
		}
		if !acc || n < 1 || n > 4096 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid concurrency", Detail: "concurrency is how many messages of the flow run at once: a whole number from 1 (strict arrival order) to 4096.", Subject: a.Expr.Range().Ptr()})
		} else {
			fl.Concurrency = n
		}
	}
	fl.Format = "json"
	if a, ok := content.Attributes["format"]; ok {
		// A format may follow a variable too: format = var.erp == "infor" ? "xml" : "json".
		l.noteVarRefs(a.Expr)
		diags = append(diags, decodeString(a, l.evalContext(f.dir), &fl.Format)...)
		if !contains(l.opts.Formats, fl.Format) {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown format", Detail: fmt.Sprintf("Format %q is not one of %s.", fl.Format, quoteList(l.opts.Formats)), Subject: a.Expr.Range().Ptr()})
		}
	}
	fl.rejectionsTo = content.Attributes["rejections_to"]
	if a, ok := content.Attributes["schema"]; ok {
		t, isAny, d := l.resolveType(a.Expr, f, "flows."+fl.Name+".input")
		diags = append(diags, d...)
		fl.Schema, fl.SchemaAny = t, isAny
		if isAny {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Input without a schema", Detail: fmt.Sprintf("Flow %q reads its input as any: field names in its expressions cannot be checked at load. Declare a schema (a type name or a JSON Schema file) to catch misspelled fields before they reach production.", fl.Name), Subject: a.Expr.Range().Ptr()})
		}
	} else {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing input schema", Detail: fmt.Sprintf("Flow %q must declare schema = <type>, a JSON Schema file, or schema = any (which the linter warns about).", fl.Name), Subject: fl.DeclRange.Ptr()})
	}
	if fl.Schema == nil {
		fl.Schema = builtin.AnyType
	}
	ctx := l.evalContext(f.dir)
	for _, b := range content.Blocks.OfType("source") {
		l.noteVarRefsBody(b.Body)
		src := &Source{Type: b.Labels[0], DeclRange: b.DefRange}
		spec, ok := l.opts.Connectors.SourceSpec(src.Type)
		if !ok {
			diags = append(diags, unknownKind("source", src.Type, l.opts.Connectors.SourceKinds(), b.LabelRanges[0]))
			continue
		}
		src.Spec = spec
		var d hcl.Diagnostics
		src.Config, _, d = spec.decode(b.Body, ctx, src.Type+" source", b.DefRange)
		diags = append(diags, d...)
		fl.Sources = append(fl.Sources, src)
	}

	sc := &stepScope{names: map[string]hcl.Range{}, current: VarInput, curType: fl.Schema}
	sc.vars = append(sc.vars,
		builtin.Var{Name: VarInput, Type: fl.Schema, Doc: "The decoded input document."},
		builtin.Var{Name: VarHeaders, Type: builtin.MapOf(builtin.StringType), Doc: "The message headers, lower-case names."},
		builtin.Var{Name: VarMeta, Type: MetaType, Doc: "Facts about the message."},
	)
	sc.vars = append(sc.vars, static...)
	var reads []string
	terminal := ""
	for _, b := range content.Blocks {
		if b.Type == "source" {
			continue
		}
		name := b.Labels[0]
		if terminal != "" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unreachable step", Detail: fmt.Sprintf("Step %q comes after route %q, which ends the flow: no message reaches it. Move it before the route, or into another flow the route sends to.", name, terminal), Subject: b.DefRange.Ptr()})
			continue
		}
		if contains(reservedNames, name) || !validName(name) {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid step name", Detail: fmt.Sprintf("Step names are identifiers (letters, digits, underscores) that expressions can use, and not one of %s.", quoteList(reservedNames)), Subject: b.LabelRanges[0].Ptr()})
			continue
		}
		if prev, dup := sc.names[name]; dup {
			diags = append(diags, duplicate("step", name, b.DefRange, prev))
			continue
		}
		sc.names[name] = b.DefRange
		step, d := l.decodeStep(fl, b, f, sc)
		diags = append(diags, d...)
		if step == nil {
			continue
		}
		fl.Steps = append(fl.Steps, step)
		for _, e := range step.exprs() {
			reads = append(reads, e.Program.Reads()...)
		}
		if step.Kind == StepRoute {
			terminal = name
		}
	}
	fl.hasSourceBlocks = len(content.Blocks.OfType("source")) > 0
	fl.Reads = inputReads(reads)
	return diags
}

// nameRule is the rule for the names of variables, sinks, flows and
// steps: expressions and references use them (sink.erp, vars.currency), so
// a dash, which HCL and CEL read as minus, is not allowed.
const nameRule = "A name must start with a letter and contain only letters, digits and underscores."

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !(letter || r == '_' && i > 0 || r >= '0' && r <= '9' && i > 0) {
			return false
		}
	}
	return true
}

// inputReads keeps the input paths of the reads; nil means the whole input
// is read (an expression uses input itself).
func inputReads(reads []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range reads {
		if r == VarInput {
			return nil
		}
		if strings.HasPrefix(r, VarInput+".") && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func unknownKind(what, kind string, kinds []string, r hcl.Range) *hcl.Diagnostic {
	detail := fmt.Sprintf("There is no %s type %q. Types: %s.", what, kind, quoteList(kinds))
	if s := builtin.Suggest(kind, kinds); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown " + what + " type", Detail: detail, Subject: r.Ptr()}
}

// exprs lists every compiled expression of the step.
func (s *Step) exprs() []*Expr {
	var out []*Expr
	add := func(es ...*Expr) {
		for _, e := range es {
			if e != nil {
				out = append(out, e)
			}
		}
	}
	addDeliver := func(d *Deliver) {
		if d == nil {
			return
		}
		add(d.Body, d.Key)
		for _, e := range d.Headers {
			add(e)
		}
		for _, m := range d.SinkExprs {
			for _, e := range m {
				add(e)
			}
		}
	}
	switch {
	case s.Dedupe != nil:
		add(s.Dedupe.Key)
	case s.Map != nil:
		add(s.Map.From)
		// The mapping's own expressions read the flow's input when the
		// step applies it to input (no from); with from, from's reads say
		// what the mapping gets.
		if m := s.Map.Mapping; m != nil && (s.Map.OwnScope || s.Map.From == nil) {
			add(m.Value)
			walkNodes(m.Fields, func(n *FieldNode) { add(n.Expr) })
		}
	case s.enrich != nil:
		add(s.enrich.From)
		walkNodes(s.enrich.Fields, func(n *FieldNode) { add(n.Expr) })
	case s.Validate != nil:
		for _, r := range s.Validate.Rules {
			add(r.Condition, r.Detail)
		}
	case s.Route != nil:
		add(s.Route.Body)
		for _, c := range append(append([]*RouteCase{}, s.Route.Cases...), s.Route.Default) {
			if c == nil {
				continue
			}
			add(c.When)
			for _, t := range c.Targets {
				addDeliver(t.Deliver)
			}
		}
	case s.Split != nil:
		add(s.Split.Items, s.Split.Key)
	case s.Aggregate != nil:
		add(s.Aggregate.Key, s.Aggregate.Item)
	case s.Deliver != nil:
		add(s.Deliver.When)
		addDeliver(s.Deliver)
	}
	return out
}

func walkNodes(n *FieldNode, fn func(*FieldNode)) {
	if n == nil {
		return
	}
	fn(n)
	for _, c := range n.Children {
		walkNodes(c, fn)
	}
}

// Duration is a time span written as "720h", "30s" or "7d" in a flow.
type Duration time.Duration

func parseDuration(a *hcl.Attribute, out *Duration) hcl.Diagnostics {
	var s string
	if d := decodeString(a, nil, &s); d.HasErrors() {
		return d
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		d, err = time.ParseDuration(days + "h")
		d *= 24
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid duration", Detail: fmt.Sprintf("%q is not a positive duration such as \"30s\", \"15m\", \"720h\" or \"30d\".", s), Subject: a.Expr.Range().Ptr()}}
	}
	*out = Duration(d)
	return nil
}
