package csvdoc

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/transload/transload/builtin"
)

// Defaults of Options.
const (
	DefaultMaxBytes   = 64 << 20
	DefaultMaxRows    = 1_000_000
	DefaultMaxColumns = 10_000
)

// Options bound what a Decoder accepts. For each, 0 means the default and
// a negative value no limit; beyond a limit the body is LIMIT_EXCEEDED.
type Options struct {
	// MaxBytes rejects longer bodies before decoding.
	MaxBytes int
	// MaxRows bounds the data rows of a body (the header not counted).
	MaxRows int
	// MaxColumns bounds the columns of the header.
	MaxColumns int
}

// Decoder decodes CSV bodies of one type. It is immutable and safe for
// concurrent use.
type Decoder struct {
	list bool
	row  *builtin.Type
	// cell is the type of every cell when the row type declares no fields
	// (a map, dyn, or an object without fields); nil for an object type
	// with fields.
	cell *builtin.Type
	// byNorm finds fields by normalized name (norm).
	byNorm map[string][]*builtin.Field
	// keep lists the columns to convert; nil converts every column.
	keep map[string]bool
	opts Options
}

// Row is one data row of a body: its value, or why it could not be
// decoded (an *Error).
type Row struct {
	Value map[string]any
	Err   error
	// Row is the 1-based number of the row among the data rows, Line the
	// line of the body it starts on.
	Row  int
	Line int
}

// NewDecoder returns a decoder of bodies whose documents are of type t:
//
//   - an object type, a map type or builtin.AnyType (nil is AnyType): one
//     document per data row (Decode);
//   - a list of one of those: one document holding every row
//     (DecodeList).
//
// Each field of an object row type must be of a type a cell can hold:
// string, int, decimal, double, bool, timestamp or dyn (read as a
// string); so must the values of a map row type. Anything else is an
// error here, when the flow is loaded, not for every body.
//
// keep names the columns (fields, or map keys) whose cells are converted;
// the cells of the other columns are counted and checked for presence
// when required, but not converted, and the rows leave them out. nil
// converts every column. See ColumnsRead.
func NewDecoder(t *builtin.Type, keep []string, opts Options) (*Decoder, error) {
	if t == nil {
		t = builtin.AnyType
	}
	d := &Decoder{row: t, opts: opts}
	if t.Kind == builtin.KindList {
		d.list, d.row = true, t.Elem
	}
	switch d.row.Kind {
	case builtin.KindObject:
		if len(d.row.Fields) == 0 {
			d.cell = builtin.StringType
			break
		}
		d.byNorm = make(map[string][]*builtin.Field, len(d.row.Fields))
		for _, f := range d.row.Fields {
			if _, err := cellType(f.Type); err != nil {
				return nil, fmt.Errorf("csvdoc: field %s of %s: %w", f.Name, d.row, err)
			}
			n := norm(f.Name)
			d.byNorm[n] = append(d.byNorm[n], f)
		}
	case builtin.KindMap:
		ct, err := cellType(d.row.Elem)
		if err != nil {
			return nil, fmt.Errorf("csvdoc: the values of %s: %w", d.row, err)
		}
		d.cell = ct
	case builtin.KindAny:
		d.cell = builtin.StringType
	default:
		return nil, fmt.Errorf("csvdoc: the type of a CSV document must be an object (one document per row), a list of objects (one document holding every row) or any, not %s", t)
	}
	if keep != nil {
		d.keep = make(map[string]bool, len(keep))
		for _, k := range keep {
			d.keep[k] = true
		}
	}
	if d.opts.MaxBytes == 0 {
		d.opts.MaxBytes = DefaultMaxBytes
	}
	if d.opts.MaxRows == 0 {
		d.opts.MaxRows = DefaultMaxRows
	}
	if d.opts.MaxColumns == 0 {
		d.opts.MaxColumns = DefaultMaxColumns
	}
	return d, nil
}

// cellType checks that a cell can hold values of t and returns the type
// cells are converted by (dyn reads as a string).
func cellType(t *builtin.Type) (*builtin.Type, error) {
	switch t.Kind {
	case builtin.KindString, builtin.KindInt, builtin.KindDecimal, builtin.KindDouble, builtin.KindBool, builtin.KindTimestamp:
		return t, nil
	case builtin.KindAny:
		return builtin.StringType, nil
	case builtin.KindMoney:
		return nil, errors.New("a money value is not one CSV cell: declare the amount (a number) and the currency (a string) as two columns, and build the money in the mapping: money(input.price, input.currency)")
	case builtin.KindQuantity:
		return nil, errors.New("a quantity is not one CSV cell: declare the value (a number) and the unit (a string) as two columns, and build the quantity in the mapping")
	}
	return nil, fmt.Errorf("a CSV cell holds a string, an integer, a number, a boolean or a timestamp, not %s", t)
}

// List reports whether the decoder's documents are lists of rows (one per
// body, DecodeList) rather than rows (one per data row, Decode).
func (d *Decoder) List() bool { return d.list }

// ColumnsRead returns the columns that the paths a flow's expressions
// read (builtin.Program.Reads: "input.sku", "input.updated_at") select
// from rows that are the variable root, for NewDecoder's keep: nil when
// a path reads the whole row or indexes it in a way this cannot follow.
func ColumnsRead(paths []string, root string) []string {
	if paths == nil {
		return nil
	}
	out := []string{}
	seen := map[string]bool{}
	for _, p := range paths {
		if !strings.HasPrefix(p, root) {
			continue
		}
		rest := p[len(root):]
		if rest == "" || rest[0] == '[' {
			return nil
		}
		if rest[0] != '.' {
			continue // "inputs.x" is not a path of "input"
		}
		name := rest[1:]
		if i := strings.IndexAny(name, ".[#"); i >= 0 {
			name = name[:i]
		}
		if name == "" {
			return nil
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// Decode decodes a body into its data rows, each with its value or its
// own error, so a bad row fails alone. The error return is for the body
// as a whole: not CSV in UTF-8 (a quote error breaks the framing of every
// row after it), a header that does not fit the type, a limit exceeded.
func (d *Decoder) Decode(data []byte) ([]Row, error) {
	s, err := d.begin(data)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for {
		rec, rowErr, err := s.next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		row := Row{Row: s.rows, Line: s.line}
		if rowErr != nil {
			row.Err = rowErr
		} else if v, cerr := s.convert(rec); cerr != nil {
			row.Err = cerr
		} else {
			row.Value = v
		}
		rows = append(rows, row)
	}
}

// DecodeList decodes a body into one list of rows (map[string]any each).
// The first bad row fails the whole list; an error in the CSV syntax
// further on is reported instead, as the body is not CSV.
func (d *Decoder) DecodeList(data []byte) ([]any, error) {
	s, err := d.begin(data)
	if err != nil {
		return nil, err
	}
	list := []any{}
	var first *Error
	for {
		rec, rowErr, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if first != nil {
			continue
		}
		if rowErr != nil {
			first = rowErr
			continue
		}
		v, cerr := s.convert(rec)
		if cerr != nil {
			first = cerr
			continue
		}
		list = append(list, v)
	}
	if first != nil {
		return nil, first
	}
	return list, nil
}

// column is how one column of a body is read.
type column struct {
	name     string        // as the header writes it
	key      string        // the field or map key of its cells
	typ      *builtin.Type // the type its cells are converted by
	required bool
	skip     bool // not read: checked, not converted
}

// state is one decode.
type state struct {
	r      *csv.Reader
	cols   []column
	nkeep  int
	header int // the number of columns
	rows   int // data rows read
	line   int // the line the last row starts on
	max    int // Options.MaxRows
	cur    cursor
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// begin checks the body as a whole, reads the header and maps its
// columns to the type.
func (d *Decoder) begin(data []byte) (*state, error) {
	if d.opts.MaxBytes > 0 && len(data) > d.opts.MaxBytes {
		return nil, &Error{Reason: ReasonLimitExceeded, Msg: fmt.Sprintf("the body of %d bytes is larger than the limit of %d", len(data), d.opts.MaxBytes)}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		line, col, b := invalidUTF8(data)
		return nil, &Error{Reason: ReasonInvalidCSV, Line: line, Col: col, Msg: fmt.Sprintf("the body is not UTF-8 (byte 0x%02X): export the file as UTF-8", b)}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = DetectDelimiter(data)
	r.ReuseRecord = true
	s := &state{r: r, max: d.opts.MaxRows, cur: cursor{data: data, line: 1}}
	header, err := r.Read()
	if err == io.EOF {
		return nil, &Error{Reason: ReasonInvalidCSV, Msg: "the body is empty: want a header row naming the columns, then one row per record"}
	}
	if err != nil {
		return nil, s.syntax(err, 0)
	}
	if d.opts.MaxColumns > 0 && len(header) > d.opts.MaxColumns {
		return nil, &Error{Reason: ReasonLimitExceeded, Line: 1, Msg: fmt.Sprintf("the header has %d columns, more than the limit of %d", len(header), d.opts.MaxColumns)}
	}
	s.header = len(header)
	s.cols = make([]column, len(header))
	index := make(map[string]int, len(header))
	for i, h := range header {
		line, col := r.FieldPos(i)
		if strings.TrimSpace(h) == "" {
			return nil, &Error{Reason: ReasonInvalidCSV, Line: line, Col: s.cur.col(line, col), Msg: fmt.Sprintf("column %d of the header has no name: every column needs one", i+1)}
		}
		if j, dup := index[h]; dup {
			return nil, &Error{Reason: ReasonInvalidCSV, Column: h, Line: line, Col: s.cur.col(line, col), Msg: fmt.Sprintf("the header names this column twice (columns %d and %d)", j+1, i+1)}
		}
		index[h] = i
		s.cols[i] = column{name: h, key: h, typ: d.cell}
	}
	if d.cell == nil {
		if err := d.fields(s); err != nil {
			// A body that is not CSV is reported as such, even when its
			// header does not fit the type.
			if serr := s.drain(); serr != nil {
				return nil, serr
			}
			return nil, err
		}
	}
	for i := range s.cols {
		c := &s.cols[i]
		c.skip = d.keep != nil && !d.kept(c.key)
		if !c.skip {
			s.nkeep++
		}
	}
	return s, nil
}

// fields maps the columns of the header to the fields of an object type:
// by exact name first, then by normalized name (norm).
func (d *Decoder) fields(s *state) error {
	used := make(map[string]string, len(s.cols))
	for i := range s.cols {
		c := &s.cols[i]
		line, col := s.r.FieldPos(i)
		f := d.row.Field(c.name)
		if f == nil {
			cands := d.byNorm[norm(c.name)]
			switch len(cands) {
			case 0:
				return &Error{Reason: ReasonSchemaMismatch, Column: c.name, Line: line, Col: s.cur.col(line, col),
					Msg: fmt.Sprintf("%s has no field for this column (its fields: %s): declare it in the schema, or remove the column", d.row, fieldList(d.row))}
			case 1:
				f = cands[0]
			default:
				names := make([]string, len(cands))
				for j, c := range cands {
					names[j] = c.Name
				}
				return &Error{Reason: ReasonSchemaMismatch, Column: c.name, Line: line, Col: s.cur.col(line, col),
					Msg: fmt.Sprintf("the column could be any of the fields %s of %s: name it exactly", strings.Join(names, ", "), d.row)}
			}
		}
		if prev, dup := used[f.Name]; dup {
			return &Error{Reason: ReasonSchemaMismatch, Column: c.name, Line: line, Col: s.cur.col(line, col),
				Msg: fmt.Sprintf("this column and column %s are both field %s", quote(prev), f.Name)}
		}
		used[f.Name] = c.name
		ct, _ := cellType(f.Type) // checked by NewDecoder
		c.key, c.typ, c.required = f.Name, ct, f.Required
	}
	for _, f := range d.row.Fields {
		if _, ok := used[f.Name]; f.Required && !ok {
			return &Error{Reason: ReasonSchemaMismatch, Line: 1,
				Msg: fmt.Sprintf("the header has no column for the required field %s of %s", f.Name, d.row)}
		}
	}
	return nil
}

// kept reports whether the column with this key is read. A read of a
// map key with a dot ("input['a.b']") reaches ColumnsRead as "a": the
// column "a.b" is kept too, since decoding more than asked is safe.
func (d *Decoder) kept(key string) bool {
	if d.keep[key] {
		return true
	}
	for k := range d.keep {
		if len(key) > len(k) && strings.HasPrefix(key, k) && (key[len(k)] == '.' || key[len(k)] == '[') {
			return true
		}
	}
	return false
}

func fieldList(t *builtin.Type) string {
	names := t.FieldNames()
	if len(names) > 20 {
		names = append(names[:20:20], "…")
	}
	return strings.Join(names, ", ")
}

// norm is the loose form of a column or field name: lower case, white
// space around it removed, spaces and dashes as underscores ("Updated At",
// "updated-at" and "UPDATED_AT" are all "updated_at").
func norm(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// next reads the next data row. It returns io.EOF after the last one; a
// row that has not as many fields as the header as rowErr (the framing of
// the rows after it is intact); any other error ends the body.
func (s *state) next() (rec []string, rowErr *Error, err error) {
	rec, err = s.r.Read()
	if err == io.EOF {
		return nil, nil, err
	}
	s.rows++
	if s.max > 0 && s.rows > s.max {
		return nil, nil, &Error{Reason: ReasonLimitExceeded, Msg: fmt.Sprintf("the body has more than %d rows, the limit", s.max)}
	}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) || pe.Err != csv.ErrFieldCount {
			return nil, nil, s.syntax(err, s.rows)
		}
		s.line, _ = s.r.FieldPos(0)
		e := &Error{Reason: ReasonInvalidCSV, Row: s.rows, Line: s.line,
			Msg: fmt.Sprintf("the row has %s, but the header has %s", plural(len(rec), "field"), plural(s.header, "column"))}
		if len(rec) > s.header {
			line, col := s.r.FieldPos(s.header)
			e.Line, e.Col = line, s.cur.col(line, col)
			e.Msg += fmt.Sprintf(" (the extra field is %s)", quote(rec[s.header]))
		} else {
			e.Msg += fmt.Sprintf(" (no field for %s)", quote(s.cols[len(rec)].name))
		}
		return nil, e, nil
	}
	s.line, _ = s.r.FieldPos(0)
	return rec, nil, nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// drain reads the rest of the body after a schema error in the header,
// and returns the first syntax error it finds, if any.
func (s *state) drain() *Error {
	for {
		_, err := s.r.Read()
		if err == io.EOF {
			return nil
		}
		s.rows++
		var pe *csv.ParseError
		if err != nil && (!errors.As(err, &pe) || pe.Err != csv.ErrFieldCount) {
			return s.syntax(err, s.rows)
		}
	}
}

// syntax turns an encoding/csv failure into an INVALID_CSV error.
func (s *state) syntax(err error, row int) *Error {
	e := &Error{Reason: ReasonInvalidCSV, Row: row, Msg: err.Error()}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		e.Line, e.Col = pe.Line, s.cur.col(pe.Line, pe.Column)
		switch pe.Err {
		case csv.ErrBareQuote:
			e.Msg = `a quote (") inside a field that does not start with one: quote the whole field and double the quotes in it ("5"" disk")`
		case csv.ErrQuote:
			e.Msg = `a quoted field is not closed, or text follows its closing quote: a quote inside a quoted field must be doubled ("")`
			if pe.StartLine != pe.Line {
				e.Msg += fmt.Sprintf(" (the row starts at line %d)", pe.StartLine)
			}
		default:
			e.Msg = pe.Err.Error()
		}
	}
	return e
}

// convert builds the value of a row from its cells.
func (s *state) convert(rec []string) (map[string]any, *Error) {
	m := make(map[string]any, s.nkeep)
	for i := range s.cols {
		c := &s.cols[i]
		cell := rec[i]
		if c.typ.Kind != builtin.KindString {
			cell = strings.Trim(cell, " \t")
		}
		if cell == "" {
			if c.required {
				return nil, s.cellError(i, ReasonSchemaMismatch, fmt.Sprintf("the cell is empty, but field %s is required", c.key))
			}
			continue
		}
		if c.skip {
			continue
		}
		v, reason, msg := parseCell(cell, c.typ)
		if msg != "" {
			return nil, s.cellError(i, reason, msg)
		}
		m[c.key] = v
	}
	return m, nil
}

func (s *state) cellError(i int, reason, msg string) *Error {
	line, col := s.r.FieldPos(i)
	return &Error{Reason: reason, Row: s.rows, Column: s.cols[i].name, Line: line, Col: s.cur.col(line, col), Msg: msg}
}

// parseCell converts a non-empty cell by a cell type; a failure is a
// reason and a message.
func parseCell(cell string, t *builtin.Type) (v any, reason, msg string) {
	switch t.Kind {
	case builtin.KindString:
		return cell, "", ""
	case builtin.KindInt:
		i, err := strconv.ParseInt(cell, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, ReasonSchemaMismatch, fmt.Sprintf("want an integer, found %s, which is out of the 64-bit range", quote(cell))
			}
			return nil, ReasonSchemaMismatch, fmt.Sprintf("want an integer, found %s", quote(cell))
		}
		return i, "", ""
	case builtin.KindDecimal:
		d, err := builtin.ParseDecimal(cell)
		if err != nil {
			return nil, ReasonSchemaMismatch, fmt.Sprintf("want a decimal in plain notation such as 12.50 (no decimal comma, thousands separator or exponent), found %s", quote(cell))
		}
		return d, "", ""
	case builtin.KindDouble:
		f, err := strconv.ParseFloat(cell, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || strings.ContainsAny(cell, "_xXpP") {
			return nil, ReasonSchemaMismatch, fmt.Sprintf("want a finite number, found %s", quote(cell))
		}
		return f, "", ""
	case builtin.KindBool:
		switch {
		case strings.EqualFold(cell, "true"), strings.EqualFold(cell, "yes"), cell == "1":
			return true, "", ""
		case strings.EqualFold(cell, "false"), strings.EqualFold(cell, "no"), cell == "0":
			return false, "", ""
		}
		return nil, ReasonSchemaMismatch, fmt.Sprintf("want a boolean (true, false, yes, no, 1 or 0), found %s", quote(cell))
	case builtin.KindTimestamp:
		if ts, err := time.Parse(time.RFC3339, cell); err == nil {
			return ts, "", ""
		}
		if len(cell) == len("2006-01-02") {
			if ts, err := time.Parse("2006-01-02", cell); err == nil {
				return ts, "", "" // midnight UTC
			}
		}
		return nil, builtin.ReasonInvalidDate, fmt.Sprintf("want an RFC 3339 timestamp such as 2024-03-01T09:30:00Z or a date such as 2024-03-01, found %s", quote(cell))
	}
	return nil, ReasonSchemaMismatch, fmt.Sprintf("a %s cannot be a cell", t) // refused by NewDecoder
}

// DetectDelimiter picks the delimiter of a body from its header line:
// the one of , ; TAB | that occurs most often outside quotes; comma on a
// tie, and when there is none (one column).
func DetectDelimiter(data []byte) rune {
	delims := [...]byte{',', ';', '\t', '|'}
	var counts [len(delims)]int
	quoted := false
scan:
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			break scan
		default:
			for i, d := range delims {
				if c == d {
					counts[i]++
				}
			}
		}
	}
	best := 0
	for i := range delims {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return rune(delims[best])
}

// cursor turns encoding/csv's byte columns into character columns. Errors
// come in body order, so it only moves forward (back to the start when
// asked for an earlier line): O(body) in all.
type cursor struct {
	data []byte
	off  int // where line starts
	line int
}

func (c *cursor) col(line, byteCol int) int {
	if line < c.line {
		c.off, c.line = 0, 1
	}
	for c.line < line {
		i := bytes.IndexByte(c.data[c.off:], '\n')
		if i < 0 {
			break
		}
		c.off += i + 1
		c.line++
	}
	end := c.off + byteCol - 1
	if byteCol < 1 || end > len(c.data) {
		return byteCol
	}
	return utf8.RuneCount(c.data[c.off:end]) + 1
}

// invalidUTF8 returns the line and column of the first byte of data that
// is not UTF-8, and the byte.
func invalidUTF8(data []byte) (line, col int, b byte) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return line, col, data[i]
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return line, col, 0
}
