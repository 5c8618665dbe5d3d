package engine

import (
	"sort"
	"strconv"

	"github.com/transload/transload/builtin"
)

// Change is one difference between two documents: the path of the value
// ("lines[1].unit_price.amount"), its old and its new value as canonical
// JSON ("" when absent).
type Change struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// DiffDocs lists the differences between two native documents, field by
// field, in path order. Money and quantities compare as their canonical
// JSON; lists compare element by element.
func DiffDocs(old, new any) []Change {
	var out []Change
	diffInto(&out, "", old, new)
	return out
}

func diffInto(out *[]Change, path string, a, b any) {
	a, b = expand(a), expand(b)
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			p := k
			if path != "" {
				p = path + "." + k
			}
			diffInto(out, p, am[k], bm[k])
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok {
		for i := 0; i < max(len(al), len(bl)); i++ {
			var x, y any
			if i < len(al) {
				x = al[i]
			}
			if i < len(bl) {
				y = bl[i]
			}
			diffInto(out, path+"["+strconv.Itoa(i)+"]", x, y)
		}
		return
	}
	fa, fb := render(a), render(b)
	if fa != fb {
		*out = append(*out, Change{Path: path, Old: fa, New: fb})
	}
}

// expand shows money and quantities as their fields, so a change reads
// "total.amount: 10.00 → 10.75".
func expand(v any) any {
	switch x := v.(type) {
	case builtin.Money:
		return map[string]any{"amount": x.Amount, "currency": x.Currency}
	case builtin.Quantity:
		return map[string]any{"value": x.Value, "uom": x.UOM}
	}
	return v
}

func render(v any) string {
	if v == nil {
		return ""
	}
	return builtin.Format(v)
}
