package csvdoc

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/transload/transload/builtin"
)

// Encode writes rows as CSV: a header naming columns, then one record per
// row with its values in the columns' order, every line ended by CRLF
// (RFC 4180). A key of a row that columns does not list is not written:
// columns selects. nil columns means every key of every row, sorted.
//
// A value is written as its text: strings as they are, int64 (and the
// other Go integers) in decimal, Decimal in plain notation with its scale
// kept, Money as its amount and Quantity as its value (write the currency
// or the unit in a column of its own), bool as true or false, float64 in
// the shortest plain form that reads back the same, time.Time as RFC 3339
// with nanoseconds, time.Duration in Go syntax. nil and a missing key are
// an empty cell. Lists, maps and other values are errors: a cell holds
// one value.
//
// A field is quoted when it holds a quote, a line end, a delimiter Decode
// might detect (comma, semicolon, tab or pipe), white space at either
// end or a leading byte order mark, and when it is the only, empty, field
// of its line (which would otherwise be a blank line). So the header
// line has commas only outside quotes, and Decode reads back what Encode
// writes.
func Encode(rows []map[string]any, columns []string) ([]byte, error) {
	if columns == nil {
		seen := map[string]bool{}
		for _, r := range rows {
			for k := range r {
				if !seen[k] {
					seen[k] = true
					columns = append(columns, k)
				}
			}
		}
		slices.Sort(columns)
	}
	if len(columns) == 0 {
		return nil, fmt.Errorf("csvdoc: no columns to write: a CSV file needs a header")
	}
	index := make(map[string]int, len(columns))
	for i, c := range columns {
		if strings.TrimSpace(c) == "" {
			return nil, fmt.Errorf("csvdoc: column %d has no name", i+1)
		}
		if !utf8.ValidString(c) {
			return nil, fmt.Errorf("csvdoc: column %d: the name %q is not UTF-8", i+1, c)
		}
		if j, dup := index[c]; dup {
			return nil, fmt.Errorf("csvdoc: columns %d and %d are both named %q", j+1, i+1, c)
		}
		index[c] = i
	}
	var buf []byte
	buf = appendRecord(buf, columns)
	rec := make([]string, len(columns))
	for n, row := range rows {
		for i, c := range columns {
			s, err := cellText(row[c])
			if err != nil {
				return nil, fmt.Errorf("csvdoc: row %d, column %q: %w", n+1, c, err)
			}
			rec[i] = s
		}
		buf = appendRecord(buf, rec)
	}
	return buf, nil
}

func appendRecord(buf []byte, rec []string) []byte {
	for i, f := range rec {
		if i > 0 {
			buf = append(buf, ',')
		}
		if !needsQuotes(f) && (f != "" || len(rec) > 1) {
			buf = append(buf, f...)
			continue
		}
		buf = append(buf, '"')
		for j := 0; j < len(f); j++ {
			if f[j] == '"' {
				buf = append(buf, '"')
			}
			buf = append(buf, f[j])
		}
		buf = append(buf, '"')
	}
	return append(buf, '\r', '\n')
}

func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if strings.ContainsAny(f, "\",;\t|\r\n") || strings.HasPrefix(f, "\uFEFF") {
		return true
	}
	return f[0] == ' ' || f[len(f)-1] == ' '
}

// cellText renders one value as a cell.
func cellText(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		if !utf8.ValidString(x) {
			return "", fmt.Errorf("the text %s is not UTF-8", strconv.Quote(x))
		}
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", fmt.Errorf("%v is not a number a CSV cell can hold", x)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case builtin.Decimal:
		return x.String(), nil
	case builtin.Money:
		return x.Amount.String(), nil
	case builtin.Quantity:
		return x.Value.String(), nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	case time.Duration:
		return x.String(), nil
	case []any, map[string]any:
		return "", fmt.Errorf("a %s is not one cell: map it to columns of scalars", kindOf(x))
	}
	return "", fmt.Errorf("a %T cannot be a CSV cell", v)
}

func kindOf(v any) string {
	if _, ok := v.([]any); ok {
		return "list"
	}
	return "map"
}
