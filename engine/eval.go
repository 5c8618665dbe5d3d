package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/memstore"
)

// MockFunc answers a delivery in place of a sink (flow tests, eval).
type MockFunc func(ctx context.Context, d *connector.Delivery) (*connector.Response, error)

// EvalOptions configure an Evaluator.
type EvalOptions struct {
	Codecs connector.Codecs
	// Store is read for dedupe keys and the ledger; writes go nowhere
	// unless Record is set. Nil means an empty in-memory store.
	Store store.Store
	// Record makes the evaluator write dedupe keys, the ledger and dead
	// letters to Store, as the engine would (flow tests that send several
	// messages use it to see duplicates).
	Record bool
	// Mocks answer deliveries per sink; a sink without one answers with an
	// empty response.
	Mocks map[string]MockFunc
	// Now and NewID fix the clock and the ids (flow tests).
	Now   func() time.Time
	NewID func() string
	// Connectors are the sink types: a mock's answer is finished as its
	// sink's type would finish the target's (SinkFactory.Answer). Nil
	// leaves mock answers as they are.
	Connectors *connector.Registry
	// DeliveredBefore makes every input an update: its keys were
	// completed before by an earlier version of another body, delivered to
	// these sinks with these refs (sink name → ref). Flow tests use it
	// (delivered_before) to show what an update sends.
	DeliveredBefore map[string]string
}

// finishAnswers wraps mock so that its answers are finished as the sink's
// type finishes a target's (its ref from ref_paths, say), when the type
// says how.
func finishAnswers(mock MockFunc, reg *connector.Registry, s *dsl.Sink) MockFunc {
	if reg == nil {
		return mock
	}
	f, ok := reg.Sink(s.Type)
	if !ok || f.Answer == nil {
		return mock
	}
	return func(ctx context.Context, d *connector.Delivery) (*connector.Response, error) {
		r, err := mock(ctx, d)
		if err != nil || r == nil {
			return r, err
		}
		return f.Answer(s.Config, r), nil
	}
}

// Evaluator runs inputs through the flows of a configuration without side
// effects on any system: sinks are captured, the store is only read. It is
// `transload eval`, and the runner of flow tests.
type Evaluator struct {
	cfg   *dsl.Config
	flows map[string]*flowRuntime
	x     *deps
	store store.Store
	opts  EvalOptions
}

// NewEvaluator prepares the flows of cfg for evaluation.
func NewEvaluator(cfg *dsl.Config, o EvalOptions) (*Evaluator, error) {
	if o.Store == nil {
		o.Store = memstore.New(memstore.Options{Now: o.Now})
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = newMessageID
	}
	ev := &Evaluator{cfg: cfg, flows: map[string]*flowRuntime{}, store: o.Store, opts: o}
	for name, fl := range cfg.Flows {
		dec, err := o.Codecs.Decoder(fl.Format, fl.Schema, fl.Reads)
		if err != nil {
			return nil, fmt.Errorf("flow %s: %w", name, err)
		}
		rt := &flowRuntime{flow: fl, cfg: cfg, decoder: dec, version: cfg.Version, resume: map[string]connector.Decoder{}}
		for _, st := range fl.Steps {
			if st.Kind == dsl.StepAggregate {
				if rt.resume[st.Name], err = o.Codecs.Decoder("json", st.Output, nil); err != nil {
					return nil, err
				}
			}
		}
		ev.flows[name] = rt
	}
	handles := map[string]*sinkHandle{}
	for name, s := range cfg.Sinks {
		h := newSinkHandle(name, nil, connector.IdempotencyKey, s.Policy, o.Now)
		h.breaker, h.limiter, h.sem = nil, nil, nil
		mock := o.Mocks[name]
		if mock == nil {
			mock = func(context.Context, *connector.Delivery) (*connector.Response, error) {
				return &connector.Response{}, nil
			}
		}
		h.mock = finishAnswers(mock, o.Connectors, s)
		handles[name] = h
	}
	keys := o.Store.Keys()
	if o.DeliveredBefore != nil {
		keys = deliveredBefore{KeyStore: keys, refs: o.DeliveredBefore}
	}
	ev.x = &deps{
		keys:     keys,
		sink:     func(name string) *sinkHandle { return handles[name] },
		enqueue:  func(ctx context.Context, env *store.Envelope) error { return o.Store.Inbox().Append(ctx, env) },
		now:      o.Now,
		newID:    o.NewID,
		owner:    "eval",
		inflight: newKeyset(),
		dry:      !o.Record,
	}
	return ev, nil
}

// Flows lists the flows that can be evaluated.
func (ev *Evaluator) Flows() []string {
	names := make([]string, 0, len(ev.flows))
	for n := range ev.flows {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Input is one message to evaluate.
type Input struct {
	Body    []byte
	Headers map[string]string
	// ID and CorrelationID are assigned when empty.
	ID, CorrelationID string
	// Attempts pretends earlier attempts happened (meta.attempt).
	Attempts int
}

// Eval runs one input through flow and returns one outcome per resulting
// document, with the dead letters it would write.
func (ev *Evaluator) Eval(ctx context.Context, flow string, in Input) ([]*Outcome, []*store.DeadLetter, error) {
	rt := ev.flows[flow]
	if rt == nil {
		return nil, nil, fmt.Errorf("there is no flow %q; flows: %v", flow, ev.Flows())
	}
	env := &store.Envelope{
		ID: in.ID, Flow: flow, Version: rt.version, Body: in.Body, Headers: lower(in.Headers),
		CorrelationID: in.CorrelationID, Source: "eval", Origin: "eval", ReceivedAt: ev.opts.Now(),
	}
	if env.ID == "" {
		env.ID = ev.opts.NewID()
	}
	if env.CorrelationID == "" {
		env.CorrelationID = env.Headers["x-correlation-id"]
	}
	if env.CorrelationID == "" {
		env.CorrelationID = env.ID
	}
	for i := 0; i < in.Attempts; i++ {
		env.Attempts = append(env.Attempts, store.Attempt{At: ev.opts.Now(), Error: "earlier attempt"})
	}
	res := ev.x.run(ctx, rt, env)
	if res.retry != nil && len(res.outcomes) == 0 {
		res.outcomes = append(res.outcomes, &Outcome{Outcome: OutcomeRetry, Error: res.retry.Error(), Steps: map[string]any{}, Deliveries: []DeliveryRecord{}})
	}
	for _, o := range res.outcomes {
		if o.Outcome == "" && res.retry != nil {
			o.Outcome, o.Error = OutcomeRetry, res.retry.Error()
		}
	}
	if ev.opts.Record {
		for _, dl := range res.dead {
			if err := ev.store.DeadLetters().Put(ctx, dl); err != nil {
				return nil, nil, err
			}
		}
		if len(res.marks) > 0 {
			if _, err := ev.store.Keys().Apply(ctx, res.marks...); err != nil {
				return nil, nil, err
			}
		}
	}
	return res.outcomes, res.dead, nil
}

func lower(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[toLower(k)] = v
	}
	return out
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// JSON renders an outcome as the canonical JSON object `transload eval`
// prints, one per line: outcome, part, steps, deliveries, dead_letter.
func (o *Outcome) JSON() ([]byte, error) {
	m := map[string]any{
		"outcome": o.Outcome,
		"steps":   o.Steps,
	}
	if o.Part != "" {
		m["part"] = o.Part
	}
	deliveries := make([]any, 0, len(o.Deliveries))
	for _, d := range o.Deliveries {
		dm := map[string]any{"key": d.Key, "body": d.Body}
		if d.Sink != "" {
			dm["sink"] = d.Sink
		}
		if d.Flow != "" {
			dm["flow"] = d.Flow
		}
		if len(d.Headers) > 0 {
			dm["headers"] = anyMap(d.Headers)
		}
		if d.Skipped {
			dm["skipped"] = true
		}
		if d.Update {
			dm["update"] = true
		}
		if d.Response != nil {
			dm["response"] = d.Response
		}
		deliveries = append(deliveries, dm)
	}
	m["deliveries"] = deliveries
	if dl := o.DeadLetter; dl != nil {
		m["dead_letter"] = map[string]any{"class": dl.Class, "reason": dl.Reason, "step": dl.Step, "message": dl.Message, "range": dl.Range}
	}
	if o.Error != "" {
		m["error"] = o.Error
	}
	return builtin.AppendJSON(nil, m)
}

// deliveredBefore is the key store of an evaluation with
// EvalOptions.DeliveredBefore: where the store has no record, a dedupe key
// reads as completed by an earlier version of another body with these
// refs, and the ledger of each sink named as a done delivery with its ref.
// The engine then does what it does for an update, on its usual path.
type deliveredBefore struct {
	store.KeyStore
	refs map[string]string
}

func (k deliveredBefore) Get(ctx context.Context, key string) (store.Entry, error) {
	e, err := k.KeyStore.Get(ctx, key)
	if !errors.Is(err, store.ErrNotFound) {
		return e, err
	}
	var v any
	switch {
	case strings.HasPrefix(key, "dedupe/"):
		v = dedupeRecord{Message: "delivered_before", Refs: k.refs}
	case strings.HasPrefix(key, "ledger/"):
		sink, _, _ := strings.Cut(strings.TrimPrefix(key, "ledger/"), "/")
		ref, ok := k.refs[sink]
		if !ok {
			return e, err
		}
		v = ledgerRecord{State: "done", Ref: ref, Message: "delivered_before"}
	default:
		return e, err
	}
	b, _ := json.Marshal(v)
	return store.Entry{Key: key, Value: b}, nil
}
