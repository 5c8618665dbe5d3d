package connector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
)

// Message is one event as a source hands it to the engine.
type Message struct {
	// Body is the payload exactly as received: signature checks, replays and
	// dead letters need the original bytes.
	Body []byte
	// Headers are transport headers, names in lower case.
	Headers map[string]string
	// Origin says where the message came from, for operators:
	// "http POST /webhooks/orders", "file in/orders/batch.jsonl:17".
	Origin string
	// ID names the message at its origin when the origin can say it again
	// after a crash (a file's path, size and line): the engine derives the
	// message id from it, so a re-read line is the same message. Empty means
	// the engine assigns a fresh id.
	ID string
}

// Ingress is how a source hands messages to its flow.
type Ingress interface {
	// Submit stores msgs durably in the flow's inbox and returns once they
	// are on disk. Concurrent calls share one sync (group commit). On error
	// nothing was accepted and the source must not acknowledge its sender;
	// a *BackpressureError says the inbox is full and when to try again.
	Submit(ctx context.Context, msgs ...Message) error
}

// Unready is implemented by a source that refuses every event until an
// operator acts (a webhook whose secret is not set). The engine reports
// the unready sources of a version in one warning once they have started,
// rather than one warning each.
type Unready interface {
	// Unready says what the source lacks, or "" when it is ready.
	Unready() string
}

// IngressFunc adapts a function to Ingress.
type IngressFunc func(ctx context.Context, msgs ...Message) error

// Submit implements Ingress.
func (f IngressFunc) Submit(ctx context.Context, msgs ...Message) error { return f(ctx, msgs...) }

// BackpressureError says an inbox is full: the sender should retry after
// RetryAfter. HTTP sources answer 503 with a Retry-After header.
type BackpressureError struct {
	RetryAfter time.Duration
}

func (e *BackpressureError) Error() string {
	return fmt.Sprintf("inbox full, retry after %s", e.RetryAfter)
}

// Router is where HTTP sources register their routes. The engine owns the
// listener, which outlives reloads: each version of the flows gets a fresh
// router, swapped in atomically, so a route removed by an edit answers 404.
type Router interface {
	Handle(method, path string, h http.Handler) error
}

// SourceParams is what a source's constructor receives.
type SourceParams struct {
	// Flow is the name of the flow the source feeds.
	Flow string
	// Format is the flow's input format ("json", "xml", "csv", "x12").
	Format string
	// ListInput is true when the flow's input is a list (a whole CSV
	// export as rows, say): a file source then hands over whole files.
	ListInput bool
	// Config holds the settings, already checked against the spec.
	Config  cty.Value
	Ingress Ingress
	Router  Router
	Logger  *slog.Logger
	// Check decodes a body the way the flow will, without running it, so a
	// source that can answer its sender synchronously (HTTP) can refuse a
	// malformed or schema-violating payload (422) instead of accepting it
	// into the dead letters. It returns an error carrying a reason code
	// (builtin.ReasonOf). May be nil.
	Check func(body []byte) error
	// DataDir is the engine's data directory, for sources that keep state.
	DataDir string
	// BaseDir is the flows folder; relative paths in settings are relative
	// to it unless the connector documents otherwise.
	BaseDir string
	// Once asks batch sources to process what is there now and then call
	// Done, instead of watching for more (transload run --once). Every
	// source calls Done exactly once in this mode: one with no batch to
	// hand over (webhooks) calls it from Start, or the run never ends.
	Once bool
	Done func()
}

// Source produces messages for one flow.
//
// Lifecycle: the engine calls Start once; Start must not block (work runs
// on goroutines it owns) and may assume Ingress and Router are usable.
// Close stops producing, waits for in-flight Submit calls and releases
// resources; it is safe to call twice and without Start.
type Source interface {
	Start(ctx context.Context) error
	Close(ctx context.Context) error
}

// Delivery is one document handed to a sink.
type Delivery struct {
	// Key is the business key: the engine never lets one key produce a
	// second document in the same sink.
	Key string
	// IdempotencyKey is stable for (key, sink) across retries, restarts and
	// replays; sinks whose target has idempotency keys or external-ID
	// upserts send it.
	IdempotencyKey string
	// Body is the document in the native representation (see builtin.Kind).
	Body any
	// Type is Body's type as the flow's checker knows it, nil when it
	// does not: an encoder that writes an object's members in order (XML
	// elements in an XSD sequence) takes the order its fields are declared
	// in.
	Type *builtin.Type
	// Headers come from the delivering step's header expressions.
	Headers map[string]string
	// Settings are the sink's per-message settings, evaluated for this
	// message: attribute name, then map key ("" for a plain attribute).
	Settings map[string]map[string]string
	// Attempt is 1 for the first call, 2 for the first retry, and so on.
	Attempt int
	// Update is true when the key was delivered before and the flow routes
	// a changed document as an update.
	Update bool
	// Replacing is true when the ledger says this sink got an earlier
	// version of the key: the delivery changes that document, whose ref
	// (the id its target gave it, possibly "") is PreviousRef. A first
	// delivery of the key to this sink has Replacing false, even when
	// Update is true (the earlier version went elsewhere).
	Replacing   bool
	PreviousRef string
	// CorrelationID travels with the message end to end.
	CorrelationID string

	json    []byte
	jsonErr error
	encoded bool
}

// JSON returns the canonical JSON of Body (builtin.AppendJSON), computed
// once per delivery: the engine hashes it for the ledger, and sinks that
// send JSON reuse it instead of encoding the document again. A Delivery is
// used by one goroutine at a time.
func (d *Delivery) JSON() ([]byte, error) {
	if !d.encoded {
		d.json, d.jsonErr = builtin.AppendJSON(nil, d.Body)
		d.encoded = true
	}
	return d.json, d.jsonErr
}

// Response is what a sink's target answered.
type Response struct {
	Status int
	// Body is the decoded answer, visible to the following steps.
	Body any
	// Ref identifies the created document in the target (a NetSuite
	// internal id, a file name); the ledger records it.
	Ref string
}

// Sink delivers documents to one system account.
//
// Deliver may be called concurrently (the engine caps concurrency per sink
// as configured). It classifies failures: a *RetryableError (timeouts,
// connection errors, 5xx, 429) is retried with backoff, a *PermanentError
// goes to the dead letters at once; any other error is retried as
// retryable. Close is safe twice and without any delivery.
type Sink interface {
	Deliver(ctx context.Context, d *Delivery) (*Response, error)
	Close(ctx context.Context) error
}

// Finder is implemented by sinks whose target has no idempotency key:
// after a crash between the call and the record of its result, the engine
// asks whether the document already exists before calling again
// (read-before-create).
type Finder interface {
	Find(ctx context.Context, d *Delivery) (found bool, resp *Response, err error)
}

// Idempotency says how a sink keeps a retried delivery from creating a
// second document.
type Idempotency string

// The idempotency strategies.
const (
	// IdempotencyKey: the target deduplicates by the IdempotencyKey (an
	// Idempotency-Key header, an external-ID upsert, a file name).
	IdempotencyKey Idempotency = "key"
	// IdempotencyFind: the sink implements Finder.
	IdempotencyFind Idempotency = "find"
	// IdempotencyNone: the target cannot tell; after a crash mid-call the
	// engine dead-letters the delivery as IN_DOUBT for a person to check
	// rather than risk a duplicate.
	IdempotencyNone Idempotency = "none"
)

// SinkParams is what a sink's constructor receives.
type SinkParams struct {
	Name    string
	Config  cty.Value
	Logger  *slog.Logger
	DataDir string
	BaseDir string
	// Stdout is where a stdout sink writes (os.Stdout when nil).
	Stdout io.Writer
	// Counters hands out durable control numbers (X12 ISA13, GS06,
	// ST02). Always set by the engine.
	Counters Counters
}

// Counters hand out numbers from named sequences, durably: a number is
// never given to two different keys, even across a crash and restart,
// and the same key always gets the same number back, so a retried
// delivery repeats its control numbers instead of consuming new ones.
// A crash can leave a gap in a sequence, never a repeat.
type Counters interface {
	// Assign returns the number assigned to key in sequence, assigning
	// the next one if key has none yet. Numbers start at 1 and grow by
	// one; after max (0: no limit) the sequence wraps to 1, as X12's
	// nine-digit interchange control numbers must.
	Assign(ctx context.Context, sequence, key string, max uint64) (uint64, error)
}

// SourceFactory registers a source type.
type SourceFactory struct {
	Type string
	Spec *dsl.ConfigSpec
	New  func(SourceParams) (Source, error)
}

// SinkFactory registers a sink type.
type SinkFactory struct {
	Type string
	Spec *dsl.ConfigSpec
	New  func(SinkParams) (Sink, error)
	// Idempotency is the strategy the sink type uses (it may depend on
	// settings; then IdempotencyOf decides).
	Idempotency   Idempotency
	IdempotencyOf func(cfg cty.Value) Idempotency
	// Answer, when set, finishes a target's answer as the sink does with
	// cfg, its settings: its ref taken from where they say, say. Eval and
	// flow tests apply it to their mocks' answers, which stand in for the
	// target, not for the sink.
	Answer func(cfg cty.Value, r *Response) *Response
}

// Registry holds the connector types a process knows. It is built
// explicitly (in cmd, or by a test) and implements dsl.Connectors.
type Registry struct {
	sources map[string]SourceFactory
	sinks   map[string]SinkFactory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{sources: map[string]SourceFactory{}, sinks: map[string]SinkFactory{}}
}

// AddSource registers a source type.
func (r *Registry) AddSource(f SourceFactory) error {
	if f.Type == "" || f.Spec == nil || f.New == nil {
		return errors.New("a source factory needs a type, a spec and a constructor")
	}
	if _, dup := r.sources[f.Type]; dup {
		return fmt.Errorf("source type %q registered twice", f.Type)
	}
	r.sources[f.Type] = f
	return nil
}

// AddSink registers a sink type.
func (r *Registry) AddSink(f SinkFactory) error {
	if f.Type == "" || f.Spec == nil || f.New == nil {
		return errors.New("a sink factory needs a type, a spec and a constructor")
	}
	if _, dup := r.sinks[f.Type]; dup {
		return fmt.Errorf("sink type %q registered twice", f.Type)
	}
	r.sinks[f.Type] = f
	return nil
}

// Source returns the factory of a source type.
func (r *Registry) Source(kind string) (SourceFactory, bool) {
	f, ok := r.sources[kind]
	return f, ok
}

// Sink returns the factory of a sink type.
func (r *Registry) Sink(kind string) (SinkFactory, bool) {
	f, ok := r.sinks[kind]
	return f, ok
}

// SourceSpec implements dsl.Connectors.
func (r *Registry) SourceSpec(kind string) (*dsl.ConfigSpec, bool) {
	f, ok := r.sources[kind]
	return f.Spec, ok
}

// SinkSpec implements dsl.Connectors.
func (r *Registry) SinkSpec(kind string) (*dsl.ConfigSpec, bool) {
	f, ok := r.sinks[kind]
	return f.Spec, ok
}

// SourceKinds implements dsl.Connectors.
func (r *Registry) SourceKinds() []string { return keys(r.sources) }

// SinkKinds implements dsl.Connectors.
func (r *Registry) SinkKinds() []string { return keys(r.sinks) }

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var _ dsl.Connectors = (*Registry)(nil)

// The settings spec types, defined by the flow language and re-exported
// here so that connector packages need only this package.
type (
	ConfigSpec = dsl.ConfigSpec
	AttrSpec   = dsl.AttrSpec
	BlockSpec  = dsl.BlockSpec
)
