// Package commerce is the canonical commerce model of Transload (version
// 1): Order, Return, InventoryLevel, Product, Shipment, Invoice and
// Customer, with Money and Quantity from package builtin. It is the one
// definition from which the types that mappings are checked against, the
// JSON Schemas in docs/schema and the reference docs all come.
//
// It also ships the reference tables (ISO 3166 countries; ISO 4217 lives
// with Money in builtin) and the transload.commerce function library:
// country and currency codes, base quantities from the item master, X12
// implied decimals and the reconciliation of order totals.
//
// Conventions every mapping follows:
//   - ids are strings, amounts are Money with exactly the currency's
//     minor units, quantities carry a UN/ECE Rec 20 unit;
//   - a line's total is quantity × unit_price − discount, excluding tax;
//   - totals reconcile: subtotal − discount + shipping + tax (unless
//     taxes_included) = grand_total, and a channel whose figures do not is
//     a TOTALS_MISMATCH dead letter, never corrected silently;
//   - a value the payload does not give is left out, never guessed.
//
// Imports: builtin.
package commerce
