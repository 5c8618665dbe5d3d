package connectors

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

// seenRequest is what a loopback target received.
type seenRequest struct {
	method, path, query string
	header              http.Header
	body                string
}

// target is a loopback HTTP server that records requests and answers
// with handle.
type target struct {
	srv    *httptest.Server
	mu     sync.Mutex
	seen   []seenRequest
	handle func(w http.ResponseWriter, r *http.Request, n int)
}

func newTarget(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *target {
	t.Helper()
	tg := &target{handle: handle}
	tg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		tg.mu.Lock()
		tg.seen = append(tg.seen, seenRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
		n := len(tg.seen)
		tg.mu.Unlock()
		tg.handle(w, r, n)
	}))
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *target) requests() []seenRequest {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return append([]seenRequest(nil), tg.seen...)
}

func newHTTPSink(t *testing.T, settings map[string]cty.Value) *HTTPSink {
	t.Helper()
	s, err := NewHTTPSink(connector.SinkParams{Name: "erp", Config: mustConfig(t, HTTPSinkSpec, settings)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s.(*HTTPSink)
}

func order() *connector.Delivery {
	return &connector.Delivery{
		Key: "shop:1001", IdempotencyKey: "idem-7f3a", CorrelationID: "corr-42", Attempt: 1,
		Body:     map[string]any{"id": "1001", "total": builtin.MustDecimal("24.90")},
		Headers:  map[string]string{"X-Step": "deliver"},
		Settings: map[string]map[string]string{"path": {"": "/eid:1001"}, "headers": {"X-Order-Id": "1001"}},
	}
}

func TestHTTPSinkSuccess(t *testing.T) {
	leakCheck(t)
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 98765, "status": "created", "amount": 24.90, "big": 123456789012345678901234567890, "lines": [{"n": 1}]}`)
	})
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL + "/record/v1/salesOrder")})
	resp, err := sink.Deliver(context.Background(), order())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 201 || resp.Ref != "98765" {
		t.Fatalf("status %d ref %q", resp.Status, resp.Ref)
	}
	body := resp.Body.(map[string]any)
	if body["id"] != int64(98765) || body["status"] != "created" || builtin.Format(body["amount"]) != "24.90" ||
		builtin.Format(body["big"]) != "123456789012345678901234567890" || builtin.Format(body["lines"]) != `[{"n":1}]` {
		t.Fatalf("body %#v", body)
	}
	reqs := tg.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	checks := map[string][2]string{
		"method":           {r.method, "POST"},
		"path":             {r.path, "/record/v1/salesOrder/eid:1001"},
		"body":             {r.body, `{"id":"1001","total":24.90}`},
		"content type":     {r.header.Get("Content-Type"), "application/json"},
		"correlation id":   {r.header.Get("X-Correlation-ID"), "corr-42"},
		"idempotency key":  {r.header.Get("Idempotency-Key"), "idem-7f3a"},
		"setting header":   {r.header.Get("X-Order-Id"), "1001"},
		"delivery header":  {r.header.Get("X-Step"), "deliver"},
		"accept":           {r.header.Get("Accept"), "application/json"},
		"no authorization": {r.header.Get("Authorization"), ""},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s: %q, want %q", name, c[0], c[1])
		}
	}
}

func TestHTTPSinkResponseMapping(t *testing.T) {
	cases := []struct {
		name     string
		header   map[string]string
		body     string
		wantRef  string
		wantBody string
	}{
		{"location wins", map[string]string{"Location": "/record/v1/salesOrder/42", "Content-Type": "application/json"}, `{"id":"x"}`, "/record/v1/salesOrder/42", `{"id":"x"}`},
		{"string id", map[string]string{"Content-Type": "application/json"}, `{"id":"SO-7"}`, "SO-7", `{"id":"SO-7"}`},
		{"empty body", nil, ``, "", `null`},
		{"not JSON", map[string]string{"Content-Type": "text/plain"}, `OK`, "", `null`},
		{"JSON without content type", nil, `{"id":3}`, "3", `{"id":3}`},
		{"broken JSON", map[string]string{"Content-Type": "application/json"}, `{"id":`, "", `null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				if c.header["Content-Type"] == "" {
					w.Header()["Content-Type"] = nil // no sniffing
				}
				w.WriteHeader(http.StatusOK)
				io.WriteString(w, c.body)
			})
			sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL)})
			resp, err := sink.Deliver(context.Background(), order())
			if err != nil {
				t.Fatal(err)
			}
			if resp.Ref != c.wantRef || builtin.Format(resp.Body) != c.wantBody {
				t.Fatalf("ref %q body %s, want %q %s", resp.Ref, builtin.Format(resp.Body), c.wantRef, c.wantBody)
			}
		})
	}
}

// TestHTTPSinkRefPaths: ref_paths find the id a GraphQL answer nests
// under its operation, the first path that matches wins over Location, and
// an answer none matches keeps the usual ref.
func TestHTTPSinkRefPaths(t *testing.T) {
	paths := cty.ListVal([]cty.Value{str("data.fulfillmentCreate.fulfillment.id"), str("data.fulfillmentTrackingInfoUpdate.fulfillment.id"), str("items.1.id")})
	cases := []struct{ body, location, want string }{
		{`{"data":{"fulfillmentCreate":{"fulfillment":{"id":"gid://shopify/Fulfillment/255858046"},"userErrors":[]}}}`, "", "gid://shopify/Fulfillment/255858046"},
		{`{"data":{"fulfillmentTrackingInfoUpdate":{"fulfillment":{"id":"gid://shopify/Fulfillment/9"}}}}`, "/somewhere", "gid://shopify/Fulfillment/9"},
		{`{"items":[{"id":1},{"id":300000000000000001}]}`, "", "300000000000000001"},
		{`{"data":{"fulfillmentCreate":{"fulfillment":null}}}`, "/x/7", "/x/7"},
		{`{"id":"SO-7"}`, "", "SO-7"},
	}
	for _, c := range cases {
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "application/json")
			if c.location != "" {
				w.Header().Set("Location", c.location)
			}
			io.WriteString(w, c.body)
		})
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "ref_paths": paths})
		resp, err := sink.Deliver(context.Background(), order())
		if err != nil {
			t.Fatal(err)
		}
		if resp.Ref != c.want {
			t.Errorf("%s: ref %q, want %q", c.body, resp.Ref, c.want)
		}
	}
}

// TestHTTPSinkUpdateMethod: update_method is used for a delivery that
// replaces one this sink got (the ledger says so), not for the first
// delivery to this sink of a key that is an update elsewhere.
func TestHTTPSinkUpdateMethod(t *testing.T) {
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(http.StatusOK) })
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "update_method": str("PATCH")})
	for _, c := range []struct {
		update, replacing bool
		want              string
	}{{false, false, "POST"}, {true, false, "POST"}, {true, true, "PATCH"}} {
		d := order()
		d.Update, d.Replacing = c.update, c.replacing
		if _, err := sink.Deliver(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		reqs := tg.requests()
		if got := reqs[len(reqs)-1].method; got != c.want {
			t.Errorf("update %v replacing %v: %s, want %s", c.update, c.replacing, got, c.want)
		}
	}
}

func TestHTTPSinkClassification(t *testing.T) {
	httpDate := func() string { return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat) }
	longBody := strings.Repeat("e", 600) + "TAIL"
	cases := []struct {
		name       string
		status     int
		retryAfter func() string
		body       string
		retryable  bool
		minAfter   time.Duration
		maxAfter   time.Duration
		wantInMsg  []string
	}{
		{name: "500", status: 500, body: `{"error":"db down"}`, retryable: true, wantInMsg: []string{"500 Internal Server Error", "db down"}},
		{name: "502", status: 502, retryable: true},
		{name: "503 with seconds", status: 503, retryAfter: func() string { return "120" }, retryable: true, minAfter: 120 * time.Second, maxAfter: 120 * time.Second},
		{name: "429 with seconds", status: 429, retryAfter: func() string { return "7" }, retryable: true, minAfter: 7 * time.Second, maxAfter: 7 * time.Second},
		{name: "429 with an HTTP-date", status: 429, retryAfter: httpDate, retryable: true, minAfter: 2 * time.Second, maxAfter: 3 * time.Second},
		{name: "429 with a past date", status: 429, retryAfter: func() string { return "Wed, 21 Oct 2015 07:28:00 GMT" }, retryable: true},
		{name: "429 with garbage", status: 429, retryAfter: func() string { return "soon" }, retryable: true},
		{name: "408", status: 408, retryable: true},
		{name: "425", status: 425, retryable: true},
		{name: "400", status: 400, body: `{"error":"customer 77 does not exist"}`, wantInMsg: []string{"400 Bad Request", "customer 77 does not exist"}},
		{name: "404", status: 404},
		{name: "409", status: 409},
		{name: "422 quotes 512 bytes", status: 422, body: longBody, wantInMsg: []string{strings.Repeat("e", 512)}},
		{name: "401 without oauth2", status: 401},
		{name: "redirect is not followed", status: 302, wantInMsg: []string{"redirects are not followed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if c.retryAfter != nil {
					w.Header().Set("Retry-After", c.retryAfter())
				}
				if c.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			})
			sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL + "/orders?apikey=SECRETKEY")})
			_, err := sink.Deliver(context.Background(), order())
			if err == nil {
				t.Fatal("no error")
			}
			var retry *connector.RetryableError
			var perm *connector.PermanentError
			if c.retryable {
				if !errors.As(err, &retry) || retry.Status != c.status {
					t.Fatalf("want retryable with status %d, got %#v", c.status, err)
				}
				if retry.RetryAfter < c.minAfter || retry.RetryAfter > c.maxAfter {
					t.Fatalf("RetryAfter %s, want %s..%s", retry.RetryAfter, c.minAfter, c.maxAfter)
				}
				if errors.Is(err, connector.ErrNotSent) {
					t.Fatal("an answered request marked not sent")
				}
			} else {
				if !errors.As(err, &perm) || perm.Reason != ReasonRejectedByTarget || perm.Status != c.status {
					t.Fatalf("want permanent REJECTED_BY_TARGET %d, got %#v", c.status, err)
				}
				if strings.Contains(err.Error(), "TAIL") {
					t.Fatal("the message quotes more than 512 bytes")
				}
			}
			for _, s := range c.wantInMsg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q lacks %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "SECRETKEY") {
				t.Fatalf("the message shows the query: %q", err)
			}
			if n := len(tg.requests()); n != 1 {
				t.Fatalf("%d requests", n)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 250e6, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"0":                             0,
		"-5":                            0,
		"  30 ":                         30 * time.Second,
		"Thu, 02 Jan 2025 03:04:10 GMT": 5 * time.Second, // 4.75s rounded up
		"Thu, 02 Jan 2025 03:04:05 GMT": 0,
		"Thursday":                      0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestHTTPSinkNetworkErrors(t *testing.T) {
	leakCheck(t)
	t.Run("refused connection is retryable and not sent", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		sink := newHTTPSink(t, map[string]cty.Value{"url": str("http://" + addr + "/orders")})
		_, err = sink.Deliver(context.Background(), order())
		var retry *connector.RetryableError
		if !errors.As(err, &retry) || !errors.Is(err, connector.ErrNotSent) {
			t.Fatalf("got %#v", err)
		}
	})
	t.Run("timeout is retryable and in doubt", func(t *testing.T) {
		release := make(chan struct{})
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		defer close(release)
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "timeout": str("100ms")})
		start := time.Now()
		_, err := sink.Deliver(context.Background(), order())
		var retry *connector.RetryableError
		if !errors.As(err, &retry) || errors.Is(err, connector.ErrNotSent) || !strings.Contains(err.Error(), "no answer within 100ms") {
			t.Fatalf("got %v", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("the timeout was not applied")
		}
	})
}

func TestHTTPSinkIdempotency(t *testing.T) {
	for _, c := range []struct {
		strategy   string
		header     string
		wantHeader string
		want       connector.Idempotency
	}{
		{"header", "", "Idempotency-Key", connector.IdempotencyKey},
		{"header", "X-Request-Id", "X-Request-Id", connector.IdempotencyKey},
		{"upsert", "", "", connector.IdempotencyKey},
		{"find", "", "", connector.IdempotencyFind},
		{"none", "", "", connector.IdempotencyNone},
	} {
		t.Run(c.strategy+c.header, func(t *testing.T) {
			tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					w.WriteHeader(503)
					return
				}
				w.WriteHeader(204)
			})
			settings := map[string]cty.Value{"url": str(tg.srv.URL), "idempotency": str(c.strategy)}
			if c.header != "" {
				settings["idempotency_header"] = str(c.header)
			}
			sink := newHTTPSink(t, settings)
			d := order()
			if _, err := sink.Deliver(context.Background(), d); err == nil {
				t.Fatal("the first attempt should fail")
			}
			d.Attempt = 2
			if _, err := sink.Deliver(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			reqs := tg.requests()
			for i, r := range reqs {
				for _, h := range []string{"Idempotency-Key", "X-Request-Id"} {
					got := r.header.Get(h)
					if h == c.wantHeader && got != "idem-7f3a" {
						t.Errorf("attempt %d: %s = %q, want the stable key", i+1, h, got)
					}
					if h != c.wantHeader && got != "" {
						t.Errorf("attempt %d: unexpected %s %q", i+1, h, got)
					}
				}
			}
			f, _ := registeredSink("http")
			if got := f.IdempotencyOf(mustConfig(t, HTTPSinkSpec, settings)); got != c.want {
				t.Errorf("IdempotencyOf = %s, want %s", got, c.want)
			}
		})
	}
}

func registeredSink(kind string) (connector.SinkFactory, bool) {
	r := connector.NewRegistry()
	if err := Register(r); err != nil {
		panic(err)
	}
	return r.Sink(kind)
}

func TestHTTPSinkFind(t *testing.T) {
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/salesOrder/eid:1001":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"555","externalId":"1001"}`)
		case "/salesOrder/eid:1002":
			w.WriteHeader(404)
		default:
			w.WriteHeader(500)
		}
	})
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL + "/salesOrder"), "idempotency": str("find")})
	var finder connector.Finder = sink
	find := func(findURL string) (bool, *connector.Response, error) {
		d := order()
		d.Settings["find_url"] = map[string]string{"": findURL}
		return finder.Find(context.Background(), d)
	}
	found, resp, err := find("/eid:1001")
	if err != nil || !found || resp.Ref != "555" {
		t.Fatalf("existing: %v %+v %v", found, resp, err)
	}
	found, resp, err = find(tg.srv.URL + "/salesOrder/eid:1002") // an absolute URL
	if err != nil || found || resp != nil {
		t.Fatalf("missing: %v %+v %v", found, resp, err)
	}
	_, _, err = find("/eid:broken")
	if connector.IsPermanent(err) || err == nil {
		t.Fatalf("a 500 must be retryable: %v", err)
	}
	_, _, err = find("")
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Reason != ReasonInvalidSetting {
		t.Fatalf("no find_url: %v", err)
	}
	for _, r := range tg.requests() {
		if r.method != http.MethodGet || r.header.Get("X-Correlation-ID") != "corr-42" || r.body != "" {
			t.Fatalf("find request %+v", r)
		}
	}
}

func TestHTTPSinkRefusesBadHeaders(t *testing.T) {
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(200) })
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL)})
	for name, h := range map[string][2]string{
		"space in name":    {"X Order", "1"},
		"colon in name":    {"X:Order", "1"},
		"newline in value": {"X-Order", "1\r\nX-Injected: yes"},
	} {
		d := order()
		d.Settings["headers"] = map[string]string{h[0]: h[1]}
		_, err := sink.Deliver(context.Background(), d)
		var perm *connector.PermanentError
		if !errors.As(err, &perm) || perm.Reason != ReasonInvalidSetting {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(tg.requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestHTTPSinkFormats(t *testing.T) {
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(200) })
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "format": str("xml"), "method": str("PUT")})
	d := order()
	d.Body = `<order id="1001"/>`
	if _, err := sink.Deliver(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	r := tg.requests()[0]
	if r.method != "PUT" || r.body != `<order id="1001"/>` || r.header.Get("Content-Type") != "application/xml" {
		t.Fatalf("request %+v", r)
	}
	d.Body = []any{"1001"}
	_, err := sink.Deliver(context.Background(), d)
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Reason != ReasonUnencodable || !strings.Contains(err.Error(), "xml body must be XML text (a string) or a map with one key") {
		t.Fatalf("list as xml: %v", err)
	}
	if len(tg.requests()) != 1 {
		t.Fatal("an unencodable document was sent")
	}
}

func TestHTTPSinkStaticAuth(t *testing.T) {
	password, token := secret(t), secret(t)
	cred := base64.StdEncoding.EncodeToString([]byte("integration:" + password))
	for _, c := range []struct {
		name    string
		auth    cty.Value
		want    func(r *http.Request) bool
		secrets []string
	}{
		{"basic", block(httpAuthSpec, "basic", map[string]cty.Value{"username": str("integration"), "password": str(password)}),
			func(r *http.Request) bool {
				u, p, ok := r.BasicAuth()
				return ok && u == "integration" && p == password
			}, []string{password, cred}},
		{"bearer", block(httpAuthSpec, "bearer", map[string]cty.Value{"token": str(token)}),
			func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+token },
			[]string{token}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ok atomic.Bool
			tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
				ok.Store(c.want(r))
				w.WriteHeader(400)
				// A careless target echoes what it was sent.
				io.WriteString(w, "bad request: "+r.Header.Get("Authorization")+" "+strings.Join(c.secrets, " "))
			})
			logs := &logBuffer{}
			s, err := NewHTTPSink(connector.SinkParams{Name: "erp", Logger: logs.logger(), Config: mustConfig(t, HTTPSinkSpec, map[string]cty.Value{
				"url": str(tg.srv.URL), "auth": c.auth,
				// A header setting cannot override the auth block.
			})})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(context.Background())
			d := order()
			d.Settings["headers"]["Authorization"] = "Bearer forged"
			_, err = s.Deliver(context.Background(), d)
			if !ok.Load() {
				t.Fatal("the target did not get the credentials")
			}
			if !strings.Contains(err.Error(), "[redacted]") {
				t.Fatalf("error %v", err)
			}
			for _, sec := range c.secrets {
				if strings.Contains(err.Error(), sec) || strings.Contains(logs.String(), sec) {
					t.Fatal("a secret leaked into an error or the log")
				}
			}
		})
	}
}

// tokenServer is a loopback OAuth2 token endpoint counting its requests.
type tokenServer struct {
	srv       *httptest.Server
	requests  atomic.Int32
	expiresIn string
	bad       error
	mu        sync.Mutex
}

func newTokenServer(t *testing.T, clientID, clientSecret, expiresIn string, post bool) *tokenServer {
	ts := &tokenServer{expiresIn: expiresIn}
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ts.requests.Add(1)
		if err := r.ParseForm(); err != nil {
			ts.fail(err)
		}
		id, sec, ok := r.BasicAuth()
		if post {
			id, sec, ok = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), true
		}
		if !ok || id != clientID || sec != clientSecret {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"invalid_client","error_description":"bad credentials `+sec+`"}`)
			return
		}
		if g := r.PostForm.Get("grant_type"); g != "client_credentials" {
			ts.fail(fmt.Errorf("grant_type %q", g))
		}
		if s := r.PostForm.Get("scope"); s != "orders.write items.read" {
			ts.fail(fmt.Errorf("scope %q", s))
		}
		if a := r.PostForm.Get("audience"); a != "erp" {
			ts.fail(fmt.Errorf("audience %q", a))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":%s}`, n, ts.expiresIn)
	}))
	t.Cleanup(ts.srv.Close)
	return ts
}

func (ts *tokenServer) fail(err error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.bad = err
}

func oauthBlock(ts *tokenServer, id, sec string, post bool) cty.Value {
	given := map[string]cty.Value{
		"token_url": str(ts.srv.URL + "/oauth2/token"), "client_id": str(id), "client_secret": str(sec),
		"scopes": strs("orders.write", "items.read"), "params": cty.MapVal(map[string]cty.Value{"audience": str("erp")}),
	}
	if post {
		given["client_auth"] = str("post")
	}
	return block(httpAuthSpec, "oauth2", given)
}

func TestHTTPSinkOAuth2(t *testing.T) {
	leakCheck(t)
	id, sec := "transload-"+secret(t)[:6], secret(t)

	t.Run("token cached, refreshed after expiry", func(t *testing.T) {
		for _, post := range []bool{false, true} {
			ts := newTokenServer(t, id, sec, "3600", post)
			var auths []string
			var mu sync.Mutex
			tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
				mu.Lock()
				auths = append(auths, r.Header.Get("Authorization"))
				mu.Unlock()
				w.WriteHeader(201)
			})
			sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": oauthBlock(ts, id, sec, post)})
			var clock atomic.Int64
			sink.auth.(*oauth2Auth).now = func() time.Time { return time.Unix(1_700_000_000+clock.Load(), 0) }
			for range 3 {
				if _, err := sink.Deliver(context.Background(), order()); err != nil {
					t.Fatal(err)
				}
			}
			if n := ts.requests.Load(); n != 1 {
				t.Fatalf("%d token requests for 3 deliveries, want 1", n)
			}
			clock.Store(3600 - 29) // refreshed shortly before expires_in
			if _, err := sink.Deliver(context.Background(), order()); err != nil {
				t.Fatal(err)
			}
			if n := ts.requests.Load(); n != 2 {
				t.Fatalf("%d token requests after expiry, want 2", n)
			}
			if fmt.Sprint(auths) != "[Bearer tok-1 Bearer tok-1 Bearer tok-1 Bearer tok-2]" {
				t.Fatalf("authorization headers %v", auths)
			}
			if ts.bad != nil {
				t.Fatal(ts.bad)
			}
		}
	})

	t.Run("refreshed once on 401", func(t *testing.T) {
		ts := newTokenServer(t, id, sec, `"3600"`, false) // a string, as older Azure AD sends
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if r.Header.Get("Authorization") == "Bearer tok-1" { // revoked early
				w.WriteHeader(401)
				return
			}
			w.WriteHeader(200)
		})
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": oauthBlock(ts, id, sec, false)})
		resp, err := sink.Deliver(context.Background(), order())
		if err != nil || resp.Status != 200 {
			t.Fatalf("%v %v", resp, err)
		}
		if n := ts.requests.Load(); n != 2 {
			t.Fatalf("%d token requests, want 2", n)
		}
		reqs := tg.requests()
		if len(reqs) != 2 || reqs[0].body != reqs[1].body || reqs[1].header.Get("Idempotency-Key") != "idem-7f3a" {
			t.Fatalf("requests %+v", reqs)
		}
	})

	t.Run("a second 401 is a rejection", func(t *testing.T) {
		ts := newTokenServer(t, id, sec, "3600", false)
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(401) })
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": oauthBlock(ts, id, sec, false)})
		_, err := sink.Deliver(context.Background(), order())
		var perm *connector.PermanentError
		if !errors.As(err, &perm) || perm.Status != 401 {
			t.Fatalf("got %v", err)
		}
		if n := len(tg.requests()); n != 2 {
			t.Fatalf("%d requests, want 2 (one retry)", n)
		}
	})

	t.Run("a refused client is retryable, not sent, and secret-free", func(t *testing.T) {
		ts := newTokenServer(t, id, sec, "3600", false)
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(200) })
		wrong := secret(t)
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": oauthBlock(ts, id, wrong, false)})
		_, err := sink.Deliver(context.Background(), order())
		var retry *connector.RetryableError
		if !errors.As(err, &retry) || !errors.Is(err, connector.ErrNotSent) || !strings.Contains(err.Error(), "invalid_client") {
			t.Fatalf("got %v", err)
		}
		if strings.Contains(err.Error(), wrong) {
			t.Fatalf("the error shows the secret: %v", err)
		}
		if len(tg.requests()) != 0 {
			t.Fatal("the document was sent without a token")
		}
	})

	t.Run("concurrent deliveries share one token request", func(t *testing.T) {
		ts := newTokenServer(t, id, sec, "3600", false)
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(200) })
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": oauthBlock(ts, id, sec, false)})
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := sink.Deliver(context.Background(), order()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := ts.requests.Load(); n != 1 {
			t.Fatalf("%d token requests", n)
		}
	})
}

// TestHTTPSinkEmptyCredentialsNoURL: a sink with neither URL nor
// credentials (the default flows before anything is connected) is not
// worth a warning at every start.
func TestHTTPSinkEmptyCredentialsNoURL(t *testing.T) {
	logs := &logBuffer{}
	s, err := NewHTTPSink(connector.SinkParams{Name: "erp", Logger: logs.logger(), Config: mustConfig(t, HTTPSinkSpec, map[string]cty.Value{
		"url":  str(""),
		"auth": block(httpAuthSpec, "basic", map[string]cty.Value{"username": str(""), "password": str("")}),
	})})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("log:\n%s", logs.String())
	}
}

func TestHTTPSinkEmptyCredentials(t *testing.T) {
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(200) })
	logs := &logBuffer{}
	// env("ERP_PASSWORD") of an unset variable is "": the flow loads, the
	// sink warns once and sends nothing.
	s, err := NewHTTPSink(connector.SinkParams{Name: "erp", Logger: logs.logger(), Config: mustConfig(t, HTTPSinkSpec, map[string]cty.Value{
		"url":  str(tg.srv.URL),
		"auth": block(httpAuthSpec, "basic", map[string]cty.Value{"username": str("integration"), "password": str("")}),
	})})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if strings.Count(logs.String(), "level=WARN") != 1 || !strings.Contains(logs.String(), "password is empty") {
		t.Fatalf("log:\n%s", logs.String())
	}
	_, err = s.Deliver(context.Background(), order())
	var retry *connector.RetryableError
	if !errors.As(err, &retry) || !errors.Is(err, connector.ErrNotSent) || !strings.Contains(err.Error(), "password is empty") {
		t.Fatalf("got %v", err)
	}
	if n := len(tg.requests()); n != 0 {
		t.Fatalf("%d requests sent without credentials", n)
	}
}

func TestHTTPSinkSpecCheck(t *testing.T) {
	for _, c := range []struct {
		name     string
		settings map[string]cty.Value
		want     string
	}{
		{"relative url", map[string]cty.Value{"url": str("/orders")}, "absolute http"},
		{"ftp url", map[string]cty.Value{"url": str("ftp://erp/orders")}, "absolute http"},
		{"url password redacted", map[string]cty.Value{"url": str("ftp://u:hunter2@erp/")}, "absolute http"},
		{"bad timeout", map[string]cty.Value{"url": str("https://erp"), "timeout": str("30")}, "not a duration"},
		{"bad header name", map[string]cty.Value{"url": str("https://erp"), "idempotency_header": str("Idem Key")}, "not a header name"},
		{"unknown auth", map[string]cty.Value{"url": str("https://erp"), "auth": block(httpAuthSpec, "digest", nil)}, `auth type "digest"`},
		{"basic without password", map[string]cty.Value{"url": str("https://erp"), "auth": block(httpAuthSpec, "basic", map[string]cty.Value{"username": str("u")})}, "needs password"},
		{"basic with token", map[string]cty.Value{"url": str("https://erp"), "auth": block(httpAuthSpec, "basic", map[string]cty.Value{"username": str("u"), "password": str("p"), "token": str("t")})}, "does not use token"},
		{"oauth2 without secret", map[string]cty.Value{"url": str("https://erp"), "auth": block(httpAuthSpec, "oauth2", map[string]cty.Value{"token_url": str("https://login/token"), "client_id": str("c")})}, "needs client_secret"},
		{"oauth2 relative token url", map[string]cty.Value{"url": str("https://erp"), "auth": block(httpAuthSpec, "oauth2", map[string]cty.Value{"token_url": str("/token"), "client_id": str("c"), "client_secret": str("s")})}, "token_url"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := buildConfig(HTTPSinkSpec, c.settings)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatal("the error shows a password")
			}
		})
	}
}
