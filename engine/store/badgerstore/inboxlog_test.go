package badgerstore_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/transload/transload/engine/store/badgerstore"
)

// TestInboxMovesIntoItsLog: messages an older version kept in Badger are
// moved into the inbox's log at Open, in their order and with their
// bodies; their Badger keys are deleted, and a second Open finds nothing
// to move.
func TestInboxMovesIntoItsLog(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, badgerstore.Options{GCInterval: -1})
	for i := range 3 {
		if err := s.PutOldInbox(uint64(10+i), env("orders", fmt.Sprint("old-", i), []byte(fmt.Sprintf(`{"n":%d}`, i)))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, badgerstore.Options{GCInterval: -1})
	if n := s.OldInboxKeys(); n != 0 {
		t.Fatalf("%d old inbox keys left in Badger", n)
	}
	if err := s.Inbox().Append(ctx, env("orders", "new", []byte(`{"n":3}`))); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, badgerstore.Options{GCInterval: -1})
	got, err := s.Inbox().Claim(ctx, "orders", 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID+" "+string(e.Body))
	}
	want := fmt.Sprint([]string{`old-0 {"n":0}`, `old-1 {"n":1}`, `old-2 {"n":2}`, `new {"n":3}`})
	if fmt.Sprint(ids) != want {
		t.Fatalf("claimed %v, want %v", ids, want)
	}
}

// TestInboxLogSegmentsGo: once every message of a log segment is acked,
// the segment is removed; a segment with a message still waiting stays,
// and so does everything after it.
func TestInboxLogSegmentsGo(t *testing.T) {
	s, dir, opts := segmentedInbox(t, 16<<10, 100, 2000)
	segs := func() int {
		ents, _ := os.ReadDir(filepath.Join(dir, "inbox"))
		return len(ents)
	}
	full := segs()
	if full < 10 {
		t.Fatalf("%d segments for 200 KB in 16 KB segments", full)
	}
	got, err := s.Inbox().Claim(ctx, "orders", 100)
	if err != nil || len(got) != 100 {
		t.Fatalf("claim: %d %v", len(got), err)
	}
	// Keep the first message: nothing can go.
	var ids []string
	for _, e := range got[1:] {
		ids = append(ids, e.ID)
	}
	if err := s.Inbox().Ack(ctx, "orders", ids...); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := segs(); n < full {
		t.Fatalf("%d segments of %d left while the first one holds a waiting message", n, full)
	}
	if err := s.Inbox().Ack(ctx, "orders", got[0].ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for segs() > 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d segments left after every message was acked", segs())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, opts)
	if st, err := s.Inbox().Stats(ctx, "orders"); err != nil || st.Depth != 0 {
		t.Fatalf("after a reopen: %+v %v", st, err)
	}
}

// TestClaimGivesBackOnReadError: a claim whose records cannot be read (a
// damaged segment) fails as a whole and gives every message back, ready
// for the next claim, rather than dropping the ones it could not read;
// once the damage is mended they are claimed.
func TestClaimGivesBackOnReadError(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, badgerstore.Options{GCInterval: -1})
	for i := range 3 {
		if err := s.Inbox().Append(ctx, env("orders", fmt.Sprint("m", i), []byte(fmt.Sprintf(`{"order":"body-%d"}`, i)))); err != nil {
			t.Fatal(err)
		}
	}
	ents, err := os.ReadDir(filepath.Join(dir, "inbox"))
	if err != nil || len(ents) != 1 {
		t.Fatalf("segments %v %v", ents, err)
	}
	seg := filepath.Join(dir, "inbox", ents[0].Name())
	data, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, []byte("body-1"))
	if at < 0 {
		t.Fatal("body-1 not in the log")
	}
	damage := func(b byte) {
		f, err := os.OpenFile(seg, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt([]byte{b}, int64(at)); err != nil {
			t.Fatal(err)
		}
	}
	damage('B')
	if got, err := s.Inbox().Claim(ctx, "orders", 10); err == nil {
		t.Fatalf("claimed %d messages from a damaged log", len(got))
	}
	if st, err := s.Inbox().Stats(ctx, "orders"); err != nil || st.Ready != 3 || st.Claimed != 0 {
		t.Fatalf("after the failed claim: %+v %v; want 3 ready", st, err)
	}
	damage('b')
	got, err := s.Inbox().Claim(ctx, "orders", 10)
	if err != nil || len(got) != 3 {
		t.Fatalf("claim after the repair: %d %v", len(got), err)
	}
}

// TestClaimDropsWhatTheLogLost: messages whose log segment is gone (which
// the store never does while they are waiting, but a person might) are
// dropped from the index with a warning, and the claim goes on with the
// others: the inbox does not wedge on them.
func TestClaimDropsWhatTheLogLost(t *testing.T) {
	s, _, _ := segmentedInbox(t, 4<<10, 20, 1000)
	active := s.InboxActiveSegment()
	if active < 3 {
		t.Fatalf("active segment %d: want several", active)
	}
	if err := s.RemoveInboxSegmentsBelow(active); err != nil {
		t.Fatal(err)
	}
	got, err := s.Inbox().Claim(ctx, "orders", 100)
	if err != nil || len(got) == 0 || len(got) >= 20 {
		t.Fatalf("claim: %d messages, %v; want those of the active segment", len(got), err)
	}
	if st, err := s.Inbox().Stats(ctx, "orders"); err != nil || st.Depth != len(got) || st.Ready != 0 {
		t.Fatalf("after the claim: %+v %v; want only the %d claimed", st, err, len(got))
	}
	if more, err := s.Inbox().Claim(ctx, "orders", 100); err != nil || len(more) != 0 {
		t.Fatalf("a second claim: %d %v", len(more), err)
	}
}

// segmentedInbox opens a store in a new directory whose inbox log has
// segments of segSize bytes, and appends n messages (m0, m1, …) of
// bodySize bytes to flow orders. It returns the directory and options to
// open the store again.
func segmentedInbox(t *testing.T, segSize int64, n, bodySize int) (*badgerstore.Store, string, badgerstore.Options) {
	t.Helper()
	dir := t.TempDir()
	opts := badgerstore.Options{GCInterval: -1}
	badgerstore.SetInboxSegmentSize(&opts, segSize)
	s := open(t, dir, opts)
	body := make([]byte, bodySize)
	for i := range n {
		if err := s.Inbox().Append(ctx, env("orders", fmt.Sprint("m", i), body)); err != nil {
			t.Fatal(err)
		}
	}
	return s, dir, opts
}
