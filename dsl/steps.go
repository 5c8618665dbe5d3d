package dsl

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
)

// Enrich adds or replaces fields of an existing document, keeping the rest.
type Enrich struct {
	From   *Expr
	Fields *FieldNode
}

// Eval applies the step to the message's variables.
func (e *Enrich) Eval(vars *builtin.Vars) (any, error) {
	base, err := e.From.Eval(vars)
	if err != nil {
		return nil, err
	}
	return overlay(base, e.Fields, vars)
}

func overlay(base any, n *FieldNode, vars *builtin.Vars) (any, error) {
	src, _ := base.(map[string]any)
	out := make(map[string]any, len(src)+len(n.Children))
	for k, v := range src {
		out[k] = v
	}
	for _, c := range n.Children {
		var v any
		var err error
		switch {
		case c.Expr != nil:
			if v, err = c.Expr.Program.Eval(vars); err != nil {
				return nil, c.Expr.wrap(err, c.Path)
			}
		case c.IsConst:
			v = c.Const
		default:
			if v, err = overlay(out[c.Name], c, vars); err != nil {
				return nil, err
			}
		}
		if v == nil {
			delete(out, c.Name)
		} else {
			out[c.Name] = v
		}
	}
	return out, nil
}

// Eval runs the map step: a module mapping applied to From, or the step's
// own fields evaluated in the step's scope.
func (m *MapStep) Eval(vars *builtin.Vars) (any, error) {
	if !m.OwnScope {
		var in any
		if m.From != nil {
			v, err := m.From.Eval(vars)
			if err != nil {
				return nil, err
			}
			in = v
		} else {
			in, _ = vars.Get(VarInput)
		}
		return m.Mapping.Apply(in)
	}
	return m.Mapping.Eval(vars)
}

func (l *loader) stepScope(sc *stepScope) (*compiler, hcl.Diagnostics) {
	scope, err := l.stepEnv().Scope(sc.vars, nil)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot build scope", Detail: err.Error()}}
	}
	return &compiler{scope: scope, src: l.source}, nil
}

var (
	dedupeSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "key", Required: true}, {Name: "ttl"}, {Name: "on_change"}}}
	mapSchema      = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "mapping"}, {Name: "from"}, {Name: "output"}, {Name: "fields"}, {Name: "value"}}}
	enrichSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "from"}, {Name: "fields", Required: true}}}
	validateSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "rule", LabelNames: []string{"name"}}}}
	ruleSchema     = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "message", Required: true}, {Name: "detail"}, {Name: "reason"}, {Name: "class"}}}
	routeSchema    = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "mode"}, {Name: "body"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "case", LabelNames: []string{"name"}}, {Type: "default"}},
	}
	caseSchema      = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "when", Required: true}, {Name: "to", Required: true}}}
	defaultSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "to", Required: true}}}
	splitSchema     = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "items", Required: true}, {Name: "key"}}}
	aggregateSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "key", Required: true}, {Name: "item"}, {Name: "max_items", Required: true}, {Name: "max_wait", Required: true}}}
	deliverSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "sink", Required: true}, {Name: "body"}, {Name: "key"}, {Name: "per_part"}, {Name: "headers"}, {Name: "response"}, {Name: "when"}}}
)

// stepEnv is the environment of step scopes: the one declaring the
// mappings, once they are compiled.
func (l *loader) stepEnv() *builtin.Env {
	if l.fnEnv != nil {
		return l.fnEnv
	}
	return l.env
}

// decodeStep decodes and compiles one step and adds its output to the scope.
func (l *loader) decodeStep(fl *Flow, b *hcl.Block, f *parsedFile, sc *stepScope) (*Step, hcl.Diagnostics) {
	c, diags := l.stepScope(sc)
	if diags.HasErrors() {
		return nil, diags
	}
	c.dialect = fl.Dialect
	step := &Step{Kind: StepKind(b.Type), Name: b.Labels[0], DeclRange: b.DefRange}
	compile := func(a *hcl.Attribute, want *builtin.Type) *Expr {
		if a == nil {
			return nil
		}
		e, d := c.compile(a.Expr, want)
		diags = append(diags, d...)
		l.noteReads(e)
		return e
	}
	current := func(r hcl.Range) *Expr {
		e, d := c.compileText(r, sc.current, nil, sc.curType)
		diags = append(diags, d...)
		return e
	}
	content := func(s *hcl.BodySchema) *hcl.BodyContent {
		ct, d := b.Body.Content(s)
		diags = append(diags, d...)
		return ct
	}
	switch step.Kind {
	case StepDedupe:
		ct := content(dedupeSchema)
		d := &Dedupe{Key: compile(ct.Attributes["key"], builtin.StringType), TTL: Duration(30 * 24 * 3600 * 1e9), OnChange: "dead_letter"}
		if a := ct.Attributes["ttl"]; a != nil {
			diags = append(diags, parseDuration(a, &d.TTL)...)
		}
		if a := ct.Attributes["on_change"]; a != nil {
			diags = append(diags, decodeString(a, nil, &d.OnChange)...)
			if d.OnChange != "dead_letter" && d.OnChange != "update" {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid on_change", Detail: fmt.Sprintf("on_change must be \"dead_letter\" (a DUPLICATE_CONFLICT dead letter) or \"update\" (continue, with %s.update true), not %q.", step.Name, d.OnChange), Subject: a.Expr.Range().Ptr()})
			}
		}
		step.Dedupe, step.Output = d, DedupeResultType
		sc.add(step.Name, step.Output)
		sc.dedupe = step.Name

	case StepMap:
		ct := content(mapSchema)
		ms, d := l.decodeMapStep(fl, step, ct, f, c, sc)
		diags = append(diags, d...)
		if ms == nil {
			return nil, diags
		}
		step.Map, step.Output = ms, ms.Mapping.Output
		sc.add(step.Name, step.Output)
		sc.current, sc.curType = step.Name, step.Output

	case StepEnrich:
		ct := content(enrichSchema)
		en := &Enrich{}
		var fromType *builtin.Type
		if a := ct.Attributes["from"]; a != nil {
			en.From = compile(a, nil)
			if en.From != nil {
				fromType = en.From.Program.Type
			}
		} else {
			en.From, fromType = current(b.DefRange), sc.curType
		}
		if fromType != nil && fromType.Kind != builtin.KindObject && fromType.Kind != builtin.KindAny && fromType.Kind != builtin.KindMap {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot enrich", Detail: fmt.Sprintf("Enrich adds fields to an object; the document has type %s.", fromType), Subject: b.DefRange.Ptr()})
			fromType = nil
		}
		en.Fields = &FieldNode{Type: fromType}
		if a := ct.Attributes["fields"]; a != nil {
			diags = append(diags, l.decodeFields(en.Fields, a.Expr, fromType, "", c)...)
			walkNodes(en.Fields, func(n *FieldNode) { l.noteReads(n.Expr) })
		}
		step.Output = fromType
		if step.Output == nil {
			step.Output = builtin.AnyType
		}
		step.Map = nil
		step.enrich = en
		sc.add(step.Name, step.Output)
		sc.current, sc.curType = step.Name, step.Output

	case StepValidate:
		ct := content(validateSchema)
		v := &Validate{}
		for _, rb := range ct.Blocks {
			rc, d := rb.Body.Content(ruleSchema)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			r := &Rule{Name: rb.Labels[0], Reason: "VALIDATION_FAILED", Class: "business", DeclRange: rb.DefRange}
			r.Condition = compile(rc.Attributes["condition"], builtin.BoolType)
			diags = append(diags, decodeString(rc.Attributes["message"], nil, &r.Message)...)
			r.Detail = compile(rc.Attributes["detail"], builtin.StringType)
			if a := rc.Attributes["reason"]; a != nil {
				diags = append(diags, decodeString(a, nil, &r.Reason)...)
				if !reasonCode(r.Reason) {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reason code", Detail: fmt.Sprintf("Reason codes are UPPER_SNAKE_CASE words such as TOTALS_MISMATCH; %q is not.", r.Reason), Subject: a.Expr.Range().Ptr()})
				}
			}
			if a := rc.Attributes["class"]; a != nil {
				diags = append(diags, decodeString(a, nil, &r.Class)...)
				if r.Class != "business" && r.Class != "technical" {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid class", Detail: fmt.Sprintf("class must be \"business\" (fixed by people, never retried) or \"technical\", not %q.", r.Class), Subject: a.Expr.Range().Ptr()})
				}
			}
			v.Rules = append(v.Rules, r)
		}
		if len(v.Rules) == 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Validate without rules", Detail: "Add at least one rule \"name\" { condition = \"…\", message = \"…\" } block.", Subject: b.DefRange.Ptr()})
		}
		step.Validate = v

	case StepRoute:
		ct := content(routeSchema)
		rt := &Route{}
		if a := ct.Attributes["mode"]; a != nil {
			var mode string
			diags = append(diags, decodeString(a, nil, &mode)...)
			switch mode {
			case "first":
			case "all":
				rt.All = true
			default:
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid route mode", Detail: fmt.Sprintf("mode must be \"first\" (the first matching case) or \"all\" (every matching case), not %q.", mode), Subject: a.Expr.Range().Ptr()})
			}
		}
		bodyType := sc.curType
		if a := ct.Attributes["body"]; a != nil {
			rt.Body = compile(a, nil)
			if rt.Body != nil {
				bodyType = rt.Body.Program.Type
			}
		} else {
			rt.Body = current(b.DefRange)
		}
		for _, cb := range ct.Blocks {
			rc := &RouteCase{DeclRange: cb.DefRange}
			var cc *hcl.BodyContent
			var d hcl.Diagnostics
			if cb.Type == "default" {
				if rt.Default != nil {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate default", Detail: "A route has at most one default block.", Subject: cb.DefRange.Ptr()})
					continue
				}
				cc, d = cb.Body.Content(defaultSchema)
				rc.Name = "default"
				rt.Default = rc
			} else {
				cc, d = cb.Body.Content(caseSchema)
				rc.Name = cb.Labels[0]
				rt.Cases = append(rt.Cases, rc)
			}
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if a := cc.Attributes["when"]; a != nil {
				rc.When = compile(a, builtin.BoolType)
			}
			targets, d := l.decodeTargets(fl, cc.Attributes["to"], rt.Body, bodyType, c, sc)
			diags = append(diags, d...)
			rc.Targets = targets
		}
		if len(rt.Cases) == 0 && rt.Default == nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Route without cases", Detail: "Add case \"name\" { when = \"…\", to = [sink.x] } blocks and/or a default { to = [...] } block.", Subject: b.DefRange.Ptr()})
		}
		step.Route = rt

	case StepSplit:
		ct := content(splitSchema)
		sp := &Split{Items: compile(ct.Attributes["items"], nil)}
		elem := builtin.AnyType
		if sp.Items != nil {
			switch t := sp.Items.Program.Type; t.Kind {
			case builtin.KindList:
				elem = t.Elem
			case builtin.KindAny:
			default:
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Split needs a list", Detail: fmt.Sprintf("items has type %s; split runs the next steps once per element of a list.", t), Subject: ct.Attributes["items"].Expr.Range().Ptr()})
			}
		}
		step.Split, step.Output = sp, elem
		sc.add(step.Name, elem)
		sc.current, sc.curType = step.Name, elem
		if a := ct.Attributes["key"]; a != nil {
			// The key is computed per element, so it sees the element.
			kc, d := l.stepScope(sc)
			diags = append(diags, d...)
			if kc != nil {
				kc.dialect = fl.Dialect
				c = kc
				sp.Key = compile(a, builtin.StringType)
			}
		}

	case StepAggregate:
		ct := content(aggregateSchema)
		ag := &Aggregate{Key: compile(ct.Attributes["key"], builtin.StringType)}
		itemType := sc.curType
		if a := ct.Attributes["item"]; a != nil {
			ag.Item = compile(a, nil)
			if ag.Item != nil {
				itemType = ag.Item.Program.Type
			}
		} else {
			ag.Item = current(b.DefRange)
		}
		if a := ct.Attributes["max_items"]; a != nil {
			v, d := a.Expr.Value(nil)
			diags = append(diags, d...)
			if !d.HasErrors() {
				n, acc := 0, false
				if v.Type() == cty.Number {
					i, a := v.AsBigFloat().Int64()
					n, acc = int(i), a == 0
				}
				if !acc || n < 1 || n > 100000 {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid max_items", Detail: "max_items must be a whole number from 1 to 100000.", Subject: a.Expr.Range().Ptr()})
				}
				ag.MaxItems = n
			}
		}
		if a := ct.Attributes["max_wait"]; a != nil {
			diags = append(diags, parseDuration(a, &ag.MaxWait)...)
		}
		if itemType == nil {
			itemType = builtin.AnyType
		}
		out := builtin.ObjectType("flows."+fl.Name+"."+step.Name,
			&builtin.Field{Name: "key", Type: builtin.StringType, Doc: "The batch key."},
			&builtin.Field{Name: "items", Type: builtin.ListOf(itemType), Doc: "The gathered items, in arrival order."},
		)
		if err := l.cfg.Types.Add(out); err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Type conflict", Detail: upperFirst(err.Error()) + ".", Subject: b.DefRange.Ptr()})
		}
		step.Aggregate, step.Output = ag, out
		sc.add(step.Name, out)
		sc.current, sc.curType = step.Name, out

	case StepCall, StepDeliver:
		ct := content(deliverSchema)
		dl, d := l.decodeDeliver(fl, ct, f, c, sc, b.DefRange)
		diags = append(diags, d...)
		if dl == nil {
			return nil, diags
		}
		step.Deliver, step.Output = dl, dl.Response
		sc.add(step.Name, dl.Response)
	}
	return step, diags
}

// Enrich returns the enrich settings of an enrich step.
func (s *Step) Enrich() *Enrich { return s.enrich }

func reasonCode(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func (l *loader) decodeMapStep(fl *Flow, step *Step, ct *hcl.BodyContent, f *parsedFile, c *compiler, sc *stepScope) (*MapStep, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	ms := &MapStep{}
	if a := ct.Attributes["mapping"]; a != nil {
		ref, d := l.chooseStatic(a.Expr, f.dir)
		if d.HasErrors() {
			return nil, d
		}
		name := refString(ref)
		base := l.cfg.Mappings[qualify(f.module, name)]
		if base == nil {
			base = l.cfg.Mappings[name]
		}
		if base == nil {
			decls := map[string]*mappingDecl{}
			for n, m := range l.cfg.Mappings {
				decls[n] = &mappingDecl{m: m}
			}
			return nil, hcl.Diagnostics{l.unknownMapping(name, decls, a.Expr.Range())}
		}
		if o := ct.Attributes["output"]; o != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Conflicting settings", Detail: fmt.Sprintf("The output type comes from mapping %s (%s).", base.Name, base.Output), Subject: o.Range.Ptr()})
		}
		if fa := ct.Attributes["from"]; fa != nil {
			e, d := c.compile(fa.Expr, base.Input)
			diags = append(diags, d...)
			l.noteReads(e)
			ms.From = e
		} else if !base.Input.AssignableFrom(fl.Schema) {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Mapping input mismatch", Detail: fmt.Sprintf("Mapping %s reads %s, but the flow's input is %s. Give from = \"<expression>\" to say what it maps.", base.Name, base.Input, fl.Schema), Subject: a.Expr.Range().Ptr()})
		}
		m := base
		if ct.Attributes["fields"] != nil || ct.Attributes["value"] != nil {
			// Overrides belong to the mapping: they see its input, vars
			// and tables, like the fields they replace.
			m = &Mapping{Name: fl.Name + "." + step.Name, Input: base.Input, Output: base.Output, DeclRange: step.DeclRange, static: l.cfg.Static}
			static := sc.vars[3:] // vars, locals, tables follow input, headers, meta
			scope, err := l.stepEnv().Scope(append([]builtin.Var{{Name: VarInput, Type: base.Input}}, static...), nil)
			if err != nil {
				return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot build scope", Detail: err.Error()}}
			}
			mc := &compiler{scope: scope, dialect: c.dialect, src: l.source}
			diags = append(diags, l.compileMappingBody(m, base, ct, mc, "")...)
		}
		ms.Mapping = m
		return ms, diags
	}
	if fa := ct.Attributes["from"]; fa != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unused setting", Detail: "from says what a mapping reads; without mapping = <name>, the fields read the step's variables directly.", Subject: fa.Range.Ptr()})
	}
	m := &Mapping{Name: fl.Name + "." + step.Name, Input: fl.Schema, DeclRange: step.DeclRange, static: l.cfg.Static}
	if o := ct.Attributes["output"]; o != nil {
		t, _, d := l.resolveType(o.Expr, f, "flows."+fl.Name+"."+step.Name)
		diags = append(diags, d...)
		m.Output = t
	}
	diags = append(diags, l.compileMappingBody(m, nil, ct, c, "flows."+fl.Name+"."+step.Name)...)
	if m.Output == nil {
		m.Output = builtin.AnyType
	}
	ms.Mapping, ms.OwnScope = m, true
	return ms, diags
}

// decodeTargets reads `to = [sink.x, flow.y]`.
func (l *loader) decodeTargets(fl *Flow, a *hcl.Attribute, body *Expr, bodyType *builtin.Type, c *compiler, sc *stepScope) ([]Target, hcl.Diagnostics) {
	if a == nil {
		return nil, nil
	}
	var diags hcl.Diagnostics
	var out []Target
	exprs, _ := refList(a.Expr)
	for _, e := range exprs {
		kind, name, ok := refName(e)
		if !ok || (kind != "sink" && kind != "flow") {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid route target", Detail: "A target is sink.NAME or flow.NAME.", Subject: e.Range().Ptr()})
			continue
		}
		t := Target{Kind: kind, Name: name, Range: e.Range()}
		switch kind {
		case "sink":
			s := l.cfg.Sinks[name]
			if s == nil {
				diags = append(diags, undefinedTarget("sink", name, sortedKeys(l.cfg.Sinks), e.Range()))
				continue
			}
			dl := &Deliver{Sink: s, Body: body, Response: builtin.AnyType}
			dl.Key = l.defaultKey(c, sc, e.Range(), &diags)
			dl.SinkExprs = l.compileSinkExprs(s, c, &diags)
			t.Deliver = dl
		case "flow":
			target := l.cfg.Flows[name]
			if target == nil {
				diags = append(diags, undefinedTarget("flow", name, sortedKeys(l.cfg.Flows), e.Range()))
				continue
			}
			if name == fl.Name {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Route cycle", Detail: fmt.Sprintf("Flow %q routes to itself: a message would loop forever.", name), Subject: e.Range().Ptr()})
				continue
			}
			l.flowTargets = append(l.flowTargets, flowTarget{from: fl, to: target, bodyType: bodyType, rng: e.Range()})
		}
		out = append(out, t)
	}
	if len(out) == 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No route targets", Detail: "to lists at least one sink.NAME or flow.NAME.", Subject: a.Expr.Range().Ptr()})
	}
	return out, diags
}

func undefinedTarget(kind, name string, names []string, r hcl.Range) *hcl.Diagnostic {
	detail := fmt.Sprintf("There is no %s named %q.", kind, name)
	if s := builtin.Suggest(name, names); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	} else if len(names) > 0 {
		detail += fmt.Sprintf(" Declared %ss: %s.", kind, quoteList(names))
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Undefined route target", Detail: detail, Subject: r.Ptr()}
}

// defaultKey is the business key of a delivery when none is given: the
// dedupe key when the flow has one, else the message id (which makes
// retries of one message idempotent, but not a re-sent order).
func (l *loader) defaultKey(c *compiler, sc *stepScope, r hcl.Range, diags *hcl.Diagnostics) *Expr {
	text := VarMeta + ".message_id"
	if sc.dedupe != "" {
		text = sc.dedupe + ".key"
	}
	e, d := c.compileText(r, text, nil, builtin.StringType)
	*diags = append(*diags, d...)
	return e
}

func (l *loader) compileSinkExprs(s *Sink, c *compiler, diags *hcl.Diagnostics) map[string]map[string]*Expr {
	out := map[string]map[string]*Expr{}
	for attr, m := range s.Exprs {
		out[attr] = map[string]*Expr{}
		for k, a := range m {
			e, d := c.compile(a.Expr, builtin.StringType)
			*diags = append(*diags, d...)
			l.noteReads(e)
			if e != nil {
				out[attr][k] = e
			}
		}
	}
	return out
}

func (l *loader) decodeDeliver(fl *Flow, ct *hcl.BodyContent, f *parsedFile, c *compiler, sc *stepScope, r hcl.Range) (*Deliver, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	a := ct.Attributes["sink"]
	if a == nil {
		return nil, diags
	}
	kind, name, ok := refName(a.Expr)
	if !ok || kind != "sink" {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid sink reference", Detail: "Write sink = sink.NAME.", Subject: a.Expr.Range().Ptr()}}
	}
	s := l.cfg.Sinks[name]
	if s == nil {
		d := undefinedTarget("sink", name, sortedKeys(l.cfg.Sinks), a.Expr.Range())
		d.Summary = "Undefined sink"
		return nil, hcl.Diagnostics{d}
	}
	dl := &Deliver{Sink: s, Response: builtin.AnyType, Headers: map[string]*Expr{}}
	compile := func(a *hcl.Attribute, want *builtin.Type) *Expr {
		e, d := c.compile(a.Expr, want)
		diags = append(diags, d...)
		l.noteReads(e)
		return e
	}
	if a := ct.Attributes["when"]; a != nil {
		dl.When = compile(a, builtin.BoolType)
	}
	if a := ct.Attributes["body"]; a != nil {
		dl.Body = compile(a, nil)
	} else {
		e, d := c.compileText(r, sc.current, nil, sc.curType)
		diags = append(diags, d...)
		dl.Body = e
	}
	if a := ct.Attributes["key"]; a != nil {
		dl.Key = compile(a, builtin.StringType)
	} else {
		dl.Key = l.defaultKey(c, sc, r, &diags)
	}
	if a := ct.Attributes["per_part"]; a != nil {
		perPart := true
		diags = append(diags, decodeBool(a, nil, &perPart)...)
		dl.WholeBody = !perPart
		if dl.WholeBody && ct.Attributes["key"] == nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "per_part = false needs a key",
				Detail: "per_part = false makes the parts of one body (the sets of an interchange, the rows of a file) share the delivery's key: write the key that names the one document they share (key = \"...\").", Subject: a.Expr.Range().Ptr()})
		}
	}
	if a := ct.Attributes["headers"]; a != nil {
		for k, ha := range exprAttrs(a) {
			if e := compile(ha, builtin.StringType); e != nil {
				dl.Headers[k] = e
			}
		}
	}
	if a := ct.Attributes["response"]; a != nil {
		t, _, d := l.resolveType(a.Expr, f, "flows."+fl.Name+".response")
		diags = append(diags, d...)
		if t != nil {
			dl.Response = t
		}
	}
	dl.SinkExprs = l.compileSinkExprs(s, c, &diags)
	return dl, diags
}

// decodeSink decodes a sink block against its connector's spec.
func (l *loader) decodeSink(b *hcl.Block, f *parsedFile) (*Sink, hcl.Diagnostics) {
	s := &Sink{Type: b.Labels[0], Name: b.Labels[1], DeclRange: b.DefRange}
	if !validName(s.Name) {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid sink name", Detail: nameRule, Subject: b.LabelRanges[1].Ptr()}}
	}
	spec, ok := l.opts.Connectors.SinkSpec(s.Type)
	if !ok {
		return nil, hcl.Diagnostics{unknownKind("sink", s.Type, l.opts.Connectors.SinkKinds(), b.LabelRanges[0])}
	}
	l.noteVarRefsBody(b.Body)
	s.Spec = spec
	ctx := l.evalContext(f.dir)
	policy, rest, diags := decodePolicy(b.Body, ctx)
	s.Policy = policy
	var d hcl.Diagnostics
	s.Config, s.Exprs, d = spec.decode(rest, ctx, s.Type+" sink", b.DefRange)
	return s, append(diags, d...)
}
