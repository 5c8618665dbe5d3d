package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/engine/store"
)

// The delivery ledger makes every delivery happen once per (business key,
// sink), through crashes, retries and replays. Each delivery is
//
//	record intent  →  call the sink  →  record the result
//
// and a crash between the call and the result leaves an intent behind. The
// next attempt finds it and lets the sink's idempotency strategy decide:
// with an idempotency key (a header, an external-ID upsert, a file name)
// calling again is safe; with a finder the engine asks the target first
// (read-before-create); with neither, the delivery is dead-lettered as
// IN_DOUBT for a person to check, because guessing could create a second
// sales order.

// ledgerRecord is the ledger's entry for one (sink, key).
type ledgerRecord struct {
	State string `json:"state"` // "intent" or "done"
	Hash  string `json:"hash"`
	Ref   string `json:"ref,omitempty"`
	// Replacing marks the intent of an update, with the ref of the
	// document it changes: a retry after an interrupted call sends the
	// update again, not a create.
	Replacing bool      `json:"replacing,omitempty"`
	PrevRef   string    `json:"prev_ref,omitempty"`
	Message   string    `json:"message"`
	Owner     string    `json:"owner"`
	At        time.Time `json:"at"`
}

// intentLease is how long an intent written by another instance is taken
// to be a delivery in progress rather than a crash leftover.
const intentLease = 5 * time.Minute

// errInProgress says another worker is delivering the same key now.
var errInProgress = errors.New("a delivery of this key is in progress")

func ledgerKey(sink, key string) string { return "ledger/" + sink + "/" + key }

// bodyHash is the hash of a delivery's canonical JSON, which the sink
// reuses for what it sends.
func bodyHash(d *connector.Delivery) string {
	b, err := d.JSON()
	if err != nil {
		return hashOf(d.Body)
	}
	return bytesHash(b)
}

// ledgerDeliver delivers d through h unless the ledger says it is done. It
// returns skipped when the document was delivered before.
func (x *deps) ledgerDeliver(ctx context.Context, h *sinkHandle, d *connector.Delivery) (*connector.Response, bool, error) {
	lk := ledgerKey(h.name, d.Key)
	hash := bodyHash(d)
	if !x.dry {
		// One delivery of a key at a time in this process, claimed before
		// the ledger is read: a sibling message delivering the same
		// document (a webhook sent twice) finishes first, and what is read
		// next is its result, never its intent mistaken for a crash.
		for !x.inflight.add(lk) {
			if !x.inflight.wait(ctx, lk, 30*time.Second) {
				return nil, false, &errRetry{err: errInProgress, after: time.Second, policy: h.policy}
			}
		}
		defer x.inflight.remove(lk)
	}
	if !x.dry {
		// Most keys are new: create the intent at once, and read the
		// ledger only when the key has an entry.
		intentRev, created, err := x.recordIntent(ctx, lk, 0, hash, d)
		if err != nil {
			return nil, false, err
		}
		if created {
			return x.deliverRecorded(ctx, h, d, lk, hash, intentRev)
		}
	}
	var rev uint64
	e, err := x.keys.Get(ctx, lk)
	switch {
	case err == nil:
		var rec ledgerRecord
		if err := json.Unmarshal(e.Value, &rec); err != nil {
			return nil, false, fmt.Errorf("corrupt ledger entry %s: %w", lk, err)
		}
		rev = e.Revision
		switch rec.State {
		case "done":
			if rec.Hash == hash || !d.Update {
				return &connector.Response{Ref: rec.Ref}, true, nil
			}
			// A changed document the flow routes as an update.
			d.Replacing, d.PreviousRef = true, rec.Ref
		case "intent":
			if rec.Owner != x.owner && !x.exclusive && x.now().Sub(rec.At) < intentLease {
				return nil, false, &errRetry{err: errInProgress, after: time.Second, policy: h.policy}
			}
			if rec.Replacing {
				d.Replacing, d.PreviousRef = true, rec.PrevRef
			}
			if nd, _ := ctx.Value(notDeliveredKey{}).(string); nd == h.name+"/"+d.Key {
				// The replay of the IN_DOUBT dead letter about this very
				// delivery: the operator checked that the target does not
				// have the document. Deliver it.
				break
			}
			resp, found, err := x.recover(ctx, h, d, rec)
			if err != nil {
				return nil, false, err
			}
			if found {
				if !x.dry {
					if err := x.recordDone(ctx, lk, rev, rec.Message, hash, resp); err != nil {
						return nil, false, err
					}
				}
				return resp, false, nil
			}
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, false, &errRetry{err: fmt.Errorf("reading the ledger: %w", err), policy: dsl.DefaultPolicy}
	}
	if x.dry {
		resp, err := h.deliver(ctx, d, true)
		if err != nil && !connector.IsPermanent(err) {
			// As a live delivery would: a 503 or a timeout is a retry of
			// the message, not a failure of the document.
			err = &errRetry{err: fmt.Errorf("sink %s: %w", h.name, err), after: connector.RetryAfterOf(err), policy: h.policy}
		}
		return resp, false, err
	}
	intentRev, recorded, err := x.recordIntent(ctx, lk, rev, hash, d)
	if err != nil {
		return nil, false, err
	}
	if !recorded {
		// Someone else wrote the entry since we read it.
		return nil, false, &errRetry{err: errInProgress, after: time.Second, policy: h.policy}
	}
	return x.deliverRecorded(ctx, h, d, lk, hash, intentRev)
}

// recordIntent writes the intent to deliver d if the ledger entry lk is
// still at revision rev (0: has none); recorded is false when it is not.
func (x *deps) recordIntent(ctx context.Context, lk string, rev uint64, hash string, d *connector.Delivery) (intentRev uint64, recorded bool, err error) {
	intent, _ := json.Marshal(ledgerRecord{State: "intent", Hash: hash, Message: msgOf(ctx), Owner: x.owner, At: x.now(), Replacing: d.Replacing, PrevRef: d.PreviousRef})
	res, err := x.keys.Apply(ctx, store.Op{Kind: store.OpCAS, Key: lk, Rev: rev, Value: intent})
	if err != nil {
		return 0, false, &errRetry{err: fmt.Errorf("recording intent: %w", err), policy: dsl.DefaultPolicy}
	}
	if res[0].Err != nil {
		return 0, false, nil
	}
	return res[0].Rev, true, nil
}

// deliverRecorded delivers d, whose intent is recorded at intentRev, and
// records the result.
func (x *deps) deliverRecorded(ctx context.Context, h *sinkHandle, d *connector.Delivery, lk, hash string, intentRev uint64) (*connector.Response, bool, error) {
	resp, err := h.deliver(ctx, d, false)
	if err != nil {
		var nse interface{ NotSent() bool }
		if connector.IsPermanent(err) || errors.As(err, &nse) && nse.NotSent() {
			// Nothing was created: forget the intent so a replay starts clean.
			_, _ = x.keys.Apply(ctx, store.Op{Kind: store.OpDelete, Key: lk, Rev: intentRev})
		}
		if connector.IsPermanent(err) {
			return nil, false, err
		}
		return nil, false, &errRetry{err: fmt.Errorf("sink %s: %w", h.name, err), after: connector.RetryAfterOf(err), policy: h.policy}
	}
	if resp != nil && resp.Ref == "" && d.Replacing {
		// An update's answer that names nothing: the document is still
		// the one the earlier delivery made.
		resp.Ref = d.PreviousRef
	}
	if err := x.recordDone(ctx, lk, intentRev, msgOf(ctx), hash, resp); err != nil {
		return nil, false, err
	}
	return resp, false, nil
}

// recover decides what to do about an intent left by an interrupted
// delivery: found reports the document exists already.
func (x *deps) recover(ctx context.Context, h *sinkHandle, d *connector.Delivery, rec ledgerRecord) (*connector.Response, bool, error) {
	switch h.idempotency {
	case connector.IdempotencyKey:
		return nil, false, nil // calling again with the same key is safe
	case connector.IdempotencyFind:
		f, ok := h.sink.(connector.Finder)
		if !ok {
			break
		}
		found, resp, err := f.Find(ctx, d)
		if err != nil {
			return nil, false, &errRetry{err: fmt.Errorf("sink %s: looking for key %s: %w", h.name, d.Key, err), after: connector.RetryAfterOf(err), policy: h.policy}
		}
		if resp == nil {
			resp = &connector.Response{}
		}
		return resp, found, nil
	}
	return nil, false, &inDoubtError{sink: h.name, key: d.Key, msg: fmt.Sprintf("a delivery of key %q to sink %s was interrupted at %s after the call started (message %s), and the target cannot tell whether it arrived. Check %s for it, then replay this dead letter or discard it.", d.Key, h.name, rec.At.Format(time.RFC3339), rec.Message, h.name)}
}

func (x *deps) recordDone(ctx context.Context, lk string, rev uint64, msg, hash string, resp *connector.Response) error {
	rec := ledgerRecord{State: "done", Hash: hash, Message: msg, Owner: x.owner, At: x.now()}
	if resp != nil {
		rec.Ref = resp.Ref
	}
	val, _ := json.Marshal(rec)
	res, err := x.keys.Apply(ctx, store.Op{Kind: store.OpCAS, Key: lk, Rev: rev, Value: val})
	if err == nil && res[0].Err != nil {
		err = res[0].Err
	}
	if err != nil {
		// The document was delivered; failing to record it leaves the
		// intent, which the next attempt resolves with the idempotency
		// strategy. Retrying the message is the safe thing to do.
		return &errRetry{err: fmt.Errorf("recording delivery: %w", err), policy: dsl.DefaultPolicy}
	}
	return nil
}

type msgKey struct{}

// NotDeliveredHeader, on the replay of an IN_DOUBT dead letter, names the
// delivery ("<sink>/<key>") the operator found missing at the target: its
// interrupted intent is then delivered instead of doubted again.
const NotDeliveredHeader = "x-transload-not-delivered"

type notDeliveredKey struct{}

// withMessage carries the message id to the ledger records.
func withMessage(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, msgKey{}, id)
}

func msgOf(ctx context.Context) string {
	s, _ := ctx.Value(msgKey{}).(string)
	return s
}

// keyset is a set of keys being worked on by this process.
type keyset struct {
	mu   sync.Mutex
	keys map[string]bool
}

func newKeyset() *keyset { return &keyset{keys: map[string]bool{}} }

func (k *keyset) add(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys[key] {
		return false
	}
	k.keys[key] = true
	return true
}

func (k *keyset) remove(key string) {
	k.mu.Lock()
	delete(k.keys, key)
	k.mu.Unlock()
}

// wait waits until key is no longer being worked on, at most d; it reports
// whether it was released.
func (k *keyset) wait(ctx context.Context, key string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for k.has(key) {
		if time.Now().After(deadline) || !sleepCtx(ctx, 2*time.Millisecond) {
			return false
		}
	}
	return true
}

func (k *keyset) has(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keys[key]
}
