package connectors

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/transload/transload/engine/connector"
)

// The grant types of auth "oauth2".
const (
	grantClientCredentials = "client_credentials"
	grantRefreshToken      = "refresh_token"
)

// uuidPlaceholder in a token_headers value is replaced by a fresh random
// UUID on every token request (Walmart wants a new WM_QOS.CORRELATION_ID
// per request).
const uuidPlaceholder = "{uuid}"

// oauth2Auth fetches tokens with the OAuth 2.0 client-credentials grant
// (RFC 6749 §4.4) or the refresh-token grant (§6, as Login with Amazon
// issues SP-API tokens), and caches one until shortly before it expires.
// The standard library does this in a page; golang.org/x/oauth2 would add
// a dependency and still need the refresh-on-401 below.
//
// The token travels in header with prefix before it: "Authorization:
// Bearer <token>" by default, the token alone in x-amz-access-token
// (SP-API) or WM_SEC.ACCESS_TOKEN (Walmart).
//
// A failing token endpoint is a RetryableError even for a 4xx: a revoked
// or expired client secret (or refresh token) is a configuration problem
// that an operator fixes, after which the waiting deliveries should
// simply go through, rather than every document of the meantime being
// dead-lettered.
type oauth2Auth struct {
	tokenURL     string
	clientID     string
	clientSecret string
	grantType    string
	refreshToken string
	scopes       []string
	postAuth     bool
	params       map[string]string
	// tokenHeaders go with the token request; uuidPlaceholder in a value
	// is expanded per request.
	tokenHeaders map[string]string
	header       string
	prefix       string
	client       *http.Client
	timeout      time.Duration
	now          func() time.Time
	uuid         func() string

	// mu is held while a token is fetched, so concurrent deliveries that
	// find no valid token wait for one request instead of each making one.
	mu      sync.Mutex
	token   string
	expires time.Time // zero: until the target refuses it
	// last is the latest token fetched, kept after invalidate so that an
	// answer echoing it is still redacted. Atomic, so that redacting
	// never waits for a token request in flight.
	last atomic.Pointer[string]
}

func (o *oauth2Auth) headerName() string { return o.header }

func (o *oauth2Auth) authorization(ctx context.Context, _ string, _ *url.URL) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.token != "" && (o.expires.IsZero() || o.now().Before(o.expires)) {
		return o.prefix + o.token, nil
	}
	tok, lifetime, err := o.fetch(ctx)
	if err != nil {
		return "", err
	}
	o.token, o.expires = tok, time.Time{}
	o.last.Store(&tok)
	if lifetime > 0 {
		// Refresh a little early, so a token never expires in flight.
		o.expires = o.now().Add(lifetime - min(30*time.Second, lifetime/4))
	}
	return o.prefix + o.token, nil
}

func (o *oauth2Auth) invalidate(used string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.token != "" && used == o.prefix+o.token {
		o.token = "" // a concurrent request may have refreshed it already
	}
	return true
}

// tokenAnswer is the token endpoint's JSON. expires_in is a number in the
// RFC, a string in some (older Azure AD) endpoints.
type tokenAnswer struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	Error       string          `json:"error"`
	Description string          `json:"error_description"`
}

func (o *oauth2Auth) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {o.grantType}}
	if o.grantType == grantRefreshToken {
		form.Set("refresh_token", o.refreshToken)
	}
	if len(o.scopes) > 0 {
		form.Set("scope", strings.Join(o.scopes, " "))
	}
	for k, v := range o.params {
		form.Set(k, v)
	}
	if o.postAuth {
		form.Set("client_id", o.clientID)
		form.Set("client_secret", o.clientSecret)
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("oauth2 token request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	for k, v := range o.tokenHeaders {
		req.Header.Set(k, o.expand(v))
	}
	if !o.postAuth {
		req.SetBasicAuth(url.QueryEscape(o.clientID), url.QueryEscape(o.clientSecret))
	}
	resp, err := o.client.Do(req)
	if err != nil {
		// A failed token request never sent the document.
		return "", 0, &connector.RetryableError{Err: fmt.Errorf("oauth2 token request to %s: %w: %w", redactURL(o.tokenURL), connector.ErrNotSent, err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", 0, &connector.RetryableError{Err: fmt.Errorf("oauth2 token request: %w: reading the answer: %w", connector.ErrNotSent, err)}
	}
	var ans tokenAnswer
	jsonErr := json.Unmarshal(body, &ans)
	if resp.StatusCode < 200 || resp.StatusCode > 299 || ans.AccessToken == "" {
		// Quote only the OAuth error fields: an answer body could echo
		// the request, secret included.
		detail := ""
		if ans.Error != "" {
			detail = ": " + ans.Error
			if ans.Description != "" {
				detail += " (" + ans.Description + ")"
			}
		} else if jsonErr != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			detail = ": the answer is not JSON"
		} else if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			detail = ": the answer has no access_token"
		}
		detail = o.redact(detail)
		return "", 0, &connector.RetryableError{
			Status:     resp.StatusCode,
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
			Err:        fmt.Errorf("oauth2 token request: %w: %s answered %d%s", connector.ErrNotSent, redactURL(o.tokenURL), resp.StatusCode, detail),
		}
	}
	return ans.AccessToken, expiresIn(ans.ExpiresIn), nil
}

// expiresIn reads expires_in, a number or a string of seconds.
func expiresIn(raw json.RawMessage) time.Duration {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return 0
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n * float64(time.Second))
}

// expand replaces each uuidPlaceholder in a token header value with a
// fresh UUID.
func (o *oauth2Auth) expand(v string) string {
	for strings.Contains(v, uuidPlaceholder) {
		v = strings.Replace(v, uuidPlaceholder, o.uuid(), 1)
	}
	return v
}

// newUUID returns a random (version 4) UUID in its canonical text form.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// redact removes the client secret, the refresh token and the access
// token (a target may echo the header it refused) from quoted text.
func (o *oauth2Auth) redact(s string) string {
	last := ""
	if p := o.last.Load(); p != nil {
		last = *p
	}
	return redactSecrets(s, o.clientSecret, o.refreshToken, last)
}

func (o *oauth2Auth) String() string { return "oauth2 " + redactURL(o.tokenURL) }
