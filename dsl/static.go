package dsl

import (
	"encoding/csv"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/transload/transload/builtin"
)

// staticFunctions are the functions static HCL expressions may call:
// env() and file() plus the usual Terraform string and collection helpers.
func (l *loader) staticFunctions(dir string) map[string]function.Function {
	fs := helperFunctions()
	fs["env"] = l.envFunc()
	fs["file"] = l.fileFunc(dir)
	return fs
}

// helperFunctions are the Terraform string and collection helpers that
// flow files and test files share.
func helperFunctions() map[string]function.Function {
	return map[string]function.Function{
		"lower":      stdlib.LowerFunc,
		"upper":      stdlib.UpperFunc,
		"trimspace":  stdlib.TrimSpaceFunc,
		"replace":    stdlib.ReplaceFunc,
		"split":      stdlib.SplitFunc,
		"join":       stdlib.JoinFunc,
		"format":     stdlib.FormatFunc,
		"concat":     stdlib.ConcatFunc,
		"contains":   stdlib.ContainsFunc,
		"length":     stdlib.LengthFunc,
		"strlen":     stdlib.StrlenFunc,
		"keys":       stdlib.KeysFunc,
		"values":     stdlib.ValuesFunc,
		"lookup":     stdlib.LookupFunc,
		"merge":      stdlib.MergeFunc,
		"coalesce":   stdlib.CoalesceFunc,
		"jsonencode": stdlib.JSONEncodeFunc,
		"jsondecode": stdlib.JSONDecodeFunc,
		"min":        stdlib.MinFunc,
		"max":        stdlib.MaxFunc,
		"tostring":   stdlib.MakeToFunc(cty.String),
		"tonumber":   stdlib.MakeToFunc(cty.Number),
		"tobool":     stdlib.MakeToFunc(cty.Bool),
	}
}

// envFunc is env("NAME") or env("NAME", "default"): an unset variable is
// the default, or "" so that a flow with an optional secret still loads
// (the connector then refuses what it cannot verify, and says so).
func (l *loader) envFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Reads an environment variable.",
		Params:      []function.Parameter{{Name: "name", Type: cty.String}},
		VarParam:    &function.Parameter{Name: "default", Type: cty.String},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			l.envRead[name] = true
			if v, ok := l.opts.LookupEnv(name); ok {
				return cty.StringVal(v), nil
			}
			if len(args) > 1 {
				return args[1], nil
			}
			return cty.StringVal(""), nil
		},
	})
}

// fileFunc is file("path"): the text of a file relative to the flow file's
// folder. Reading outside the flows folder is refused.
func (l *loader) fileFunc(dir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a file relative to the flow file.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := l.readFile(dir, args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

func (l *loader) readFile(dir, name string) ([]byte, error) {
	p := path.Clean(path.Join(dir, name))
	if !fs.ValidPath(p) {
		return nil, fmt.Errorf("%q is outside the flows folder", name)
	}
	b, err := fs.ReadFile(l.fsys, p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %v", name, unwrapPathErr(err))
	}
	l.cfg.Sources[p] = b
	l.hash = append(l.hash, b...)
	return b, nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// evalContext is the context of static expressions: var, local and the
// static functions.
func (l *loader) evalContext(dir string) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	for name, v := range l.cfg.Variables {
		vars[name] = v.Value
	}
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   cty.ObjectVal(vars),
			"local": cty.ObjectVal(l.cfg.Locals),
		},
		Functions: l.staticFunctions(dir),
	}
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}},
}

// decodeVariable decodes a variable block and resolves its value from, in
// order, --var, TRANSLOAD_VAR_<name>, and the default.
func (l *loader) decodeVariable(b *hcl.Block) (*Variable, []*hcl.Block, hcl.Diagnostics) {
	v := &Variable{Name: b.Labels[0], Type: cty.DynamicPseudoType, DeclRange: b.DefRange}
	content, diags := b.Body.Content(variableSchema)
	if !validName(v.Name) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid variable name", Detail: nameRule, Subject: b.LabelRanges[0].Ptr()})
		return nil, nil, diags
	}
	if a, ok := content.Attributes["type"]; ok {
		t, d := typeexpr.TypeConstraint(a.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			v.Type = t
		}
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeString(a, nil, &v.Description)...)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() && val.Type() == cty.Bool {
			v.Sensitive = val.True()
		}
	}
	defaultBroken := false
	if a, ok := content.Attributes["default"]; ok {
		defaultBroken = true
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			cv, err := convert.Convert(val, v.Type)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid default value", Detail: fmt.Sprintf("The default of variable %q must be %s: %s.", v.Name, v.Type.FriendlyName(), err), Subject: a.Expr.Range().Ptr()})
			} else {
				v.Default, defaultBroken = cv, false
			}
		}
	}
	raw, given := l.opts.Vars[v.Name]
	if !given {
		raw, given = l.opts.LookupEnv("TRANSLOAD_VAR_" + v.Name)
		l.envRead["TRANSLOAD_VAR_"+v.Name] = true
	}
	switch {
	case given:
		val, err := parseVarValue(raw, v.Type)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid variable value", Detail: fmt.Sprintf("The value given for variable %q is not %s: %s.", v.Name, v.Type.FriendlyName(), err), Subject: b.DefRange.Ptr()})
		}
		v.Value = val
	case v.Default != cty.NilVal:
		v.Value = v.Default
	case defaultBroken:
		v.Value = cty.UnknownVal(v.Type)
	default:
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing variable value", Detail: fmt.Sprintf("Variable %q has no default. Give it a value with --var %s=VALUE or the environment variable TRANSLOAD_VAR_%s.", v.Name, v.Name, v.Name), Subject: b.DefRange.Ptr()})
		v.Value = cty.UnknownVal(v.Type)
	}
	if v.Value == cty.NilVal {
		v.Value = cty.NullVal(v.Type)
	}
	return v, content.Blocks.OfType("validation"), diags
}

// parseVarValue reads a value given on the command line: strings as they
// are, anything else as an HCL expression ("12", "true", "[\"a\"]").
func parseVarValue(raw string, t cty.Type) (cty.Value, error) {
	if t == cty.String || t == cty.DynamicPseudoType {
		return cty.StringVal(raw), nil
	}
	e, diags := hclsyntax.ParseExpression([]byte(raw), "<value>", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("%s", diags[0].Summary)
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("%s", diags[0].Detail)
	}
	return convert.Convert(v, t)
}

// checkValidations runs the validation blocks of every variable once all
// values are known.
func (l *loader) checkValidations(validations map[string][]*hcl.Block) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := l.evalContext("")
	for name, blocks := range validations {
		for _, vb := range blocks {
			c, d := vb.Body.Content(validationSchema)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			cond, d := c.Attributes["condition"].Expr.Value(ctx)
			diags = append(diags, d...)
			var msg string
			diags = append(diags, decodeString(c.Attributes["error_message"], ctx, &msg)...)
			if d.HasErrors() || !cond.IsKnown() || cond.IsNull() {
				continue
			}
			if cond.Type() != cty.Bool {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid validation condition", Detail: "The condition must be true or false.", Subject: c.Attributes["condition"].Expr.Range().Ptr()})
				continue
			}
			if cond.False() {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable", Detail: fmt.Sprintf("%s\n\nThis was checked by the validation rule of variable %q.", msg, name), Subject: c.Attributes["condition"].Expr.Range().Ptr()})
			}
		}
	}
	return diags
}

// evalLocals evaluates locals blocks in dependency order; a cycle between
// locals is an error naming them.
func (l *loader) evalLocals(attrs map[string]*hcl.Attribute, dirs map[string]string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	done := map[string]bool{}
	visiting := map[string]bool{}
	var visit func(name string, stack []string)
	visit = func(name string, stack []string) {
		if done[name] {
			return
		}
		a := attrs[name]
		if visiting[name] {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cycle in locals", Detail: fmt.Sprintf("These locals refer to each other in a cycle: %s.", strings.Join(append(stack, name), " → ")), Subject: a.Range.Ptr()})
			// Unknown, so the rest of the cycle evaluates without more errors.
			l.cfg.Locals[name] = cty.DynamicVal
			done[name] = true
			return
		}
		visiting[name] = true
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() != "local" || len(tr) < 2 {
				continue
			}
			if step, ok := tr[1].(hcl.TraverseAttr); ok {
				if _, exists := attrs[step.Name]; exists {
					visit(step.Name, append(stack, name))
				}
			}
		}
		visiting[name] = false
		if done[name] {
			return
		}
		v, d := a.Expr.Value(l.evalContext(dirs[name]))
		diags = append(diags, d...)
		if d.HasErrors() {
			v = cty.DynamicVal
		}
		l.cfg.Locals[name] = v
		done[name] = true
	}
	names := sortedKeys(attrs)
	for _, n := range names {
		visit(n, nil)
	}
	return diags
}

var tableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "file", Required: true}, {Name: "key", Required: true}, {Name: "description"}},
}

// decodeTable loads a CSV table: a header row, then one row per key.
func (l *loader) decodeTable(b *hcl.Block, dir string) (*Table, hcl.Diagnostics) {
	t := &Table{Name: b.Labels[0], DeclRange: b.DefRange}
	content, diags := b.Body.Content(tableSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	ctx := l.evalContext(dir)
	diags = append(diags, decodeString(content.Attributes["file"], ctx, &t.File)...)
	diags = append(diags, decodeString(content.Attributes["key"], ctx, &t.Key)...)
	if diags.HasErrors() {
		return nil, diags
	}
	subject := content.Attributes["file"].Expr.Range().Ptr()
	var data []byte
	var err error
	if override, ok := l.opts.Tables[t.Name]; ok {
		data, err = readOSFile(override)
	} else {
		data, err = l.readFile(dir, t.File)
	}
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read table", Detail: fmt.Sprintf("Table %q: %v.", t.Name, err), Subject: subject}}
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.TrimLeadingSpace = true
	records, err := r.ReadAll()
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid table", Detail: fmt.Sprintf("Table %q is not valid CSV: %v.", t.Name, err), Subject: subject}}
	}
	if len(records) == 0 {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid table", Detail: fmt.Sprintf("Table %q has no header row.", t.Name), Subject: subject}}
	}
	header := records[0]
	if !contains(header, t.Key) {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid table key", Detail: fmt.Sprintf("Table %q has no column %q; its columns are %s.", t.Name, t.Key, quoteList(header)), Subject: content.Attributes["key"].Expr.Range().Ptr()}}
	}
	rows := make([]map[string]any, 0, len(records)-1)
	for _, rec := range records[1:] {
		row := make(map[string]any, len(header))
		for i, col := range header {
			if i < len(rec) {
				row[col] = rec[i]
			} else {
				row[col] = ""
			}
		}
		rows = append(rows, row)
	}
	t.Table, err = builtin.NewTable(t.Name, t.Key, header, rows)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid table", Detail: upperFirst(err.Error()) + ".", Subject: subject}}
	}
	return t, nil
}

func decodeString(a *hcl.Attribute, ctx *hcl.EvalContext, out *string) hcl.Diagnostics {
	v, diags := decodeStatic(a, ctx, cty.String, "a string")
	if v != cty.NilVal {
		*out = v.AsString()
	}
	return diags
}

func decodeBool(a *hcl.Attribute, ctx *hcl.EvalContext, out *bool) hcl.Diagnostics {
	v, diags := decodeStatic(a, ctx, cty.Bool, "true or false")
	if v != cty.NilVal {
		*out = v.True()
	}
	return diags
}

// decodeStatic evaluates a setting that is a value, not an expression:
// cty.NilVal with a diagnostic saying it must be what when it is not of
// type want; cty.NilVal and no diagnostic when a is nil.
func decodeStatic(a *hcl.Attribute, ctx *hcl.EvalContext, want cty.Type, what string) (cty.Value, hcl.Diagnostics) {
	if a == nil {
		return cty.NilVal, nil
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	v, err := convert.Convert(v, want)
	if err != nil || v.IsNull() || !v.IsKnown() {
		return cty.NilVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value", Detail: fmt.Sprintf("The %s setting must be %s.", a.Name, what), Subject: a.Expr.Range().Ptr()}}
	}
	return v, nil
}

// ctyToNative converts a static value to the native representation
// expressions see: numbers become exact decimals (or int64 when whole).
func ctyToNative(v cty.Value) any {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Bool:
		return v.True()
	case t == cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			if i, acc := bf.Int64(); acc == 0 {
				return i
			}
		}
		d, err := builtin.ParseJSONNumber(bf.Text('f', -1))
		if err != nil {
			return bf.Text('g', -1)
		}
		return d
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, ctyToNative(e))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out[k.AsString()] = ctyToNative(e)
		}
		return out
	}
	return nil
}

// typeOfCty gives the expression type of a static value.
func typeOfCty(t cty.Type, name string) *builtin.Type {
	switch {
	case t == cty.String:
		return builtin.StringType
	case t == cty.Bool:
		return builtin.BoolType
	case t == cty.Number:
		return builtin.AnyType // int or decimal depending on the value
	case t.IsListType() || t.IsSetType():
		return builtin.ListOf(typeOfCty(t.ElementType(), name+"[]"))
	case t.IsMapType():
		return builtin.MapOf(typeOfCty(t.ElementType(), name+"{}"))
	case t.IsObjectType():
		names := make([]string, 0, len(t.AttributeTypes()))
		for k := range t.AttributeTypes() {
			names = append(names, k)
		}
		sort.Strings(names)
		fields := make([]*builtin.Field, len(names))
		for i, k := range names {
			fields[i] = &builtin.Field{Name: k, Type: typeOfCty(t.AttributeType(k), name+"."+k)}
		}
		return builtin.ObjectType(name, fields...)
	}
	return builtin.AnyType
}

// chooseStatic resolves a reference chosen by a variable: in a setting
// that names a type or a mapping (schema, input, output, mapping), a
// conditional on static values picks one branch at load,
//
//	schema = var.erp == "infor" ? infor.ShipmentBOD : netsuite.ItemFulfillment
//
// so a flow can serve whichever system a variable names and still be
// checked against exactly that system's types. Other expressions come
// back unchanged.
func (l *loader) chooseStatic(e hcl.Expression, dir string) (hcl.Expression, hcl.Diagnostics) {
	for {
		switch x := e.(type) {
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
		case *hclsyntax.ConditionalExpr:
			l.noteVarRefs(x.Condition)
			v, diags := x.Condition.Value(l.evalContext(dir))
			if diags.HasErrors() {
				return nil, diags
			}
			if v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
				return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid condition", Detail: "The condition that chooses a reference must be a bool computed from variables and locals.", Subject: x.Condition.Range().Ptr()}}
			}
			if v.True() {
				e = x.TrueResult
			} else {
				e = x.FalseResult
			}
		default:
			return e, nil
		}
	}
}
