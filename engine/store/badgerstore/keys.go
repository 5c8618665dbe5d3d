package badgerstore

import (
	"encoding/binary"
	"math"
	"time"
)

// The key space. One byte of prefix per kind of record; nothing else lives
// in the directory's Badger database.
const (
	pInboxHeader = 'h' // h flow seq → id, NotBefore (the index rebuilt at Open)
	pInboxRecord = 'i' // i flow seq → envelope
	pKey         = 'k' // k key → revision, expiry, value
	pDeadLetter  = 'd' // d id → index key suffix, dead letter
	pDLIndex     = 'x' // x created seq → id, flow, reason, class (List order)
	pAudit       = 'a' // a seq → audit record
	pMeta        = 'm' // m counters → the committer's counters
)

var metaCountersKey = []byte{pMeta, 'c', 't', 'r'}

// inboxKey is prefix, the flow's length (uvarint), the flow, then the
// sequence big-endian, so a flow's messages sort in arrival order.
func inboxKey(prefix byte, flow string, seq uint64) []byte {
	k := make([]byte, 0, 1+binary.MaxVarintLen64+len(flow)+8)
	k = append(k, prefix)
	k = binary.AppendUvarint(k, uint64(len(flow)))
	k = append(k, flow...)
	return binary.BigEndian.AppendUint64(k, seq)
}

// parseInboxKey is the inverse of inboxKey (without the prefix check).
func parseInboxKey(k []byte) (flow string, seq uint64, ok bool) {
	if len(k) < 1 {
		return "", 0, false
	}
	n, w := binary.Uvarint(k[1:])
	if w <= 0 {
		return "", 0, false
	}
	rest := k[1+w:]
	if uint64(len(rest)) != n+8 {
		return "", 0, false
	}
	return string(rest[:n]), binary.BigEndian.Uint64(rest[n:]), true
}

func kvKey(key string) []byte {
	k := make([]byte, 0, 1+len(key))
	k = append(k, pKey)
	return append(k, key...)
}

func deadLetterKey(id string) []byte {
	k := make([]byte, 0, 1+len(id))
	k = append(k, pDeadLetter)
	return append(k, id...)
}

// dlIndexKey orders dead letters by creation time, then by the order they
// were first stored.
func dlIndexKey(created time.Time, seq uint64) []byte {
	k := make([]byte, 0, 17)
	k = append(k, pDLIndex)
	k = binary.BigEndian.AppendUint64(k, sortableTime(created))
	return binary.BigEndian.AppendUint64(k, seq)
}

// sortableTime maps t to a uint64 whose byte order is t's order (Unix
// nanoseconds with the sign bit flipped; clamped outside 1678–2262).
func sortableTime(t time.Time) uint64 {
	var ns int64
	switch {
	case t.IsZero():
		ns = math.MinInt64
	case t.Unix() >= math.MaxInt64/int64(time.Second):
		ns = math.MaxInt64
	case t.Unix() <= math.MinInt64/int64(time.Second):
		ns = math.MinInt64
	default:
		ns = t.UnixNano()
	}
	return uint64(ns) ^ (1 << 63)
}

func auditKey(seq uint64) []byte {
	k := make([]byte, 0, 9)
	k = append(k, pAudit)
	return binary.BigEndian.AppendUint64(k, seq)
}

// counters are the committer's monotonic counters. They are written with
// every transaction the committer commits, so they are as durable as the
// records they numbered.
type counters struct {
	seq   uint64 // last inbox sequence of the Badger-kept inbox (before the inbox's log)
	rev   uint64 // last key revision
	dl    uint64 // last dead-letter sequence
	audit uint64 // last audit sequence
}

func (c counters) encode() []byte {
	b := make([]byte, 0, 33)
	b = append(b, codecV1)
	for _, v := range []uint64{c.seq, c.rev, c.dl, c.audit} {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return b
}

func decodeCounters(b []byte) (counters, error) {
	if len(b) != 33 || b[0] != codecV1 {
		return counters{}, errCorrupt
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(b[1+8*i:]) }
	return counters{seq: u(0), rev: u(1), dl: u(2), audit: u(3)}, nil
}
