package funcs

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/transload/transload/builtin"
)

// Text returns the transload.text library: cleaning, normalising and
// cutting the strings channels send.
//
// expr has builtins called trim, upper, lower, split, join and replace;
// registering these functions replaces them in the expr dialect, so both
// dialects run the implementations here.
//
// Version 2 added url_escape and url_path_escape.
func Text() *builtin.Library {
	lib := library("transload.text",
		"Cleaning, normalising and cutting strings: white space, case, Unicode normalisation and folding for matching, ASCII transliteration for systems that need it, padding, splitting and joining, escaping for URLs. Lengths and positions count characters (runes), never bytes.",
		trimFunc(), normalizeSpaceFunc(), upperFunc(), lowerFunc(), foldFunc(), nfcFunc(), nfkcFunc(), asciiFunc(),
		truncateFunc(), padFunc("pad_left", true), padFunc("pad_right", false), replaceFunc(), splitFunc(), joinFunc(),
		digitsFunc(), defaultIfEmptyFunc(), substrFunc(),
		urlEscapeFunc(), urlPathEscapeFunc(),
	)
	lib.Version = 2
	return lib
}

// isBlank reports the runes trim and normalize_space remove: Unicode white
// space (tabs, line breaks, no-break spaces U+00A0 and U+202F, …) and the
// byte order mark some CSV exports start with.
func isBlank(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' }

func stringFunc(name, doc string, f func(string) string, examples ...builtin.Example) *builtin.Function {
	return &builtin.Function{
		Name: name, Doc: doc,
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tStr, Cost: costString,
			Impl: func(a []any) (any, error) { return f(a[0].(string)), nil },
		}},
		Examples: examples,
	}
}

func trimFunc() *builtin.Function {
	return stringFunc("trim",
		"Removes white space from both ends of a string: spaces, tabs, line breaks, no-break spaces and other Unicode white space, and byte order marks. It never fails.",
		func(s string) string { return strings.TrimFunc(s, isBlank) },
		builtin.Example{Expr: `trim('  ACME Corp\t')`, Want: `"ACME Corp"`},
	)
}

func normalizeSpaceFunc() *builtin.Function {
	return stringFunc("normalize_space",
		"Collapses every run of white space (spaces, tabs, line breaks, no-break spaces U+00A0 and any other Unicode white space) into one space and trims both ends. It never fails.",
		func(s string) string { return strings.Join(strings.FieldsFunc(s, isBlank), " ") },
		builtin.Example{Expr: `normalize_space('  12 \t Main\u00a0\u00a0St ')`, Want: `"12 Main St"`},
	)
}

func upperFunc() *builtin.Function {
	return stringFunc("upper",
		"Converts a string to upper case with the simple Unicode case mappings: a letter without a one-letter upper case, such as ß, stays as it is. It never fails.",
		strings.ToUpper,
		builtin.Example{Expr: "upper('acme-01')", Want: `"ACME-01"`},
		builtin.Example{Expr: "upper('émile')", Want: `"ÉMILE"`},
	)
}

func lowerFunc() *builtin.Function {
	return stringFunc("lower",
		"Converts a string to lower case with the Unicode case mappings. It never fails.",
		strings.ToLower,
		builtin.Example{Expr: "lower('ACME-01')", Want: `"acme-01"`},
	)
}

// foldString folds case, decomposes, drops the combining marks and composes
// again. Transformers are stateful, so each call builds its own chain.
func foldString(s string) string {
	t := transform.Chain(cases.Fold(), norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

func foldFunc() *builtin.Function {
	return stringFunc("fold",
		"Prepares a string for matching: Unicode case folding (ß becomes ss) and removal of diacritics (ü becomes u), so that "+
			"fold('Müller Straße') equals fold('MULLER STRASSE'). Compare folded strings with each other, never store them. It never fails.",
		foldString,
		builtin.Example{Expr: "fold('Müller Straße')", Want: `"muller strasse"`},
		builtin.Example{Expr: "fold('Ångström') == fold('ANGSTROM')", Want: "true"},
	)
}

func nfcFunc() *builtin.Function {
	return stringFunc("nfc",
		"Returns the Unicode canonical composition (NFC) of a string, so that an é sent as e plus a combining accent equals a precomposed é. It never fails.",
		norm.NFC.String,
		builtin.Example{Expr: `nfc('e\u0301') == '\u00e9'`, Want: "true"},
	)
}

func nfkcFunc() *builtin.Function {
	return stringFunc("nfkc",
		"Returns the Unicode compatibility composition (NFKC) of a string: full-width letters and digits become ASCII, ligatures split (ﬁ becomes fi), superscripts become digits. It never fails.",
		norm.NFKC.String,
		builtin.Example{Expr: "nfkc('ＡＢＣ１２３')", Want: `"ABC123"`},
		builtin.Example{Expr: "nfkc('ﬁle')", Want: `"file"`},
	)
}

// asciiMap transliterates letters and punctuation that have no
// decomposition into ASCII.
var asciiMap = map[rune]string{
	'ß': "ss", 'ẞ': "SS", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ø': "o", 'Ø': "O",
	'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D", 'þ': "th", 'Þ': "TH", 'ł': "l", 'Ł': "L",
	'ı': "i", 'ħ': "h", 'Ħ': "H", 'ŧ': "t", 'Ŧ': "T", 'ŋ': "ng", 'Ŋ': "NG", 'ĸ': "k",
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '“': `"`, '”': `"`, '„': `"`, '″': `"`,
	'«': `"`, '»': `"`, '‹': "'", '›': "'",
	'⁄': "/", '‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-", '•': "*", '·': ".",
}

func asciiString(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case asciiMap[r] != "":
			b.WriteString(asciiMap[r])
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		}
		// Anything else (combining marks, other scripts, symbols) is
		// dropped.
	}
	return b.String()
}

func asciiFunc() *builtin.Function {
	return stringFunc("ascii",
		"Transliterates a string to ASCII for systems that accept nothing else (X12 segments, older ERP fields): accents are "+
			"removed (é becomes e), compatibility forms decomposed (ﬁ becomes fi, full-width letters become ASCII), letters such as ß, "+
			"æ, ø and ł spelt out (ss, ae, o, l), typographic quotes and dashes replaced by ' \" and -, other white space by a space; "+
			"whatever has no ASCII form (other scripts, symbols) is dropped. It never fails.",
		asciiString,
		builtin.Example{Expr: "ascii('Crème Brûlée – Ærø')", Want: `"Creme Brulee - AEro"`},
		builtin.Example{Expr: "ascii('Straße 5 ✓')", Want: `"Strasse 5 "`},
	)
}

// maxPad bounds the width pad_left and pad_right produce, so that the
// result size is bounded for the cost estimate.
const maxPad = 1024

func truncateFunc() *builtin.Function {
	return &builtin.Function{
		Name: "truncate",
		Doc: "Returns at most the first n characters (runes) of a string, so that a name fits an ERP field; shorter strings are " +
			"returned unchanged. A negative n fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tStr, tInt), Result: tStr, Cost: costString,
			Impl: func(a []any) (any, error) {
				s, n := a[0].(string), a[1].(int64)
				if n < 0 {
					return nil, invalidArg("truncate: n must not be negative, got %d", n)
				}
				i := 0
				for pos := range s {
					if int64(i) == n {
						return s[:pos], nil
					}
					i++
				}
				return s, nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "truncate('Müller GmbH & Co. KG', 10)", Want: `"Müller Gmb"`},
			{Expr: "truncate('short', 10)", Want: `"short"`},
			{Expr: "truncate('x', -1)", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func padFunc(name string, left bool) *builtin.Function {
	side, example, want := "right", "pad_right('AB', 5, '.')", `"AB..."`
	if left {
		side, example, want = "left", "pad_left('4711', 10, '0')", `"0000004711"`
	}
	return &builtin.Function{
		Name: name,
		Doc: "Pads a string on the " + side + " with the pad character to width characters (runes), as fixed-width fields and " +
			"SAP material numbers need; a string already as long is returned unchanged, never cut (use truncate). A pad that is " +
			"not exactly one character, or a width outside 0 to 1024, fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tStr, tInt, tStr), Result: tStr,
			Cost: builtin.Cost{Fixed: 1, PerSize: 0.1, ResultSize: maxPad},
			Impl: func(a []any) (any, error) {
				s, width, pad := a[0].(string), a[1].(int64), a[2].(string)
				if width < 0 || width > maxPad {
					return nil, invalidArg("%s: width must be between 0 and %d, got %d", name, maxPad, width)
				}
				if utf8.RuneCountInString(pad) != 1 {
					return nil, invalidArg("%s: the pad must be one character, got %s", name, quote(pad))
				}
				n := int(width) - utf8.RuneCountInString(s)
				if n <= 0 {
					return s, nil
				}
				if left {
					return strings.Repeat(pad, n) + s, nil
				}
				return s + strings.Repeat(pad, n), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: example, Want: want},
			{Expr: name + "('123456', 3, '0')", Want: `"123456"`},
			{Expr: name + "('1', 3, '')", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func replaceFunc() *builtin.Function {
	return &builtin.Function{
		Name: "replace",
		Doc: "Replaces every occurrence of old in a string with new. An empty old fails with INVALID_ARGUMENT (it would insert new " +
			"between every character).",
		Overloads: []builtin.Overload{{
			Params: params(tStr, tStr, tStr), Result: tStr, Cost: costString,
			Impl: func(a []any) (any, error) {
				s, old, repl := a[0].(string), a[1].(string), a[2].(string)
				if old == "" {
					return nil, invalidArg("replace: the text to replace is empty")
				}
				return strings.ReplaceAll(s, old, repl), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "replace('SKU 12-34-56', '-', '')", Want: `"SKU 123456"`},
			{Expr: "replace('a', '', 'b')", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func splitFunc() *builtin.Function {
	return &builtin.Function{
		Name: "split",
		Doc: "Splits a string at every occurrence of sep and returns the parts, empty parts included; an empty string gives an " +
			"empty list (not a list with one empty string), so an empty tags field has no tags. Parts are not trimmed: map trim " +
			"over them. An empty sep fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tStr, tStr), Result: builtin.ListOf(tStr), Cost: costString,
			Impl: func(a []any) (any, error) {
				s, sep := a[0].(string), a[1].(string)
				if sep == "" {
					return nil, invalidArg("split: the separator is empty")
				}
				if s == "" {
					return []any{}, nil
				}
				return anyList(strings.Split(s, sep)), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "split('wholesale,net30,,vip', ',')", Want: `["wholesale","net30","","vip"]`},
			{Expr: "split('', ',')", Want: `[]`},
			{Expr: "split('a,b', '')", Err: builtin.ReasonInvalidArgument},
		},
	}
}

func joinFunc() *builtin.Function {
	return &builtin.Function{
		Name: "join",
		Doc:  "Joins a list of strings with sep between them; an empty list gives an empty string. An element that is not a string fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(builtin.ListOf(tStr), tStr), Result: tStr, Cost: costString,
			Impl: func(a []any) (any, error) {
				list, sep := a[0].([]any), a[1].(string)
				parts := make([]string, len(list))
				for i, v := range list {
					s, ok := v.(string)
					if !ok {
						if v == nil {
							return nil, errf(builtin.ReasonNullRequiredField, "join: element %d is missing or null", i+1)
						}
						return nil, invalidArg("join: element %d is a %s, want a string", i+1, builtin.KindOf(v))
					}
					parts[i] = s
				}
				return strings.Join(parts, sep), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "join(['12 Main St', 'Suite 4'], ', ')", Want: `"12 Main St, Suite 4"`},
			{Expr: "join([], '-')", Want: `""`},
		},
	}
}

func digitsFunc() *builtin.Function {
	return stringFunc("digits",
		"Keeps only the ASCII digits 0 to 9 of a string: phone numbers, GTINs and postal codes sent with spaces, dashes or dots. It never fails.",
		func(s string) string {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, s)
		},
		builtin.Example{Expr: "digits('+1 (555) 010-4477')", Want: `"15550104477"`},
	)
}

func defaultIfEmptyFunc() *builtin.Function {
	return &builtin.Function{
		Name: "default_if_empty",
		Doc: "Returns the string, or default when the string is empty or blank (only white space, as trim removes it), because " +
			"channels send ' ' for nothing. A missing field is not empty: it fails with NULL_REQUIRED_FIELD, so read optional " +
			"fields with the dialect's optional syntax first.",
		Overloads: []builtin.Overload{{
			Params: params(tStr, tStr), Result: tStr, Cost: costString,
			Impl: func(a []any) (any, error) {
				if strings.TrimFunc(a[0].(string), isBlank) == "" {
					return a[1], nil
				}
				return a[0], nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "default_if_empty(' ', 'N/A')", Want: `"N/A"`},
			{Expr: "default_if_empty('ACME', 'N/A')", Want: `"ACME"`},
		},
	}
}

func substrFunc() *builtin.Function {
	return &builtin.Function{
		Name: "substr",
		Doc: "Returns length characters (runes) of a string from start, counting from 0. A negative start or length, or a range " +
			"that goes past the end of the string, fails with INVALID_ARGUMENT: use truncate to cut to at most a length.",
		Overloads: []builtin.Overload{{
			Params: params(tStr, tInt, tInt), Result: tStr, Cost: costString,
			Impl: func(a []any) (any, error) {
				s, start, length := a[0].(string), a[1].(int64), a[2].(int64)
				n := int64(utf8.RuneCountInString(s))
				if start < 0 || length < 0 || start > n || length > n-start {
					return nil, invalidArg("substr: characters %d to %d are out of range of a string of %d characters", start, start+length, n)
				}
				r := []rune(s)
				return string(r[start : start+length]), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "substr('20200615', 4, 2)", Want: `"06"`},
			{Expr: "substr('Grüße', 2, 3)", Want: `"üße"`},
			{Expr: "substr('abc', 2, 5)", Err: builtin.ReasonInvalidArgument},
		},
	}
}

// costEscape is the cost of url_escape and url_path_escape: a byte may
// become three ("%2F"), so the result is at most three times the
// argument, which ResultSizeOfArgs cannot say; the bound is the longest
// text a URL part reasonably is.
var costEscape = builtin.Cost{Fixed: 1, PerSize: 0.3, ResultSize: 3 * 2048}

func urlEscapeFunc() *builtin.Function {
	f := stringFunc("url_escape",
		"Escapes a string for a URL query, as a parameter's name or value (Go's url.QueryEscape): every byte but the letters, "+
			"digits, \"-\", \"_\", \".\" and \"~\" is percent-encoded with upper-case hex digits (\"&\" as %26, \"=\" as %3D, \"+\" as %2B, "+
			"\"/\" as %2F, a non-ASCII character as the %XX of each of its UTF-8 bytes), and a space becomes \"+\", as HTML forms and "+
			"the servers reading them agree. For a path segment use url_path_escape. It never fails. Added in version 2 of transload.text.",
		url.QueryEscape,
		builtin.Example{Expr: "'/v3/inventory?sku=' + url_escape('AB 12&3/4')", Want: `"/v3/inventory?sku=AB+12%263%2F4"`},
		builtin.Example{Expr: "url_escape('Grüße=1+1')", Want: `"Gr%C3%BC%C3%9Fe%3D1%2B1"`},
	)
	f.Since = 2
	f.Overloads[0].Cost = costEscape
	return f
}

func urlPathEscapeFunc() *builtin.Function {
	f := stringFunc("url_path_escape",
		"Escapes a string as one segment of a URL path (Go's url.PathEscape): \"/\", \"?\", \"#\", \"%\", \";\", \",\", a space "+
			"(as %20), quotes and every other byte a path cannot hold as is (a non-ASCII character as the %XX of each of its UTF-8 "+
			"bytes) are percent-encoded; letters, digits and \"-_.~$&+=:@\" stay, as RFC 3986 allows in a segment. A target that "+
			"reads \"+\" in a path as a space needs url_escape with its \"+\" replaced by %20 instead. It never fails. Added in version 2 of "+
			"transload.text.",
		url.PathEscape,
		builtin.Example{Expr: "'/items/' + url_path_escape('DE-36023/4 #2')", Want: `"/items/DE-36023%2F4%20%232"`},
		builtin.Example{Expr: "url_path_escape('shop:1001')", Want: `"shop:1001"`},
	)
	f.Since = 2
	f.Overloads[0].Cost = costEscape
	return f
}
