package connectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"
	_ "time/tzdata" // a timezone setting must not depend on the host's zoneinfo

	"github.com/robfig/cron/v3"
	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

// cronParser reads standard five-field expressions (minute hour
// day-of-month month day-of-week) and descriptors (@hourly, @daily,
// @every 5m).
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ScheduleSourceSpec is the settings spec of the schedule source.
var ScheduleSourceSpec = &connector.ConfigSpec{
	Doc: "Starts the flow on a clock: each tick submits one message, the configured body with \"scheduled_at\" " +
		"(the tick's time, RFC 3339) added. Use it to poll a system (a call step reads the data) or to send a " +
		"periodic report. Ticks missed while the process was down or while the inbox was full are not made up; " +
		"a tick is retried until the inbox takes it. With transload run --once it fires once, at once.",
	Attrs: []*connector.AttrSpec{
		{
			Name: "cron", Type: cty.String, Required: true,
			Doc: "When to fire: a five-field cron expression (minute hour day-of-month month day-of-week), " +
				"or a descriptor: @yearly, @monthly, @weekly, @daily, @hourly, or @every followed by a duration.",
			Example: `cron = "*/15 6-20 * * MON-FRI"`,
		},
		{
			Name: "body", Type: cty.String, Default: cty.StringVal("{}"),
			Doc: "The message body, as JSON text. When it is an object, \"scheduled_at\" is set in it on each tick; " +
				"any other JSON value is sent unchanged. Default {}.",
			Example: `body = jsonencode({ report = "inventory", warehouse = "DAL1" })`,
		},
		{
			Name: "timezone", Type: cty.String, Default: cty.StringVal("UTC"),
			Doc:     "The IANA time zone the cron expression is read in (so \"0 6 * * *\" is 06:00 local time, across daylight saving changes).",
			Example: `timezone = "America/Chicago"`,
		},
	},
	Check: func(v cty.Value) error {
		_, _, _, err := scheduleConfig(v)
		return err
	},
}

// scheduleConfig parses and checks the settings.
func scheduleConfig(v cty.Value) (cron.Schedule, *time.Location, any, error) {
	expr := getString(v, "cron", "")
	if expr == "" {
		return nil, nil, nil, errors.New("cron must not be empty")
	}
	sched, err := cronParser.Parse(expr)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("cron %q is not a valid schedule (%v); write five fields, minute hour day-of-month month day-of-week, such as \"0 6 * * *\", or a descriptor such as \"@every 5m\"", expr, err)
	}
	tz := getString(v, "timezone", "UTC")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("timezone %q is not an IANA time zone name such as \"America/Chicago\"", tz)
	}
	text := getString(v, "body", "{}")
	body, err := decodeJSON([]byte(text))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("body is not valid JSON: %v", err)
	}
	return sched, loc, body, nil
}

// ScheduleSource is the schedule source.
//
// Lifecycle: Start starts one goroutine that sleeps until each tick and
// submits its message (with SourceParams.Once: fires once at once, calls
// Done and ends). Close stops the clock, waits for a tick in flight (or
// cancels it when ctx ends) and is safe twice and without Start.
type ScheduleSource struct {
	params connector.SourceParams
	log    *slog.Logger
	expr   string
	sched  cron.Schedule
	loc    *time.Location
	body   any

	mu      sync.Mutex
	started bool
	closed  bool
	stop    context.CancelFunc
	abort   context.CancelFunc
	done    chan struct{}
}

// NewScheduleSource builds a schedule source from its params.
func NewScheduleSource(p connector.SourceParams) (connector.Source, error) {
	sched, loc, body, err := scheduleConfig(p.Config)
	if err != nil {
		return nil, fmt.Errorf("schedule source: %w", err)
	}
	return &ScheduleSource{
		params: p,
		log:    loggerOf(p.Logger).With("source", "schedule", "flow", p.Flow),
		expr:   getString(p.Config, "cron", ""),
		sched:  sched, loc: loc, body: body,
	}, nil
}

// Start starts the clock.
func (s *ScheduleSource) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("schedule source: start after close")
	}
	if s.started {
		return errors.New("schedule source: started twice")
	}
	if s.params.Ingress == nil {
		return errors.New("schedule source: the engine gave no ingress")
	}
	base := context.WithoutCancel(ctx)
	stopCtx, stop := context.WithCancel(base)
	submitCtx, abort := context.WithCancel(base)
	s.stop, s.abort, s.done, s.started = stop, abort, make(chan struct{}), true
	go s.run(stopCtx, submitCtx)
	return nil
}

// Close stops the clock; see the type's lifecycle.
func (s *ScheduleSource) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	started := s.started
	s.mu.Unlock()
	if !started {
		return nil
	}
	s.stop()
	select {
	case <-s.done:
		s.abort()
		return nil
	case <-ctx.Done():
		s.abort()
		<-s.done
		return fmt.Errorf("schedule source: closed before the tick in flight was stored: %w", ctx.Err())
	}
}

func (s *ScheduleSource) run(ctx, submitCtx context.Context) {
	defer close(s.done)
	if s.params.Once {
		s.fire(ctx, submitCtx, time.Now().In(s.loc).Truncate(time.Second))
		if s.params.Done != nil {
			s.params.Done()
		}
		return
	}
	for {
		next := s.sched.Next(time.Now().In(s.loc))
		if next.IsZero() {
			s.log.Warn("the cron expression never fires again", "cron", s.expr)
			return
		}
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		s.fire(ctx, submitCtx, next)
	}
}

// fire submits the message of one tick.
func (s *ScheduleSource) fire(ctx, submitCtx context.Context, at time.Time) {
	msg, err := s.message(at)
	if err != nil {
		s.log.Error("building the scheduled message failed", "cron", s.expr, "error", err)
		return
	}
	if err := submitRetry(ctx, submitCtx, s.params.Ingress, s.log, []connector.Message{msg}); err != nil {
		s.log.Info("a tick was not stored because the source is closing", "scheduled_at", at.Format(time.RFC3339))
	}
}

// message builds the message of the tick at.
func (s *ScheduleSource) message(at time.Time) (connector.Message, error) {
	stamp := at.Format(time.RFC3339)
	body := s.body
	if obj, ok := body.(map[string]any); ok {
		obj = maps.Clone(obj)
		obj["scheduled_at"] = stamp
		body = obj
	}
	b, err := builtin.AppendJSON(nil, body)
	if err != nil {
		return connector.Message{}, err
	}
	return connector.Message{
		Body:    b,
		Headers: map[string]string{"content-type": "application/json", "scheduled-at": stamp},
		Origin:  "schedule " + s.expr,
		ID:      "schedule " + s.expr + "@" + stamp,
	}, nil
}

var _ connector.Source = (*ScheduleSource)(nil)
