package connectors

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
)

// TestOAuth1RFC5849Vector checks the base string construction and the
// HMAC signature against the worked example of RFC 5849 §3.1 and
// §3.4.1.1, which uses HMAC-SHA1; NetSuite uses the same construction with
// SHA-256 (TestHTTPSinkNetSuiteAuth).
func TestOAuth1RFC5849Vector(t *testing.T) {
	u, err := url.Parse("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b")
	if err != nil {
		t.Fatal(err)
	}
	params := [][2]string{
		{"oauth_consumer_key", "9djdj82h48djs9d2"},
		{"oauth_token", "kkk9d7dh3k39sjv7"},
		{"oauth_signature_method", "HMAC-SHA1"},
		{"oauth_timestamp", "137131201"},
		{"oauth_nonce", "7d8f3e4a"},
		// The form-encoded body "c2&a3=2+q", decoded.
		{"c2", ""},
		{"a3", "2 q"},
	}
	base, err := oauth1BaseString("POST", u, params)
	if err != nil {
		t.Fatal(err)
	}
	const want = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q" +
		"%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_" +
		"key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m" +
		"ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk" +
		"9d7dh3k39sjv7"
	if base != want {
		t.Fatalf("base string\n%s\nwant\n%s", base, want)
	}
	// The RFC prints bYT5CMsGcbgUdFHObYMEfcx6bsw=; its verified erratum
	// 2550 corrects it to this value.
	if sig := oauth1Sign(sha1.New, base, "j49sk3j29djd", "dh893hdasih9"); sig != "r6/TJjbCOr97/+UU0NsvSne7s5g=" {
		t.Fatalf("signature %s, want r6/TJjbCOr97/+UU0NsvSne7s5g= (RFC 5849 erratum 2550)", sig)
	}

	// §1.2: the temporary credential request, signed with the client
	// secret and an empty token secret.
	u, _ = url.Parse("https://photos.example.net/initiate")
	base, err = oauth1BaseString("POST", u, [][2]string{
		{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
		{"oauth_signature_method", "HMAC-SHA1"},
		{"oauth_timestamp", "137131200"},
		{"oauth_nonce", "wIjqoS"},
		{"oauth_callback", "http://printer.example.com/ready"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sig := oauth1Sign(sha1.New, base, "kd94hf93k423kf44", ""); sig != "74KNZJeDHnMBp0EMJ9ZHt/XKycU=" {
		t.Fatalf("signature %s of %s, want 74KNZJeDHnMBp0EMJ9ZHt/XKycU=", sig, base)
	}
}

// TestOAuth1BaseStringURI: the examples of RFC 5849 §3.4.1.2, plus a
// name that is a prefix of another (sorted by name, then value).
func TestOAuth1BaseStringURI(t *testing.T) {
	for _, c := range []struct{ method, url, want string }{
		{"GET", "http://EXAMPLE.COM:80/r%20v/X?id=123", "GET&http%3A%2F%2Fexample.com%2Fr%2520v%2FX&id%3D123"},
		{"get", "https://www.example.net:8080/?q=1", "GET&https%3A%2F%2Fwww.example.net%3A8080%2F&q%3D1"},
		{"PUT", "https://h:443", "PUT&https%3A%2F%2Fh%2F&"},
		{"GET", "http://h/p?a-b=1&a=2&a=1&~x=+&", "GET&http%3A%2F%2Fh%2Fp&a%3D1%26a%3D2%26a-b%3D1%26~x%3D%2520"},
	} {
		u, err := url.Parse(c.url)
		if err != nil {
			t.Fatal(err)
		}
		got, err := oauth1BaseString(c.method, u, nil)
		if err != nil || got != c.want {
			t.Errorf("%s %s: %q %v, want %q", c.method, c.url, got, err, c.want)
		}
	}
	u, _ := url.Parse("http://h/p?a=%zz")
	if _, err := oauth1BaseString("GET", u, nil); err == nil {
		t.Error("a malformed query escape was signed")
	}
}

func TestOAuth1Encode(t *testing.T) {
	for in, want := range map[string]string{
		"abcXYZ019-._~": "abcXYZ019-._~",
		"a b+c":         "a%20b%2Bc",
		"=%&/:":         "%3D%25%26%2F%3A",
		"é":             "%C3%A9",
		"":              "",
	} {
		if got := oauth1Encode(in); got != want {
			t.Errorf("oauth1Encode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNetSuiteRealm(t *testing.T) {
	for in, want := range map[string]string{
		"1234567":     "1234567",
		"1234567_SB1": "1234567_SB1",
		"1234567-sb1": "1234567_SB1",
		"tstdrv12345": "TSTDRV12345",
		"1234567_rp":  "1234567_RP",
	} {
		if got := netsuiteRealm(in); got != want {
			t.Errorf("netsuiteRealm(%q) = %q, want %q", in, got, want)
		}
	}
}

// netsuiteServer is a loopback SuiteTalk REST endpoint that verifies
// every request's TBA signature by recomputing it independently of the
// sink's code (url.QueryEscape for the encoding, r.URL for the parts).
type netsuiteServer struct {
	*target
	consumerKey, consumerSecret, tokenID, tokenSecret, realm string

	mu     sync.Mutex
	nonces map[string]bool
	bad    []string
}

func newNetSuiteServer(t *testing.T, realm string, answer func(w http.ResponseWriter, r *http.Request)) *netsuiteServer {
	ns := &netsuiteServer{
		consumerKey: secret(t), consumerSecret: secret(t), tokenID: secret(t), tokenSecret: secret(t),
		realm: realm, nonces: map[string]bool{},
	}
	ns.target = newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if problem := ns.verify(r); problem != "" {
			ns.mu.Lock()
			ns.bad = append(ns.bad, problem)
			ns.mu.Unlock()
			w.Header().Set("Content-Type", "application/vnd.oracle.resource+json; type=error")
			w.WriteHeader(401)
			io.WriteString(w, `{"title":"Unauthorized","status":401,"o:errorDetails":[{"detail":"Invalid login attempt.","o:errorCode":"INVALID_LOGIN"}]}`)
			return
		}
		answer(w, r)
	})
	return ns
}

func (ns *netsuiteServer) problems() []string {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	return append([]string(nil), ns.bad...)
}

// verify returns what is wrong with a request's Authorization, or "".
func (ns *netsuiteServer) verify(r *http.Request) string {
	h := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		return "no OAuth authorization: " + h
	}
	got := map[string]string{}
	var order []string
	for _, part := range strings.Split(rest, ", ") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return "malformed parameter " + part
		}
		dv, err := url.PathUnescape(v[1 : len(v)-1])
		if err != nil {
			return "undecodable parameter " + part
		}
		got[k] = dv
		order = append(order, k)
	}
	if order[0] != "realm" {
		return "realm is not first: " + strings.Join(order, ",")
	}
	for k, want := range map[string]string{
		"realm": ns.realm, "oauth_consumer_key": ns.consumerKey, "oauth_token": ns.tokenID,
		"oauth_signature_method": "HMAC-SHA256", "oauth_version": "1.0",
	} {
		if got[k] != want {
			return fmt.Sprintf("%s = %q, want %q", k, got[k], want)
		}
	}
	ts, err := strconv.ParseInt(got["oauth_timestamp"], 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return "timestamp " + got["oauth_timestamp"]
	}
	nonce := got["oauth_nonce"]
	ns.mu.Lock()
	seen := ns.nonces[nonce]
	ns.nonces[nonce] = true
	ns.mu.Unlock()
	if len(nonce) < 6 || len(nonce) > 64 || seen {
		return "nonce " + nonce + " too short, too long or used before"
	}
	enc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	var pairs []string
	for k, v := range got {
		if k != "realm" && k != "oauth_signature" {
			pairs = append(pairs, enc(k)+"="+enc(v))
		}
	}
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			pairs = append(pairs, enc(k)+"="+enc(v))
		}
	}
	sort.Strings(pairs) // no parameter name here is a prefix of another
	base := r.Method + "&" + enc("http://"+r.Host+r.URL.EscapedPath()) + "&" + enc(strings.Join(pairs, "&"))
	mac := hmac.New(sha256.New, []byte(enc(ns.consumerSecret)+"&"+enc(ns.tokenSecret)))
	mac.Write([]byte(base))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(got["oauth_signature"]), []byte(want)) {
		return "signature mismatch for " + base
	}
	return ""
}

func (ns *netsuiteServer) authBlock(account string) cty.Value {
	return block(httpAuthSpec, "netsuite", map[string]cty.Value{
		"account": str(account), "consumer_key": str(ns.consumerKey), "consumer_secret": str(ns.consumerSecret),
		"token_id": str(ns.tokenID), "token_secret": str(ns.tokenSecret),
	})
}

func TestHTTPSinkNetSuiteAuth(t *testing.T) {
	leakCheck(t)
	ns := newNetSuiteServer(t, "1234567_SB1", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Query().Get("q") == `externalId IS "shop:1001"`:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"count":1,"items":[{"id":"4711","links":[]}]}`)
		case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/salesOrder/eid:shop:1001"):
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/salesOrder/eid:echo"):
			// A careless target echoes what it was sent.
			w.WriteHeader(400)
			io.WriteString(w, "bad request: "+r.Header.Get("Authorization"))
		default:
			w.WriteHeader(404)
		}
	})
	logs := &logBuffer{}
	s, err := NewHTTPSink(connector.SinkParams{Name: "netsuite", Logger: logs.logger(), Config: mustConfig(t, HTTPSinkSpec, map[string]cty.Value{
		"url":    str(ns.srv.URL + "/services/rest/record/v1/salesOrder"),
		"method": str("PUT"), "idempotency": str("find"), "find_collection": cty.True,
		"auth": ns.authBlock("1234567-sb1"), // the URL form of the id: the realm is still 1234567_SB1
	})})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	sink := s.(*HTTPSink)

	d := order()
	d.Settings["path"] = map[string]string{"": "/eid:shop:1001?replace=item"}
	for range 3 {
		if _, err := sink.Deliver(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	d.Settings["find_url"] = map[string]string{"": ns.srv.URL + "/services/rest/record/v1/salesOrder?q=externalId%20IS%20%22shop%3A1001%22"}
	found, resp, err := sink.Find(context.Background(), d)
	if err != nil || !found || resp.Ref != "4711" {
		t.Fatalf("find: %v %+v %v", found, resp, err)
	}
	if p := ns.problems(); len(p) > 0 {
		t.Fatalf("the target refused the signature: %v", p)
	}
	if n := len(ns.requests()); n != 4 {
		t.Fatalf("%d requests, want 4", n)
	}

	d.Settings["path"] = map[string]string{"": "/eid:echo"}
	_, err = sink.Deliver(context.Background(), d)
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Status != 400 || !strings.Contains(err.Error(), "oauth_signature=") {
		t.Fatalf("echo: %v", err)
	}
	for _, sec := range []string{ns.consumerSecret, ns.tokenSecret} {
		if strings.Contains(err.Error(), sec) || strings.Contains(logs.String(), sec) {
			t.Fatal("a secret leaked into an error or the log")
		}
	}
}

func TestHTTPSinkNetSuiteWrongSecret(t *testing.T) {
	ns := newNetSuiteServer(t, "1234567", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	auth := ns.authBlock("1234567").AsValueMap()
	auth["token_secret"] = str(secret(t))
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(ns.srv.URL + "/salesOrder"), "auth": cty.ObjectVal(auth)})
	_, err := sink.Deliver(context.Background(), order())
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Status != 401 || !strings.Contains(err.Error(), "INVALID_LOGIN") {
		t.Fatalf("got %v", err)
	}
	if n := len(ns.requests()); n != 1 {
		t.Fatalf("%d requests: a refused signature must not be retried", n)
	}
	if p := ns.problems(); len(p) != 1 || !strings.Contains(p[0], "signature mismatch") {
		t.Fatalf("problems %v", p)
	}
}

func TestHTTPSinkNetSuiteSettings(t *testing.T) {
	full := func(change map[string]cty.Value) cty.Value {
		given := map[string]cty.Value{
			"account": str("1234567_SB1"), "consumer_key": str("ck"), "consumer_secret": str("cs"),
			"token_id": str("ti"), "token_secret": str("ts"),
		}
		for k, v := range change {
			if v == cty.NilVal {
				delete(given, k)
			} else {
				given[k] = v
			}
		}
		return block(httpAuthSpec, "netsuite", given)
	}
	for _, c := range []struct {
		name string
		auth cty.Value
		want string
	}{
		{"without token secret", full(map[string]cty.Value{"token_secret": cty.NilVal}), "needs token_secret"},
		{"without account", full(map[string]cty.Value{"account": cty.NilVal}), "needs account"},
		{"bad account", full(map[string]cty.Value{"account": str("1234567.app")}), "not a NetSuite account id"},
		{"with a password", full(map[string]cty.Value{"password": str("p")}), "does not use password"},
		{"basic with a token id", block(httpAuthSpec, "basic", map[string]cty.Value{"username": str("u"), "password": str("p"), "token_id": str("t")}), "does not use token_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := buildConfig(HTTPSinkSpec, map[string]cty.Value{"url": str("https://erp"), "auth": c.auth})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}

	// env("NETSUITE_TOKEN_SECRET") of an unset variable: the flow loads,
	// the sink warns and sends nothing.
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(200) })
	logs := &logBuffer{}
	s, err := NewHTTPSink(connector.SinkParams{Name: "netsuite", Logger: logs.logger(), Config: mustConfig(t, HTTPSinkSpec, map[string]cty.Value{
		"url": str(tg.srv.URL), "auth": full(map[string]cty.Value{"token_secret": str("")}),
	})})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	_, err = s.Deliver(context.Background(), order())
	if !errors.Is(err, connector.ErrNotSent) || !strings.Contains(err.Error(), "token_secret is empty") || !strings.Contains(logs.String(), "token_secret is empty") {
		t.Fatalf("got %v; log %s", err, logs.String())
	}
	if len(tg.requests()) != 0 {
		t.Fatal("a request was sent without credentials")
	}
}

// TestNetSuiteAuthorizationHeader pins the header's shape with a fixed
// clock and nonce: NetSuite's order of parameters, values percent-encoded.
func TestNetSuiteAuthorizationHeader(t *testing.T) {
	a := &netsuiteAuth{
		realm: "1234567_SB1", consumerKey: "ck", consumerSecret: "cs", tokenID: "ti", tokenSecret: "ts",
		now: func() time.Time { return time.Unix(1508242306, 0) }, nonce: func() string { return "fjaLirsIcCGVZWzBX0pg" },
	}
	u, _ := url.Parse("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/eid:SO%201")
	h, err := a.authorization(context.Background(), "PUT", u)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := oauth1BaseString("PUT", u, [][2]string{
		{"oauth_consumer_key", "ck"}, {"oauth_token", "ti"}, {"oauth_signature_method", "HMAC-SHA256"},
		{"oauth_timestamp", "1508242306"}, {"oauth_nonce", "fjaLirsIcCGVZWzBX0pg"}, {"oauth_version", "1.0"},
	})
	sig := oauth1Sign(sha256.New, base, "cs", "ts")
	want := `OAuth realm="1234567_SB1", oauth_consumer_key="ck", oauth_token="ti", oauth_signature_method="HMAC-SHA256", ` +
		`oauth_timestamp="1508242306", oauth_nonce="fjaLirsIcCGVZWzBX0pg", oauth_version="1.0", oauth_signature="` + oauth1Encode(sig) + `"`
	if h != want {
		t.Fatalf("header\n%s\nwant\n%s", h, want)
	}
	if !strings.Contains(base, "eid%3ASO%25201") {
		t.Fatalf("the path is not in the base string as sent: %s", base)
	}
	if n1, n2 := netsuiteNonce(), netsuiteNonce(); len(n1) != 20 || n1 == n2 || strings.Trim(n1, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != "" {
		t.Fatalf("nonces %q %q", n1, n2)
	}
}
