package tests

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

const csvFlows = `
sink "stdout" "wms" {}

flow "stock" {
  schema = "stock.schema.json"
  format = "csv"

  map "update" {
    fields = {
      sku       = "input.sku"
      warehouse = "input.location"
      available = "input.available"
    }
  }

  route "out" {
    default {
      to = [sink.wms]
    }
  }
}

flow "prices" {
  schema = "prices.schema.json"
  format = "csv"

  map "batch" {
    fields = {
      count  = "size(input)"
      prices = "input.map(r, money(r.unit_price, r.currency))"
      active = "input.filter(r, r.?active.orValue(true)).map(r, r.sku)"
    }
  }

  route "out" {
    default {
      to = [sink.wms]
    }
  }
}
`

const csvStockSchema = `{"type": "object", "required": ["sku", "location", "available"], "properties": {
  "sku": {"type": "string"},
  "location": {"type": "string"},
  "available": {"type": "integer"},
  "updated_at": {"type": "string", "x-transload-kind": "timestamp"}
}}`

const csvPricesSchema = `{"type": "array", "items": {"type": "object", "required": ["sku", "unit_price", "currency"], "properties": {
  "sku": {"type": "string"},
  "unit_price": {"type": "number"},
  "currency": {"type": "string"},
  "active": {"type": "boolean"}
}}}`

func csvEvaluator(t *testing.T) *engine.Evaluator {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"main.hcl": csvFlows, "stock.schema.json": csvStockSchema, "prices.schema.json": csvPricesSchema} {
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	w, err := wire.New()
	must(t, err)
	cfg, diags := dsl.Load(dir, w.LoadOptions(nil, nil))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	must(t, err)
	return ev
}

// TestCSVFlowOneDocumentPerRow: an inventory feed through a flow whose
// schema is an object: each row is a document, a bad row is dead-lettered
// alone as "row N" while the others are delivered, and the column no
// expression reads (updated_at) is not decoded.
func TestCSVFlowOneDocumentPerRow(t *testing.T) {
	ev := csvEvaluator(t)
	body := "\xEF\xBB\xBFsku;location;available;updated_at\r\n" +
		"WID-100;WH-EAST;120;2024-03-01T09:30:00Z\r\n" +
		"WID-200;WH-EAST;lots;2024-03-01T09:30:00Z\r\n" +
		"WID-300;WH-WEST;7;not a date\r\n"
	outs, dead, err := ev.Eval(context.Background(), "stock", engine.Input{Body: []byte(body)})
	must(t, err)
	if len(outs) != 3 {
		t.Fatalf("%d outcomes, want one per row", len(outs))
	}
	for i, want := range []string{engine.OutcomeDelivered, engine.OutcomeDeadLetter, engine.OutcomeDelivered} {
		if outs[i].Outcome != want || outs[i].Part != []string{"row 1", "row 2", "row 3"}[i] {
			t.Errorf("outcome %d: %s %q, want %s", i+1, outs[i].Outcome, outs[i].Part, want)
		}
	}
	if got := builtin.Format(outs[0].Steps["update"]); got != `{"available":120,"sku":"WID-100","warehouse":"WH-EAST"}` {
		t.Errorf("row 1 mapped to %s", got)
	}
	if got := builtin.Format(outs[2].Input); got != `{"available":7,"location":"WH-WEST","sku":"WID-300"}` {
		t.Errorf("row 3 decoded to %s (updated_at is not read, so not decoded)", got)
	}
	if len(dead) != 1 || dead[0].Part != "row 2" || dead[0].Reason != "SCHEMA_MISMATCH" || dead[0].Step != "decode" ||
		!strings.Contains(dead[0].Message, `row 2, column "available": want an integer, found "lots"`) || !strings.Contains(dead[0].Message, "line 3") {
		t.Fatalf("dead letters: %+v", dead)
	}

	// A body that is not CSV is dead-lettered whole.
	outs, dead, err = ev.Eval(context.Background(), "stock", engine.Input{Body: []byte("sku,location,available\n\"WID-100,WH-EAST,1\n")})
	must(t, err)
	if len(outs) != 0 || len(dead) != 1 || dead[0].Reason != "INVALID_CSV" || dead[0].Part != "" {
		t.Fatalf("outcomes %d, dead letters %+v", len(outs), dead)
	}
}

// TestCSVFlowList: a price list through a flow whose schema is a list of
// objects: one document, the prices exact.
func TestCSVFlowList(t *testing.T) {
	ev := csvEvaluator(t)
	body := "SKU,Unit Price,Currency,Active\nWID-100,24.90,USD,yes\nWID-200,1230,JPY,no\nWID-300,3.10,EUR,\n"
	outs, dead, err := ev.Eval(context.Background(), "prices", engine.Input{Body: []byte(body)})
	must(t, err)
	if len(outs) != 1 || len(dead) != 0 || outs[0].Outcome != engine.OutcomeDelivered {
		t.Fatalf("outcomes %+v, dead letters %+v", outs, dead)
	}
	want := `{"active":["WID-100","WID-300"],"count":3,"prices":[{"amount":"24.90","currency":"USD"},{"amount":"1230","currency":"JPY"},{"amount":"3.10","currency":"EUR"}]}`
	if got := builtin.Format(outs[0].Steps["batch"]); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// One bad row fails the list.
	outs, dead, err = ev.Eval(context.Background(), "prices", engine.Input{Body: []byte("sku,unit_price,currency\nWID-100,\"24,90\",EUR\n")})
	must(t, err)
	if len(outs) != 1 || outs[0].Outcome != engine.OutcomeDeadLetter || len(dead) != 1 || dead[0].Reason != "SCHEMA_MISMATCH" {
		t.Fatalf("outcomes %+v, dead letters %+v", outs, dead)
	}
}

// TestCSVDropFolders: through drop folders, a flow whose schema is a list
// gets each export whole (one document of all its rows), a flow whose
// schema is an object one document per row, and a semicolon export with
// decimal commas is split by its semicolons.
func TestCSVDropFolders(t *testing.T) {
	dir := t.TempDir()
	flows := filepath.Join(dir, "flows")
	src := strings.ReplaceAll(csvFlows, `format = "csv"
`, `format = "csv"

  source "file" {
    dir = "inbox/${FLOW}"
  }
`)
	src = strings.Replace(src, "${FLOW}", "stock", 1)
	src = strings.Replace(src, "${FLOW}", "prices", 1)
	for name, body := range map[string]string{
		"main.hcl": src, "stock.schema.json": csvStockSchema, "prices.schema.json": csvPricesSchema,
		"inbox/stock/levels.csv":  "sku;location;available\nWID-100;DC1;12\nWID-200;DC1;0\nWID-300;DC2;7\n",
		"inbox/prices/prices.csv": "SKU,Unit Price,Currency\nWID-100,24.90,USD\nWID-200,1230,JPY\n",
	} {
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(flows, name)), 0o755))
		must(t, os.WriteFile(filepath.Join(flows, name), []byte(body), 0o644))
	}
	var out strings.Builder
	code := cli.Main([]string{"run", "--once", "--data", filepath.Join(dir, "data"), flows}, nil, &out, &out)
	if code != 0 {
		t.Fatalf("run --once: %d\n%s", code, out.String())
	}
	for _, want := range []string{"prices                   1 delivered", "stock                    3 delivered"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
	if !strings.Contains(out.String(), `"count":2`) {
		t.Errorf("the price list did not arrive whole:\n%s", out.String())
	}
}
