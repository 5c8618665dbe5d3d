// Package csvdoc is the CSV codec of the engine: it decodes CSV files with
// a header row (inventory feeds, price lists, stock files, B2B order
// exports) into the native value model of package builtin, guided by the
// flow's schema, and encodes rows as CSV for sinks that want it.
//
// # The body
//
// A body is RFC 4180 CSV: a header row naming the columns, then one record
// per row, every row with as many fields as the header (encoding/csv,
// strict quotes). A UTF-8 byte order mark is skipped, CRLF and LF line
// ends are both fine, blank lines are skipped. The delimiter is detected
// from the header line: the one of comma, semicolon, tab and pipe that
// occurs most often outside quotes (European spreadsheets write
// semicolons, ERP exports tabs or pipes); comma on a tie, and for a
// header of one column.
//
// # The document
//
// The flow's schema decides the shape:
//
//   - An object type: one document per data row (Decode), so a bad row
//     fails alone while its siblings go on (the engine dead-letters it as
//     part "row N").
//   - A list of objects: one document holding every row, in order
//     (DecodeList), for price lists and stock files that are processed
//     as a whole; a bad row fails the list.
//   - any (builtin.AnyType), a map type, or an object type without
//     fields: one document per row, every column a key as the header
//     writes it, every cell a string (for a map, a value of its value
//     type).
//
// Columns map to fields by name: the exact name first, then loosely, case
// ignored, white space around the name trimmed, spaces and dashes read as
// underscores ("Updated At" and "updated-at" are field updated_at). Each
// cell is converted by its field's type:
//
//   - string: the cell exactly, white space kept;
//   - int: a 64-bit integer in decimal digits with an optional sign;
//   - decimal (JSON Schema "number"): exact (builtin.Decimal), in plain
//     notation only; "1,5", "1.000,00" and "1e3" are SCHEMA_MISMATCH,
//     never guessed at;
//   - double: a finite number (strconv syntax, without hex or _);
//   - bool: true, false, yes, no, 1 or 0, case ignored;
//   - timestamp: RFC 3339 ("2024-03-01T09:30:00Z"), or a date
//     ("2024-03-01") read as midnight UTC; INVALID_DATE otherwise;
//   - dyn: the cell as a string.
//
// Cells of the other types are trimmed of spaces and tabs first. Enums
// and maxLength are not enforced, as in the JSON codec: they serve type
// checking and cost estimates; validate steps check values. An empty
// cell leaves its field out of the row (absence, as a missing JSON key),
// so an optional field reads as absent and a required one is a
// SCHEMA_MISMATCH that names the row and the column. Money and quantities
// are not cells: declare the amount and the currency (the value and the
// unit) as two columns and build them in the mapping; a schema with a
// field a cell cannot hold (money, a list, an object) is refused by
// NewDecoder, at load time.
//
// A column the object type does not declare is a SCHEMA_MISMATCH of the
// body, as is a required field without a column: a feed whose columns
// changed should stop, not lose data quietly. Two columns that name one
// field (SKU and sku), and a column name that loosely matches several
// fields, are SCHEMA_MISMATCH too.
//
// # What is refused
//
//   - Bodies that are not UTF-8 (a Windows-1252 export): INVALID_CSV with
//     the line and column of the first bad byte. Convert the file first.
//   - Quote errors: a bare quote in an unquoted field, an unclosed quoted
//     field, text after a closing quote (no lazy quotes): INVALID_CSV for
//     the whole body, because the rows after such an error cannot be
//     told apart reliably.
//   - An empty body, a header column without a name, a header that names
//     a column twice: INVALID_CSV for the whole body.
//   - A row with more or fewer fields than the header: INVALID_CSV for
//     that row only; the framing of the others is intact.
//   - Bodies larger than Options.MaxBytes (64 MiB), with more than
//     Options.MaxRows data rows (1,000,000) or more than
//     Options.MaxColumns columns (10,000): LIMIT_EXCEEDED.
//
// Errors are *Error values with a reason code, the data row (1-based;
// row 1 is the line after the header when there are no blank lines or
// multi-line cells), the column's name as the header writes it, and the
// line and column in the body; they unwrap to *builtin.Error so
// builtin.ReasonOf reads the reason.
//
// # Projection
//
// NewDecoder takes the columns the flow reads (ColumnsRead turns the
// paths of its expressions into them). The cells of other columns are not
// converted and the rows leave them out; they are still counted (a row
// with the wrong number of fields is refused) and a required field's cell
// must still not be empty. A list document is not projected.
//
// # Encoding
//
// Encode writes a header and one record per row, with CRLF line ends as
// RFC 4180 says, quoting only the fields that need it. Decimals are in
// plain notation, money is its amount and a quantity its value (write the
// currency or the unit as a column of its own), timestamps are RFC 3339.
// What Encode writes, Decode reads back.
//
// Imports: builtin and the standard library only.
package csvdoc
