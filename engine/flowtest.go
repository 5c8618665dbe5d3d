package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
)

// TestResult is the result of one flow test run.
type TestResult struct {
	Run      *dsl.TestRun
	Passed   bool
	Failures []TestFailure
	Duration time.Duration
	Outcomes []*Outcome
}

// TestFailure is one failed expectation, with where it is written and the
// values it looked at.
type TestFailure struct {
	// Pos is file:line:col of the assertion (or the run).
	Pos     string
	Message string
	// Values are the paths the condition reads, with their actual values.
	Values []PathValue
	// Changes are the differences from a golden file.
	Changes []Change
}

// PathValue is a value the failed condition read.
type PathValue struct {
	Path  string
	Value string
}

// RunTests runs every test run of the suite, in order.
func RunTests(ctx context.Context, suite *dsl.TestSuite, codecs connector.Codecs, sinks *connector.Registry) []*TestResult {
	var out []*TestResult
	for _, run := range suite.Runs {
		out = append(out, RunTest(ctx, run, codecs, sinks))
	}
	return out
}

// RunTest runs one test: the input through the flow with the run's mocks,
// clock and fixed ids, then the expectations. The mocks' answers are
// finished as the sinks' types in sinks would (nil: as they are).
func RunTest(ctx context.Context, run *dsl.TestRun, codecs connector.Codecs, sinks *connector.Registry) *TestResult {
	start := time.Now()
	res := &TestResult{Run: run}
	ids := 0
	mocks := map[string]MockFunc{}
	for name, m := range run.Mocks {
		mocks[name] = mockFunc(m)
	}
	ev, err := NewEvaluator(run.Config, EvalOptions{
		Codecs:          codecs,
		Connectors:      sinks,
		Mocks:           mocks,
		DeliveredBefore: run.DeliveredBefore,
		Now:             func() time.Time { return run.Clock },
		NewID: func() string {
			ids++
			return fmt.Sprintf("m_test_%d", ids)
		},
	})
	if err != nil {
		res.fail(posOf(run.DeclRange), err.Error())
		return res
	}
	// A mock that fails only its first calls (times) is a target that
	// recovers: the message is retried as the engine would, until it is
	// no longer a retry or the mocks are past their failures.
	retries := 0
	for _, m := range run.Mocks {
		retries = max(retries, m.Times)
	}
	var outs []*Outcome
	for attempt := 0; ; attempt++ {
		outs, _, err = ev.Eval(ctx, run.Flow.Name, Input{Body: run.Input, Headers: run.Headers, Attempts: attempt})
		if err != nil || attempt >= retries || len(outs) == 0 || outs[0].Outcome != OutcomeRetry {
			break
		}
	}
	res.Outcomes = outs
	res.Duration = time.Since(start)
	if err != nil {
		res.fail(posOf(run.DeclRange), err.Error())
		return res
	}
	if len(outs) == 0 {
		res.fail(posOf(run.DeclRange), "the input produced no document")
		return res
	}
	first := outs[0]
	if want := run.ExpectDeadLetter; want != "" {
		got := ""
		for _, o := range outs {
			if o.DeadLetter != nil {
				got = o.DeadLetter.Reason
				break
			}
		}
		if got != want {
			msg := fmt.Sprintf("expected a dead letter %s, got %s", want, describe(first))
			res.fail(posOf(run.DeclRange), msg)
		}
	}
	if want := run.ExpectOutcome; want != "" && first.Outcome != want {
		res.fail(posOf(run.DeclRange), fmt.Sprintf("expected outcome %s, got %s", want, describe(first)))
	}
	vars := testVars(run, outs)
	for _, a := range run.Asserts {
		ok, err := a.Condition.EvalBool(vars)
		switch {
		case err != nil:
			res.failures(TestFailure{Pos: posOf(a.Condition.Range), Message: "the condition failed to evaluate: " + err.Error(), Values: readValues(a.Condition, vars)})
		case !ok:
			msg := a.Message
			if msg == "" {
				msg = "assertion failed"
			}
			res.failures(TestFailure{Pos: posOf(a.Condition.Range), Message: msg + "\n    condition: " + a.Condition.Src, Values: readValues(a.Condition, vars)})
		}
	}
	for _, g := range run.Goldens {
		var want any
		if err := json.Unmarshal(g.Want, &want); err != nil {
			res.fail(posOf(g.DeclRange), fmt.Sprintf("golden file %s is not JSON: %v", g.File, err))
			continue
		}
		got, err := canonicalRoundTrip(first.Steps[g.Step])
		if err != nil {
			res.fail(posOf(g.DeclRange), err.Error())
			continue
		}
		if changes := DiffDocs(normalizeJSON(want), got); len(changes) > 0 {
			res.failures(TestFailure{Pos: posOf(g.DeclRange), Message: fmt.Sprintf("step %s differs from %s", g.Step, g.File), Changes: changes})
		}
	}
	res.Passed = len(res.Failures) == 0
	return res
}

func (r *TestResult) fail(pos, msg string) {
	r.failures(TestFailure{Pos: pos, Message: msg})
}

func (r *TestResult) failures(f TestFailure) {
	r.Failures = append(r.Failures, f)
}

func describe(o *Outcome) string {
	s := o.Outcome
	if o.DeadLetter != nil {
		s += fmt.Sprintf(" (%s at %s: %s)", o.DeadLetter.Reason, o.DeadLetter.Step, o.DeadLetter.Message)
	}
	if o.Error != "" {
		s += " (" + o.Error + ")"
	}
	return s
}

func posOf(r interface{ String() string }) string {
	s := r.String()
	// hcl.Range renders file:l,c-l,c; keep file:line:col.
	if i := strings.LastIndexByte(s, '-'); i > 0 {
		s = s[:i]
	}
	return strings.Replace(s, ",", ":", 1)
}

// testVars binds what assertions read.
func testVars(run *dsl.TestRun, outs []*Outcome) *builtin.Vars {
	first := outs[0]
	vars := run.Config.Static.Clone()
	vars.Set("steps", first.Steps)
	vars.Set("deliveries", deliveriesOf(first))
	dl := map[string]any{}
	if d := first.DeadLetter; d != nil {
		dl = map[string]any{"class": d.Class, "reason": d.Reason, "step": d.Step, "message": d.Message, "range": d.Range}
	}
	vars.Set("dead_letter", dl)
	vars.Set("outcome", first.Outcome)
	list := make([]any, len(outs))
	for i, o := range outs {
		list[i] = map[string]any{"outcome": o.Outcome, "part": o.Part, "steps": o.Steps, "deliveries": deliveriesOf(o)}
	}
	vars.Set("outcomes", list)
	vars.Set("input", first.Input)
	return vars
}

func deliveriesOf(o *Outcome) []any {
	out := make([]any, 0, len(o.Deliveries))
	for _, d := range o.Deliveries {
		m := map[string]any{"key": d.Key, "body": d.Body, "skipped": d.Skipped, "update": d.Update, "ref": d.Ref, "headers": anyMap(d.Headers)}
		if d.Sink != "" {
			m["sink"] = d.Sink
		}
		if d.Flow != "" {
			m["flow"] = d.Flow
		}
		if d.Response != nil {
			m["response"] = d.Response
		}
		out = append(out, m)
	}
	return out
}

// readValues evaluates the paths a condition reads, to show what it saw.
func readValues(e *dsl.Expr, vars *builtin.Vars) []PathValue {
	var out []PathValue
	for _, p := range e.Program.Reads() {
		p = strings.TrimSuffix(p, "#") // a list's length: show the list
		root, rest, _ := strings.Cut(p, ".")
		v, ok := vars.Get(root)
		if !ok || root == dsl.VarTables {
			continue
		}
		val, found := walkPath(v, rest)
		s := "<missing>"
		if found {
			s = builtin.Format(val)
			if len(s) > 300 {
				s = s[:300] + "…"
			}
		}
		out = append(out, PathValue{Path: p, Value: s})
	}
	return out
}

func walkPath(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, part := range strings.Split(path, ".") {
		if strings.HasSuffix(part, "[]") {
			part = strings.TrimSuffix(part, "[]")
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			return m[part], m[part] != nil
		}
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[part]; !ok || v == nil {
				return nil, false
			}
		default:
			var ok bool
			if v, ok = builtin.ValueField(x, part); !ok {
				return nil, false
			}
		}
	}
	return v, true
}

// canonicalRoundTrip turns a native document into the generic JSON form
// golden files hold (numbers as json.Number text).
func canonicalRoundTrip(v any) (any, error) {
	b, err := builtin.AppendJSON(nil, v)
	if err != nil {
		return nil, err
	}
	var out any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return normalizeJSON(out), nil
}

// normalizeJSON makes numbers comparable text.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeJSON(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeJSON(e)
		}
	case float64:
		return json.Number(fmt.Sprint(x))
	case json.Number:
		if d, err := builtin.ParseJSONNumber(string(x)); err == nil {
			return d.Reduce().String()
		}
	}
	return v
}

func mockFunc(m *dsl.Mock) MockFunc {
	calls := 0
	return func(ctx context.Context, d *connector.Delivery) (*connector.Response, error) {
		calls++
		if m.Latency > 0 {
			select {
			case <-time.After(m.Latency):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if m.Times > 0 && calls > m.Times {
			return &connector.Response{Status: 200}, nil
		}
		switch {
		case m.Status == 408 || m.Status == 425 || m.Status == 429 || m.Status >= 500:
			return nil, &connector.RetryableError{Err: fmt.Errorf("mock %s answers %d", m.Sink, m.Status), RetryAfter: m.RetryAfter, Status: m.Status}
		case m.Status >= 400:
			return nil, &connector.PermanentError{Err: fmt.Errorf("mock %s answers %d", m.Sink, m.Status), Reason: "REJECTED_BY_TARGET", Status: m.Status}
		}
		return &connector.Response{Status: m.Status, Body: m.Body}, nil
	}
}

// Coverage reports what of the flows no test exercised: steps, route cases
// and validation rules.
type Coverage struct {
	Total   int
	Covered int
	Missing []string
}

// CoverageOf computes coverage over the flows the results tested.
func CoverageOf(results []*TestResult) Coverage {
	seen := map[string]bool{}
	flows := map[*dsl.Flow]bool{}
	for _, r := range results {
		flows[r.Run.Flow] = true
		for _, o := range r.Outcomes {
			for _, t := range o.Trace {
				seen[r.Run.Flow.Name+"/"+t] = true
			}
		}
	}
	var all []string
	for f := range flows {
		for _, s := range f.Steps {
			all = append(all, f.Name+"/step:"+s.Name)
			if s.Validate != nil {
				for _, rule := range s.Validate.Rules {
					all = append(all, f.Name+"/rule:"+s.Name+"."+rule.Name)
				}
			}
			if s.Route != nil {
				for _, c := range s.Route.Cases {
					all = append(all, f.Name+"/case:"+s.Name+"."+c.Name)
				}
				if s.Route.Default != nil {
					all = append(all, f.Name+"/case:"+s.Name+".default")
				}
			}
		}
	}
	sort.Strings(all)
	cov := Coverage{Total: len(all)}
	for _, k := range all {
		if seen[k] {
			cov.Covered++
		} else {
			cov.Missing = append(cov.Missing, k)
		}
	}
	return cov
}
