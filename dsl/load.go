package dsl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
)

// Options configure a load. Registries are explicit values: the CLI builds
// them once, tests build exactly what they need.
type Options struct {
	// Registry holds the builtin libraries expressions may call.
	Registry *builtin.Registry
	// Types are predeclared named types: the canonical model, codec schemas.
	Types *builtin.Types
	// Modules are the mapping modules flows may import, by name.
	Modules map[string]fs.FS
	// Connectors lists the source and sink types and their settings.
	Connectors Connectors
	// Formats are the input formats sources may declare (json, csv, …).
	Formats []string
	// Vars are variable values given on the command line, as text.
	Vars map[string]string
	// Tables replace table files, by table name, with files on disk.
	Tables map[string]string
	// LookupEnv reads the environment for env(); os.LookupEnv by default.
	LookupEnv func(string) (string, bool)
	// Limits bound expression cost; builtin.DefaultLimits by default.
	Limits builtin.Limits
}

// FlowFileSuffix is the suffix of flow files; test files end in
// FlowTestSuffix and are not flow files.
const (
	FlowFileSuffix = ".hcl"
	FlowTestSuffix = ".flowtest.hcl"
)

// Load reads every flow file in dir and returns the checked configuration,
// or every problem found. Diagnostics may hold warnings even on success.
func Load(dir string, opts Options) (*Config, hcl.Diagnostics) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read flows", Detail: fmt.Sprintf("%q is not a folder of flow files.", dir)}}
	}
	cfg, diags := LoadFS(os.DirFS(dir), dir, opts)
	if cfg != nil {
		cfg.Dir = dir
	}
	return cfg, diags
}

// LoadFS loads the flow files at the root of fsys; prefix is prepended to
// file names in diagnostics.
func LoadFS(fsys fs.FS, prefix string, opts Options) (*Config, hcl.Diagnostics) {
	l := newLoader(fsys, prefix, opts)
	names, err := fs.Glob(fsys, "*"+FlowFileSuffix)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot list flow files", Detail: err.Error()}}
	}
	var files []string
	for _, n := range names {
		if !strings.HasSuffix(n, FlowTestSuffix) {
			files = append(files, n)
		}
	}
	sort.Strings(files)
	return l.load(files)
}

type loader struct {
	fsys    fs.FS
	prefix  string
	opts    Options
	parser  *hclparse.Parser
	cfg     *Config
	envRead map[string]bool
	// usedVars records variables referenced anywhere, to report unused ones.
	usedVars map[string]bool
	// modules records imported modules (loaded once).
	modules map[string]bool
	// sources maps diagnostic file names to their bytes.
	sources map[string][]byte
	hash    []byte
	env     *builtin.Env
	// schemaFiles are the types of the JSON Schema files referred to by
	// path, by cleaned path.
	schemaFiles map[string]*builtin.Type
	// fnEnv is the environment that declares the mappings callable from
	// expressions, which step scopes extend.
	fnEnv *builtin.Env
	// flowTargets are routes to other flows, checked once all flows are
	// decoded.
	flowTargets []flowTarget
}

type flowTarget struct {
	from, to *Flow
	bodyType *builtin.Type
	rng      hcl.Range
}

func newLoader(fsys fs.FS, prefix string, opts Options) *loader {
	if opts.LookupEnv == nil {
		opts.LookupEnv = os.LookupEnv
	}
	if opts.Limits == (builtin.Limits{}) {
		opts.Limits = builtin.DefaultLimits
	}
	if opts.Registry == nil {
		opts.Registry = builtin.NewRegistry()
	}
	if opts.Connectors == nil {
		opts.Connectors = StaticConnectors{}
	}
	if len(opts.Formats) == 0 {
		opts.Formats = []string{"json"}
	}
	types := builtin.NewTypes()
	if opts.Types != nil {
		types = opts.Types.Clone()
	}
	return &loader{
		fsys: fsys, prefix: prefix, opts: opts,
		parser:      hclparse.NewParser(),
		envRead:     map[string]bool{},
		usedVars:    map[string]bool{},
		modules:     map[string]bool{},
		schemaFiles: map[string]*builtin.Type{},
		sources:     map[string][]byte{},
		cfg: &Config{
			Files:     map[string]*hcl.File{},
			Sources:   map[string][]byte{},
			Variables: map[string]*Variable{},
			Locals:    map[string]cty.Value{},
			Tables:    map[string]*Table{},
			Sinks:     map[string]*Sink{},
			Mappings:  map[string]*Mapping{},
			Flows:     map[string]*Flow{},
			Types:     types,
		},
	}
}

func (l *loader) displayName(name string) string {
	if l.prefix == "" {
		return name
	}
	return filepath.Join(l.prefix, name)
}

var fileSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "dialect"}},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "table", LabelNames: []string{"name"}},
		{Type: "type", LabelNames: []string{"name"}},
		{Type: "import", LabelNames: []string{"module"}},
		{Type: "sink", LabelNames: []string{"type", "name"}},
		{Type: "mapping", LabelNames: []string{"name"}},
		{Type: "flow", LabelNames: []string{"name"}},
	},
}

// parsedFile is one decoded flow or module file.
type parsedFile struct {
	name    string // display name
	dir     string // folder inside fsys, for file()
	fsys    fs.FS
	module  string // "" for the user's files
	dialect builtin.Dialect
	content *hcl.BodyContent
	src     []byte
}

func (l *loader) parse(fsys fs.FS, name, display, module string) (*parsedFile, hcl.Diagnostics) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read file", Detail: err.Error()}}
	}
	l.hash = append(l.hash, display...)
	l.hash = append(l.hash, src...)
	if module == "" {
		l.cfg.Sources[name] = src
	}
	f, diags := l.parser.ParseHCL(src, display)
	l.sources[display] = src
	if f != nil {
		l.cfg.Files[display] = f
	}
	if diags.HasErrors() {
		return nil, diags
	}
	content, d := f.Body.Content(fileSchema)
	diags = append(diags, d...)
	pf := &parsedFile{name: display, dir: path.Dir(name), fsys: fsys, module: module, dialect: builtin.CEL, content: content, src: src}
	if a, ok := content.Attributes["dialect"]; ok {
		var s string
		diags = append(diags, decodeString(a, nil, &s)...)
		switch builtin.Dialect(s) {
		case builtin.CEL, builtin.Expr:
			pf.dialect = builtin.Dialect(s)
		default:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown dialect", Detail: fmt.Sprintf("The dialect must be \"cel\" or \"expr\", not %q.", s), Subject: a.Expr.Range().Ptr()})
		}
	}
	if module != "" {
		for _, kind := range []string{"variable", "locals", "table", "sink", "flow"} {
			for _, b := range content.Blocks.OfType(kind) {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Block not allowed in a module", Detail: fmt.Sprintf("Module %q may declare types, mappings and imports, not %s blocks.", module, kind), Subject: b.DefRange.Ptr()})
			}
		}
	}
	return pf, diags
}

func (l *loader) source(filename string) []byte { return l.sources[filename] }

// load runs the phases: parse, static values, types and imports, the
// compile environment, mappings, flows, and the checks across them.
func (l *loader) load(names []string) (*Config, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var files []*parsedFile
	for _, n := range names {
		pf, d := l.parse(l.fsys, n, l.displayName(n), "")
		diags = append(diags, d...)
		if pf != nil {
			files = append(files, pf)
		}
	}
	if len(names) == 0 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "No flow files", Detail: fmt.Sprintf("There are no *%s files in %s.", FlowFileSuffix, l.prefix)})
	}

	// Variables, then locals (which may use variables), then validations.
	validations := map[string][]*hcl.Block{}
	for _, f := range files {
		for _, b := range f.content.Blocks.OfType("variable") {
			v, vb, d := l.decodeVariable(b)
			diags = append(diags, d...)
			if v == nil {
				continue
			}
			if prev, dup := l.cfg.Variables[v.Name]; dup {
				diags = append(diags, duplicate("variable", v.Name, b.DefRange, prev.DeclRange))
				continue
			}
			l.cfg.Variables[v.Name] = v
			validations[v.Name] = vb
		}
	}
	localAttrs := map[string]*hcl.Attribute{}
	localDirs := map[string]string{}
	for _, f := range files {
		for _, b := range f.content.Blocks.OfType("locals") {
			attrs, d := b.Body.JustAttributes()
			diags = append(diags, d...)
			for name, a := range attrs {
				if prev, dup := localAttrs[name]; dup {
					diags = append(diags, duplicate("local", name, a.Range, prev.Range))
					continue
				}
				localAttrs[name] = a
				localDirs[name] = f.dir
				l.noteVarRefs(a.Expr)
			}
		}
	}
	diags = append(diags, l.evalLocals(localAttrs, localDirs)...)
	diags = append(diags, l.checkValidations(validations)...)

	for _, f := range files {
		for _, b := range f.content.Blocks.OfType("table") {
			l.noteVarRefsBody(b.Body)
			t, d := l.decodeTable(b, f.dir)
			diags = append(diags, d...)
			if t == nil {
				continue
			}
			if prev, dup := l.cfg.Tables[t.Name]; dup {
				diags = append(diags, duplicate("table", t.Name, b.DefRange, prev.DeclRange))
				continue
			}
			l.cfg.Tables[t.Name] = t
		}
	}

	// Imports bring modules' types and mappings; type blocks declare more.
	all := files
	for _, f := range files {
		for _, b := range f.content.Blocks.OfType("import") {
			mods, d := l.importModule(b)
			diags = append(diags, d...)
			all = append(all, mods...)
		}
	}
	for _, f := range all {
		for _, b := range f.content.Blocks.OfType("type") {
			diags = append(diags, l.decodeType(b, f)...)
		}
	}

	static, d := l.staticScope()
	diags = append(diags, d...)
	env, err := builtin.NewEnv(l.opts.Registry, l.cfg.Types, l.opts.Limits)
	if err != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot build the expression environment", Detail: err.Error()})
		return nil, diags
	}
	l.env = env
	l.cfg.Env = env

	for _, f := range files {
		for _, b := range f.content.Blocks.OfType("sink") {
			s, d := l.decodeSink(b, f)
			diags = append(diags, d...)
			if s == nil {
				continue
			}
			if prev, dup := l.cfg.Sinks[s.Name]; dup {
				diags = append(diags, duplicate("sink", s.Name, b.DefRange, prev.DeclRange))
				continue
			}
			l.cfg.Sinks[s.Name] = s
		}
	}

	diags = append(diags, l.decodeMappings(all, static)...)

	var flowBlocks []flowBlock
	for _, f := range files {
		for _, b := range f.content.Blocks.OfType("flow") {
			name := b.Labels[0]
			if prev, dup := l.cfg.Flows[name]; dup {
				diags = append(diags, duplicate("flow", name, b.DefRange, prev.DeclRange))
				continue
			}
			fl := &Flow{Name: name, DeclRange: b.DefRange, Dialect: f.dialect}
			l.cfg.Flows[name] = fl
			flowBlocks = append(flowBlocks, flowBlock{flow: fl, block: b, file: f})
		}
	}
	for _, fb := range flowBlocks {
		diags = append(diags, l.decodeFlow(fb, static)...)
	}
	diags = append(diags, l.checkUnusedVariables()...)
	diags = append(diags, l.resolveRejections()...)
	diags = append(diags, l.checkFlowTargets()...)

	sum := sha256.New()
	sum.Write(l.hash)
	for _, n := range sortedKeys(l.cfg.Variables) {
		fmt.Fprintf(sum, "\x00%s=%s", n, l.cfg.Variables[n].Value.GoString())
	}
	l.cfg.Version = hex.EncodeToString(sum.Sum(nil))[:12]
	if diags.HasErrors() {
		return l.cfg, diags
	}
	return l.cfg, diags
}

type flowBlock struct {
	flow  *Flow
	block *hcl.Block
	file  *parsedFile
}

func duplicate(kind, name string, at, prev hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + kind,
		Detail:   fmt.Sprintf("A %s named %q is already declared at %s.", kind, name, prev),
		Subject:  at.Ptr(),
	}
}

// noteVarRefs records the variables a static expression reads.
func (l *loader) noteVarRefs(e hcl.Expression) {
	for _, tr := range e.Variables() {
		if tr.RootName() == "var" && len(tr) > 1 {
			if a, ok := tr[1].(hcl.TraverseAttr); ok {
				l.usedVars[a.Name] = true
			}
		}
	}
}

func (l *loader) noteVarRefsBody(body hcl.Body) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return
	}
	for _, a := range sb.Attributes {
		l.noteVarRefs(a.Expr)
	}
	for _, b := range sb.Blocks {
		l.noteVarRefsBody(b.Body)
	}
}

// noteReads records the vars.X an expression reads.
func (l *loader) noteReads(e *Expr) {
	if e == nil {
		return
	}
	for _, r := range e.Program.Reads() {
		if rest, ok := strings.CutPrefix(r, "vars."); ok {
			// vars.m.k, vars.m[] (an index, vars.m[k] or vars.m[?k]) and
			// vars.m# (size(vars.m)) read m.
			if i := strings.IndexAny(rest, ".[#"); i >= 0 {
				rest = rest[:i]
			}
			l.usedVars[rest] = true
		} else if r == "vars" {
			for n := range l.cfg.Variables {
				l.usedVars[n] = true
			}
		}
	}
}

func (l *loader) checkUnusedVariables() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedKeys(l.cfg.Variables) {
		if !l.usedVars[name] {
			v := l.cfg.Variables[name]
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unused variable",
				Detail:   fmt.Sprintf("Variable %q is declared but nothing reads it. Use it (var.%s in settings, vars.%s in expressions) or remove it.", name, name, name),
				Subject:  v.DeclRange.Ptr(),
			})
		}
	}
	return diags
}

// resolveRejections resolves every flow's rejections_to = flow.NAME: the
// target exists, is another flow, and reads the same format (it gets the
// rejected message's body as it came). The target counts as fed, like the
// target of a route.
func (l *loader) resolveRejections() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedKeys(l.cfg.Flows) {
		fl := l.cfg.Flows[name]
		a := fl.rejectionsTo
		if a == nil {
			continue
		}
		kind, target, ok := refName(a.Expr)
		if !ok || kind != "flow" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid rejections target", Detail: "rejections_to names a flow: rejections_to = flow.NAME.", Subject: a.Expr.Range().Ptr()})
			continue
		}
		to := l.cfg.Flows[target]
		switch {
		case to == nil:
			d := undefinedTarget("flow", target, sortedKeys(l.cfg.Flows), a.Expr.Range())
			d.Summary = "Undefined rejections target"
			diags = append(diags, d)
			continue
		case to == fl:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Rejections cycle", Detail: fmt.Sprintf("Flow %q sends its rejections to itself: a rejected message would loop forever.", name), Subject: a.Expr.Range().Ptr()})
			continue
		case to.Format != fl.Format:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Rejections target format mismatch", Detail: fmt.Sprintf("Flow %q reads format %q, but it would get the rejected messages of flow %q as they came, in format %q. A rejections flow reads the format of the flows that send to it.", target, to.Format, name, fl.Format), Subject: a.Expr.Range().Ptr()})
			continue
		}
		fl.RejectionsTo = target
		l.flowTargets = append(l.flowTargets, flowTarget{from: fl, to: to, rng: a.Expr.Range()})
	}
	return diags
}

// checkFlowTargets checks that what a route sends to another flow is
// what that flow reads.
func (l *loader) checkFlowTargets() hcl.Diagnostics {
	var diags hcl.Diagnostics
	fed := map[*Flow]bool{}
	for _, ft := range l.flowTargets {
		fed[ft.to] = true
	}
	for _, name := range sortedKeys(l.cfg.Flows) {
		if fl := l.cfg.Flows[name]; !fl.hasSourceBlocks && !fed[fl] {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Flow without a source", Detail: fmt.Sprintf("Flow %q has no source block and no route sends to it, so no message can reach it.", fl.Name), Subject: fl.DeclRange.Ptr()})
		}
	}
	for _, ft := range l.flowTargets {
		if ft.to.Schema == nil || ft.bodyType == nil {
			continue
		}
		if !ft.to.Schema.AssignableFrom(ft.bodyType) {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Route target type mismatch", Detail: fmt.Sprintf("Flow %q reads %s, but this route sends %s.", ft.to.Name, ft.to.Schema, ft.bodyType), Subject: ft.rng.Ptr()})
		}
	}
	return diags
}

func readOSFile(name string) ([]byte, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	return b, nil
}
