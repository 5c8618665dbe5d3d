package shopifynetsuite

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/transload/transload/cmd/transload/cli"
)

// The sample order of the drop folder: Shopify's order #1001.
const (
	sampleFile  = "order_450789469_discount_partial_refund.json"
	externalID  = "shopify-450789469"
	upsertPath  = "/services/rest/record/v1/salesOrder/eid:" + externalID
	account     = "1234567_SB1"
	customerID  = "2302"
	summaryLine = "shopify_orders           1 delivered"
)

// syncBuffer is the output of a transload that runs on another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// transload runs the stock CLI, as `go run ./cmd/transload` would.
func transload(args ...string) (int, string) {
	var out syncBuffer
	code := cli.Main(args, nil, &out, &out)
	return code, out.String()
}

// secret is a fresh random credential: no real one is ever in a test.
func secret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// credentials sets the NetSuite token-based authentication variables the
// sink reads, and returns them.
func credentials(t *testing.T) map[string]string {
	creds := map[string]string{}
	for _, name := range []string{"NETSUITE_CONSUMER_KEY", "NETSUITE_CONSUMER_SECRET", "NETSUITE_TOKEN_ID", "NETSUITE_TOKEN_SECRET"} {
		creds[name] = secret(t)
		t.Setenv(name, creds[name])
	}
	return creds
}

// copyFlows copies flows/ to a temporary folder, so that the drop folder
// of the repository keeps its sample.
func copyFlows(t *testing.T) (flows, data string) {
	t.Helper()
	dir := t.TempDir()
	flows = filepath.Join(dir, "flows")
	if err := os.CopyFS(flows, os.DirFS("flows")); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"done", "failed", ".processing"} {
		os.RemoveAll(filepath.Join(flows, "inbox", "shopify_orders", sub))
	}
	return flows, filepath.Join(dir, "data")
}

// request is one call the fake NetSuite received.
type request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// fakeNetSuite is NetSuite's REST record service on loopback. answers
// gives the status of each call in turn (then 204, NetSuite's answer to an
// upsert, with the record's Location).
type fakeNetSuite struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
}

func newFakeNetSuite(t *testing.T, answers ...int) *fakeNetSuite {
	f := &fakeNetSuite{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.requests = append(f.requests, request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		n := len(f.requests)
		f.mu.Unlock()
		if n <= len(answers) {
			switch answers[n-1] {
			case http.StatusTooManyRequests:
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"type":"https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.30","title":"Too Many Requests","status":429,"o:errorDetails":[{"detail":"Concurrency limit exceeded.","o:errorCode":"CONCURRENCY_LIMIT_EXCEEDED"}]}`))
			default:
				w.WriteHeader(answers[n-1])
				w.Write([]byte(`{"title":"Service Unavailable","status":503}`))
			}
			return
		}
		w.Header().Set("Location", "https://"+strings.ToLower(strings.ReplaceAll(account, "_", "-"))+".suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/8841")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeNetSuite) calls() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.requests...)
}

// runArgs are the arguments of run against the fake NetSuite.
func (f *fakeNetSuite) runArgs(flows, data string, extra ...string) []string {
	args := []string{"run", "--data", data,
		"--var", "netsuite_url=" + f.URL + "/services/rest/record/v1",
		"--var", "netsuite_account=" + account,
		"--var", "netsuite_customer_id=" + customerID}
	return append(append(args, extra...), flows)
}

// checkSalesOrder checks one call: the upsert of order #1001, signed with
// token-based authentication, and its salesOrder body.
func checkSalesOrder(t *testing.T, r request, creds map[string]string) {
	t.Helper()
	if r.Method != http.MethodPut || r.Path != upsertPath {
		t.Fatalf("NetSuite got %s %s, want PUT %s", r.Method, r.Path, upsertPath)
	}
	auth := r.Header.Get("Authorization")
	for _, want := range []string{
		`OAuth realm="` + account + `"`,
		`oauth_consumer_key="` + creds["NETSUITE_CONSUMER_KEY"] + `"`,
		`oauth_token="` + creds["NETSUITE_TOKEN_ID"] + `"`,
		`oauth_signature_method="HMAC-SHA256"`,
		`oauth_signature="`,
	} {
		if !strings.Contains(auth, want) {
			t.Errorf("Authorization %q lacks %s", auth, want)
		}
	}
	for _, s := range []string{creds["NETSUITE_CONSUMER_SECRET"], creds["NETSUITE_TOKEN_SECRET"]} {
		if strings.Contains(auth, s) || bytes.Contains(r.Body, []byte(s)) {
			t.Errorf("a secret was sent in the clear")
		}
	}
	if got := r.Header.Get("X-NetSuite-PropertyNameValidation"); got != "Error" {
		t.Errorf("X-NetSuite-PropertyNameValidation = %q, want Error", got)
	}
	var so struct {
		ExternalID  string            `json:"externalId"`
		OtherRefNum string            `json:"otherRefNum"`
		Memo        string            `json:"memo"`
		Entity      map[string]string `json:"entity"`
		TaxTotal    json.Number       `json:"custbody_tl_tax_total"`
		Item        struct {
			Items []struct {
				Item     map[string]string `json:"item"`
				Quantity json.Number       `json:"quantity"`
				Rate     json.Number       `json:"rate"`
				Amount   json.Number       `json:"amount"`
				LineID   string            `json:"custcol_tl_channel_line_id"`
			} `json:"items"`
		} `json:"item"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	if err := dec.Decode(&so); err != nil {
		t.Fatalf("the body is not JSON: %v\n%s", err, r.Body)
	}
	if so.ExternalID != externalID || so.OtherRefNum != "ABC123" || so.Entity["id"] != customerID || so.TaxTotal != "11.94" {
		t.Errorf("salesOrder header: externalId %q otherRefNum %q entity %v tax %s\n%s", so.ExternalID, so.OtherRefNum, so.Entity, so.TaxTotal, r.Body)
	}
	if cid := r.Header.Get("X-Correlation-ID"); cid == "" || so.Memo != "Transload "+cid {
		t.Errorf("memo %q does not name the correlation id %q", so.Memo, cid)
	}
	// rate is amount ÷ quantity, sent with 6 decimals (NetSuite keeps
	// rates to more than the currency's); amount is exact, to the cent.
	want := []struct{ item, rate, amount, line string }{
		{"1241", "195.660000", "195.66", "466157049"},
		{"1242", "195.670000", "195.67", "518995019"},
		{"1243", "195.670000", "195.67", "703073504"},
	}
	if len(so.Item.Items) != len(want) {
		t.Fatalf("%d lines, want %d\n%s", len(so.Item.Items), len(want), r.Body)
	}
	for i, w := range want {
		l := so.Item.Items[i]
		if l.Item["id"] != w.item || l.Quantity != "1" || l.Rate != json.Number(w.rate) || l.Amount != json.Number(w.amount) || l.LineID != w.line {
			t.Errorf("line %d: item %v quantity %s rate %s amount %s line id %s; want item %s, 1 at %s = %s", i+1, l.Item, l.Quantity, l.Rate, l.Amount, l.LineID, w.item, w.rate, w.amount)
		}
	}
}

// TestFlowTests: `transload test flows` passes, every run.
func TestFlowTests(t *testing.T) {
	code, out := transload("test", "flows")
	if code != 0 || !strings.Contains(out, "ok\tflows\t12 passed") || strings.Contains(out, "FAIL") {
		t.Fatalf("test flows: exit %d\n%s", code, out)
	}
}

// TestValidate: the flows load with their defaults (the outbox), and
// refuse to load when NetSuite is set without a customer to book to.
func TestValidate(t *testing.T) {
	if code, out := transload("validate", "flows"); code != 0 || !strings.Contains(out, "Success! 1 flow(s)") {
		t.Fatalf("validate: exit %d\n%s", code, out)
	}
	code, out := transload("validate", "--var", "netsuite_url=https://1234567.suitetalk.api.netsuite.com/services/rest/record/v1", "--var", "netsuite_account=1234567", "flows")
	if code == 0 || !strings.Contains(out, "set netsuite_customer_id") {
		t.Fatalf("validate without a customer: exit %d\n%s", code, out)
	}
}

// TestRunOnce: the sample order in the drop folder becomes one salesOrder
// upsert in NetSuite; the same order dropped again (Shopify resending a
// webhook) is a duplicate and NetSuite hears nothing more.
func TestRunOnce(t *testing.T) {
	creds := credentials(t)
	ns := newFakeNetSuite(t)
	flows, data := copyFlows(t)

	code, out := transload(ns.runArgs(flows, data, "--once", "--addr", "")...)
	if code != 0 || !strings.Contains(out, summaryLine) {
		t.Fatalf("run --once: exit %d\n%s", code, out)
	}
	calls := ns.calls()
	if len(calls) != 1 {
		t.Fatalf("NetSuite got %d calls, want 1\n%s", len(calls), out)
	}
	checkSalesOrder(t, calls[0], creds)
	done := filepath.Join(flows, "inbox", "shopify_orders", "done", sampleFile)
	if _, err := os.Stat(done); err != nil {
		t.Fatalf("the sample was not moved to done/: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "outbox")); err == nil {
		t.Errorf("with netsuite_url set, nothing should be written to the outbox")
	}

	// The same order again, with the same data directory.
	b, err := os.ReadFile(done)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(flows, "inbox", "shopify_orders", "again.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = transload(ns.runArgs(flows, data, "--once", "--addr", "")...)
	if code != 0 || !strings.Contains(out, "shopify_orders           1 duplicate") {
		t.Fatalf("run --once again: exit %d\n%s", code, out)
	}
	if n := len(ns.calls()); n != 1 {
		t.Fatalf("NetSuite got %d calls after the duplicate, want still 1", n)
	}
}

// TestRunOnceNetSuiteBusy: NetSuite answers 503 (maintenance), then 429
// with Retry-After (concurrency limit), then accepts. The order is retried
// with the same upsert, booked once, and no dead letter is left.
func TestRunOnceNetSuiteBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for two retries")
	}
	creds := credentials(t)
	ns := newFakeNetSuite(t, http.StatusServiceUnavailable, http.StatusTooManyRequests)
	flows, data := copyFlows(t)

	start := time.Now()
	code, out := transload(ns.runArgs(flows, data, "--once", "--addr", "")...)
	t.Log(out) // go test -v shows what an operator sees: the retries, then the delivery
	if code != 0 || !strings.Contains(out, summaryLine) || strings.Contains(out, "dead letter") {
		t.Fatalf("run --once: exit %d\n%s", code, out)
	}
	calls := ns.calls()
	if len(calls) != 3 {
		t.Fatalf("NetSuite got %d calls, want 3 (503, 429, 204)\n%s", len(calls), out)
	}
	for _, c := range calls {
		checkSalesOrder(t, c, creds)
		if !bytes.Equal(c.Body, calls[0].Body) {
			t.Errorf("a retry sent another body:\n%s\n%s", calls[0].Body, c.Body)
		}
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("done in %v: the Retry-After of 1s was not waited for", took)
	}
	if code, out := transload("dlq", "ls", "--data", data); code != 0 || !strings.Contains(out, "No dead letters.") {
		t.Errorf("dlq ls: exit %d\n%s", code, out)
	}
}

// TestWebhook: the orders/create webhook, signed as Shopify signs it, is
// accepted and booked; a body with a wrong signature is refused with 401
// and never reaches NetSuite.
func TestWebhook(t *testing.T) {
	p, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Skip(err)
	}
	creds := credentials(t)
	shopSecret := secret(t)
	t.Setenv("SHOPIFY_WEBHOOK_SECRET", shopSecret)
	ns := newFakeNetSuite(t)
	flows, data := copyFlows(t)
	// Only the webhook this time: the drop folder is empty.
	os.Remove(filepath.Join(flows, "inbox", "shopify_orders", sampleFile))

	var out syncBuffer
	exited := make(chan int, 1)
	go func() {
		exited <- cli.Main(ns.runArgs(flows, data, "--addr", "127.0.0.1:0"), nil, &out, &out)
	}()
	listening := regexp.MustCompile(`listening on (http://[0-9.:]+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("transload run did not start:\n%s", out.String())
		}
		select {
		case code := <-exited:
			t.Fatalf("transload run exited with %d:\n%s", code, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	stopped := false
	defer func() {
		if stopped {
			return
		}
		select {
		case <-exited: // it stopped on its own
		default:
			p.Signal(os.Interrupt)
			<-exited
		}
	}()

	body, err := os.ReadFile(filepath.Join("flows", "inbox", "shopify_orders", sampleFile))
	if err != nil {
		t.Fatal(err)
	}
	post := func(key string) (int, string) {
		m := hmac.New(sha256.New, []byte(key))
		m.Write(body)
		req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/shopify_orders", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Shopify-Topic", "orders/create")
		req.Header.Set("X-Shopify-Shop-Domain", "jsmith.myshopify.com")
		req.Header.Set("X-Shopify-Hmac-Sha256", base64.StdEncoding.EncodeToString(m.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if status, answer := post(secret(t)); status != http.StatusUnauthorized || !strings.Contains(answer, "UNAUTHORIZED") {
		t.Fatalf("a body signed with another secret: %d %s", status, answer)
	}
	if status, answer := post(shopSecret); status != http.StatusAccepted {
		t.Fatalf("the signed webhook: %d %s", status, answer)
	}
	// Shopify sends it again (it had no answer in time, say).
	if status, answer := post(shopSecret); status != http.StatusAccepted {
		t.Fatalf("the webhook sent again: %d %s", status, answer)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		if strings.Contains(out.String(), "outcome=duplicate") && len(ns.calls()) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the webhooks were not processed: %d NetSuite calls\n%s", len(ns.calls()), out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.Signal(os.Interrupt); err != nil {
		t.Skip("cannot stop transload run with an interrupt here: ", err)
	}
	stopped = true
	if code := <-exited; code != 0 {
		t.Fatalf("transload run exited with %d:\n%s", code, out.String())
	}
	calls := ns.calls()
	if len(calls) != 1 {
		t.Fatalf("NetSuite got %d calls for one order sent twice, want 1\n%s", len(calls), out.String())
	}
	checkSalesOrder(t, calls[0], creds)
	if !strings.Contains(out.String(), "shopify_orders           1 delivered, 1 duplicate") {
		t.Errorf("summary:\n%s", out.String())
	}
}
