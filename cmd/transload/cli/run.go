package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
)

// cpus is the processors Go gave the process at start: the CPUs it may
// use (a container's CPU limit included). Kept from before run changes it,
// so that running twice in one process (tests) does not multiply it.
var cpus = runtime.GOMAXPROCS(0)

// defaultAddr is where transload run listens unless told otherwise.
const defaultAddr = "127.0.0.1:8080"

type runFlags struct {
	loadFlags
	data, addr string
	once       bool
	acceptOnly bool
	logLevel   string
	logFormat  string
	drain      time.Duration
	workers    int
	inboxLimit int
}

func (a *app) runCmd() *cobra.Command {
	var rf runFlags
	c := &cobra.Command{
		Use:   "run [DIR]",
		Short: "Run the flows in DIR (default: flows) with the embedded store",
		Long: `Run loads the flows in DIR (default: flows), opens the embedded store in the
data directory (default: .transload), listens for webhooks and serves the
admin API on --addr (default: 127.0.0.1:8080), starts every source, and
reloads on every save of a flow file: an edit that does not compile is
reported and the running version stays.

Endpoints: /webhooks/... (as the flows declare), /-/status, /healthz,
/readyz, /metrics, and /-/dlq for dead letters.

With --once it processes what the file and batch sources hold, waits until
the inboxes are empty, prints a summary and exits: for batch jobs. It
listens only when --addr is given.

With --accept-only it takes in and stores what the sources receive, and
processes nothing: during an ERP's maintenance window, say. What it took
waits in the inbox and goes at the next start without the flag.

SIGINT or SIGTERM stops accepting, lets in-flight messages finish (up to
--drain), and leaves the rest in the inbox for the next start.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "flows"
			if len(args) == 1 {
				dir = args[0]
			}
			return a.run(c, dir, rf)
		},
	}
	rf.register(c)
	c.Flags().StringVar(&rf.data, "data", ".transload", "the data directory: inboxes, dedupe keys, the ledger, dead letters, outboxes")
	c.Flags().StringVar(&rf.addr, "addr", defaultAddr, "listen address for webhooks and the admin API (empty: none; with --once, none unless given)")
	c.Flags().BoolVar(&rf.once, "once", false, "process what the file and batch sources hold, then exit")
	c.Flags().BoolVar(&rf.acceptOnly, "accept-only", false, "store what the sources receive, process nothing (it waits in the inbox for a start without the flag)")
	c.Flags().StringVar(&rf.logLevel, "log-level", "info", "debug, info, warn or error")
	c.Flags().StringVar(&rf.logFormat, "log-format", "text", "text or json")
	c.Flags().DurationVar(&rf.drain, "drain", 30*time.Second, "how long a shutdown waits for in-flight messages")
	c.Flags().IntVar(&rf.workers, "workers", 256, "messages in flight at most, across all flows")
	c.Flags().IntVar(&rf.inboxLimit, "inbox-limit", 100000, "messages one flow's inbox holds before senders get 503 Retry-After")
	return c
}

func (a *app) logger(level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv, ReplaceAttr: redact}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(a.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(a.stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json")
}

// redact keeps secrets out of logs: attributes whose name says secret.
func redact(groups []string, attr slog.Attr) slog.Attr {
	k := strings.ToLower(attr.Key)
	for _, s := range []string{"secret", "password", "token", "authorization", "api_key"} {
		if strings.Contains(k, s) {
			return slog.String(attr.Key, "[redacted]")
		}
	}
	return attr
}

// openStore opens the data directory's store, creating the directory.
func openStore(data string, log *slog.Logger, inboxLimit int, batch bool) (store.Store, error) {
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	opts := badgerstore.Options{Logger: log, InboxCapacity: inboxLimit}
	if batch {
		opts.GCInterval = -1
	}
	st, err := badgerstore.Open(filepath.Join(data, "store"), opts)
	if errors.Is(err, badgerstore.ErrLocked) {
		return nil, fmt.Errorf("the data directory %s is in use by a running transload; stop it, or use its admin API (transload dlq --addr)", data)
	}
	return st, err
}

func (a *app) engineOptions(dir string, rf runFlags, st store.Store, log *slog.Logger) (engine.Options, error) {
	vars, bad := parseVars(rf.vars)
	if bad != "" {
		return engine.Options{}, fmt.Errorf("--var wants NAME=VALUE, got %q", bad)
	}
	tables, bad := parseAssignments(rf.tables)
	if bad != "" {
		return engine.Options{}, fmt.Errorf("--table wants NAME=FILE, got %q", bad)
	}
	w, err := a.newWiring()
	if err != nil {
		return engine.Options{}, err
	}
	lo := w.LoadOptions(vars, tables)
	abs, _ := filepath.Abs(dir)
	return engine.Options{
		FlowsDir: dir,
		DataDir:  rf.data,
		Load:     func(d string) (*dsl.Config, hcl.Diagnostics) { return dsl.Load(d, lo) },
		LoadFS: func(fsys fs.FS) (*dsl.Config, hcl.Diagnostics) {
			return dsl.LoadFS(fsys, abs, lo)
		},
		Connectors: w.Connectors, Codecs: w.Codecs, Store: st,
		Addr: rf.addr, Once: rf.once, AcceptOnly: rf.acceptOnly, Logger: log, Stdout: a.stdout,
		Workers: rf.workers, ShutdownTimeout: rf.drain,
		AdminToken: os.Getenv("TRANSLOAD_ADMIN_TOKEN"),
	}, nil
}

func (a *app) run(c *cobra.Command, dir string, rf runFlags) error {
	if rf.once && rf.acceptOnly {
		return a.usageError(c, "--once and --accept-only exclude each other: a run that processes nothing would never finish")
	}
	if rf.once && !c.Flags().Changed("addr") {
		// A batch job needs no listener, and one on the default address
		// would collide with the transload serving on this machine.
		rf.addr = ""
	}
	log, err := a.logger(rf.logLevel, rf.logFormat)
	if err != nil {
		return a.usageError(c, "%v", err)
	}
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(engine.ProcsFor(cpus))
	}
	if _, err := os.Stat(dir); err != nil {
		fmt.Fprintf(a.stderr, "Error: cannot read the flows folder %q: %v\n", dir, err)
		return errFailed
	}
	st, err := openStore(rf.data, log, rf.inboxLimit, rf.once)
	if err != nil {
		fmt.Fprintf(a.stderr, "Error: %v\n", err)
		return errFailed
	}
	defer st.Close()
	opts, err := a.engineOptions(dir, rf, st, log)
	if err != nil {
		return a.usageError(c, "%v", err)
	}
	e := engine.New(opts)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	diags, err := e.Start(ctx)
	if len(diags) > 0 {
		cur := e.Current()
		var files map[string]*hcl.File
		if cur != nil {
			files = cur.Config.Files
		} else if cfg, _ := opts.Load(dir); cfg != nil {
			files = cfg.Files
		}
		_ = dsl.WriteDiagnostics(a.stderr, files, diags, 100, a.color)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "Error: %v\n", err)
		return errFailed
	}
	v := e.Current()
	listening := "no listener"
	if addr := e.Addr(); addr != "" {
		listening = "listening on http://" + addr
	}
	fmt.Fprintf(a.stderr, "Transload: %d flow(s) from %s (version %s), %s, data in %s\n", len(v.Config.Flows), dir, v.ID, listening, rf.data)
	if addr := e.Addr(); addr != "" {
		// Only this process can be here: the store's lock is held.
		addrPath := filepath.Join(rf.data, addrFile)
		if err := os.WriteFile(addrPath, []byte(addr+"\n"), 0o644); err != nil {
			log.Warn("could not record the admin address; the other commands need --addr", "file", addrPath, "err", err)
		}
		defer os.Remove(addrPath)
	}
	if rf.acceptOnly {
		fmt.Fprintf(a.stderr, "Accepting only: messages are stored and not processed until a start without --accept-only\n")
	}
	if rf.once {
		err := e.WaitOnce(ctx)
		_ = e.Stop(context.Background())
		a.printSummary(e)
		if err != nil {
			fmt.Fprintf(a.stderr, "Error: %v\n", err)
			return errFailed
		}
		return nil
	}
	watchCtx, cancelWatch := context.WithCancel(ctx)
	go func() {
		if err := e.Watch(watchCtx); err != nil {
			log.Warn("not watching the flows folder; edits need a restart", "err", err)
		}
	}()
	<-ctx.Done()
	cancelWatch()
	fmt.Fprintln(a.stderr, "Stopping: no new messages; waiting for the ones in flight…")
	drainCtx, cancel := context.WithTimeout(context.Background(), rf.drain)
	defer cancel()
	_ = e.Stop(drainCtx)
	a.printSummary(e)
	return nil
}

// printSummary says what the run did, flow by flow.
func (a *app) printSummary(e *engine.Engine) {
	counts := e.Counts()
	if len(counts) == 0 {
		fmt.Fprintln(a.stderr, "Nothing was processed.")
		return
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 24 // the counts line up, also after a long flow name
	for _, n := range names {
		width = max(width, len(n))
	}
	fmt.Fprintln(a.stderr, "Processed:")
	for _, n := range names {
		var parts []string
		for _, o := range []string{engine.OutcomeDelivered, engine.OutcomeDuplicate, engine.OutcomeFiltered, engine.OutcomeAggregated, engine.OutcomeDeadLetter, engine.OutcomeRetry} {
			if k := counts[n][o]; k > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", k, strings.ReplaceAll(o, "_", " ")))
			}
		}
		fmt.Fprintf(a.stderr, "  %-*s %s\n", width, n, strings.Join(parts, ", "))
	}
	if dl := sumOutcome(counts, engine.OutcomeDeadLetter); dl > 0 {
		fmt.Fprintf(a.stderr, "%d dead letter(s): see them with `transload dlq ls`.\n", dl)
	}
}

func sumOutcome(counts map[string]map[string]int, o string) int {
	n := 0
	for _, c := range counts {
		n += c[o]
	}
	return n
}
