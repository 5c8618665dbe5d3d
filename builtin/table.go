package builtin

import (
	"fmt"
	"sort"
)

// Table is a lookup table loaded when flows load: a CSV of SKU
// cross-references, units, warehouses or tax jurisdictions. Rows are
// objects keyed by one column. A Table never changes after it is built, so
// every message and both dialects read it without locks.
type Table struct {
	Name    string
	Key     string
	Columns []string
	Row     *Type
	rows    map[string]map[string]any
}

// NewTable builds a table from rows; each row must have the key column and
// keys must be unique.
func NewTable(name, key string, columns []string, rows []map[string]any) (*Table, error) {
	t := &Table{Name: name, Key: key, Columns: columns, rows: make(map[string]map[string]any, len(rows))}
	fields := make([]*Field, len(columns))
	for i, c := range columns {
		fields[i] = &Field{Name: c, Type: StringType}
	}
	// Not "tables.<name>": CEL would read the expression tables.items as
	// that type's name instead of the table.
	t.Row = ObjectType("transload.table."+name, fields...)
	for i, r := range rows {
		k, ok := r[key].(string)
		if !ok {
			return nil, fmt.Errorf("table %s: row %d has no %q value", name, i+1, key)
		}
		if _, dup := t.rows[k]; dup {
			return nil, fmt.Errorf("table %s: key %q appears twice (row %d)", name, k, i+1)
		}
		t.rows[k] = r
	}
	return t, nil
}

// Get returns the row with the key.
func (t *Table) Get(key string) (map[string]any, bool) {
	r, ok := t.rows[key]
	return r, ok
}

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Keys returns the keys, sorted.
func (t *Table) Keys() []string {
	keys := make([]string, 0, len(t.rows))
	for k := range t.rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// WithRows returns a copy of t with rows replaced, for test overrides.
func (t *Table) WithRows(rows []map[string]any) (*Table, error) {
	return NewTable(t.Name, t.Key, t.Columns, rows)
}
