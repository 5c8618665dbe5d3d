package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

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
	seqKey := counterPrefix + sequence
	keyKey := seqKey + counterKeyInfix + key
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

// Counter is one sequence as ListCounters reports it.
type Counter struct {
	// Sequence is its name: the x12 sink's are
	// x12/<our qualifier>:<our id>/<their qualifier>:<their id>/isa, /gs and /st.
	Sequence string `json:"sequence"`
	// Last is the last number handed out; the next one is Last+1 (or 1
	// after the sequence's maximum).
	Last uint64 `json:"last"`
	// Keys is how many delivery keys the sequence has assigned a number.
	Keys int `json:"keys"`
}

// ListCounters returns every sequence in the store, sorted by name.
func ListCounters(ctx context.Context, keys store.KeyStore) ([]Counter, error) {
	byName := map[string]*Counter{}
	get := func(name string) *Counter {
		c := byName[name]
		if c == nil {
			c = &Counter{Sequence: name}
			byName[name] = c
		}
		return c
	}
	var bad error
	err := keys.Scan(ctx, counterPrefix, func(e store.Entry) bool {
		rest := strings.TrimPrefix(e.Key, counterPrefix)
		if i := strings.Index(rest, counterKeyInfix); i >= 0 {
			get(rest[:i]).Keys++
			return true
		}
		n, err := strconv.ParseUint(string(e.Value), 10, 64)
		if err != nil {
			bad = fmt.Errorf("counter %s holds %q: %w", rest, e.Value, err)
			return false
		}
		get(rest).Last = n
		return true
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, err
	}
	out := make([]Counter, 0, len(byName))
	for _, c := range byName {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Sequence < out[j].Sequence })
	return out, nil
}

const (
	counterPrefix   = "counter/"
	counterKeyInfix = "/key/"
	// x12Max is the largest ISA13, GS06 and ST02 (nine digits): the x12
	// sink wraps to 1 after it.
	x12Max = 999999999
)

// Errors of AdvanceCounter.
var (
	// ErrCounterBackwards refuses to move a sequence back or to where it
	// is: numbers already handed out would be handed out again.
	ErrCounterBackwards = errors.New("a sequence only moves forward")
	// ErrCounterInvalid is a sequence name or number that cannot be one.
	ErrCounterInvalid = errors.New("invalid sequence")
	// ErrNeedWhyCounter is returned when a change does not say who or why.
	ErrNeedWhyCounter = errors.New("say who and why (--reason): every change of a sequence is audited")
)

// CounterChange moves a sequence forward: the last number handed out
// becomes To, so the next one is To+1.
type CounterChange struct {
	Sequence string `json:"sequence"`
	To       uint64 `json:"number"`
	Who      string `json:"who"`
	Why      string `json:"why"`
}

// CounterChanged is what AdvanceCounter did.
type CounterChanged struct {
	Sequence string `json:"sequence"`
	Old      uint64 `json:"old"`
	New      uint64 `json:"new"`
	// Created is true when the sequence had never handed out a number.
	Created bool `json:"created"`
}

// CheckSequenceName refuses a name that cannot be a sequence: empty, with
// an empty part, with a part named key (which separates a sequence from the keys
// it assigned), or starting with x12/ without the x12 sink's shape
// x12/<qualifier>:<id>/<qualifier>:<id>/{isa,gs,st}. Any other name is a
// sequence that may not exist yet.
func CheckSequenceName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
		return fmt.Errorf("%w name %q: empty, or with an empty part between slashes", ErrCounterInvalid, name)
	}
	if slices.Contains(strings.Split(name, "/"), "key") {
		return fmt.Errorf("%w name %q: a part named key separates a sequence from the keys it assigned", ErrCounterInvalid, name)
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f {
			return fmt.Errorf("%w name %q: it holds a control character", ErrCounterInvalid, name)
		}
	}
	if rest, ok := strings.CutPrefix(name, "x12/"); ok {
		parts := strings.Split(rest, "/")
		if len(parts) != 3 || !x12Party(parts[0]) || !x12Party(parts[1]) || (parts[2] != "isa" && parts[2] != "gs" && parts[2] != "st") {
			return fmt.Errorf("%w name %q: the x12 sink's sequences are x12/<our qualifier>:<our id>/<their qualifier>:<their id>/isa, /gs or /st (see transload counters ls)", ErrCounterInvalid, name)
		}
	}
	return nil
}

// x12Party is <qualifier>:<id> with both parts.
func x12Party(s string) bool {
	q, id, ok := strings.Cut(s, ":")
	return ok && q != "" && id != ""
}

// AdvanceCounter moves a sequence forward to ch.To with a compare-and-set
// on its revision (an assignment that takes a number meanwhile makes it
// read the sequence again), then writes an audit record of who, when, why
// and the old and new numbers. It refuses to move a sequence back or to
// its current number (ErrCounterBackwards): the numbers after the target
// were handed out already and would be sent again. A sequence that does
// not exist yet is created at ch.To: a new partner's sequences exist only
// from their first use.
func AdvanceCounter(ctx context.Context, st store.Store, ch CounterChange, now time.Time) (CounterChanged, error) {
	if ch.Who == "" || ch.Why == "" {
		return CounterChanged{}, ErrNeedWhyCounter
	}
	if err := CheckSequenceName(ch.Sequence); err != nil {
		return CounterChanged{}, err
	}
	if ch.To == 0 {
		return CounterChanged{}, fmt.Errorf("%w number 0: a sequence's numbers start at 1", ErrCounterInvalid)
	}
	if strings.HasPrefix(ch.Sequence, "x12/") && ch.To > x12Max {
		return CounterChanged{}, fmt.Errorf("%w number %d: X12 control numbers have at most nine digits (%d)", ErrCounterInvalid, ch.To, x12Max)
	}
	seqKey := counterPrefix + ch.Sequence
	for {
		var last, rev uint64
		e, err := st.Keys().Get(ctx, seqKey)
		switch {
		case err == nil:
			if last, err = strconv.ParseUint(string(e.Value), 10, 64); err != nil {
				return CounterChanged{}, fmt.Errorf("counter %s holds %q: %w", ch.Sequence, e.Value, err)
			}
			rev = e.Revision
		case !errors.Is(err, store.ErrNotFound):
			return CounterChanged{}, err
		}
		switch {
		case ch.To == last:
			return CounterChanged{}, fmt.Errorf("%w: %s is at %d already (the next number handed out is %d); to skip numbers, give one above %d", ErrCounterBackwards, ch.Sequence, last, last+1, last)
		case ch.To < last:
			return CounterChanged{}, fmt.Errorf("%w: %s is at %d, and moving it back to %d would hand out %d to %d again, numbers already sent (partners reject or drop a reused control number); give a number above %d", ErrCounterBackwards, ch.Sequence, last, ch.To, ch.To+1, last, last)
		}
		res, err := st.Keys().Apply(ctx, store.Op{Kind: store.OpCAS, Key: seqKey, Rev: rev, Value: []byte(strconv.FormatUint(ch.To, 10))})
		if err != nil {
			return CounterChanged{}, err
		}
		if res[0].Err != nil {
			continue // a number was handed out meanwhile: check again
		}
		done := CounterChanged{Sequence: ch.Sequence, Old: last, New: ch.To, Created: rev == 0}
		if err := st.Audit().Append(ctx, store.AuditRecord{
			At: now, Who: ch.Who, Action: "counter", Target: ch.Sequence, Why: ch.Why,
			Details: map[string]string{"old": strconv.FormatUint(last, 10), "new": strconv.FormatUint(ch.To, 10), "created": strconv.FormatBool(rev == 0)},
		}); err != nil {
			return done, fmt.Errorf("%s moved from %d to %d, but its audit record was not written: %w", ch.Sequence, last, ch.To, err)
		}
		return done, nil
	}
}

// ListCounters lists the engine's sequences.
func (e *Engine) ListCounters(ctx context.Context) ([]Counter, error) {
	return ListCounters(ctx, e.opts.Store.Keys())
}

// AdvanceCounter moves one of the engine's sequences forward.
func (e *Engine) AdvanceCounter(ctx context.Context, ch CounterChange) (CounterChanged, error) {
	return AdvanceCounter(ctx, e.opts.Store, ch, e.now())
}
