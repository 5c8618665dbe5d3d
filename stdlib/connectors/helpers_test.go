package connectors

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"go.uber.org/goleak"

	"github.com/transload/transload/engine/connector"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// leakCheck fails t when goroutines started during the test outlive it.
// Call it first, so that its cleanup runs after the test's others.
func leakCheck(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// buildConfig builds a settings object the way the loader does: every
// attribute of spec present, given values converted to the attribute's
// type, absent ones at their default or null; blocks given or null. It
// returns the spec Check's error.
func buildConfig(spec *connector.ConfigSpec, given map[string]cty.Value) (cty.Value, error) {
	vals := map[string]cty.Value{}
	for _, a := range spec.Attrs {
		if v, ok := given[a.Name]; ok {
			cv, err := convert.Convert(v, a.Type)
			if err != nil {
				return cty.NilVal, err
			}
			vals[a.Name] = cv
		} else if a.Default != cty.NilVal {
			vals[a.Name] = a.Default
		} else {
			vals[a.Name] = cty.NullVal(a.Type)
		}
	}
	for _, b := range spec.Blocks {
		if v, ok := given[b.Name]; ok {
			vals[b.Name] = v
		} else {
			vals[b.Name] = cty.NullVal(cty.DynamicPseudoType)
		}
	}
	obj := cty.ObjectVal(vals)
	if spec.Check != nil {
		if err := spec.Check(obj); err != nil {
			return obj, err
		}
	}
	return obj, nil
}

func mustConfig(t *testing.T, spec *connector.ConfigSpec, given map[string]cty.Value) cty.Value {
	t.Helper()
	v, err := buildConfig(spec, given)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return v
}

// block builds a labelled block value (auth "basic" { … }) of spec.
func block(spec *connector.ConfigSpec, label string, given map[string]cty.Value) cty.Value {
	v, err := buildConfig(spec, given)
	if err != nil {
		panic(err)
	}
	m := v.AsValueMap()
	m["type"] = cty.StringVal(label)
	return cty.ObjectVal(m)
}

func str(s string) cty.Value { return cty.StringVal(s) }

func strs(ss ...string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vs := make([]cty.Value, len(ss))
	for i, s := range ss {
		vs[i] = cty.StringVal(s)
	}
	return cty.ListVal(vs)
}

// testRouter is the engine's router reduced to a ServeMux.
type testRouter struct {
	mux    *http.ServeMux
	routes []string
}

func newTestRouter() *testRouter { return &testRouter{mux: http.NewServeMux()} }

func (r *testRouter) Handle(method, path string, h http.Handler) error {
	r.routes = append(r.routes, method+" "+path)
	r.mux.Handle(path, h)
	return nil
}

// recorder is an Ingress that records what it stores; fail, when set,
// decides the outcome of each call (n counts calls from 1).
type recorder struct {
	mu      sync.Mutex
	calls   int
	batches [][]connector.Message
	fail    func(n int, msgs []connector.Message) error
	notify  chan struct{}
}

func newRecorder() *recorder { return &recorder{notify: make(chan struct{}, 1000)} }

func (r *recorder) Submit(ctx context.Context, msgs ...connector.Message) error {
	r.mu.Lock()
	r.calls++
	n := r.calls
	fail := r.fail
	r.mu.Unlock()
	if fail != nil {
		if err := fail(n, msgs); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.batches = append(r.batches, append([]connector.Message(nil), msgs...))
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	return nil
}

func (r *recorder) messages() []connector.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []connector.Message
	for _, b := range r.batches {
		out = append(out, b...)
	}
	return out
}

func (r *recorder) batchSizes() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for _, b := range r.batches {
		out = append(out, len(b))
	}
	return out
}

// logBuffer is a slog logger writing text into a buffer.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
