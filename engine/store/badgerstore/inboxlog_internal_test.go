package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
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

// TestAppendAfterLogClosed: an Append that passed the store's own closed
// check while Close shut the inbox's log reports the store's ErrClosed,
// as the store contract says, not the log's error.
func TestAppendAfterLogClosed(t *testing.T) {
	s, err := Open(t.TempDir(), Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The window Close races through: the store still open, its log shut.
	if err := s.inbox.log.Close(); err != nil {
		t.Fatal(err)
	}
	err = s.Inbox().Append(context.Background(), &store.Envelope{ID: "m1", Flow: "a", Body: []byte("{}")})
	if !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Append: %v, want ErrClosed", err)
	}
}
