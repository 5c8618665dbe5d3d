package engine

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
)

// Outcome kinds: what became of one document of a message.
const (
	OutcomeDelivered  = "delivered"
	OutcomeDuplicate  = "duplicate"
	OutcomeFiltered   = "filtered"
	OutcomeDeadLetter = "dead_letter"
	OutcomeAggregated = "aggregated"
	OutcomeRetry      = "retry"
)

// Outcome is what became of one document of a message (a message holds
// several when its body has several parts, or when a split step fans out).
// Its JSON form is the output of `transload eval`: keep it stable.
type Outcome struct {
	Outcome string `json:"outcome"`
	Part    string `json:"part,omitempty"`
	// Steps maps each step that ran to its output document.
	Steps      map[string]any     `json:"steps"`
	Deliveries []DeliveryRecord   `json:"deliveries"`
	DeadLetter *DeadLetterSummary `json:"dead_letter,omitempty"`
	// Error is the retryable failure, for outcome retry.
	Error string `json:"error,omitempty"`

	// Input is the decoded input document (for tests and diffs).
	Input any `json:"-"`
	// Trace lists what ran: "step:canonical", "rule:checks.totals",
	// "case:deliver.erp" (for coverage).
	Trace []string `json:"-"`
}

// DeliveryRecord is one delivery (or route to another flow) of a document.
type DeliveryRecord struct {
	Sink    string            `json:"sink,omitempty"`
	Flow    string            `json:"flow,omitempty"`
	Key     string            `json:"key"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    any               `json:"body"`
	// Skipped is true when the ledger says this key was delivered before.
	Skipped  bool   `json:"skipped,omitempty"`
	Update   bool   `json:"update,omitempty"`
	Ref      string `json:"ref,omitempty"`
	Response any    `json:"response,omitempty"`
}

// DeadLetterSummary is the dead letter of an outcome, as eval prints it.
type DeadLetterSummary struct {
	Class   string `json:"class"`
	Reason  string `json:"reason"`
	Step    string `json:"step,omitempty"`
	Message string `json:"message"`
	Range   string `json:"range,omitempty"`
}

// deps is what an executor needs from its surroundings. The engine gives
// it the store and real sinks; eval and tests give it captures and mocks.
type deps struct {
	keys    store.KeyStore
	sink    func(name string) *sinkHandle
	enqueue func(ctx context.Context, env *store.Envelope) error
	now     func() time.Time
	newID   func() string
	// owner identifies this process in ledger intents.
	owner string
	// exclusive is true when no other process can use the store: an
	// intent of another owner is then a crash leftover.
	exclusive bool
	// inflight tracks ledger keys being delivered by this process.
	inflight *keyset
	// dry runs without writing anything: no store writes, no sink calls
	// (sinks answer from their capture), no enqueues.
	dry bool
}

// flowRuntime is one flow of one version, ready to run messages.
type flowRuntime struct {
	flow    *dsl.Flow
	cfg     *dsl.Config
	decoder connector.Decoder
	version string
	// resume decodes batch messages, by aggregate step name.
	resume map[string]connector.Decoder
}

// errRetry marks a failure of the whole message that should be retried
// later; it wraps the cause and carries the sink policy that applies.
type errRetry struct {
	err    error
	after  time.Duration
	policy dsl.Policy
	step   string
}

func (e *errRetry) Error() string { return e.err.Error() }
func (e *errRetry) Unwrap() error { return e.err }

// failure is a document-level failure that becomes a dead letter.
type failure struct {
	class, reason, step, message, rng string
	chain                             []string
	delivery                          string // IN_DOUBT: "<sink>/<key>"
}

// runResult is what processing a message produced.
type runResult struct {
	outcomes []*Outcome
	dead     []*store.DeadLetter
	marks    []store.Op // dedupe keys to record as completed
	retry    *errRetry
}

// state is one document's walk through the steps.
type state struct {
	env  *store.Envelope
	vars *builtin.Vars
	out  *Outcome
	part string
	// doc is the document this state processes when a split made it a
	// part of its message (nil: the whole input). Dedupe hashes it, so
	// the same order in two overlapping pages is the same document.
	doc any
	// keyed is true when a dedupe step ran on this document (after the
	// split or decode that made it a part): its key then names it alone,
	// and deliveries use it as is instead of suffixing the part.
	keyed  bool
	update bool
	dedupe *store.Op
	// dedupeRec is what dedupe marks the key with once the document is
	// done, the refs of its deliveries added then.
	dedupeRec *dedupeRecord
}

// run processes env through the flow: decode, then every document through
// the steps. It never returns an error: every failure is in the result, as
// a dead letter or a retry.
func (x *deps) run(ctx context.Context, rt *flowRuntime, env *store.Envelope) *runResult {
	res := &runResult{}
	ctx = withMessage(ctx, env.ID)
	if nd := env.Headers[NotDeliveredHeader]; nd != "" {
		ctx = context.WithValue(ctx, notDeliveredKey{}, nd)
	}
	start := 0
	decoder := rt.decoder
	if step := env.Headers[ResumeHeader]; step != "" {
		// A closed batch continues after its aggregate step.
		start = -1
		for i, s := range rt.flow.Steps {
			if s.Name == step && s.Kind == dsl.StepAggregate {
				start, decoder = i, rt.resume[step]
			}
		}
		if start < 0 || decoder == nil {
			res.fail(x, rt, env, "", &failure{class: "technical", reason: "FLOW_CHANGED", step: step, message: fmt.Sprintf("flow %s has no aggregate step %q any more; replay the batch on the version it started on", rt.flow.Name, step)}, nil)
			return res
		}
	}
	docs, err := decoder.Decode(env.Body)
	if err != nil {
		res.fail(x, rt, env, "", &failure{class: "business", reason: reasonOr(err, "INVALID_PAYLOAD"), step: "decode", message: err.Error()}, nil)
		return res
	}
	var rejection *DeliveryRecord
	if rt.flow.RejectionsTo != "" && env.Headers[ResumeHeader] == "" && hasRejected(docs) {
		rec, err := x.forwardRejections(ctx, rt, env)
		if err != nil {
			res.retry = err
			return res
		}
		rejection = rec
	}
	for i, doc := range docs {
		part := doc.Part
		if part == "" && len(docs) > 1 {
			part = fmt.Sprintf("#%d", i+1)
		}
		out := &Outcome{Part: part, Steps: map[string]any{}, Deliveries: []DeliveryRecord{}, Input: doc.Value}
		res.outcomes = append(res.outcomes, out)
		if doc.Err != nil {
			res.fail(x, rt, env, part, &failure{class: "business", reason: reasonOr(doc.Err, "INVALID_PAYLOAD"), step: "decode", message: doc.Err.Error()}, out)
			if rejection != nil {
				out.Deliveries = append(out.Deliveries, *rejection)
			}
			continue
		}
		headers := env.Headers
		if len(doc.Headers) > 0 {
			headers = make(map[string]string, len(env.Headers)+len(doc.Headers))
			for k, v := range env.Headers {
				headers[k] = v
			}
			for k, v := range doc.Headers {
				headers[k] = v
			}
		}
		vars := rt.cfg.Static.Clone()
		vars.Set(dsl.VarInput, doc.Value)
		vars.Set(dsl.VarHeaders, anyMap(headers))
		vars.Set(dsl.VarMeta, meta(rt, env))
		st := &state{env: env, vars: vars, out: out, part: part}
		if start > 0 || env.Headers[ResumeHeader] != "" {
			name := rt.flow.Steps[start].Name
			vars.Set(name, doc.Value)
			out.Steps[name] = doc.Value
			x.steps(ctx, rt, st, start+1, res)
		} else {
			x.steps(ctx, rt, st, 0, res)
		}
		if res.retry != nil {
			return res
		}
	}
	return res
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func meta(rt *flowRuntime, env *store.Envelope) map[string]any {
	return map[string]any{
		"message_id":     env.ID,
		"correlation_id": env.CorrelationID,
		"flow":           env.Flow,
		"version":        rt.version,
		"source":         env.Source,
		"received_at":    env.ReceivedAt,
		"attempt":        int64(len(env.Attempts) + 1),
	}
}

// steps runs the flow's steps from index i on one document.
func (x *deps) steps(ctx context.Context, rt *flowRuntime, st *state, i int, res *runResult) {
	steps := rt.flow.Steps
	for ; i < len(steps); i++ {
		step := steps[i]
		if err := ctx.Err(); err != nil {
			res.retry = &errRetry{err: err, policy: dsl.DefaultPolicy, step: step.Name}
			return
		}
		var out any
		var err error
		st.out.Trace = append(st.out.Trace, "step:"+step.Name)
		switch step.Kind {
		case dsl.StepDedupe:
			var dup bool
			out, dup, err = x.dedupe(ctx, rt, st, step)
			if err == nil && dup {
				st.out.Outcome = OutcomeDuplicate
				return
			}
		case dsl.StepMap:
			out, err = step.Map.Eval(st.vars)
		case dsl.StepEnrich:
			out, err = step.Enrich().Eval(st.vars)
		case dsl.StepValidate:
			if f := x.validate(st, step); f != nil {
				res.fail(x, rt, st.env, st.part, f, st.out)
				return
			}
			continue
		case dsl.StepSplit:
			x.split(ctx, rt, st, i, step, res)
			return
		case dsl.StepAggregate:
			err = x.aggregate(ctx, rt, st, step)
			if err == nil {
				st.out.Outcome = OutcomeAggregated
				x.complete(st, res)
				return
			}
		case dsl.StepCall, dsl.StepDeliver:
			out, err = x.deliverStep(ctx, st, step)
		case dsl.StepRoute:
			err = x.route(ctx, rt, st, step)
			if err == nil {
				x.complete(st, res)
			}
		}
		if err != nil {
			x.stepError(rt, st, step, err, res)
			return
		}
		if step.Output != nil && step.Kind != dsl.StepRoute {
			st.vars.Set(step.Name, out)
			st.out.Steps[step.Name] = out
		}
		if step.Kind == dsl.StepRoute {
			return
		}
	}
	// A flow whose last step is not a route ends here: its deliveries (if
	// any) are done.
	if st.out.Outcome == "" {
		st.out.Outcome = outcomeOf(st.out, st.env)
	}
	x.complete(st, res)
}

// complete records a finished document: its dedupe key is marked done,
// with what its deliveries were delivered as.
func (x *deps) complete(st *state, res *runResult) {
	if st.dedupe == nil || st.out.Outcome == OutcomeDeadLetter {
		return
	}
	for _, d := range st.out.Deliveries {
		if d.Ref != "" {
			if st.dedupeRec.Refs == nil {
				st.dedupeRec.Refs = map[string]string{}
			}
			st.dedupeRec.Refs[d.Sink] = d.Ref
		}
	}
	op := *st.dedupe
	op.Value, _ = json.Marshal(st.dedupeRec)
	res.marks = append(res.marks, op)
}

// stepError turns a step's error into a retry of the message or a dead
// letter of the document.
func (x *deps) stepError(rt *flowRuntime, st *state, step *dsl.Step, err error, res *runResult) {
	var r *errRetry
	if errors.As(err, &r) {
		r.step = step.Name
		if res.retry == nil {
			res.retry = r // the first is the one the message waits for
		}
		st.out.Outcome = OutcomeRetry
		st.out.Error = err.Error()
		return
	}
	res.fail(x, rt, st.env, st.part, classify(step, err), st.out)
}

// classify decides class and reason of a document failure.
func classify(step *dsl.Step, err error) *failure {
	f := &failure{step: step.Name, message: err.Error(), class: "technical", reason: "STEP_FAILED"}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if msg := e.Error(); len(f.chain) == 0 || f.chain[len(f.chain)-1] != msg {
			f.chain = append(f.chain, msg)
		}
	}
	var ee *dsl.ExprError
	if errors.As(err, &ee) {
		f.rng = fmt.Sprintf("%s:%d:%d", ee.Range.Filename, ee.Range.Start.Line, ee.Range.Start.Column)
		// The position is in Range; the message says what went wrong.
		f.message = ee.Err.Error()
		if ee.Field != "" {
			f.message = "field " + ee.Field + ": " + f.message
		}
		switch {
		case ee.Reason != "":
			// A builtin refused the data: the payload is wrong.
			f.class, f.reason = "business", ee.Reason
		case errors.Is(err, builtin.ErrCostLimit):
			f.reason = "EXPRESSION_COST_LIMIT"
		default:
			f.reason = "EXPRESSION_ERROR"
		}
	}
	var pe *connector.PermanentError
	if errors.As(err, &pe) {
		f.reason = pe.Reason
		if f.reason == "" {
			f.reason = "REJECTED_BY_TARGET"
		}
		// A target that refuses the document usually refuses its data; one
		// that refuses us (auth, routing) has a technical problem.
		f.class = "business"
		switch pe.Status {
		case 401, 403, 404, 405:
			f.class = "technical"
		}
	}
	var be *businessError
	if errors.As(err, &be) {
		f.class, f.reason = "business", be.reason
	}
	var ie *inDoubtError
	if errors.As(err, &ie) {
		f.class, f.reason, f.delivery = "technical", "IN_DOUBT", ie.sink+"/"+ie.key
	}
	return f
}

// businessError is a failure of the data found by the engine itself.
type businessError struct {
	reason string
	msg    string
}

func (e *businessError) Error() string { return e.msg }

// inDoubtError is a delivery interrupted after its call started, to a
// target that cannot tell whether it got it.
type inDoubtError struct{ msg, sink, key string }

func (e *inDoubtError) Error() string { return e.msg }

func reasonOr(err error, def string) string {
	if r := builtin.ReasonOf(err); r != "" {
		return r
	}
	var rc interface{ ReasonCode() string }
	if errors.As(err, &rc) {
		return rc.ReasonCode()
	}
	return def
}

// fail records a dead letter for one document of env. Its id is derived
// from the message and the part, so a retried message that fails the same
// way again replaces it instead of adding a second one.
func (res *runResult) fail(x *deps, rt *flowRuntime, env *store.Envelope, part string, f *failure, out *Outcome) {
	sum := sha256.Sum256([]byte(env.ID + "\x00" + part))
	dl := &store.DeadLetter{
		ID:        "dl_" + hex.EncodeToString(sum[:10]),
		Envelope:  env,
		Part:      part,
		Class:     f.class,
		Reason:    f.reason,
		Message:   f.message,
		Errors:    f.chain,
		Step:      f.step,
		Range:     f.rng,
		Delivery:  f.delivery,
		Version:   rt.version,
		CreatedAt: x.now(),
	}
	res.dead = append(res.dead, dl)
	if out != nil {
		out.Outcome = OutcomeDeadLetter
		out.DeadLetter = &DeadLetterSummary{Class: f.class, Reason: f.reason, Step: f.step, Message: f.message, Range: f.rng}
	}
}

// dedupeRecord is what the store keeps for a completed dedupe key.
type dedupeRecord struct {
	// Hash is the hash of the document as the flow decoded it: only the
	// fields its expressions read.
	Hash string `json:"hash"`
	// Raw is the hash of the message's body bytes, when the dedupe step
	// keys the whole input. The same bytes are a duplicate whatever the
	// flow reads: an edit that reads one more field changes Hash, and
	// must not make every resent order a conflict.
	Raw     string    `json:"raw,omitempty"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
	// Refs are the refs the key's deliveries got, by sink: an update
	// names the document it changes with them (a later version keeps the
	// refs its own deliveries did not replace).
	Refs map[string]string `json:"refs,omitempty"`
}

func (x *deps) dedupe(ctx context.Context, rt *flowRuntime, st *state, step *dsl.Step) (any, bool, error) {
	key, err := step.Dedupe.Key.EvalString(st.vars)
	if err != nil {
		return nil, false, err
	}
	doc, raw := st.doc, ""
	if doc == nil {
		doc, _ = st.vars.Get(dsl.VarInput)
		raw = bytesHash(st.env.Body)
	}
	hash := hashOf(doc)
	k := "dedupe/" + rt.flow.Name + "/" + key
	// A replay is an operator's decision to run the message again: a part
	// of it may have been dead-lettered while its siblings completed the
	// message and marked the key. It goes through; the ledger skips what
	// was delivered.
	replay := st.env.Headers[ReplayOfHeader] != ""
	refs := map[string]string{}
	e, err := x.keys.Get(ctx, k)
	switch {
	case err == nil:
		var rec dedupeRecord
		_ = json.Unmarshal(e.Value, &rec)
		maps.Copy(refs, rec.Refs)
		switch {
		case rec.Hash == hash || raw != "" && rec.Raw == raw:
			if !replay {
				return nil, true, nil
			}
		case step.Dedupe.OnChange == "update":
			st.update = true
		case !replay:
			return nil, false, &businessError{reason: "DUPLICATE_CONFLICT", msg: fmt.Sprintf("key %q was completed before (message %s) with a different body", key, rec.Message)}
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, false, &errRetry{err: fmt.Errorf("reading dedupe key: %w", err), policy: dsl.DefaultPolicy}
	}
	st.keyed = true
	st.dedupeRec = &dedupeRecord{Hash: hash, Raw: raw, Message: st.env.ID, At: x.now(), Refs: maps.Clone(refs)}
	// Lazy: a mark lost in a crash makes the message run again, and the
	// ledger then finds its deliveries done.
	st.dedupe = &store.Op{Kind: store.OpPut, Key: k, TTL: time.Duration(step.Dedupe.TTL), Lazy: true}
	out := map[string]any{}
	for sink, ref := range refs {
		out[sink] = ref
	}
	return map[string]any{"key": key, "update": st.update, "refs": out}, false, nil
}

// hashOf is the hash of a document's canonical JSON: two documents with
// the same content have the same hash whatever their key order.
func hashOf(v any) string {
	bp := hashBuffers.Get().(*[]byte)
	b, err := builtin.AppendJSON((*bp)[:0], v)
	if err != nil {
		b = fmt.Append((*bp)[:0], v)
	}
	h := bytesHash(b)
	if cap(b) <= 64<<10 {
		*bp = b
		hashBuffers.Put(bp)
	}
	return h
}

// bytesHash is the hash the dedupe records and the ledger keep: the
// first 128 bits of SHA-256, in hex.
func bytesHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// hashBuffers keep the buffers documents are encoded into to be hashed:
// every message hashes one, and growing a new buffer each time was a
// tenth of what the pipeline allocated.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

func (x *deps) validate(st *state, step *dsl.Step) *failure {
	for _, r := range step.Validate.Rules {
		st.out.Trace = append(st.out.Trace, "rule:"+step.Name+"."+r.Name)
		ok, err := r.Condition.EvalBool(st.vars)
		if err != nil {
			f := classify(step, err)
			return f
		}
		if ok {
			continue
		}
		msg := r.Message
		if r.Detail != nil {
			if d, err := r.Detail.EvalString(st.vars); err == nil && d != "" {
				msg += " " + d
			}
		}
		rng := r.Condition.Range
		return &failure{
			class: r.Class, reason: r.Reason, step: step.Name + "." + r.Name, message: msg,
			rng: fmt.Sprintf("%s:%d:%d", rng.Filename, rng.Start.Line, rng.Start.Column),
		}
	}
	return nil
}

// split runs the remaining steps once per element, each element its own
// document with its own outcome.
func (x *deps) split(ctx context.Context, rt *flowRuntime, st *state, i int, step *dsl.Step, res *runResult) {
	v, err := step.Split.Items.Eval(st.vars)
	if err != nil {
		x.stepError(rt, st, step, err, res)
		return
	}
	items, ok := v.([]any)
	if !ok {
		x.stepError(rt, st, step, fmt.Errorf("items evaluated to %s, not a list", builtin.Format(v)), res)
		return
	}
	parent := st.out
	if len(items) == 0 {
		parent.Outcome = OutcomeFiltered
		x.complete(st, res)
		return
	}
	for n, item := range items {
		vars := st.vars.Clone()
		vars.Set(step.Name, item)
		label := fmt.Sprintf("%s[%d]", step.Name, n)
		var keyErr error
		if step.Split.Key != nil {
			// A key that fails fails its element alone: the others are
			// documents of their own and go on.
			if k, err := step.Split.Key.EvalString(vars); err != nil {
				keyErr = err
			} else {
				label = step.Name + "=" + k
			}
		}
		part := label
		if st.part != "" {
			part = st.part + "/" + label
		}
		out := parent
		if n > 0 {
			out = &Outcome{Part: part, Steps: map[string]any{}, Deliveries: []DeliveryRecord{}, Input: parent.Input, Trace: append([]string(nil), parent.Trace...)}
			for k, v := range parent.Steps {
				out.Steps[k] = v
			}
			res.outcomes = append(res.outcomes, out)
		}
		out.Part = part
		out.Steps[step.Name] = item
		child := &state{env: st.env, vars: vars, out: out, part: part, doc: item, update: st.update, dedupe: st.dedupe, dedupeRec: st.dedupeRec}
		if keyErr != nil {
			x.stepError(rt, child, step, keyErr, res)
		} else {
			x.steps(ctx, rt, child, i+1, res)
		}
		// An element to retry does not hold back the others (one channel
		// down must not stop the stock updates of the rest): they run
		// now, and the retry of the message finds them done in the
		// ledger.
		if ctx.Err() != nil {
			return
		}
	}
}

// subKey makes a business key unique per document part.
func subKey(key, part string) string {
	if part == "" {
		return key
	}
	return key + "#" + part
}

func stringMap(m map[string]*dsl.Expr, vars *builtin.Vars) (map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		v, err := e.EvalString(vars)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func settingsOf(m map[string]map[string]*dsl.Expr, vars *builtin.Vars) (map[string]map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]map[string]string, len(m))
	for attr, exprs := range m {
		vals, err := stringMap(exprs, vars)
		if err != nil {
			return nil, err
		}
		out[attr] = vals
	}
	return out, nil
}

// deliverStep runs a deliver or call step.
func (x *deps) deliverStep(ctx context.Context, st *state, step *dsl.Step) (any, error) {
	dl := step.Deliver
	if dl.When != nil {
		run, err := dl.When.EvalBool(st.vars)
		if err != nil {
			return nil, err
		}
		if !run {
			st.out.Trace = append(st.out.Trace, "skip:"+step.Name)
			return map[string]any{}, nil
		}
	}
	body, err := dl.Body.Eval(st.vars)
	if err != nil {
		return nil, err
	}
	key, err := dl.Key.EvalString(st.vars)
	if err != nil {
		return nil, err
	}
	rec, err := x.deliverTo(ctx, st, dl, dl.Sink.Name, key, body, step.Kind == dsl.StepCall)
	if err != nil {
		return nil, err
	}
	if rec.Response == nil {
		return map[string]any{}, nil
	}
	return rec.Response, nil
}

// deliverTo evaluates a delivery's headers and settings and hands the body
// to the sink: through the ledger for deliveries, directly for calls (a
// call asks; it creates nothing).
func (x *deps) deliverTo(ctx context.Context, st *state, dl *dsl.Deliver, sinkName, key string, body any, call bool) (*DeliveryRecord, error) {
	headers, err := stringMap(dl.Headers, st.vars)
	if err != nil {
		return nil, err
	}
	settings, err := settingsOf(dl.SinkExprs, st.vars)
	if err != nil {
		return nil, err
	}
	h := x.sink(sinkName)
	if h == nil {
		return nil, fmt.Errorf("sink %q is not running", sinkName)
	}
	if !st.keyed && !dl.WholeBody {
		key = subKey(key, st.part)
	}
	d := &connector.Delivery{
		Key: key, IdempotencyKey: idempotencyKey(sinkName, key), Body: body, Type: dl.BodyType(), Headers: headers, Settings: settings,
		Attempt: len(st.env.Attempts) + 1, Update: st.update, CorrelationID: st.env.CorrelationID,
	}
	rec := DeliveryRecord{Sink: sinkName, Key: key, Headers: headers, Body: body, Update: st.update}
	var resp *connector.Response
	if call {
		resp, err = h.call(ctx, d, x.dry)
	} else {
		var skipped bool
		resp, skipped, err = x.ledgerDeliver(ctx, h, d)
		rec.Skipped = skipped
	}
	if err != nil {
		return nil, err
	}
	if resp != nil {
		rec.Ref, rec.Response = resp.Ref, resp.Body
	}
	if !call {
		st.out.Deliveries = append(st.out.Deliveries, rec)
	}
	return &rec, nil
}

// idempotencyKey is stable for (sink, key): the same across retries,
// restarts and replays.
func idempotencyKey(sink, key string) string {
	sum := sha256.Sum256([]byte(sink + "\x00" + key))
	return "tl-" + hex.EncodeToString(sum[:16])
}

// route evaluates the cases and sends the body to every target of the
// first matching case (or of every matching case in mode all).
func (x *deps) route(ctx context.Context, rt *flowRuntime, st *state, step *dsl.Step) error {
	r := step.Route
	var cases []*dsl.RouteCase
	for _, c := range r.Cases {
		ok, err := c.When.EvalBool(st.vars)
		if err != nil {
			return err
		}
		if ok {
			cases = append(cases, c)
			if !r.All {
				break
			}
		}
	}
	if len(cases) == 0 && r.Default != nil {
		cases = append(cases, r.Default)
	}
	for _, c := range cases {
		st.out.Trace = append(st.out.Trace, "case:"+step.Name+"."+c.Name)
	}
	if len(cases) == 0 {
		st.out.Outcome = OutcomeFiltered
		return nil
	}
	body, err := r.Body.Eval(st.vars)
	if err != nil {
		return err
	}
	// A target that must be retried does not hold back the others: they
	// are delivered now, and the retry of the message finds them done in
	// the ledger. Any other failure stops the document.
	var retry error
	for _, c := range cases {
		for _, t := range c.Targets {
			var err error
			switch t.Kind {
			case "sink":
				var key string
				if key, err = t.Deliver.Key.EvalString(st.vars); err == nil {
					_, err = x.deliverTo(ctx, st, t.Deliver, t.Name, key, body, false)
				}
			case "flow":
				err = x.routeToFlow(ctx, rt, st, t.Name, body)
			}
			var r *errRetry
			switch {
			case err == nil:
			case errors.As(err, &r) && ctx.Err() == nil:
				retry = cmp.Or(retry, err)
			default:
				return err
			}
		}
	}
	if retry != nil {
		return retry
	}
	st.out.Outcome = outcomeOf(st.out, st.env)
	return nil
}

// outcomeOf is delivered, or duplicate when every delivery of the document
// had been made before (the ledger skipped them all).
func outcomeOf(o *Outcome, env *store.Envelope) string {
	if len(o.Deliveries) == 0 {
		return OutcomeFiltered
	}
	for _, d := range o.Deliveries {
		if !d.Skipped {
			return OutcomeDelivered
		}
	}
	if len(env.Attempts) > 0 {
		// Delivered by an earlier attempt of this message (a sibling part
		// made it retry): delivered, not a duplicate someone sent.
		return OutcomeDelivered
	}
	return OutcomeDuplicate
}

// routeToFlow puts the body in another flow's inbox, once: the message id
// is derived from this message and part, and enqueueOnce remembers it.
func (x *deps) routeToFlow(ctx context.Context, rt *flowRuntime, st *state, target string, body any) error {
	b, err := builtin.AppendJSON(nil, body)
	if err != nil {
		return err
	}
	headers := map[string]string{"x-transload-from-flow": rt.flow.Name}
	for k, v := range st.env.Headers {
		if _, ok := headers[k]; !ok {
			headers[k] = v
		}
	}
	env := &store.Envelope{
		ID: derivedID(st.env.ID, st.part, target), Flow: target, Version: rt.version, Body: b,
		Headers: headers, CorrelationID: st.env.CorrelationID, Origin: "flow " + rt.flow.Name,
		Source: "flow", ReceivedAt: x.now(),
	}
	st.out.Deliveries = append(st.out.Deliveries, DeliveryRecord{Flow: target, Key: env.ID, Body: body})
	if x.dry {
		return nil
	}
	if _, r := x.enqueueOnce(ctx, env, st.env.ID, "routing to"); r != nil {
		return r
	}
	return nil
}

// derivedID is the id of a message made from what names it (the message
// it comes from and where it goes, a source's own name for it): the same
// on every run, so a retried or crashed run hands on the same message.
func derivedID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "m_" + hex.EncodeToString(sum[:12])
}

// enqueueOnce puts env, a message one run hands to another flow, in that
// flow's inbox unless an earlier run of message from did: the "routed/"
// key, written once it is in, remembers it. It reports whether it had been
// handed on already; doing (for the error) is "routing to" or the like.
func (x *deps) enqueueOnce(ctx context.Context, env *store.Envelope, from, doing string) (bool, *errRetry) {
	lk := "routed/" + env.Flow + "/" + env.ID
	if _, err := x.keys.Get(ctx, lk); err == nil {
		return true, nil
	}
	if err := x.enqueue(ctx, env); err != nil {
		return false, &errRetry{err: fmt.Errorf("%s flow %s: %w", doing, env.Flow, err), after: connector.RetryAfterOf(err), policy: dsl.DefaultPolicy}
	}
	val, _ := json.Marshal(map[string]any{"at": x.now(), "from": from})
	if _, err := x.keys.Apply(ctx, store.Op{Kind: store.OpPut, Key: lk, Value: val, TTL: 30 * 24 * time.Hour}); err != nil {
		return false, &errRetry{err: err, policy: dsl.DefaultPolicy}
	}
	return false, nil
}

func hasRejected(docs []connector.Document) bool {
	for _, d := range docs {
		if d.Err != nil {
			return true
		}
	}
	return false
}

// forwardRejections puts a message whose decode rejected a document, its
// body and headers as they came, in the inbox of the flow's rejections_to
// flow: once per message (not per rejected document), whatever retries
// or crashes happen, by the same means as routeToFlow (an envelope id
// derived from the message and the target, and a "routed/" key). Every
// rejected document's outcome records it as a delivery to that flow; a
// dry run records it without enqueueing.
func (x *deps) forwardRejections(ctx context.Context, rt *flowRuntime, env *store.Envelope) (*DeliveryRecord, *errRetry) {
	target := rt.flow.RejectionsTo
	headers := make(map[string]string, len(env.Headers))
	for k, v := range env.Headers {
		headers[k] = v
	}
	fwd := &store.Envelope{
		ID: derivedID(env.ID, "rejections", target), Flow: target, Version: rt.version, Body: env.Body,
		Headers: headers, CorrelationID: env.CorrelationID, Origin: "rejections of flow " + rt.flow.Name,
		Source: "flow", ReceivedAt: x.now(),
	}
	rec := &DeliveryRecord{Flow: target, Key: fwd.ID, Body: string(env.Body)}
	if x.dry {
		return rec, nil
	}
	skipped, err := x.enqueueOnce(ctx, fwd, env.ID, "forwarding rejections to")
	if err != nil {
		err.step = "decode"
		return nil, err
	}
	rec.Skipped = skipped
	return rec, nil
}

// aggregate adds the item to its batch; a full batch continues through
// the following steps as a message of its own.
func (x *deps) aggregate(ctx context.Context, rt *flowRuntime, st *state, step *dsl.Step) error {
	ag := step.Aggregate
	key, err := ag.Key.EvalString(st.vars)
	if err != nil {
		return err
	}
	item, err := ag.Item.Eval(st.vars)
	if err != nil {
		return err
	}
	if x.dry {
		st.out.Steps[step.Name] = map[string]any{"key": key, "items": []any{item}}
		return nil
	}
	// A member is one document: a message, and the part of it a split
	// made, so that a retried message adds each of its items once.
	return x.addToBatch(ctx, rt, step, key, item, st.env, st.env.ID+"/"+st.part)
}
