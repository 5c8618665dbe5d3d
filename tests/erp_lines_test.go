package tests

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/wire"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

// erpLines returns erp.lines, the lines every ERP mapping builds on, as
// loaded with the default flows and vars (erp_kits) and tables.
func erpLines(t *testing.T, vars, tables map[string]string) func(order any) ([]any, error) {
	t.Helper()
	w, err := wire.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg, diags := dsl.Load("../flows", w.LoadOptions(vars, tables))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	m := cfg.Mappings["erp.lines"]
	return func(order any) ([]any, error) {
		v, err := m.Apply(map[string]any{"order": order, "line_discounts": true})
		if err != nil {
			return nil, err
		}
		return v.([]any), nil
	}
}

// TestERPLinesReconcile: for every accepted corpus order, the lines every
// ERP gets (erp.lines, with the order discount on the lines) add up with
// the freight and the tax to the channel's grand total, to the cent; the
// lines are the open ones, kits resolved, quantities in base units.
func TestERPLinesReconcile(t *testing.T) {
	for _, kits := range []string{"kit", "components"} {
		lines := erpLines(t, map[string]string{"erp_kits": kits}, nil)
		for _, d := range acceptedCorpusDocs(t, "order") {
			if d.Doc["status"] == "cancelled" {
				continue // never sent to an ERP unless it has it: see erp_orders.flowtest.hcl
			}
			t.Run(kits+"/"+d.Name, func(t *testing.T) {
				got, err := lines(d.Doc)
				if err != nil {
					t.Fatal(err)
				}
				cur := d.Doc["currency"].(string)
				sum, err := builtin.ZeroMoney(cur)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range got {
					line := l.(map[string]any)
					gross, disc, amt := line["gross"].(builtin.Money), line["discount"].(builtin.Money), line["amount"].(builtin.Money)
					if got := mustSub(t, gross, disc); !sameMoney(got, amt) {
						t.Errorf("line %v: gross %s − discount %s ≠ amount %s", line["line_id"], gross, disc, amt)
					}
					sum = mustAdd(t, sum, amt)
				}
				totals := d.Doc["totals"].(map[string]any)
				want := totals["grand_total"].(builtin.Money)
				total := mustAdd(t, sum, shippingNet(t, d.Doc))
				if inc, _ := d.Doc["taxes_included"].(bool); !inc {
					total = mustAdd(t, total, totals["tax"].(builtin.Money))
				}
				if !sameMoney(total, want) {
					t.Errorf("lines %s + freight + tax = %s, want the grand total %s", sum, total, want)
				}
			})
		}
	}
}

// shippingNet is Σ shipping − Σ shipping discounts.
func shippingNet(t *testing.T, order map[string]any) builtin.Money {
	t.Helper()
	totals := order["totals"].(map[string]any)
	net := totals["shipping"].(builtin.Money)
	ship, _ := order["shipping"].([]any)
	for _, s := range ship {
		if d, ok := s.(map[string]any)["discount"].(builtin.Money); ok {
			net = mustSub(t, net, d)
		}
	}
	return net
}

func mustAdd(t *testing.T, a, b builtin.Money) builtin.Money {
	t.Helper()
	r, err := a.Add(b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustSub(t *testing.T, a, b builtin.Money) builtin.Money {
	t.Helper()
	r, err := a.Sub(b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sameMoney(a, b builtin.Money) bool {
	c, err := a.Cmp(b)
	return err == nil && c == 0
}

// TestERPLinesKits: the Adobe Commerce bundle (one kit line priced, its
// components at 0) reaches the ERP as the kit line with erp_kits = "kit",
// and as its components, sharing the kit's amounts exactly, with
// erp_kits = "components".
func TestERPLinesKits(t *testing.T) {
	const name = "adobe_commerce/order_configurable_bundle_coupon.json"
	skus := func(kits string) (map[string]string, builtin.Money) {
		lines := erpLines(t, map[string]string{"erp_kits": kits}, nil)
		for _, d := range acceptedCorpusDocs(t, "order") {
			if d.Name != name {
				continue
			}
			got := map[string]string{}
			var sum builtin.Money
			ls, err := lines(d.Doc)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range ls {
				line := l.(map[string]any)
				got[line["sku"].(string)] = line["amount"].(builtin.Money).Amount.String()
				if i == 0 {
					sum = line["amount"].(builtin.Money)
				} else {
					sum = mustAdd(t, sum, line["amount"].(builtin.Money))
				}
			}
			return got, sum
		}
		t.Fatalf("%s is not an accepted corpus order", name)
		return nil, builtin.Money{}
	}
	kit, kitSum := skus("kit")
	comps, compSum := skus("components")
	if !sameMoney(kitSum, compSum) {
		t.Fatalf("the lines add up to %s as kits and %s as components", kitSum, compSum)
	}
	if len(comps) <= len(kit) {
		t.Fatalf("components %v are not more lines than kits %v", comps, kit)
	}
	t.Logf("kit: %v\ncomponents: %v", kit, comps)
}

// TestERPLinesUnits: erp_items.csv turns base units into the ERP item's
// sales unit (12 EA into 2 cases of 6) with its item id, and a quantity
// that is not a whole number of that unit is INVALID_QUANTITY, never
// rounded.
func TestERPLinesUnits(t *testing.T) {
	table := filepath.Join(t.TempDir(), "erp_items.csv")
	run := func(rows string) ([]any, error) {
		if err := os.WriteFile(table, []byte("sku,item,uom,base_units\n"+rows), 0o644); err != nil {
			t.Fatal(err)
		}
		w, err := wire.New()
		if err != nil {
			t.Fatal(err)
		}
		cfg, diags := dsl.Load("../flows", w.LoadOptions(nil, map[string]string{"erp_items": table}))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		// The order as erp_orders sees it: its canonical step.
		ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
		if err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile("../flows/testdata/erp_orders/b2b_portal_PO-77120.json")
		if err != nil {
			t.Fatal(err)
		}
		outs, _, err := ev.Eval(context.Background(), "erp_orders", engine.Input{Body: body})
		if err != nil {
			t.Fatal(err)
		}
		v, err := cfg.Mappings["erp.lines"].Apply(map[string]any{"order": outs[0].Steps["canonical"], "line_discounts": true})
		if err != nil {
			return nil, err
		}
		return v.([]any), nil
	}
	lines, err := run("IPOD2008GREEN,NS-1001,CS,6\nIPOD2008RED,,,\n")
	if err != nil {
		t.Fatal(err)
	}
	green, red := lines[0].(map[string]any), lines[1].(map[string]any)
	if q := green["quantity"].(builtin.Quantity); green["item"] != "NS-1001" || q.UOM != "CS" || q.Value.String() != "2" {
		t.Errorf("green: item %v quantity %v, want NS-1001 2 CS", green["item"], q)
	}
	if r := green["rate"].(builtin.Decimal); r.String() != "1080.000000" {
		t.Errorf("green rate %s, want 1080.000000 (2160.00 for 2 CS)", r)
	}
	if q := red["quantity"].(builtin.Quantity); red["item"] != "IPOD2008RED" || q.UOM != "EA" || q.Value.String() != "6" {
		t.Errorf("red (empty cells): item %v quantity %v, want the SKU in 6 EA", red["item"], q)
	}
	_, err = run("IPOD2008RED,NS-1002,CS,4\n")
	if builtin.ReasonOf(err) != "INVALID_QUANTITY" || !strings.Contains(err.Error(), "6 EA of IPOD2008RED is not a whole number of CS") {
		t.Fatalf("6 EA in cases of 4: want INVALID_QUANTITY naming the line, got %v", err)
	}
}
