package x12

import (
	"sort"
	"sync"

	"github.com/transload/transload/builtin"
)

// Schema returns the type of the document Parse builds for a transaction
// set whose ST01 is set: "x12.850", "x12.855", "x12.856", "x12.810" or
// "x12.997", and the generic "x12.Generic" for any other set. The types
// are built once and shared; do not modify them.
//
// Segments the dictionary describes are object types named after the
// segment ("x12.PO1", "x12.N1"), shared by all sets, with one string field
// per element ("PO102") or component ("REF04_01"). Segments a loop may
// hold but that the dictionary does not describe are map(string, string)
// keyed the same way. Loops are object types named after the set and the
// loop's first segment ("x12.850.PO1Loop").
func Schema(set string) *builtin.Type {
	schemaOnce.Do(buildSchemas)
	if t, ok := schemaTypes[set]; ok {
		return t
	}
	return genericType
}

// SetIDs lists the transaction sets that have a schema of their own.
func SetIDs() []string {
	ids := make([]string, 0, len(sets))
	for id := range sets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

var (
	schemaOnce  sync.Once
	schemaTypes map[string]*builtin.Type
	genericType *builtin.Type
)

func buildSchemas() {
	segTypes := map[string]*builtin.Type{}
	segType := func(id string) *builtin.Type {
		if t := segTypes[id]; t != nil {
			return t
		}
		ss := segments[id]
		// The envelope's elements are checked at interchange and group
		// level, which does not stop a set's document: none is promised.
		envelope := id == "ISA" || id == "GS"
		var fields []*builtin.Field
		for _, e := range ss.elems {
			req := e.req == 'M' && !envelope
			doc := e.name + " (" + e.typName + ")"
			if e.typ != typeComposite {
				fields = append(fields, &builtin.Field{Name: e.key, Type: builtin.StringType, Required: req, Doc: doc})
				continue
			}
			for j, k := range e.compKeys {
				fields = append(fields, &builtin.Field{Name: k, Type: builtin.StringType, Required: req && j == 0,
					Doc: e.name + ", component " + twoDigits(j+1)})
			}
		}
		t := builtin.ObjectType("x12."+id, fields...)
		t.Doc = ss.name + "."
		segTypes[id] = t
		return t
	}
	rawSegment := builtin.MapOf(builtin.StringType)
	envelope := func() []*builtin.Field {
		return []*builtin.Field{
			{Name: "ISA", Type: segType("ISA"), Required: true, Doc: "The interchange header, fields trimmed of padding."},
			{Name: "GS", Type: segType("GS"), Required: true, Doc: "The functional group header."},
			{Name: "ST", Type: segType("ST"), Required: true, Doc: "The transaction set header."},
			{Name: "SE", Type: segType("SE"), Required: true, Doc: "The transaction set trailer."},
		}
	}
	loopTypes := map[*loopSpec]*builtin.Type{}
	var loopType func(l *loopSpec, fields []*builtin.Field) *builtin.Type
	loopType = func(l *loopSpec, fields []*builtin.Field) *builtin.Type {
		if t := loopTypes[l]; t != nil {
			return t
		}
		t := builtin.ObjectType(l.typeName)
		loopTypes[l] = t
		for _, f := range fields {
			t.AddField(f)
		}
		if l.trigger != "" {
			t.Doc = "One " + l.trigger + " loop."
			t.AddField(&builtin.Field{Name: l.trigger, Type: segType(l.trigger), Required: true, Doc: segments[l.trigger].name + "."})
		}
		for _, m := range l.members {
			f := &builtin.Field{Name: m.id, Required: m.required}
			switch {
			case m.loop != nil:
				f.Type = builtin.ListOf(loopType(m.loop, nil))
				f.Doc = "The " + m.id + " loops."
			case segments[m.id] != nil:
				f.Type = segType(m.id)
				f.Doc = segments[m.id].name + "."
			default:
				f.Type = rawSegment
				f.Doc = "Segment " + m.id + ", elements keyed by position (" + m.id + "01, …)."
			}
			if m.loop == nil && m.many {
				f.Type = builtin.ListOf(f.Type)
				f.Doc += " Repeatable."
			}
			t.AddField(f)
		}
		return t
	}
	schemaTypes = map[string]*builtin.Type{}
	for id, s := range sets {
		t := loopType(s.root, envelope())
		t.Doc = "X12 " + id + " " + s.name + "."
		schemaTypes[id] = t
	}
	genericType = builtin.ObjectType("x12.Generic", append(envelope(), &builtin.Field{
		Name: "segments", Type: builtin.ListOf(rawSegment), Required: true,
		Doc: `The segments between ST and SE in order; each has "id" and its elements keyed by position ("REF02").`,
	})...)
	genericType.Doc = "A transaction set this package has no schema for."
}
