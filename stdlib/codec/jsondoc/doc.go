// Package jsondoc is the JSON codec of the engine: it decodes every JSON
// payload into the native value model of package builtin, and encodes
// native values as canonical JSON.
//
// # Why it is not encoding/json
//
// Decoding a whole 6 KB Shopify order into map[string]any costs tens of
// microseconds, more than the mapping that reads it. The expressions of a
// flow are type-checked at load, so the engine knows every path they read
// (builtin.Program.Reads). Decoding is therefore schema-directed and
// projected: a Decoder is compiled once from the input type and a
// Projection of the read paths, materialises only those paths, and skips
// everything else at scanning speed without allocating. The scanner is
// this package's own (no reflection, no encoding/json on the decode path).
//
// # Values
//
// Values follow the declared builtin.Type:
//
//   - string ← JSON string; int ← JSON integer literal, exactly (IDs above
//     2^53 stay exact; a fraction, an exponent or an overflow is an error);
//     decimal ← JSON number, or a JSON string in plain decimal notation
//     ("199.00", as payloads send money), exactly; double ← JSON number,
//     only where a schema declares double; bool ← true/false.
//   - money ← {"amount": "12.30" or 12.30, "currency": "USD"} through
//     builtin.NewMoney (INVALID_MONEY, UNKNOWN_CURRENCY); quantity ←
//     {"value": "2" or 2, "uom": "EA"} (INVALID_QUANTITY; unit codes are
//     not checked here, that is reference data); timestamp ← RFC 3339
//     string (INVALID_DATE otherwise); duration ← Go duration string;
//     bytes ← standard base64 string. Other keys inside money and
//     quantity objects are ignored.
//   - list ← array; map ← object of element values; object ← object whose
//     declared fields take their declared types. Keys the type does not
//     declare are dropped when a projection selects parts of the object
//     (nothing can read them), and kept with inferred values when the
//     whole object is kept, so that a document passes through unchanged.
//   - dyn (builtin.AnyType) ← inferred: strings; integer literals that fit
//     int64 → int64; other numbers → builtin.Decimal; objects →
//     map[string]any; arrays → []any.
//   - JSON null is nil whatever the type (absence). A required field that
//     is missing or null is SCHEMA_MISMATCH.
//
// Enums and maxLength/maxItems are not enforced: they serve type checking
// and cost estimation, and a channel that adds a status value must reach
// the route step rather than fail decoding.
//
// # Projection and validation
//
// A projection changes what is materialised, not the JSON that is
// accepted: syntax, UTF-8, escapes and nesting depth are checked
// everywhere, including skipped subtrees. Schema rules apply to what is
// walked: every object on the way to a read path (whose required fields
// are checked for presence even when nothing reads them), and every
// materialised value. The values of unread fields are not type-checked: a
// string where an unread field declares an integer goes unnoticed, by
// design, so reading more fields can reject a body that reading fewer
// accepted. Options.ValidateUnread also walks the unread subtrees whose
// types contain required fields, checking those (without materialising
// anything), for sources where acceptance must not depend on the
// projection; it roughly halves the speed of a projected Shopify order.
//
// # Decisions
//
//   - Duplicate keys are an INVALID_JSON error wherever the decoder
//     compares keys: among all keys of every object it materialises whole
//     (maps, inferred objects, objects kept whole), among the fields of a
//     declared object that it looks at (projected or required, and with
//     ValidateUnread those containing required fields), and in money and
//     quantity objects. Keys inside
//     skipped subtrees and unread keys of projected objects are not
//     compared: it would cost a hash per key on the hot path for values
//     nothing reads. Code that needs every duplicate rejected decodes with
//     keep = nil.
//   - Invalid UTF-8 inside a string is rejected (INVALID_JSON with the
//     byte offset), in skipped parts too. JSON exchanged between systems
//     must be UTF-8 (RFC 8259); invalid bytes mean a sender in the wrong
//     charset, and silently replacing them would corrupt names and
//     addresses on their way into the ERP. An escaped lone surrogate
//     ("\ud800"), which is valid JSON syntax and what JavaScript produces
//     when it truncates a string inside an emoji, becomes U+FFFD, as
//     encoding/json does.
//   - A UTF-8 byte order mark before the value is skipped. Data after the
//     value (other than whitespace) is an error.
//   - Numbers decoded as decimals may have at most 400 digits and an
//     exponent within ±1000; beyond that they are SCHEMA_MISMATCH: no
//     commerce value looks like that, and rendering 1e999999999 in plain
//     notation would take a gigabyte.
//   - When a body is not valid JSON, the error says so (INVALID_JSON) even
//     if a schema error occurs earlier in it.
//   - Errors are *Error values with a reason code, the path of the value
//     ("line_items[2].price"), the byte offset and the line and column;
//     they unwrap to *builtin.Error so builtin.ReasonOf reads the reason.
//     Options.MaxBytes and MaxDepth violations are LIMIT_EXCEEDED.
//   - Encode is builtin.AppendJSON: canonical JSON, keys sorted.
//
// # Performance
//
// A Decoder keeps its compiled plan (field lookup tables per object type)
// and pools its scratch state, so a decode allocates only the values it
// materialises: one map per kept object (made at its final size), one
// slice per kept array, one string per kept string plus its interface box
// (keys of declared fields reuse the schema's field names; currency codes
// reuse the ISO 4217 table's strings), one box per number, decimal or
// timestamp. Skipping allocates nothing: it runs in one loop with a bit
// stack for nesting, and scans strings eight bytes at a time.
//
// When the whole document is kept (keep is nil or All), the body is copied
// once into a string and every unescaped string and key is a substring of
// it: one allocation instead of hundreds. Those strings then keep the
// whole body alive, which is the document's size anyway. Projected
// decodes, which keep a few strings of a large body, allocate each string
// on its own so as not to pin the body.
//
// Imports: builtin and the standard library only.
package jsondoc
