package dsl_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
)

const orderFlow = `
type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order
  source "http" {
    path = "/orders"
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
`

func load(t *testing.T, files map[string]string) (*dsl.Config, hcl.Diagnostics) {
	t.Helper()
	fsys := supportFiles(t)
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return dsl.LoadFS(fsys, "", testOptions(t))
}

func summaries(diags hcl.Diagnostics) string {
	var s []string
	for _, d := range diags {
		s = append(s, d.Summary)
	}
	return strings.Join(s, "; ")
}

func TestLoadMissingDir(t *testing.T) {
	_, diags := dsl.Load(filepath.Join(t.TempDir(), "nope"), testOptions(t))
	if summaries(diags) != "Cannot read flows" {
		t.Fatalf("got %s", summaries(diags))
	}
}

func TestLoadEmptyDir(t *testing.T) {
	cfg, diags := dsl.Load(t.TempDir(), testOptions(t))
	if diags.HasErrors() || summaries(diags) != "No flow files" || cfg == nil {
		t.Fatalf("got %s", summaries(diags))
	}
}

func TestModuleRestrictions(t *testing.T) {
	opts := testOptions(t)
	opts.Modules["bad"] = fstest.MapFS{"bad.hcl": {Data: []byte("variable \"x\" {\n  default = 1\n}\n")}}
	fsys := supportFiles(t)
	fsys["main.hcl"] = &fstest.MapFile{Data: []byte(`import "bad" {}`)}
	_, diags := dsl.LoadFS(fsys, "", opts)
	if !strings.Contains(summaries(diags), "Block not allowed in a module") {
		t.Fatalf("got %s", summaries(diags))
	}
}

func TestTypeConflict(t *testing.T) {
	opts := testOptions(t)
	opts.Types = builtin.NewTypes()
	if err := opts.Types.Add(builtin.ObjectType("transload.vars")); err != nil {
		t.Fatal(err)
	}
	fsys := supportFiles(t)
	fsys["main.hcl"] = &fstest.MapFile{Data: []byte(`sink "stdout" "out" {}`)}
	_, diags := dsl.LoadFS(fsys, "", opts)
	if !strings.Contains(summaries(diags), "Type conflict") {
		t.Fatalf("got %s", summaries(diags))
	}
}

func TestExpressionTooLong(t *testing.T) {
	long := strings.Repeat("1 + ", 20000) + "1"
	_, diags := load(t, map[string]string{"main.hcl": strings.Replace(orderFlow, `route "out" {`, `dedupe "d" {
    key = "string(`+long+`)"
  }
  route "out" {`, 1)})
	if !strings.Contains(summaries(diags), "Expression too long") {
		t.Fatalf("got %s", summaries(diags))
	}
}

func TestVariableValues(t *testing.T) {
	src := `
variable "limit" {
  type = number
}
variable "name" {
  type    = string
  default = "x"
}
sink "file" "out" {
  dir = "${var.name}-${var.limit}"
}
`
	opts := testOptions(t)
	opts.Vars = map[string]string{"limit": "twelve"}
	fsys := fstest.MapFS{"main.hcl": {Data: []byte(src)}}
	_, diags := dsl.LoadFS(fsys, "", opts)
	if !strings.Contains(summaries(diags), "Invalid variable value") {
		t.Fatalf("got %s", summaries(diags))
	}
	opts.Vars = map[string]string{"limit": "12"}
	opts.LookupEnv = func(n string) (string, bool) {
		if n == "TRANSLOAD_VAR_name" {
			return "from-env", true
		}
		return "", false
	}
	cfg, diags := dsl.LoadFS(fsys, "", opts)
	if diags.HasErrors() {
		t.Fatal(summaries(diags))
	}
	if got := cfg.Sinks["out"].Config.GetAttr("dir").AsString(); got != "from-env-12" {
		t.Fatalf("dir = %q", got)
	}
}

// TestErrorPositionInsideCEL checks that an error inside a CEL string
// points at the exact column of the mistake in the HCL file, for quoted
// strings and heredocs.
func TestErrorPositionInsideCEL(t *testing.T) {
	src := strings.Replace(orderFlow, `route "out" {`, `dedupe "d" {
    key = "'o:' + string(input.idd)"
  }
  map "m" {
    fields = {
      x = <<-CEL
        input.line_items.map(l,
          l.qtyy)
      CEL
    }
  }
  route "out" {`, 1)
	_, diags := load(t, map[string]string{"main.hcl": src})
	lines := strings.Split(src, "\n")
	want := map[string]bool{}
	for i, l := range lines {
		for _, typo := range []string{"input.idd", "l.qtyy"} {
			if c := strings.Index(l, typo); c >= 0 {
				// CEL reports a field selection at its dot.
				dot := c + strings.Index(typo, ".")
				want[strings.Join([]string{itoa(i + 1), itoa(dot + 1)}, ":")] = true
			}
		}
	}
	for _, d := range diags {
		if d.Summary != "Unknown field" {
			t.Errorf("unexpected %s: %s", d.Summary, d.Detail)
			continue
		}
		pos := itoa(d.Subject.Start.Line) + ":" + itoa(d.Subject.Start.Column)
		if !want[pos] {
			t.Errorf("diagnostic at %s, want one of %v", pos, want)
		}
		delete(want, pos)
	}
	if len(want) > 0 {
		t.Errorf("no diagnostic at %v", want)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestValidFixtures loads every folder under testdata/valid: no errors, no
// warnings unless the folder's expect-warnings file lists them.
func TestValidFixtures(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "valid", "*"))
	if len(dirs) == 0 {
		t.Fatal("no valid fixtures")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			opts := testOptions(t)
			cfg, diags := dsl.Load(dir, opts)
			var errs []string
			for _, d := range diags {
				errs = append(errs, d.Error())
			}
			if len(diags) > 0 {
				t.Fatalf("diagnostics:\n%s", strings.Join(errs, "\n"))
			}
			if len(cfg.Flows) == 0 {
				t.Fatal("no flows")
			}
		})
	}
}

func TestFormatGolden(t *testing.T) {
	ins, _ := filepath.Glob(filepath.Join("testdata", "fmt", "*_in.hcl"))
	if len(ins) == 0 {
		t.Fatal("no fmt fixtures")
	}
	for _, in := range ins {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, _ := os.ReadFile(in)
			want, _ := os.ReadFile(strings.Replace(in, "_in.hcl", "_out.hcl", 1))
			got, diags := dsl.Format(src, in)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if string(got) != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			again, _ := dsl.Format(got, in)
			if string(again) != string(got) {
				t.Error("format is not idempotent")
			}
		})
	}
}

func TestFormatRejectsSyntaxErrors(t *testing.T) {
	if _, diags := dsl.Format([]byte("flow \"x\" {"), "x.hcl"); !diags.HasErrors() {
		t.Fatal("formatted invalid HCL")
	}
}

// TestReferenceChosenByVariable: schema, format and mapping may be chosen
// by a variable at load; the flow is checked against the chosen type
// only, so the other branch's fields are not errors.
func TestReferenceChosenByVariable(t *testing.T) {
	src := `
variable "kind" {
  type    = string
  default = "a"
}

type "A" {
  schema = "a.schema.json"
}

type "B" {
  schema = "b.schema.json"
}

mapping "from_a" {
  input = A
  value = "input.alpha"
}

mapping "from_b" {
  input = B
  value = "input.beta"
}

sink "stdout" "out" {}

flow "docs" {
  schema = var.kind == "a" ? A : B
  format = var.kind == "a" ? "json" : "csv"

  map "name" {
    mapping = (var.kind == "a" ? from_a : from_b)
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
`
	files := map[string]string{
		"main.hcl":      src,
		"a.schema.json": `{"type": "object", "properties": {"alpha": {"type": "string"}}}`,
		"b.schema.json": `{"type": "object", "properties": {"beta": {"type": "string"}}}`,
	}
	cfg, diags := load(t, files)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fl := cfg.Flows["docs"]
	if fl.Schema.Field("alpha") == nil || fl.Format != "json" {
		t.Fatalf("kind a: input %v format %s", fl.Schema, fl.Format)
	}
	files["main.hcl"] = strings.Replace(src, `default = "a"`, `default = "b"`, 1)
	cfg, diags = load(t, files)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if fl := cfg.Flows["docs"]; fl.Schema.Field("beta") == nil || fl.Format != "csv" {
		t.Fatalf("kind b: input %v format %s", fl.Schema, fl.Format)
	}
	files["main.hcl"] = strings.Replace(src, `var.kind == "a" ? A : B`, `input.x ? A : B`, 1)
	if _, diags = load(t, files); !strings.Contains(summaries(diags), "Variables not allowed") && !strings.Contains(summaries(diags), "Unknown variable") {
		t.Fatalf("a condition on a message value: %s", summaries(diags))
	}
}
