package connectors

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
)

// sapServer is a loopback SAP Gateway OData service with CSRF protection:
// a GET with "x-csrf-token: Fetch" opens a session (cookie) and returns
// the session's token; a modifying request needs the session cookie and
// its token, else 403 "x-csrf-token: Required". After rotateAfter
// accepted POSTs it gives the session a new token, once, as a gateway does
// when a token expires.
type sapServer struct {
	*target
	user, password string
	rotateAfter    int

	mu       sync.Mutex
	sessions map[string]string // session id → token
	accepted int
	rotated  bool
	// fetchStatus, when set, answers fetches with that status.
	fetchStatus int
}

const sapSessionCookie = "SAP_SESSIONID_S4H_100"

func newSAPServer(t *testing.T, rotateAfter int) *sapServer {
	ss := &sapServer{user: "INTEGRATION", password: secret(t), rotateAfter: rotateAfter, sessions: map[string]string{}}
	ss.target = newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { ss.serve(w, r) })
	return ss
}

func (ss *sapServer) serve(w http.ResponseWriter, r *http.Request) {
	if u, p, ok := r.BasicAuth(); !ok || u != ss.user || p != ss.password {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sid := ""
	if c, err := r.Cookie(sapSessionCookie); err == nil {
		if _, ok := ss.sessions[c.Value]; ok {
			sid = c.Value
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodGet {
		if strings.EqualFold(r.Header.Get("X-CSRF-Token"), "fetch") {
			if ss.fetchStatus != 0 {
				w.WriteHeader(ss.fetchStatus)
				return
			}
			if sid == "" {
				sid = "s" + rand.Text()
				ss.sessions[sid] = "t" + rand.Text()
				http.SetCookie(w, &http.Cookie{Name: sapSessionCookie, Value: sid, Path: "/", HttpOnly: true})
			}
			w.Header().Set("X-CSRF-Token", ss.sessions[sid])
		}
		io.WriteString(w, `{"d":{"results":[]}}`)
		return
	}
	if sid == "" || r.Header.Get("X-CSRF-Token") != ss.sessions[sid] || strings.HasSuffix(r.URL.Path, "/always-required") {
		w.Header().Set("X-CSRF-Token", "Required")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"error":{"code":"/IWFND/CM_BEC/026","message":{"lang":"en","value":"CSRF token validation failed"}}}`)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/forbidden") {
		w.WriteHeader(http.StatusForbidden) // an authorization failure, not a token problem
		io.WriteString(w, `{"error":{"message":{"value":"No authorization for sales organization 1010"}}}`)
		return
	}
	ss.accepted++
	if ss.accepted == ss.rotateAfter && !ss.rotated {
		ss.rotated = true
		ss.sessions[sid] = "t" + rand.Text()
	}
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, `{"d":{"SalesOrder":"1000042"}}`)
}

func (ss *sapServer) sink(t *testing.T, extra map[string]cty.Value) *HTTPSink {
	settings := map[string]cty.Value{
		"url":  str(ss.srv.URL + "/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder"),
		"csrf": cty.True,
		"auth": block(httpAuthSpec, "basic", map[string]cty.Value{"username": str(ss.user), "password": str(ss.password)}),
	}
	for k, v := range extra {
		settings[k] = v
	}
	return newHTTPSink(t, settings)
}

func isFetch(r seenRequest) bool {
	return r.method == http.MethodGet && r.header.Get("X-CSRF-Token") == "Fetch"
}

func TestHTTPSinkCSRF(t *testing.T) {
	leakCheck(t)
	ss := newSAPServer(t, 2)
	sink := ss.sink(t, nil)
	d := order()
	d.Settings["path"] = nil
	for i := range 3 {
		resp, err := sink.Deliver(context.Background(), d)
		if err != nil || resp.Status != 201 {
			t.Fatalf("delivery %d: %+v %v", i+1, resp, err)
		}
	}
	reqs := ss.requests()
	var shape []string
	for _, r := range reqs {
		s := r.method
		if isFetch(r) {
			s = "FETCH"
		}
		shape = append(shape, s)
	}
	// The token is fetched once, used twice, rotated by the target, and
	// fetched again within the third delivery, which then goes through.
	if got := strings.Join(shape, " "); got != "FETCH POST POST POST FETCH POST" {
		t.Fatalf("requests %s", got)
	}
	for i, r := range reqs {
		if u, p, ok := (&http.Request{Header: r.header}).BasicAuth(); !ok || u != ss.user || p != ss.password {
			t.Errorf("request %d without the sink's authentication", i+1)
		}
		if r.path != "/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder" {
			t.Errorf("request %d to %s", i+1, r.path)
		}
		if r.method == http.MethodPost {
			if c := r.header.Get("Cookie"); !strings.Contains(c, sapSessionCookie+"=s") {
				t.Errorf("POST %d without the session cookie: %q", i+1, c)
			}
			if tok := r.header.Get("X-CSRF-Token"); !strings.HasPrefix(tok, "t") {
				t.Errorf("POST %d without a token: %q", i+1, tok)
			}
			if r.body != reqs[1].body || r.header.Get("Idempotency-Key") != "idem-7f3a" {
				t.Errorf("POST %d differs from the first", i+1)
			}
		}
	}
	if reqs[3].header.Get("X-CSRF-Token") == reqs[5].header.Get("X-CSRF-Token") {
		t.Fatal("the repeated POST did not carry the new token")
	}
	if reqs[0].header.Get("Cookie") != "" {
		t.Fatal("the first fetch sent a cookie it cannot have")
	}

	// Reads (find) need no token.
	n := len(ss.requests())
	f := ss.sink(t, map[string]cty.Value{"idempotency": str("find"), "find_collection": cty.True})
	d.Settings["find_url"] = map[string]string{"": "?$filter=PurchaseOrderByCustomer%20eq%20'1001'"}
	if found, _, err := f.Find(context.Background(), d); err != nil || found {
		t.Fatalf("find: %v %v", found, err)
	}
	if reqs := ss.requests()[n:]; len(reqs) != 1 || isFetch(reqs[0]) {
		t.Fatalf("find requests %+v", reqs)
	}
}

func TestHTTPSinkCSRFRefusals(t *testing.T) {
	leakCheck(t)
	t.Run("required twice is a rejection", func(t *testing.T) {
		ss := newSAPServer(t, 0)
		sink := ss.sink(t, nil)
		d := order()
		d.Settings["path"] = map[string]string{"": "/always-required"}
		_, err := sink.Deliver(context.Background(), d)
		var perm *connector.PermanentError
		if !errors.As(err, &perm) || perm.Status != 403 || !strings.Contains(err.Error(), "CSRF token validation failed") {
			t.Fatalf("got %v", err)
		}
		if n := len(ss.requests()); n != 4 { // fetch, POST, fetch, POST
			t.Fatalf("%d requests, want 4", n)
		}
	})
	t.Run("a 403 without Required is not retried", func(t *testing.T) {
		ss := newSAPServer(t, 0)
		sink := ss.sink(t, nil)
		d := order()
		d.Settings["path"] = map[string]string{"": "/forbidden"}
		_, err := sink.Deliver(context.Background(), d)
		var perm *connector.PermanentError
		if !errors.As(err, &perm) || perm.Status != 403 || !strings.Contains(err.Error(), "sales organization") {
			t.Fatalf("got %v", err)
		}
		if n := len(ss.requests()); n != 2 { // fetch, POST
			t.Fatalf("%d requests, want 2", n)
		}
	})
	t.Run("a failed fetch sends nothing", func(t *testing.T) {
		for status, retryable := range map[int]bool{503: true, 401: false} {
			ss := newSAPServer(t, 0)
			ss.fetchStatus = status
			sink := ss.sink(t, nil)
			_, err := sink.Deliver(context.Background(), order())
			if err == nil || !strings.Contains(err.Error(), "fetching the CSRF token") {
				t.Fatalf("%d: %v", status, err)
			}
			if retryable && (connector.IsPermanent(err) || !errors.Is(err, connector.ErrNotSent)) {
				t.Fatalf("%d: want retryable and not sent: %#v", status, err)
			}
			if !retryable && !connector.IsPermanent(err) {
				t.Fatalf("%d: want permanent: %v", status, err)
			}
			if n := len(ss.requests()); n != 1 {
				t.Fatalf("%d: %d requests, want only the fetch", status, n)
			}
		}
	})
}

func TestHTTPSinkCSRFConcurrent(t *testing.T) {
	leakCheck(t)
	ss := newSAPServer(t, 0)
	sink := ss.sink(t, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := order()
			d.Settings["path"] = nil
			if _, err := sink.Deliver(context.Background(), d); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	fetches := 0
	for _, r := range ss.requests() {
		if isFetch(r) {
			fetches++
		}
	}
	if fetches != 1 {
		t.Fatalf("%d fetches for 8 concurrent deliveries, want 1", fetches)
	}
}

// TestHTTPSinkKeepsNoCookies: without csrf, a cookie a target sets is not
// sent back.
func TestHTTPSinkKeepsNoCookies(t *testing.T) {
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc", Path: "/"})
		w.WriteHeader(200)
	})
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL)})
	for range 2 {
		if _, err := sink.Deliver(context.Background(), order()); err != nil {
			t.Fatal(err)
		}
	}
	if c := tg.requests()[1].header.Get("Cookie"); c != "" {
		t.Fatalf("cookie %q sent back", c)
	}
}
