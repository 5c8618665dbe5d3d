package badgerstore_test

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
)

// The order workload: a 5.9 KB body.
func orderBody() []byte {
	const pat = `{"line_items":[{"sku":"ABC-123","qty":2}],}`
	b := make([]byte, 5900)
	for i := range b {
		b[i] = pat[i%len(pat)]
	}
	return b
}

// parallelisms: RunParallel runs GOMAXPROCS×p goroutines; ingress has many
// concurrent requests.
var parallelisms = []int{1, 4, 16}

func BenchmarkAppendGroupCommit(b *testing.B) {
	for _, p := range parallelisms {
		b.Run(fmt.Sprint("par", p), func(b *testing.B) {
			s := open(b, b.TempDir(), badgerstore.Options{InboxCapacity: 1 << 30, GCInterval: -1})
			body := orderBody()
			var n atomic.Int64
			syncs0 := s.InboxSyncs()
			b.SetParallelism(p)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := fmt.Sprint("m", n.Add(1))
					if err := s.Inbox().Append(ctx, env("orders", id, body)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			el := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
			b.ReportMetric(float64(s.InboxSyncs()-syncs0)/float64(b.N), "syncs/msg")
		})
	}
}

// BenchmarkAppendOneSyncPerMessage is the naive reference: one Badger
// transaction and one sync per message, from as many goroutines.
func BenchmarkAppendOneSyncPerMessage(b *testing.B) {
	for _, p := range parallelisms {
		b.Run(fmt.Sprint("par", p), func(b *testing.B) {
			db, err := badger.Open(badger.DefaultOptions(b.TempDir()).WithLogger(nil).
				WithSyncWrites(false).WithMemTableSize(16 << 20).WithBlockCacheSize(16 << 20).
				WithValueThreshold(64 << 10).WithNumCompactors(2))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			body := orderBody()
			var n atomic.Int64
			b.SetParallelism(p)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					k := []byte(fmt.Sprint("i/orders/", n.Add(1)))
					err := db.Update(func(txn *badger.Txn) error { return txn.Set(k, body) })
					if err == nil {
						err = db.Sync()
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			el := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
			b.ReportMetric(1, "syncs/msg")
		})
	}
}

func BenchmarkApplyCAS(b *testing.B) {
	for _, p := range parallelisms {
		b.Run(fmt.Sprint("par", p), func(b *testing.B) {
			s := open(b, b.TempDir(), badgerstore.Options{GCInterval: -1})
			var n atomic.Int64
			syncs0 := s.Syncs()
			val := []byte(`{"state":"intent","erp_id":""}`)
			b.SetParallelism(p)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					key := fmt.Sprint("dedupe/shopify/acme/order-", n.Add(1))
					res, err := s.Keys().Apply(ctx, store.Op{Kind: store.OpCAS, Key: key, Value: val, TTL: 72 * time.Hour})
					if err != nil || res[0].Err != nil {
						b.Error(err, res)
						return
					}
				}
			})
			el := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/el.Seconds(), "ops/s")
			b.ReportMetric(float64(s.Syncs()-syncs0)/float64(b.N), "syncs/op")
		})
	}
}

// BenchmarkClaimAck: a backlog worked off 16 messages at a time; per
// message.
func BenchmarkClaimAck(b *testing.B) {
	s := open(b, b.TempDir(), badgerstore.Options{InboxCapacity: 1 << 30, GCInterval: -1})
	body := orderBody()
	batch := make([]*store.Envelope, 0, 256)
	for i := 0; i < b.N; i++ {
		batch = append(batch, env("orders", fmt.Sprint("m", i), body))
		if len(batch) == cap(batch) || i == b.N-1 {
			if err := s.Inbox().Append(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.ResetTimer()
	start := time.Now()
	for done := 0; done < b.N; {
		es, err := s.Inbox().Claim(ctx, "orders", 16)
		if err != nil || len(es) == 0 {
			b.Fatalf("Claim: %d, %v", len(es), err)
		}
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.ID
		}
		if err := s.Inbox().Ack(ctx, "orders", ids...); err != nil {
			b.Fatal(err)
		}
		done += len(es)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

func benchEnvelope() *store.Envelope {
	e := env("orders", "01HZX3K8Q9V7YB2M4N6P8R0T2W", orderBody())
	e.Headers = map[string]string{"Content-Type": "application/json", "X-Shopify-Topic": "orders/create"}
	e.Origin = "shopify:acme"
	e.Source = "http"
	return e
}

// BenchmarkCodec compares the store's binary encoding of the order envelope
// with encoding/json (the alternative considered).
func BenchmarkCodec(b *testing.B) {
	e := benchEnvelope()
	b.Run("binary", func(b *testing.B) {
		b.ReportAllocs()
		var size int
		for b.Loop() {
			buf := badgerstore.EncodeEnvelope(e)
			size = len(buf)
			if _, err := badgerstore.DecodeEnvelope(buf); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(size), "bytes")
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		var size int
		for b.Loop() {
			buf, err := json.Marshal(e)
			if err != nil {
				b.Fatal(err)
			}
			size = len(buf)
			var d store.Envelope
			if err := json.Unmarshal(buf, &d); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(size), "bytes")
	})
}

// BenchmarkAppendBatch: a drop folder's batches of 256 orders, each one
// Append and one sync.
func BenchmarkAppendBatch(b *testing.B) {
	s := open(b, b.TempDir(), badgerstore.Options{InboxCapacity: 1 << 30, GCInterval: -1})
	body := orderBody()
	n := 0
	start := time.Now()
	for b.Loop() {
		batch := make([]*store.Envelope, 256)
		for i := range batch {
			n++
			batch[i] = env("orders", fmt.Sprint("m", n), body)
		}
		if err := s.Inbox().Append(ctx, batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "msgs/s")
}
