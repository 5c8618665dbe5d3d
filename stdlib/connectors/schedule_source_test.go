package connectors

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

func TestScheduleSpecCheck(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]cty.Value
		want     string
	}{
		{"five fields", map[string]cty.Value{"cron": str("*/15 6-20 * * MON-FRI")}, ""},
		{"descriptor", map[string]cty.Value{"cron": str("@hourly")}, ""},
		{"every", map[string]cty.Value{"cron": str("@every 5m")}, ""},
		{"with zone and body", map[string]cty.Value{"cron": str("0 6 * * *"), "timezone": str("America/Chicago"), "body": str(`{"report":"inventory"}`)}, ""},
		{"bad expression", map[string]cty.Value{"cron": str("every morning")}, `cron "every morning" is not a valid schedule`},
		{"six fields", map[string]cty.Value{"cron": str("0 0 6 * * *")}, "not a valid schedule"},
		{"minute out of range", map[string]cty.Value{"cron": str("61 * * * *")}, "not a valid schedule"},
		{"empty", map[string]cty.Value{"cron": str("")}, "must not be empty"},
		{"bad zone", map[string]cty.Value{"cron": str("@daily"), "timezone": str("Central")}, "not an IANA time zone"},
		{"bad body", map[string]cty.Value{"cron": str("@daily"), "body": str("{report}")}, "body is not valid JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := buildConfig(ScheduleSourceSpec, c.settings)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			// The constructor refuses what the loader would.
			if _, err := NewScheduleSource(connector.SourceParams{Config: cty.ObjectVal(map[string]cty.Value{
				"cron": c.settings["cron"], "timezone": str("UTC"), "body": str("{}"),
			})}); err == nil && strings.Contains(c.want, "cron") {
				t.Fatal("NewScheduleSource accepted a bad cron")
			}
		})
	}
}

func newSchedule(t *testing.T, once bool, settings map[string]cty.Value, ing connector.Ingress, done func()) connector.Source {
	t.Helper()
	src, err := NewScheduleSource(connector.SourceParams{
		Flow: "report", Config: mustConfig(t, ScheduleSourceSpec, settings),
		Ingress: ing, Once: once, Done: done,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := src.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return src
}

func TestScheduleOnceFiresOnce(t *testing.T) {
	leakCheck(t)
	ing := newRecorder()
	done := make(chan struct{}, 2)
	src := newSchedule(t, true, map[string]cty.Value{
		"cron": str("0 3 1 1 *"), "timezone": str("America/Chicago"),
		"body": str(`{"report":"inventory","amount":12.50,"n":7}`),
	}, ing, func() { done <- struct{}{} })
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Done was not called")
	}
	if err := src.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(done) != 0 {
		t.Fatal("Done was called twice")
	}
	msgs := ing.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	v, err := decodeJSON(msgs[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	obj := v.(map[string]any)
	at, err := time.Parse(time.RFC3339, obj["scheduled_at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(at); d < -time.Second || d > 5*time.Second {
		t.Fatalf("scheduled_at %v is not now", at)
	}
	if _, off := at.Zone(); off != func() int { _, o := at.In(mustZone(t, "America/Chicago")).Zone(); return o }() {
		t.Fatalf("scheduled_at %q is not in the configured zone", obj["scheduled_at"])
	}
	if obj["report"] != "inventory" || obj["n"] != int64(7) || builtin.Format(obj["amount"]) != "12.50" {
		t.Fatalf("body %s", msgs[0].Body)
	}
	if msgs[0].Origin != "schedule 0 3 1 1 *" || !strings.HasPrefix(msgs[0].ID, "schedule 0 3 1 1 *@") {
		t.Fatalf("origin %q id %q", msgs[0].Origin, msgs[0].ID)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestScheduleTicks(t *testing.T) {
	leakCheck(t)
	ing := newRecorder()
	var refused atomic.Bool
	ing.fail = func(n int, msgs []connector.Message) error {
		if n == 1 { // the first tick meets a full inbox and is retried
			refused.Store(true)
			return &connector.BackpressureError{RetryAfter: 10 * time.Millisecond}
		}
		return nil
	}
	src := newSchedule(t, false, map[string]cty.Value{"cron": str("@every 1s")}, ing, nil)
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ing.notify:
	case <-time.After(5 * time.Second):
		t.Fatal("no tick within 5s")
	}
	if err := src.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := len(ing.messages())
	if n < 1 || !refused.Load() {
		t.Fatalf("%d messages, refused %v", n, refused.Load())
	}
	time.Sleep(1200 * time.Millisecond)
	if len(ing.messages()) != n {
		t.Fatal("a tick fired after Close")
	}
	if string(ing.messages()[0].Body[:len(`{"scheduled_at":`)]) != `{"scheduled_at":` {
		t.Fatalf("body %s", ing.messages()[0].Body)
	}
}

func TestScheduleMessageBodies(t *testing.T) {
	at := time.Date(2025, 3, 9, 8, 0, 0, 0, time.UTC)
	for _, c := range []struct{ body, want string }{
		{`{}`, `{"scheduled_at":"2025-03-09T08:00:00Z"}`},
		{`{"scheduled_at":"x","b":[1,2.5]}`, `{"b":[1,2.5],"scheduled_at":"2025-03-09T08:00:00Z"}`},
		{`[1,2]`, `[1,2]`},
		{`"run"`, `"run"`},
	} {
		src, err := NewScheduleSource(connector.SourceParams{Config: mustConfig(t, ScheduleSourceSpec, map[string]cty.Value{"cron": str("@daily"), "body": str(c.body)})})
		if err != nil {
			t.Fatal(err)
		}
		s := src.(*ScheduleSource)
		for range 2 { // the configured body is not changed by a tick
			m, err := s.message(at)
			if err != nil {
				t.Fatal(err)
			}
			if string(m.Body) != c.want {
				t.Errorf("body %s: got %s, want %s", c.body, m.Body, c.want)
			}
		}
	}
}
