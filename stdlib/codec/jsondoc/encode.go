package jsondoc

import "github.com/transload/transload/builtin"

// Encode renders a native value as canonical JSON (builtin.AppendJSON):
// keys sorted, decimals in plain notation, money as
// {"amount":"12.30","currency":"USD"}. Equal values encode to equal bytes.
func Encode(v any) ([]byte, error) { return builtin.AppendJSON(nil, v) }

// AppendEncode appends the canonical JSON of v to dst.
func AppendEncode(dst []byte, v any) ([]byte, error) { return builtin.AppendJSON(dst, v) }
