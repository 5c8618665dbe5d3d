package funcs

import "github.com/transload/transload/builtin"

// Maps returns the transload.maps library: building a map from another,
// which a mapping needs to add a reference to those a document already
// carries (CEL has no map update, and a field override replaces a whole
// map).
func Maps() *builtin.Library {
	return library("transload.maps",
		"Maps built from maps: add or replace entries of a document's references, attributes or headers without listing the others.",
		mergeFunc(),
	)
}

func mergeFunc() *builtin.Function {
	return &builtin.Function{
		Name: "merge",
		Doc: "Returns a map with the entries of both maps; where both have a key, the second map's value wins. Neither argument " +
			"changes. merge(input.references, {'erp_ship_to': row.code}) adds one reference and keeps the others.",
		Overloads: []builtin.Overload{{
			Params: params(builtin.MapOf(tParam), builtin.MapOf(tParam)), Result: builtin.MapOf(tParam),
			Cost: costList,
			Impl: func(a []any) (any, error) {
				base, over := a[0].(map[string]any), a[1].(map[string]any)
				out := make(map[string]any, len(base)+len(over))
				for k, v := range base {
					out[k] = v
				}
				for k, v := range over {
					out[k] = v
				}
				return out, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "merge({'po': 'PO-1', 'dept': '12'}, {'dept': '14', 'store': '0042'})", Want: `{"dept":"14","po":"PO-1","store":"0042"}`},
			{Expr: "merge({'po': 'PO-1'}, {})", Want: `{"po":"PO-1"}`},
		},
	}
}
