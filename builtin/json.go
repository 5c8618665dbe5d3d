package builtin

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// AppendJSON appends the canonical JSON form of a native value to dst:
// object keys sorted, Decimal as a JSON number in plain notation, Money as
// {"amount":"12.30","currency":"USD"}, Quantity as {"uom":"EA","value":"2"},
// timestamps as RFC 3339 strings, durations as Go duration strings, bytes as
// base64. The same value always encodes to the same bytes, so outputs can be
// compared and hashed.
func AppendJSON(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("cannot encode %v as JSON", x)
		}
		return strconv.AppendFloat(dst, x, 'g', -1, 64), nil
	case string:
		return AppendJSONString(dst, x), nil
	case []byte:
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, x)
		return append(dst, '"'), nil
	case Decimal:
		return append(dst, x.String()...), nil
	case Money:
		dst = append(dst, `{"amount":"`...)
		dst = append(dst, x.Amount.String()...)
		dst = append(dst, `","currency":`...)
		dst = AppendJSONString(dst, x.Currency)
		return append(dst, '}'), nil
	case Quantity:
		dst = append(dst, `{"uom":`...)
		dst = AppendJSONString(dst, x.UOM)
		dst = append(dst, `,"value":"`...)
		dst = append(dst, x.Value.String()...)
		return append(dst, `"}`...), nil
	case time.Time:
		// RFC 3339 has nothing a JSON string escapes.
		dst = append(dst, '"')
		dst = x.AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"'), nil
	case time.Duration:
		return AppendJSONString(dst, x.String()), nil
	case *Table:
		return AppendJSONString(dst, "table "+x.Name), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = AppendJSON(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		var buf [32]pair // most documents' maps: no allocation
		pairs := buf[:0]
		if len(x) > len(buf) {
			pairs = make([]pair, 0, len(x))
		}
		for k, v := range x {
			pairs = append(pairs, pair{k, v})
		}
		slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.k, b.k) })
		dst = append(dst, '{')
		for i, p := range pairs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSONString(dst, p.k)
			dst = append(dst, ':')
			var err error
			if dst, err = AppendJSON(dst, p.v); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	return nil, fmt.Errorf("cannot encode %T as JSON", v)
}

// pair is a map entry, sorted by key.
type pair struct {
	k string
	v any
}

const hexDigits = "0123456789abcdef"

// plainASCII marks the bytes a JSON string holds as they are.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendJSONString appends s as a JSON string literal. Invalid UTF-8 is
// replaced by U+FFFD, as encoding/json does.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	i := 0
	for i < len(s) && plainASCII[s[i]] {
		i++
	}
	if i == len(s) { // the common case: nothing to escape
		dst = append(dst, s...)
		return append(dst, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Format renders a native value as canonical JSON text, or an error
// description; for examples, tests and messages.
func Format(v any) string {
	b, err := AppendJSON(nil, v)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}
