package csvdoc_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/stdlib/codec/csvdoc"
)

// FuzzDecode checks that no input panics; that every error is an *Error
// with a reason; that whether a body is CSV does not depend on the schema
// (the untyped and the typed decoders agree on INVALID_CSV for the body);
// that the list decoder fails exactly when a row does; and that the rows
// the untyped decoder accepts encode to CSV that decodes to the same rows.
func FuzzDecode(f *testing.F) {
	for _, pattern := range []string{"*.csv", "*.tsv"} {
		files, _ := filepath.Glob(filepath.Join("testdata", pattern))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		"sku,location,available\nA,WH1,1\nB,WH1,x\nC,WH1\n",
		"a;b|c\t\"d,\"\"e\"\"\"\n1;2|3\t4\n",
		"\xEF\xBB\xBFa\r\n\"x\r\ny\"\r\n\r\n",
		"a,a\n", ",\n", "\"", "a\n\"b", "a\nb\"c\n", "a,b\n1,2,3\n", "\xff", "",
		"sku,available,updated_at\nA,1,2024-02-30\n",
	} {
		f.Add([]byte(s))
	}
	opts := csvdoc.Options{MaxRows: -1, MaxColumns: -1}
	untyped := decoder(f, nil, nil, opts)
	list := decoder(f, builtin.ListOf(builtin.AnyType), nil, opts)
	typed := decoder(f, schemaOf(f, inventorySchema), nil, opts)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, uerr := untyped.Decode(data)
		_, terr := typed.Decode(data)
		for _, err := range []error{uerr, terr} {
			var e *csvdoc.Error
			if err != nil && (!errors.As(err, &e) || builtin.ReasonOf(err) == "") {
				t.Fatalf("%q: an error without a reason: %v", data, err)
			}
		}
		uBad := builtin.ReasonOf(uerr) == csvdoc.ReasonInvalidCSV
		tBad := builtin.ReasonOf(terr) == csvdoc.ReasonInvalidCSV
		if uBad != tBad {
			t.Fatalf("the decoders disagree on whether %q is CSV:\nuntyped: %v\ntyped: %v", data, uerr, terr)
		}
		l, lerr := list.DecodeList(data)
		if uerr != nil {
			if lerr == nil || lerr.Error() != uerr.Error() {
				t.Fatalf("%q: the list decoder says %v, the row decoder %v", data, lerr, uerr)
			}
			return
		}
		var firstRowErr error
		for _, r := range rows {
			if r.Err != nil {
				if builtin.ReasonOf(r.Err) != csvdoc.ReasonInvalidCSV {
					t.Fatalf("%q: an untyped row failed with %v", data, r.Err)
				}
				if firstRowErr == nil {
					firstRowErr = r.Err
				}
			}
		}
		if firstRowErr != nil {
			if lerr == nil || lerr.Error() != firstRowErr.Error() {
				t.Fatalf("%q: the list decoder says %v, the first bad row %v", data, lerr, firstRowErr)
			}
			return
		}
		if lerr != nil || len(l) != len(rows) {
			t.Fatalf("%q: the list decoder says %v with %d rows, the row decoder %d rows", data, lerr, len(l), len(rows))
		}
		values := make([]map[string]any, len(rows))
		keys := map[string]bool{}
		for i, r := range rows {
			values[i] = normalize(r.Value)
			if len(values[i]) != len(r.Value) {
				return // two keys that differ in CRLF against LF: see normalize
			}
			for k := range r.Value {
				keys[k] = true
			}
		}
		if len(keys) == 0 {
			return // no cell has a value: there is no column to write
		}
		out, err := csvdoc.Encode(values, nil)
		if err != nil {
			t.Fatalf("%q: cannot encode what was decoded: %v", data, err)
		}
		again, err := untyped.Decode(out)
		if err != nil {
			t.Fatalf("%q: the encoding %q does not decode: %v", data, out, err)
		}
		if len(again) != len(rows) {
			t.Fatalf("%q: round trip through %q: %d rows, want %d", data, out, len(again), len(rows))
		}
		for i, r := range again {
			if r.Err != nil || builtin.Format(r.Value) != builtin.Format(values[i]) {
				t.Fatalf("%q: round trip through %q, row %d:\n%s\n%s %v", data, out, i+1, builtin.Format(values[i]), builtin.Format(r.Value), r.Err)
			}
		}
	})
}

// normalize reads CRLF as LF in keys and values, as encoding/csv does for
// every line end inside a quoted field: a value can hold CRLF only when
// the body had CR CR LF, and that reads back as CR LF, which Encode writes
// as it is and the reader reads as LF.
func normalize(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[strings.ReplaceAll(k, "\r\n", "\n")] = strings.ReplaceAll(v.(string), "\r\n", "\n")
	}
	return out
}
