package connectors

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

// secret returns a fresh random secret: tests never use fixed ones.
func secret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func sign(key, body string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(body))
	return m.Sum(nil)
}

// httpSourceRig runs an http source behind a loopback server.
type httpSourceRig struct {
	t      *testing.T
	src    connector.Source
	ing    *recorder
	srv    *httptest.Server
	client *http.Client
	log    *logBuffer
	url    string
}

func newHTTPSourceRig(t *testing.T, settings map[string]cty.Value, check func([]byte) error) *httpSourceRig {
	t.Helper()
	leakCheck(t)
	if _, ok := settings["path"]; !ok {
		settings["path"] = str("/webhooks/orders")
	}
	rig := &httpSourceRig{t: t, ing: newRecorder(), log: &logBuffer{}}
	router := newTestRouter()
	src, err := NewHTTPSource(connector.SourceParams{
		Flow: "orders", Format: "json",
		Config:  mustConfig(t, HTTPSourceSpec, settings),
		Ingress: rig.ing, Router: router, Logger: rig.log.logger(), Check: check,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	rig.src = src
	rig.srv = httptest.NewServer(router.mux)
	rig.client = &http.Client{Transport: &http.Transport{}}
	rig.url = rig.srv.URL + settings["path"].AsString()
	t.Cleanup(func() {
		rig.client.CloseIdleConnections()
		rig.srv.Close()
		if err := src.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return rig
}

type answer struct {
	status int
	header http.Header
	body   map[string]string
}

func (r *httpSourceRig) do(method, body string, header map[string]string) answer {
	r.t.Helper()
	req, err := http.NewRequest(method, r.url, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		r.t.Errorf("answer %d has Content-Type %q, want application/json", resp.StatusCode, ct)
	}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		r.t.Errorf("answer %d is not a JSON object of strings: %q", resp.StatusCode, raw)
	}
	return a
}

func TestHTTPSourceShopifyVerification(t *testing.T) {
	current, previous := secret(t), secret(t)
	body := `{"id":820982911946154508,"total_price":"24.99"}`
	b64 := func(key string) string { return base64.StdEncoding.EncodeToString(sign(key, body)) }
	cases := []struct {
		name    string
		secrets cty.Value
		header  map[string]string
		want    int
	}{
		{"valid", strs(current), map[string]string{shopifyHeader: b64(current)}, http.StatusAccepted},
		{"header name is case-insensitive", strs(current), map[string]string{"x-shopify-hmac-sha256": b64(current)}, http.StatusAccepted},
		{"invalid signature", strs(current), map[string]string{shopifyHeader: b64(secret(t))}, http.StatusUnauthorized},
		{"signature not base64", strs(current), map[string]string{shopifyHeader: "%%%"}, http.StatusUnauthorized},
		{"hex instead of base64", strs(current), map[string]string{shopifyHeader: hex.EncodeToString(sign(current, body))}, http.StatusUnauthorized},
		{"rotation: new secret", strs(current, previous), map[string]string{shopifyHeader: b64(current)}, http.StatusAccepted},
		{"rotation: old secret", strs(current, previous), map[string]string{shopifyHeader: b64(previous)}, http.StatusAccepted},
		{"rotation: neither", strs(current, previous), map[string]string{shopifyHeader: b64(secret(t))}, http.StatusUnauthorized},
		{"missing header", strs(current), nil, http.StatusUnauthorized},
		{"empty secret refuses everything", strs(""), map[string]string{shopifyHeader: b64("")}, http.StatusUnauthorized},
		{"no secrets refuses everything", cty.NullVal(cty.List(cty.String)), map[string]string{shopifyHeader: b64("")}, http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rig := newHTTPSourceRig(t, map[string]cty.Value{"verify": str("shopify"), "secrets": c.secrets}, nil)
			a := rig.do(http.MethodPost, body, c.header)
			if a.status != c.want {
				t.Fatalf("status %d %v, want %d", a.status, a.body, c.want)
			}
			msgs := rig.ing.messages()
			if c.want != http.StatusAccepted {
				if len(msgs) != 0 {
					t.Fatalf("a refused request was submitted: %v", msgs)
				}
				if a.body["reason"] != ReasonUnauthorized || a.body["error"] == "" {
					t.Fatalf("refusal body %v", a.body)
				}
				for _, s := range []string{current, previous} {
					if strings.Contains(a.body["error"], s) {
						t.Fatal("the answer echoes a secret")
					}
				}
				return
			}
			if a.body["status"] != "accepted" {
				t.Fatalf("body %v", a.body)
			}
			if len(msgs) != 1 || string(msgs[0].Body) != body {
				t.Fatalf("submitted %v", msgs)
			}
		})
	}
}

// TestHTTPSourceUnreadyWithoutSecret: a route that verifies requests but
// has no secret says so (the engine warns once for all such sources) and
// refuses every request; it logs no warning of its own, per request or
// at start.
func TestHTTPSourceUnreadyWithoutSecret(t *testing.T) {
	rig := newHTTPSourceRig(t, map[string]cty.Value{"verify": str("shopify"), "secrets": strs("")}, nil)
	if what := rig.src.(connector.Unready).Unready(); !strings.Contains(what, `verify = "shopify"`) || !strings.Contains(what, "401") {
		t.Fatalf("Unready() = %q", what)
	}
	a := rig.do(http.MethodPost, "{}", map[string]string{shopifyHeader: base64.StdEncoding.EncodeToString(sign("", "{}"))})
	if a.status != http.StatusUnauthorized || !strings.Contains(a.body["error"], "not configured") {
		t.Fatalf("got %d %v", a.status, a.body)
	}
	if strings.Contains(rig.log.String(), "level=WARN") {
		t.Fatalf("the source warned itself:\n%s", rig.log.String())
	}
	ready := newHTTPSourceRig(t, map[string]cty.Value{"path": str("/hooks/ready"), "verify": str("shopify"), "secrets": strs("s3cr3t")}, nil)
	if what := ready.src.(connector.Unready).Unready(); what != "" {
		t.Fatalf("a source with its secret: Unready() = %q", what)
	}
}

func TestHTTPSourceGenericVerification(t *testing.T) {
	key, other := secret(t), secret(t)
	body := `{"event":"shipment"}`
	cases := []struct {
		name     string
		settings map[string]cty.Value
		header   map[string]string
		want     int
	}{
		{"hmac hex default header", map[string]cty.Value{"verify": str("hmac"), "secrets": strs(key)},
			map[string]string{"X-Signature": hex.EncodeToString(sign(key, body))}, 202},
		{"hmac upper-case hex", map[string]cty.Value{"verify": str("hmac"), "secrets": strs(key)},
			map[string]string{"X-Signature": strings.ToUpper(hex.EncodeToString(sign(key, body)))}, 202},
		{"hmac with prefix", map[string]cty.Value{"verify": str("hmac"), "secrets": strs(key), "header": str("X-Hub-Signature-256"), "prefix": str("sha256=")},
			map[string]string{"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(sign(key, body))}, 202},
		{"hmac prefix missing", map[string]cty.Value{"verify": str("hmac"), "secrets": strs(key), "prefix": str("sha256=")},
			map[string]string{"X-Signature": hex.EncodeToString(sign(key, body))}, 401},
		{"hmac base64", map[string]cty.Value{"verify": str("hmac"), "secrets": strs(key), "encoding": str("base64")},
			map[string]string{"X-Signature": base64.StdEncoding.EncodeToString(sign(key, body))}, 202},
		{"hmac wrong key", map[string]cty.Value{"verify": str("hmac"), "secrets": strs(key)},
			map[string]string{"X-Signature": hex.EncodeToString(sign(other, body))}, 401},
		{"hmac signature of another body", map[string]cty.Value{"verify": str("hmac"), "secrets": strs(key)},
			map[string]string{"X-Signature": hex.EncodeToString(sign(key, body+" "))}, 401},
		{"api key", map[string]cty.Value{"verify": str("api_key"), "secrets": strs(key)},
			map[string]string{"X-API-Key": key}, 202},
		{"api key rotation", map[string]cty.Value{"verify": str("api_key"), "secrets": strs(other, key)},
			map[string]string{"X-API-Key": key}, 202},
		{"api key custom header", map[string]cty.Value{"verify": str("api_key"), "secrets": strs(key), "header": str("X-Partner-Key")},
			map[string]string{"X-Partner-Key": key}, 202},
		{"api key wrong", map[string]cty.Value{"verify": str("api_key"), "secrets": strs(key)},
			map[string]string{"X-API-Key": other}, 401},
		{"api key prefix of the secret", map[string]cty.Value{"verify": str("api_key"), "secrets": strs(key)},
			map[string]string{"X-API-Key": key[:10]}, 401},
		{"api key missing", map[string]cty.Value{"verify": str("api_key"), "secrets": strs(key)}, nil, 401},
		{"bearer", map[string]cty.Value{"verify": str("bearer"), "secrets": strs(key)},
			map[string]string{"Authorization": "Bearer " + key}, 202},
		{"bearer scheme case-insensitive", map[string]cty.Value{"verify": str("bearer"), "secrets": strs(key)},
			map[string]string{"Authorization": "bearer " + key}, 202},
		{"bearer wrong token", map[string]cty.Value{"verify": str("bearer"), "secrets": strs(key)},
			map[string]string{"Authorization": "Bearer " + other}, 401},
		{"bearer basic scheme", map[string]cty.Value{"verify": str("bearer"), "secrets": strs(key)},
			map[string]string{"Authorization": "Basic " + key}, 401},
		{"none", map[string]cty.Value{}, nil, 202},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rig := newHTTPSourceRig(t, c.settings, nil)
			a := rig.do(http.MethodPost, body, c.header)
			if a.status != c.want {
				t.Fatalf("status %d %v, want %d", a.status, a.body, c.want)
			}
			if n := len(rig.ing.messages()); (n == 1) != (c.want == 202) {
				t.Fatalf("%d messages submitted", n)
			}
		})
	}
}

// TestHTTPSourceComparesInConstantTime proves every verification mode
// decides through the constant-time comparison.
func TestHTTPSourceComparesInConstantTime(t *testing.T) {
	var calls atomic.Int64
	constantTimeEqual = func(a, b []byte) bool { calls.Add(1); return hmac.Equal(a, b) }
	t.Cleanup(func() { constantTimeEqual = hmac.Equal })
	key := secret(t)
	body := "{}"
	cases := []struct {
		verify string
		header map[string]string
	}{
		{"shopify", map[string]string{shopifyHeader: base64.StdEncoding.EncodeToString(sign(key, body))}},
		{"hmac", map[string]string{"X-Signature": hex.EncodeToString(sign(key, body))}},
		{"api_key", map[string]string{"X-API-Key": key}},
		{"bearer", map[string]string{"Authorization": "Bearer " + key}},
	}
	for _, c := range cases {
		t.Run(c.verify, func(t *testing.T) {
			calls.Store(0)
			rig := newHTTPSourceRig(t, map[string]cty.Value{"verify": str(c.verify), "secrets": strs(secret(t), key)}, nil)
			if a := rig.do(http.MethodPost, body, c.header); a.status != 202 {
				t.Fatalf("status %d %v", a.status, a.body)
			}
			// Both secrets are compared, the matching one included.
			if n := calls.Load(); n != 2 {
				t.Fatalf("constant-time comparisons: %d, want 2", n)
			}
		})
	}
}

func TestHTTPSourceRefusals(t *testing.T) {
	t.Run("body over the limit is 413", func(t *testing.T) {
		rig := newHTTPSourceRig(t, map[string]cty.Value{"max_body_bytes": cty.NumberIntVal(16)}, nil)
		a := rig.do(http.MethodPost, strings.Repeat("x", 17), nil)
		if a.status != http.StatusRequestEntityTooLarge || a.body["reason"] != ReasonBodyTooLarge || !strings.Contains(a.body["error"], "16 bytes") {
			t.Fatalf("got %d %v", a.status, a.body)
		}
		if a := rig.do(http.MethodPost, strings.Repeat("x", 16), nil); a.status != http.StatusAccepted {
			t.Fatalf("a body at the limit: %d %v", a.status, a.body)
		}
		if n := len(rig.ing.messages()); n != 1 {
			t.Fatalf("%d messages, want 1", n)
		}
	})
	t.Run("wrong method is 405", func(t *testing.T) {
		rig := newHTTPSourceRig(t, map[string]cty.Value{}, nil)
		a := rig.do(http.MethodGet, "", nil)
		if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "POST" || a.body["reason"] != ReasonMethodNotAllowed {
			t.Fatalf("got %d %v %v", a.status, a.header, a.body)
		}
	})
	t.Run("PUT route", func(t *testing.T) {
		rig := newHTTPSourceRig(t, map[string]cty.Value{"method": str("PUT")}, nil)
		if a := rig.do(http.MethodPost, "{}", nil); a.status != http.StatusMethodNotAllowed {
			t.Fatalf("POST to a PUT route: %d", a.status)
		}
		if a := rig.do(http.MethodPut, "{}", nil); a.status != http.StatusAccepted {
			t.Fatalf("PUT: %d", a.status)
		}
		if o := rig.ing.messages()[0].Origin; o != "http PUT /webhooks/orders" {
			t.Fatalf("origin %q", o)
		}
	})
	t.Run("check failure is 422 with the reason", func(t *testing.T) {
		check := func(body []byte) error {
			if strings.Contains(string(body), "24.999") {
				return builtin.Errorf(builtin.ReasonInvalidMoney, "total_price 24.999 has more decimals than USD allows")
			}
			if !json.Valid(body) {
				return errors.New("the body is not JSON")
			}
			return nil
		}
		rig := newHTTPSourceRig(t, map[string]cty.Value{}, check)
		a := rig.do(http.MethodPost, `{"total_price":"24.999"}`, nil)
		if a.status != http.StatusUnprocessableEntity || a.body["reason"] != builtin.ReasonInvalidMoney || !strings.Contains(a.body["error"], "24.999") {
			t.Fatalf("got %d %v", a.status, a.body)
		}
		a = rig.do(http.MethodPost, `{`, nil)
		if a.status != http.StatusUnprocessableEntity || a.body["reason"] != ReasonInvalidPayload {
			t.Fatalf("got %d %v", a.status, a.body)
		}
		if a := rig.do(http.MethodPost, `{"total_price":"24.99"}`, nil); a.status != http.StatusAccepted {
			t.Fatalf("a good body: %d %v", a.status, a.body)
		}
		if n := len(rig.ing.messages()); n != 1 {
			t.Fatalf("%d messages, want 1", n)
		}
	})
	t.Run("backpressure is 503 with Retry-After", func(t *testing.T) {
		rig := newHTTPSourceRig(t, map[string]cty.Value{}, nil)
		rig.ing.fail = func(int, []connector.Message) error {
			return &connector.BackpressureError{RetryAfter: 1500 * time.Millisecond}
		}
		a := rig.do(http.MethodPost, "{}", nil)
		if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") != "2" || a.body["reason"] != ReasonInboxFull {
			t.Fatalf("got %d Retry-After %q %v", a.status, a.header.Get("Retry-After"), a.body)
		}
	})
	t.Run("short backpressure still says 1 second", func(t *testing.T) {
		rig := newHTTPSourceRig(t, map[string]cty.Value{}, nil)
		rig.ing.fail = func(int, []connector.Message) error {
			return &connector.BackpressureError{RetryAfter: 10 * time.Millisecond}
		}
		if a := rig.do(http.MethodPost, "{}", nil); a.header.Get("Retry-After") != "1" {
			t.Fatalf("Retry-After %q", a.header.Get("Retry-After"))
		}
	})
	t.Run("ingress failure is 500 and logged", func(t *testing.T) {
		rig := newHTTPSourceRig(t, map[string]cty.Value{}, nil)
		rig.ing.fail = func(int, []connector.Message) error { return errors.New("disk on fire at /var/lib/transload") }
		a := rig.do(http.MethodPost, "{}", nil)
		if a.status != http.StatusInternalServerError || a.body["reason"] != ReasonIngressFailed || strings.Contains(a.body["error"], "/var/lib") {
			t.Fatalf("got %d %v", a.status, a.body)
		}
		if !strings.Contains(rig.log.String(), "disk on fire") {
			t.Fatal("the failure was not logged")
		}
	})
}

func TestHTTPSourceMessage(t *testing.T) {
	rig := newHTTPSourceRig(t, map[string]cty.Value{"path": str("/hooks/shop")}, nil)
	req, _ := http.NewRequest(http.MethodPost, rig.url, strings.NewReader(`{"a":1}`))
	req.Header.Set("X-Shopify-Topic", "orders/create")
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	resp, err := rig.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d", resp.StatusCode)
	}
	msgs := rig.ing.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.Origin != "http POST /hooks/shop" || string(m.Body) != `{"a":1}` || m.ID != "" {
		t.Fatalf("message %+v", m)
	}
	if m.Headers["x-shopify-topic"] != "orders/create" || m.Headers["x-multi"] != "one, two" {
		t.Fatalf("headers %v", m.Headers)
	}
	for k := range m.Headers {
		if k != strings.ToLower(k) {
			t.Fatalf("header %q is not lower case", k)
		}
	}
	// A webhook's delivery id names the message: Shopify's retry of it is
	// the same message.
	for _, h := range [][2]string{{"X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"}, {"Idempotency-Key", "k-17"}} {
		req, _ := http.NewRequest(http.MethodPost, rig.url, strings.NewReader(`{"a":2}`))
		req.Header.Set(h[0], h[1])
		resp, err := rig.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		msgs := rig.ing.messages()
		if got, want := msgs[len(msgs)-1].ID, strings.ToLower(h[0])+":"+h[1]; got != want {
			t.Fatalf("message id %q, want %q", got, want)
		}
	}
}

func TestHTTPSourceLifecycle(t *testing.T) {
	leakCheck(t)
	t.Run("close without start, twice", func(t *testing.T) {
		src, err := NewHTTPSource(connector.SourceParams{Config: mustConfig(t, HTTPSourceSpec, map[string]cty.Value{"path": str("/x")})})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := src.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if err := src.Start(context.Background()); err == nil {
			t.Fatal("start after close succeeded")
		}
	})
	t.Run("closed route answers 503", func(t *testing.T) {
		rig := newHTTPSourceRig(t, map[string]cty.Value{}, nil)
		if err := rig.src.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		a := rig.do(http.MethodPost, "{}", nil)
		if a.status != http.StatusServiceUnavailable || a.body["reason"] != ReasonSourceClosed {
			t.Fatalf("got %d %v", a.status, a.body)
		}
		if len(rig.ing.messages()) != 0 {
			t.Fatal("a closed source submitted")
		}
	})
	t.Run("close waits for a request in flight", func(t *testing.T) {
		rig := newHTTPSourceRig(t, map[string]cty.Value{}, nil)
		entered, release := make(chan struct{}), make(chan struct{})
		rig.ing.fail = func(int, []connector.Message) error {
			close(entered)
			<-release
			return nil
		}
		go func() {
			<-entered
			time.Sleep(20 * time.Millisecond)
			close(release)
		}()
		res := make(chan int)
		go func() {
			resp, err := rig.client.Post(rig.url, "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Error(err)
				res <- 0
				return
			}
			resp.Body.Close()
			res <- resp.StatusCode
		}()
		<-entered
		start := time.Now()
		if err := rig.src.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if time.Since(start) < 10*time.Millisecond {
			t.Fatal("Close did not wait for the request in flight")
		}
		if s := <-res; s != http.StatusAccepted {
			t.Fatalf("the request in flight got %d", s)
		}
	})
}

func TestHTTPSourceSpecCheck(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]cty.Value
		want     string
	}{
		{"path without slash", map[string]cty.Value{"path": str("webhooks")}, "must start with /"},
		{"secrets without verify", map[string]cty.Value{"path": str("/w"), "secrets": strs("x")}, `verify is "none"`},
		{"header with shopify", map[string]cty.Value{"path": str("/w"), "verify": str("shopify"), "header": str("X-Sig")}, "header is only used"},
		{"prefix with api_key", map[string]cty.Value{"path": str("/w"), "verify": str("api_key"), "prefix": str("k=")}, "prefix is only used"},
		{"zero body limit", map[string]cty.Value{"path": str("/w"), "max_body_bytes": cty.NumberIntVal(0)}, "must be positive"},
		{"fractional body limit", map[string]cty.Value{"path": str("/w"), "max_body_bytes": cty.NumberFloatVal(1.5)}, "whole number"},
		{"fine", map[string]cty.Value{"path": str("/w"), "verify": str("hmac"), "secrets": strs("k"), "prefix": str("sha256=")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := buildConfig(HTTPSourceSpec, c.settings)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// In --once mode a webhook source has no batch: it reports Done from
// Start, or transload run --once would wait for it forever.
func TestHTTPSourceOnceIsDoneAtStart(t *testing.T) {
	var done atomic.Int32
	src, err := NewHTTPSource(connector.SourceParams{
		Flow: "orders", Format: "json",
		Config:  mustConfig(t, HTTPSourceSpec, map[string]cty.Value{"path": str("/webhooks/orders")}),
		Ingress: newRecorder(), Router: newTestRouter(), Logger: (&logBuffer{}).logger(),
		Once: true, Done: func() { done.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer src.Close(context.Background())
	if n := done.Load(); n != 1 {
		t.Fatalf("Done called %d times at Start, want 1", n)
	}
}
