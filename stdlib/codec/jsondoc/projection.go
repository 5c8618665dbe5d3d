package jsondoc

import (
	"slices"
	"strings"
)

// Projection says which parts of a document are materialised. It mirrors
// the document: Fields selects object (or map) keys, Elem applies to every
// element of an array. All keeps the whole value below this point. A nil
// *Projection keeps everything.
//
// An empty Projection (not All, no Fields, no Elem) keeps nothing below
// this point: an object becomes an empty map (its required fields are still
// checked), an array a list whose elements are projected the same way.
// Scalars (strings, numbers, money, timestamps…) ignore projections: they
// are materialised whenever they are reached. A projection whose shape does
// not fit the value (Fields on an array, Elem on an object) keeps the whole
// value: decoding more than asked is safe, less is not.
type Projection struct {
	All    bool
	Fields map[string]*Projection
	Elem   *Projection
}

// NewProjection builds the projection of the variable root from the paths
// a compiled program reads (builtin.Program.Reads): "input.id",
// "input.line_items[].sku", "input" (the whole value), "input.line_items#"
// (the list's length: every element, as nothing unless another path
// reads more of it). A path that stops at
// an object keeps that whole subtree; paths of other variables are ignored;
// a segment it cannot parse keeps everything from there. With no path of
// root, nothing of the document is read, and the result is an empty
// Projection.
func NewProjection(paths []string, root string) *Projection {
	p := &Projection{}
	for _, path := range paths {
		if !strings.HasPrefix(path, root) {
			continue
		}
		rest := path[len(root):]
		if rest != "" && rest[0] != '.' && rest[0] != '[' {
			continue // "inputs.x" is not a path of "input"
		}
		p.add(rest)
		if p.All {
			break
		}
	}
	return p
}

// add merges one path (".a[].b", relative to p) into p.
func (p *Projection) add(rest string) {
	node := p
	for !node.All {
		switch {
		case rest == "":
			*node = Projection{All: true}
			return
		case rest == "#":
			if node.Elem == nil {
				node.Elem = &Projection{}
			}
			return
		case strings.HasPrefix(rest, "[]"):
			rest = rest[2:]
			if node.Elem == nil {
				node.Elem = &Projection{}
			}
			node = node.Elem
		case rest[0] == '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[#")
			if end < 0 {
				end = len(rest)
			}
			name := rest[:end]
			rest = rest[end:]
			if name == "" {
				*node = Projection{All: true}
				return
			}
			if node.Fields == nil {
				node.Fields = map[string]*Projection{}
			}
			next := node.Fields[name]
			if next == nil {
				next = &Projection{}
				node.Fields[name] = next
			}
			node = next
		default:
			// An index or anything else Reads does not produce: keep all.
			*node = Projection{All: true}
			return
		}
	}
}

// keepsAll reports whether p keeps everything.
func (p *Projection) keepsAll() bool { return p == nil || p.All }

func (p *Projection) empty() bool {
	return p != nil && !p.All && len(p.Fields) == 0 && p.Elem == nil
}

// Paths lists the paths p keeps, relative to root, sorted: the inverse of
// NewProjection, for tests and diagnostics.
func (p *Projection) Paths(root string) []string {
	var out []string
	var walk func(p *Projection, prefix string)
	walk = func(p *Projection, prefix string) {
		if p.keepsAll() {
			out = append(out, prefix)
			return
		}
		for k, sub := range p.Fields {
			walk(sub, prefix+"."+k)
		}
		if p.Elem != nil && p.Elem.empty() && len(p.Fields) == 0 {
			out = append(out, prefix+"#")
		} else if p.Elem != nil {
			walk(p.Elem, prefix+"[]")
		}
	}
	walk(p, root)
	slices.Sort(out)
	return out
}
