package connectors

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

// Reason codes of the http source's error answers. Senders see them in the
// "reason" field of the JSON body; they are part of the public contract.
const (
	ReasonUnauthorized     = "UNAUTHORIZED"
	ReasonMethodNotAllowed = "METHOD_NOT_ALLOWED"
	ReasonBodyTooLarge     = "BODY_TOO_LARGE"
	ReasonInvalidPayload   = "INVALID_PAYLOAD"
	ReasonInboxFull        = "INBOX_FULL"
	ReasonSourceClosed     = "SOURCE_CLOSED"
	ReasonIngressFailed    = "INGRESS_FAILED"
)

// The verification modes of the http source.
const (
	verifyNone    = "none"
	verifyShopify = "shopify"
	verifyHMAC    = "hmac"
	verifyAPIKey  = "api_key"
	verifyBearer  = "bearer"
)

// shopifyHeader carries Shopify's webhook signature.
const shopifyHeader = "X-Shopify-Hmac-Sha256"

// constantTimeEqual compares secrets and signatures. It is a variable only
// so that a test can prove every verification goes through it; nothing
// else may assign it.
var constantTimeEqual = hmac.Equal

// HTTPSourceSpec is the settings spec of the http source.
var HTTPSourceSpec = &connector.ConfigSpec{
	Doc: "Receives webhooks on one route of the engine's shared HTTP listener. " +
		"A request is answered 202 Accepted only after its body is stored durably in the flow's inbox, " +
		"so an acknowledged event is never lost. Signatures are verified on the raw body before anything parses it. " +
		"A request with X-Shopify-Webhook-Id or Idempotency-Key is the same message on every retry of it. " +
		"Refusals are JSON {\"error\": …, \"reason\": …}: 401 UNAUTHORIZED (verification failed or no secret configured), " +
		"405 METHOD_NOT_ALLOWED, 413 BODY_TOO_LARGE, 422 with the decoder's reason code (the body does not decode as the flow's input), " +
		"503 INBOX_FULL with Retry-After (the inbox is full: retry later), 500 INGRESS_FAILED (the inbox could not store the message).",
	Attrs: []*connector.AttrSpec{
		{
			Name: "path", Type: cty.String, Required: true,
			Doc:     "The URL path of the route, starting with /. Each path may be used by one source only.",
			Example: `path = "/webhooks/shopify/orders"`,
		},
		{
			Name: "method", Type: cty.String, Default: cty.StringVal(http.MethodPost),
			OneOf:   []string{http.MethodPost, http.MethodPut, http.MethodPatch},
			Doc:     "The HTTP method the route accepts; any other method is answered 405.",
			Example: `method = "PUT"`,
		},
		{
			Name: "verify", Type: cty.String, Default: cty.StringVal(verifyNone),
			OneOf: []string{verifyNone, verifyShopify, verifyHMAC, verifyAPIKey, verifyBearer},
			Doc: "How a request proves it comes from the sender. " +
				"\"shopify\": the X-Shopify-Hmac-Sha256 header is the base64 HMAC-SHA256 of the raw body keyed with a secret. " +
				"\"hmac\": the header named by `header` is the HMAC-SHA256 of the raw body, in `encoding`, after `prefix`. " +
				"\"api_key\": the header named by `header` equals a secret. " +
				"\"bearer\": the Authorization header is \"Bearer <secret>\". " +
				"\"none\": anyone who can reach the listener may post (only behind a trusted proxy). " +
				"All comparisons take constant time. With any mode but \"none\" and no non-empty secret, every request is refused with 401.",
			Example: `verify = "shopify"`,
		},
		{
			Name: "secrets", Type: cty.List(cty.String), Secret: true,
			Doc: "The shared secrets, API keys or tokens that verification accepts. " +
				"List two during a rotation (the old and the new secret); a request matching either is accepted. " +
				"Read them from the environment, never write them in the flow file. Empty strings are ignored.",
			Example: `secrets = [env("SHOPIFY_WEBHOOK_SECRET"), env("SHOPIFY_WEBHOOK_SECRET_PREVIOUS")]`,
		},
		{
			Name: "header",
			Type: cty.String,
			Doc: "The request header that carries the signature (verify = \"hmac\", default X-Signature) " +
				"or the key (verify = \"api_key\", default X-API-Key). Header names are case-insensitive.",
			Example: `header = "X-Hub-Signature-256"`,
		},
		{
			Name: "encoding", Type: cty.String, Default: cty.StringVal("hex"), OneOf: []string{"hex", "base64"},
			Doc:     "How the signature is written in the header for verify = \"hmac\": lower- or upper-case hex, or standard base64.",
			Example: `encoding = "base64"`,
		},
		{
			Name: "prefix", Type: cty.String,
			Doc:     "Text in front of the signature in the header for verify = \"hmac\" (GitHub writes \"sha256=\"). A signature without it is refused.",
			Example: `prefix = "sha256="`,
		},
		{
			Name: "max_body_bytes", Type: cty.Number, Default: cty.NumberIntVal(1 << 20),
			Doc:     "The largest body accepted, in bytes; a larger request is answered 413 without being stored. The default is 1 MiB.",
			Example: `max_body_bytes = 5242880`,
		},
	},
	Check: checkHTTPSource,
}

func checkHTTPSource(v cty.Value) error {
	if p := getString(v, "path", ""); isSet(attr(v, "path")) && !strings.HasPrefix(p, "/") {
		return fmt.Errorf("path %q must start with /", p)
	}
	n, err := getInt(v, "max_body_bytes", 1)
	if err != nil {
		return err
	}
	if n <= 0 {
		return fmt.Errorf("max_body_bytes must be positive, not %d", n)
	}
	verify := getString(v, "verify", verifyNone)
	if verify == verifyNone && len(getStrings(v, "secrets")) > 0 {
		return errors.New(`secrets are set but verify is "none", so they would not be checked: set verify to "shopify", "hmac", "api_key" or "bearer", or remove the secrets`)
	}
	if s := getString(v, "header", ""); s != "" && verify != verifyHMAC && verify != verifyAPIKey {
		return fmt.Errorf(`header is only used with verify = "hmac" or "api_key", not %q`, verify)
	}
	if isSet(attr(v, "prefix")) && verify != verifyHMAC {
		return fmt.Errorf(`prefix is only used with verify = "hmac", not %q`, verify)
	}
	return nil
}

// HTTPSource is the http source: one route on the engine's listener.
//
// Lifecycle: New checks the settings; Start registers the route with
// params.Router (and logs one warning when verification has no secret);
// from then on each request is verified, checked and submitted on the
// listener's goroutine. Close makes the handler answer 503 to every later
// request and waits for the requests in flight; it is safe twice and
// without Start. The engine swaps the router itself on reload.
type HTTPSource struct {
	params   connector.SourceParams
	log      *slog.Logger
	path     string
	method   string
	verify   string
	secrets  [][]byte
	header   string
	encoding string
	prefix   string
	maxBody  int64
	origin   string

	mu       sync.RWMutex
	closed   bool
	started  bool
	inflight sync.WaitGroup
}

// NewHTTPSource builds an http source from its params.
func NewHTTPSource(p connector.SourceParams) (connector.Source, error) {
	if err := checkHTTPSource(p.Config); err != nil {
		return nil, err
	}
	s := &HTTPSource{
		params:   p,
		log:      loggerOf(p.Logger).With("source", "http", "flow", p.Flow),
		path:     getString(p.Config, "path", ""),
		method:   strings.ToUpper(getString(p.Config, "method", http.MethodPost)),
		verify:   getString(p.Config, "verify", verifyNone),
		header:   getString(p.Config, "header", ""),
		encoding: getString(p.Config, "encoding", "hex"),
		prefix:   getString(p.Config, "prefix", ""),
	}
	if s.path == "" {
		return nil, errors.New("http source: path is required")
	}
	s.maxBody, _ = getInt(p.Config, "max_body_bytes", 1<<20)
	for _, sec := range getStrings(p.Config, "secrets") {
		if sec != "" {
			s.secrets = append(s.secrets, []byte(sec))
		}
	}
	if s.header == "" {
		switch s.verify {
		case verifyHMAC:
			s.header = "X-Signature"
		case verifyAPIKey:
			s.header = "X-API-Key"
		}
	}
	s.origin = "http " + s.method + " " + s.path
	return s, nil
}

// Start registers the route. It does not block.
func (s *HTTPSource) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("http source: start after close")
	}
	if s.started {
		return errors.New("http source: started twice")
	}
	if s.params.Router == nil {
		return errors.New("http source: the engine gave no router")
	}
	if s.params.Ingress == nil {
		return errors.New("http source: the engine gave no ingress")
	}
	if what := s.Unready(); what != "" {
		// The engine warns once for all its unready sources (Unready).
		s.log.Debug("http source " + s.origin + ": " + what)
	}
	if err := s.params.Router.Handle(s.method, s.path, http.HandlerFunc(s.serve)); err != nil {
		return fmt.Errorf("http source %s: %w", s.origin, err)
	}
	s.started = true
	// Webhooks have no batch to hand over: in --once mode the source
	// is done at once (it still answers senders while the run lasts).
	if s.params.Once && s.params.Done != nil {
		s.params.Done()
	}
	return nil
}

// Close makes the route answer 503 and waits for requests in flight (or
// for ctx to end).
func (s *HTTPSource) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("http source %s: requests still in flight: %w", s.origin, ctx.Err())
	}
}

func (s *HTTPSource) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, errorBody("this route is shutting down; retry shortly", ReasonSourceClosed))
		return
	}
	s.inflight.Add(1)
	s.mu.RUnlock()
	defer s.inflight.Done()

	if r.Method != s.method {
		w.Header().Set("Allow", s.method)
		writeJSON(w, http.StatusMethodNotAllowed, errorBody(fmt.Sprintf("method %s is not allowed on %s; use %s", r.Method, s.path, s.method), ReasonMethodNotAllowed))
		return
	}
	// Checks that need only headers come before reading the body, so an
	// unauthenticated sender cannot make us read a megabyte.
	if msg := s.verifyHeaders(r); msg != "" {
		writeJSON(w, http.StatusUnauthorized, errorBody(msg, ReasonUnauthorized))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody(fmt.Sprintf("the body is larger than the %d bytes this route accepts", s.maxBody), ReasonBodyTooLarge))
			return
		}
		s.log.Warn("reading a request body failed", "origin", s.origin, "error", err)
		writeJSON(w, http.StatusBadRequest, errorBody("the request body could not be read", ReasonInvalidPayload))
		return
	}
	if msg := s.verifyBody(r, body); msg != "" {
		writeJSON(w, http.StatusUnauthorized, errorBody(msg, ReasonUnauthorized))
		return
	}
	if s.params.Check != nil {
		if err := s.params.Check(body); err != nil {
			reason := builtin.ReasonOf(err)
			if reason == "" {
				reason = ReasonInvalidPayload
			}
			writeJSON(w, http.StatusUnprocessableEntity, errorBody(err.Error(), reason))
			return
		}
	}
	msg := connector.Message{Body: body, Headers: lowerHeaders(r.Header), Origin: s.origin, ID: deliveryID(r.Header)}
	if err := s.params.Ingress.Submit(r.Context(), msg); err != nil {
		var bp *connector.BackpressureError
		if errors.As(err, &bp) {
			secs := int64(math.Ceil(bp.RetryAfter.Seconds()))
			if secs < 1 {
				secs = 1
			}
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			writeJSON(w, http.StatusServiceUnavailable, errorBody(fmt.Sprintf("the flow's inbox is full; retry after %d seconds", secs), ReasonInboxFull))
			return
		}
		s.log.Error("storing a webhook failed", "origin", s.origin, "error", err)
		writeJSON(w, http.StatusInternalServerError, errorBody("the message could not be stored; retry later", ReasonIngressFailed))
		return
	}
	writeJSON(w, http.StatusAccepted, []byte("{\"status\":\"accepted\"}\n"))
}

// verifyHeaders refuses requests whose credentials can be judged without
// the body; it returns the refusal message, or "".
func (s *HTTPSource) verifyHeaders(r *http.Request) string {
	if s.verify == verifyNone {
		return ""
	}
	if len(s.secrets) == 0 {
		return "webhook verification is not configured on this route, so every request is refused"
	}
	switch s.verify {
	case verifyShopify:
		if r.Header.Get(shopifyHeader) == "" {
			return "missing " + shopifyHeader + " header"
		}
	case verifyHMAC:
		if r.Header.Get(s.header) == "" {
			return "missing " + s.header + " header"
		}
	case verifyAPIKey:
		got := r.Header.Get(s.header)
		if got == "" {
			return "missing " + s.header + " header"
		}
		if !s.matchesSecret(got) {
			return "invalid " + s.header + " header"
		}
	case verifyBearer:
		auth := r.Header.Get("Authorization")
		scheme, token, ok := strings.Cut(auth, " ")
		if auth == "" {
			return "missing Authorization header"
		}
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return "the Authorization header must be \"Bearer <token>\""
		}
		if !s.matchesSecret(strings.TrimSpace(token)) {
			return "invalid bearer token"
		}
	}
	return ""
}

// matchesSecret compares a presented key with every secret in constant
// time. Both sides are hashed first so that the time does not depend on
// the secret's length either.
func (s *HTTPSource) matchesSecret(got string) bool {
	g := sha256.Sum256([]byte(got))
	ok := false
	for _, sec := range s.secrets {
		want := sha256.Sum256(sec)
		if constantTimeEqual(g[:], want[:]) {
			ok = true
		}
	}
	return ok
}

// verifyBody checks body signatures (shopify, hmac); it returns the
// refusal message, or "".
func (s *HTTPSource) verifyBody(r *http.Request, body []byte) string {
	var header, encoding, prefix string
	switch s.verify {
	case verifyShopify:
		header, encoding = shopifyHeader, "base64"
	case verifyHMAC:
		header, encoding, prefix = s.header, s.encoding, s.prefix
	default:
		return ""
	}
	sig := strings.TrimSpace(r.Header.Get(header))
	if prefix != "" {
		rest, ok := strings.CutPrefix(sig, prefix)
		if !ok {
			return fmt.Sprintf("the %s header must start with %q", header, prefix)
		}
		sig = rest
	}
	var got []byte
	var err error
	if encoding == "base64" {
		got, err = base64.StdEncoding.DecodeString(sig)
	} else {
		got, err = hex.DecodeString(sig)
	}
	if err != nil {
		return fmt.Sprintf("the %s header is not %s", header, encoding)
	}
	ok := false
	for _, sec := range s.secrets {
		m := hmac.New(sha256.New, sec)
		m.Write(body)
		if constantTimeEqual(m.Sum(nil), got) {
			ok = true
		}
	}
	if !ok {
		return "invalid signature in the " + header + " header"
	}
	return ""
}

// lowerHeaders flattens request headers: names in lower case, several
// values joined with ", " (RFC 9110 §5.3).
// deliveryIDHeaders name one delivery of a webhook, the same on every
// retry of it: Shopify's X-Shopify-Webhook-Id, BigCommerce's and others'
// Idempotency-Key. A retried webhook is then the same message (the inbox
// keeps one copy, the ledger skips what it delivered) even in a flow
// without dedupe.
var deliveryIDHeaders = []string{"X-Shopify-Webhook-Id", "Idempotency-Key"}

// Unready implements connector.Unready: a route that verifies requests
// but has no secret refuses every one with 401.
func (s *HTTPSource) Unready() string {
	if s.verify != verifyNone && len(s.secrets) == 0 {
		return fmt.Sprintf("%s %s (verify = %q, no secret in \"secrets\": every request is refused with 401)", s.method, s.path, s.verify)
	}
	return ""
}

func deliveryID(h http.Header) string {
	for _, name := range deliveryIDHeaders {
		if v := strings.TrimSpace(h.Get(name)); v != "" && len(v) <= 200 {
			return strings.ToLower(name) + ":" + v
		}
	}
	return ""
}

func lowerHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		out[strings.ToLower(k)] = strings.Join(vs, ", ")
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func loggerOf(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

var _ connector.Source = (*HTTPSource)(nil)
