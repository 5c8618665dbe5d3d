package dsl

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
)

// Names of the variables every expression in a flow may read.
const (
	VarInput   = "input"
	VarHeaders = "headers"
	VarMeta    = "meta"
	VarVars    = "vars"
	VarLocals  = "locals"
	VarTables  = "tables"
)

var reservedNames = []string{VarInput, VarHeaders, VarMeta, VarVars, VarLocals, VarTables}

// MetaType is the type of meta: facts about the message itself.
var MetaType = builtin.ObjectType("transload.Meta",
	&builtin.Field{Name: "message_id", Type: builtin.StringType, Doc: "The message's unique id."},
	&builtin.Field{Name: "correlation_id", Type: builtin.StringType, Doc: "Taken from the sender's X-Correlation-ID (or traceparent) header, else assigned at ingress."},
	&builtin.Field{Name: "flow", Type: builtin.StringType, Doc: "The flow's name."},
	&builtin.Field{Name: "version", Type: builtin.StringType, Doc: "The version of the flow files the message started on."},
	&builtin.Field{Name: "source", Type: builtin.StringType, Doc: "The source type the message came from (http, file, schedule, flow)."},
	&builtin.Field{Name: "received_at", Type: builtin.TimestampType, Doc: "When Transload accepted the message."},
	&builtin.Field{Name: "attempt", Type: builtin.IntType, Doc: "1 on the first attempt, 2 on the first retry, and so on."},
)

var typeSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "schema", Required: true}, {Name: "description"}},
}

// decodeType declares a named type from a JSON Schema file:
// type "PartnerPO" { schema = "schemas/partner_po.json" }.
func (l *loader) decodeType(b *hcl.Block, f *parsedFile) hcl.Diagnostics {
	content, diags := b.Body.Content(typeSchema)
	if diags.HasErrors() {
		return diags
	}
	name := qualify(f.module, b.Labels[0])
	var file string
	diags = append(diags, decodeString(content.Attributes["schema"], nil, &file)...)
	if diags.HasErrors() {
		return diags
	}
	t, d := l.loadJSONSchema(name, file, f, content.Attributes["schema"].Expr.Range())
	diags = append(diags, d...)
	if t == nil {
		return diags
	}
	if err := l.cfg.Types.Add(t); err != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate type", Detail: upperFirst(err.Error()) + ".", Subject: b.DefRange.Ptr()})
	}
	return diags
}

func (l *loader) loadJSONSchema(name, file string, f *parsedFile, r hcl.Range) (*builtin.Type, hcl.Diagnostics) {
	read := func(rel string) ([]byte, error) {
		p := path.Clean(path.Join(f.dir, rel))
		if !fs.ValidPath(p) {
			return nil, fmt.Errorf("%q is outside the flows folder", rel)
		}
		b, err := fs.ReadFile(f.fsys, p)
		if err != nil {
			return nil, fmt.Errorf("cannot read %q: %v", rel, unwrapPathErr(err))
		}
		if f.module == "" {
			l.cfg.Sources[p] = b
		}
		return b, nil
	}
	data, err := read(file)
	l.hash = append(l.hash, data...)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read schema", Detail: upperFirst(err.Error()) + ".", Subject: r.Ptr()}}
	}
	t, err := builtin.TypeFromJSONSchemaNamed(name, data, read, l.cfg.Types.Lookup)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid schema", Detail: fmt.Sprintf("%s: %v.", file, err), Subject: r.Ptr()}}
	}
	return t, nil
}

func qualify(module, name string) string {
	if module == "" {
		return name
	}
	return module + "." + name
}

// importModule loads a mapping module (its types, mappings and imports)
// once per load.
func (l *loader) importModule(b *hcl.Block) ([]*parsedFile, hcl.Diagnostics) {
	name := b.Labels[0]
	if _, err := b.Body.JustAttributes(); err.HasErrors() {
		return nil, err
	}
	if l.modules[name] {
		return nil, nil
	}
	fsys, ok := l.opts.Modules[name]
	if !ok {
		detail := fmt.Sprintf("There is no module %q. Modules: %s.", name, strings.Join(sortedKeys(l.opts.Modules), ", "))
		if s := builtin.Suggest(name, sortedKeys(l.opts.Modules)); s != "" {
			detail += fmt.Sprintf(" Did you mean %q?", s)
		}
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown module", Detail: detail, Subject: b.LabelRanges[0].Ptr()}}
	}
	l.modules[name] = true
	names, _ := fs.Glob(fsys, "*"+FlowFileSuffix)
	sort.Strings(names)
	// The modules it imports come first: their types must exist before
	// this module's schemas refer to them ({"x-transload-type":
	// "erp.Line"}), whichever module a flow happens to import first.
	var deps, files []*parsedFile
	var diags hcl.Diagnostics
	for _, n := range names {
		pf, d := l.parse(fsys, n, "module:"+name+"/"+n, name)
		diags = append(diags, d...)
		if pf == nil {
			continue
		}
		files = append(files, pf)
		for _, ib := range pf.content.Blocks.OfType("import") {
			more, d := l.importModule(ib)
			diags = append(diags, d...)
			deps = append(deps, more...)
		}
	}
	return append(deps, files...), diags
}

// resolveType resolves a type reference written in a flow or module:
// a traversal or string naming a type (shopify.Order, "x12.850",
// "commerce.Order", "string"), the keyword any, or a string path to a JSON
// Schema file ending in .json. Names are looked up in the module first.
func (l *loader) resolveType(e hcl.Expression, f *parsedFile, hint string) (*builtin.Type, bool, hcl.Diagnostics) {
	e, diags := l.chooseStatic(e, f.dir)
	if diags.HasErrors() {
		return nil, false, diags
	}
	var name string
	if tr, d := hcl.AbsTraversalForExpr(e); !d.HasErrors() {
		name = traversalName(tr)
	} else {
		v, d := e.Value(nil)
		if d.HasErrors() || v.Type() != cty.String {
			return nil, false, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid type reference", Detail: "Name a type (shopify.Order, \"commerce.Order\"), write any, or give the path of a JSON Schema file (\"schemas/order.json\").", Subject: e.Range().Ptr()}}
		}
		name = v.AsString()
		if strings.HasSuffix(name, ".json") {
			// A schema file is one type, named after the file, however
			// many flows and mappings refer to it: a route from one flow
			// to another with the same schema type-checks.
			key := path.Clean(path.Join(f.module, f.dir, name))
			if t, ok := l.schemaFiles[key]; ok {
				return t, false, nil
			}
			t, d := l.loadJSONSchema(key, name, f, e.Range())
			if t != nil {
				l.schemaFiles[key] = t
				if err := l.cfg.Types.Add(t); err != nil {
					d = append(d, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate type", Detail: upperFirst(err.Error()) + ".", Subject: e.Range().Ptr()})
				}
			}
			return t, false, d
		}
	}
	if name == "any" {
		return builtin.AnyType, true, nil
	}
	if t := scalarType(name); t != nil {
		return t, false, nil
	}
	for _, cand := range []string{qualify(f.module, name), name} {
		if t := l.cfg.Types.Lookup(cand); t != nil {
			return t, false, nil
		}
	}
	detail := fmt.Sprintf("There is no type named %q.", name)
	if s := builtin.Suggest(name, l.cfg.Types.Names()); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	} else if mod, _, ok := strings.Cut(name, "."); ok && !l.modules[mod] {
		if _, exists := l.opts.Modules[mod]; exists {
			detail += fmt.Sprintf(" Add import %q {} to use the types of module %s.", mod, mod)
		}
	}
	return nil, false, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown type", Detail: detail, Subject: e.Range().Ptr()}}
}

func traversalName(tr hcl.Traversal) string {
	parts := []string{tr.RootName()}
	for _, s := range tr[1:] {
		switch st := s.(type) {
		case hcl.TraverseAttr:
			parts = append(parts, st.Name)
		case hcl.TraverseIndex:
			if st.Key.Type() == cty.String {
				parts = append(parts, st.Key.AsString())
			} else if st.Key.Type() == cty.Number {
				parts = append(parts, st.Key.AsBigFloat().Text('f', -1))
			}
		}
	}
	return strings.Join(parts, ".")
}

func scalarType(name string) *builtin.Type {
	switch name {
	case "string":
		return builtin.StringType
	case "int":
		return builtin.IntType
	case "bool":
		return builtin.BoolType
	case "decimal":
		return builtin.DecimalType
	case "money":
		return builtin.MoneyType
	case "quantity":
		return builtin.QuantityType
	case "timestamp":
		return builtin.TimestampType
	}
	return nil
}

// staticScope builds the vars, locals and tables every expression sees,
// registers their types, and returns their values.
func (l *loader) staticScope() ([]builtin.Var, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	static := &builtin.Vars{}
	var fields []*builtin.Field
	values := map[string]any{}
	for _, name := range sortedKeys(l.cfg.Variables) {
		v := l.cfg.Variables[name]
		native := ctyToNative(v.Value)
		t := typeOfCty(v.Value.Type(), "transload.vars."+name)
		if v.Value.Type() == cty.Number {
			t = kindType(native)
		}
		fields = append(fields, &builtin.Field{Name: name, Type: t, Doc: v.Description})
		values[name] = native
	}
	varsType := builtin.ObjectType("transload.vars", fields...)
	static.Set(VarVars, values)

	fields, values = nil, map[string]any{}
	for _, name := range sortedKeys(l.cfg.Locals) {
		v := l.cfg.Locals[name]
		native := ctyToNative(v)
		t := typeOfCty(v.Type(), "transload.locals."+name)
		if v.Type() == cty.Number {
			t = kindType(native)
		}
		fields = append(fields, &builtin.Field{Name: name, Type: t})
		values[name] = native
	}
	localsType := builtin.ObjectType("transload.locals", fields...)
	static.Set(VarLocals, values)

	fields, values = nil, map[string]any{}
	for _, name := range sortedKeys(l.cfg.Tables) {
		t := l.cfg.Tables[name]
		fields = append(fields, &builtin.Field{Name: name, Type: builtin.TableOf(t.Table.Row)})
		values[name] = t.Table
	}
	tablesType := builtin.ObjectType("transload.tables", fields...)
	static.Set(VarTables, values)

	for _, t := range []*builtin.Type{varsType, localsType, tablesType, MetaType, DedupeResultType} {
		if err := l.cfg.Types.Add(t); err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Type conflict", Detail: upperFirst(err.Error()) + "."})
		}
	}
	l.cfg.Static = static
	return []builtin.Var{
		{Name: VarVars, Type: varsType, Doc: "The flow variables."},
		{Name: VarLocals, Type: localsType, Doc: "The locals."},
		{Name: VarTables, Type: tablesType, Doc: "The lookup tables."},
	}, diags
}

func kindType(v any) *builtin.Type {
	switch builtin.KindOf(v) {
	case builtin.KindInt:
		return builtin.IntType
	case builtin.KindDecimal:
		return builtin.DecimalType
	}
	return builtin.AnyType
}

// refName reads a reference such as sink.erp or flow.orders: the kind and
// the name.
func refName(e hcl.Expression) (kind, name string, ok bool) {
	tr, d := hcl.AbsTraversalForExpr(e)
	if d.HasErrors() || len(tr) != 2 {
		return "", "", false
	}
	a, isAttr := tr[1].(hcl.TraverseAttr)
	if !isAttr {
		return "", "", false
	}
	return tr.RootName(), a.Name, true
}

// refList reads a list of references: [sink.erp, flow.other].
func refList(e hcl.Expression) ([]hcl.Expression, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(e)
	if diags.HasErrors() {
		return []hcl.Expression{e}, nil
	}
	return exprs, nil
}
