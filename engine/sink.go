package engine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
	"golang.org/x/time/rate"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
)

// sinkHandle wraps a sink with the engine's policy for it: a concurrency
// cap, a rate limit, a circuit breaker, and a pause when the target asks
// for one (429 or 503 with Retry-After holds back every delivery to it, not
// only the one that got the answer).
type sinkHandle struct {
	name        string
	sink        connector.Sink
	idempotency connector.Idempotency
	policy      dsl.Policy
	sem         chan struct{}
	limiter     *rate.Limiter
	breaker     *gobreaker.CircuitBreaker[*connector.Response]
	pausedUntil atomic.Int64 // unix nanoseconds
	now         func() time.Time

	// mock answers instead of the sink (eval, flow tests); nil otherwise.
	mock func(ctx context.Context, d *connector.Delivery) (*connector.Response, error)

	delivered, failed atomic.Int64
}

// ErrBreakerOpen is the failure of a delivery refused by an open breaker.
var ErrBreakerOpen = errors.New("circuit breaker open")

func newSinkHandle(name string, s connector.Sink, idem connector.Idempotency, p dsl.Policy, now func() time.Time) *sinkHandle {
	h := &sinkHandle{name: name, sink: s, idempotency: idem, policy: p, now: now}
	if p.Concurrency > 0 {
		h.sem = make(chan struct{}, p.Concurrency)
	}
	if p.RateLimit > 0 {
		h.limiter = rate.NewLimiter(rate.Limit(p.RateLimit), max(1, p.Burst))
	}
	if p.BreakerFailures > 0 {
		h.breaker = gobreaker.NewCircuitBreaker[*connector.Response](gobreaker.Settings{
			Name:        name,
			MaxRequests: 1,
			Timeout:     time.Duration(p.BreakerCoolDown),
			ReadyToTrip: func(c gobreaker.Counts) bool {
				return c.ConsecutiveFailures >= uint32(p.BreakerFailures)
			},
			// Only failures of the system count: a document the target
			// rejects says nothing about its health.
			IsSuccessful: func(err error) bool { return err == nil || connector.IsPermanent(err) },
		})
	}
	return h
}

// BreakerState is "closed", "half-open" or "open".
func (h *sinkHandle) BreakerState() string {
	if h.breaker == nil {
		return "disabled"
	}
	return h.breaker.State().String()
}

// deliver calls the sink under the policy. With dry, the mock answers (or
// nothing does) and the sink is not called.
func (h *sinkHandle) deliver(ctx context.Context, d *connector.Delivery, dry bool) (*connector.Response, error) {
	if h.mock != nil {
		return h.mock(ctx, d)
	}
	if dry {
		return &connector.Response{}, nil
	}
	if until := time.Unix(0, h.pausedUntil.Load()); h.now().Before(until) {
		return nil, &connector.RetryableError{Err: fmt.Errorf("sink %s asked to wait", h.name), RetryAfter: until.Sub(h.now())}
	}
	if h.sem != nil {
		select {
		case h.sem <- struct{}{}:
			defer func() { <-h.sem }()
		case <-ctx.Done():
			return nil, &connector.RetryableError{Err: ctx.Err()}
		}
	}
	if h.limiter != nil {
		if err := h.limiter.Wait(ctx); err != nil {
			return nil, &connector.RetryableError{Err: err}
		}
	}
	call := func() (*connector.Response, error) { return h.sink.Deliver(ctx, d) }
	var resp *connector.Response
	var err error
	if h.breaker != nil {
		resp, err = h.breaker.Execute(call)
		if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
			return nil, &connector.RetryableError{Err: fmt.Errorf("sink %s: %w", h.name, ErrBreakerOpen), RetryAfter: time.Duration(h.policy.BreakerCoolDown)}
		}
	} else {
		resp, err = call()
	}
	if err != nil {
		h.failed.Add(1)
		if after := connector.RetryAfterOf(err); after > 0 && !connector.IsPermanent(err) {
			h.pause(after)
		}
		return nil, err
	}
	h.delivered.Add(1)
	if resp == nil {
		resp = &connector.Response{}
	}
	return resp, nil
}

// pause holds back deliveries until now+d, never shortening a longer pause.
func (h *sinkHandle) pause(d time.Duration) {
	until := h.now().Add(d).UnixNano()
	for {
		cur := h.pausedUntil.Load()
		if cur >= until || h.pausedUntil.CompareAndSwap(cur, until) {
			return
		}
	}
}

// call runs a call step: the policy applies, the ledger does not.
func (h *sinkHandle) call(ctx context.Context, d *connector.Delivery, dry bool) (*connector.Response, error) {
	resp, err := h.deliver(ctx, d, dry)
	if err != nil && !connector.IsPermanent(err) {
		return nil, &errRetry{err: fmt.Errorf("sink %s: %w", h.name, err), after: connector.RetryAfterOf(err), policy: h.policy}
	}
	return resp, err
}
