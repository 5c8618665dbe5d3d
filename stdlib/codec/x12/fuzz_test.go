package x12

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse must never panic, and what it returns must hold together:
// documents only for sets without errors, positions inside the data.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.edi"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(small850()))
	f.Fuzz(func(t *testing.T, data []byte) {
		ics, err := ParseAll(data)
		if len(ics) == 0 && err == nil {
			t.Fatal("no interchange and no error")
		}
		var es Errors
		if err != nil {
			var ok bool
			if es, ok = err.(Errors); !ok || len(es) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
		}
		for _, e := range es {
			if e.Offset < 0 || e.Offset > len(data) {
				t.Fatalf("offset %d outside the data (%d bytes): %v", e.Offset, len(data), e)
			}
			if e.Reason != ReasonEnvelope && e.Reason != ReasonSyntax {
				t.Fatalf("reason %q", e.Reason)
			}
			_ = e.Error()
		}
		for _, ic := range ics {
			for _, e := range ic.AllErrors() {
				if e.Segment < 0 || e.Segment > len(ic.Segments)+1 {
					t.Fatalf("segment %d outside the interchange (%d segments): %v", e.Segment, len(ic.Segments), e)
				}
			}
			for _, g := range ic.Groups {
				for _, s := range g.Sets {
					if (s.Doc != nil) == (s.Err() != nil) {
						t.Fatalf("set %s %s: document %v, errors %v", s.ID, s.Control, s.Doc != nil, s.Err())
					}
					if s.Doc != nil {
						if bad := conforms(s.ID, s.Doc, Schema(s.ID)); len(bad) > 0 && len(s.Warnings) == 0 {
							t.Fatalf("document does not fit its schema: %v", bad)
						}
					}
				}
			}
		}
	})
}
