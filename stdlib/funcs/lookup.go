package funcs

import (
	"maps"
	"regexp"
	"slices"

	"github.com/transload/transload/builtin"
)

// Lookup returns the transload.lookup library: reading the lookup tables
// (SKU cross-references, units, warehouses, tax jurisdictions) that flows
// declare.
func Lookup() *builtin.Library {
	return library("transload.lookup",
		"Reading lookup tables: a row by key, one column with a default, or whether a key exists. Tables are loaded with the flows and never change while a message is processed, so lookups are pure.",
		lookupFunc(), lookupValueFunc(), inTableFunc(),
	)
}

var (
	tParam = builtin.TypeParam("T")
	tTable = builtin.TableOf(tParam)
)

var reasonCode = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

func lookupFunc() *builtin.Function {
	impl := func(a []any) (any, error) {
		t, key := a[0].(*builtin.Table), a[1].(string)
		if row, ok := t.Get(key); ok {
			// A copy: the caller may build an output from it, and the
			// table is shared by every message.
			return maps.Clone(row), nil
		}
		reason := builtin.ReasonLookupMiss
		if len(a) == 3 {
			reason = a[2].(string)
			if !reasonCode.MatchString(reason) {
				return nil, invalidArg("lookup: reason %s is not a reason code (upper case letters, digits and _)", quote(reason))
			}
		}
		return nil, errf(reason, "table %s has no row with %s %s", t.Name, t.Key, quote(key))
	}
	return &builtin.Function{
		Name: "lookup",
		Doc: "Returns the row of a table whose key column is key; read its columns as fields. A key that is not in the table " +
			"fails with LOOKUP_MISS, or with the reason code given as the third argument, such as 'UNKNOWN_SKU', so that the dead " +
			"letter says what is wrong with the business data. A reason that is not a code (upper case letters, digits and _) " +
			"fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{
			{Params: params(tTable, tStr), Result: tParam, Impl: impl, Cost: builtin.Cost{Fixed: 2}},
			{Params: params(tTable, tStr, tStr), Result: tParam, Impl: impl, Cost: builtin.Cost{Fixed: 2}},
		},
		Examples: []builtin.Example{
			{Expr: "lookup(items, 'CASE-12').units_per", Want: `"12"`},
			{Expr: "lookup(items, 'A-100')", Want: `{"base_uom":"EA","sku":"A-100","units_per":"1"}`},
			{Expr: "lookup(items, 'B-200')", Err: builtin.ReasonLookupMiss},
			{Expr: "lookup(items, 'B-200', 'UNKNOWN_SKU')", Err: "UNKNOWN_SKU"},
		},
	}
}

func lookupValueFunc() *builtin.Function {
	return &builtin.Function{
		Name: "lookup_value",
		Doc: "Returns one column of the row of a table whose key column is key, or default when the key is not in the table or " +
			"the cell is empty: for optional cross-references such as a warehouse override. A column the table does not have is " +
			"a mistake in the flow, not in the data: it fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tTable, tStr, tStr, tStr), Result: tStr,
			// The cell's size is the table's business, not the arguments':
			// take the engine's default string size.
			Cost: builtin.Cost{Fixed: 2, ResultSize: 256},
			Impl: func(a []any) (any, error) {
				t, key, col, def := a[0].(*builtin.Table), a[1].(string), a[2].(string), a[3].(string)
				if !slices.Contains(t.Columns, col) {
					return nil, invalidArg("lookup_value: table %s has no column %s (columns: %v)", t.Name, quote(col), t.Columns)
				}
				row, ok := t.Get(key)
				if !ok {
					return def, nil
				}
				if v, ok := row[col].(string); ok && v != "" {
					return v, nil
				}
				return def, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "lookup_value(items, 'CASE-12', 'base_uom', 'EA')", Want: `"EA"`},
			{Expr: "lookup_value(items, 'B-200', 'units_per', '1')", Want: `"1"`},
			{Expr: "lookup_value(items, 'A-100', 'colour', '')", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func inTableFunc() *builtin.Function {
	return &builtin.Function{
		Name: "in_table",
		Doc:  "Reports whether a table has a row whose key column is key. It never fails.",
		Overloads: []builtin.Overload{{
			Params: params(tTable, tStr), Result: tBool,
			Impl: func(a []any) (any, error) {
				_, ok := a[0].(*builtin.Table).Get(a[1].(string))
				return ok, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "in_table(items, 'A-100')", Want: "true"},
			{Expr: "in_table(items, 'a-100')", Want: "false"},
		},
	}
}
