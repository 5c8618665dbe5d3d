package connector

import (
	"errors"
	"fmt"
	"time"
)

// RetryableError is a failure that may pass: a timeout, a refused
// connection, a 5xx, a 429. The engine retries with exponential backoff and
// jitter, never before RetryAfter when the target said when.
type RetryableError struct {
	Err        error
	RetryAfter time.Duration
	// Status is the HTTP status, if any.
	Status int
}

func (e *RetryableError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("%v (retry after %s)", e.Err, e.RetryAfter)
	}
	return e.Err.Error()
}

func (e *RetryableError) Unwrap() error { return e.Err }

// PermanentError is a failure that retrying cannot fix: a 4xx rejection, a
// document the target refuses. It goes to the dead letters at once with
// Reason (a stable code such as "REJECTED_BY_TARGET").
type PermanentError struct {
	Err    error
	Reason string
	Status int
}

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Retryable wraps err as retryable.
func Retryable(err error, after time.Duration) error {
	return &RetryableError{Err: err, RetryAfter: after}
}

// Permanent wraps err as permanent with a reason code.
func Permanent(reason string, err error) error {
	return &PermanentError{Err: err, Reason: reason}
}

// IsPermanent reports whether err is a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// RetryAfterOf returns the wait a retryable error asks for, or 0.
func RetryAfterOf(err error) time.Duration {
	var r *RetryableError
	if errors.As(err, &r) {
		return r.RetryAfter
	}
	var b *BackpressureError
	if errors.As(err, &b) {
		return b.RetryAfter
	}
	return 0
}

// ErrNotSent marks a failure that certainly happened before the target
// received anything (a refused connection, a failed DNS lookup): sinks wrap
// it into their RetryableError, so errors.Is(err, ErrNotSent) tells the
// engine that retrying cannot create a duplicate, even for a sink without
// idempotency, and that no in-doubt check is needed.
var ErrNotSent = errors.New("request not sent")
