package engine

import (
	"fmt"
	"strings"
)

// nodesFor returns every node in topological order, or one flow's.
func (g *Graph) nodesFor(flow string) []*Node {
	if flow == "" {
		return g.Order
	}
	return g.FlowNodes(flow)
}

// Dot renders the graph (or one flow) in Graphviz dot syntax.
func (g *Graph) Dot(flow string) string {
	var b strings.Builder
	b.WriteString("digraph transload {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n")
	nodes := g.nodesFor(flow)
	in := map[*Node]bool{}
	for _, n := range nodes {
		in[n] = true
		fmt.Fprintf(&b, "  %q [label=%q, shape=%s];\n", n.ID, n.Label, dotShape(n.Kind))
	}
	for _, n := range nodes {
		for _, e := range n.Out {
			if !in[e.To] {
				continue
			}
			if e.Label != "" {
				fmt.Fprintf(&b, "  %q -> %q [label=%q];\n", n.ID, e.To.ID, e.Label)
			} else {
				fmt.Fprintf(&b, "  %q -> %q;\n", n.ID, e.To.ID)
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func dotShape(k NodeKind) string {
	switch k {
	case NodeSource:
		return "invhouse"
	case NodeFlow:
		return "cylinder"
	case NodeSink:
		return "house"
	}
	return "box"
}

// Mermaid renders the graph (or one flow) as a Mermaid flowchart.
func (g *Graph) Mermaid(flow string) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	nodes := g.nodesFor(flow)
	ids := map[*Node]string{}
	for i, n := range nodes {
		ids[n] = fmt.Sprintf("n%d", i)
		open, close := mermaidShape(n.Kind)
		fmt.Fprintf(&b, "  %s%s\"%s\"%s\n", ids[n], open, strings.ReplaceAll(n.Label, `"`, "'"), close)
	}
	for _, n := range nodes {
		for _, e := range n.Out {
			to, ok := ids[e.To]
			if !ok {
				continue
			}
			if e.Label != "" {
				fmt.Fprintf(&b, "  %s -- \"%s\" --> %s\n", ids[n], e.Label, to)
			} else {
				fmt.Fprintf(&b, "  %s --> %s\n", ids[n], to)
			}
		}
	}
	return b.String()
}

func mermaidShape(k NodeKind) (string, string) {
	switch k {
	case NodeSource:
		return "[/", "/]"
	case NodeFlow:
		return "[(", ")]"
	case NodeSink:
		return "[[", "]]"
	}
	return "[", "]"
}
