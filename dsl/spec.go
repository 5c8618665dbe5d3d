package dsl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// ConfigSpec describes the settings of a connector block: it is the
// documentation (docs/connectors.md is generated from it) and the checker
// (unknown, missing or ill-typed settings are load errors).
type ConfigSpec struct {
	Doc    string
	Attrs  []*AttrSpec
	Blocks []*BlockSpec
	// Check validates rules across settings after decoding; its errors
	// become diagnostics on the block.
	Check func(cty.Value) error
}

// AttrSpec is one setting.
type AttrSpec struct {
	Name     string
	Type     cty.Type
	Required bool
	// Default is used when the setting is absent (cty.NilVal: null).
	Default cty.Value
	Doc     string
	// Example is HCL text shown in the docs.
	Example string
	// OneOf restricts a string setting to these values.
	OneOf []string
	// Expr marks a per-message setting: a CEL string, or a map of them,
	// compiled in the scope of each step that uses the connector.
	Expr bool
	// Secret settings are redacted in logs, status pages and dead letters.
	Secret bool
	// Unset, when not empty, is a warning the load gives where the setting
	// is left out: for a default that assumes something of the world the
	// author should confirm (the http sink's idempotency).
	Unset string
}

// BlockSpec is a nested settings block.
type BlockSpec struct {
	Name     string
	Doc      string
	Spec     *ConfigSpec
	Multiple bool
	// Labels names the block's labels, if it has any.
	Labels []string
}

func (s *ConfigSpec) schema() *hcl.BodySchema {
	bs := &hcl.BodySchema{}
	for _, a := range s.Attrs {
		bs.Attributes = append(bs.Attributes, hcl.AttributeSchema{Name: a.Name, Required: a.Required})
	}
	for _, b := range s.Blocks {
		bs.Blocks = append(bs.Blocks, hcl.BlockHeaderSchema{Type: b.Name, LabelNames: b.Labels})
	}
	return bs
}

// decode evaluates a connector body against the spec. Static settings are
// evaluated with ctx; expression settings are returned unevaluated.
func (s *ConfigSpec) decode(body hcl.Body, ctx *hcl.EvalContext, what string, subject hcl.Range) (cty.Value, map[string]map[string]*hcl.Attribute, hcl.Diagnostics) {
	content, diags := body.Content(s.schema())
	vals := map[string]cty.Value{}
	exprs := map[string]map[string]*hcl.Attribute{}
	for _, a := range s.Attrs {
		attr, ok := content.Attributes[a.Name]
		if !ok {
			if a.Unset != "" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagWarning, Summary: fmt.Sprintf("No %s set", a.Name),
					Detail: fmt.Sprintf("The %s leaves %q to its default: %s", what, a.Name, a.Unset), Subject: subject.Ptr(),
				})
			}
			if a.Default != cty.NilVal {
				vals[a.Name] = a.Default
			} else {
				vals[a.Name] = cty.NullVal(a.Type)
			}
			continue
		}
		if a.Expr {
			exprs[a.Name] = exprAttrs(attr)
			vals[a.Name] = cty.NullVal(a.Type)
			continue
		}
		v, d := attr.Expr.Value(ctx)
		diags = append(diags, d...)
		if d.HasErrors() {
			vals[a.Name] = cty.NullVal(a.Type)
			continue
		}
		cv, err := convert.Convert(v, a.Type)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Invalid setting",
				Detail:  fmt.Sprintf("The %s setting %q must be %s: %s.", what, a.Name, a.Type.FriendlyName(), err),
				Subject: attr.Expr.Range().Ptr(),
			})
			cv = cty.NullVal(a.Type)
		} else if len(a.OneOf) > 0 && !cv.IsNull() && cv.IsKnown() && cv.Type() == cty.String && !contains(a.OneOf, cv.AsString()) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Invalid setting",
				Detail:  fmt.Sprintf("The %s setting %q must be one of %s; got %q.", what, a.Name, quoteList(a.OneOf), cv.AsString()),
				Subject: attr.Expr.Range().Ptr(),
			})
		}
		vals[a.Name] = cv
	}
	for _, b := range s.Blocks {
		var list []cty.Value
		for _, blk := range content.Blocks.OfType(b.Name) {
			v, ex, d := b.Spec.decode(blk.Body, ctx, what+" "+b.Name, blk.DefRange)
			diags = append(diags, d...)
			if len(b.Labels) > 0 {
				m := v.AsValueMap()
				if m == nil {
					m = map[string]cty.Value{}
				}
				for i, l := range b.Labels {
					m[l] = cty.StringVal(blk.Labels[i])
				}
				v = cty.ObjectVal(m)
			}
			list = append(list, v)
			for k, e := range ex {
				exprs[b.Name+"."+k] = e
			}
		}
		if !b.Multiple && len(list) > 1 {
			blks := content.Blocks.OfType(b.Name)
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Duplicate block",
				Detail:  fmt.Sprintf("Only one %s block is allowed in a %s.", b.Name, what),
				Subject: blks[1].DefRange.Ptr(),
			})
		}
		switch {
		case b.Multiple && len(list) == 0:
			vals[b.Name] = cty.ListValEmpty(cty.DynamicPseudoType)
		case b.Multiple:
			vals[b.Name] = cty.TupleVal(list)
		case len(list) == 0:
			vals[b.Name] = cty.NullVal(cty.DynamicPseudoType)
		default:
			vals[b.Name] = list[0]
		}
	}
	obj := cty.ObjectVal(vals)
	if s.Check != nil && !diags.HasErrors() {
		if err := s.Check(obj); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Invalid " + what,
				Detail:  upperFirst(err.Error()) + ".",
				Subject: subject.Ptr(),
			})
		}
	}
	return obj, exprs, diags
}

// exprAttrs splits an expression setting: a map of expressions becomes one
// entry per key, a single expression the entry "".
func exprAttrs(attr *hcl.Attribute) map[string]*hcl.Attribute {
	pairs, diags := hcl.ExprMap(attr.Expr)
	if diags.HasErrors() {
		return map[string]*hcl.Attribute{"": attr}
	}
	out := map[string]*hcl.Attribute{}
	for _, kv := range pairs {
		k, d := kv.Key.Value(nil)
		if d.HasErrors() || k.Type() != cty.String {
			continue
		}
		out[k.AsString()] = &hcl.Attribute{Name: attr.Name + "." + k.AsString(), Expr: kv.Value, Range: kv.Value.Range(), NameRange: kv.Key.Range()}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Connectors tells the loader which source and sink types exist and what
// their settings are. The engine's connector registry implements it.
type Connectors interface {
	SourceSpec(kind string) (*ConfigSpec, bool)
	SinkSpec(kind string) (*ConfigSpec, bool)
	SourceKinds() []string
	SinkKinds() []string
}

// StaticConnectors is a Connectors built from two maps, for tests and for
// commands that only check flows.
type StaticConnectors struct {
	Sources, Sinks map[string]*ConfigSpec
}

// SourceSpec implements Connectors.
func (c StaticConnectors) SourceSpec(kind string) (*ConfigSpec, bool) {
	s, ok := c.Sources[kind]
	return s, ok
}

// SinkSpec implements Connectors.
func (c StaticConnectors) SinkSpec(kind string) (*ConfigSpec, bool) {
	s, ok := c.Sinks[kind]
	return s, ok
}

// SourceKinds implements Connectors.
func (c StaticConnectors) SourceKinds() []string { return sortedKeys(c.Sources) }

// SinkKinds implements Connectors.
func (c StaticConnectors) SinkKinds() []string { return sortedKeys(c.Sinks) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
