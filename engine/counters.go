package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
)

// counters implements connector.Counters on the key store:
//
//	counter/<sequence>            the last number handed out
//	counter/<sequence>/key/<key>  the number assigned to key
//
// A number is taken by a compare-and-set on the sequence, then recorded
// for its key by a create. A crash between the two loses that number (a
// gap); it can never be handed out twice, because the sequence only
// moves forward.
type counters struct{ keys store.KeyStore }

var _ connector.Counters = counters{}

func (c counters) Assign(ctx context.Context, sequence, key string, max uint64) (uint64, error) {
	seqKey := "counter/" + sequence
	keyKey := seqKey + "/key/" + key
	if n, ok, err := c.assigned(ctx, keyKey); err != nil || ok {
		return n, err
	}
	for {
		var last, rev uint64
		e, err := c.keys.Get(ctx, seqKey)
		switch {
		case err == nil:
			if last, err = strconv.ParseUint(string(e.Value), 10, 64); err != nil {
				return 0, fmt.Errorf("counter %s holds %q: %w", sequence, e.Value, err)
			}
			rev = e.Revision
		case !errors.Is(err, store.ErrNotFound):
			return 0, err
		}
		next := last + 1
		if max > 0 && next > max {
			next = 1
		}
		res, err := c.keys.Apply(ctx, store.Op{Kind: store.OpCAS, Key: seqKey, Rev: rev, Value: []byte(strconv.FormatUint(next, 10))})
		if err != nil {
			return 0, err
		}
		if res[0].Err != nil {
			continue // another assignment moved the sequence: take the next
		}
		res, err = c.keys.Apply(ctx, store.Op{Kind: store.OpCAS, Key: keyKey, Value: []byte(strconv.FormatUint(next, 10))})
		if err != nil {
			return 0, err
		}
		if res[0].Err != nil {
			// The same key was assigned concurrently: its number wins and
			// ours is a gap.
			n, _, err := c.assigned(ctx, keyKey)
			return n, err
		}
		return next, nil
	}
}

func (c counters) assigned(ctx context.Context, keyKey string) (uint64, bool, error) {
	e, err := c.keys.Get(ctx, keyKey)
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	n, err := strconv.ParseUint(string(e.Value), 10, 64)
	return n, err == nil, err
}
