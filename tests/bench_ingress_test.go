package tests

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/store/badgerstore"
)

// HTTP ingress with a durable ack (the runtime issue): Shopify-style
// orders POSTed by concurrent clients to a webhook; each answer comes only
// once the order is synced to disk. Reported: orders acknowledged per
// second and the p50/p99 time to the acknowledgement, for transload
// processing the orders through the pipeline flow meanwhile, for
// transload accepting only (run --accept-only: the work the references
// do), and for hand-written reference servers with the same durability
// (group commit) writing to Badger and to a plain file, in the same run.
//
// Each server runs in a process of its own (this test binary, started
// again), as a webhook receiver does: the clients' goroutines and garbage
// do not share its Go runtime, only the CPUs.
//
//	go test ./tests -run '^$' -bench HTTPIngress -benchtime 1x -cpu 2
//
// TRANSLOAD_BENCH_ORDERS sets the number of orders (default 20000).

// TRANSLOAD_BENCH_CLIENTS sets the clients of the closed loop (default
// 64): with more of them the server is busier and each answer waits
// longer behind the others.
func BenchmarkHTTPIngress(b *testing.B) {
	bodies := ingressBodies(b)
	clients := envInt(b, "TRANSLOAD_BENCH_CLIENTS", 64)
	for _, sd := range ingressSides() {
		b.Run(sd.name, func(b *testing.B) {
			sd.run(b, func(url string) { postAll(b, url, bodies, clients) })
		})
	}
}

// BenchmarkHTTPIngressRate offers the orders at a fixed rate instead
// (TRANSLOAD_BENCH_RATE per second, default 10,000: the aim) and
// measures each acknowledgement from the moment its request was due, not
// from when a client got round to sending it. A closed loop of clients
// measures latency at whatever throughput the server saturates at, and
// hides the waits of the requests a slow answer held back (coordinated
// omission); this asks the target's question: at 10,000 orders a second,
// how long does an acknowledgement take?
//
//	go test ./tests -run '^$' -bench HTTPIngressRate -benchtime 1x -cpu 2
func BenchmarkHTTPIngressRate(b *testing.B) {
	bodies := ingressBodies(b)
	rate := envInt(b, "TRANSLOAD_BENCH_RATE", 10000)
	for _, sd := range ingressSides() {
		b.Run(sd.name, func(b *testing.B) {
			sd.run(b, func(url string) { postAtRate(b, url, bodies, rate) })
		})
	}
}

func ingressBodies(tb testing.TB) [][]byte {
	var bodies [][]byte
	sc := bufio.NewScanner(bytes.NewReader(genOrders(benchOrders(tb))))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		bodies = append(bodies, append([]byte(nil), sc.Bytes()...))
	}
	return bodies
}

// ingressSide is one server the ingress benchmarks post to.
type ingressSide struct {
	name  string
	procs func(cpus int) int
	// serve starts the server on addr with its data in dir; stop shuts
	// it down.
	serve func(dir, addr string) (stop func(), err error)
}

// run starts the side's server in a child process for each iteration,
// times post against it, and stops it.
func (sd ingressSide) run(b *testing.B, post func(url string)) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		addr, stop := startIngressChild(b, sd)
		b.StartTimer()
		post("http://" + addr + "/webhooks/orders")
		b.StopTimer()
		stop()
	}
}

// The child process of an ingress side: TestMain serves the side named by
// ingressServeEnv on the address and in the folder the other two give,
// until SIGTERM.
const (
	ingressServeEnv = "TRANSLOAD_BENCH_SERVE"
	ingressAddrEnv  = "TRANSLOAD_BENCH_SERVE_ADDR"
	ingressDirEnv   = "TRANSLOAD_BENCH_SERVE_DIR"
)

// startIngressChild starts sd's server as a child process with the
// processors the side takes on the benchmark's CPUs, and waits until it
// says it is ready (the engine has loaded its flows: it answers 503 until
// then).
func startIngressChild(b *testing.B, sd ingressSide) (string, func()) {
	addr := freeAddr(b)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), ingressServeEnv+"="+sd.name, ingressAddrEnv+"="+addr, ingressDirEnv+"="+b.TempDir(),
		fmt.Sprintf("GOMAXPROCS=%d", sd.procs(runtime.GOMAXPROCS(0))))
	var out bytes.Buffer
	cmd.Stderr = &out
	stdout, err := cmd.StdoutPipe()
	must(b, err)
	must(b, cmd.Start())
	// A benchmark that stops midway leaves no server behind.
	b.Cleanup(func() { _ = cmd.Process.Kill() })
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line == "ready\n"
		_, _ = io.Copy(io.Discard, stdout)
	}()
	exited := make(chan error, 1)
	select {
	case ok := <-ready:
		if !ok {
			_ = cmd.Wait()
			b.Fatalf("the %s server did not start\n%s", sd.name, out.String())
		}
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		b.Fatalf("the %s server is not ready after a minute\n%s", sd.name, out.String())
	}
	go func() { exited <- cmd.Wait() }()
	return addr, func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := <-exited; err != nil {
			b.Fatalf("the %s server: %v\n%s", sd.name, err, out.String())
		}
	}
}

// serveIngressChild is the child process: it serves the side its
// environment names until SIGTERM, and returns the exit code.
func serveIngressChild() int {
	name := os.Getenv(ingressServeEnv)
	for _, sd := range ingressSides() {
		if sd.name != name {
			continue
		}
		ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer cancel()
		stop, err := sd.serve(os.Getenv(ingressDirEnv), os.Getenv(ingressAddrEnv))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("ready")
		<-ctx.Done()
		stop()
		return 0
	}
	fmt.Fprintf(os.Stderr, "no ingress side %q\n", name)
	return 2
}

func ingressSides() []ingressSide {
	engineSide := func(acceptOnly bool) func(dir, addr string) (func(), error) {
		return func(dir, addr string) (func(), error) { return startIngressEngine(dir, addr, acceptOnly) }
	}
	refSide := func(w func() batchWriter) func(dir, addr string) (func(), error) {
		return func(dir, addr string) (func(), error) { return startReferenceIngress(dir, addr, w) }
	}
	same := func(cpus int) int { return cpus }
	return []ingressSide{
		// Processing the orders meanwhile, on the same CPUs; as transload
		// run does, the engine takes ProcsFor of the CPUs (-cpu N; run
		// under taskset -c 0 for one).
		{"transload", engine.ProcsFor, engineSide(false)},
		// transload run --accept-only: taking them in only, as the
		// references do.
		{"transload-accept-only", engine.ProcsFor, engineSide(true)},
		// The same server writing to Badger, and to one plain file with
		// one fdatasync per batch: no store at all, the floor of this
		// machine.
		{"reference", same, refSide(badgerBatch)},
		{"reference-file", same, refSide(fileBatch)},
		// The same server keeping nothing: what the HTTP stack and the
		// clients, on the same CPUs, cost without any disk.
		{"reference-nothing", same, refSide(noBatch)},
	}
}

// postAll posts every body from that many clients and reports the
// throughput and the ack latencies.
func postAll(b *testing.B, url string, bodies [][]byte, clients int) {
	client, done := ingressClient(url)
	defer done()
	lat := make([]time.Duration, len(bodies))
	var next atomic.Int64
	var failed failures
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				t0 := time.Now()
				if err := postOne(client, bodies[i]); err != nil {
					failed.add(err)
					continue
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	reportAcks(b, lat, time.Since(start), &failed)
}

// rateClients bounds the connections of the fixed-rate benchmark: enough
// that requests never wait for a free one at the rates measured here
// unless the server falls behind, which the latencies then show.
const rateClients = 512

// postAtRate posts body i when it is due, i/rate seconds after the start,
// and reports the throughput achieved and the latencies from each due
// time: a request that had to wait for a free connection counts its wait.
func postAtRate(b *testing.B, url string, bodies [][]byte, rate int) {
	client, done := ingressClient(url)
	defer done()
	lat := make([]time.Duration, len(bodies))
	interval := time.Second / time.Duration(rate)
	jobs := make(chan int, len(bodies))
	var failed failures
	var wg sync.WaitGroup
	start := time.Now()
	due := func(i int) time.Time { return start.Add(time.Duration(i) * interval) }
	for range rateClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := postOne(client, bodies[i]); err != nil {
					failed.add(err)
					continue
				}
				lat[i] = time.Since(due(i))
			}
		}()
	}
	// Release the requests as they fall due (with the timer's slack,
	// which the latencies include: they only err on the long side).
	for i := 0; i < len(bodies); {
		for ; i < len(bodies) && !time.Now().Before(due(i)); i++ {
			jobs <- i
		}
		if i < len(bodies) {
			time.Sleep(time.Until(due(i)))
		}
	}
	close(jobs)
	wg.Wait()
	reportAcks(b, lat, time.Since(start), &failed)
	b.ReportMetric(float64(lat[len(lat)*999/1000].Microseconds())/1000, "p99.9_ms")
}

// ingressPool is the benchmarks' HTTP/1.1 client: kept-alive connections
// to one server, each used by one goroutine at a time, that write a
// request's head and body in one call and read only the status line, the
// headers and a sized body. It spends far less CPU than net/http's client
// (as a load generator such as wrk does), which matters here: it runs on
// the same CPUs as the server it measures.
type ingressPool struct {
	addr, head string
	mu         sync.Mutex
	idle       []*ingressConn
	all        []*ingressConn
}

type ingressConn struct {
	c net.Conn
	r *bufio.Reader
}

// ingressClient returns a pool for the server at url; done closes its
// connections.
func ingressClient(target string) (client *ingressPool, done func()) {
	u, err := url.Parse(target)
	if err != nil {
		panic(err) // the benchmark builds it
	}
	p := &ingressPool{addr: u.Host, head: "POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\nContent-Length: "}
	return p, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.all {
			c.c.Close()
		}
	}
}

func (p *ingressPool) get() (*ingressConn, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	p.mu.Unlock()
	nc, err := net.Dial("tcp", p.addr)
	if err != nil {
		return nil, err
	}
	c := &ingressConn{c: nc, r: bufio.NewReaderSize(nc, 4096)}
	p.mu.Lock()
	p.all = append(p.all, c)
	p.mu.Unlock()
	return c, nil
}

// post sends one request and reads its answer's status; a connection
// that fails is closed and not reused.
func (p *ingressPool) post(body []byte) (int, error) {
	c, err := p.get()
	if err != nil {
		return 0, err
	}
	status, keep, err := c.roundTrip(p.head, body)
	if err != nil || !keep {
		c.c.Close()
		return status, err
	}
	p.mu.Lock()
	p.idle = append(p.idle, c)
	p.mu.Unlock()
	return status, nil
}

// roundTrip writes the request and reads the answer; keep is false when
// the server closes the connection after it.
func (c *ingressConn) roundTrip(head string, body []byte) (status int, keep bool, err error) {
	bufs := net.Buffers{[]byte(head + strconv.Itoa(len(body)) + "\r\n\r\n"), body}
	if _, err := bufs.WriteTo(c.c); err != nil {
		return 0, false, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	// HTTP/1.1 202 Accepted
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, false, fmt.Errorf("not an HTTP/1.1 status line: %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, fmt.Errorf("status line %q", line)
	}
	length, keep := 0, true
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		if len(bytes.TrimSpace(h)) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(bytes.TrimSpace(value))); err != nil {
				return 0, false, fmt.Errorf("Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, false, fmt.Errorf("a chunked answer (%q): the benchmark's servers answer with a length", h)
		case bytes.EqualFold(name, []byte("Connection")) && bytes.Contains(bytes.ToLower(value), []byte("close")):
			keep = false
		}
	}
	if _, err := c.r.Discard(length); err != nil {
		return 0, false, err
	}
	return status, keep, nil
}

// postOne posts body: nil when it was acknowledged (2xx).
func postOne(client *ingressPool, body []byte) error {
	status, err := client.post(body)
	if err == nil && status/100 != 2 {
		err = fmt.Errorf("answered %d", status)
	}
	return err
}

// failures counts the requests that were not acknowledged, and keeps the
// first one's error.
type failures struct {
	n     atomic.Int64
	first atomic.Pointer[error]
}

func (f *failures) add(err error) {
	if f.n.Add(1) == 1 {
		f.first.Store(&err)
	}
}

// reportAcks fails b if any request failed, and otherwise reports the
// orders acknowledged per second over elapsed and the p50 and p99 of lat,
// which it sorts.
func reportAcks(b *testing.B, lat []time.Duration, elapsed time.Duration, failed *failures) {
	if n := failed.n.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed, the first: %v", n, len(lat), *failed.first.Load())
	}
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}

// startIngressEngine runs the pipeline flow of BenchmarkPipeline with a
// webhook source instead of a drop folder, processing what comes in
// unless acceptOnly.
func startIngressEngine(dir, addr string, acceptOnly bool) (func(), error) {
	flows := filepath.Join(dir, "flows")
	if err := os.MkdirAll(flows, 0o755); err != nil {
		return nil, err
	}
	flow := strings.Replace(benchFlow, `source "file" {
    dir    = "in"
    format = "jsonl"
  }`, `source "http" {
    path = "/webhooks/orders"
  }`, 1)
	if err := os.WriteFile(filepath.Join(flows, "main.hcl"), []byte(flow), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(flows, "order.schema.json"), []byte(benchSchema), 0o644); err != nil {
		return nil, err
	}
	w, err := wire.New()
	if err != nil {
		return nil, err
	}
	st, err := badgerstore.Open(filepath.Join(dir, "data", "store"), badgerstore.Options{GCInterval: -1, InboxCapacity: 1 << 20})
	if err != nil {
		return nil, err
	}
	lo := w.LoadOptions(nil, nil)
	e := engine.New(engine.Options{
		FlowsDir: flows, DataDir: filepath.Join(dir, "data"),
		Load:       func(d string) (*dsl.Config, hcl.Diagnostics) { return dsl.Load(d, lo) },
		Connectors: w.Connectors, Codecs: w.Codecs, Store: st, Addr: addr, Workers: 256, Stdout: io.Discard,
		AcceptOnly: acceptOnly,
	})
	if diags, err := e.Start(context.Background()); err != nil {
		st.Close()
		return nil, fmt.Errorf("%w %v", err, diags)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = e.Stop(ctx)
		st.Close()
	}, nil
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(tb, err)
	defer ln.Close()
	return ln.Addr().String()
}

// batchWriter makes a batch of bodies durable: it is opened on a fresh
// directory and closed when the server stops.
type batchWriter struct {
	open  func(dir string) error
	write func(bodies [][]byte) error
	close func()
}

// badgerBatch appends each body to Badger under a sequence key, in one
// transaction per batch, and syncs once.
func badgerBatch() batchWriter {
	var db *badger.DB
	var seq uint64
	return batchWriter{
		open: func(dir string) (err error) {
			db, err = badger.Open(badger.DefaultOptions(filepath.Join(dir, "inbox")).WithLogger(nil).WithSyncWrites(false))
			return err
		},
		write: func(bodies [][]byte) error {
			err := db.Update(func(txn *badger.Txn) error {
				for _, b := range bodies {
					seq++
					if err := txn.Set([]byte(fmt.Sprintf("inbox/%020d", seq)), b); err != nil {
						return err
					}
				}
				return nil
			})
			if err == nil {
				err = db.Sync()
			}
			return err
		},
		close: func() { db.Close() },
	}
}

// fileBatch appends the bodies to one file and fdatasyncs once per batch.
func fileBatch() batchWriter {
	var f *os.File
	return batchWriter{
		open: func(dir string) (err error) {
			f, err = os.OpenFile(filepath.Join(dir, "inbox"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			return err
		},
		write: func(bodies [][]byte) error {
			if _, err := f.Write(bytes.Join(bodies, []byte{'\n'})); err != nil {
				return err
			}
			return syscall.Fdatasync(int(f.Fd()))
		},
		close: func() { f.Close() },
	}
}

// noBatch acknowledges without writing anything.
func noBatch() batchWriter {
	return batchWriter{
		open:  func(string) error { return nil },
		write: func([][]byte) error { return nil },
		close: func() {},
	}
}

// startReferenceIngress is the hand-written reference: net/http, each
// body handed to one writer goroutine that takes whatever is queued, makes
// it durable in one batch (one sync), then acks the batch.
func startReferenceIngress(dir, addr string, newWriter func() batchWriter) (func(), error) {
	bw := newWriter()
	if err := bw.open(dir); err != nil {
		return nil, err
	}
	type req struct {
		body []byte
		done chan error
	}
	queue := make(chan req, 4096)
	quit := make(chan struct{})
	var writer sync.WaitGroup
	writer.Add(1)
	go func() {
		defer writer.Done()
		for {
			var batch []req
			select {
			case r := <-queue:
				batch = append(batch, r)
			case <-quit:
				return
			}
		more:
			for {
				select {
				case r := <-queue:
					batch = append(batch, r)
				default:
					break more
				}
			}
			bodies := make([][]byte, len(batch))
			for i, r := range batch {
				bodies[i] = r.body
			}
			err := bw.write(bodies)
			for _, r := range batch {
				r.done <- err
			}
		}
	}()
	srv := &http.Server{Addr: addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		done := make(chan error, 1)
		queue <- req{body: body, done: done}
		if err := <-done; err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		close(quit)
		writer.Wait()
		bw.close()
		return nil, err
	}
	go srv.Serve(ln)
	return func() {
		_ = srv.Shutdown(context.Background())
		close(quit)
		writer.Wait()
		bw.close()
	}, nil
}
