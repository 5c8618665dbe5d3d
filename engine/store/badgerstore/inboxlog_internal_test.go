package badgerstore

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestEncodePutInto: the record written around an envelope encoded in
// place is the one encodePut makes by copying, for sequence numbers of
// every varint length and long flow names.
func TestEncodePutInto(t *testing.T) {
	hdr := encodeHeader("msg-1", time.Unix(1700000000, 5))
	rec := []byte("an encoded envelope")
	for _, flow := range []string{"a", "orders", strings.Repeat("f", 300)} {
		for _, seq := range []uint64{0, 1, 127, 128, 1 << 35, 1<<64 - 1} {
			room := putRoom(flow, hdr)
			framed := append(make([]byte, room), rec...)
			got := encodePutInto(framed, flow, seq, hdr)
			if want := encodePut(flow, seq, hdr, rec); !bytes.Equal(got, want) {
				t.Fatalf("flow %d bytes, seq %d: %x, want %x", len(flow), seq, got, want)
			}
		}
	}
}
