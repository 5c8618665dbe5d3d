package connectors

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/transload/transload/engine/connector"
)

// submitRetry stores msgs through ingress and never drops them: on a
// *connector.BackpressureError it waits the RetryAfter the inbox asked for,
// on any other failure it backs off exponentially (100ms doubling to 30s),
// and it tries the same batch again. It returns an error only when stop
// ends (the source is closing) or submitCtx is cancelled (Close gave up
// waiting). Submit is called with submitCtx, so closing between attempts
// never interrupts a write that is already under way.
func submitRetry(stop, submitCtx context.Context, ingress connector.Ingress, log *slog.Logger, msgs []connector.Message) error {
	backoff := 100 * time.Millisecond
	for {
		err := ingress.Submit(submitCtx, msgs...)
		if err == nil {
			return nil
		}
		if submitCtx.Err() != nil {
			return err
		}
		var wait time.Duration
		var bp *connector.BackpressureError
		if errors.As(err, &bp) {
			wait = max(bp.RetryAfter, 10*time.Millisecond)
			log.Debug("inbox full; waiting", "origin", msgs[0].Origin, "retry_in", wait)
		} else {
			wait = backoff
			backoff = min(backoff*2, 30*time.Second)
			log.Warn("submitting messages failed; retrying", "origin", msgs[0].Origin, "retry_in", wait, "error", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-stop.Done():
			t.Stop()
			return stop.Err()
		case <-t.C:
		}
	}
}
