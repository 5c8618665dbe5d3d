package x12

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

var (
	big850Once sync.Once
	big850     []byte
	big850Sets int
)

// bigInterchange builds one interchange of about 10 MB: the VICS 850 of
// the corpus repeated with unique ST02 control numbers, in one group.
func bigInterchange(tb testing.TB) []byte {
	big850Once.Do(func() {
		src := readTestdata(tb, "x12_850_vics_po4_pack_4010.edi")
		st := bytes.Index(src, []byte("ST*850*"))
		ge := bytes.Index(src, []byte("GE*"))
		body := src[st:ge] // ST … SE~\n
		head := src[:st]   // ISA, GS
		const target = 10 << 20
		var b bytes.Buffer
		b.Grow(target + 4096)
		b.Write(head)
		for b.Len() < target {
			big850Sets++
			ctl := fmt.Appendf(nil, "%09d", big850Sets)
			b.Write(bytes.ReplaceAll(body, []byte("000000010"), ctl))
		}
		fmt.Fprintf(&b, "GE*%d*1421~\nIEA*1*000003438~\n", big850Sets)
		big850 = b.Bytes()
	})
	return big850
}

func TestBigInterchange(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB")
	}
	data := bigInterchange(t)
	ic, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range ic.Groups[0].Sets {
		if s.Doc != nil {
			n++
		}
	}
	if n != big850Sets || n < 9000 {
		t.Errorf("%d documents of %d sets", n, big850Sets)
	}
}

// BenchmarkParse850 parses the 10 MB interchange into documents, with
// every check.
func BenchmarkParse850(b *testing.B) {
	data := bigInterchange(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadBaseline only counts the segment terminators of the same
// bytes: the floor any parser of them sits on.
func BenchmarkReadBaseline(b *testing.B) {
	data := bigInterchange(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if bytes.Count(data, []byte{'~'}) == 0 {
			b.Fatal("no terminators")
		}
	}
}

// BenchmarkJSONReference decodes the same documents from their JSON
// encoding with encoding/json into map[string]any: the cost of the value
// graph alone, for comparison. Bytes are those of the X12 input, so the
// MB/s of the two benchmarks compare directly.
func BenchmarkJSONReference(b *testing.B) {
	data := bigInterchange(b)
	ic, err := Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]any, 0, len(ic.Groups[0].Sets))
	for _, s := range ic.Groups[0].Sets {
		docs = append(docs, s.Doc)
	}
	js, err := json.Marshal(docs)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(js, &v); err != nil {
			b.Fatal(err)
		}
	}
}
