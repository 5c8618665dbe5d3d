package dsl

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Policy is how the engine treats a sink, whatever its type: how many
// deliveries at once, how fast, how often and how long to retry, and when
// to stop calling a failing system for a while.
type Policy struct {
	// Concurrency caps deliveries in flight to the sink.
	Concurrency int
	// RateLimit caps deliveries per second (0: no limit); Burst allows short
	// bursts above it.
	RateLimit float64
	Burst     int
	// MaxAttempts and MaxAge end retrying: the message becomes a technical
	// dead letter (MAX_ATTEMPTS_EXCEEDED, MAX_AGE_EXCEEDED).
	MaxAttempts int
	MaxAge      Duration
	// Backoff is the first retry delay; each retry doubles it, with ±20%
	// jitter, up to MaxBackoff. A Retry-After from the target wins when
	// later.
	Backoff    Duration
	MaxBackoff Duration
	// BreakerFailures consecutive failures open the circuit breaker for
	// BreakerCoolDown (0 disables the breaker).
	BreakerFailures int
	BreakerCoolDown Duration
}

// DefaultPolicy is the policy of a sink that sets none.
var DefaultPolicy = Policy{
	Concurrency:     16,
	MaxAttempts:     10,
	MaxAge:          Duration(24 * time.Hour),
	Backoff:         Duration(time.Second),
	MaxBackoff:      Duration(10 * time.Minute),
	BreakerFailures: 5,
	BreakerCoolDown: Duration(30 * time.Second),
}

var policySchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "concurrency"}, {Name: "rate_limit"}, {Name: "burst"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "retry"}, {Type: "breaker"}},
}

var retrySchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "max_attempts"}, {Name: "max_age"}, {Name: "backoff"}, {Name: "max_backoff"}}}
var breakerSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "failures"}, {Name: "cool_down"}}}

// decodePolicy takes the engine's settings out of a sink body and returns
// the rest for the connector's spec.
func decodePolicy(body hcl.Body, ctx *hcl.EvalContext) (Policy, hcl.Body, hcl.Diagnostics) {
	p := DefaultPolicy
	content, rest, diags := body.PartialContent(policySchema)
	number := func(a *hcl.Attribute, min, max float64, out func(float64)) {
		if a == nil {
			return
		}
		v, d := a.Expr.Value(ctx)
		diags = append(diags, d...)
		if d.HasErrors() {
			return
		}
		if v.Type() != cty.Number || v.IsNull() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid setting", Detail: fmt.Sprintf("%s must be a number.", a.Name), Subject: a.Expr.Range().Ptr()})
			return
		}
		f, _ := v.AsBigFloat().Float64()
		if f < min || f > max {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid setting", Detail: fmt.Sprintf("%s must be between %g and %g.", a.Name, min, max), Subject: a.Expr.Range().Ptr()})
			return
		}
		out(f)
	}
	number(content.Attributes["concurrency"], 1, 1024, func(f float64) { p.Concurrency = int(f) })
	number(content.Attributes["rate_limit"], 0, 1e6, func(f float64) { p.RateLimit = f })
	number(content.Attributes["burst"], 1, 1e6, func(f float64) { p.Burst = int(f) })
	for _, b := range content.Blocks.OfType("retry") {
		c, d := b.Body.Content(retrySchema)
		diags = append(diags, d...)
		number(c.Attributes["max_attempts"], 1, 1000, func(f float64) { p.MaxAttempts = int(f) })
		for name, out := range map[string]*Duration{"max_age": &p.MaxAge, "backoff": &p.Backoff, "max_backoff": &p.MaxBackoff} {
			if a := c.Attributes[name]; a != nil {
				diags = append(diags, parseDuration(a, out)...)
			}
		}
	}
	for _, b := range content.Blocks.OfType("breaker") {
		c, d := b.Body.Content(breakerSchema)
		diags = append(diags, d...)
		number(c.Attributes["failures"], 0, 1000, func(f float64) { p.BreakerFailures = int(f) })
		if a := c.Attributes["cool_down"]; a != nil {
			diags = append(diags, parseDuration(a, &p.BreakerCoolDown)...)
		}
	}
	if p.Burst == 0 {
		p.Burst = max(1, int(p.RateLimit))
	}
	if p.MaxBackoff < p.Backoff {
		p.MaxBackoff = p.Backoff
	}
	return p, rest, diags
}
