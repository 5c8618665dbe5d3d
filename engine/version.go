package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
)

// Version is one loaded, compiled generation of the flow files, running:
// its flows' runtimes, its sources, its HTTP routes. Messages hold a
// reference while they run, so a reload swaps in a new version while
// in-flight messages finish on the one they started on.
type Version struct {
	ID     string
	Gen    int64
	Config *dsl.Config
	Graph  *Graph

	flows   map[string]*flowRuntime
	sinks   map[string]*sinkHandle
	sources []connector.Source
	router  *router

	refs    sync.WaitGroup
	retired atomic.Bool
}

// router is the HTTP routes of one version. The engine's listener hands
// every request to the current version's router; a route removed by an
// edit therefore answers 404 as soon as the new version is live.
type router struct {
	mux    *http.ServeMux
	routes map[string]bool
}

func newRouter() *router { return &router{mux: http.NewServeMux(), routes: map[string]bool{}} }

// Handle implements connector.Router.
func (r *router) Handle(method, path string, h http.Handler) error {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/-/") || path == "/metrics" || path == "/healthz" || path == "/readyz" {
		return fmt.Errorf("path %q is reserved or invalid: routes start with / and may not use /-/, /metrics, /healthz or /readyz", path)
	}
	pattern := method + " " + path
	if r.routes[pattern] {
		return fmt.Errorf("route %s is declared by two sources", pattern)
	}
	r.routes[pattern] = true
	r.mux.Handle(pattern, h)
	return nil
}

// Routes lists the routes, sorted.
func (r *router) Routes() []string {
	out := make([]string, 0, len(r.routes))
	for k := range r.routes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sinkPool shares sink instances between versions: a sink whose type,
// settings and policy did not change keeps its connections, its OAuth2
// token, its breaker state and its rate limiter across a reload (Caddy's
// usage pool does the same for listeners).
type sinkPool struct {
	mu    sync.Mutex
	items map[string]*pooledSink
}

type pooledSink struct {
	handle *sinkHandle
	refs   int
}

func newSinkPool() *sinkPool { return &sinkPool{items: map[string]*pooledSink{}} }

func sinkIdentity(s *dsl.Sink) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%#v\x00", s.Name, s.Type, s.Policy)
	h.Write([]byte(s.Config.GoString()))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (p *sinkPool) acquire(s *dsl.Sink, create func() (*sinkHandle, error)) (*sinkHandle, error) {
	id := sinkIdentity(s)
	p.mu.Lock()
	defer p.mu.Unlock()
	if it, ok := p.items[id]; ok {
		it.refs++
		return it.handle, nil
	}
	h, err := create()
	if err != nil {
		return nil, err
	}
	p.items[id] = &pooledSink{handle: h, refs: 1}
	return h, nil
}

// release drops a version's reference; the last one closes the sink.
func (p *sinkPool) release(ctx context.Context, s *dsl.Sink) {
	id := sinkIdentity(s)
	p.mu.Lock()
	it, ok := p.items[id]
	last := false
	if ok {
		it.refs--
		if it.refs == 0 {
			delete(p.items, id)
			last = true
		}
	}
	p.mu.Unlock()
	if last {
		_ = it.handle.sink.Close(ctx)
	}
}

// buildVersion instantiates a compiled graph: decoders, sinks (from the
// pool) and sources (not started).
func (e *Engine) buildVersion(cfg *dsl.Config, g *Graph, gen int64) (*Version, error) {
	v := &Version{ID: cfg.Version, Gen: gen, Config: cfg, Graph: g, flows: map[string]*flowRuntime{}, sinks: map[string]*sinkHandle{}, router: newRouter()}
	var errs []error
	for name, fl := range cfg.Flows {
		dec, err := e.opts.Codecs.Decoder(fl.Format, fl.Schema, fl.Reads)
		if err != nil {
			errs = append(errs, fmt.Errorf("flow %s: %w", name, err))
			continue
		}
		rt := &flowRuntime{flow: fl, cfg: cfg, decoder: dec, version: cfg.Version, resume: map[string]connector.Decoder{}}
		for _, st := range fl.Steps {
			if st.Kind == dsl.StepAggregate {
				d, err := e.opts.Codecs.Decoder("json", st.Output, nil)
				if err != nil {
					errs = append(errs, fmt.Errorf("flow %s: %w", name, err))
				}
				rt.resume[st.Name] = d
			}
		}
		v.flows[name] = rt
	}
	for name, s := range cfg.Sinks {
		f, ok := e.opts.Connectors.Sink(s.Type)
		if !ok {
			errs = append(errs, fmt.Errorf("sink %s: no sink type %q", name, s.Type))
			continue
		}
		h, err := e.sinks.acquire(s, func() (*sinkHandle, error) {
			sink, err := f.New(connector.SinkParams{Name: name, Config: s.Config, Logger: e.log.With("sink", name), DataDir: e.opts.DataDir, BaseDir: e.opts.FlowsDir, Stdout: e.opts.Stdout, Counters: counters{e.opts.Store.Keys()}})
			if err != nil {
				return nil, err
			}
			idem := f.Idempotency
			if f.IdempotencyOf != nil {
				idem = f.IdempotencyOf(s.Config)
			}
			if idem == "" {
				idem = connector.IdempotencyNone
			}
			return newSinkHandle(name, sink, idem, s.Policy, e.now), nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("sink %s: %w", name, err))
			continue
		}
		v.sinks[name] = h
	}
	if len(errs) == 0 && !e.opts.NoSources {
		for _, name := range sortedKeys(cfg.Flows) {
			fl := cfg.Flows[name]
			rt := v.flows[name]
			for i, src := range fl.Sources {
				f, ok := e.opts.Connectors.Source(src.Type)
				if !ok {
					errs = append(errs, fmt.Errorf("flow %s: no source type %q", name, src.Type))
					continue
				}
				params := connector.SourceParams{
					Flow: name, Format: fl.Format, ListInput: fl.Schema != nil && fl.Schema.Kind == builtin.KindList,
					Config: src.Config, Ingress: e.ingress(name),
					Router: v.router, Logger: e.log.With("flow", name, "source", src.Type),
					Check: checker(rt), DataDir: e.opts.DataDir, BaseDir: e.opts.FlowsDir,
					Once: e.opts.Once, Done: e.sourceDone(fmt.Sprintf("%s/%d", name, i)),
				}
				if e.opts.Once {
					e.expectSource(fmt.Sprintf("%s/%d", name, i))
				}
				s, err := f.New(params)
				if err != nil {
					errs = append(errs, fmt.Errorf("flow %s: %s source: %w", name, src.Type, err))
					continue
				}
				v.sources = append(v.sources, s)
			}
		}
	}
	if len(errs) > 0 {
		v.close(context.Background(), e)
		return nil, errors.Join(errs...)
	}
	return v, nil
}

// checker lets HTTP sources refuse undecodable payloads synchronously.
func checker(rt *flowRuntime) func([]byte) error {
	return func(body []byte) error {
		docs, err := rt.decoder.Decode(body)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if d.Err != nil && len(docs) == 1 {
				return d.Err
			}
		}
		return nil
	}
}

// start starts the version's sources.
func (v *Version) start(ctx context.Context, log *slog.Logger) error {
	var unready []string
	for i, s := range v.sources {
		if err := s.Start(ctx); err != nil {
			for _, started := range v.sources[:i] {
				_ = started.Close(ctx)
			}
			return err
		}
		if u, ok := s.(connector.Unready); ok {
			if what := u.Unready(); what != "" {
				unready = append(unready, what)
			}
		}
	}
	if len(unready) > 0 {
		log.Warn(fmt.Sprintf("%d source(s) refuse every event until an operator sets what they lack "+
			"(a setting that reads env(\"…\") of an unset or empty environment variable): %s",
			len(unready), strings.Join(unready, "; ")), "version", v.ID)
	}
	return nil
}

// stopSources stops the version's sources: no new messages come from it.
func (v *Version) stopSources(ctx context.Context) {
	for _, s := range v.sources {
		_ = s.Close(ctx)
	}
}

// close waits for the messages running on the version, then releases its
// sinks.
func (v *Version) close(ctx context.Context, e *Engine) {
	v.stopSources(ctx)
	v.refs.Wait()
	for name := range v.sinks {
		e.sinks.release(ctx, v.Config.Sinks[name])
	}
}

// SinkState describes a sink for the status page.
type SinkState struct {
	Type      string `json:"type"`
	Breaker   string `json:"breaker"`
	Delivered int64  `json:"delivered"`
	Failed    int64  `json:"failed"`
}

func (v *Version) sinkStates() map[string]SinkState {
	out := map[string]SinkState{}
	for name, h := range v.sinks {
		out[name] = SinkState{Type: v.Config.Sinks[name].Type, Breaker: h.BreakerState(), Delivered: h.delivered.Load(), Failed: h.failed.Load()}
	}
	return out
}

var _ connector.Router = (*router)(nil)
var _ = builtin.Format
