package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/store/memstore"
	"github.com/transload/transload/stdlib/codec/jsondoc"
)

// Benchmarks of the language issue:
//
//	go test ./tests -run '^$' -bench 'Load200|Mapping20|Reload200' -benchmem
//
// Load200 loads and compiles 200 realistic flow files (a schema, dedupe, a
// 20-field mapping, two validation rules, a 3-case route each). Mapping20
// runs a compiled 20-field canonical mapping over a decoded Shopify order
// beside the same mapping written by hand in Go, over the same decoded
// input. Reload200 edits one flow among 200 and reloads a running engine.

// realisticFlow is one of the 200 generated flow files.
func realisticFlow(i int) string {
	return fmt.Sprintf(`
flow "orders_%[1]d" {
  description = "Orders of store %[1]d."
  priority    = "normal"
  schema      = "order.schema.json"

  source "http" {
    path = "/webhooks/orders_%[1]d"
  }

  dedupe "seen" {
    key = "'store%[1]d:' + string(input.id)"
  }

  map "canonical" {
    fields = {
      id             = "string(input.id)"
      channel        = "'shopify'"
      order_number   = "input.name"
      placed_at      = "parse_time(input.created_at)"
      currency       = "input.currency"
      customer_id    = "string(input.customer.id)"
      customer_email = "input.email"
      customer_name  = "input.customer.first_name + ' ' + input.customer.last_name"
      ship_line1     = "input.shipping_address.address1"
      ship_city      = "input.shipping_address.city"
      ship_region    = "input.shipping_address.province_code"
      ship_postal    = "input.shipping_address.zip"
      ship_country   = "input.shipping_address.country_code"
      subtotal       = "money(input.subtotal_price, input.currency)"
      shipping       = "money(input.total_shipping, input.currency)"
      tax            = "money(input.total_tax, input.currency)"
      grand_total    = "money(input.total_price, input.currency)"
      line_count     = "size(input.line_items)"
      lines = <<-CEL
        input.line_items.map(l, {
          'line_id': string(l.id), 'sku': l.sku, 'quantity': l.quantity,
          'unit_price': money(l.price, input.currency)})
      CEL
      skus = "input.line_items.map(l, l.sku)"
    }
  }

  validate "rules" {
    rule "has_lines" {
      condition = "canonical.line_count > 0"
      message   = "The order has no lines."
    }
    rule "positive" {
      condition = "canonical.grand_total.amount >= decimal('0')"
      message   = "The total is negative."
      reason    = "TOTALS_MISMATCH"
    }
  }

  route "by_kind" {
    case "big" {
      when = "canonical.grand_total.amount > decimal('500')"
      to   = [sink.big]
    }
    case "intl" {
      when = "canonical.ship_country != 'US'"
      to   = [sink.intl]
    }
    default {
      to = [sink.standard]
    }
  }
}
`, i)
}

const realisticSinks = `
sink "file" "big" {
  dir = "out/big"
}
sink "file" "intl" {
  dir = "out/intl"
}
sink "file" "standard" {
  dir = "out/standard"
}
`

// write200 writes 200 flow files, the sinks and the schema into dir.
func write200(tb testing.TB, dir string) {
	must(tb, os.MkdirAll(dir, 0o755))
	must(tb, os.WriteFile(filepath.Join(dir, "sinks.hcl"), []byte(realisticSinks), 0o644))
	must(tb, os.WriteFile(filepath.Join(dir, "order.schema.json"), []byte(benchSchema), 0o644))
	for i := 0; i < 200; i++ {
		must(tb, os.WriteFile(filepath.Join(dir, fmt.Sprintf("orders_%03d.hcl", i)), []byte(realisticFlow(i)), 0o644))
	}
}

func BenchmarkLoad200(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "flows")
	write200(b, dir)
	w, err := wire.New()
	must(b, err)
	opts := w.LoadOptions(nil, nil)
	// The memory a loaded version holds, which a running engine keeps
	// per version: these 200 flows, and the default flows.
	live := map[string]float64{}
	for _, m := range []struct{ dir, unit string }{{dir, "200-flows-MB"}, {filepath.Join("..", "flows"), "default-flows-MB"}} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		cfg, diags := dsl.Load(m.dir, opts)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		live[m.unit] = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(cfg)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cfg, diags := dsl.Load(dir, opts)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if _, gd := engine.Build(cfg); gd.HasErrors() {
			b.Fatal(gd)
		}
		if len(cfg.Flows) != 200 {
			b.Fatalf("%d flows", len(cfg.Flows))
		}
	}
	for unit, mb := range live {
		b.ReportMetric(mb, unit) // after ResetTimer, which drops metrics
	}
}

// BenchmarkReload200 measures a reload of a running engine after an edit
// of one flow among 200: load and compile everything, build the new
// version, swap it in. It reports the swap itself (building the version
// and making it current) apart from the load.
func BenchmarkReload200(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "flows")
	write200(b, dir)
	w, err := wire.New()
	must(b, err)
	lo := w.LoadOptions(nil, nil)
	st := memstore.New(memstore.Options{})
	e := engine.New(engine.Options{
		FlowsDir: dir, DataDir: b.TempDir(), Store: st, Connectors: w.Connectors, Codecs: w.Codecs,
		Load: func(d string) (*dsl.Config, hcl.Diagnostics) { return dsl.Load(d, lo) },
	})
	if diags, err := e.Start(context.Background()); err != nil {
		b.Fatal(err, diags)
	}
	defer e.Stop(context.Background())
	var total, swap time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src := strings.Replace(realisticFlow(7), "'shopify'", fmt.Sprintf("'shopify-%d'", i), 1)
		must(b, os.WriteFile(filepath.Join(dir, "orders_007.hcl"), []byte(src), 0o644))
		start := time.Now()
		res, err := e.Reload(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		d, _ := time.ParseDuration(res.Duration)
		_ = d
		swap += res.SwapTime
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/reload")
	b.ReportMetric(float64(swap.Microseconds())/1000/float64(b.N), "ms/swap")
}

// The 20-field mapping over a decoded Shopify order: compiled from the
// flow language, and the same written by hand in Go. Both read the same
// decoded document (the projection the flow's expressions read).

func BenchmarkMapping20(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "flows")
	write200(b, dir)
	for i := 1; i < 200; i++ {
		os.Remove(filepath.Join(dir, fmt.Sprintf("orders_%03d.hcl", i)))
	}
	w, err := wire.New()
	must(b, err)
	cfg, diags := dsl.Load(dir, w.LoadOptions(nil, nil))
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	fl := cfg.Flows["orders_0"]
	var mapStep *dsl.Step
	for _, s := range fl.Steps {
		if s.Name == "canonical" {
			mapStep = s
		}
	}
	line := genOrders(1)
	dec, err := jsondoc.NewDecoder(fl.Schema, jsondoc.NewProjection(fl.Reads, "input"), jsondoc.Options{})
	must(b, err)
	input, err := dec.Decode(line[:len(line)-1])
	must(b, err)
	b.Run("compiled", func(b *testing.B) {
		vars := cfg.Static.Clone()
		vars.Set("input", input)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := mapStep.Map.Eval(vars); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		in := input.(map[string]any)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := handMapping(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// handMapping is the 20-field mapping of realisticFlow in Go, over the same
// native document, producing the same output.
func handMapping(in map[string]any) (map[string]any, error) {
	cur := in["currency"].(string)
	placed, err := time.Parse(time.RFC3339, in["created_at"].(string))
	if err != nil {
		return nil, err
	}
	money := func(k string) (builtin.Money, error) { return builtin.ParseMoney(in[k].(string), cur) }
	sub, err := money("subtotal_price")
	if err != nil {
		return nil, err
	}
	ship, err := money("total_shipping")
	if err != nil {
		return nil, err
	}
	tax, err := money("total_tax")
	if err != nil {
		return nil, err
	}
	total, err := money("total_price")
	if err != nil {
		return nil, err
	}
	cust := in["customer"].(map[string]any)
	addr := in["shipping_address"].(map[string]any)
	items := in["line_items"].([]any)
	lines := make([]any, len(items))
	skus := make([]any, len(items))
	for i, it := range items {
		l := it.(map[string]any)
		price, err := builtin.ParseMoney(l["price"].(string), cur)
		if err != nil {
			return nil, err
		}
		lines[i] = map[string]any{"line_id": fmt.Sprint(l["id"]), "sku": l["sku"], "quantity": l["quantity"], "unit_price": price}
		skus[i] = l["sku"]
	}
	return map[string]any{
		"id": fmt.Sprint(in["id"]), "channel": "shopify", "order_number": in["name"], "placed_at": placed.UTC(),
		"currency": cur, "customer_id": fmt.Sprint(cust["id"]), "customer_email": in["email"],
		"customer_name": cust["first_name"].(string) + " " + cust["last_name"].(string),
		"ship_line1":    addr["address1"], "ship_city": addr["city"], "ship_region": addr["province_code"],
		"ship_postal": addr["zip"], "ship_country": addr["country_code"],
		"subtotal": sub, "shipping": ship, "tax": tax, "grand_total": total,
		"line_count": int64(len(items)), "lines": lines, "skus": skus,
	}, nil
}

// TestHandMappingMatches keeps the benchmark honest: both mappings produce
// the same document.
func TestHandMappingMatches(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "flows")
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "sinks.hcl"), []byte(realisticSinks), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "order.schema.json"), []byte(benchSchema), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "orders_000.hcl"), []byte(realisticFlow(0)), 0o644))
	w, err := wire.New()
	must(t, err)
	cfg, diags := dsl.Load(dir, w.LoadOptions(nil, nil))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fl := cfg.Flows["orders_0"]
	line := genOrders(1)
	dec, err := jsondoc.NewDecoder(fl.Schema, jsondoc.NewProjection(fl.Reads, "input"), jsondoc.Options{})
	must(t, err)
	input, err := dec.Decode(line[:len(line)-1])
	must(t, err)
	vars := cfg.Static.Clone()
	vars.Set("input", input)
	got, err := fl.Steps[1].Map.Eval(vars)
	must(t, err)
	want, err := handMapping(input.(map[string]any))
	must(t, err)
	if g, w := builtin.Format(got), builtin.Format(want); g != w {
		t.Fatalf("compiled:\n%s\nhand-written:\n%s", g, w)
	}
}
