package connectors

import (
	"testing"

	"github.com/transload/transload/engine/connector"
)

// TestSpecsAreDocumented fails when a setting has no doc or no example:
// the specs are the generated connector documentation.
func TestSpecsAreDocumented(t *testing.T) {
	var check func(where string, s *connector.ConfigSpec)
	check = func(where string, s *connector.ConfigSpec) {
		if s.Doc == "" {
			t.Errorf("%s has no doc", where)
		}
		for _, a := range s.Attrs {
			if a.Doc == "" || a.Example == "" {
				t.Errorf("%s setting %s needs a doc and an example", where, a.Name)
			}
		}
		for _, b := range s.Blocks {
			if b.Doc == "" {
				t.Errorf("%s block %s has no doc", where, b.Name)
			}
			check(where+" "+b.Name, b.Spec)
		}
	}
	for _, f := range Sources() {
		check(f.Type+" source", f.Spec)
	}
	for _, f := range Sinks() {
		check(f.Type+" sink", f.Spec)
	}
}

func TestRegisterTwiceFails(t *testing.T) {
	r := connector.NewRegistry()
	if err := Register(r); err != nil {
		t.Fatal(err)
	}
	if err := Register(r); err == nil {
		t.Fatal("registering the same types twice succeeded")
	}
}
