package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/store"
)

// Aggregation gathers items of many messages into batches in the key store,
// so that a batch survives restarts. A batch closes when it holds
// max_items, or when max_wait has passed since its first item; it then
// continues through the steps after the aggregate step as a message of its
// own (header ResumeHeader names the step).
//
// Closing is two writes around an enqueue: the record moves the items to
// "pending" and opens the next generation, the batch message is enqueued,
// and "pending" is cleared. A crash between them leaves the pending batch
// to the next flush, which enqueues it again under the same message id and
// the same business key (key#generation), so downstream dedupe and the
// ledger make a second copy harmless.
//
// An item is added once: a message run again (a retry, a crash) finds its
// items in the batch while it is open or pending, and afterwards by the
// member marks, which the closing writes for every member before it
// clears the pending items.

// ResumeHeader marks a batch message: its value is the aggregate step the
// message continues after.
const ResumeHeader = "x-transload-resume"

type batchItem struct {
	Member string          `json:"member"`
	Item   json.RawMessage `json:"item"`
}

type batchRecord struct {
	Flow     string      `json:"flow"`
	Step     string      `json:"step"`
	Key      string      `json:"key"`
	Gen      int         `json:"gen"`
	OpenedAt time.Time   `json:"opened_at"`
	Items    []batchItem `json:"items"`
	// Pending is a closed batch not yet confirmed enqueued.
	Pending    []batchItem `json:"pending,omitempty"`
	PendingGen int         `json:"pending_gen,omitempty"`
	MaxWait    int64       `json:"max_wait_ns"`
}

func batchKey(flow, step, key string) string { return "batch/" + flow + "/" + step + "/" + key }

// memberKey marks an item (a message's document) as added to a batch of
// the step, whichever generation took it.
func memberKey(flow, step, member string) string {
	return "aggmember/" + flow + "/" + step + "/" + member
}

// memberTTL is how long the marks are kept: longer than any message is
// retried.
const memberTTL = 30 * 24 * time.Hour

func (x *deps) addToBatch(ctx context.Context, rt *flowRuntime, step *dsl.Step, key string, item any, env *store.Envelope, member string) error {
	raw, err := builtin.AppendJSON(nil, item)
	if err != nil {
		return err
	}
	k := batchKey(rt.flow.Name, step.Name, key)
	// A retried message finds the items it added already: in the batch
	// while it is open or pending, and by this mark once the batch has
	// gone on (a sibling part failed after the batch closed).
	mk := memberKey(rt.flow.Name, step.Name, member)
	if _, err := x.keys.Get(ctx, mk); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return &errRetry{err: err, policy: dsl.DefaultPolicy}
	}
	for try := 0; try < 20; try++ {
		rec, rev, err := x.readBatch(ctx, k)
		if err != nil {
			return err
		}
		if rec == nil {
			rec = &batchRecord{Flow: rt.flow.Name, Step: step.Name, Key: key, Gen: 1, OpenedAt: x.now(), MaxWait: int64(step.Aggregate.MaxWait)}
		}
		if rec.has(member) {
			return nil // a retried message added its item already
		}
		if len(rec.Items) == 0 {
			rec.OpenedAt = x.now()
		}
		rec.Items = append(rec.Items, batchItem{Member: member, Item: raw})
		full := len(rec.Items) >= step.Aggregate.MaxItems && rec.Pending == nil
		if full {
			rec.close(x.now())
		}
		newRev, ok, err := x.writeBatch(ctx, k, rev, rec)
		if err != nil {
			return err
		}
		if !ok {
			continue // someone else changed the batch; read it again
		}
		// After the item is in: a crash before this mark is covered while
		// the batch holds the item, and by the marks the batch's closing
		// writes for all its members once it goes on.
		val, _ := json.Marshal(map[string]any{"batch": k, "gen": rec.Gen, "at": x.now()})
		if _, err := x.keys.Apply(ctx, store.Op{Kind: store.OpPut, Key: mk, Value: val, TTL: memberTTL}); err != nil {
			return &errRetry{err: err, policy: dsl.DefaultPolicy}
		}
		if full || rec.Pending != nil {
			return x.enqueuePending(ctx, rt.version, k, newRev, rec, env.CorrelationID)
		}
		return nil
	}
	return &errRetry{err: errors.New("batch is contended"), after: time.Second, policy: dsl.DefaultPolicy}
}

func (b *batchRecord) has(member string) bool {
	for _, list := range [][]batchItem{b.Items, b.Pending} {
		for _, it := range list {
			if it.Member == member {
				return true
			}
		}
	}
	return false
}

// close moves the open items to pending and opens the next generation.
func (b *batchRecord) close(now time.Time) {
	b.Pending, b.PendingGen = b.Items, b.Gen
	b.Items = nil
	b.Gen++
	b.OpenedAt = now
}

func (x *deps) readBatch(ctx context.Context, k string) (*batchRecord, uint64, error) {
	e, err := x.keys.Get(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, &errRetry{err: err, policy: dsl.DefaultPolicy}
	}
	var rec batchRecord
	if err := json.Unmarshal(e.Value, &rec); err != nil {
		return nil, 0, fmt.Errorf("corrupt batch %s: %w", k, err)
	}
	return &rec, e.Revision, nil
}

func (x *deps) writeBatch(ctx context.Context, k string, rev uint64, rec *batchRecord) (uint64, bool, error) {
	val, _ := json.Marshal(rec)
	res, err := x.keys.Apply(ctx, store.Op{Kind: store.OpCAS, Key: k, Rev: rev, Value: val})
	if err != nil {
		return 0, false, &errRetry{err: err, policy: dsl.DefaultPolicy}
	}
	if res[0].Err != nil {
		return 0, false, nil
	}
	return res[0].Rev, true, nil
}

// enqueuePending sends a closed batch on as a message, then clears it.
func (x *deps) enqueuePending(ctx context.Context, version, k string, rev uint64, rec *batchRecord, correlation string) error {
	items := make([]json.RawMessage, len(rec.Pending))
	for i, it := range rec.Pending {
		items[i] = it.Item
	}
	bkey := fmt.Sprintf("%s#%d", rec.Key, rec.PendingGen)
	body, _ := json.Marshal(map[string]any{"key": bkey, "items": items})
	sum := sha256.Sum256([]byte(k + "\x00" + fmt.Sprint(rec.PendingGen)))
	env := &store.Envelope{
		ID: "b_" + hex.EncodeToString(sum[:12]), Flow: rec.Flow, Version: version, Body: body,
		Headers: map[string]string{ResumeHeader: rec.Step}, CorrelationID: correlation,
		Origin: fmt.Sprintf("aggregate %s batch %s (%d items)", rec.Step, bkey, len(items)), Source: "aggregate", ReceivedAt: x.now(),
	}
	if err := x.enqueue(ctx, env); err != nil {
		return &errRetry{err: fmt.Errorf("enqueueing batch: %w", err), policy: dsl.DefaultPolicy}
	}
	// Mark every member before the items leave the record: an item whose
	// adder died before writing its own mark is then found by the mark
	// when that message runs again, instead of joining the next batch.
	marks := make([]store.Op, len(rec.Pending))
	for i, it := range rec.Pending {
		val, _ := json.Marshal(map[string]any{"batch": k, "gen": rec.PendingGen, "at": x.now()})
		marks[i] = store.Op{Kind: store.OpPut, Key: memberKey(rec.Flow, rec.Step, it.Member), Value: val, TTL: memberTTL}
	}
	if _, err := x.keys.Apply(ctx, marks...); err != nil {
		return &errRetry{err: fmt.Errorf("marking the members of batch %s: %w", bkey, err), policy: dsl.DefaultPolicy}
	}
	for try := 0; try < 20; try++ {
		rec.Pending, rec.PendingGen = nil, 0
		if _, ok, err := x.writeBatch(ctx, k, rev, rec); err != nil || ok {
			return err
		}
		cur, curRev, err := x.readBatch(ctx, k)
		if err != nil || cur == nil {
			return err
		}
		rec, rev = cur, curRev
	}
	return nil
}

// flushDue closes every batch whose max_wait has passed; the engine calls
// it periodically.
func (x *deps) flushDue(ctx context.Context, version string) error {
	var due []string
	err := x.keys.Scan(ctx, "batch/", func(e store.Entry) bool {
		var rec batchRecord
		if json.Unmarshal(e.Value, &rec) != nil {
			return true
		}
		if rec.Pending != nil || len(rec.Items) > 0 && x.now().Sub(rec.OpenedAt) >= time.Duration(rec.MaxWait) {
			due = append(due, e.Key)
		}
		return true
	})
	if err != nil {
		return err
	}
	for _, k := range due {
		rec, rev, err := x.readBatch(ctx, k)
		if err != nil || rec == nil {
			continue
		}
		if rec.Pending == nil {
			if len(rec.Items) == 0 || x.now().Sub(rec.OpenedAt) < time.Duration(rec.MaxWait) {
				continue
			}
			rec.close(x.now())
			newRev, ok, err := x.writeBatch(ctx, k, rev, rec)
			if err != nil || !ok {
				continue
			}
			rev = newRev
		}
		if err := x.enqueuePending(ctx, version, k, rev, rec, ""); err != nil {
			return err
		}
	}
	return nil
}
