// Package funcs holds the function libraries that ship with Transload, the
// functions integration analysts call from flow expressions in either
// dialect (CEL or expr):
//
//   - transload.money: exact decimals, money in ISO 4217 currencies,
//     rounding with named modes, allocation that never loses a cent, and
//     the arithmetic and comparison operators on decimals and money;
//   - transload.units: quantities in UN/ECE Recommendation 20 units,
//     normalisation of the unit spellings channels send, fixed conversions
//     and pack-size conversions;
//   - transload.text: trimming, white space, case, Unicode normalisation,
//     folding for matching, ASCII transliteration, padding, splitting;
//   - transload.time: RFC 3339, RFC 2822, epoch and X12 dates and times,
//     IANA time zones;
//   - transload.crypto: SHA-256, HMAC-SHA256 and base64 for webhook
//     signatures and idempotency keys;
//   - transload.lookup: rows and cells of lookup tables.
//
// Every function is declared once with the builtin API (name, doc,
// overloads, examples, cost) and so works the same in both dialects; the
// tests run every example in both and hold a conformance table of
// expressions to the same results. Libraries are versioned: version 1 pins
// the names in compat_test.go, and a later version may only add functions.
// All and Registry give the libraries at their latest versions; cmd builds
// the registry it serves, nothing here registers itself.
//
// Rules for every function: no I/O (time zones are loaded once and cached;
// the zone database is embedded with time/tzdata), no clock, no randomness,
// no state between calls, no float64 for money or quantities, and every
// failure caused by the data is a *builtin.Error with a reason code that the
// function's doc names.
//
// Imports: builtin, the standard library and golang.org/x/text only.
package funcs
