package x12

import (
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
)

func TestSchemaNames(t *testing.T) {
	ts := builtin.NewTypes()
	for _, id := range append(SetIDs(), "940") {
		if err := ts.Add(Schema(id)); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
	for _, name := range []string{
		"x12.850", "x12.850.N9Loop", "x12.850.N1Loop", "x12.850.PO1Loop",
		"x12.855", "x12.855.PO1Loop", "x12.856", "x12.856.HLLoop", "x12.856.N1Loop",
		"x12.810", "x12.810.N1Loop", "x12.810.IT1Loop", "x12.997", "x12.997.AK2Loop", "x12.997.AK3Loop",
		"x12.Generic", "x12.ISA", "x12.GS", "x12.ST", "x12.SE", "x12.PO1", "x12.PO4", "x12.REF", "x12.HL",
	} {
		if ts.Lookup(name) == nil {
			t.Errorf("no type %s", name)
		}
	}
	wantList(t, SetIDs(), "810", "850", "855", "856", "997")
	// Every field says what it is.
	for _, name := range ts.Names() {
		for _, f := range ts.Lookup(name).Fields {
			if f.Doc == "" {
				t.Errorf("%s.%s has no doc", name, f.Name)
			}
		}
	}
	po1 := Schema("850").Field("PO1").Type.Elem
	want(t, po1.Field("PO1").Required, true)
	want(t, po1.Field("SAC").Type.String(), "list(x12.SAC)")
	want(t, po1.Field("SLN").Type.String(), "list(map(string, string))") // in the loop, not described
	want(t, Schema("850").Field("BEG").Required, true)
	ref := Schema("850").Field("REF").Type.Elem
	want(t, ref.Field("REF04_01") != nil && ref.Field("REF04") == nil, true)
	want(t, ref.Field("REF01").Doc, "Reference Identification Qualifier (ID)")
}

// TestSchemaExpressions type-checks expressions against the 850 schema
// and runs them on a parsed document, in both dialects.
func TestSchemaExpressions(t *testing.T) {
	ts := builtin.NewTypes()
	if err := ts.Add(Schema("850")); err != nil {
		t.Fatal(err)
	}
	env, err := builtin.NewEnv(builtin.NewRegistry(), ts, builtin.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	scope, err := env.Scope([]builtin.Var{{Name: "po", Type: Schema("850")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ic, err := Parse(readTestdata(t, "x12_850_vics_po4_pack_4010.edi"))
	if err != nil {
		t.Fatal(err)
	}
	var vars builtin.Vars
	vars.Set("po", ic.Groups[0].Sets[0].Doc)
	for _, d := range []builtin.Dialect{builtin.CEL, builtin.Expr} {
		for _, c := range []struct{ src, want string }{
			{"po.BEG.BEG03", "08292233294"},
			{"po.ISA.ISA06 + '/' + po.GS.GS06", "4405197800/1421"},
			{"po.PO1[2].PO4.PO401", "6"},
			{"po.PO1[5].PID[0].PID05", "ORANGE WIDGET"},
			{"po.N1[0].N4.N403", "44139"},
		} {
			p, iss := scope.Compile(d, c.src, nil)
			if iss != nil {
				t.Errorf("%s: %s: %v", d, c.src, iss)
				continue
			}
			got, err := p.Eval(&vars)
			if err != nil {
				t.Errorf("%s: %s: %v", d, c.src, err)
				continue
			}
			if got != c.want {
				t.Errorf("%s: %s = %v, want %s", d, c.src, got, c.want)
			}
		}
	}
	// A typo is a load error.
	if _, iss := scope.Compile(builtin.CEL, "po.PO1[0].PO1.PO14", nil); iss == nil || !strings.Contains(iss.Error(), "PO14") {
		t.Errorf("typo compiled: %v", iss)
	}
}
