package engine

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/transload/transload/engine/store"
)

// handler serves the engine's own endpoints and hands everything else to
// the current version's routes:
//
//	GET  /healthz                   the process is up
//	GET  /readyz                    flows loaded, accepting messages
//	GET  /metrics                   Prometheus metrics
//	GET  /-/status                  version, last reload and its diagnostics, inboxes, sinks
//	POST /-/reload                  load the flow files again now
//	GET  /-/dlq                     dead letters (?flow= &reason= &class= &limit=)
//	GET  /-/dlq/{id}                one dead letter
//	POST /-/dlq/{id}/replay         {"who","why","pinned","body"}
//	POST /-/dlq/{id}/discard        {"who","why"}
//	GET  /-/audit                   the audit log (?limit=)
//	GET  /-/counters                the control-number sequences
//	POST /-/counters                {"sequence","number","who","why"}: move one forward
//
// The /-/ endpoints that change data require the admin token when one is
// configured (Authorization: Bearer <token>).
func (e *Engine) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !e.ready.Load() {
			http.Error(w, "not ready\n", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(e.metrics.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /-/status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Status(r.Context()))
	})
	mux.HandleFunc("POST /-/reload", e.admin(func(w http.ResponseWriter, r *http.Request) {
		res, err := e.Reload(r.Context())
		status := http.StatusOK
		if err != nil {
			status = http.StatusUnprocessableEntity
		}
		writeJSON(w, status, res)
	}))
	mux.HandleFunc("GET /-/dlq", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		list, err := e.opts.Store.DeadLetters().List(r.Context(), store.DeadLetterFilter{Flow: q.Get("flow"), Reason: q.Get("reason"), Class: q.Get("class"), Limit: limit})
		if err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		if list == nil {
			list = []*store.DeadLetter{}
		}
		writeJSON(w, http.StatusOK, list)
	})
	mux.HandleFunc("GET /-/dlq/{id}", func(w http.ResponseWriter, r *http.Request) {
		dl, err := e.opts.Store.DeadLetters().Get(r.Context(), r.PathValue("id"))
		if err != nil {
			writeError(w, statusOf(err), err)
			return
		}
		writeJSON(w, http.StatusOK, dl)
	})
	mux.HandleFunc("POST /-/dlq/{id}/replay", e.admin(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Who    string `json:"who"`
			Why    string `json:"why"`
			Pinned bool   `json:"pinned"`
			Body   []byte `json:"body"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<20)).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		env, err := e.Replay(r.Context(), r.PathValue("id"), ReplayOptions{Who: req.Who, Why: req.Why, Pinned: req.Pinned, Body: req.Body})
		if err != nil {
			writeError(w, statusOf(err), err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"message_id": env.ID, "flow": env.Flow})
	}))
	mux.HandleFunc("POST /-/dlq/{id}/discard", e.admin(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Who, Why string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		if err := e.Discard(r.Context(), r.PathValue("id"), req.Who, req.Why); err != nil {
			writeError(w, statusOf(err), err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"discarded": r.PathValue("id")})
	}))
	// A consistent snapshot of the store while it runs: every inbox, key
	// and dead letter, so it is guarded like the endpoints that change data.
	mux.HandleFunc("GET /-/backup", e.admin(func(w http.ResponseWriter, r *http.Request) {
		b, ok := e.opts.Store.(store.Backuper)
		if !ok {
			writeError(w, http.StatusNotImplemented, errors.New("this store cannot write a backup"))
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="transload.backup"`)
		if err := b.Backup(r.Context(), w); err != nil {
			// The status is sent: cut the stream so the client sees a
			// truncated body, never a complete-looking broken backup.
			e.log.Error("backup failed", "err", err)
			panic(http.ErrAbortHandler)
		}
	}))
	mux.HandleFunc("GET /-/audit", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		recs, err := e.opts.Store.Audit().List(r.Context(), limit)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		if recs == nil {
			recs = []store.AuditRecord{}
		}
		writeJSON(w, http.StatusOK, recs)
	})
	mux.HandleFunc("GET /-/counters", func(w http.ResponseWriter, r *http.Request) {
		list, err := e.ListCounters(r.Context())
		if err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		writeJSON(w, http.StatusOK, list)
	})
	mux.HandleFunc("POST /-/counters", e.admin(func(w http.ResponseWriter, r *http.Request) {
		var req CounterChange
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		done, err := e.AdvanceCounter(r.Context(), req)
		if err != nil {
			writeError(w, statusOf(err), err)
			return
		}
		writeJSON(w, http.StatusOK, done)
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		v := e.Current()
		if v == nil || e.stopping.Load() {
			writeError(w, http.StatusServiceUnavailable, errors.New("not ready"))
			return
		}
		h, pattern := v.router.mux.Handler(r)
		if pattern == "" {
			unrouted(w, r, v.router.mux)
			return
		}
		h.ServeHTTP(w, r)
	})
	return mux
}

// unrouted answers a request no flow's route matches, as a webhook
// source answers (compact JSON with a reason): 405 with Allow when a flow
// listens on the path with another method (a GET to a POST webhook), 404
// otherwise.
func unrouted(w http.ResponseWriter, r *http.Request, mux *http.ServeMux) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := mux.Handler(probe); p != "" {
			allow = append(allow, m)
		}
	}
	status, body := http.StatusNotFound, map[string]string{"error": "no flow listens on " + r.Method + " " + r.URL.Path, "reason": "UNKNOWN_ROUTE"}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		status, body = http.StatusMethodNotAllowed, map[string]string{"error": r.URL.Path + " takes " + strings.Join(allow, " or ") + ", not " + r.Method, "reason": "METHOD_NOT_ALLOWED"}
	}
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// admin guards an endpoint that changes data with the admin token.
func (e *Engine) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if tok := e.opts.AdminToken; tok != "" {
			got := r.Header.Get("Authorization")
			if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+tok)) != 1 {
				writeError(w, http.StatusUnauthorized, errors.New("the admin API needs Authorization: Bearer <TRANSLOAD_ADMIN_TOKEN>"))
				return
			}
		}
		h(w, r)
	}
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrNeedWhy), errors.Is(err, ErrNeedWhyCounter), errors.Is(err, ErrCounterInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrCounterBackwards):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// Status is what /-/status reports.
type Status struct {
	Version    string    `json:"version"`
	Generation int64     `json:"generation"`
	StartedAt  time.Time `json:"started_at"`
	Ready      bool      `json:"ready"`
	// AcceptOnly is true when messages are stored and not processed.
	AcceptOnly bool `json:"accept_only,omitempty"`
	// Procs is GOMAXPROCS: the processors Go runs the engine on.
	Procs      int                   `json:"procs"`
	LastReload *ReloadResult         `json:"last_reload"`
	Routes     []string              `json:"routes"`
	Flows      map[string]FlowStatus `json:"flows"`
	Sinks      map[string]SinkState  `json:"sinks"`
}

// FlowStatus describes one flow's inbox.
type FlowStatus struct {
	Priority  string     `json:"priority"`
	Depth     int        `json:"depth"`
	Ready     int        `json:"ready"`
	Claimed   int        `json:"claimed"`
	NextRetry *time.Time `json:"next_retry,omitempty"`
}

// Status reports the running version and its flows and sinks.
func (e *Engine) Status(ctx interface {
	Deadline() (time.Time, bool)
	Done() <-chan struct{}
	Err() error
	Value(any) any
}) *Status {
	st := &Status{StartedAt: e.startedAt, Ready: e.ready.Load(), AcceptOnly: e.opts.AcceptOnly, Procs: runtime.GOMAXPROCS(0), LastReload: e.LastReload(), Flows: map[string]FlowStatus{}, Sinks: map[string]SinkState{}, Routes: []string{}}
	v := e.Current()
	if v == nil {
		return st
	}
	st.Version, st.Generation, st.Routes, st.Sinks = v.ID, v.Gen, v.router.Routes(), v.sinkStates()
	for name, fl := range v.Config.Flows {
		fs := FlowStatus{Priority: fl.Priority.String()}
		if s, err := e.opts.Store.Inbox().Stats(ctx, name); err == nil {
			fs.Depth, fs.Ready, fs.Claimed = s.Depth, s.Ready, s.Claimed
			if !s.NextReady.IsZero() {
				t := s.NextReady
				fs.NextRetry = &t
			}
		}
		st.Flows[name] = fs
	}
	return st
}
