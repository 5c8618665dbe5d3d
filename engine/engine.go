package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
)

// ProcsFor is the GOMAXPROCS that transload run sets on a machine with
// cpus CPUs (unless the GOMAXPROCS variable says otherwise): four
// processors per CPU.
//
// The engine's pace is set by a few serial goroutines: the store's
// committer, Badger's writer, a file sink's group commit. Each of their
// rounds wakes hundreds of workers at once. Go's run queue is first in,
// first out, with no priorities, so with one processor per CPU the serial
// goroutine that must start the next round waits behind every worker the
// last one woke: the rounds stretch, and the CPUs idle between them. With
// more processors than CPUs the kernel schedules the threads, and its
// scheduler runs a thread that mostly sleeps (the committer) as soon as it
// wakes. Measured on the order pipeline (docs/benchmarks.md): 1.6× on two
// CPUs, 3.7× on one. The garbage collector's share stays a quarter of the
// processors.
func ProcsFor(cpus int) int { return 4 * max(1, cpus) }

// Options configure an Engine.
type Options struct {
	// FlowsDir is the folder of flow files; DataDir the data directory.
	FlowsDir, DataDir string
	// Load loads and checks the flow files (the CLI wires registries in).
	Load func(dir string) (*dsl.Config, hcl.Diagnostics)
	// LoadFS loads a snapshot of flow files (for replays on a pinned
	// version).
	LoadFS     func(fsys FS) (*dsl.Config, hcl.Diagnostics)
	Connectors *connector.Registry
	Codecs     connector.Codecs
	Store      store.Store
	// Addr is the listen address for webhooks and the admin API; empty
	// disables the listener.
	Addr string
	// Once processes what the batch sources hold, then Run returns.
	Once bool
	// AcceptOnly runs the sources and stores what they accept, durably,
	// without processing it: the messages wait in the inbox for a start
	// without it (an ERP maintenance window; measuring ingress alone).
	AcceptOnly bool
	// Watch reloads on every change to the flow files.
	Watch bool
	// NoSources builds versions without starting sources (tests).
	NoSources bool
	// Workers caps messages in flight across all flows.
	Workers int
	Logger  *slog.Logger
	Stdout  io.Writer
	// AdminToken, when set, guards the admin endpoints that change data.
	AdminToken string
	// ShutdownTimeout bounds the drain on SIGTERM.
	ShutdownTimeout time.Duration
	// Now is the clock (tests).
	Now func() time.Time
}

// Engine runs flows: it owns the store handle, the listener and the
// sinks, which outlive reloads, and swaps versions of the flows in and out.
type Engine struct {
	opts  Options
	log   *slog.Logger
	now   func() time.Time
	owner string

	current  atomic.Pointer[Version]
	gen      atomic.Int64
	reloadMu sync.Mutex
	sinks    *sinkPool
	inflight *keyset
	metrics  *metrics

	sched *scheduler

	lastReload atomic.Pointer[ReloadResult]
	startedAt  time.Time

	listener net.Listener
	server   *http.Server
	ready    atomic.Bool

	onceMu      sync.Mutex
	onceSources map[string]bool
	onceDone    chan struct{}

	pinned   sync.Map // version id -> *Version, for replays on old versions
	stopping atomic.Bool

	countsMu sync.Mutex
	counts   map[string]map[string]int
}

// Counts returns how many documents each flow processed, by outcome, since
// the engine started.
func (e *Engine) Counts() map[string]map[string]int {
	e.countsMu.Lock()
	defer e.countsMu.Unlock()
	out := map[string]map[string]int{}
	for f, m := range e.counts {
		out[f] = map[string]int{}
		for o, n := range m {
			out[f][o] = n
		}
	}
	return out
}

func (e *Engine) count(flow, outcome string) {
	e.countsMu.Lock()
	defer e.countsMu.Unlock()
	if e.counts == nil {
		e.counts = map[string]map[string]int{}
	}
	if e.counts[flow] == nil {
		e.counts[flow] = map[string]int{}
	}
	e.counts[flow][outcome]++
}

// ReloadResult is what the last load or reload did.
type ReloadResult struct {
	At         time.Time `json:"at"`
	OK         bool      `json:"ok"`
	Version    string    `json:"version"`
	Generation int64     `json:"generation"`
	Duration   string    `json:"duration"`
	// Swap is the part of Duration spent building the new version and
	// making it current, after loading and compiling the files.
	Swap        string               `json:"swap,omitempty"`
	SwapTime    time.Duration        `json:"-"`
	Error       string               `json:"error,omitempty"`
	Diagnostics []dsl.JSONDiagnostic `json:"diagnostics"`
}

// ErrInvalidFlows is returned by Start when the flows do not load.
var ErrInvalidFlows = errors.New("the flows have errors")

// New creates an engine; Start loads the flows and starts it.
func New(opts Options) *Engine {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Workers <= 0 {
		opts.Workers = 256
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 30 * time.Second
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	e := &Engine{
		opts: opts, log: opts.Logger, now: opts.Now, owner: newOwnerID(),
		sinks: newSinkPool(), inflight: newKeyset(), metrics: newMetrics(),
		onceSources: map[string]bool{}, onceDone: make(chan struct{}),
	}
	e.sched = newScheduler(e, opts.Workers)
	return e
}

func newOwnerID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Current returns the running version.
func (e *Engine) Current() *Version { return e.current.Load() }

// LastReload returns the result of the last load or reload.
func (e *Engine) LastReload() *ReloadResult { return e.lastReload.Load() }

// Start loads the flows, starts the listener, the first version's sources
// and the workers. With invalid flows it returns ErrInvalidFlows and the
// diagnostics.
func (e *Engine) Start(ctx context.Context) (hcl.Diagnostics, error) {
	if e.opts.Once && e.opts.AcceptOnly {
		return nil, errors.New("once and accept-only exclude each other: a run that processes nothing would never finish")
	}
	e.startedAt = e.now()
	cfg, g, diags := e.compile()
	if diags.HasErrors() {
		return diags, ErrInvalidFlows
	}
	if e.opts.Addr != "" {
		ln, err := net.Listen("tcp", e.opts.Addr)
		if err != nil {
			return diags, fmt.Errorf("listening on %s: %w", e.opts.Addr, err)
		}
		e.listener = ln
		e.server = &http.Server{
			Handler:           e.handler(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
		}
		go func() {
			if err := e.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				e.log.Error("listener stopped", "err", err)
			}
		}()
	}
	if err := e.swap(ctx, cfg, g, diags, 0); err != nil {
		e.closeListener(ctx)
		return diags, err
	}
	e.sched.start()
	e.ready.Store(true)
	return diags, nil
}

// Addr returns the listener's address (useful with port 0).
func (e *Engine) Addr() string {
	if e.listener == nil {
		return ""
	}
	return e.listener.Addr().String()
}

func (e *Engine) compile() (*dsl.Config, *Graph, hcl.Diagnostics) {
	cfg, diags := e.opts.Load(e.opts.FlowsDir)
	if diags.HasErrors() {
		return cfg, nil, diags
	}
	g, gd := Build(cfg)
	diags = append(diags, gd...)
	return cfg, g, diags
}

// swap builds and starts a version from a compiled config and makes it
// current; the old version's sources stop and it is closed once its
// in-flight messages finish. On error the running version stays.
func (e *Engine) swap(ctx context.Context, cfg *dsl.Config, g *Graph, diags hcl.Diagnostics, took time.Duration) error {
	gen := e.gen.Add(1)
	start := e.now()
	v, err := e.buildVersion(cfg, g, gen)
	if err == nil {
		if err = v.start(ctx, e.log); err != nil {
			v.close(ctx, e)
		}
	}
	res := &ReloadResult{At: e.now(), Version: cfg.Version, Generation: gen, Diagnostics: dsl.DiagnosticsJSON(cfg.Files, diags)}
	if err != nil {
		res.Error = err.Error()
		res.Duration = (took + e.now().Sub(start)).String()
		e.lastReload.Store(res)
		e.metrics.reloads.WithLabelValues("failed").Inc()
		return err
	}
	if err := e.saveSnapshot(ctx, v); err != nil {
		e.log.Warn("cannot keep a snapshot of this version; replays pinned to it will not be possible", "err", err)
	}
	old := e.current.Swap(v)
	res.OK = true
	res.SwapTime = e.now().Sub(start)
	res.Swap = res.SwapTime.String()
	res.Duration = (took + res.SwapTime).String()
	e.lastReload.Store(res)
	e.metrics.reloads.WithLabelValues("ok").Inc()
	e.metrics.generation.Set(float64(gen))
	e.sched.versionChanged(v)
	if old != nil {
		old.retired.Store(true)
		go func() {
			old.close(context.Background(), e)
			e.log.Debug("version retired", "version", old.ID, "generation", old.Gen)
		}()
	}
	e.log.Info("flows loaded", "version", v.ID, "generation", gen, "flows", len(cfg.Flows), "sinks", len(cfg.Sinks), "took", res.Duration)
	return nil
}

// Reload loads the flow files again and swaps the new version in if they
// compile; otherwise the running version stays and the diagnostics are
// reported in the status.
func (e *Engine) Reload(ctx context.Context) (*ReloadResult, error) {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	start := e.now()
	cfg, g, diags := e.compile()
	if diags.HasErrors() {
		var files map[string]*hcl.File
		if cfg != nil {
			files = cfg.Files
		}
		res := &ReloadResult{At: e.now(), Generation: e.gen.Load(), Error: "the flows have errors; the running version stays", Duration: e.now().Sub(start).String(), Diagnostics: dsl.DiagnosticsJSON(files, diags)}
		if cur := e.Current(); cur != nil {
			res.Version = cur.ID
		}
		e.lastReload.Store(res)
		e.metrics.reloads.WithLabelValues("invalid").Inc()
		e.log.Warn("reload failed: keeping the running version", "errors", len(diags.Errs()), "first", firstError(diags))
		return res, ErrInvalidFlows
	}
	if cur := e.Current(); cur != nil && cur.ID == cfg.Version {
		return e.LastReload(), nil
	}
	if err := e.swap(ctx, cfg, g, diags, e.now().Sub(start)); err != nil {
		e.log.Error("reload failed: keeping the running version", "err", err)
		return e.LastReload(), err
	}
	return e.LastReload(), nil
}

func firstError(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return d.Error()
		}
	}
	return ""
}

// IngressFor returns the durable ingress of a flow, as sources get it.
func (e *Engine) IngressFor(flow string) connector.Ingress { return e.ingress(flow) }

// WaitIdle waits until no message is ready, claimed or running (retries
// due later than a few seconds excepted).
func (e *Engine) WaitIdle(ctx context.Context) error { return e.sched.waitIdle(ctx) }

// FlushBatches closes the aggregation batches whose max_wait has passed.
// The engine does it every second on its own; tests call it directly.
func (e *Engine) FlushBatches(ctx context.Context) error {
	v := e.Current()
	if v == nil {
		return nil
	}
	return e.deps(v).flushDue(ctx, v.ID)
}

// ingress returns the Ingress of a flow: messages become envelopes and go
// durably into the flow's inbox.
func (e *Engine) ingress(flow string) connector.Ingress {
	return connector.IngressFunc(func(ctx context.Context, msgs ...connector.Message) error {
		if e.stopping.Load() {
			return &connector.BackpressureError{RetryAfter: 5 * time.Second}
		}
		v := e.Current()
		envs := make([]*store.Envelope, len(msgs))
		for i, m := range msgs {
			envs[i] = e.envelope(v, flow, m)
		}
		err := e.opts.Store.Inbox().Append(ctx, envs...)
		if errors.Is(err, store.ErrFull) {
			e.metrics.backpressure.WithLabelValues(flow).Inc()
			return &connector.BackpressureError{RetryAfter: 2 * time.Second}
		}
		if err != nil {
			return err
		}
		e.metrics.received.WithLabelValues(flow).Add(float64(len(msgs)))
		e.sched.notify(flow)
		return nil
	})
}

// envelope turns a source's message into an inbox envelope. The
// correlation id comes from the sender when it gives one.
func (e *Engine) envelope(v *Version, flow string, m connector.Message) *store.Envelope {
	id := newMessageID()
	if m.ID != "" {
		// The origin can name the message again after a crash (a file's
		// name, content hash and line): the same message gets the same id,
		// so the inbox keeps one copy and the ledger, whose keys default
		// to the message id, skips what it delivered already.
		id = derivedID(flow, m.ID)
	}
	corr := m.Headers["x-correlation-id"]
	if corr == "" {
		corr = m.Headers["x-request-id"]
	}
	if corr == "" {
		if tp := m.Headers["traceparent"]; len(tp) >= 35 {
			corr = tp[3:35]
		}
	}
	if corr == "" {
		corr = id
	}
	env := &store.Envelope{
		ID: id, Flow: flow, Body: m.Body, Headers: m.Headers, CorrelationID: corr,
		Origin: m.Origin, ReceivedAt: e.now(),
	}
	env.Source, _, _ = strings.Cut(m.Origin, " ")
	if v != nil {
		env.Version = v.ID
		if fl := v.Config.Flows[flow]; fl != nil {
			env.Priority = int(fl.Priority)
		}
	}
	return env
}

var idCounter atomic.Uint64

func newMessageID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("m_%x%04x", b, idCounter.Add(1)&0xffff)
}

// process runs one claimed message on the version it belongs to and
// records the result: dead letters, dedupe marks, then ack or retry.
func (e *Engine) process(ctx context.Context, env *store.Envelope) {
	v := e.versionFor(env)
	if v == nil {
		e.deadLetterWhole(ctx, env, "FLOW_REMOVED", fmt.Sprintf("flow %q is not in the running version; restore it and replay", env.Flow))
		return
	}
	defer v.refs.Done()
	rt := v.flows[env.Flow]
	if rt == nil {
		e.deadLetterWhole(ctx, env, "FLOW_REMOVED", fmt.Sprintf("flow %q is not in version %s; restore it and replay", env.Flow, v.ID))
		return
	}
	x := e.deps(v)
	start := e.now()
	res := x.run(ctx, rt, env)
	e.record(ctx, rt, env, res, start)
}

// versionFor picks the version a message runs on (the current one, or
// the one a replay pinned), holding a reference on it.
func (e *Engine) versionFor(env *store.Envelope) *Version {
	if pin := env.Headers[PinHeader]; pin != "" {
		if v, err := e.pinnedVersion(pin); err == nil && v != nil {
			v.refs.Add(1)
			return v
		}
	}
	for {
		v := e.Current()
		if v == nil {
			return nil
		}
		v.refs.Add(1)
		if !v.retired.Load() || e.Current() == v {
			return v
		}
		v.refs.Done()
	}
}

func (e *Engine) deps(v *Version) *deps {
	return &deps{
		keys: e.opts.Store.Keys(),
		sink: func(name string) *sinkHandle { return v.sinks[name] },
		enqueue: func(ctx context.Context, env *store.Envelope) error {
			if err := e.opts.Store.Inbox().Append(ctx, env); err != nil {
				return err
			}
			e.sched.notify(env.Flow)
			return nil
		},
		now: e.now, newID: newMessageID, owner: e.owner, inflight: e.inflight,
		exclusive: isExclusive(e.opts.Store),
	}
}

// record writes what a run produced and finishes the message.
func (e *Engine) record(ctx context.Context, rt *flowRuntime, env *store.Envelope, res *runResult, start time.Time) {
	inbox := e.opts.Store.Inbox()
	store := e.opts.Store
	// Dead letters and dedupe marks are written before the ack: a crash in
	// between runs the message again, which writes the same dead letter ids
	// and finds the same ledger entries.
	for _, dl := range res.dead {
		for {
			err := store.DeadLetters().Put(ctx, dl)
			if err == nil {
				break
			}
			e.log.Error("cannot store dead letter; retrying", "id", dl.ID, "err", err)
			if !sleepCtx(ctx, time.Second) {
				return
			}
		}
		e.metrics.deadLetters.WithLabelValues(env.Flow, dl.Reason).Inc()
		attrs := []any{"flow", env.Flow, "message", env.ID, "class", dl.Class, "reason", dl.Reason}
		for _, kv := range [][2]string{{"part", dl.Part}, {"step", dl.Step}, {"at", dl.Range}} {
			if kv[1] != "" {
				attrs = append(attrs, kv[0], kv[1])
			}
		}
		attrs = append(attrs, "error", dl.Message, "dead_letter", dl.ID)
		e.log.Warn("dead letter", attrs...)
	}
	// A message that will run again is not done: marking its key now would
	// make the retry a duplicate, and what it still has to deliver (a part
	// of a split, a target of a route) would never go. The retry skips
	// what was delivered through the ledger instead.
	if len(res.marks) > 0 && res.retry == nil {
		if _, err := store.Keys().Apply(ctx, res.marks...); err != nil {
			e.log.Warn("cannot record dedupe keys; the ledger still guards the deliveries", "err", err)
		}
	}
	// Outcomes count once per message, when it is done: an attempt that
	// ends in a retry is counted by the attempt that finishes it.
	for _, o := range res.outcomes {
		if res.retry != nil {
			break
		}
		e.metrics.outcomes.WithLabelValues(env.Flow, o.Outcome).Inc()
		e.count(env.Flow, o.Outcome)
		switch o.Outcome {
		case OutcomeDelivered, OutcomeDuplicate, OutcomeFiltered:
			e.logOutcome(env, o)
		}
	}
	if len(res.outcomes) == 0 {
		for range res.dead {
			e.count(env.Flow, OutcomeDeadLetter)
		}
	}
	e.metrics.duration.WithLabelValues(env.Flow).Observe(e.now().Sub(start).Seconds())
	if res.retry == nil {
		if err := inbox.Ack(ctx, env.Flow, env.ID); err != nil {
			e.log.Warn("ack failed; the message will run again (harmlessly)", "message", env.ID, "err", err)
		}
		return
	}
	e.retry(ctx, rt, env, res.retry)
}

func (e *Engine) logOutcome(env *store.Envelope, o *Outcome) {
	if !e.log.Enabled(context.Background(), slog.LevelInfo) {
		return // at warn and above: not even the attributes are built
	}
	attrs := []any{"flow", env.Flow, "message", env.ID, "outcome", o.Outcome}
	if o.Part != "" {
		attrs = append(attrs, "part", o.Part)
	}
	for _, d := range o.Deliveries {
		target := "sink " + d.Sink
		if d.Flow != "" {
			target = "flow " + d.Flow
		}
		if d.Skipped {
			target += " (already delivered)"
		}
		if d.Ref != "" {
			target += " → " + d.Ref
		}
		attrs = append(attrs, "to", target, "key", d.Key)
	}
	e.log.Info("processed", attrs...)
}

// retry schedules the message again with exponential backoff and jitter
// (never before a Retry-After the target gave), or dead-letters it once
// its attempts or its age run out.
func (e *Engine) retry(ctx context.Context, rt *flowRuntime, env *store.Envelope, r *errRetry) {
	p := r.policy
	now := e.now()
	env.Attempts = append(env.Attempts, store.Attempt{At: now, Version: rt.version, Step: r.step, Error: r.err.Error(), Reason: reasonOr(r.err, "")})
	n := len(env.Attempts)
	e.metrics.retries.WithLabelValues(env.Flow).Inc()
	var reason string
	switch {
	case ctx.Err() != nil:
		// Shutting down: not the message's fault.
		env.Attempts = env.Attempts[:n-1]
		_ = e.opts.Store.Inbox().Retry(context.Background(), env)
		return
	case errors.Is(r.err, errInProgress):
		env.Attempts = env.Attempts[:n-1] // waiting for a sibling is not an attempt
	case n >= p.MaxAttempts:
		reason = "MAX_ATTEMPTS_EXCEEDED"
	case p.MaxAge > 0 && now.Sub(env.ReceivedAt) >= time.Duration(p.MaxAge):
		reason = "MAX_AGE_EXCEEDED"
	}
	if reason != "" {
		res := &runResult{}
		res.fail(e.deps(e.Current()), rt, env, "", &failure{class: "technical", reason: reason, step: r.step, message: fmt.Sprintf("gave up after %d attempts over %s: %v", n, now.Sub(env.ReceivedAt).Round(time.Second), r.err)}, nil)
		e.record(ctx, rt, env, res, now)
		return
	}
	delay := backoff(p, n)
	if r.after > delay {
		// The target said when: honour it to the second, never earlier.
		delay = time.Duration(math.Ceil(r.after.Seconds())) * time.Second
	}
	env.NotBefore = now.Add(delay)
	if err := e.opts.Store.Inbox().Retry(ctx, env); err != nil {
		e.log.Error("cannot reschedule; the message will run again after a restart", "message", env.ID, "err", err)
		return
	}
	e.log.Info("retry scheduled", "flow", env.Flow, "message", env.ID, "attempt", n, "in", delay.Round(time.Millisecond), "error", r.err.Error())
	e.sched.wakeAt(env.Flow, env.NotBefore)
}

// backoff is the delay before attempt n+1: Backoff × 2^(n-1), capped, with
// ±20% jitter so that retries of many messages spread out.
func backoff(p dsl.Policy, n int) time.Duration {
	base := float64(p.Backoff)
	if base <= 0 {
		base = float64(time.Second)
	}
	d := base * math.Pow(2, float64(max(0, n-1)))
	if maxB := float64(p.MaxBackoff); maxB > 0 && d > maxB {
		d = maxB
	}
	d *= 0.8 + 0.4*mrand.Float64()
	return time.Duration(d)
}

// deadLetterWhole dead-letters a message that cannot run at all.
func (e *Engine) deadLetterWhole(ctx context.Context, env *store.Envelope, reason, msg string) {
	res := &runResult{}
	rt := &flowRuntime{version: env.Version}
	res.fail(&deps{now: e.now}, rt, env, "", &failure{class: "technical", reason: reason, message: msg}, nil)
	for _, dl := range res.dead {
		if err := e.opts.Store.DeadLetters().Put(ctx, dl); err != nil {
			e.log.Error("cannot store dead letter", "err", err)
			return
		}
		e.log.Warn("dead letter", "flow", env.Flow, "message", env.ID, "reason", reason, "error", msg)
	}
	_ = e.opts.Store.Inbox().Ack(ctx, env.Flow, env.ID)
}

func isExclusive(s store.Store) bool {
	ex, ok := s.(store.Exclusive)
	return ok && ex.Exclusive()
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Stop drains the engine: stop accepting (the listener and the sources),
// let in-flight messages finish within ctx, and leave the rest in the
// inbox for the next start.
func (e *Engine) Stop(ctx context.Context) error {
	if !e.stopping.CompareAndSwap(false, true) {
		return nil
	}
	e.ready.Store(false)
	e.closeListener(ctx)
	if v := e.Current(); v != nil {
		v.stopSources(ctx)
	}
	e.sched.stop(ctx)
	if v := e.Current(); v != nil {
		v.close(ctx, e)
	}
	e.pinned.Range(func(k, val any) bool {
		val.(*Version).close(ctx, e)
		return true
	})
	return nil
}

func (e *Engine) closeListener(ctx context.Context) {
	if e.server != nil {
		_ = e.server.Shutdown(ctx)
	}
}

// expectSource registers a batch source that will call Done in --once
// mode.
func (e *Engine) expectSource(id string) {
	e.onceMu.Lock()
	e.onceSources[id] = false
	e.onceMu.Unlock()
}

func (e *Engine) sourceDone(id string) func() {
	return func() {
		e.onceMu.Lock()
		defer e.onceMu.Unlock()
		if done, ok := e.onceSources[id]; !ok || done {
			return
		}
		e.onceSources[id] = true
		for _, d := range e.onceSources {
			if !d {
				return
			}
		}
		close(e.onceDone)
	}
}

// WaitOnce waits, in --once mode, until every batch source has handed over
// what it had and every inbox has no ready message and nothing in flight.
func (e *Engine) WaitOnce(ctx context.Context) error {
	e.onceMu.Lock()
	n := len(e.onceSources)
	e.onceMu.Unlock()
	if n > 0 {
		select {
		case <-e.onceDone:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return e.sched.waitIdle(ctx)
}
