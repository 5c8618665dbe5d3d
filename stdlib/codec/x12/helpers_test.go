package x12

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// path walks a document: string steps are object keys, int steps list
// indexes. It returns nil when the path does not exist.
func path(v any, steps ...any) any {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, steps ...any) string {
	s, _ := path(v, steps...).(string)
	return s
}

func count(v any, steps ...any) int {
	l, _ := path(v, steps...).([]any)
	return len(l)
}

// column collects one string field from every object of a list:
// column(doc, []any{"PO1"}, "PO4", "PO401").
func column(v any, list []any, field ...any) []string {
	l, _ := path(v, list...).([]any)
	out := make([]string, len(l))
	for i, item := range l {
		out[i] = str(item, field...)
	}
	return out
}

// conforms reports every place where v does not fit typ: a key the type
// does not declare, a required field missing, a value of the wrong kind.
func conforms(at string, v any, typ *builtin.Type) []string {
	var out []string
	switch typ.Kind {
	case builtin.KindAny:
	case builtin.KindString:
		if _, ok := v.(string); !ok {
			out = append(out, fmt.Sprintf("%s: want string, have %T", at, v))
		}
	case builtin.KindList:
		l, ok := v.([]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: want list, have %T", at, v))
		}
		for i, e := range l {
			out = append(out, conforms(fmt.Sprintf("%s[%d]", at, i), e, typ.Elem)...)
		}
	case builtin.KindMap:
		m, ok := v.(map[string]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: want map, have %T", at, v))
		}
		for k, e := range m {
			out = append(out, conforms(at+"."+k, e, typ.Elem)...)
		}
	case builtin.KindObject:
		m, ok := v.(map[string]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: want %s, have %T", at, typ.Name, v))
		}
		for k, e := range m {
			f := typ.Field(k)
			if f == nil {
				out = append(out, fmt.Sprintf("%s: %s has no field %q", at, typ.Name, k))
				continue
			}
			out = append(out, conforms(at+"."+k, e, f.Type)...)
		}
		for _, f := range typ.Fields {
			if _, ok := m[f.Name]; f.Required && !ok {
				out = append(out, fmt.Sprintf("%s: required field %s.%s is missing", at, typ.Name, f.Name))
			}
		}
	default:
		out = append(out, fmt.Sprintf("%s: unexpected type %s", at, typ))
	}
	sort.Strings(out)
	return out
}

// testISA returns a standard 106-byte ISA.
func testISA(version, control string, rep, comp byte) string {
	return fmt.Sprintf("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*%c*%s*%s*0*P*%c~",
		rep, version, control, comp)
}

// set850 is a small valid 850 with control number ctl: 10 segments.
func set850(ctl string) string {
	return "ST*850*" + ctl + "~BEG*00*SA*PO-" + ctl + "**20240101~N1*ST*SHIP TO~N3*1 MAIN ST~N4*CITY*OH*44139~" +
		"PO1*1*10*EA*1.50**VP*ABC~PID*F****WIDGET~PO4*12*1*EA~CTT*1~SE*10*" + ctl + "~"
}

// small850 is an interchange holding one set850: ISA is segment 1, GS 2,
// ST 3, SE 12, GE 13, IEA 14.
func small850() string {
	return testISA("00401", "000000001", 'U', '>') + "GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010~" +
		set850("0001") + "GE*1*1~IEA*1*000000001~"
}

func errorSummary(es Errors) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%d %s %d %s %s", e.Segment, e.SegmentID, e.Element, e.Reason, e.Code)
	}
	return out
}

func asErrors(t *testing.T, err error) Errors {
	t.Helper()
	if err == nil {
		return nil
	}
	es, ok := err.(Errors)
	if !ok {
		t.Fatalf("error is %T, want Errors", err)
	}
	return es
}

func sameStrings(a, b []string) bool { return strings.Join(a, "|") == strings.Join(b, "|") }
