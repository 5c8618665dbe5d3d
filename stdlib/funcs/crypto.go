package funcs

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/transload/transload/builtin"
)

// Crypto returns the transload.crypto library: the hashes and signatures
// webhooks and partner APIs use, and base64.
func Crypto() *builtin.Library {
	return library("transload.crypto",
		"Hashes, HMAC signatures and base64, for verifying webhooks (Shopify, WooCommerce and others sign bodies with HMAC-SHA256) and building idempotency keys. Strings are hashed as their UTF-8 bytes.",
		hmacFunc("hmac_sha256_base64", "base64 (standard alphabet, padded)", base64.StdEncoding.EncodeToString, 44,
			builtin.Example{Expr: "hmac_sha256_base64('secret', 'hello')", Want: `"iKqz7ejTrflNJquQ07r9SiCDBww7zOnAFO4EpEOEfAs="`}),
		hmacFunc("hmac_sha256_hex", "lower-case hex", hex.EncodeToString, 64,
			builtin.Example{Expr: "hmac_sha256_hex('secret', 'hello')", Want: `"88aab3ede8d3adf94d26ab90d3bafd4a2083070c3bcce9c014ee04a443847c0b"`}),
		sha256HexFunc(), base64EncodeFunc(), base64DecodeFunc(),
	)
}

func hmacFunc(name, enc string, encode func([]byte) string, size uint64, ex builtin.Example) *builtin.Function {
	return &builtin.Function{
		Name: name,
		Doc: "Returns the HMAC-SHA256 of message with key, in " + enc + ". Compare it with the signature header of a webhook to " +
			"verify the body was sent by the channel; the key is a secret, so pass it from a variable, never a literal. It never fails.",
		Overloads: []builtin.Overload{{
			Params: params(tStr, tStr), Result: tStr,
			Cost: builtin.Cost{Fixed: 10, PerSize: 0.1, ResultSize: size},
			Impl: func(a []any) (any, error) {
				m := hmac.New(sha256.New, []byte(a[0].(string)))
				m.Write([]byte(a[1].(string)))
				return encode(m.Sum(nil)), nil
			},
		}},
		Examples: []builtin.Example{ex},
	}
}

func sha256HexFunc() *builtin.Function {
	return &builtin.Function{
		Name: "sha256_hex",
		Doc:  "Returns the SHA-256 digest of a string in lower-case hex: a stable key for deduplicating messages by content. It never fails.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tStr,
			Cost: builtin.Cost{Fixed: 10, PerSize: 0.1, ResultSize: 64},
			Impl: func(a []any) (any, error) {
				sum := sha256.Sum256([]byte(a[0].(string)))
				return hex.EncodeToString(sum[:]), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "sha256_hex('hello')", Want: `"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`},
		},
	}
}

func base64EncodeFunc() *builtin.Function {
	return &builtin.Function{
		Name: "base64_encode",
		Doc:  "Encodes the UTF-8 bytes of a string in base64 with the standard alphabet and padding, as HTTP Basic authentication and most APIs expect. It never fails.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tStr,
			// The result is a third larger than the argument; the estimate
			// takes the argument size, which stays bounded.
			Cost: costString,
			Impl: func(a []any) (any, error) { return base64.StdEncoding.EncodeToString([]byte(a[0].(string))), nil },
		}},
		Examples: []builtin.Example{
			{Expr: "base64_encode('user:pass')", Want: `"dXNlcjpwYXNz"`},
		},
	}
}

func base64DecodeFunc() *builtin.Function {
	return &builtin.Function{
		Name: "base64_decode",
		Doc: "Decodes base64 text (standard or URL-safe alphabet, with or without padding; line breaks are ignored) and returns " +
			"it as a string. Text that is not base64, or that decodes to bytes that are not UTF-8 text, fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tStr, Cost: costString,
			Impl: func(a []any) (any, error) {
				s := strings.Map(func(r rune) rune {
					if r == '\r' || r == '\n' {
						return -1
					}
					return r
				}, a[0].(string))
				enc := base64.StdEncoding
				if strings.ContainsAny(s, "-_") {
					enc = base64.URLEncoding
				}
				b, err := enc.WithPadding(base64.NoPadding).DecodeString(strings.TrimRight(s, "="))
				if err != nil {
					return nil, invalidArg("base64_decode: %s is not base64", quote(a[0].(string)))
				}
				if !utf8.Valid(b) {
					return nil, invalidArg("base64_decode: %s does not decode to UTF-8 text", quote(a[0].(string)))
				}
				return string(b), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "base64_decode('dXNlcjpwYXNz')", Want: `"user:pass"`},
			{Expr: "base64_decode('w7w')", Want: `"ü"`},
			{Expr: "base64_decode('not base64!')", Err: builtin.ReasonInvalidArgument},
		},
	}
}
