package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/dsl"
)

// NodeKind is the kind of a graph node.
type NodeKind string

// The node kinds.
const (
	NodeSource NodeKind = "source" // where a flow's events enter
	NodeFlow   NodeKind = "flow"   // a flow's inbox, which sources and routes feed
	NodeStep   NodeKind = "step"   // one step of a flow
	NodeSink   NodeKind = "sink"   // a shared destination
)

// Node is one vertex of the execution graph.
type Node struct {
	ID     string
	Kind   NodeKind
	Flow   string
	Label  string
	Step   *dsl.Step
	Sink   *dsl.Sink
	Source *dsl.Source
	Range  hcl.Range
	Out    []*Edge
	In     []*Edge
}

// Edge connects two nodes; Label names the route case, if any.
type Edge struct {
	From, To *Node
	Label    string
}

// Graph is the compiled execution graph of a configuration: flows, their
// steps with compiled programs, the sinks they deliver to, and the routes
// between flows. The runner executes it directly.
type Graph struct {
	Config *dsl.Config
	Nodes  map[string]*Node
	// Order is a topological order: every node comes after the nodes with
	// edges into it. Start nodes in reverse order (downstream first) and
	// stop them in this order (upstream first) so that work drains.
	Order []*Node
	// Flows maps a flow name to its inbox node.
	Flows map[string]*Node
}

// Build compiles a checked configuration into the execution graph. A cycle
// between flows is an error that names every node in the cycle.
func Build(cfg *dsl.Config) (*Graph, hcl.Diagnostics) {
	g := &Graph{Config: cfg, Nodes: map[string]*Node{}, Flows: map[string]*Node{}}
	add := func(n *Node) *Node {
		g.Nodes[n.ID] = n
		return n
	}
	connect := func(from, to *Node, label string) {
		e := &Edge{From: from, To: to, Label: label}
		from.Out = append(from.Out, e)
		to.In = append(to.In, e)
	}
	for _, name := range sortedKeys(cfg.Sinks) {
		s := cfg.Sinks[name]
		add(&Node{ID: "sink." + name, Kind: NodeSink, Label: s.Type + " " + name, Sink: s, Range: s.DeclRange})
	}
	for _, name := range sortedKeys(cfg.Flows) {
		f := cfg.Flows[name]
		g.Flows[name] = add(&Node{ID: "flow." + name, Kind: NodeFlow, Flow: name, Label: name, Range: f.DeclRange})
	}
	for _, name := range sortedKeys(cfg.Flows) {
		f := cfg.Flows[name]
		inbox := g.Flows[name]
		for i, s := range f.Sources {
			src := add(&Node{ID: fmt.Sprintf("flow.%s.source.%d", name, i), Kind: NodeSource, Flow: name, Label: s.Type, Source: s, Range: s.DeclRange})
			connect(src, inbox, "")
		}
		if f.RejectionsTo != "" {
			// The messages whose decode rejects a document go, as they
			// came, to the rejections flow too.
			if target := g.Flows[f.RejectionsTo]; target != nil {
				connect(inbox, target, "rejections")
			}
		}
		prev := inbox
		for _, st := range f.Steps {
			n := add(&Node{ID: "flow." + name + ".step." + st.Name, Kind: NodeStep, Flow: name, Label: string(st.Kind) + " " + st.Name, Step: st, Range: st.DeclRange})
			connect(prev, n, "")
			prev = n
			if st.Deliver != nil {
				connect(n, g.Nodes["sink."+st.Deliver.Sink.Name], "")
			}
			if st.Route != nil {
				cases := append([]*dsl.RouteCase{}, st.Route.Cases...)
				if st.Route.Default != nil {
					cases = append(cases, st.Route.Default)
				}
				for _, c := range cases {
					for _, t := range c.Targets {
						target := g.Nodes[t.Kind+"."+t.Name]
						if target != nil {
							connect(n, target, c.Name)
						}
					}
				}
			}
		}
	}
	diags := g.sortTopologically()
	return g, diags
}

// sortTopologically orders the nodes (Kahn's algorithm over the sorted IDs,
// so the order is stable) and reports each strongly connected component as
// a cycle naming all its nodes.
func (g *Graph) sortTopologically() hcl.Diagnostics {
	indeg := map[*Node]int{}
	ids := sortedKeys(g.Nodes)
	for _, id := range ids {
		n := g.Nodes[id]
		indeg[n] += 0
		for _, e := range n.Out {
			indeg[e.To]++
		}
	}
	var queue []*Node
	for _, id := range ids {
		if n := g.Nodes[id]; indeg[n] == 0 {
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		g.Order = append(g.Order, n)
		for _, e := range n.Out {
			indeg[e.To]--
			if indeg[e.To] == 0 {
				queue = append(queue, e.To)
			}
		}
	}
	if len(g.Order) == len(g.Nodes) {
		return nil
	}
	var diags hcl.Diagnostics
	for _, scc := range g.cycles() {
		names := make([]string, len(scc))
		for i, n := range scc {
			names[i] = n.ID
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cycle between flows",
			Detail:   fmt.Sprintf("These nodes form a cycle, so a message could circulate forever: %s → %s.", strings.Join(names, " → "), names[0]),
			Subject:  scc[0].Range.Ptr(),
		})
	}
	return diags
}

// cycles returns the strongly connected components with more than one node
// (Tarjan's algorithm), each in the order of a path around the cycle.
func (g *Graph) cycles() [][]*Node {
	index := map[*Node]int{}
	low := map[*Node]int{}
	onStack := map[*Node]bool{}
	var stack []*Node
	var out [][]*Node
	next := 0
	var strong func(n *Node)
	strong = func(n *Node) {
		index[n], low[n] = next, next
		next++
		stack = append(stack, n)
		onStack[n] = true
		for _, e := range n.Out {
			w := e.To
			if _, seen := index[w]; !seen {
				strong(w)
				low[n] = min(low[n], low[w])
			} else if onStack[w] {
				low[n] = min(low[n], index[w])
			}
		}
		if low[n] == index[n] {
			var comp []*Node
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == n {
					break
				}
			}
			if len(comp) > 1 {
				out = append(out, cyclePath(comp))
			}
		}
	}
	for _, id := range sortedKeys(g.Nodes) {
		if n := g.Nodes[id]; index[n] == 0 && !onStackOrSeen(index, n) {
			strong(n)
		}
	}
	return out
}

func onStackOrSeen(index map[*Node]int, n *Node) bool {
	_, ok := index[n]
	return ok
}

// cyclePath orders a component along its edges, starting from its first
// flow inbox (or its smallest ID), so the message reads as a path.
func cyclePath(comp []*Node) []*Node {
	in := map[*Node]bool{}
	for _, n := range comp {
		in[n] = true
	}
	sort.Slice(comp, func(i, j int) bool { return comp[i].ID < comp[j].ID })
	start := comp[0]
	for _, n := range comp {
		if n.Kind == NodeFlow {
			start = n
			break
		}
	}
	path := []*Node{start}
	seen := map[*Node]bool{start: true}
	for cur := start; ; {
		var next *Node
		for _, e := range cur.Out {
			if in[e.To] && !seen[e.To] {
				next = e.To
				break
			}
		}
		if next == nil {
			break
		}
		path = append(path, next)
		seen[next] = true
		cur = next
	}
	for _, n := range comp {
		if !seen[n] {
			path = append(path, n)
		}
	}
	return path
}

// FlowNodes returns the nodes of one flow (sources, inbox, steps) and the
// sinks and flows it sends to, in topological order.
func (g *Graph) FlowNodes(flow string) []*Node {
	var out []*Node
	keep := map[*Node]bool{}
	for _, n := range g.Order {
		if n.Flow == flow && n.Kind != NodeFlow || n.ID == "flow."+flow {
			keep[n] = true
			for _, e := range n.Out {
				keep[e.To] = true
			}
		}
	}
	for _, n := range g.Order {
		if keep[n] {
			out = append(out, n)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
