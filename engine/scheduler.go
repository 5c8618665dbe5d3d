package engine

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/transload/transload/dsl"
)

// The scheduler hands the engine's worker slots to flows. Under a backlog
// it serves flows by smooth weighted round-robin on their priority
// (critical 8, normal 3, bulk 1): critical flows get most of the slots, and
// every flow with work gets some, so none starves. Each flow also has its
// own cap (its concurrency).
type scheduler struct {
	e       *Engine
	workers int
	slots   chan struct{}

	mu    sync.Mutex
	flows map[string]*flowSched
	wake  chan struct{}

	stopOnce sync.Once
	stopCh   chan struct{}
	loopDone chan struct{}
	running  sync.WaitGroup
	// jobs hands messages to idle workers; pool counts the workers.
	jobs      chan func()
	pool      sync.WaitGroup
	closeJobs sync.Once
	procCtx   context.Context
	cancel    context.CancelFunc
}

type flowSched struct {
	name     string
	weight   int
	current  int
	cap      int
	inflight int
	ready    bool
	wakeAt   time.Time
}

// claimBatch is how many messages one claim takes at most.
const claimBatch = 64

// claimStep is how many free slots a claim waits for in a pool of n (the
// engine's workers, or a flow's concurrency) while messages run: an
// eighth, at least one and at most 16.
func claimStep(n int) int { return max(1, min(16, n/8)) }

var priorityWeight = map[dsl.Priority]int{dsl.PriorityCritical: 8, dsl.PriorityNormal: 3, dsl.PriorityBulk: 1}

func newScheduler(e *Engine, workers int) *scheduler {
	ctx, cancel := context.WithCancel(context.Background())
	return &scheduler{
		e: e, workers: workers, slots: make(chan struct{}, workers),
		flows: map[string]*flowSched{}, wake: make(chan struct{}, 1),
		stopCh: make(chan struct{}), loopDone: make(chan struct{}),
		jobs:    make(chan func()),
		procCtx: ctx, cancel: cancel,
	}
}

func (s *scheduler) start() {
	if s.e.opts.AcceptOnly {
		close(s.loopDone) // no loop: nothing is claimed
		return
	}
	if flows, err := s.e.opts.Store.Inbox().Flows(context.Background()); err == nil {
		// Messages left from before a restart, for flows the current
		// version may or may not still have.
		for _, f := range flows {
			s.notify(f)
		}
	}
	go s.loop()
}

// versionChanged updates weights and caps, and wakes flows with work.
func (s *scheduler) versionChanged(v *Version) {
	s.mu.Lock()
	for name, fl := range v.Config.Flows {
		fs := s.flow(name)
		fs.weight = priorityWeight[fl.Priority]
		fs.cap = max(1, fl.Concurrency)
		fs.ready = true
	}
	s.mu.Unlock()
	s.kick()
}

// flow returns the scheduling state of a flow; s.mu is held.
func (s *scheduler) flow(name string) *flowSched {
	fs, ok := s.flows[name]
	if !ok {
		fs = &flowSched{name: name, weight: priorityWeight[dsl.PriorityNormal], cap: 64}
		s.flows[name] = fs
	}
	return fs
}

// notify says a flow has new messages.
func (s *scheduler) notify(flow string) {
	s.mu.Lock()
	s.flow(flow).ready = true
	s.mu.Unlock()
	s.kick()
}

// wakeAt says a flow has a message that becomes ready at t.
func (s *scheduler) wakeAt(flow string, t time.Time) {
	s.mu.Lock()
	fs := s.flow(flow)
	if fs.wakeAt.IsZero() || t.Before(fs.wakeAt) {
		fs.wakeAt = t
	}
	s.mu.Unlock()
	s.kick()
}

func (s *scheduler) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// pick chooses the next flow to serve (smooth weighted round-robin among
// flows with work and room for a claim); s.mu is held. A flow has room
// when it can take want more messages, or its claimStep: a busy flow
// waits until a few of its messages finish to claim them at once.
func (s *scheduler) pick(now time.Time, want int) (*flowSched, time.Time) {
	var best *flowSched
	total := 0
	var next time.Time
	names := make([]string, 0, len(s.flows))
	for n := range s.flows {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fs := s.flows[n]
		if !fs.wakeAt.IsZero() {
			if !now.Before(fs.wakeAt) {
				fs.ready, fs.wakeAt = true, time.Time{}
			} else if next.IsZero() || fs.wakeAt.Before(next) {
				next = fs.wakeAt
			}
		}
		if !fs.ready || fs.cap-fs.inflight < min(want, claimStep(fs.cap)) {
			continue
		}
		fs.current += fs.weight
		total += fs.weight
		if best == nil || fs.current > best.current {
			best = fs
		}
	}
	if best != nil {
		best.current -= total
	}
	return best, next
}

func (s *scheduler) loop() {
	defer close(s.loopDone)
	inbox := s.e.opts.Store.Inbox()
	for {
		select {
		case <-s.stopCh:
			return
		default:
		}
		// Wait for free slots first: the backlog stays in the inbox, on
		// disk, not in memory. Under a backlog every finished message
		// frees one slot; claiming at once would claim messages one by
		// one, each its own read of the log and its own round here.
		// Waiting for a few of them (claimStep) makes a claim read a run
		// of neighbouring records at once, for a few slots idle meanwhile.
		got, ok := s.takeSlots(claimStep(s.workers))
		if !ok {
			return
		}
		s.mu.Lock()
		fs, next := s.pick(s.e.now(), got)
		var n int
		if fs != nil {
			n = min(got, fs.cap-fs.inflight)
		}
		s.mu.Unlock()
		if fs == nil {
			s.freeSlots(got)
			wait := time.Second
			if !next.IsZero() {
				wait = min(wait, max(time.Millisecond, next.Sub(s.e.now())))
			}
			t := time.NewTimer(wait)
			select {
			case <-s.wake:
			case <-t.C:
				// A periodic look: messages whose retry time came while
				// nothing woke us, and flows a crash left behind.
				s.refresh()
			case <-s.stopCh:
				t.Stop()
				return
			}
			t.Stop()
			continue
		}
		envs, err := inbox.Claim(s.procCtx, fs.name, max(1, n))
		s.freeSlots(got - len(envs))
		if err != nil || len(envs) == 0 {
			s.mu.Lock()
			fs.ready = false
			s.mu.Unlock()
			if err == nil {
				if st, err := inbox.Stats(s.procCtx, fs.name); err == nil && !st.NextReady.IsZero() {
					s.wakeAt(fs.name, st.NextReady)
				}
			} else {
				s.e.log.Error("claim failed", "flow", fs.name, "err", err)
			}
			continue
		}
		s.mu.Lock()
		fs.inflight += len(envs)
		s.mu.Unlock()
		for _, env := range envs {
			s.running.Add(1)
			s.dispatch(func() {
				defer s.running.Done()
				defer func() {
					<-s.slots
					s.mu.Lock()
					fs.inflight--
					s.mu.Unlock()
					s.kick()
				}()
				s.e.process(s.procCtx, env)
			})
		}
	}
}

// takeSlots waits for want free worker slots and then takes what else is
// free, up to claimBatch; ok is false when the scheduler stops first.
func (s *scheduler) takeSlots(want int) (got int, ok bool) {
	for got < want {
		select {
		case s.slots <- struct{}{}:
			got++
		case <-s.stopCh:
			s.freeSlots(got)
			return 0, false
		}
	}
	for got < claimBatch {
		select {
		case s.slots <- struct{}{}:
			got++
		default:
			return got, true
		}
	}
	return got, true
}

// freeSlots gives back n slots taken and not used.
func (s *scheduler) freeSlots(n int) {
	for range n {
		<-s.slots
	}
}

// dispatch runs job on an idle worker goroutine, or on a new one when all
// are busy (never more than the slots, which bound the jobs running).
// Workers live until the scheduler stops: a message's run needs tens of
// kilobytes of stack, which a new goroutine would grow, copying it, every
// time.
func (s *scheduler) dispatch(job func()) {
	select {
	case s.jobs <- job:
	default:
		s.pool.Add(1)
		go s.worker(job)
	}
}

func (s *scheduler) worker(job func()) {
	defer s.pool.Done()
	for {
		job()
		var ok bool
		if job, ok = <-s.jobs; !ok {
			return
		}
	}
}

// refresh marks every flow ready, so the next picks look at their inboxes.
func (s *scheduler) refresh() {
	s.mu.Lock()
	for _, fs := range s.flows {
		fs.ready = true
	}
	s.mu.Unlock()
}

// stop stops claiming and waits for running messages; when ctx ends first
// their context is cancelled, which makes them give their messages back.
func (s *scheduler) stop(ctx context.Context) {
	s.stopOnce.Do(func() { close(s.stopCh) })
	<-s.loopDone
	done := make(chan struct{})
	go func() {
		s.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.cancel()
		<-done
	}
	s.cancel()
	// Nothing runs and the loop is gone: the idle workers can go.
	s.closeJobs.Do(func() { close(s.jobs) })
	s.pool.Wait()
}

// waitIdle waits until no flow has a ready or claimed message and nothing
// runs. Messages waiting for a later retry do not count: they stay in the
// inbox for the next start.
func (s *scheduler) waitIdle(ctx context.Context) error {
	inbox := s.e.opts.Store.Inbox()
	quiet := 0
	for {
		busy := false
		s.mu.Lock()
		for _, fs := range s.flows {
			if fs.inflight > 0 {
				busy = true
			}
		}
		names := make([]string, 0, len(s.flows))
		for n := range s.flows {
			names = append(names, n)
		}
		s.mu.Unlock()
		if !busy {
			for _, n := range names {
				st, err := inbox.Stats(ctx, n)
				if err != nil {
					return err
				}
				// A retry due within a few seconds (a sibling's delivery in
				// progress, a short backoff) is waited for; later ones stay
				// in the inbox for the next start.
				soon := !st.NextReady.IsZero() && st.NextReady.Sub(s.e.now()) < 5*time.Second
				if st.Ready > 0 || st.Claimed > 0 || soon {
					busy = true
					break
				}
			}
		}
		if busy {
			quiet = 0
		} else if quiet++; quiet >= 3 {
			return nil
		}
		if !sleepCtx(ctx, 20*time.Millisecond) {
			return ctx.Err()
		}
	}
}
