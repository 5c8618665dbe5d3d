package connectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/transload/transload/builtin"
)

// decodeJSON decodes one JSON value into the native representation:
// objects as map[string]any, arrays as []any, integers that fit as int64,
// every other number as builtin.Decimal (never through float64, so an
// amount a target answers is not rounded), strings, bools and nil.
// Trailing data after the value is an error.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return nativeJSON(v)
}

// nativeJSON converts what encoding/json produced with UseNumber.
func nativeJSON(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := x.Int64(); err == nil {
				return i, nil
			}
		}
		d, err := builtin.ParseJSONNumber(s)
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", s, err)
		}
		return d, nil
	case map[string]any:
		for k, e := range x {
			n, err := nativeJSON(e)
			if err != nil {
				return nil, err
			}
			x[k] = n
		}
		return x, nil
	case []any:
		for i, e := range x {
			n, err := nativeJSON(e)
			if err != nil {
				return nil, err
			}
			x[i] = n
		}
		return x, nil
	default:
		return v, nil
	}
}

// errorBody is the JSON every error answer of the http source carries.
func errorBody(msg, reason string) []byte {
	b := []byte(`{"error":`)
	b = builtin.AppendJSONString(b, msg)
	b = append(b, `,"reason":`...)
	b = builtin.AppendJSONString(b, reason)
	return append(b, "}\n"...)
}
