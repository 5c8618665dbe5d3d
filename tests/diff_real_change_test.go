package tests

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/cmd/transload/cli"
	"github.com/transload/transload/engine"
)

// diffRealChangeOrders are the Shopify corpus orders the test feeds to
// the ERP, unmodified. Only order_unallocated_discount_uneven.json has a
// line whose net unit price is not a whole number of cents: its second
// line is 2 units for 392.99 after its share of the order's TENOFF
// discount (10.01: 5.01 of it), 196.495 each. Its sibling
// order_unallocated_discount.json (the same order with an even discount)
// and the others divide exactly; order_cancel_with_refund.json is a
// cancelled order, which erp_orders filters in both versions.
var diffRealChangeOrders = []string{
	"shopify/order_get_450789469_discount_partial_refund.json",
	"shopify/order_create_manual_line_discount.json",
	"shopify/order_cancel_with_refund.json",
	"shopify/edge/order_presentment_cad.json",
	"shopify/edge/order_unallocated_discount.json",
	"shopify/edge/order_unallocated_discount_uneven.json",
}

// The analyst's edit, in the flow files of NEW (modules are never
// edited): Oracle gets every unit selling price at the currency's
// decimals, rounded half up, instead of 6 decimals when the division is
// not exact. The shipped oracle.line is extended with that one field, and
// oracle.sales_order with lines that use it; erp_orders calls the latter.
const diffRealChangeMappings = `
# Unit selling prices at the currency's decimals, rounded half up (the
# shipped oracle.unit_price keeps 6 decimals when the division is not
# exact).
mapping "oracle_line_cents" {
  extends = oracle.line
  fields = {
    UnitSellingPrice = "cel.bind(q, input.quantity.value, q == decimal('0') ? input.amount.amount : round(input.amount.amount / q, currency_digits(input.amount.currency), 'half_up'))"
  }
}

mapping "oracle_sales_order_cents" {
  extends = oracle.sales_order
  fields = {
    lines = <<-CEL
      cel.bind(freight, erp.shipping_net(input.order),
        input.order.status == 'cancelled'
          ? oracle.sendable(input.order).map(l, oracle.cancelled_line(l))
            + (freight > money(0, input.order.currency) ? [oracle.cancelled_freight_line(freight)] : [])
          : erp.lines({'order': input.order, 'line_discounts': true}).map(l, oracle_line_cents(l))
            + (freight > money(0, input.order.currency) ? [oracle.freight_line(freight)] : []))
    CEL
  }
}
`

// TestDiffRealChange checks transload diff on a real change: the default
// flows against a copy with a mapping edit that changes the rounding of
// the Oracle unit price, over canonical orders that the default
// shopify_orders flow makes of real corpus orders. Exactly the one order
// whose price rounds differently shows a change, and exactly that field.
func TestDiffRealChange(t *testing.T) {
	t.Setenv("NO_COLOR", "1")

	dir := t.TempDir()
	oldDir, newDir, inputs := filepath.Join(dir, "old"), filepath.Join(dir, "new"), filepath.Join(dir, "inputs")
	for _, d := range []string{oldDir, newDir} {
		if err := os.CopyFS(d, os.DirFS("../flows")); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(inputs, 0o755); err != nil {
		t.Fatal(err)
	}

	// NEW: the edit.
	oracleFile := filepath.Join(newDir, "erp_oracle.hcl")
	src, err := os.ReadFile(oracleFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(oracleFile, append(src, diffRealChangeMappings...), 0o644); err != nil {
		t.Fatal(err)
	}
	ordersFile := filepath.Join(newDir, "erp_orders.hcl")
	src, err = os.ReadFile(ordersFile)
	if err != nil {
		t.Fatal(err)
	}
	const call = "dyn(oracle.sales_order({"
	if n := bytes.Count(src, []byte(call)); n != 1 {
		t.Fatalf("flows/erp_orders.hcl has %d calls %q, want 1: update this test's edit", n, call)
	}
	src = bytes.Replace(src, []byte(call), []byte("dyn(oracle_sales_order_cents({"), 1)
	if err := os.WriteFile(ordersFile, src, 0o644); err != nil {
		t.Fatal(err)
	}

	// The inputs: the canonical orders shopify_orders routes to
	// erp_orders for the corpus orders (what transload eval of the
	// unchanged flows shows as their delivery to flow erp_orders).
	cfg, w := loadDefaultFlows(t, nil)
	ev, err := engine.NewEvaluator(cfg, engine.EvalOptions{Codecs: w.Codecs})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range diffRealChangeOrders {
		payload, err := os.ReadFile(filepath.Join("testdata", "corpus", file))
		if err != nil {
			t.Fatal(err)
		}
		outs, _, err := ev.Eval(context.Background(), "shopify_orders", engine.Input{Body: payload})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(outs) != 1 || outs[0].Outcome != engine.OutcomeDelivered || len(outs[0].Deliveries) != 1 || outs[0].Deliveries[0].Flow != "erp_orders" {
			t.Fatalf("%s: want one delivery to flow erp_orders, got\n%s", file, dumpOutcomes(outs))
		}
		body, err := builtin.AppendJSON(nil, outs[0].Deliveries[0].Body)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := os.WriteFile(filepath.Join(inputs, filepath.Base(file)), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var out, errOut bytes.Buffer
	// The company runs Oracle (the default flows' erp is netsuite): --var
	// sets it for both versions alike.
	code := cli.Main([]string{"diff", oldDir, newDir, "--flow", "erp_orders", "--var", "erp=oracle", "--inputs", inputs}, nil, &out, &errOut)
	t.Logf("transload diff OLD NEW --flow erp_orders (exit %d):\n%s%s", code, out.String(), errOut.String())
	if code != 1 {
		t.Errorf("exit %d, want 1 (something differs)", code)
	}
	if errOut.Len() > 0 {
		t.Errorf("stderr: %s", errOut.String())
	}
	// The whole output: one input changed, in exactly the rounded price
	// of its second line, in the document and in what the outbox gets
	// (erp_url is empty); 2 × 196.50 is 393.00, a cent more than the
	// line's 392.99: the change a reviewer must see before cutover.
	want := `order_cancel_with_refund.json: no change
order_create_manual_line_discount.json: no change
order_get_450789469_discount_partial_refund.json: no change
order_presentment_cad.json: no change
order_unallocated_discount.json: no change
order_unallocated_discount_uneven.json: 2 field(s) changed
  deliveries[0].body.lines[1].UnitSellingPrice: 196.495000 → 196.50
  steps.erp_document.lines[1].UnitSellingPrice: 196.495000 → 196.50
Summary: 6 input(s), 1 changed, 5 unchanged; 2 field(s) differ.
`
	if got := out.String(); got != want {
		t.Errorf("transload diff OLD NEW:\n got:\n%s\nwant:\n%s", got, want)
	}

	// The same edit seen from where the orders come in: diff of the
	// channel flow over the raw corpus files follows the delivery to
	// erp_orders and shows the change under it ("then").
	raw := filepath.Join(dir, "raw")
	if err := os.MkdirAll(raw, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, file := range diffRealChangeOrders {
		b, err := os.ReadFile(filepath.Join("testdata", "corpus", file))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(raw, filepath.Base(file)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	errOut.Reset()
	code = cli.Main([]string{"diff", oldDir, newDir, "--flow", "shopify_orders", "--var", "erp=oracle", "--inputs", raw}, nil, &out, &errOut)
	if code != 1 || errOut.Len() > 0 {
		t.Errorf("diff --flow shopify_orders: exit %d, stderr %s", code, errOut.String())
	}
	want = `order_cancel_with_refund.json: no change
order_create_manual_line_discount.json: no change
order_get_450789469_discount_partial_refund.json: no change
order_presentment_cad.json: no change
order_unallocated_discount.json: no change
order_unallocated_discount_uneven.json: 2 field(s) changed
  deliveries[0].then.deliveries[0].body.lines[1].UnitSellingPrice: 196.495000 → 196.50
  deliveries[0].then.steps.erp_document.lines[1].UnitSellingPrice: 196.495000 → 196.50
Summary: 6 input(s), 1 changed, 5 unchanged; 2 field(s) differ.
`
	if got := out.String(); got != want {
		t.Errorf("transload diff OLD NEW --flow shopify_orders:\n got:\n%s\nwant:\n%s", got, want)
	}
}

// TestDiffFollowsRejections: a rejected X12 set's interchange, forwarded
// as it came to edi_rejections (rejections_to), is run there by diff too:
// an edit of that flow shows.
func TestDiffFollowsRejections(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	dir := t.TempDir()
	oldDir, newDir, inputs := filepath.Join(dir, "old"), filepath.Join(dir, "new"), filepath.Join(dir, "inputs")
	for _, d := range []string{oldDir, newDir} {
		if err := os.CopyFS(d, os.DirFS("../flows")); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(newDir, "edi_rejections.hcl")
	src, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(src, []byte("'997R:'")) {
		t.Fatalf("flows/edi_rejections.hcl changed: update this test (%v)", err)
	}
	if err := os.WriteFile(file, bytes.Replace(src, []byte("'997R:'"), []byte("'997X:'"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "corpus", "edi", "x12_850_syntax_error_missing_id.edi"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(inputs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inputs, "broken.edi"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"diff", oldDir, newDir, "--flow", "edi_inbound", "--inputs", inputs}, nil, &out, &errOut)
	want := `  deliveries[0].then.steps.group.key: "997R:ZZ/ABCDEFGHIJKLMNO:000003438/1421" → "997X:ZZ/ABCDEFGHIJKLMNO:000003438/1421"`
	if code != 1 || !strings.Contains(out.String(), want) {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
	}
}
