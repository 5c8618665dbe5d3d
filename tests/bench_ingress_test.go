package tests

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
//	go test ./tests -run '^$' -bench HTTPIngress -benchtime 1x -cpu 2
//
// TRANSLOAD_BENCH_ORDERS sets the number of orders (default 20000).

const ingressClients = 64

func BenchmarkHTTPIngress(b *testing.B) {
	bodies := ingressBodies(b)
	for _, sd := range ingressSides() {
		b.Run(sd.name, func(b *testing.B) {
			sd.run(b, func(url string) { postAll(b, url, bodies) })
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
	start func(testing.TB) (addr string, stop func())
}

// run starts the side's server for each iteration, times post against
// it, and stops it.
func (sd ingressSide) run(b *testing.B, post func(url string)) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(sd.procs(runtime.GOMAXPROCS(0))))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		addr, stop := sd.start(b)
		b.StartTimer()
		post("http://" + addr + "/webhooks/orders")
		b.StopTimer()
		stop()
	}
}

func ingressSides() []ingressSide {
	engineSide := func(acceptOnly bool) func(testing.TB) (string, func()) {
		return func(tb testing.TB) (string, func()) { return startIngressEngine(tb, acceptOnly) }
	}
	refSide := func(w func() batchWriter) func(testing.TB) (string, func()) {
		return func(tb testing.TB) (string, func()) { return startReferenceIngress(tb, w) }
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

// postAll posts every body from ingressClients clients and reports the
// throughput and the ack latencies.
func postAll(b *testing.B, url string, bodies [][]byte) {
	client, done := ingressClient(ingressClients)
	defer done()
	lat := make([]time.Duration, len(bodies))
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range ingressClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				t0 := time.Now()
				if !postOne(client, url, bodies[i]) {
					failed.Add(1)
					continue
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	reportAcks(b, lat, time.Since(start), failed.Load())
}

// rateClients bounds the connections of the fixed-rate benchmark: enough
// that requests never wait for a free one at the rates measured here
// unless the server falls behind, which the latencies then show.
const rateClients = 512

// postAtRate posts body i when it is due, i/rate seconds after the start,
// and reports the throughput achieved and the latencies from each due
// time: a request that had to wait for a free connection counts its wait.
func postAtRate(b *testing.B, url string, bodies [][]byte, rate int) {
	client, done := ingressClient(rateClients)
	defer done()
	lat := make([]time.Duration, len(bodies))
	interval := time.Second / time.Duration(rate)
	jobs := make(chan int, len(bodies))
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	due := func(i int) time.Time { return start.Add(time.Duration(i) * interval) }
	for range rateClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if !postOne(client, url, bodies[i]) {
					failed.Add(1)
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
	reportAcks(b, lat, time.Since(start), failed.Load())
	b.ReportMetric(float64(lat[len(lat)*999/1000].Microseconds())/1000, "p99.9_ms")
}

// ingressClient is an HTTP client with up to conns connections to the
// server; done closes them.
func ingressClient(conns int) (client *http.Client, done func()) {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, tr.CloseIdleConnections
}

// postOne posts body and reports whether it was acknowledged (2xx).
func postOne(client *http.Client, url string, body []byte) bool {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode/100 == 2
}

// reportAcks fails b if any request failed, and otherwise reports the
// orders acknowledged per second over elapsed and the p50 and p99 of lat,
// which it sorts.
func reportAcks(b *testing.B, lat []time.Duration, elapsed time.Duration, failed int64) {
	if failed > 0 {
		b.Fatalf("%d of %d requests failed", failed, len(lat))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}

// startIngressEngine runs the pipeline flow of BenchmarkPipeline with a
// webhook source instead of a drop folder, processing what comes in
// unless acceptOnly.
func startIngressEngine(tb testing.TB, acceptOnly bool) (string, func()) {
	dir := tb.TempDir()
	flows := filepath.Join(dir, "flows")
	must(tb, os.MkdirAll(flows, 0o755))
	flow := strings.Replace(benchFlow, `source "file" {
    dir    = "in"
    format = "jsonl"
  }`, `source "http" {
    path = "/webhooks/orders"
  }`, 1)
	must(tb, os.WriteFile(filepath.Join(flows, "main.hcl"), []byte(flow), 0o644))
	must(tb, os.WriteFile(filepath.Join(flows, "order.schema.json"), []byte(benchSchema), 0o644))
	w, err := wire.New()
	must(tb, err)
	st, err := badgerstore.Open(filepath.Join(dir, "data", "store"), badgerstore.Options{GCInterval: -1, InboxCapacity: 1 << 20})
	must(tb, err)
	addr := freeAddr(tb)
	lo := w.LoadOptions(nil, nil)
	e := engine.New(engine.Options{
		FlowsDir: flows, DataDir: filepath.Join(dir, "data"),
		Load:       func(d string) (*dsl.Config, hcl.Diagnostics) { return dsl.Load(d, lo) },
		Connectors: w.Connectors, Codecs: w.Codecs, Store: st, Addr: addr, Workers: 256, Stdout: io.Discard,
		AcceptOnly: acceptOnly,
	})
	if diags, err := e.Start(context.Background()); err != nil {
		tb.Fatalf("%v %v", err, diags)
	}
	return addr, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = e.Stop(ctx)
		st.Close()
	}
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
func startReferenceIngress(tb testing.TB, newWriter func() batchWriter) (string, func()) {
	dir := tb.TempDir()
	bw := newWriter()
	must(tb, bw.open(dir))
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
	addr := freeAddr(tb)
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
	must(tb, err)
	go srv.Serve(ln)
	return addr, func() {
		_ = srv.Shutdown(context.Background())
		close(quit)
		writer.Wait()
		bw.close()
	}
}
