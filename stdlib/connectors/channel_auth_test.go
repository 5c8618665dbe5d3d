package connectors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
)

// The authentication the sales channels need, against loopback servers
// that check what each vendor documents: Shopify's X-Shopify-Access-Token
// (auth "header"), Login with Amazon's refresh-token grant with the token
// in x-amz-access-token, Walmart's client-credentials token endpoint with
// its WM_ headers and the token in WM_SEC.ACCESS_TOKEN.

func TestHTTPSinkHeaderAuth(t *testing.T) {
	leakCheck(t)
	for _, c := range []struct {
		name, header, prefix string
	}{
		{"shopify", "X-Shopify-Access-Token", ""},
		{"with a prefix", "X-Api-Key", "Token "},
		{"authorization", "Authorization", "ApiKey "},
	} {
		t.Run(c.name, func(t *testing.T) {
			token := "shpat_" + secret(t)
			var got atomic.Value
			tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
				got.Store(r.Header.Clone())
				w.WriteHeader(http.StatusUnprocessableEntity)
				// A careless target echoes what it was sent.
				io.WriteString(w, `{"errors": "invalid request with token `+r.Header.Get(c.header)+`"}`)
			})
			given := map[string]cty.Value{"name": str(c.header), "value": str(token)}
			if c.prefix != "" {
				given["prefix"] = str(c.prefix)
			}
			logs := &logBuffer{}
			s, err := NewHTTPSink(connector.SinkParams{Name: "shopify", Logger: logs.logger(), Config: mustConfig(t, HTTPSinkSpec, map[string]cty.Value{
				"url": str(tg.srv.URL), "auth": block(httpAuthSpec, "header", given),
			})})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(context.Background())
			d := order()
			// A header setting cannot override the auth block.
			d.Settings["headers"][c.header] = "forged"
			_, err = s.Deliver(context.Background(), d)
			h, _ := got.Load().(http.Header)
			if h == nil || h.Get(c.header) != c.prefix+token || len(h.Values(c.header)) != 1 {
				t.Fatalf("the target got %s: %q, want the token", c.header, h.Values(c.header))
			}
			if c.header != "Authorization" && h.Get("Authorization") != "" {
				t.Errorf("an Authorization header was sent too: %q", h.Get("Authorization"))
			}
			var perm *connector.PermanentError
			if !errors.As(err, &perm) || perm.Status != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "[redacted]") {
				t.Fatalf("got %v", err)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(logs.String(), token) {
				t.Fatal("the token leaked into an error or the log")
			}
		})
	}
}

// channelTokenServer is a loopback token endpoint that checks each request
// with check (an error refuses it with 401 invalid_client, quoting the
// error, which may quote the request) and answers a new token
// "<prefix><n>" that expires in expiresIn seconds.
type channelTokenServer struct {
	srv       *httptest.Server
	requests  atomic.Int32
	prefix    string
	expiresIn int
	check     func(r *http.Request) error
	mu        sync.Mutex
	seen      []*http.Request
}

func newChannelTokenServer(t *testing.T, prefix string, expiresIn int, check func(r *http.Request) error) *channelTokenServer {
	t.Helper()
	ts := &channelTokenServer{prefix: prefix, expiresIn: expiresIn, check: check}
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ts.requests.Add(1)
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		ts.mu.Lock()
		ts.seen = append(ts.seen, r.Clone(context.Background()))
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if err := ts.check(r); err != nil {
			w.WriteHeader(401)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": err.Error()})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("%s%d", ts.prefix, n), "token_type": "bearer", "expires_in": ts.expiresIn})
	}))
	t.Cleanup(ts.srv.Close)
	return ts
}

func (ts *channelTokenServer) requestsSeen() []*http.Request {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]*http.Request(nil), ts.seen...)
}

// lwaCheck checks a Login with Amazon refresh-token request: the form
// holds grant_type=refresh_token, refresh_token, client_id and
// client_secret.
func lwaCheck(id, sec, refresh string) func(r *http.Request) error {
	return func(r *http.Request) error {
		f := r.PostForm
		switch {
		case r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
			return fmt.Errorf("%s with %s", r.Method, r.Header.Get("Content-Type"))
		case f.Get("grant_type") != "refresh_token":
			return fmt.Errorf("grant_type %q", f.Get("grant_type"))
		case f.Get("refresh_token") != refresh:
			return fmt.Errorf("unknown refresh token %s", f.Get("refresh_token"))
		case f.Get("client_id") != id || f.Get("client_secret") != sec:
			return fmt.Errorf("bad client %s %s", f.Get("client_id"), f.Get("client_secret"))
		case r.Header.Get("Authorization") != "":
			return errors.New("unexpected Authorization header")
		}
		return nil
	}
}

func lwaBlock(ts *channelTokenServer, id, sec, refresh string) cty.Value {
	return block(httpAuthSpec, "oauth2", map[string]cty.Value{
		"token_url": str(ts.srv.URL + "/auth/o2/token"), "grant_type": str("refresh_token"), "refresh_token": str(refresh),
		"client_id": str(id), "client_secret": str(sec), "client_auth": str("post"),
		"token_header": str("x-amz-access-token"),
	})
}

func TestHTTPSinkOAuth2RefreshToken(t *testing.T) {
	leakCheck(t)
	id, sec, refresh := "amzn1.application-oa2-client."+secret(t)[:12], secret(t), "Atzr|"+secret(t)

	t.Run("LWA token in x-amz-access-token, cached", func(t *testing.T) {
		ts := newChannelTokenServer(t, "Atza|", 3600, lwaCheck(id, sec, refresh))
		var mu sync.Mutex
		var tokens, auths []string
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
			mu.Lock()
			tokens = append(tokens, r.Header.Get("x-amz-access-token"))
			auths = append(auths, r.Header.Get("Authorization"))
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		})
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": lwaBlock(ts, id, sec, refresh)})
		var clock atomic.Int64
		sink.auth.(*oauth2Auth).now = func() time.Time { return time.Unix(1_700_000_000+clock.Load(), 0) }
		for range 3 {
			if _, err := sink.Deliver(context.Background(), order()); err != nil {
				t.Fatal(err)
			}
		}
		clock.Store(3600 - 29) // refreshed shortly before expires_in
		if _, err := sink.Deliver(context.Background(), order()); err != nil {
			t.Fatal(err)
		}
		if n := ts.requests.Load(); n != 2 {
			t.Fatalf("%d token requests for 4 deliveries an hour apart, want 2", n)
		}
		if fmt.Sprint(tokens) != "[Atza|1 Atza|1 Atza|1 Atza|2]" || strings.Join(auths, "") != "" {
			t.Fatalf("x-amz-access-token %q, Authorization %q", tokens, auths)
		}
	})

	t.Run("a 401 drops the token once and repeats the request", func(t *testing.T) {
		ts := newChannelTokenServer(t, "Atza|", 3600, lwaCheck(id, sec, refresh))
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if r.Header.Get("x-amz-access-token") == "Atza|1" { // revoked early
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":"The access token you provided is revoked, malformed or invalid: Atza|1"}]}`)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": lwaBlock(ts, id, sec, refresh)})
		resp, err := sink.Deliver(context.Background(), order())
		if err != nil || resp.Status != 200 {
			t.Fatalf("%v %v", resp, err)
		}
		reqs := tg.requests()
		if n := ts.requests.Load(); n != 2 || len(reqs) != 2 || reqs[1].header.Get("x-amz-access-token") != "Atza|2" || reqs[0].body != reqs[1].body {
			t.Fatalf("%d token requests, %d requests", n, len(reqs))
		}
	})

	t.Run("a 403 for an expired token drops it once; a 403 for a permission does not", func(t *testing.T) {
		ts := newChannelTokenServer(t, "Atza|", 3600, lwaCheck(id, sec, refresh))
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
			switch {
			case strings.HasPrefix(r.URL.Path, "/denied"):
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":"The seller is not authorized for this operation."}]}`)
			case r.Header.Get("x-amz-access-token") == "Atza|1": // expired before our cached copy says
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":"The access token you provided has expired."}]}`)
			default:
				w.WriteHeader(http.StatusOK)
			}
		})
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": lwaBlock(ts, id, sec, refresh)})
		resp, err := sink.Deliver(context.Background(), order())
		if err != nil || resp.Status != 200 || ts.requests.Load() != 2 || len(tg.requests()) != 2 {
			t.Fatalf("%v %v after %d token requests", resp, err, ts.requests.Load())
		}
		denied := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL + "/denied"), "auth": lwaBlock(ts, id, sec, refresh)})
		_, err = denied.Deliver(context.Background(), order())
		var perm *connector.PermanentError
		if !errors.As(err, &perm) || perm.Status != 403 || ts.requests.Load() != 3 || len(tg.requests()) != 3 {
			t.Fatalf("got %v after %d token requests and %d requests", err, ts.requests.Load(), len(tg.requests()))
		}
	})

	t.Run("a second 401 is a rejection, the token redacted", func(t *testing.T) {
		ts := newChannelTokenServer(t, "Atza|", 3600, lwaCheck(id, sec, refresh))
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, "invalid token "+r.Header.Get("x-amz-access-token"))
		})
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": lwaBlock(ts, id, sec, refresh)})
		_, err := sink.Deliver(context.Background(), order())
		var perm *connector.PermanentError
		if !errors.As(err, &perm) || perm.Status != 401 || len(tg.requests()) != 2 {
			t.Fatalf("got %v after %d requests", err, len(tg.requests()))
		}
		if strings.Contains(err.Error(), "Atza|2") || !strings.Contains(err.Error(), "[redacted]") {
			t.Fatalf("the access token is not redacted: %v", err)
		}
	})

	t.Run("a refused refresh token is retryable, not sent, secret-free", func(t *testing.T) {
		ts := newChannelTokenServer(t, "Atza|", 3600, lwaCheck(id, sec, refresh))
		tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(200) })
		revoked := "Atzr|" + secret(t)
		sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": lwaBlock(ts, id, sec, revoked)})
		_, err := sink.Deliver(context.Background(), order())
		var retry *connector.RetryableError
		if !errors.As(err, &retry) || !errors.Is(err, connector.ErrNotSent) || !strings.Contains(err.Error(), "invalid_client") {
			t.Fatalf("got %v", err)
		}
		if strings.Contains(err.Error(), revoked) || !strings.Contains(err.Error(), "unknown refresh token [redacted]") {
			t.Fatalf("the refresh token is not redacted: %v", err)
		}
		if len(tg.requests()) != 0 {
			t.Fatal("the document was sent without a token")
		}
	})
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// walmartCheck checks a Walmart Marketplace token request: client
// credentials as HTTP Basic, grant_type client_credentials, WM_SVC.NAME, a
// UUID in WM_QOS.CORRELATION_ID and Accept: application/json.
func walmartCheck(id, sec string) func(r *http.Request) error {
	return func(r *http.Request) error {
		u, p, ok := r.BasicAuth()
		switch {
		case !ok || u != id || p != sec:
			return fmt.Errorf("bad client %s", p)
		case r.PostForm.Get("grant_type") != "client_credentials":
			return fmt.Errorf("grant_type %q", r.PostForm.Get("grant_type"))
		case r.Header.Get("WM_SVC.NAME") != "Walmart Marketplace":
			return fmt.Errorf("WM_SVC.NAME %q", r.Header.Get("WM_SVC.NAME"))
		case !uuidRE.MatchString(r.Header.Get("WM_QOS.CORRELATION_ID")):
			return fmt.Errorf("WM_QOS.CORRELATION_ID %q", r.Header.Get("WM_QOS.CORRELATION_ID"))
		case r.Header.Get("Accept") != "application/json":
			return fmt.Errorf("Accept %q", r.Header.Get("Accept"))
		}
		return nil
	}
}

func TestHTTPSinkOAuth2Walmart(t *testing.T) {
	leakCheck(t)
	id, sec := secret(t)[:16], secret(t)
	ts := newChannelTokenServer(t, "eyJraWQi.", 900, walmartCheck(id, sec))
	var mu sync.Mutex
	var seen []http.Header
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	auth := block(httpAuthSpec, "oauth2", map[string]cty.Value{
		"token_url": str(ts.srv.URL + "/v3/token"), "client_id": str(id), "client_secret": str(sec),
		"token_header": str("WM_SEC.ACCESS_TOKEN"),
		"token_headers": cty.MapVal(map[string]cty.Value{
			"WM_SVC.NAME": str("Walmart Marketplace"), "WM_QOS.CORRELATION_ID": str("{uuid}"), "Accept": str("application/json"),
		}),
	})
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "method": str("PUT"), "idempotency": str("upsert"), "auth": auth})
	var clock atomic.Int64
	sink.auth.(*oauth2Auth).now = func() time.Time { return time.Unix(1_700_000_000+clock.Load(), 0) }
	deliver := func() {
		t.Helper()
		d := order()
		d.Settings["headers"] = map[string]string{"WM_SVC.NAME": "Walmart Marketplace", "WM_QOS.CORRELATION_ID": d.CorrelationID}
		if _, err := sink.Deliver(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	deliver()
	deliver()
	clock.Store(900 - 29) // a Walmart token lives 15 minutes
	deliver()
	if n := ts.requests.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
	reqs := ts.requestsSeen()
	if a, b := reqs[0].Header.Get("WM_QOS.CORRELATION_ID"), reqs[1].Header.Get("WM_QOS.CORRELATION_ID"); a == b {
		t.Errorf("both token requests have the correlation id %s", a)
	}
	var tokens []string
	for _, h := range seen {
		tokens = append(tokens, h.Get("WM_SEC.ACCESS_TOKEN"))
		if h.Get("Authorization") != "" || h.Get("WM_SVC.NAME") != "Walmart Marketplace" || h.Get("WM_QOS.CORRELATION_ID") != "corr-42" {
			t.Errorf("API call headers %v", h)
		}
	}
	if fmt.Sprint(tokens) != "[eyJraWQi.1 eyJraWQi.1 eyJraWQi.2]" {
		t.Fatalf("WM_SEC.ACCESS_TOKEN %q", tokens)
	}

	t.Run("without the service name the token request fails", func(t *testing.T) {
		bare := block(httpAuthSpec, "oauth2", map[string]cty.Value{
			"token_url": str(ts.srv.URL + "/v3/token"), "client_id": str(id), "client_secret": str(sec), "token_header": str("WM_SEC.ACCESS_TOKEN"),
		})
		s := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": bare})
		_, err := s.Deliver(context.Background(), order())
		if !errors.Is(err, connector.ErrNotSent) || !strings.Contains(err.Error(), "WM_SVC.NAME") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestOAuth2TokenPrefix(t *testing.T) {
	for _, c := range []struct {
		name   string
		given  map[string]cty.Value
		header string
		want   string
	}{
		{"default", nil, "Authorization", "Bearer tok-1"},
		{"another header has none", map[string]cty.Value{"token_header": str("x-amz-access-token")}, "X-Amz-Access-Token", "tok-1"},
		{"another header with one", map[string]cty.Value{"token_header": str("X-Auth"), "token_prefix": str("Bearer ")}, "X-Auth", "Bearer tok-1"},
		{"authorization without", map[string]cty.Value{"token_prefix": str("")}, "Authorization", "tok-1"},
		{"authorization with another", map[string]cty.Value{"token_header": str("authorization"), "token_prefix": str("OAuth ")}, "Authorization", "OAuth tok-1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := newChannelTokenServer(t, "tok-", 3600, func(*http.Request) error { return nil })
			var got atomic.Value
			tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
				got.Store(r.Header.Clone())
				w.WriteHeader(200)
			})
			given := map[string]cty.Value{"token_url": str(ts.srv.URL), "client_id": str("c"), "client_secret": str(secret(t))}
			for k, v := range c.given {
				given[k] = v
			}
			sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "auth": block(httpAuthSpec, "oauth2", given)})
			if _, err := sink.Deliver(context.Background(), order()); err != nil {
				t.Fatal(err)
			}
			h := got.Load().(http.Header)
			if h.Get(c.header) != c.want {
				t.Fatalf("%s: %q, want %q (headers %v)", c.header, h.Get(c.header), c.want, h)
			}
		})
	}
}

func TestHTTPSinkEmptyChannelCredentials(t *testing.T) {
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(200) })
	ts := newChannelTokenServer(t, "tok-", 3600, func(*http.Request) error { return nil })
	for _, c := range []struct {
		name string
		auth cty.Value
		want string
	}{
		{"header", block(httpAuthSpec, "header", map[string]cty.Value{"name": str("X-Shopify-Access-Token"), "value": str("")}), `auth "header": value is empty`},
		{"refresh token", block(httpAuthSpec, "oauth2", map[string]cty.Value{
			"token_url": str(ts.srv.URL), "grant_type": str("refresh_token"), "refresh_token": str(""),
			"client_id": str("amzn1.application-oa2-client.x"), "client_secret": str(secret(t)), "client_auth": str("post"),
		}), `auth "oauth2": refresh_token is empty`},
		{"walmart client", block(httpAuthSpec, "oauth2", map[string]cty.Value{
			"token_url": str(ts.srv.URL), "client_id": str(""), "client_secret": str(""), "token_header": str("WM_SEC.ACCESS_TOKEN"),
		}), `auth "oauth2": client_id and client_secret are empty`},
	} {
		t.Run(c.name, func(t *testing.T) {
			logs := &logBuffer{}
			s, err := NewHTTPSink(connector.SinkParams{Name: "channel", Logger: logs.logger(), Config: mustConfig(t, HTTPSinkSpec, map[string]cty.Value{
				"url": str(tg.srv.URL), "auth": c.auth,
			})})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(context.Background())
			for range 2 {
				_, err = s.Deliver(context.Background(), order())
				var retry *connector.RetryableError
				if !errors.As(err, &retry) || !errors.Is(err, connector.ErrNotSent) || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("got %v", err)
				}
			}
			if strings.Count(logs.String(), "level=WARN") != 1 || !strings.Contains(logs.String(), "held back") {
				t.Fatalf("want one warning, log:\n%s", logs.String())
			}
		})
	}
	if n := len(tg.requests()); n != 0 {
		t.Fatalf("%d requests sent without credentials", n)
	}
	if n := ts.requests.Load(); n != 0 {
		t.Fatalf("%d token requests without credentials", n)
	}
}

func TestChannelAuthSpecCheck(t *testing.T) {
	oauth := func(extra map[string]cty.Value) cty.Value {
		given := map[string]cty.Value{"token_url": str("https://api.amazon.com/auth/o2/token"), "client_id": str("c"), "client_secret": str("s")}
		for k, v := range extra {
			given[k] = v
		}
		return block(httpAuthSpec, "oauth2", given)
	}
	for _, c := range []struct {
		name string
		auth cty.Value
		want string
	}{
		{"header without name", block(httpAuthSpec, "header", map[string]cty.Value{"value": str("v")}), "needs name"},
		{"header without value", block(httpAuthSpec, "header", map[string]cty.Value{"name": str("X-Key")}), "needs value"},
		{"header with an empty name", block(httpAuthSpec, "header", map[string]cty.Value{"name": str(""), "value": str("v")}), `name "" is not a header name`},
		{"header with a bad name", block(httpAuthSpec, "header", map[string]cty.Value{"name": str("X Key:"), "value": str("v")}), "is not a header name"},
		{"header with a token", block(httpAuthSpec, "header", map[string]cty.Value{"name": str("X-Key"), "value": str("v"), "token": str("t")}), "does not use token"},
		{"header value with a line break", block(httpAuthSpec, "header", map[string]cty.Value{"name": str("X-Key"), "value": str("v\r\nX-Evil: 1")}), "line breaks"},
		{"bearer with a header name", block(httpAuthSpec, "bearer", map[string]cty.Value{"token": str("t"), "name": str("X-Key")}), "does not use name"},
		{"refresh grant without refresh token", oauth(map[string]cty.Value{"grant_type": str("refresh_token")}), "needs refresh_token"},
		{"refresh token without the grant", oauth(map[string]cty.Value{"refresh_token": str("r")}), `only used with grant_type = "refresh_token"`},
		{"unknown grant", oauth(map[string]cty.Value{"grant_type": str("password")}), `grant_type "password"`},
		{"bad token header", oauth(map[string]cty.Value{"token_header": str("x amz")}), `token_header "x amz" is not a header name`},
		{"empty token header", oauth(map[string]cty.Value{"token_header": str("")}), `token_header "" is not a header name`},
		{"bad token request header", oauth(map[string]cty.Value{"token_headers": cty.MapVal(map[string]cty.Value{"WM SVC": str("x")})}), "token_headers"},
		{"grant type twice", oauth(map[string]cty.Value{"grant_type": str("refresh_token"), "refresh_token": str("r"),
			"params": cty.MapVal(map[string]cty.Value{"grant_type": str("password")})}), "grant_type is set both"},
		{"basic with token_header", block(httpAuthSpec, "basic", map[string]cty.Value{"username": str("u"), "password": str("p"), "token_header": str("X")}), "does not use token_header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := buildConfig(HTTPSinkSpec, map[string]cty.Value{"url": str("https://sellingpartnerapi-na.amazon.com"), "auth": c.auth})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestNewUUID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		u := newUUID()
		if !uuidRE.MatchString(u) || seen[u] {
			t.Fatalf("%q is not a fresh version 4 UUID", u)
		}
		seen[u] = true
	}
	o := &oauth2Auth{uuid: newUUID}
	if v := o.expand("transload-{uuid}/{uuid}"); !regexp.MustCompile(`^transload-[0-9a-f-]{36}/[0-9a-f-]{36}$`).MatchString(v) || v[10:46] == v[47:] {
		t.Fatalf("expand: %q", v)
	}
}
