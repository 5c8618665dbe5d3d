package dsl

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
)

// Mapping builds an output document field by field. Mappings are declared
// with `mapping "name" {}` in flow files or shipped in modules (where their
// name is "module.name"), and are callable from expressions as functions:
// shopify.line_item(l) in CEL, shopify_line_item(l) in expr.
type Mapping struct {
	Name   string
	Module string
	Input  *builtin.Type
	Output *builtin.Type
	// Fields is the tree of field expressions; nil when Value is set.
	Fields *FieldNode
	// Value computes the whole output in one expression.
	Value     *Expr
	Doc       string
	DeclRange hcl.Range

	static *builtin.Vars
	pool   sync.Pool
}

// FieldNode is one output field: an expression, a constant, or an object of
// child fields.
type FieldNode struct {
	Name     string
	Path     string
	Type     *builtin.Type
	Expr     *Expr
	Const    any
	IsConst  bool
	Children []*FieldNode
	Range    hcl.Range
}

func (n *FieldNode) child(name string) *FieldNode {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// clone copies the node tree so that overrides do not change the original.
func (n *FieldNode) clone() *FieldNode {
	c := *n
	c.Children = make([]*FieldNode, len(n.Children))
	for i, ch := range n.Children {
		c.Children[i] = ch.clone()
	}
	return &c
}

// Apply runs the mapping on input with the load's static values.
func (m *Mapping) Apply(input any) (any, error) {
	vars, _ := m.pool.Get().(*builtin.Vars)
	if vars == nil {
		vars = m.static.Clone()
	}
	vars.Set(VarInput, input)
	out, err := m.Eval(vars)
	vars.Set(VarInput, nil)
	m.pool.Put(vars)
	return out, err
}

// Eval evaluates the mapping with vars bound as its scope requires.
func (m *Mapping) Eval(vars *builtin.Vars) (any, error) {
	if m.Value != nil {
		return m.Value.Eval(vars)
	}
	return evalNode(m.Fields, vars)
}

func evalNode(n *FieldNode, vars *builtin.Vars) (any, error) {
	out := make(map[string]any, len(n.Children))
	for _, c := range n.Children {
		var v any
		var err error
		switch {
		case c.Expr != nil:
			v, err = c.Expr.Program.Eval(vars)
			if err != nil {
				return nil, c.Expr.wrap(err, c.Path)
			}
		case c.IsConst:
			v = c.Const
		default:
			v, err = evalNode(c, vars)
			if err != nil {
				return nil, err
			}
		}
		if v != nil {
			out[c.Name] = v
		}
	}
	return out, nil
}

var mappingSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "input"}, {Name: "output"}, {Name: "extends"}, {Name: "fields"}, {Name: "value"}, {Name: "description"},
	},
}

type mappingDecl struct {
	m       *Mapping
	content *hcl.BodyContent
	file    *parsedFile
	extends string
	extRng  hcl.Range
	state   int // 0 new, 1 compiling, 2 done
	inCycle bool
}

// decodeMappings declares every mapping as a function first (so that
// mappings may call each other in any order), then compiles their fields,
// bases before the mappings that extend them.
func (l *loader) decodeMappings(files []*parsedFile, static []builtin.Var) hcl.Diagnostics {
	var diags hcl.Diagnostics
	decls := map[string]*mappingDecl{}
	var order []string
	for _, f := range files {
		for _, b := range f.content.Blocks.OfType("mapping") {
			content, d := b.Body.Content(mappingSchema)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			name := qualify(f.module, b.Labels[0])
			if prev, dup := decls[name]; dup {
				diags = append(diags, duplicate("mapping", name, b.DefRange, prev.m.DeclRange))
				continue
			}
			md := &mappingDecl{m: &Mapping{Name: name, Module: f.module, DeclRange: b.DefRange, static: l.cfg.Static}, content: content, file: f}
			if a, ok := content.Attributes["description"]; ok {
				diags = append(diags, decodeString(a, nil, &md.m.Doc)...)
			}
			if a, ok := content.Attributes["extends"]; ok {
				md.extends, md.extRng = refString(a.Expr), a.Expr.Range()
				if md.extends == "" {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid extends", Detail: "Name the mapping to extend, such as shopify.order.", Subject: a.Expr.Range().Ptr()})
				}
			}
			decls[name] = md
			order = append(order, name)
		}
	}
	// Resolve input and output types, inheriting from the base.
	var resolve func(md *mappingDecl, seen map[string]bool) hcl.Diagnostics
	resolve = func(md *mappingDecl, seen map[string]bool) hcl.Diagnostics {
		if md.m.Input != nil || seen[md.m.Name] {
			return nil
		}
		seen[md.m.Name] = true
		var diags hcl.Diagnostics
		if md.extends != "" {
			base := l.findMapping(decls, md.extends, md.file.module)
			if base == nil {
				return hcl.Diagnostics{l.unknownMapping(md.extends, decls, md.extRng)}
			}
			diags = append(diags, resolve(base, seen)...)
			md.m.Input, md.m.Output = base.m.Input, base.m.Output
		}
		if a, ok := md.content.Attributes["input"]; ok {
			t, _, d := l.resolveType(a.Expr, md.file, md.m.Name+".input")
			diags = append(diags, d...)
			if t == nil {
				t = builtin.AnyType
			}
			md.m.Input = t
		}
		if a, ok := md.content.Attributes["output"]; ok {
			t, _, d := l.resolveType(a.Expr, md.file, md.m.Name+".output")
			diags = append(diags, d...)
			md.m.Output = t
		}
		if md.m.Input == nil || md.m.Input == builtin.AnyType && md.extends == "" {
			md.m.Input = builtin.AnyType
			_, hasInput := md.content.Attributes["input"]
			_, hasExtends := md.content.Attributes["extends"]
			if !hasInput && !hasExtends {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing mapping input", Detail: fmt.Sprintf("Mapping %q must say what it reads: input = <type> (or input = any).", md.m.Name), Subject: md.m.DeclRange.Ptr()})
			}
		}
		return diags
	}
	for _, name := range order {
		diags = append(diags, resolve(decls[name], map[string]bool{})...)
	}
	for _, name := range order {
		if md := decls[name]; md.m.Input == nil {
			md.m.Input = builtin.AnyType // after a cycle, reported when compiling
		}
	}
	// Mappings with a declared output are callable from the start; one
	// whose output is inferred becomes callable once compiled, so mappings
	// are compiled callees first (found by name in their text).
	var funcs []*builtin.Function
	for _, name := range order {
		if md := decls[name]; md.m.Output != nil {
			funcs = append(funcs, mappingFunction(md.m))
		}
	}
	// The mappings callable so far (the first fnCount of funcs), declared
	// once for every scope that sees them (builtin.Env.WithFunctions); an
	// inferred mapping, once compiled, is declared in an environment that
	// extends the last one.
	fnEnv, fnCount := l.env, 0
	var compile func(md *mappingDecl, stack []string) hcl.Diagnostics
	compile = func(md *mappingDecl, stack []string) hcl.Diagnostics {
		switch md.state {
		case 2:
			return nil
		case 1:
			// Everything from md on along the stack extends in a circle:
			// compile those mappings as if they extended nothing.
			md.inCycle = true
			for i := len(stack) - 1; i >= 0 && stack[i] != md.m.Name; i-- {
				decls[stack[i]].inCycle = true
			}
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cycle in mappings", Detail: fmt.Sprintf("These mappings extend each other in a cycle: %s.", strings.Join(append(stack, md.m.Name), " → ")), Subject: md.extRng.Ptr()}}
		}
		md.state = 1
		var diags hcl.Diagnostics
		var base *Mapping
		if md.extends != "" {
			if bd := l.findMapping(decls, md.extends, md.file.module); bd != nil {
				diags = append(diags, compile(bd, append(stack, md.m.Name))...)
				base = bd.m
			}
		}
		if md.inCycle {
			base = nil
		}
		if base != nil && md.m.Output == nil {
			md.m.Output = base.Output
		}
		for _, callee := range mentionedMappings(md, decls) {
			if callee.m.Output == nil && callee.state == 0 {
				diags = append(diags, compile(callee, append(stack, md.m.Name))...)
			}
		}
		var err error
		if fnCount != len(funcs) {
			var next *builtin.Env
			if next, err = fnEnv.WithFunctions(funcs[fnCount:]); err == nil {
				fnEnv, fnCount = next, len(funcs)
			}
		}
		var scope *builtin.Scope
		if err == nil {
			scope, err = fnEnv.Scope(append([]builtin.Var{{Name: VarInput, Type: md.m.Input}}, static...), nil)
		}
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot build scope", Detail: err.Error(), Subject: md.m.DeclRange.Ptr()})
			md.state = 2
			return diags
		}
		c := &compiler{scope: scope, dialect: md.file.dialect, src: l.source}
		inferred := md.m.Output == nil
		diags = append(diags, l.compileMappingBody(md.m, base, md.content, c, "mappings."+md.m.Name)...)
		if inferred && md.m.Output != nil {
			funcs = append(funcs, mappingFunction(md.m))
		}
		md.state = 2
		return diags
	}
	for _, name := range order {
		diags = append(diags, compile(decls[name], nil)...)
		l.cfg.Mappings[name] = decls[name].m
	}
	env, err := fnEnv.WithFunctions(funcs[fnCount:])
	if err != nil {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot build scope", Detail: err.Error()})
	}
	l.fnEnv = env
	return diags
}

// mentionedMappings finds the mappings whose names appear, followed by a
// parenthesis, in the text of md's expressions.
func mentionedMappings(md *mappingDecl, decls map[string]*mappingDecl) []*mappingDecl {
	var text strings.Builder
	for _, a := range md.content.Attributes {
		r := a.Expr.Range()
		text.WriteString(string(md.file.src[r.Start.Byte:r.End.Byte]))
	}
	src := text.String()
	var out []*mappingDecl
	for _, name := range sortedKeys(decls) {
		if name == md.m.Name {
			continue
		}
		for _, spelled := range []string{name, strings.ReplaceAll(name, ".", "_")} {
			if strings.Contains(src, spelled+"(") {
				out = append(out, decls[name])
				break
			}
		}
	}
	return out
}

// compileMappingBody compiles fields/value of a mapping (or of a map step),
// merging them over base when the mapping extends another.
func (l *loader) compileMappingBody(m *Mapping, base *Mapping, content *hcl.BodyContent, c *compiler, inferName string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	fieldsAttr, hasFields := content.Attributes["fields"]
	valueAttr, hasValue := content.Attributes["value"]
	switch {
	case hasFields && hasValue:
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Conflicting settings", Detail: "Give either fields (one expression per output field) or value (one expression for the whole output), not both.", Subject: valueAttr.Range.Ptr()}}
	case hasValue:
		if base != nil {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Conflicting settings", Detail: "A mapping that extends another overrides fields; it cannot replace the whole value.", Subject: valueAttr.Range.Ptr()}}
		}
		e, d := c.compile(valueAttr.Expr, m.Output)
		diags = append(diags, d...)
		l.noteReads(e)
		m.Value = e
		if m.Output == nil && e != nil {
			m.Output = e.Program.Type
		}
		return diags
	case !hasFields && base == nil:
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Empty mapping", Detail: "Give fields = { name = \"<expression>\", … } or value = \"<expression>\".", Subject: m.DeclRange.Ptr()}}
	}
	root := &FieldNode{Type: m.Output}
	if base != nil {
		if base.Value != nil {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot extend", Detail: fmt.Sprintf("Mapping %q computes its output with one value expression; there are no fields to override.", base.Name), Subject: m.DeclRange.Ptr()}}
		}
		if base.Fields != nil {
			root = base.Fields.clone()
		}
	}
	if hasFields {
		diags = append(diags, l.decodeFields(root, fieldsAttr.Expr, m.Output, "", c)...)
	}
	if base == nil && m.Output != nil && m.Output.Kind == builtin.KindObject && hasFields {
		diags = append(diags, missingRequired(root, m.Output, "", fieldsAttr.Expr.Range())...)
	}
	if m.Output == nil {
		m.Output = inferType(root, inferName)
		if err := l.cfg.Types.Add(m.Output); err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Type conflict", Detail: upperFirst(err.Error()) + ".", Subject: m.DeclRange.Ptr()})
		}
	}
	root.Type = m.Output
	m.Fields = root
	return diags
}

// decodeFields compiles an object of field expressions into node. Keys may
// be dotted paths ("customer.email") to override one nested field.
func (l *loader) decodeFields(node *FieldNode, e hcl.Expression, t *builtin.Type, path string, c *compiler) hcl.Diagnostics {
	pairs, diags := hcl.ExprMap(e)
	if diags.HasErrors() {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid fields", Detail: "fields must be an object: { name = \"<expression>\", nested = { … } }.", Subject: e.Range().Ptr()}}
	}
	for _, kv := range pairs {
		kval, d := kv.Key.Value(nil)
		if d.HasErrors() || kval.Type() != cty.String {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid field name", Detail: "Field names are identifiers or quoted strings.", Subject: kv.Key.Range().Ptr()})
			continue
		}
		segs := strings.Split(kval.AsString(), ".")
		cur, curType, curPath := node, t, path
		ok := true
		for i, seg := range segs {
			var ft *builtin.Type
			if curType != nil && curType.Kind == builtin.KindObject {
				f := curType.Field(seg)
				if f == nil {
					detail := fmt.Sprintf("Type %s has no field %q.", curType.Name, seg)
					if s := builtin.Suggest(seg, curType.FieldNames()); s != "" {
						detail += fmt.Sprintf(" Did you mean %q?", s)
					}
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown output field", Detail: detail, Subject: kv.Key.Range().Ptr()})
					ok = false
					break
				}
				ft = f.Type
			} else if curType != nil && curType.Kind != builtin.KindAny {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Not an object", Detail: fmt.Sprintf("Field %q has type %s; it has no fields to set.", curPath, curType), Subject: kv.Key.Range().Ptr()})
				ok = false
				break
			}
			child := cur.child(seg)
			if child == nil {
				child = &FieldNode{Name: seg, Path: joinPath(curPath, seg), Type: ft}
				cur.Children = append(cur.Children, child)
			}
			if i < len(segs)-1 {
				child.Expr, child.IsConst = nil, false
			}
			cur, curType, curPath = child, ft, child.Path
		}
		if !ok {
			continue
		}
		cur.Range = kv.Value.Range()
		if obj, isObj := kv.Value.(*hclsyntax.ObjectConsExpr); isObj {
			cur.Expr, cur.IsConst = nil, false
			diags = append(diags, l.decodeFields(cur, obj, curType, curPath, c)...)
			if cur.Type == nil {
				cur.Type = inferType(cur, "")
			}
			continue
		}
		cur.Children = nil
		if lit, isLit := kv.Value.(*hclsyntax.LiteralValueExpr); isLit {
			cur.Expr, cur.IsConst, cur.Const = nil, true, ctyToNative(lit.Val)
			if curType != nil && !curType.Accepts(cur.Const) && cur.Const != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Wrong constant type", Detail: fmt.Sprintf("Field %q is %s; this constant is not.", curPath, curType), Subject: kv.Value.Range().Ptr()})
			}
			if cur.Type == nil {
				cur.Type = kindType(cur.Const)
			}
			continue
		}
		ex, d := c.compile(kv.Value, curType)
		diags = append(diags, d...)
		l.noteReads(ex)
		cur.Expr, cur.IsConst = ex, false
		if ex != nil && cur.Type == nil {
			cur.Type = ex.Program.Type
		}
	}
	return diags
}

func missingRequired(n *FieldNode, t *builtin.Type, path string, r hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, f := range t.Fields {
		c := n.child(f.Name)
		switch {
		case c == nil && f.Required:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing output field", Detail: fmt.Sprintf("Type %s requires field %q, which these fields do not set.", t.Name, joinPath(path, f.Name)), Subject: r.Ptr()})
		case c != nil && c.Expr == nil && !c.IsConst && f.Type.Kind == builtin.KindObject:
			diags = append(diags, missingRequired(c, f.Type, joinPath(path, f.Name), c.Range)...)
		}
	}
	return diags
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// inferType gives an undeclared output the object type its fields make.
func inferType(n *FieldNode, name string) *builtin.Type {
	fields := make([]*builtin.Field, 0, len(n.Children))
	for _, c := range n.Children {
		t := c.Type
		if t == nil {
			t = builtin.AnyType
		}
		if c.Expr == nil && !c.IsConst && len(c.Children) > 0 && (t.Kind != builtin.KindObject || name != "") {
			t = inferType(c, joinPath(name, c.Name))
			c.Type = t
		}
		fields = append(fields, &builtin.Field{Name: c.Name, Type: t})
	}
	if name == "" {
		name = "anonymous"
	}
	return builtin.ObjectType(name, fields...)
}

// mappingFunction exposes m to expressions as a function of its input.
func mappingFunction(m *Mapping) *builtin.Function {
	return &builtin.Function{
		Name: m.Name,
		Doc:  fmt.Sprintf("Applies mapping %s: %s -> %s.", m.Name, m.Input, m.Output),
		Overloads: []builtin.Overload{{
			Params: []*builtin.Type{m.Input},
			Result: m.Output,
			Impl:   func(args []any) (any, error) { return m.Apply(args[0]) },
			Cost:   builtin.Cost{Fixed: 50},
		}},
	}
}

func (l *loader) findMapping(decls map[string]*mappingDecl, name, module string) *mappingDecl {
	if md, ok := decls[qualify(module, name)]; ok {
		return md
	}
	return decls[name]
}

func (l *loader) unknownMapping(name string, decls map[string]*mappingDecl, r hcl.Range) *hcl.Diagnostic {
	names := sortedKeys(decls)
	detail := fmt.Sprintf("There is no mapping %q.", name)
	if s := builtin.Suggest(name, names); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	} else if mod, _, ok := strings.Cut(name, "."); ok && !l.modules[mod] {
		if _, exists := l.opts.Modules[mod]; exists {
			detail += fmt.Sprintf(" Add import %q {} to use the mappings of module %s.", mod, mod)
		}
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown mapping", Detail: detail, Subject: r.Ptr()}
}

// refString reads a reference written as a traversal (shopify.order) or a
// string ("shopify.order").
func refString(e hcl.Expression) string {
	if tr, d := hcl.AbsTraversalForExpr(e); !d.HasErrors() {
		return traversalName(tr)
	}
	v, d := e.Value(nil)
	if d.HasErrors() || v.Type() != cty.String || v.IsNull() {
		return ""
	}
	return v.AsString()
}

// MappingNames lists the mappings of a config, sorted.
func (c *Config) MappingNames() []string {
	names := make([]string, 0, len(c.Mappings))
	for n := range c.Mappings {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
