package wal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func rec(i int) []byte {
	return []byte(fmt.Sprintf("record %04d %s", i, bytes.Repeat([]byte{'x'}, i%50)))
}

func open(t *testing.T, dir string, opts Options) (*Log, [][]byte, []Pos) {
	t.Helper()
	var got [][]byte
	var pos []Pos
	l, err := Open(dir, opts, func(p Pos, b []byte) error {
		got = append(got, bytes.Clone(b))
		pos = append(pos, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return l, got, pos
}

// TestAppendReadReplay: records are read back by position, and a reopened
// log replays them in order, at the same positions.
func TestAppendReadReplay(t *testing.T) {
	dir := t.TempDir()
	l, got, _ := open(t, dir, Options{})
	if len(got) != 0 {
		t.Fatalf("a new log replays %d records", len(got))
	}
	ctx := context.Background()
	var want [][]byte
	var wantPos []Pos
	for i := range 100 {
		p, err := l.Append(ctx, i%3 == 0, rec(i), rec(i+1000))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, rec(i), rec(i+1000))
		wantPos = append(wantPos, p...)
	}
	for i, p := range wantPos {
		b, err := l.Read(p)
		if err != nil || !bytes.Equal(b, want[i]) {
			t.Fatalf("read %v: %q, %v; want %q", p, b, err, want[i])
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	if _, err := l.Append(ctx, true, rec(1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("append after close: %v", err)
	}
	l, got, pos := open(t, dir, Options{})
	defer l.Close()
	if len(got) != len(want) {
		t.Fatalf("replayed %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) || pos[i] != wantPos[i] {
			t.Fatalf("record %d: %q at %v, want %q at %v", i, got[i], pos[i], want[i], wantPos[i])
		}
	}
	// Appending goes on after the replayed records.
	p, err := l.Append(ctx, true, rec(7))
	if err != nil || p[0].Off <= wantPos[len(wantPos)-1].Off {
		t.Fatalf("append after reopen at %v, %v", p, err)
	}
}

// TestGroupCommit: durable appends from many goroutines share syncs.
func TestGroupCommit(t *testing.T) {
	l, _, _ := open(t, t.TempDir(), Options{})
	var wg sync.WaitGroup
	const writers, each = 32, 50
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := l.Append(context.Background(), true, rec(w*each+i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	must(t, l.Close())
	if l.Syncs() >= writers*each/2 {
		t.Fatalf("%d syncs for %d durable appends: no group commit", l.Syncs(), writers*each)
	}
	t.Logf("%d syncs for %d durable appends", l.Syncs(), writers*each)
}

// TestLazySync: a lazy append is readable at once and synced within
// LazySync, even while lazy appends keep coming.
func TestLazySync(t *testing.T) {
	l, _, _ := open(t, t.TempDir(), Options{LazySync: 20 * time.Millisecond})
	defer l.Close()
	p, err := l.Append(context.Background(), false, rec(1))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := l.Read(p[0]); err != nil || !bytes.Equal(b, rec(1)) {
		t.Fatalf("read: %q %v", b, err)
	}
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) {
		if _, err := l.Append(context.Background(), false, rec(2)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	// Stop the writer to read the counter safely.
	must(t, l.Close())
	if l.Syncs() < 3 {
		t.Fatalf("%d syncs in 200 ms of lazy appends with LazySync 20 ms", l.Syncs())
	}
}

// TestTornTail: what a crash in the middle of a write leaves at the end of
// the last segment is cut off; the records before it are kept and the log
// goes on after them.
func TestTornTail(t *testing.T) {
	for name, tail := range map[string]func(good []byte) []byte{
		"a header cut short": func([]byte) []byte { return []byte{9, 0, 0} },
		"a record cut short": func([]byte) []byte { return []byte{200, 0, 0, 0, 1, 2, 3, 4, 'a', 'b'} },
		"a checksum mismatch": func(good []byte) []byte {
			b := bytes.Clone(good)
			b[len(b)-1] ^= 0xff
			return b
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			l, _, _ := open(t, dir, Options{})
			ps, err := l.Append(context.Background(), true, rec(1), rec(2))
			must(t, err)
			must(t, l.Close())
			seg := filepath.Join(dir, fmt.Sprintf("%016x.wal", ps[0].Seg))
			data, err := os.ReadFile(seg)
			must(t, err)
			second := data[ps[1].Off:]
			must(t, os.WriteFile(seg, append(data, tail(second)...), 0o644))
			l, got, _ := open(t, dir, Options{})
			defer l.Close()
			if len(got) != 2 || !bytes.Equal(got[1], rec(2)) {
				t.Fatalf("replayed %q", got)
			}
			if info, _ := os.Stat(seg); info.Size() != int64(len(data)) {
				t.Fatalf("segment is %d bytes after the cut, want %d", info.Size(), len(data))
			}
			p, err := l.Append(context.Background(), true, rec(3))
			must(t, err)
			if b, err := l.Read(p[0]); err != nil || !bytes.Equal(b, rec(3)) {
				t.Fatalf("read after the cut: %q %v", b, err)
			}
		})
	}
}

// TestRotationAndRemoval: segments rotate at SegmentSize; RemoveBelow
// deletes the older ones, never the active one, and a reopen replays what
// is left.
func TestRotationAndRemoval(t *testing.T) {
	dir := t.TempDir()
	l, _, _ := open(t, dir, Options{SegmentSize: 1 << 10})
	ctx := context.Background()
	var last []Pos
	for i := range 200 {
		p, err := l.Append(ctx, false, rec(i))
		must(t, err)
		last = p
	}
	segs, err := segments(dir)
	must(t, err)
	if len(segs) < 5 || segs[len(segs)-1] != l.Active() {
		t.Fatalf("segments %v, active %d", segs, l.Active())
	}
	keep := l.Active() - 1
	must(t, l.RemoveBelow(ctx, keep))
	if _, err := l.Read(Pos{Seg: segs[0], Off: 0, Len: 1}); err == nil {
		t.Fatal("a removed segment can still be read")
	}
	must(t, l.RemoveBelow(ctx, l.Active()+10))
	if b, err := l.Read(last[0]); err != nil || !bytes.Equal(b, rec(199)) {
		t.Fatalf("the active segment was removed: %q %v", b, err)
	}
	must(t, l.Close())
	l, got, pos := open(t, dir, Options{SegmentSize: 1 << 10})
	defer l.Close()
	if len(got) == 0 || !bytes.Equal(got[len(got)-1], rec(199)) || pos[0].Seg != last[0].Seg {
		t.Fatalf("replayed %d records from segment %v", len(got), pos)
	}
}

// TestCorruptionBeforeTheEnd: a bad record that is not at the end of the
// log is corruption, not a torn write: Open refuses the log.
func TestCorruptionBeforeTheEnd(t *testing.T) {
	dir := t.TempDir()
	l, _, _ := open(t, dir, Options{SegmentSize: 256})
	for i := range 20 {
		_, err := l.Append(context.Background(), true, rec(i))
		must(t, err)
	}
	must(t, l.Close())
	segs, _ := segments(dir)
	first := filepath.Join(dir, fmt.Sprintf("%016x.wal", segs[0]))
	data, err := os.ReadFile(first)
	must(t, err)
	data[headerSize] ^= 0xff
	must(t, os.WriteFile(first, data, 0o644))
	if _, err := Open(dir, Options{}, nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("open: %v, want corruption", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadMany: records asked for in any order, across segments, with
// gaps, come back in the order asked, read together where they are close;
// a removed segment and a damaged record fail only their own records.
func TestReadMany(t *testing.T) {
	dir := t.TempDir()
	l, _, _ := open(t, dir, Options{SegmentSize: 4 << 10})
	defer l.Close()
	ctx := context.Background()
	var pos []Pos
	for i := range 300 {
		p, err := l.Append(ctx, false, rec(i))
		must(t, err)
		pos = append(pos, p...)
	}
	// Every third record, from the end backwards: gaps, several segments.
	var ask []Pos
	var want [][]byte
	for i := len(pos) - 1; i >= 0; i -= 3 {
		ask = append(ask, pos[i])
		want = append(want, rec(i))
	}
	got, errs := l.ReadMany(ask)
	for i := range ask {
		if errs[i] != nil || !bytes.Equal(got[i], want[i]) {
			t.Fatalf("record %v: %q, %v; want %q", ask[i], got[i], errs[i], want[i])
		}
	}
	// Damage one record on disk, and remove the first segment.
	victim := pos[len(pos)-2]
	f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%016x%s", victim.Seg, suffix)), os.O_RDWR, 0)
	must(t, err)
	_, err = f.WriteAt([]byte("!"), victim.Off+headerSize+1)
	must(t, err)
	must(t, f.Close())
	must(t, l.RemoveBelow(ctx, pos[0].Seg+1))
	ask = []Pos{pos[len(pos)-1], victim, pos[0], pos[len(pos)-3]}
	got, errs = l.ReadMany(ask)
	if errs[0] != nil || !bytes.Equal(got[0], rec(len(pos)-1)) || errs[3] != nil || !bytes.Equal(got[3], rec(len(pos)-3)) {
		t.Fatalf("good records beside bad ones: %q %v, %q %v", got[0], errs[0], got[3], errs[3])
	}
	if !errors.Is(errs[1], ErrCorrupt) {
		t.Fatalf("damaged record: %v", errs[1])
	}
	if !errors.Is(errs[2], ErrGone) {
		t.Fatalf("record of a removed segment: %v", errs[2])
	}
}
