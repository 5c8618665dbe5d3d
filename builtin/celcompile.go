package builtin

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
)

func (s *Scope) compileCEL(src string, want *Type) (*Program, Issues) {
	parsed, iss := s.cel.Parse(src)
	if iss.Err() != nil {
		return nil, s.celIssues(iss, nil)
	}
	checked, iss := s.cel.Check(parsed)
	if iss.Err() != nil {
		return nil, s.celIssues(iss, parsed)
	}
	native := checked.NativeRep()
	info := native.SourceInfo()
	offset := func(id int64) (int, int) {
		loc := info.GetStartLocation(id)
		return loc.Line(), loc.Column()
	}
	p := &Program{Source: src, Dialect: CEL, ast: checked, adapt: s.env.adapt, want: want, offset: offset}
	p.Type = fromCELType(checked.OutputType(), s.env.types)

	var issues Issues
	if want != nil {
		issues = append(issues, s.checkResult(native, native.Expr(), want, offset, "")...)
	}
	est, err := s.cel.EstimateCost(checked, sizeEstimator{scope: s})
	if err != nil {
		issues = append(issues, Issue{Summary: "Cost estimation failed", Detail: err.Error()})
	} else {
		p.Cost = est.Max
		if est.Max > s.env.limits.MaxCost {
			detail := fmt.Sprintf("Its worst case costs %d units; the limit is %d. Iterate over fewer elements (nested comprehensions multiply), or declare maxItems/maxLength in the input schema.", est.Max, s.env.limits.MaxCost)
			if est.Max == math.MaxUint64 {
				detail = "Its worst-case cost is unbounded: it builds values whose size nothing limits. Bound the input sizes in the schema or restructure the expression."
			}
			issues = append(issues, Issue{Summary: "Expression too expensive", Detail: detail})
		}
	}
	if len(issues) > 0 {
		return nil, issues
	}
	opts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	// Only a comprehension can make an expression's work grow faster than
	// its input, which the body size limit bounds; without one, the runtime
	// limit would cost every evaluation and protect nothing.
	if hasComprehension(native.Expr()) {
		opts = append(opts, cel.CostLimit(s.env.limits.MaxCost), cel.CostTracking(nil), cel.InterruptCheckFrequency(100))
	}
	prg, err := s.cel.Program(checked, opts...)
	if err != nil {
		return nil, Issues{{Summary: "Cannot plan expression", Detail: err.Error()}}
	}
	p.cel = prg
	p.native = compileNative(s, native)
	return p, nil
}

// checkResult checks that the expression's type fits want. Map literals
// built for an object type get their keys checked against the object's
// fields, recursively through lists, ternaries and map() comprehensions,
// so a misspelled output field is a load error too.
func (s *Scope) checkResult(a *celast.AST, e celast.Expr, want *Type, offset func(int64) (int, int), path string) Issues {
	got := fromCELType(a.GetType(e.ID()), s.env.types)
	at := func(id int64, summary, detail string) Issue {
		l, c := offset(id)
		return Issue{Line: l, Col: c, Summary: summary, Detail: detail}
	}
	switch {
	case e.Kind() == celast.CallKind && e.AsCall().FunctionName() == "_?_:_":
		args := e.AsCall().Args()
		return append(s.checkResult(a, args[1], want, offset, path), s.checkResult(a, args[2], want, offset, path)...)
	case want.Kind == KindObject && e.Kind() == celast.MapKind:
		var issues Issues
		seen := map[string]bool{}
		for _, entry := range e.AsMap().Entries() {
			me := entry.AsMapEntry()
			if me.Key().Kind() != celast.LiteralKind {
				continue
			}
			key, ok := me.Key().AsLiteral().Value().(string)
			if !ok {
				continue
			}
			seen[key] = true
			f := want.Field(key)
			if f == nil {
				detail := fmt.Sprintf("Type %s has no field %q.", want.Name, key)
				if sug := Suggest(key, want.FieldNames()); sug != "" {
					detail += fmt.Sprintf(" Did you mean %q?", sug)
				}
				issues = append(issues, at(me.Key().ID(), "Unknown output field", detail))
				continue
			}
			issues = append(issues, s.checkResult(a, me.Value(), f.Type, offset, joinPath(path, key))...)
		}
		for _, f := range want.Fields {
			if f.Required && !seen[f.Name] {
				issues = append(issues, at(e.ID(), "Missing output field",
					fmt.Sprintf("Type %s requires field %q, which this map does not set.", want.Name, f.Name)))
			}
		}
		return issues
	case want.Kind == KindList && e.Kind() == celast.ListKind:
		var issues Issues
		for _, el := range e.AsList().Elements() {
			issues = append(issues, s.checkResult(a, el, want.Elem, offset, path+"[]")...)
		}
		return issues
	case want.Kind == KindList && e.Kind() == celast.ComprehensionKind:
		// list.map(x, {...}) and list.filter expand to a comprehension whose
		// loop step appends [element] to the accumulator.
		var issues Issues
		for _, el := range appendedElements(e.AsComprehension().LoopStep()) {
			issues = append(issues, s.checkResult(a, el, want.Elem, offset, path+"[]")...)
		}
		if len(issues) > 0 || got.Kind == KindList {
			return issues
		}
	}
	if !want.AssignableFrom(got) {
		where := ""
		if path != "" {
			where = fmt.Sprintf(" for field %q", path)
		}
		return Issues{at(e.ID(), "Wrong result type", fmt.Sprintf("The expression%s has type %s, but %s is expected.", where, got, want))}
	}
	return nil
}

func hasComprehension(e celast.Expr) bool {
	found := false
	celast.PostOrderVisit(e, celast.NewExprVisitor(func(x celast.Expr) {
		if x.Kind() == celast.ComprehensionKind {
			found = true
		}
	}))
	return found
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// appendedElements finds the elements a comprehension's loop step appends:
// accu + [x] (map), cond ? accu + [x] : accu (filter, map with a filter).
func appendedElements(step celast.Expr) []celast.Expr {
	if step.Kind() != celast.CallKind {
		return nil
	}
	call := step.AsCall()
	switch call.FunctionName() {
	case "_+_":
		if r := call.Args()[1]; r.Kind() == celast.ListKind {
			return r.AsList().Elements()
		}
	case "_?_:_":
		return append(appendedElements(call.Args()[1]), appendedElements(call.Args()[2])...)
	}
	return nil
}

var (
	reUndefinedField = regexp.MustCompile(`^undefined field '([^']+)'`)
	reUndeclared     = regexp.MustCompile(`^undeclared reference to '([^']+)'`)
	reNoOverload     = regexp.MustCompile(`^found no matching overload for '([^']+)' applied to '(.*)'`)
)

// celIssues turns CEL's messages into diagnostics an analyst can act on:
// a short summary, a sentence of detail, and suggestions for near misses.
func (s *Scope) celIssues(iss *cel.Issues, parsed *cel.Ast) Issues {
	var out Issues
	for _, e := range iss.Errors() {
		// "!error!" marks a type that is wrong because of an error already
		// reported; repeating it would only confuse.
		if strings.Contains(e.Message, "!error!") {
			continue
		}
		out = append(out, s.celIssue(e, parsed))
	}
	return out
}

func (s *Scope) celIssue(e *common.Error, parsed *cel.Ast) Issue {
	is := Issue{Line: e.Location.Line(), Col: e.Location.Column(), Summary: "Invalid expression", Detail: e.Message}
	if is.Line < 1 {
		is.Line = 0
	}
	msg := e.Message
	switch {
	case parsed == nil:
		is.Summary = "Expression syntax error"
		is.Detail = "CEL cannot parse this: " + strings.TrimPrefix(msg, "Syntax error: ") + "."
	case reUndefinedField.MatchString(msg):
		name := reUndefinedField.FindStringSubmatch(msg)[1]
		is.Summary = "Unknown field"
		is.Detail = fmt.Sprintf("There is no field %q here.", name)
		if t := s.operandType(parsed, e.ExprID); t != nil && t.Kind == KindObject {
			is.Detail = fmt.Sprintf("Type %s has no field %q.", t.Name, name)
			if sug := Suggest(name, t.FieldNames()); sug != "" {
				is.Detail += fmt.Sprintf(" Did you mean %q?", sug)
			}
		}
	case reUndeclared.MatchString(msg):
		name := reUndeclared.FindStringSubmatch(msg)[1]
		is.Summary = "Unknown name"
		is.Detail = fmt.Sprintf("%q is not a variable or function here. Variables in scope: %s.", name, strings.Join(s.names, ", "))
		cands := append([]string{}, s.names...)
		for _, f := range s.env.reg.Functions() {
			cands = append(cands, f.Name)
		}
		for _, f := range s.funcs {
			cands = append(cands, f.Name)
		}
		if sug := Suggest(name, cands); sug != "" {
			is.Detail += fmt.Sprintf(" Did you mean %q?", sug)
		}
	case strings.HasPrefix(msg, "found no matching overload for '_?_:_'"):
		m := reNoOverload.FindStringSubmatch(msg)
		is.Summary = "Type error"
		is.Detail = "The condition before ? must be a bool, and both branches of the same type."
		if m != nil {
			args := splitTopLevel(strings.TrimSuffix(strings.TrimPrefix(m[2], "("), ")"))
			if len(args) == 3 && strings.TrimSpace(args[0]) != "bool" {
				is.Detail = fmt.Sprintf("The condition before ? must be a bool, not %s.", cleanTypes(args[0]))
			} else if len(args) == 3 {
				is.Detail = fmt.Sprintf("The two branches of ?: must have the same type, not %s and %s; wrap one in dyn() if they may differ.", cleanTypes(strings.TrimSpace(args[1])), cleanTypes(strings.TrimSpace(args[2])))
			}
		}
	case reNoOverload.MatchString(msg):
		m := reNoOverload.FindStringSubmatch(msg)
		is.Summary = "Wrong argument types"
		is.Detail = fmt.Sprintf("%s cannot take %s.", opName(m[1]), cleanTypes(m[2]))
		if f := s.function(m[1]); f != nil {
			is.Detail += " It accepts: " + Signatures(f) + "."
		}
	default:
		is.Summary = "Type error"
		is.Detail = cleanTypes(msg)
		if !strings.HasSuffix(is.Detail, ".") {
			is.Detail += "."
		}
		is.Detail = strings.ToUpper(is.Detail[:1]) + is.Detail[1:]
	}
	return is
}

func (s *Scope) function(name string) *Function {
	for _, f := range s.funcs {
		if f.Name == name {
			return f
		}
	}
	return s.env.reg.Function(name)
}

func opName(n string) string {
	if len(n) > 2 && strings.HasPrefix(n, "_") && strings.HasSuffix(n, "_") || n == OpNegate || n == "!_" {
		return "Operator " + strings.Trim(n, "_")
	}
	return "Function " + n
}

var typeNames = strings.NewReplacer(celDecimalName, "decimal", celMoneyName, "money", celQuantityName, "quantity")

func cleanTypes(s string) string { return typeNames.Replace(s) }

// Signatures renders the overloads of f: "money(string, string) -> money".
func Signatures(f *Function) string {
	sigs := make([]string, len(f.Overloads))
	for i, o := range f.Overloads {
		ps := make([]string, len(o.Params))
		for j, p := range o.Params {
			ps[j] = p.String()
		}
		if IsOperator(f.Name) && len(ps) == 2 {
			sigs[i] = fmt.Sprintf("%s %s %s -> %s", ps[0], strings.Trim(f.Name, "_"), ps[1], o.Result)
		} else {
			sigs[i] = fmt.Sprintf("%s(%s) -> %s", strings.Trim(f.Name, "_"), strings.Join(ps, ", "), o.Result)
		}
	}
	return strings.Join(sigs, "; ")
}

// operandType resolves the static type of the operand of the select
// expression id in a parsed (unchecked) expression, following variables,
// fields, indexes and comprehension variables. It serves suggestions in
// diagnostics, so it gives up (nil) on anything unusual.
func (s *Scope) operandType(parsed *cel.Ast, id int64) *Type {
	bound := map[string]*Type{}
	for _, v := range s.vars {
		bound[v.Name] = v.Type
	}
	return findOperand(parsed.NativeRep().Expr(), id, bound)
}

func findOperand(e celast.Expr, id int64, bound map[string]*Type) *Type {
	if e.ID() == id && e.Kind() == celast.SelectKind {
		return staticType(e.AsSelect().Operand(), bound)
	}
	switch e.Kind() {
	case celast.SelectKind:
		return findOperand(e.AsSelect().Operand(), id, bound)
	case celast.CallKind:
		c := e.AsCall()
		if c.IsMemberFunction() {
			if t := findOperand(c.Target(), id, bound); t != nil {
				return t
			}
		}
		for _, a := range c.Args() {
			if t := findOperand(a, id, bound); t != nil {
				return t
			}
		}
	case celast.ListKind:
		for _, el := range e.AsList().Elements() {
			if t := findOperand(el, id, bound); t != nil {
				return t
			}
		}
	case celast.MapKind:
		for _, en := range e.AsMap().Entries() {
			if t := findOperand(en.AsMapEntry().Value(), id, bound); t != nil {
				return t
			}
		}
	case celast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			if t := findOperand(f.AsStructField().Value(), id, bound); t != nil {
				return t
			}
		}
	case celast.ComprehensionKind:
		c := e.AsComprehension()
		inner := make(map[string]*Type, len(bound)+1)
		for k, v := range bound {
			inner[k] = v
		}
		inner[c.IterVar()] = nil
		elemVar := c.IterVar()
		if c.IterVar2() != "" {
			// Two-variable form: index (or key), then the element.
			inner[c.IterVar2()] = nil
			elemVar = c.IterVar2()
		}
		if rt := staticType(c.IterRange(), bound); rt != nil && rt.Elem != nil {
			inner[elemVar] = rt.Elem
		}
		for _, sub := range []celast.Expr{c.IterRange(), c.AccuInit(), c.LoopCondition(), c.LoopStep(), c.Result()} {
			if t := findOperand(sub, id, inner); t != nil {
				return t
			}
		}
	}
	return nil
}

func staticType(e celast.Expr, bound map[string]*Type) *Type {
	switch e.Kind() {
	case celast.IdentKind:
		return bound[e.AsIdent()]
	case celast.SelectKind:
		if f := staticType(e.AsSelect().Operand(), bound).Field(e.AsSelect().FieldName()); f != nil {
			return f.Type
		}
	case celast.CallKind:
		if c := e.AsCall(); c.FunctionName() == "_[_]" {
			if t := staticType(c.Args()[0], bound); t != nil {
				return t.Elem
			}
		}
	}
	return nil
}

// splitTopLevel splits a type list such as "bool, map(string, dyn), T" at
// the commas outside parentheses.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(', '<':
			depth++
		case ')', '>':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// sizeEstimator bounds the sizes of variables for CEL's cost estimate from
// the schemas (maxLength, maxItems) or the environment defaults, so that
// every expression over inputs has a finite worst case.
type sizeEstimator struct{ scope *Scope }

func (e sizeEstimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	path := n.Path()
	if len(path) == 0 {
		// A value computed by a function rather than read from a variable
		// (a field of a lookup row, an element of a list a builtin or a
		// mapping returned) is bounded like an input value of its type;
		// left unknown, any concatenation with it, or any builtin taking
		// it, would be rejected as unbounded.
		if t := n.Type(); t != nil {
			est := cost.RangedSizeEstimate(0, e.defaultSize(t.Kind()))
			return &est
		}
		return nil
	}
	var t *Type
	for _, v := range e.scope.vars {
		if v.Name == path[0] {
			t = v.Type
		}
	}
	for _, p := range path[1:] {
		if t == nil {
			break
		}
		switch p {
		case "@items", "@values":
			t = t.Elem
		case "@keys":
			t = StringType
		default:
			if f := t.Field(p); f != nil {
				t = f.Type
			} else {
				t = nil
			}
		}
	}
	limits := e.scope.env.limits
	size := limits.StringSize
	if t != nil {
		switch t.Kind {
		case KindList, KindMap, KindObject, KindTable:
			size = limits.ListSize
			if t.MaxItems > 0 {
				size = t.MaxItems
			}
		case KindString, KindBytes:
			if t.MaxLength > 0 {
				size = t.MaxLength
			}
		default:
			size = 1
		}
	}
	est := cost.RangedSizeEstimate(0, size)
	return &est
}

// shortStrings are standard conversions whose result is a short string;
// CEL's cost model leaves their size unknown, which would make any
// concatenation with them unbounded.
var shortStrings = map[string]bool{
	"int64_to_string": true, "uint64_to_string": true, "double_to_string": true, "bool_to_string": true,
	"timestamp_to_string": true, "duration_to_string": true,
}

func (e sizeEstimator) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	if shortStrings[overloadID] {
		size := cost.RangedSizeEstimate(0, 40)
		return &cost.CallEstimate{CostEstimate: cost.FixedCostEstimate(1), ResultSize: &size}
	}
	if function == "orValue" || function == "value" {
		// CEL's cost model does not size what an optional unwraps to, so
		// x.?f.orValue('') + 'y' would be unbounded: bound it like an
		// input value of its type.
		if target != nil {
			if t := (*target).Type(); t != nil && len(t.Parameters()) == 1 {
				size := cost.RangedSizeEstimate(0, e.defaultSize(t.Parameters()[0].Kind()))
				return &cost.CallEstimate{CostEstimate: cost.FixedCostEstimate(1), ResultSize: &size}
			}
		}
		return nil
	}
	f := e.scope.function(function)
	if f == nil || !strings.HasPrefix(overloadID, "transload_") {
		return nil
	}
	// The map-literal variant of an overload (celFunction) costs what the
	// overload does.
	idx, ok := overloadIndex(f, overloadID)
	if !ok {
		return nil
	}
	c := f.Overloads[idx].Cost
	fixed := max(c.Fixed, 1)
	var argSize uint64
	for _, a := range args {
		sz := cost.EstimateSize(e, a)
		argSize = addSat(argSize, sz.Max)
	}
	maxCost := addSat(fixed, mulSat(argSize, c.PerSize))
	result := cost.FixedSizeEstimate(max(c.ResultSize, 1))
	if c.ResultSizeOfArgs {
		result = cost.RangedSizeEstimate(0, argSize)
	}
	return &cost.CallEstimate{CostEstimate: cost.Estimate{Min: fixed, Max: maxCost}, ResultSize: &result}
}

// defaultSize is the size bound of a value of kind k nothing else bounds.
func (e sizeEstimator) defaultSize(k types.Kind) uint64 {
	switch k {
	case types.StringKind, types.BytesKind:
		return e.scope.env.limits.StringSize
	case types.ListKind, types.MapKind, types.StructKind, types.DynKind, types.AnyKind:
		return e.scope.env.limits.ListSize
	}
	return 1
}

func addSat(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}

func mulSat(a uint64, f float64) uint64 {
	r := float64(a) * f
	if r >= math.MaxUint64 {
		return math.MaxUint64
	}
	return uint64(r)
}

// Reads returns the variable paths the program reads, such as
// "input.line_items[].sku", sorted. A path that ends at a variable or an
// object means the whole value is read. A path that ends in "#" reads
// only how many elements the list it names has (size(input.line_items)):
// its elements may be decoded as nothing. The engine decodes only these
// paths of an input document.
func (p *Program) Reads() []string {
	if p.ast == nil {
		return nil
	}
	paths := map[string]bool{}
	collectReads(p.ast.NativeRep(), p.ast.NativeRep().Expr(), map[string]string{}, paths)
	out := make([]string, 0, len(paths))
	for k := range paths {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// collectReads records the path of every maximal select chain rooted at a
// variable; iteration variables of comprehensions map to "<range>[]".
func collectReads(a *celast.AST, e celast.Expr, bound map[string]string, out map[string]bool) {
	if path, ok := selectPath(a, e, bound, out); ok {
		out[path] = true
		return
	}
	switch e.Kind() {
	case celast.SelectKind:
		collectReads(a, e.AsSelect().Operand(), bound, out)
	case celast.CallKind:
		c := e.AsCall()
		if path, ok := sizedList(a, c, bound); ok {
			out[path+"#"] = true
			return
		}
		if c.IsMemberFunction() {
			collectReads(a, c.Target(), bound, out)
		}
		for _, arg := range c.Args() {
			collectReads(a, arg, bound, out)
		}
	case celast.ListKind:
		for _, el := range e.AsList().Elements() {
			collectReads(a, el, bound, out)
		}
	case celast.MapKind:
		for _, en := range e.AsMap().Entries() {
			collectReads(a, en.AsMapEntry().Key(), bound, out)
			collectReads(a, en.AsMapEntry().Value(), bound, out)
		}
	case celast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			collectReads(a, f.AsStructField().Value(), bound, out)
		}
	case celast.ComprehensionKind:
		c := e.AsComprehension()
		inner := make(map[string]string, len(bound)+1)
		for k, v := range bound {
			inner[k] = v
		}
		// Local variables map to "" (not a document path) unless they
		// iterate over one.
		inner[c.IterVar()] = ""
		elemVar := c.IterVar()
		if c.IterVar2() != "" {
			// Two-variable form: index (or key), then the element.
			inner[c.IterVar2()] = ""
			elemVar = c.IterVar2()
		}
		rng, ranged := selectPath(a, c.IterRange(), bound, nil)
		if ranged {
			inner[elemVar] = rng + "[]"
		}
		inner[c.AccuVar()] = ""
		// cel.bind(name, value, body) is a comprehension over nothing whose
		// accumulator is the value: name reads what value reads, and only
		// where the body uses name.
		if p, ok := selectPath(a, c.AccuInit(), bound, out); ok {
			inner[c.AccuVar()] = p
		} else {
			collectReads(a, c.AccuInit(), bound, out)
		}
		body := map[string]bool{}
		if r := c.IterRange(); r.Kind() != celast.ListKind || len(r.AsList().Elements()) > 0 {
			// (cel.bind's loop over nothing never runs its step.)
			collectReads(a, c.LoopCondition(), inner, body)
			collectReads(a, c.LoopStep(), inner, body)
		}
		collectReads(a, c.Result(), inner, body)
		elemsRead := false
		for p := range body {
			out[p] = true
			elemsRead = elemsRead || ranged && strings.HasPrefix(p, rng+"[]")
		}
		// The range is read whole unless the body reads its elements:
		// then "<range>[]..." says what each element needs, and the list
		// keeps all its elements, each projected to that. A body that
		// uses an element whole (a filter, whose result holds them) reads
		// "<range>[]", which keeps the elements whole.
		if elemsRead {
			selectPath(a, c.IterRange(), bound, out) // what its indexes read
		} else {
			collectReads(a, c.IterRange(), bound, out)
		}
	}
}

// sizedList is the path of the list that size(list) or list.size()
// counts, when it is a document path below a variable.
func sizedList(a *celast.AST, c celast.CallExpr, bound map[string]string) (string, bool) {
	if c.FunctionName() != "size" {
		return "", false
	}
	var arg celast.Expr
	switch {
	case c.IsMemberFunction() && len(c.Args()) == 0:
		arg = c.Target()
	case !c.IsMemberFunction() && len(c.Args()) == 1:
		arg = c.Args()[0]
	default:
		return "", false
	}
	if t := a.GetType(arg.ID()); t == nil || t.Kind() != types.ListKind {
		return "", false
	}
	path, ok := selectPath(a, arg, bound, nil)
	// An index inside the path (lines[i.n]) reads more; the plain whole
	// read records that. A variable alone ("input#") is not a document
	// path.
	if !ok || !strings.Contains(path, ".") || !isPlainPath(arg) {
		return "", false
	}
	return path, true
}

// isPlainPath reports whether e is field selections from an identifier.
func isPlainPath(e celast.Expr) bool {
	for e.Kind() == celast.SelectKind {
		e = e.AsSelect().Operand()
	}
	return e.Kind() == celast.IdentKind
}

// selectPath is the document path e reads when e is a chain of field
// selections (plain or optional, x.?f) and indexes rooted at a variable.
// An index reads every element ("[]"), a string key the field it names;
// what an index expression itself reads goes to out.
func selectPath(a *celast.AST, e celast.Expr, bound map[string]string, out map[string]bool) (string, bool) {
	switch e.Kind() {
	case celast.IdentKind:
		name := e.AsIdent()
		if p, ok := bound[name]; ok {
			return p, p != ""
		}
		return name, true
	case celast.SelectKind:
		sel := e.AsSelect()
		if p, ok := selectPath(a, sel.Operand(), bound, out); ok {
			return p + "." + sel.FieldName(), true
		}
	case celast.CallKind:
		c := e.AsCall()
		args := c.Args()
		if len(args) != 2 {
			break
		}
		switch c.FunctionName() {
		case "_?._", "_[_]", "_[?_]":
			p, ok := selectPath(a, args[0], bound, out)
			if !ok {
				return "", false
			}
			if key, isStr := stringLiteral(args[1]); isStr {
				return p + "." + key, true
			}
			if out != nil {
				collectReads(a, args[1], bound, out)
			}
			return p + "[]", true
		}
	}
	return "", false
}

// stringLiteral is a string literal that can be a segment of a read path.
func stringLiteral(e celast.Expr) (string, bool) {
	s, ok := stringValue(e)
	return s, ok && s != "" && !strings.ContainsAny(s, ".[]")
}

var _ cost.Estimator = sizeEstimator{}
