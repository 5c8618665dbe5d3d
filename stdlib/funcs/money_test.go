package funcs

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/transload/transload/builtin"
)

func TestStrictMoney(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ src, want, err string }{
		{src: "money('24,99', 'USD')", err: builtin.ReasonInvalidMoney},
		{src: "money('24.999', 'USD')", err: builtin.ReasonInvalidMoney},
		{src: "money('24.9900', 'USD')", want: usd("24.99")},
		{src: "money(decimal('24.9900'), 'USD')", want: usd("24.99")},
		{src: "money('24.99', 'XXX')", err: builtin.ReasonUnknownCurrency},
	} {
		for _, d := range []builtin.Dialect{builtin.CEL, builtin.Expr} {
			h.expect(t, d, c.src, c.want, c.err)
		}
	}
}

// TestRoundingModes runs money_round and round with every mode over values
// that tell the modes apart, in both dialects.
func TestRoundingModes(t *testing.T) {
	modes := []string{"half_even", "half_up", "half_down", "up", "down", "ceiling", "floor"}
	table := []struct {
		value    string
		currency string
		want     []string // in the order of modes
	}{
		{"2.345", "USD", []string{"2.34", "2.35", "2.34", "2.35", "2.34", "2.35", "2.34"}},
		{"2.355", "USD", []string{"2.36", "2.36", "2.35", "2.36", "2.35", "2.36", "2.35"}},
		{"-2.345", "USD", []string{"-2.34", "-2.35", "-2.34", "-2.35", "-2.34", "-2.34", "-2.35"}},
		{"2.341", "USD", []string{"2.34", "2.34", "2.34", "2.35", "2.34", "2.35", "2.34"}},
		{"-2.349", "USD", []string{"-2.35", "-2.35", "-2.35", "-2.35", "-2.34", "-2.34", "-2.35"}},
		{"2.3450001", "USD", []string{"2.35", "2.35", "2.35", "2.35", "2.34", "2.35", "2.34"}},
		{"2.34", "USD", []string{"2.34", "2.34", "2.34", "2.34", "2.34", "2.34", "2.34"}},
		{"0.5", "JPY", []string{"0", "1", "0", "1", "0", "1", "0"}},
		{"1.5", "JPY", []string{"2", "2", "1", "2", "1", "2", "1"}},
		{"-1.5", "JPY", []string{"-2", "-2", "-1", "-2", "-1", "-1", "-2"}},
		{"1.0005", "KWD", []string{"1.000", "1.001", "1.000", "1.001", "1.000", "1.001", "1.000"}},
		{"1.0015", "KWD", []string{"1.002", "1.002", "1.001", "1.002", "1.001", "1.002", "1.001"}},
	}
	h := newHarness(t)
	for _, row := range table {
		c, _ := builtin.LookupCurrency(row.currency)
		for i, mode := range modes {
			t.Run(fmt.Sprintf("%s %s %s", row.value, row.currency, mode), func(t *testing.T) {
				money := fmt.Sprintf("money_round(decimal('%s'), '%s', '%s')", row.value, row.currency, mode)
				round := fmt.Sprintf("round(decimal('%s'), %d, '%s')", row.value, c.Minor, mode)
				for _, d := range []builtin.Dialect{builtin.CEL, builtin.Expr} {
					h.expect(t, d, money, cur(row.want[i], row.currency), "")
					h.expect(t, d, round, row.want[i], "")
				}
			})
		}
	}
}

// randomWeights returns n weights of one kind: ints, decimals with up to
// four places, or money in currency; at least one is positive.
func randomWeights(r *rand.Rand, n int, currency string) []any {
	c, _ := builtin.LookupCurrency(currency)
	kind := r.IntN(3)
	ws := make([]any, n)
	for i := range ws {
		zero := r.IntN(5) == 0
		switch kind {
		case 0:
			v := r.Int64N(1000)
			if zero {
				v = 0
			}
			ws[i] = v
		case 1:
			v := r.Int64N(10_000_000)
			if zero {
				v = 0
			}
			ws[i] = builtin.NewDecimal(v, -int32(r.IntN(5)))
		default:
			v := r.Int64N(100_000_000)
			if zero {
				v = 0
			}
			ws[i] = builtin.Money{Amount: builtin.NewDecimal(v, -c.Minor), Currency: currency}
		}
	}
	switch w := ws[r.IntN(n)].(type) {
	case int64:
		ws[0] = w + 1
	case builtin.Decimal:
		ws[0], _ = w.Add(builtin.DecimalFromInt(1))
	case builtin.Money:
		ws[0] = builtin.Money{Amount: builtin.NewDecimal(1, -c.Minor), Currency: currency}
	}
	return ws
}

// TestAllocateNeverLosesACent is a property test: for random amounts in
// currencies with 0, 2, 3 and 4 decimals and random weights, the parts add
// up to the amount exactly, carry the currency's scale, are within one
// minor unit of the exact proportional share, and zero weights get zero.
func TestAllocateNeverLosesACent(t *testing.T) {
	var allocate func([]any) (any, error)
	for _, f := range Money().Funcs {
		if f.Name == "allocate" {
			allocate = f.Overloads[0].Impl
		}
	}
	r := rand.New(rand.NewPCG(20200615, 1))
	currencies := []string{"USD", "JPY", "KWD", "CLF", "EUR", "BHD"}
	for iter := range 5000 {
		currency := currencies[iter%len(currencies)]
		c, _ := builtin.LookupCurrency(currency)
		var units int64
		switch iter % 4 {
		case 0:
			units = r.Int64N(100) - 50 // small amounts: remainders matter most
		case 1:
			units = r.Int64N(1_000_000)
		case 2:
			units = -r.Int64N(1_000_000_000_000)
		default:
			units = r.Int64N(1 << 62)
		}
		m := builtin.Money{Amount: builtin.NewDecimal(units, -c.Minor), Currency: currency}
		n := 1 + r.IntN(12)
		ws := randomWeights(r, n, currency)
		out, err := allocate([]any{m, ws})
		if err != nil {
			t.Fatalf("allocate(%s, %v): %v", m, ws, err)
		}
		parts := out.([]any)
		if len(parts) != n {
			t.Fatalf("allocate(%s, %v): %d parts", m, ws, len(parts))
		}
		total := builtin.Decimal{}
		wsum := builtin.Decimal{}
		for _, w := range ws {
			d, ok := decimalOf(w)
			if !ok {
				d = w.(builtin.Money).Amount
			}
			wsum, _ = wsum.Add(d)
		}
		one := builtin.NewDecimal(1, -c.Minor)
		for i, p := range parts {
			pm := p.(builtin.Money)
			if pm.Currency != currency || pm.Amount.Scale() != c.Minor {
				t.Fatalf("allocate(%s, %v): part %d is %s", m, ws, i, pm)
			}
			total, _ = total.Add(pm.Amount)
			w, ok := decimalOf(ws[i])
			if !ok {
				w = ws[i].(builtin.Money).Amount
			}
			exact, _ := m.Amount.Mul(w)
			exact, _ = exact.Quo(wsum)
			diff, _ := pm.Amount.Sub(exact)
			if diff.Abs().Cmp(one) >= 0 {
				t.Fatalf("allocate(%s, %v): part %d is %s, the exact share is %s", m, ws, i, pm, exact)
			}
			if w.IsZero() && !pm.IsZero() {
				t.Fatalf("allocate(%s, %v): zero weight %d got %s", m, ws, i, pm)
			}
		}
		if total.Cmp(m.Amount) != 0 {
			t.Fatalf("allocate(%s, %v): parts add up to %s", m, ws, total)
		}
	}
}

// TestAllocateBothDialects runs a sample of random allocations through both
// dialects and checks they agree and add up.
func TestAllocateBothDialects(t *testing.T) {
	h := newHarness(t)
	r := rand.New(rand.NewPCG(4217, 2))
	for _, currency := range []string{"USD", "JPY", "KWD"} {
		c, _ := builtin.LookupCurrency(currency)
		for range 20 {
			amount := builtin.NewDecimal(r.Int64N(2_000_000)-1_000_000, -c.Minor)
			n := 1 + r.IntN(6)
			ws := make([]string, n)
			for i := range ws {
				ws[i] = fmt.Sprintf("decimal('%s')", builtin.NewDecimal(1+r.Int64N(99_999), -int32(r.IntN(3))))
			}
			src := fmt.Sprintf("allocate(money('%s', '%s'), [%s])", amount, currency, strings.Join(ws, ", "))
			check := fmt.Sprintf("sum_money(%s, '%s') == money('%s', '%s')", src, currency, amount, currency)
			celOut, celErr, iss := h.eval(builtin.CEL, src)
			if iss != nil || celErr != nil {
				t.Fatalf("cel %s: %v %v", src, iss, celErr)
			}
			exprOut, exprErr, iss := h.eval(builtin.Expr, src)
			if iss != nil || exprErr != nil {
				t.Fatalf("expr %s: %v %v", src, iss, exprErr)
			}
			if builtin.Format(celOut) != builtin.Format(exprOut) {
				t.Errorf("%s: cel %s, expr %s", src, builtin.Format(celOut), builtin.Format(exprOut))
			}
			for _, d := range []builtin.Dialect{builtin.CEL, builtin.Expr} {
				h.expect(t, d, check, "true", "")
			}
		}
	}
}
