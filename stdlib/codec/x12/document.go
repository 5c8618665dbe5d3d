package x12

import (
	"fmt"
	"strings"
)

// frame is one open loop instance while a set is read.
type frame struct {
	loop  *loopSpec
	obj   map[string]any // nil once the set has an error: no document is built then
	seen  uint64         // members met so far, by index in loop.members
	lists []pending      // repeated members and unknown segments, moved into obj when the loop closes
}

type pending struct {
	key   string
	items []any
}

func (f *frame) add(key string, v any) {
	for i := range f.lists {
		if f.lists[i].key == key {
			f.lists[i].items = append(f.lists[i].items, v)
			return
		}
	}
	f.lists = append(f.lists, pending{key: key, items: []any{v}})
}

// buildSet validates the segments of st against its set's structure and
// dictionary entries and, when no error turns up, builds st.Doc.
func (p *parser) buildSet(ic *Interchange, g *Group, st *Set) {
	spec := sets[st.ID]
	if spec == nil {
		if len(st.Errors) == 0 {
			st.Doc = p.genericDoc(ic, g, st)
		}
		return
	}
	body := st.Segments[1:]
	if st.hasSE {
		body = body[:len(body)-1]
	}
	ok := func() bool { return len(st.Errors) == 0 }
	var root map[string]any
	if ok() {
		root = make(map[string]any, 16)
		p.putEnvelope(root, ic, g, st)
	}
	stack := p.stack[:0]
	push := func(l *loopSpec, obj map[string]any) {
		// Frames, and their pending lists, are reused from set to set.
		if len(stack) < cap(stack) {
			stack = stack[:len(stack)+1]
			f := &stack[len(stack)-1]
			f.loop, f.obj, f.seen, f.lists = l, obj, 0, f.lists[:0]
			return
		}
		stack = append(stack, frame{loop: l, obj: obj})
	}
	push(spec.root, root)
	closeTop := func(at *Segment) {
		f := &stack[len(stack)-1]
		p.closeFrame(f, st, at, ok())
		stack = stack[:len(stack)-1]
	}
	var hl map[string]bool
	for k := range body {
		sg := &body[k]
		ss := segments[sg.ID]
		if ss != nil {
			st.Errors = p.checkElements(ss, sg, st.Errors)
		}
		// The innermost open loop that knows the segment takes it; loops
		// inside it are closed.
		lvl, mi := -1, 0
		for l := len(stack) - 1; l >= 0; l-- {
			if idx, found := stack[l].loop.index[sg.ID]; found {
				lvl, mi = l, idx
				break
			}
		}
		if lvl < 0 {
			if isSegmentID(sg.ID) {
				st.Warnings = append(st.Warnings, p.errAt(sg, 0, ReasonSyntax, "",
					"segment %s is not part of the %s as this package knows it; it is kept under %q in the enclosing loop", sg.ID, st.ID, sg.ID))
			}
			if f := &stack[len(stack)-1]; ok() && f.obj != nil {
				f.add(sg.ID, p.segMap(ss, sg))
			}
			continue
		}
		for len(stack)-1 > lvl {
			closeTop(sg)
		}
		f := &stack[lvl]
		m := &f.loop.members[mi]
		switch {
		case m.loop != nil:
			f.seen |= 1 << mi
			var obj map[string]any
			if ok() && f.obj != nil {
				obj = make(map[string]any, 4)
				f.add(m.id, obj)
				obj[sg.ID] = p.segMap(ss, sg)
			}
			push(m.loop, obj)
		case !m.many && f.seen&(1<<mi) != 0:
			where := "the transaction set"
			if f.loop.trigger != "" {
				where = "one " + f.loop.trigger + " loop"
			}
			st.Errors = append(st.Errors, p.errAt(sg, 0, ReasonSyntax, "5",
				"%s may occur once in %s; this is its second occurrence", sg.ID, where))
		default:
			f.seen |= 1 << mi
			if ok() && f.obj != nil {
				if m.many {
					f.add(m.id, p.segMap(ss, sg))
				} else {
					f.obj[m.id] = p.segMap(ss, sg)
				}
			}
		}
		if sg.ID == "HL" {
			if hl == nil {
				hl = map[string]bool{}
			}
			p.checkHL(st, sg, hl)
		}
	}
	end := &st.Segments[len(st.Segments)-1] // the SE, or the last segment of a cut-off set
	for len(stack) > 1 {
		closeTop(end)
	}
	// The root's mandatory segments are expected right after the ST.
	after := &st.Segments[min(1, len(st.Segments)-1)]
	closeTop(after)
	p.stack = stack[:0]
	if ok() {
		st.Doc = root
	}
}

// closeFrame checks the loop's mandatory members and moves its lists into
// its object.
func (p *parser) closeFrame(f *frame, st *Set, at *Segment, build bool) {
	for i, m := range f.loop.members {
		if m.required && f.seen&(1<<i) == 0 {
			e := p.errAt(at, 0, ReasonSyntax, "3", "mandatory segment %s is missing", m.id)
			if f.loop.trigger != "" {
				e.Msg = fmt.Sprintf("mandatory segment %s is missing from the %s loop", m.id, f.loop.trigger)
			} else {
				e.Msg = fmt.Sprintf("mandatory segment %s is missing from the %s", m.id, st.ID)
			}
			e.SegmentID = m.id
			st.Errors = append(st.Errors, e)
		}
	}
	if build && f.obj != nil {
		for _, l := range f.lists {
			f.obj[l.key] = l.items
		}
	}
	f.lists = f.lists[:0]
}

// checkHL checks that HL01 is new and that HL02 names an earlier HL01, so
// that a mapping can walk from any level to its parents.
func (p *parser) checkHL(st *Set, sg *Segment, seen map[string]bool) {
	id, parent := sg.Element(1), sg.Element(2)
	if parent != "" && !seen[parent] {
		st.Errors = append(st.Errors, p.errAt(sg, 2, ReasonSyntax, "7", "HL02 %q does not name an earlier HL01", parent))
	}
	if id == "" {
		return
	}
	if seen[id] {
		st.Errors = append(st.Errors, p.errAt(sg, 1, ReasonSyntax, "7", "HL01 %q is used by an earlier HL", id))
	}
	seen[id] = true
}

// segMap turns a segment into its element object. ss may be nil for a
// segment the dictionary does not describe: its elements are then keyed by
// position and composites are not split.
func (p *parser) segMap(ss *segSpec, sg *Segment) map[string]any {
	els := sg.Elements
	n := 0
	for _, v := range els[1:] {
		if v != "" {
			n++
		}
	}
	m := make(map[string]any, n)
	for i := 1; i < len(els); i++ {
		v := els[i]
		if v == "" {
			continue
		}
		if ss == nil || i > len(ss.elems) {
			m[p.key(sg.ID, i)] = p.box(v)
			continue
		}
		e := &ss.elems[i-1]
		if e.typ != typeComposite {
			m[e.key] = p.box(v)
			continue
		}
		c := p.seps.Component
		if c == 0 {
			m[e.compKeys[0]] = p.box(v)
			continue
		}
		for j := 0; j < len(e.compKeys); j++ {
			part := v
			k := strings.IndexByte(v, c)
			if k >= 0 {
				part, v = v[:k], v[k+1:]
			}
			if part != "" {
				m[e.compKeys[j]] = p.box(part)
			}
			if k < 0 {
				break
			}
		}
	}
	return m
}

// key returns the element key "ZZZ04" for a segment outside the dictionary.
func (p *parser) key(id string, i int) string {
	ks := p.keys[id]
	if i < len(ks) {
		return ks[i]
	}
	if p.keys == nil {
		p.keys = map[string][]string{}
	}
	for len(ks) <= i {
		ks = append(ks, id+twoDigits(len(ks)))
	}
	p.keys[id] = ks
	return ks[i]
}

// putEnvelope adds the ISA, GS, ST and SE objects to a document. The ISA
// and GS values are boxed once per interchange and group and shared by
// the documents of their sets (interface values are immutable); each
// document still gets maps of its own.
func (p *parser) putEnvelope(doc map[string]any, ic *Interchange, g *Group, st *Set) {
	if p.isaOf != ic {
		p.isaOf = ic
		for i := 1; i <= 16; i++ {
			p.isaVals[i] = nil
			if v := trimPad(ic.ISA.Element(i)); v != "" {
				p.isaVals[i] = v
			}
		}
	}
	doc["ISA"] = envelopeMap(segments["ISA"], p.isaVals[1:])
	if g.GS.Index != 0 {
		if p.gsOf != g {
			// A GS problem is the group's, not the set's: keep to the
			// eight elements the schema declares even if the GS has more.
			p.gsOf = g
			for i := 1; i <= 8; i++ {
				p.gsVals[i] = nil
				if v := g.GS.Element(i); v != "" {
					p.gsVals[i] = v
				}
			}
		}
		doc["GS"] = envelopeMap(segments["GS"], p.gsVals[1:])
	}
	doc["ST"] = p.segMap(segments["ST"], &st.Segments[0])
	if st.hasSE {
		doc["SE"] = p.segMap(segments["SE"], &st.Segments[len(st.Segments)-1])
	}
}

func envelopeMap(ss *segSpec, vals []any) map[string]any {
	m := make(map[string]any, len(vals))
	for i, v := range vals {
		if v != nil {
			m[ss.elems[i].key] = v
		}
	}
	return m
}

// genericDoc is the document of a transaction set this package does not
// know: the envelope and the list of segments between ST and SE.
func (p *parser) genericDoc(ic *Interchange, g *Group, st *Set) map[string]any {
	doc := make(map[string]any, 5)
	p.putEnvelope(doc, ic, g, st)
	body := st.Segments[1:]
	if st.hasSE {
		body = body[:len(body)-1]
	}
	list := make([]any, len(body))
	for i := range body {
		m := p.segMap(nil, &body[i])
		m["id"] = body[i].ID
		list[i] = m
	}
	doc["segments"] = list
	return doc
}

// box returns v as an interface value. Short values (codes, qualifiers,
// units, small numbers) repeat across segments and sets: they are boxed
// once per parse and the interface value is shared, which saves an
// allocation per element. Interface values are immutable, so sharing is
// safe.
func (p *parser) box(v string) any {
	if len(v) > 3 {
		return v
	}
	if b, ok := p.boxes[v]; ok {
		return b
	}
	if p.boxes == nil {
		p.boxes = make(map[string]any, 256)
	}
	var b any = v
	if len(p.boxes) < 4096 {
		p.boxes[v] = b
	}
	return b
}
