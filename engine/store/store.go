package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// Store is the engine's state: inboxes, keys (dedupe and the delivery
// ledger), dead letters and the audit log. The embedded implementation is
// Badger in one data directory; a distributed one (NATS JetStream: streams
// with work-queue retention, KV buckets with TTL and compare-and-set) fits
// the same interfaces. Nothing in the engine may assume it is the only
// instance using a Store except through these interfaces.
//
// Lifecycle: a Store is opened once per process and outlives reloads of
// the flows. Close waits for pending writes and is safe to call twice.
type Store interface {
	Inbox() Inbox
	Keys() KeyStore
	DeadLetters() DeadLetters
	Audit() Audit
	Close() error
}

// Exclusive is implemented by stores that only one process can use at a
// time (the embedded Badger store locks its directory). The engine then
// knows that a delivery intent left by another process is a crash
// leftover to recover at once, not a delivery some other instance is
// making right now.
type Exclusive interface {
	Exclusive() bool
}

// Backuper is implemented by stores that can write a consistent backup of
// everything they hold while they are in use (transload backup, GET
// /-/backup); the embedded store restores one with badgerstore.Restore.
type Backuper interface {
	Backup(ctx context.Context, w io.Writer) error
}

// Errors the implementations return.
var (
	ErrNotFound = errors.New("not found")
	// ErrConflict is a failed compare-and-set: the key's revision is not the
	// expected one (or it exists when it was expected not to).
	ErrConflict = errors.New("revision conflict")
	// ErrFull is returned by Append when an inbox holds its capacity.
	ErrFull   = errors.New("inbox full")
	ErrClosed = errors.New("store closed")
)

// Envelope is a message as the inbox stores it: everything needed to run
// it again from the start, on the version it started on or a newer one.
type Envelope struct {
	ID            string            `json:"id"`
	Flow          string            `json:"flow"`
	Version       string            `json:"version"`
	Body          []byte            `json:"body"`
	Headers       map[string]string `json:"headers,omitempty"`
	CorrelationID string            `json:"correlation_id"`
	Origin        string            `json:"origin,omitempty"`
	// Source is the source type ("http", "file", "flow", "replay").
	Source     string    `json:"source,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	// NotBefore is when the message may run again after a retryable
	// failure; zero means now. It is persisted, so a restart resumes the
	// backoff schedule instead of hammering a recovering system.
	NotBefore time.Time `json:"not_before,omitempty"`
	Attempts  []Attempt `json:"attempts,omitempty"`
	// Priority orders claims across flows (higher first, never exclusively).
	Priority int `json:"priority,omitempty"`
}

// Attempt is one failed try at processing a message.
type Attempt struct {
	At      time.Time `json:"at"`
	Version string    `json:"version"`
	Step    string    `json:"step,omitempty"`
	Error   string    `json:"error"`
	Reason  string    `json:"reason,omitempty"`
}

// Inbox is the durable queue of each flow. A message leaves it only when
// every delivery it owes has succeeded or it has been dead-lettered.
type Inbox interface {
	// Append stores messages durably (fsync'd) and returns once they are on
	// disk; concurrent calls share one sync. ErrFull when the flow's inbox
	// is at capacity: nothing is stored. A message whose ID is already in
	// the flow's inbox is not stored again (it does not count against the
	// capacity either): a retried ingress is idempotent while the first copy
	// waits, and Append returns once that copy is on disk.
	Append(ctx context.Context, msgs ...*Envelope) error
	// Claim leases up to max ready messages of flow (NotBefore passed), in
	// arrival order. A claimed message is not handed out again until it is
	// acked, retried or released, or its holder's lease lapses (the process
	// died). It returns an empty slice, not an error, when none is ready.
	Claim(ctx context.Context, flow string, max int) ([]*Envelope, error)
	// Ack removes messages that are done. An ack lost in a crash makes the
	// message run again, which the dedupe keys and the ledger make harmless,
	// so implementations need not sync acks before returning.
	Ack(ctx context.Context, flow string, ids ...string) error
	// Retry stores e (its new NotBefore and Attempts) and releases it.
	Retry(ctx context.Context, e *Envelope) error
	// Release gives claimed messages back unchanged (a shutdown).
	Release(ctx context.Context, flow string, ids ...string) error
	// Stats reports a flow's queue.
	Stats(ctx context.Context, flow string) (Stats, error)
	// Flows lists the flows that have messages.
	Flows(ctx context.Context) ([]string, error)
}

// Stats describes one inbox.
type Stats struct {
	Depth     int       // messages stored
	Ready     int       // of which ready now and not claimed
	Claimed   int       // of which leased
	NextReady time.Time // earliest NotBefore of the delayed ones, zero if none
}

// Entry is a key's value with its revision.
type Entry struct {
	Key      string
	Value    []byte
	Revision uint64
	// ExpiresAt is zero for keys without a TTL.
	ExpiresAt time.Time
}

// OpKind is what an Op does.
type OpKind uint8

// The operations.
const (
	// OpPut writes the value whatever the current revision.
	OpPut OpKind = iota
	// OpCAS writes the value only if the key's revision is Rev; Rev 0 means
	// the key must not exist (create).
	OpCAS
	// OpDelete removes the key if its revision is Rev (0: whatever it is).
	OpDelete
)

// Op is one write.
type Op struct {
	Kind  OpKind
	Key   string
	Rev   uint64
	Value []byte
	// TTL makes the key expire; zero keeps it forever.
	TTL time.Duration
	// Lazy lets Apply return before the write is durable: it is applied in
	// order and synced within a short interval. It is for writes whose loss
	// in a crash is harmless (a dedupe mark, which the delivery ledger
	// backs up). An Apply whose ops are all lazy returns no revisions.
	Lazy bool
}

// Result is the outcome of one Op: the new revision, or ErrConflict.
type Result struct {
	Rev uint64
	Err error
}

// KeyStore holds small keyed records: dedupe keys, the delivery ledger,
// aggregation batches and control-number counters.
type KeyStore interface {
	// Get returns the entry, or ErrNotFound (also for an expired key).
	Get(ctx context.Context, key string) (Entry, error)
	// Apply performs ops, each atomically on its own key, and returns once
	// the successful ones are durable; concurrent calls share one sync. A
	// failed compare-and-set is reported in its Result, not as the error.
	Apply(ctx context.Context, ops ...Op) ([]Result, error)
	// Scan calls fn for each live key with the prefix, in key order, until
	// fn returns false.
	Scan(ctx context.Context, prefix string, fn func(Entry) bool) error
}

// DeadLetter is a message that could not be processed, kept whole for a
// person to inspect, fix and replay, or discard.
type DeadLetter struct {
	ID       string    `json:"id"`
	Envelope *Envelope `json:"envelope"`
	// Part names the document inside the body that failed ("ST 0002").
	Part string `json:"part,omitempty"`
	// Class is "business" (the data is wrong: fix it, then replay) or
	// "technical" (a system failed: replay when it is back).
	Class string `json:"class"`
	// Reason is a stable code such as UNKNOWN_SKU or DUPLICATE_CONFLICT.
	Reason  string `json:"reason"`
	Message string `json:"message"`
	// Errors is the error chain, outermost first.
	Errors []string `json:"errors,omitempty"`
	Step   string   `json:"step,omitempty"`
	// Range is the failing expression's position: file:line:col.
	Range string `json:"range,omitempty"`
	// Delivery names the delivery an IN_DOUBT dead letter is about,
	// "<sink>/<key>": replaying it tells the engine the operator checked
	// that the target does not have the document.
	Delivery  string    `json:"delivery,omitempty"`
	Version   string    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// DeadLetterFilter narrows a listing.
type DeadLetterFilter struct {
	Flow   string
	Reason string
	Class  string
	Limit  int
}

// DeadLetters stores dead letters.
type DeadLetters interface {
	// Put stores a dead letter durably.
	Put(ctx context.Context, d *DeadLetter) error
	Get(ctx context.Context, id string) (*DeadLetter, error)
	// List returns dead letters, oldest first.
	List(ctx context.Context, f DeadLetterFilter) ([]*DeadLetter, error)
	// Delete removes a dead letter that was replayed or discarded; the
	// audit log keeps the record of why.
	Delete(ctx context.Context, id string) error
}

// AuditRecord is one act on the data by a person or a tool.
type AuditRecord struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"`
	Action string    `json:"action"` // "replay", "discard", "edit", "counter"
	Target string    `json:"target"` // the dead letter id, or the sequence of a counter
	Why    string    `json:"why"`
	// Details holds action facts: the version replayed on, the new message id.
	Details map[string]string `json:"details,omitempty"`
}

// Audit is an append-only log: records are never changed or removed.
type Audit interface {
	Append(ctx context.Context, r AuditRecord) error
	// List returns records in the order they were appended, from the
	// oldest, at most limit (0: all).
	List(ctx context.Context, limit int) ([]AuditRecord, error)
}
