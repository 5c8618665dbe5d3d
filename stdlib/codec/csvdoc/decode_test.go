package csvdoc_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/csvdoc"
)

// inventorySchema is an inventory feed row.
const inventorySchema = `{"type": "object", "required": ["sku", "location", "available"], "properties": {
	"sku": {"type": "string"},
	"location": {"type": "string"},
	"available": {"type": "integer"},
	"updated_at": {"type": "string", "x-transload-kind": "timestamp"}
}}`

// priceListSchema is a price list processed as a whole.
const priceListSchema = `{"type": "array", "items": {"type": "object", "required": ["sku", "unit_price", "currency"], "properties": {
	"sku": {"type": "string"},
	"price_list": {"type": "string"},
	"unit_price": {"type": "number"},
	"currency": {"type": "string"},
	"valid_from": {"type": "string", "x-transload-kind": "timestamp"},
	"active": {"type": "boolean"}
}}}`

// cellSchema has a field of every cell type.
const cellSchema = `{"type": "object", "required": ["id"], "properties": {
	"id": {"type": "integer"},
	"name": {"type": "string"},
	"price": {"type": "number"},
	"rate": {"x-transload-kind": "double"},
	"flag": {"type": "boolean"},
	"at": {"type": "string", "x-transload-kind": "timestamp"},
	"extra": {"x-transload-kind": "any"}
}}`

func schemaOf(t testing.TB, schema string) *builtin.Type {
	t.Helper()
	typ, err := builtin.TypeFromJSONSchema("test.Row", []byte(schema), nil)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

func decoder(t testing.TB, typ *builtin.Type, keep []string, opts csvdoc.Options) *csvdoc.Decoder {
	t.Helper()
	d, err := csvdoc.NewDecoder(typ, keep, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// formatRows renders the rows for comparison: the value, or the error's
// reason, one row a line.
func formatRows(rows []csvdoc.Row) string {
	var b strings.Builder
	for _, r := range rows {
		if r.Err != nil {
			b.WriteString(builtin.ReasonOf(r.Err))
		} else {
			b.WriteString(builtin.Format(r.Value))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestDecodeInventoryFeed(t *testing.T) {
	data := readFile(t, "inventory.csv")
	if !strings.HasPrefix(string(data), "\xEF\xBB\xBF") || !strings.Contains(string(data), "\r\n") {
		t.Fatal("inventory.csv should have a BOM and CRLF line ends")
	}
	d := decoder(t, schemaOf(t, inventorySchema), nil, csvdoc.Options{})
	if d.List() {
		t.Fatal("an object type decodes one document per row")
	}
	rows, err := d.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"available":120,"location":"WH-EAST","sku":"WID-100-BLU","updated_at":"2024-03-01T09:30:00Z"}
{"available":0,"location":"WH-EAST","sku":"WID-100-RED","updated_at":"2024-03-01T09:30:00Z"}
{"available":36,"location":"WH-WEST","sku":"WID-200, CASE/12","updated_at":"2024-03-01T00:00:00Z"}
{"available":5,"location":"WH-WEST","sku":"GAD-7"}
`
	if got := formatRows(rows); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	for i, r := range rows {
		if r.Row != i+1 || r.Line != i+2 {
			t.Errorf("row %d: Row %d, Line %d", i+1, r.Row, r.Line)
		}
	}
	if v, ok := rows[0].Value["available"].(int64); !ok || v != 120 {
		t.Errorf("available is %T %v, want int64 120", rows[0].Value["available"], rows[0].Value["available"])
	}
	if at, ok := rows[2].Value["updated_at"].(time.Time); !ok || !at.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) || at.Location() != time.UTC {
		t.Errorf("a date is midnight UTC, got %v", rows[2].Value["updated_at"])
	}
}

func TestDecodePriceList(t *testing.T) {
	d := decoder(t, schemaOf(t, priceListSchema), nil, csvdoc.Options{})
	if !d.List() {
		t.Fatal("a list type decodes one document")
	}
	v, err := d.DecodeList(readFile(t, "price_list.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"active":true,"currency":"USD","price_list":"Retail","sku":"WID-100-BLU","unit_price":24.99,"valid_from":"2024-04-01T00:00:00Z"},` +
		`{"active":true,"currency":"USD","price_list":"Retail","sku":"WID-100-RED","unit_price":24.99,"valid_from":"2024-04-01T00:00:00Z"},` +
		`{"active":false,"currency":"USD","price_list":"Trade; net 30","sku":"WID-200; CASE/12","unit_price":269.40,"valid_from":"2024-04-01T00:00:00Z"},` +
		`{"active":true,"currency":"JPY","price_list":"Retail","sku":"GAD-7","unit_price":1230,"valid_from":"2024-04-01T00:00:00+09:00"}]`
	if got := builtin.Format(v); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Prices are exact decimals, scale kept: 269.40, never a float.
	price := v[2].(map[string]any)["unit_price"]
	if dec, ok := price.(builtin.Decimal); !ok || dec.String() != "269.40" {
		t.Errorf("unit_price is %T %v", price, price)
	}
	m, err := builtin.NewMoney(price.(builtin.Decimal), "USD")
	if err != nil || m.String() != "269.40 USD" {
		t.Errorf("money from the price: %v %v", m, err)
	}
}

func TestDecodeStockTSV(t *testing.T) {
	d := decoder(t, nil, nil, csvdoc.Options{})
	rows, err := d.Decode(readFile(t, "stock.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"item":"A-1","note":"needs \"recount\"","on_hand":"10","warehouse":"MAIN"}
{"item":"A-2","on_hand":"7","warehouse":"MAIN"}
`
	if got := formatRows(rows); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

func TestDecodeCells(t *testing.T) {
	d := decoder(t, schemaOf(t, cellSchema), nil, csvdoc.Options{})
	cases := []struct {
		name, csv, want string
	}{
		{"int", "id\n42\n", `{"id":42}`},
		{"int with sign and spaces", "id\n +42 \n", `{"id":42}`},
		{"negative int", "id\n-7\n", `{"id":-7}`},
		{"int64 bounds", "id\n9223372036854775807\n-9223372036854775808\n", `{"id":9223372036854775807}` + "\n" + `{"id":-9223372036854775808}`},
		{"string kept exactly", "id,name\n1,  a  b \n", `{"id":1,"name":"  a  b "}`},
		{"quoted string with line break", "id,name\n1,\"a\nb\"\n", `{"id":1,"name":"a\nb"}`},
		{"quoted string with CRLF", "id,name\r\n1,\"a\r\nb\"\r\n", `{"id":1,"name":"a\nb"}`},
		{"decimal kept exactly", "id,price\n1,24.990\n", `{"id":1,"price":24.990}`},
		{"decimal from an integer", "id,price\n1,7\n", `{"id":1,"price":7}`},
		{"negative decimal", "id,price\n1,-0.10\n", `{"id":1,"price":-0.10}`},
		{"double", "id,rate\n1,0.5\n", `{"id":1,"rate":0.5}`},
		{"double with exponent", "id,rate\n1,1e3\n", `{"id":1,"rate":1000}`},
		{"bools", "id,flag\n1,true\n2,FALSE\n3,Yes\n4,no\n5,1\n6,0\n",
			`{"flag":true,"id":1}` + "\n" + `{"flag":false,"id":2}` + "\n" + `{"flag":true,"id":3}` + "\n" + `{"flag":false,"id":4}` + "\n" + `{"flag":true,"id":5}` + "\n" + `{"flag":false,"id":6}`},
		{"RFC 3339", "id,at\n1,2024-03-01T09:30:00.250+01:00\n", `{"at":"2024-03-01T09:30:00.25+01:00","id":1}`},
		{"date is midnight UTC", "id,at\n1,2024-03-01\n", `{"at":"2024-03-01T00:00:00Z","id":1}`},
		{"dyn is a string", "id,extra\n1,007\n", `{"extra":"007","id":1}`},
		{"empty cells are absent", "id,name,price,rate,flag,at,extra\n1,,,,,,\n", `{"id":1}`},
		{"blank cells of typed fields are absent", "id,price,flag\n1,  , \t\n", `{"id":1}`},
		{"blank lines are skipped", "id\n\n1\n\n2\n", `{"id":1}` + "\n" + `{"id":2}`},
		{"no trailing line end", "id,name\n1,x", `{"id":1,"name":"x"}`},
		{"header only: no rows", "id,name\n", ``},
		{"columns in any order", "name,id\nx,1\n", `{"id":1,"name":"x"}`},
		{"columns by loose name", "ID,Name,  Rate \n1,x,2\n", `{"id":1,"name":"x","rate":2}`},
		{"BOM", "\xEF\xBB\xBFid\r\n1\r\n", `{"id":1}`},
		{"semicolons", "id;name;price\n1;a,b;1.50\n", `{"id":1,"name":"a,b","price":1.50}`},
		{"tabs", "id\tname\n1\ta;b\n", `{"id":1,"name":"a;b"}`},
		{"pipes", "id|name\n1|a b\n", `{"id":1,"name":"a b"}`},
		{"UTF-8", "id,name\n1,Café – Ünïcødé 日本\n", `{"id":1,"name":"Café – Ünïcødé 日本"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := d.Decode([]byte(c.csv))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSuffix(formatRows(rows), "\n")
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestDelimiter(t *testing.T) {
	d := decoder(t, nil, nil, csvdoc.Options{})
	cases := []struct {
		name, csv, want string
	}{
		{"comma", "a,b\n1,2\n", `{"a":"1","b":"2"}`},
		{"semicolon", "a;b\n1;2\n", `{"a":"1","b":"2"}`},
		{"tab", "a\tb\n1\t2\n", `{"a":"1","b":"2"}`},
		{"pipe", "a|b\n1|2\n", `{"a":"1","b":"2"}`},
		{"the most frequent wins", "a;b;c,d\n1;2;3,4\n", `{"a":"1","b":"2","c,d":"3,4"}`},
		{"comma on a tie", "a,b;c\n1,2;3\n", `{"a":"1","b;c":"2;3"}`},
		{"semicolon before tab and pipe on a tie", "a;b|c\tx\n1;2|3\t4\n", `{"a":"1","b|c\tx":"2|3\t4"}`},
		{"quoted delimiters do not count", "\"a;b;c\",d\n1,2\n", `{"a;b;c":"1","d":"2"}`},
		{"one column", "a b\nx;y\n", `{"a b":"x;y"}`},
		{"only the header line counts", "a;b\n\"1,2,3,4\";x\n", `{"a":"1,2,3,4","b":"x"}`},
		{"a quoted header spanning lines", "\"a\n,,,\";b\n1;2\n", `{"a\n,,,":"1","b":"2"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := d.Decode([]byte(c.csv))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSuffix(formatRows(rows), "\n"); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestDecodeMapAndAny(t *testing.T) {
	cases := []struct {
		name, schema, csv, want string
	}{
		{"any: every cell a string", "", "sku,qty,Updated At\nA,2,2024-03-01\n", `{"Updated At":"2024-03-01","qty":"2","sku":"A"}`},
		{"bare object: strings", `{"type": "object"}`, "sku,qty\nA,2\n", `{"qty":"2","sku":"A"}`},
		{"object without fields: strings", `{"type": "object", "additionalProperties": false}`, "sku,qty\nA,2\n", `{"qty":"2","sku":"A"}`},
		{"map of integers", `{"type": "object", "additionalProperties": {"type": "integer"}}`, "WH1,WH2\n3,\n", `{"WH1":3}`},
		{"list of any", `{"type": "array"}`, "a,b\n1,2\n3,4\n", `[{"a":"1","b":"2"},{"a":"3","b":"4"}]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var typ *builtin.Type
			if c.schema != "" {
				typ = schemaOf(t, c.schema)
			}
			d := decoder(t, typ, nil, csvdoc.Options{})
			var got string
			if d.List() {
				v, err := d.DecodeList([]byte(c.csv))
				if err != nil {
					t.Fatal(err)
				}
				got = builtin.Format(v)
			} else {
				rows, err := d.Decode([]byte(c.csv))
				if err != nil {
					t.Fatal(err)
				}
				got = strings.TrimSuffix(formatRows(rows), "\n")
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
	d := decoder(t, schemaOf(t, `{"type": "object", "additionalProperties": {"type": "integer"}}`), nil, csvdoc.Options{})
	rows, err := d.Decode([]byte("WH1,WH2\n3,x\n"))
	if err != nil || len(rows) != 1 || builtin.ReasonOf(rows[0].Err) != csvdoc.ReasonSchemaMismatch {
		t.Errorf("a map of integers with a cell x: %v %+v", err, rows)
	}
}

// TestRowsFailAlone: one document per row, so a bad row has its own
// error and the others are decoded.
func TestRowsFailAlone(t *testing.T) {
	d := decoder(t, schemaOf(t, inventorySchema), nil, csvdoc.Options{})
	body := "sku,location,available\nA,WH1,1\nB,WH1,x\nC,WH1\n,WH1,3\nD,WH1,4,extra\nE,WH2,5\n"
	rows, err := d.Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"available":1,"location":"WH1","sku":"A"}
SCHEMA_MISMATCH
INVALID_CSV
SCHEMA_MISMATCH
INVALID_CSV
{"available":5,"location":"WH2","sku":"E"}
`
	if got := formatRows(rows); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	msgs := []string{
		1: `csv: row 2, column "available": want an integer, found "x" (SCHEMA_MISMATCH at line 3, column 7)`,
		2: `csv: row 3: the row has 2 fields, but the header has 3 columns (no field for "available") (INVALID_CSV at line 4)`,
		3: `csv: row 4, column "sku": the cell is empty, but field sku is required (SCHEMA_MISMATCH at line 5, column 1)`,
		4: `csv: row 5: the row has 4 fields, but the header has 3 columns (the extra field is "extra") (INVALID_CSV at line 6, column 9)`,
	}
	for i, m := range msgs {
		if m == "" {
			continue
		}
		if rows[i].Err == nil || rows[i].Err.Error() != m {
			t.Errorf("row %d:\ngot  %v\nwant %s", i+1, rows[i].Err, m)
		}
	}
	// The same body as a list: the first bad row fails it.
	ld := decoder(t, builtin.ListOf(schemaOf(t, inventorySchema)), nil, csvdoc.Options{})
	_, err = ld.DecodeList([]byte(body))
	if err == nil || err.Error() != msgs[1] {
		t.Errorf("list: got %v, want %s", err, msgs[1])
	}
}

func TestDecodeErrors(t *testing.T) {
	typ := schemaOf(t, cellSchema)
	cases := []struct {
		name, csv string
		reason    string
		row       int
		column    string
		line, col int
		msg       string // the whole Error() text, when not empty
	}{
		// The body as a whole.
		{"empty", "", csvdoc.ReasonInvalidCSV, 0, "", 0, 0, "csv: the body is empty: want a header row naming the columns, then one row per record (INVALID_CSV)"},
		{"only a BOM and blank lines", "\xEF\xBB\xBF\r\n\r\n", csvdoc.ReasonInvalidCSV, 0, "", 0, 0, ""},
		{"not UTF-8", "id,name\n1,caf\xe9\n", csvdoc.ReasonInvalidCSV, 0, "", 2, 6, "csv: the body is not UTF-8 (byte 0xE9): export the file as UTF-8 (INVALID_CSV at line 2, column 6)"},
		{"UTF-16", "\xff\xfei\x00d\x00\n\x00", csvdoc.ReasonInvalidCSV, 0, "", 1, 1, ""},
		{"bare quote", "id,name\n1,5\" disk\n", csvdoc.ReasonInvalidCSV, 1, "", 2, 4, `csv: row 1: a quote (") inside a field that does not start with one: quote the whole field and double the quotes in it ("5"" disk") (INVALID_CSV at line 2, column 4)`},
		{"text after a closing quote", "id,name\n1,\"a\"b\n", csvdoc.ReasonInvalidCSV, 1, "", 2, 0, ""},
		{"unclosed quote", "id,name\n1,\"a\n2,b\n", csvdoc.ReasonInvalidCSV, 1, "", 0, 0, ""},
		{"bare quote in the header", "id,na\"me\n1,x\n", csvdoc.ReasonInvalidCSV, 0, "", 1, 6, ""},
		{"quote error after good rows", "id\n1\n2\n\"3\n", csvdoc.ReasonInvalidCSV, 3, "", 0, 0, ""},
		{"empty column name", "id,,name\n1,2,3\n", csvdoc.ReasonInvalidCSV, 0, "", 1, 4, "csv: column 2 of the header has no name: every column needs one (INVALID_CSV at line 1, column 4)"},
		{"blank column name", "id, \n1,2\n", csvdoc.ReasonInvalidCSV, 0, "", 1, 4, ""},
		{"duplicate column", "id,name,name\n1,a,b\n", csvdoc.ReasonInvalidCSV, 0, "name", 1, 9, `csv: column "name": the header names this column twice (columns 2 and 3) (INVALID_CSV at line 1, column 9)`},
		{"unknown column", "id,nmae\n1,x\n", csvdoc.ReasonSchemaMismatch, 0, "nmae", 1, 4, `csv: column "nmae": test.Row has no field for this column (its fields: id, name, price, rate, flag, at, extra): declare it in the schema, or remove the column (SCHEMA_MISMATCH at line 1, column 4)`},
		{"two columns for one field", "id,Name,name\n1,a,b\n", csvdoc.ReasonSchemaMismatch, 0, "name", 1, 9, `csv: column "name": this column and column "Name" are both field name (SCHEMA_MISMATCH at line 1, column 9)`},
		{"required field without a column", "name\nx\n", csvdoc.ReasonSchemaMismatch, 0, "", 1, 0, "csv: the header has no column for the required field id of test.Row (SCHEMA_MISMATCH at line 1)"},
		// One row.
		{"not an integer", "id\n1.5\n", csvdoc.ReasonSchemaMismatch, 1, "id", 2, 1, `csv: row 1, column "id": want an integer, found "1.5" (SCHEMA_MISMATCH at line 2, column 1)`},
		{"integer overflow", "id\n9223372036854775808\n", csvdoc.ReasonSchemaMismatch, 1, "id", 2, 1, `csv: row 1, column "id": want an integer, found "9223372036854775808", which is out of the 64-bit range (SCHEMA_MISMATCH at line 2, column 1)`},
		{"integer with exponent", "id\n1e3\n", csvdoc.ReasonSchemaMismatch, 1, "id", 2, 1, ""},
		{"decimal comma", "id;price\n1;\"1,5\"\n", csvdoc.ReasonSchemaMismatch, 1, "price", 2, 3, `csv: row 1, column "price": want a decimal in plain notation such as 12.50 (no decimal comma, thousands separator or exponent), found "1,5" (SCHEMA_MISMATCH at line 2, column 3)`},
		{"decimal exponent", "id,price\n1,1e3\n", csvdoc.ReasonSchemaMismatch, 1, "price", 2, 3, ""},
		{"thousands separator", "id;price\n1;1.000,00\n", csvdoc.ReasonSchemaMismatch, 1, "price", 2, 3, ""},
		{"decimal without a leading digit", "id,price\n1,.5\n", csvdoc.ReasonSchemaMismatch, 1, "price", 2, 3, ""},
		{"currency symbol", "id,price\n1,$5\n", csvdoc.ReasonSchemaMismatch, 1, "price", 2, 3, ""},
		{"not a double", "id,rate\n1,NaN\n", csvdoc.ReasonSchemaMismatch, 1, "rate", 2, 3, ""},
		{"not a boolean", "id,flag\n1,y\n", csvdoc.ReasonSchemaMismatch, 1, "flag", 2, 3, `csv: row 1, column "flag": want a boolean (true, false, yes, no, 1 or 0), found "y" (SCHEMA_MISMATCH at line 2, column 3)`},
		{"not a timestamp", "id,at\n1,01/03/2024\n", builtin.ReasonInvalidDate, 1, "at", 2, 3, `csv: row 1, column "at": want an RFC 3339 timestamp such as 2024-03-01T09:30:00Z or a date such as 2024-03-01, found "01/03/2024" (INVALID_DATE at line 2, column 3)`},
		{"timestamp without a zone", "id,at\n1,2024-03-01T09:30:00\n", builtin.ReasonInvalidDate, 1, "at", 2, 3, ""},
		{"not a date", "id,at\n1,2024-02-30\n", builtin.ReasonInvalidDate, 1, "at", 2, 3, ""},
		{"required cell empty", "id,name\n,x\n", csvdoc.ReasonSchemaMismatch, 1, "id", 2, 1, `csv: row 1, column "id": the cell is empty, but field id is required (SCHEMA_MISMATCH at line 2, column 1)`},
		{"required cell blank", "name,ID\nx,  \n", csvdoc.ReasonSchemaMismatch, 1, "ID", 2, 3, `csv: row 1, column "ID": the cell is empty, but field id is required (SCHEMA_MISMATCH at line 2, column 3)`},
		{"too few fields", "id,name\n1\n", csvdoc.ReasonInvalidCSV, 1, "", 2, 0, ""},
		{"too many fields", "id,name\n1,a,b\n", csvdoc.ReasonInvalidCSV, 1, "", 2, 5, ""},
		{"columns count characters", "id,name,flag\n1,日本,x\n", csvdoc.ReasonSchemaMismatch, 1, "flag", 2, 6, ""},
		{"lines count multi-line cells", "id,name,flag\n1,\"a\nb\nc\",x\n", csvdoc.ReasonSchemaMismatch, 1, "flag", 4, 4, ""},
		{"rows do not count blank lines", "id\n1\n\n\nx\n", csvdoc.ReasonSchemaMismatch, 2, "id", 5, 1, ""},
	}
	d := decoder(t, typ, nil, csvdoc.Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := d.Decode([]byte(c.csv))
			if err == nil {
				for _, r := range rows {
					if r.Err != nil {
						err = r.Err
						break
					}
				}
			}
			if err == nil {
				t.Fatalf("accepted: %s", formatRows(rows))
			}
			t.Log(err)
			if got := builtin.ReasonOf(err); got != c.reason {
				t.Errorf("reason %s, want %s: %v", got, c.reason, err)
			}
			var e *csvdoc.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not an *csvdoc.Error", err)
			}
			if e.Row != c.row || e.Column != c.column {
				t.Errorf("row %d column %q, want row %d column %q: %v", e.Row, e.Column, c.row, c.column, err)
			}
			if c.line != 0 && e.Line != c.line || c.col != 0 && e.Col != c.col {
				t.Errorf("at %d:%d, want %d:%d: %v", e.Line, e.Col, c.line, c.col, err)
			}
			if c.msg != "" && err.Error() != c.msg {
				t.Errorf("message:\ngot  %s\nwant %s", err, c.msg)
			}
		})
	}
}

func TestHeaderMatching(t *testing.T) {
	typ := schemaOf(t, `{"type": "object", "properties": {
		"updated_at": {"type": "string"}, "Updated_At": {"type": "string"},
		"on_hand": {"type": "integer"}, "sku": {"type": "string"}
	}}`)
	d := decoder(t, typ, nil, csvdoc.Options{})
	cases := []struct{ csv, want string }{
		{"Updated_At,updated_at\na,b\n", `{"Updated_At":"a","updated_at":"b"}`}, // exact names first
		{"On Hand,SKU\n1,x\n", `{"on_hand":1,"sku":"x"}`},
		{"on-hand, sku \n1,x\n", `{"on_hand":1,"sku":"x"}`},
		{"ON_HAND\n1\n", `{"on_hand":1}`},
	}
	for _, c := range cases {
		rows, err := d.Decode([]byte(c.csv))
		if err != nil {
			t.Errorf("%q: %v", c.csv, err)
			continue
		}
		if got := strings.TrimSuffix(formatRows(rows), "\n"); got != c.want {
			t.Errorf("%q: got %s, want %s", c.csv, got, c.want)
		}
	}
	_, err := d.Decode([]byte("Updated At\nx\n"))
	want := `csv: column "Updated At": the column could be any of the fields updated_at, Updated_At of test.Row: name it exactly (SCHEMA_MISMATCH at line 1, column 1)`
	if err == nil || err.Error() != want {
		t.Errorf("ambiguous:\ngot  %v\nwant %s", err, want)
	}
}

func TestProjection(t *testing.T) {
	typ := schemaOf(t, inventorySchema)
	d := decoder(t, typ, []string{"sku"}, csvdoc.Options{})
	rows, err := d.Decode([]byte("sku,location,available,updated_at\nA,WH1,not a number,never\n"))
	if err != nil || len(rows) != 1 || rows[0].Err != nil {
		t.Fatalf("%v %+v", err, rows)
	}
	if got := builtin.Format(rows[0].Value); got != `{"sku":"A"}` {
		t.Errorf("got %s, want only the column read", got)
	}
	// Skipped columns are still counted, and required ones still present.
	rows, err = d.Decode([]byte("sku,location,available\nA,WH1\nB,,1\n,WH1,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := formatRows(rows); got != "INVALID_CSV\nSCHEMA_MISMATCH\nSCHEMA_MISMATCH\n" {
		t.Errorf("got\n%s", got)
	}
	// The header is checked whole.
	if _, err := d.Decode([]byte("sku,colour\nA,red\n")); builtin.ReasonOf(err) != csvdoc.ReasonSchemaMismatch {
		t.Errorf("unknown unread column: %v", err)
	}
	// Nothing read: empty rows, still one per data row.
	none := decoder(t, typ, []string{}, csvdoc.Options{})
	rows, err = none.Decode([]byte("sku,location,available\nA,WH1,1\nB,WH1,2\n"))
	if err != nil || formatRows(rows) != "{}\n{}\n" {
		t.Errorf("%v %s", err, formatRows(rows))
	}
	// A map key read with a dot keeps the column.
	anyd := decoder(t, nil, csvdoc.ColumnsRead([]string{"input.a"}, "input"), csvdoc.Options{})
	rows, err = anyd.Decode([]byte("a.b,a,c\n1,2,3\n"))
	if err != nil || formatRows(rows) != `{"a":"2","a.b":"1"}`+"\n" {
		t.Errorf("%v %s", err, formatRows(rows))
	}
}

func TestColumnsRead(t *testing.T) {
	cases := []struct {
		paths []string
		want  []string
	}{
		{nil, nil},
		{[]string{}, []string{}},
		{[]string{"input.sku", "input.available", "input.sku"}, []string{"sku", "available"}},
		{[]string{"input.sku", "input"}, nil},
		{[]string{"input.sku", "input[]"}, nil},
		{[]string{"input.lines[].sku", "input.a.b"}, []string{"lines", "a"}},
		{[]string{"inputs.x", "headers.y", "input.z"}, []string{"z"}},
		{[]string{"input.Updated At"}, []string{"Updated At"}},
	}
	for _, c := range cases {
		got := csvdoc.ColumnsRead(c.paths, "input")
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %#v, want %#v", c.paths, got, c.want)
		}
	}
}

func TestDecodeLimits(t *testing.T) {
	d := decoder(t, nil, nil, csvdoc.Options{MaxBytes: 100, MaxRows: 3, MaxColumns: 4})
	cases := []struct {
		name, csv string
		reason    string
	}{
		{"bytes", "a\n" + strings.Repeat("x\n", 50), csvdoc.ReasonLimitExceeded},
		{"rows", "a\n1\n2\n3\n4\n", csvdoc.ReasonLimitExceeded},
		{"columns", "a,b,c,d,e\n1,2,3,4,5\n", csvdoc.ReasonLimitExceeded},
		{"at the limits", "a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3,4\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := d.Decode([]byte(c.csv))
			if got := builtin.ReasonOf(err); got != c.reason {
				t.Errorf("reason %q, want %q: %v", got, c.reason, err)
			}
		})
	}
	_, err := d.Decode([]byte("a\n1\n2\n3\n4\n"))
	if want := "csv: the body has more than 3 rows, the limit (LIMIT_EXCEEDED)"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	def := decoder(t, nil, nil, csvdoc.Options{})
	if _, err := def.Decode([]byte(strings.Repeat("a,", 10000) + "a\n")); builtin.ReasonOf(err) != csvdoc.ReasonLimitExceeded {
		t.Errorf("10,001 columns by default: %v", err)
	}
	if _, err := def.Decode(make([]byte, csvdoc.DefaultMaxBytes+1)); builtin.ReasonOf(err) != csvdoc.ReasonLimitExceeded {
		t.Errorf("64 MiB + 1 by default: %v", err)
	}
	unlimited := decoder(t, nil, nil, csvdoc.Options{MaxRows: -1, MaxBytes: -1, MaxColumns: -1})
	if rows, err := unlimited.Decode([]byte("a\n" + strings.Repeat("x\n", 2000))); err != nil || len(rows) != 2000 {
		t.Errorf("no limits: %v, %d rows", err, len(rows))
	}
}

func TestNewDecoderRefuses(t *testing.T) {
	cases := []struct {
		name string
		typ  *builtin.Type
		want string
	}{
		{"a string document", builtin.StringType, "must be an object"},
		{"a list of strings", builtin.ListOf(builtin.StringType), "must be an object"},
		{"a list of lists", builtin.ListOf(builtin.ListOf(builtin.AnyType)), "must be an object"},
		{"a money field", schemaOf(t, `{"type": "object", "properties": {"price": {"x-transload-kind": "money"}}}`), "money(input.price, input.currency)"},
		{"a quantity field", schemaOf(t, `{"type": "object", "properties": {"qty": {"x-transload-kind": "quantity"}}}`), "two columns"},
		{"a list field", schemaOf(t, `{"type": "object", "properties": {"tags": {"type": "array"}}}`), "field tags of test.Row"},
		{"an object field", schemaOf(t, `{"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}}}`), "not test.Row.a"},
		{"a map of objects", schemaOf(t, `{"type": "object", "additionalProperties": {"type": "object", "properties": {"b": {"type": "string"}}}}`), "the values of"},
	}
	for _, c := range cases {
		_, err := csvdoc.NewDecoder(c.typ, nil, csvdoc.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
	}
}

// TestConcurrentDecode: a Decoder is shared by the workers of a flow.
func TestConcurrentDecode(t *testing.T) {
	d := decoder(t, schemaOf(t, inventorySchema), []string{"sku", "available"}, csvdoc.Options{})
	data := readFile(t, "inventory.csv")
	want, err := d.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for range 4 {
		go func() {
			rows, err := d.Decode(data)
			if err != nil {
				done <- err.Error()
				return
			}
			done <- formatRows(rows)
		}()
	}
	for range 4 {
		if got := <-done; got != formatRows(want) {
			t.Errorf("got %s", got)
		}
	}
}
