package badgerstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/transload/transload/engine/store"
)

// The records are a small hand-written binary encoding rather than JSON:
// for the 5.9 KB order the JSON encoding base64s the body (+33 %) and costs
// several microseconds of reflection per message on the committer's path;
// this one is a length-prefixed copy (see BenchmarkCodec). Every record
// starts with a format version byte so the layout can evolve: a reader
// refuses a version it does not know instead of misreading it.
const codecV1 = 1

var errCorrupt = errors.New("badgerstore: corrupt record")

type encoder struct{ b []byte }

func (e *encoder) byte(v byte)      { e.b = append(e.b, v) }
func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) bytes(p []byte)   { e.uvarint(uint64(len(p))); e.b = append(e.b, p...) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) strs(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}
func (e *encoder) bool(v bool) { e.byte(boolByte(v)) }
func (e *encoder) strMap(m map[string]string) {
	e.uvarint(uint64(len(m)))
	for k, v := range m {
		e.str(k)
		e.str(v)
	}
}

// time keeps the instant to the nanosecond over the whole range of
// time.Time (seconds and nanoseconds apart, not UnixNano, which overflows
// outside 1678–2262). The zone is not kept: times come back in UTC.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.byte(0)
		return
	}
	e.byte(1)
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes returns a slice aliasing the decoder's buffer (no copy): callers
// decode from a buffer they own.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	if n == 0 {
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) count() int {
	n := d.uvarint()
	// Every element takes at least one byte: a count beyond what is left
	// is corruption, not an allocation to attempt.
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) strMap() map[string]string {
	n := d.count()
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

func (d *decoder) bool() bool { return d.byte() != 0 }

func (d *decoder) time() time.Time {
	if d.byte() == 0 {
		return time.Time{}
	}
	sec := d.varint()
	nsec := d.uvarint()
	if nsec >= 1e9 {
		d.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *decoder) version() {
	if v := d.byte(); v != codecV1 && d.err == nil {
		d.err = fmt.Errorf("badgerstore: record format version %d is not known to this build", v)
	}
}

func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	return d.err
}

// Envelope.

func appendEnvelope(b []byte, m *store.Envelope) []byte {
	e := encoder{b: b}
	e.byte(codecV1)
	e.str(m.ID)
	e.str(m.Flow)
	e.str(m.Version)
	e.bytes(m.Body)
	e.strMap(m.Headers)
	e.str(m.CorrelationID)
	e.str(m.Origin)
	e.str(m.Source)
	e.time(m.ReceivedAt)
	e.time(m.NotBefore)
	e.uvarint(uint64(len(m.Attempts)))
	for _, a := range m.Attempts {
		e.time(a.At)
		e.str(a.Version)
		e.str(a.Step)
		e.str(a.Error)
		e.str(a.Reason)
	}
	e.varint(int64(m.Priority))
	return e.b
}

func envelopeSize(m *store.Envelope) int {
	n := 64 + len(m.ID) + len(m.Flow) + len(m.Version) + len(m.Body) +
		len(m.CorrelationID) + len(m.Origin) + len(m.Source)
	for k, v := range m.Headers {
		n += len(k) + len(v) + 4
	}
	for _, a := range m.Attempts {
		n += 24 + len(a.Version) + len(a.Step) + len(a.Error) + len(a.Reason)
	}
	return n
}

func encodeEnvelope(m *store.Envelope) []byte {
	return appendEnvelope(make([]byte, 0, envelopeSize(m)), m)
}

// decodeEnvelope decodes b, which the envelope then owns: Body aliases it.
func decodeEnvelope(b []byte) (*store.Envelope, error) {
	d := decoder{b: b}
	m := readEnvelope(&d)
	if err := d.done(); err != nil {
		return nil, err
	}
	return m, nil
}

func readEnvelope(d *decoder) *store.Envelope {
	d.version()
	m := &store.Envelope{
		ID:      d.str(),
		Flow:    d.str(),
		Version: d.str(),
		Body:    d.bytes(),
		Headers: d.strMap(),
	}
	m.CorrelationID = d.str()
	m.Origin = d.str()
	m.Source = d.str()
	m.ReceivedAt = d.time()
	m.NotBefore = d.time()
	if n := d.count(); n > 0 {
		m.Attempts = make([]store.Attempt, n)
		for i := range m.Attempts {
			a := &m.Attempts[i]
			a.At = d.time()
			a.Version = d.str()
			a.Step = d.str()
			a.Error = d.str()
			a.Reason = d.str()
		}
	}
	p := d.varint()
	if p < math.MinInt32 || p > math.MaxInt32 {
		d.fail()
	}
	m.Priority = int(p)
	return m
}

// The inbox header: what the in-memory index needs, kept apart from the
// envelope so that rebuilding the index at Open reads a few bytes per
// message, not its body.

func encodeHeader(id string, notBefore time.Time) []byte {
	e := encoder{b: make([]byte, 0, len(id)+16)}
	e.byte(codecV1)
	e.str(id)
	e.time(notBefore)
	return e.b
}

func decodeHeader(b []byte) (id string, notBefore time.Time, err error) {
	d := decoder{b: b}
	d.version()
	id = d.str()
	notBefore = d.time()
	return id, notBefore, d.done()
}

// Key-store values: revision, expiry (Unix nanoseconds, 0 for none), value.

func encodeKV(rev uint64, expires int64, value []byte) []byte {
	e := encoder{b: make([]byte, 0, len(value)+20)}
	e.uvarint(rev)
	e.varint(expires)
	e.b = append(e.b, value...)
	return e.b
}

// decodeKVMeta reads the revision and expiry; the value is the rest of b.
func decodeKVMeta(b []byte) (rev uint64, expires int64, value []byte, err error) {
	d := decoder{b: b}
	rev = d.uvarint()
	expires = d.varint()
	if d.err != nil {
		return 0, 0, nil, d.err
	}
	return rev, expires, d.b, nil
}

// Dead letters.

func encodeDeadLetter(dl *store.DeadLetter) []byte {
	size := 128 + len(dl.ID) + len(dl.Part) + len(dl.Class) + len(dl.Reason) +
		len(dl.Message) + len(dl.Step) + len(dl.Range) + len(dl.Version) + len(dl.Delivery)
	for _, s := range dl.Errors {
		size += len(s) + 2
	}
	if dl.Envelope != nil {
		size += envelopeSize(dl.Envelope)
	}
	e := encoder{b: make([]byte, 0, size)}
	e.byte(codecV1)
	e.str(dl.ID)
	e.bool(dl.Envelope != nil)
	if dl.Envelope != nil {
		e.b = appendEnvelope(e.b, dl.Envelope)
	}
	e.str(dl.Part)
	e.str(dl.Class)
	e.str(dl.Reason)
	e.str(dl.Message)
	e.strs(dl.Errors)
	e.str(dl.Step)
	e.str(dl.Range)
	e.str(dl.Version)
	e.time(dl.CreatedAt)
	if dl.Delivery != "" {
		// Added after the first release: a trailing field, absent from
		// the records written before, which still decode.
		e.str(dl.Delivery)
	}
	return e.b
}

func decodeDeadLetter(b []byte) (*store.DeadLetter, error) {
	d := decoder{b: b}
	d.version()
	dl := &store.DeadLetter{ID: d.str()}
	if d.bool() {
		dl.Envelope = readEnvelope(&d)
	}
	dl.Part = d.str()
	dl.Class = d.str()
	dl.Reason = d.str()
	dl.Message = d.str()
	dl.Errors = d.strs()
	dl.Step = d.str()
	dl.Range = d.str()
	dl.Version = d.str()
	dl.CreatedAt = d.time()
	if len(d.b) > 0 && d.err == nil {
		dl.Delivery = d.str()
	}
	if err := d.done(); err != nil {
		return nil, err
	}
	return dl, nil
}

// The dead-letter index entry: what List filters on, so a listing reads
// bodies only of the dead letters it returns.

type dlMeta struct {
	id, flow, reason, class string
}

func encodeDLMeta(m dlMeta) []byte {
	e := encoder{b: make([]byte, 0, len(m.id)+len(m.flow)+len(m.reason)+len(m.class)+8)}
	e.byte(codecV1)
	e.str(m.id)
	e.str(m.flow)
	e.str(m.reason)
	e.str(m.class)
	return e.b
}

func decodeDLMeta(b []byte) (dlMeta, error) {
	d := decoder{b: b}
	d.version()
	m := dlMeta{id: d.str(), flow: d.str(), reason: d.str(), class: d.str()}
	return m, d.done()
}

// Audit records.

func encodeAudit(r *store.AuditRecord) []byte {
	e := encoder{b: make([]byte, 0, 64+len(r.Who)+len(r.Action)+len(r.Target)+len(r.Why))}
	e.byte(codecV1)
	e.time(r.At)
	e.str(r.Who)
	e.str(r.Action)
	e.str(r.Target)
	e.str(r.Why)
	e.strMap(r.Details)
	return e.b
}

func decodeAudit(b []byte) (store.AuditRecord, error) {
	d := decoder{b: b}
	d.version()
	r := store.AuditRecord{At: d.time()}
	r.Who = d.str()
	r.Action = d.str()
	r.Target = d.str()
	r.Why = d.str()
	r.Details = d.strMap()
	return r, d.done()
}
