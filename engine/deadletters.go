package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/transload/transload/engine/store"
)

// ErrNeedWhy is returned when a replay or discard does not say why.
var ErrNeedWhy = errors.New("say why (--reason): every replay and discard is audited")

func replay(ctx context.Context, st store.Store, id string, o ReplayOptions, now time.Time, newID func() string, notify func(string)) (*store.Envelope, error) {
	if o.Who == "" || o.Why == "" {
		return nil, ErrNeedWhy
	}
	dl, err := st.DeadLetters().Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("dead letter %s: %w", id, err)
	}
	orig := dl.Envelope
	env := &store.Envelope{
		ID: newID(), Flow: orig.Flow, Version: orig.Version, Body: orig.Body,
		Headers: map[string]string{}, CorrelationID: orig.CorrelationID, Origin: "replay of " + dl.ID,
		Source: "replay", ReceivedAt: now, Priority: orig.Priority,
	}
	for k, v := range orig.Headers {
		if k != PinHeader {
			env.Headers[k] = v
		}
	}
	env.Headers[ReplayOfHeader] = dl.ID
	delete(env.Headers, NotDeliveredHeader)
	if dl.Reason == "IN_DOUBT" && dl.Delivery != "" {
		// Replaying an IN_DOUBT dead letter says "it is not there": the
		// instruction the dead letter gave (check the target, then replay
		// or discard).
		env.Headers[NotDeliveredHeader] = dl.Delivery
	}
	version := "current"
	if o.Pinned {
		env.Headers[PinHeader] = dl.Version
		version = dl.Version
	}
	edited := "no"
	if o.Body != nil {
		env.Body, edited = o.Body, "yes"
	}
	if err := st.Inbox().Append(ctx, env); err != nil {
		return nil, err
	}
	if err := st.Audit().Append(ctx, store.AuditRecord{
		At: now, Who: o.Who, Action: "replay", Target: dl.ID, Why: o.Why,
		Details: map[string]string{"flow": env.Flow, "message": env.ID, "version": version, "reason": dl.Reason, "edited": edited},
	}); err != nil {
		return nil, err
	}
	if err := st.DeadLetters().Delete(ctx, dl.ID); err != nil {
		return nil, err
	}
	if notify != nil {
		notify(env.Flow)
	}
	return env, nil
}

// Discard removes a dead letter for good, with an audit record.
func Discard(ctx context.Context, st store.Store, id, who, why string, now time.Time) error {
	if who == "" || why == "" {
		return ErrNeedWhy
	}
	dl, err := st.DeadLetters().Get(ctx, id)
	if err != nil {
		return fmt.Errorf("dead letter %s: %w", id, err)
	}
	if err := st.Audit().Append(ctx, store.AuditRecord{
		At: now, Who: who, Action: "discard", Target: dl.ID, Why: why,
		Details: map[string]string{"flow": dl.Envelope.Flow, "message": dl.Envelope.ID, "reason": dl.Reason},
	}); err != nil {
		return err
	}
	return st.DeadLetters().Delete(ctx, dl.ID)
}

// Replay replays a dead letter directly on a store (when no engine runs on
// it): the next `transload run` processes the message.
func Replay(ctx context.Context, st store.Store, id string, o ReplayOptions) (*store.Envelope, error) {
	return replay(ctx, st, id, o, time.Now(), newMessageID, nil)
}
