package connectors

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/xmldoc"
)

// The idempotency strategies of the http sink.
const (
	idemHeader = "header"
	idemUpsert = "upsert"
	idemFind   = "find"
	idemNone   = "none"
)

// The auth types of the http sink.
const (
	authBasic    = "basic"
	authBearer   = "bearer"
	authOAuth2   = "oauth2"
	authNetSuite = "netsuite"
	authHeader   = "header"
)

// Limits on what the http sink reads of an answer.
const (
	// maxResponseBytes bounds a success body decoded into Response.Body.
	maxResponseBytes = 10 << 20
	// errorExcerptBytes is how much of a refusal's body an error quotes.
	errorExcerptBytes = 512
)

var httpAuthSpec = &connector.ConfigSpec{
	Doc: "How the sink authenticates; the label is the type: \"basic\" (username, password), \"bearer\" (token), " +
		"\"header\" (a secret in a header of its own, such as Shopify's X-Shopify-Access-Token: name, value, prefix), " +
		"\"oauth2\" (an access token from a token endpoint: token_url, client_id, client_secret, scopes; grant_type " +
		"\"client_credentials\", or \"refresh_token\" with refresh_token, as Login with Amazon issues SP-API tokens; the token " +
		"sent as \"Authorization: Bearer <token>\" or in token_header with token_prefix, as SP-API's x-amz-access-token and " +
		"Walmart's WM_SEC.ACCESS_TOKEN want it; token_headers for the token request) " +
		"or \"netsuite\" (NetSuite token-based authentication, OAuth 1.0a with HMAC-SHA256: account, consumer_key, " +
		"consumer_secret, token_id, token_secret; every request is signed with a fresh timestamp and random nonce, " +
		"the realm is the account id in upper case with \"-\" written \"_\"). " +
		"OAuth2 tokens are cached until shortly before they expire; on a 401, or a 403 that says the token expired or is invalid " +
		"(as Amazon SP-API answers a revoked token), the token is fetched again once " +
		"and the request repeated once. The auth header wins over one of the same name in headers, and the secrets are cut out " +
		"of the answers errors quote. A credential that is set but empty (env() of an unset variable) still lets the " +
		"flow load: the sink logs a warning and holds every delivery back as retryable, sending nothing, until it is set.",
	Attrs: []*connector.AttrSpec{
		{Name: "username", Type: cty.String, Doc: "The user name (basic).", Example: `username = "integration"`},
		{Name: "password", Type: cty.String, Secret: true, Doc: "The password (basic).", Example: `password = env("ERP_PASSWORD")`},
		{Name: "token", Type: cty.String, Secret: true, Doc: "The token sent as \"Authorization: Bearer <token>\" (bearer).", Example: `token = env("ERP_TOKEN")`},
		{
			Name: "name", Type: cty.String,
			Doc:     "The header that carries the secret (header), written as the target documents it.",
			Example: `name = "X-Shopify-Access-Token"`,
		},
		{
			Name: "value", Type: cty.String, Secret: true,
			Doc:     "The secret sent in the header name (header).",
			Example: `value = env("SHOPIFY_ADMIN_TOKEN")`,
		},
		{
			Name: "prefix", Type: cty.String,
			Doc:     "Text sent before the secret in the header (header), such as \"Token \"; none by default.",
			Example: `prefix = "Token "`,
		},
		{Name: "token_url", Type: cty.String, Doc: "The token endpoint (oauth2).", Example: `token_url = "https://login.microsoftonline.com/${var.tenant}/oauth2/v2.0/token"`},
		{Name: "client_id", Type: cty.String, Doc: "The client id (oauth2).", Example: `client_id = env("D365_CLIENT_ID")`},
		{Name: "client_secret", Type: cty.String, Secret: true, Doc: "The client secret (oauth2).", Example: `client_secret = env("D365_CLIENT_SECRET")`},
		{Name: "scopes", Type: cty.List(cty.String), Doc: "The scopes requested (oauth2), sent space-separated.", Example: `scopes = ["https://contoso.crm.dynamics.com/.default"]`},
		{
			Name: "grant_type", Type: cty.String, OneOf: []string{grantClientCredentials, grantRefreshToken},
			Doc: "How the sink gets its access token (oauth2): \"client_credentials\" (RFC 6749 §4.4, the default) with the client's " +
				"own credentials, or \"refresh_token\" (§6) with refresh_token as well, the long-lived token a user's (a selling " +
				"partner's) authorization of the app gave: Login with Amazon issues SP-API access tokens this way.",
			Example: `grant_type = "refresh_token"`,
		},
		{
			Name: "refresh_token", Type: cty.String, Secret: true,
			Doc:     "The refresh token (oauth2 with grant_type = \"refresh_token\"), sent in the token request's form.",
			Example: `refresh_token = env("AMAZON_LWA_REFRESH_TOKEN")`,
		},
		{
			Name: "token_header", Type: cty.String,
			Doc: "The header that carries the access token on each request (oauth2): \"Authorization\" by default; " +
				"\"x-amz-access-token\" for Amazon SP-API, \"WM_SEC.ACCESS_TOKEN\" for Walmart Marketplace.",
			Example: `token_header = "x-amz-access-token"`,
		},
		{
			Name: "token_prefix", Type: cty.String,
			Doc: "Text sent before the access token in token_header (oauth2): \"Bearer \" (with its space) when token_header is " +
				"Authorization, nothing when it is another header. Set it to say otherwise.",
			Example: `token_prefix = ""`,
		},
		{
			Name: "token_headers", Type: cty.Map(cty.String),
			Doc: "Extra headers for the token request (oauth2), such as the WM_SVC.NAME and WM_QOS.CORRELATION_ID Walmart's token " +
				"endpoint requires. \"{uuid}\" in a value is replaced by a fresh random UUID on every token request. Accept " +
				"(application/json by default) may be set here; Content-Type and, with client_auth = \"basic\", Authorization are " +
				"the sink's.",
			Example: `token_headers = { "WM_SVC.NAME" = "Walmart Marketplace", "WM_QOS.CORRELATION_ID" = "{uuid}" }`,
		},
		{
			Name: "client_auth", Type: cty.String, OneOf: []string{"basic", "post"},
			Doc: "How the client proves itself to the token endpoint (oauth2): \"basic\" sends client_id and client_secret " +
				"as HTTP Basic credentials (RFC 6749 §2.3.1, the default), \"post\" sends them as form fields.",
			Example: `client_auth = "post"`,
		},
		{
			Name: "params", Type: cty.Map(cty.String),
			Doc:     "Extra form fields for the token request (oauth2), such as an audience or a resource.",
			Example: `params = { audience = "https://api.example.com" }`,
		},
		{
			Name: "account", Type: cty.String,
			Doc: "The NetSuite account id (netsuite), as in the account's URLs or under Setup > Company > Company Information: " +
				"\"1234567\", or \"1234567_SB1\" (also written \"1234567-sb1\") for a sandbox. The OAuth realm is this id in " +
				"upper case with \"-\" written \"_\".",
			Example: `account = var.netsuite_account`,
		},
		{Name: "consumer_key", Type: cty.String, Doc: "The consumer key of the NetSuite integration record (netsuite).", Example: `consumer_key = env("NETSUITE_CONSUMER_KEY")`},
		{Name: "consumer_secret", Type: cty.String, Secret: true, Doc: "The consumer secret of the NetSuite integration record (netsuite).", Example: `consumer_secret = env("NETSUITE_CONSUMER_SECRET")`},
		{Name: "token_id", Type: cty.String, Doc: "The token id of the NetSuite access token (netsuite), for the user and role the integration acts as.", Example: `token_id = env("NETSUITE_TOKEN_ID")`},
		{Name: "token_secret", Type: cty.String, Secret: true, Doc: "The token secret of the NetSuite access token (netsuite).", Example: `token_secret = env("NETSUITE_TOKEN_SECRET")`},
	},
}

// HTTPSinkSpec is the settings spec of the http sink.
var HTTPSinkSpec = &connector.ConfigSpec{
	Doc: "Sends each document to an HTTP endpoint (an ERP's REST API, an iPaaS, a partner). " +
		"A 2xx answer is success: its JSON body becomes the response later steps see, and its Location header " +
		"(or the \"id\" field of its body) the reference the ledger records. 408, 425, 429 and 5xx answers, timeouts and " +
		"connection failures are retried with backoff, never before the Retry-After the target asked for; " +
		"any other answer is a permanent rejection (REJECTED_BY_TARGET) that goes to the dead letters with the status " +
		"and the start of the answer. Redirects are not followed: point url at the final address. " +
		"Every request carries X-Correlation-ID.",
	Attrs: append([]*connector.AttrSpec{
		{
			Name: "url", Type: cty.String, Required: true,
			Doc:     "The endpoint, http:// or https://. The per-message path is appended to it.",
			Example: `url = "https://${var.netsuite_account}.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder"`,
		},
		{
			Name: "method", Type: cty.String, Default: cty.StringVal(http.MethodPost),
			OneOf:   []string{http.MethodPost, http.MethodPut, http.MethodPatch},
			Doc:     "The HTTP method; PUT or PATCH for targets that upsert by a key in the path.",
			Example: `method = "PUT"`,
		},
		{
			Name: "update_method", Type: cty.String, OneOf: []string{http.MethodPost, http.MethodPut, http.MethodPatch},
			Doc: "The HTTP method of an update: a changed version of a key its flow lets through (dedupe " +
				"on_change = \"update\") whose earlier version this sink got, as the ledger says. Default: method. With " +
				"path naming the document by the ref its earlier delivery got (the dedupe step's refs), a target that " +
				"changes documents by their own id takes the update.",
			Example: `update_method = "PATCH"`,
		},
		{
			Name: "path", Type: cty.String, Expr: true,
			Doc:     "A per-message expression whose value is appended to url, as written (escape what needs escaping).",
			Example: `path = "'/eid:' + canonical.id"`,
		},
		{
			Name: "headers", Type: cty.Map(cty.String), Expr: true,
			Doc:     "Request headers, each value a per-message expression. The header an auth block sets (Authorization, or the one it names) wins over one set here.",
			Example: `headers = { "X-Order-Id" = "canonical.id", "Prefer" = "'return=representation'" }`,
		},
		{
			Name: "format", Type: cty.String, Default: cty.StringVal("json"), OneOf: []string{"json", "xml", formatODataBatch},
			Doc: "The body format. \"json\": the document as canonical JSON (Content-Type application/json). " + xmlFormatDoc + " Content-Type application/xml. " +
				"\"odata_batch\": the document (an OData entity, JSON) and the related entities in its batch_navigation properties, created " +
				"together as one OData $batch changeset (multipart/mixed), which the service applies all or nothing: for a service " +
				"without deep insert, such as Dynamics 365 Finance and Operations (a sales order header and its lines). path names " +
				"the entity set (/data/SalesOrderHeadersV2); the request goes to $batch beside it (/data/$batch), the document first " +
				"(Content-ID 1), then each related entity to $1/<property>. A failed changeset is classified by its failing request's " +
				"status, as a plain request's answer is; the ref comes from the first request's answer.",
			Example: `format = "odata_batch"`,
		},
		{
			Name: "batch_navigation", Type: cty.List(cty.String),
			Doc: "With format = \"odata_batch\": the navigation properties of the document whose entities are created in the " +
				"same changeset, after it, each by its own POST to $1/<property>; they are left out of the document's own body.",
			Example: `batch_navigation = ["SalesOrderLines"]`,
		},
		{
			Name: "timeout", Type: cty.String, Default: cty.StringVal("30s"),
			Doc:     "How long one request may take, answer included; a timeout is retried.",
			Example: `timeout = "10s"`,
		},
		{
			Name: "idempotency", Type: cty.String, Default: cty.StringVal(idemHeader), OneOf: []string{idemHeader, idemUpsert, idemFind, idemNone},
			Doc: "How a retried delivery is kept from creating a second document. \"header\": the target deduplicates by " +
				"the idempotency key sent in idempotency_header. \"upsert\": the target upserts by a key in the URL " +
				"(path, with PUT or PATCH), so nothing extra is sent. \"find\": before a delivery is repeated after a crash, " +
				"find_url is read (GET): 200 means the document exists, 404 that it does not. \"none\": the target cannot " +
				"tell, and a delivery interrupted mid-call is dead-lettered as IN_DOUBT for a person to check. " +
				"Left out, it is \"header\" and the load warns: say which holds for the target.",
			Example: `idempotency = "upsert"`,
			Unset: "\"header\", which trusts the target to honour the Idempotency-Key header: after a crash mid-call the " +
				"delivery is sent again with the same key, and a target that ignores the header creates a second document. " +
				"Say which holds: \"header\" if it honours the header, \"upsert\" if it writes by a key in the URL, \"find\" " +
				"to read before sending again, \"none\" to dead-letter an interrupted delivery as IN_DOUBT.",
		},
		{
			Name: "idempotency_header", Type: cty.String, Default: cty.StringVal("Idempotency-Key"),
			Doc:     "The header that carries the idempotency key when idempotency = \"header\". The key is the same on every attempt, restart and replay.",
			Example: `idempotency_header = "X-Request-Id"`,
		},
		{
			Name: "find_url", Type: cty.String, Expr: true,
			Doc: "A per-message expression giving the URL to read when idempotency = \"find\": an absolute http(s) URL, " +
				"or text appended to url like path.",
			Example: `find_url = "'/eid:' + canonical.id"`,
		},
		{
			Name: "find_collection", Type: cty.Bool, Default: cty.False,
			Doc: "With idempotency = \"find\": find_url queries a collection (a filter on the external key) instead of " +
				"reading one document, so a 200 answer says found or not by its content: an empty collection is \"not found\", " +
				"a non-empty one \"found\", its first element the response. A collection is a JSON array, or an object whose " +
				"\"value\" (OData v4: Dynamics 365, Business Central), \"d\".\"results\" (OData v2: SAP) or \"items\" (Oracle REST) " +
				"is an array; any other 200 answer is a permanent INVALID_SETTING error. 404 still means \"not found\".",
			Example: `find_collection = true`,
		},
		{
			Name: "ref_paths", Type: cty.List(cty.String),
			Doc: "Where the answer names the document a delivery created or changed: dotted paths into the decoded JSON " +
				"answer (a number picks an array element), tried in order; the first that holds a string or a number is the " +
				"delivery's ref, which the ledger keeps and a later version's dedupe step gives the flow (refs, by sink), so " +
				"an update can name the document it changes. Without it, or when none matches, the ref is the Location " +
				"header, else the answer's top-level \"id\". For GraphQL, whose answers nest the id under the operation.",
			Example: `ref_paths = ["data.fulfillmentCreate.fulfillment.id", "data.fulfillmentTrackingInfoUpdate.fulfillment.id"]`,
		},
		{
			Name: "csrf", Type: cty.Bool, Default: cty.False,
			Doc: "Send a CSRF token with every POST, PUT and PATCH, as SAP Gateway (OData) services require: before the first " +
				"one, the sink reads url (GET) with \"x-csrf-token: Fetch\" and its authentication, keeps the token the answer's " +
				"x-csrf-token header holds and the session cookies it sets (in a cookie jar of the sink's own), and sends both " +
				"with the modifying requests. A 403 answer with \"x-csrf-token: Required\" (an expired token or session) fetches " +
				"a new token once and repeats the request at once, within the same delivery attempt.",
			Example: `csrf = true`,
		},
	}, xmlAttrSpecs()...),
	Blocks: []*connector.BlockSpec{{Name: "auth", Doc: httpAuthSpec.Doc, Spec: httpAuthSpec, Labels: []string{"type"}}},
	Check:  checkHTTPSink,
}

func checkHTTPSink(v cty.Value) error {
	// An empty url is allowed: a flow may declare the sink of an optional
	// integration (url = var.erp_url) and route to it only when it is set.
	if raw := getString(v, "url", ""); isSet(attr(v, "url")) && raw != "" {
		if err := checkURL("url", raw); err != nil {
			return err
		}
	}
	if err := checkDuration(v, "timeout"); err != nil {
		return err
	}
	if h := getString(v, "idempotency_header", "Idempotency-Key"); h == "" || strings.ContainsAny(h, " :\r\n") {
		return fmt.Errorf("idempotency_header %q is not a header name", h)
	}
	if getBool(v, "find_collection", false) && getString(v, "idempotency", idemHeader) != idemFind {
		return errors.New(`the setting find_collection is only used with idempotency = "find"`)
	}
	if err := checkXMLSettings(v); err != nil {
		return err
	}
	batch := getString(v, "format", "json") == formatODataBatch
	if len(getStrings(v, "batch_navigation")) > 0 && !batch {
		return errors.New(`the setting batch_navigation is only used with format = "odata_batch"`)
	}
	if batch && (getString(v, "method", http.MethodPost) != http.MethodPost || getString(v, "update_method", "") != "") {
		return errors.New(`format = "odata_batch" creates entities: method must be POST, and update_method is not used`)
	}
	_, err := newHTTPAuth(attr(v, "auth"), nil, 0)
	return err
}

func checkURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q must be an absolute http:// or https:// URL", name, redactURL(raw))
	}
	return nil
}

// httpSinkIdempotency is the strategy of an http sink's settings.
func httpSinkIdempotency(cfg cty.Value) connector.Idempotency {
	switch getString(cfg, "idempotency", idemHeader) {
	case idemFind:
		return connector.IdempotencyFind
	case idemNone:
		return connector.IdempotencyNone
	default:
		return connector.IdempotencyKey
	}
}

// HTTPSink is the http sink.
//
// Lifecycle: ready once built; Deliver and Find may be called
// concurrently (they share one connection pool and, for oauth2, one
// cached token; with csrf, one CSRF token and one cookie jar). Close closes idle connections; it is safe twice and
// without any delivery.
type HTTPSink struct {
	name   string
	log    *slog.Logger
	url    string
	method string
	// updateMethod is the method of an update (update_method, else method).
	updateMethod string
	format       string
	timeout      time.Duration
	idem         string
	idemHeader   string
	auth         httpAuth
	transport    *http.Transport
	client       *http.Client
	// findCollection: find_url answers a collection (find_collection).
	findCollection bool
	// refPaths locate the ref in a JSON answer (ref_paths).
	refPaths []string
	// batchNav are the navigation properties an odata_batch document's
	// related entities are in (batch_navigation).
	batchNav []string
	// csrf holds the CSRF token when csrf = true (nil otherwise).
	csrf    *csrfTokens
	xmlOpts xmldoc.EncodeOptions
}

// NewHTTPSink builds an http sink from its params.
func NewHTTPSink(p connector.SinkParams) (connector.Sink, error) {
	if err := checkHTTPSink(p.Config); err != nil {
		return nil, fmt.Errorf("http sink %s: %w", p.Name, err)
	}
	s := &HTTPSink{
		name:         p.Name,
		log:          loggerOf(p.Logger).With("sink", p.Name, "type", "http"),
		url:          getString(p.Config, "url", ""),
		method:       strings.ToUpper(getString(p.Config, "method", http.MethodPost)),
		updateMethod: strings.ToUpper(getString(p.Config, "update_method", "")),
		format:       getString(p.Config, "format", "json"),
		idem:         getString(p.Config, "idempotency", idemHeader),
		idemHeader:   getString(p.Config, "idempotency_header", "Idempotency-Key"),

		findCollection: getBool(p.Config, "find_collection", false),
		refPaths:       getStrings(p.Config, "ref_paths"),
		batchNav:       getStrings(p.Config, "batch_navigation"),
		xmlOpts:        xmlOptions(p.Config),
	}
	s.timeout, _ = getDuration(p.Config, "timeout", 30*time.Second)
	s.transport = http.DefaultTransport.(*http.Transport).Clone()
	s.client = &http.Client{
		Transport: s.transport,
		// A redirected POST would turn into a GET: redirects are refusals.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if getBool(p.Config, "csrf", false) {
		// A CSRF token is bound to the session its cookies name. Only
		// these sinks keep cookies: elsewhere a cookie a target sets could
		// change what later deliveries mean to it.
		jar, err := cookiejar.New(nil)
		if err != nil {
			return nil, fmt.Errorf("http sink %s: %w", p.Name, err)
		}
		s.client.Jar = jar
		s.csrf = &csrfTokens{}
	}
	auth, err := newHTTPAuth(attr(p.Config, "auth"), s.client, s.timeout)
	if err != nil {
		return nil, fmt.Errorf("http sink %s: %w", p.Name, err)
	}
	s.auth = auth
	if u, ok := auth.(*unconfiguredAuth); ok {
		msg := fmt.Sprintf("http sink %s: %s; every delivery is held back until it is set", p.Name, u.problem())
		if s.url == "" {
			// Not connected yet either (the default flows write to the
			// outbox until the URL is set): nothing to warn about today.
			s.log.Debug(msg)
		} else {
			s.log.Warn(msg)
		}
	}
	return s, nil
}

// Deliver sends one document.
func (s *HTTPSink) Deliver(ctx context.Context, d *connector.Delivery) (*connector.Response, error) {
	if s.url == "" {
		return nil, &connector.PermanentError{Err: fmt.Errorf("sink %s has no url: set it (for the default flows, the variable erp_url) before routing to it", s.name), Reason: ReasonInvalidSetting}
	}
	target, err := s.target(setting(d, "path"))
	if err != nil {
		return nil, err
	}
	if s.format == formatODataBatch {
		return s.deliverBatch(ctx, d, target)
	}
	body, ctype, err := s.encode(d.Body, d.Type)
	if err != nil {
		return nil, err
	}
	method := s.method
	if d.Replacing && s.updateMethod != "" {
		method = s.updateMethod
	}
	res, err := s.send(ctx, method, target, body, ctype, d, nil)
	if err != nil {
		return nil, err
	}
	if res.status >= 200 && res.status <= 299 {
		return refFromPaths(s.refPaths, res.response()), nil
	}
	return nil, res.classify(method, target, s.redact)
}

// refFromPaths sets r's ref to the value at the first of paths its body
// has, if any.
func refFromPaths(paths []string, r *connector.Response) *connector.Response {
	for _, p := range paths {
		if ref := refAt(r.Body, p); ref != "" {
			r.Ref = ref
			break
		}
	}
	return r
}

// httpSinkAnswer finishes a mock's answer as the sink finishes a
// target's: the ref from the body's "id" unless the answer names one,
// then from ref_paths.
func httpSinkAnswer(cfg cty.Value, r *connector.Response) *connector.Response {
	if r.Ref == "" {
		r.Ref = refOf(r.Body)
	}
	return refFromPaths(getStrings(cfg, "ref_paths"), r)
}

// refAt is the string or number at a dotted path of a decoded answer, or
// "" when there is none.
func refAt(v any, path string) string {
	for _, seg := range strings.Split(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			v = c[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return ""
			}
			v = c[i]
		default:
			return ""
		}
	}
	return refString(v)
}

// Find reads find_url: 200 means the document exists (its answer is
// mapped like a delivery's), 404 that it does not; anything else is an
// error classified like a delivery's. With find_collection, a 200 answer
// is a collection, and an empty one means the document does not exist
// (findInCollection).
func (s *HTTPSink) Find(ctx context.Context, d *connector.Delivery) (bool, *connector.Response, error) {
	if s.idem != idemFind {
		return false, nil, fmt.Errorf("http sink %s: Find is only used with idempotency = \"find\", not %q", s.name, s.idem)
	}
	raw := setting(d, "find_url")
	if raw == "" {
		return false, nil, &connector.PermanentError{Reason: ReasonInvalidSetting, Err: fmt.Errorf("http sink %s: idempotency = \"find\" needs find_url, and it is not set or evaluated to \"\"", s.name)}
	}
	target := raw
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		var err error
		if target, err = s.target(raw); err != nil {
			return false, nil, err
		}
	}
	res, err := s.send(ctx, http.MethodGet, target, nil, "", d, nil)
	if err != nil {
		return false, nil, err
	}
	switch res.status {
	case http.StatusOK:
		if s.findCollection {
			return findInCollection(res, target)
		}
		return true, refFromPaths(s.refPaths, res.response()), nil
	case http.StatusNotFound:
		return false, nil, nil
	}
	return false, nil, res.classify(http.MethodGet, target, s.redact)
}

// redact removes configured secrets from quoted answer text.
func (s *HTTPSink) redact(text string) string {
	if s.auth == nil {
		return text
	}
	return s.auth.redact(text)
}

// Close closes idle connections.
func (s *HTTPSink) Close(context.Context) error {
	s.transport.CloseIdleConnections()
	return nil
}

func setting(d *connector.Delivery, name string) string {
	if d.Settings == nil {
		return ""
	}
	return d.Settings[name][""]
}

// encode renders the body in the sink's format.
func (s *HTTPSink) encode(body any, typ *builtin.Type) ([]byte, string, error) {
	if s.format == "xml" {
		b, err := encodeXMLBody(body, typ, s.xmlOpts)
		if err != nil {
			return nil, "", &connector.PermanentError{Reason: ReasonUnencodable, Err: err}
		}
		return b, "application/xml", nil
	}
	b, err := builtin.AppendJSON(nil, body)
	if err != nil {
		return nil, "", &connector.PermanentError{Reason: ReasonUnencodable, Err: fmt.Errorf("cannot encode the document as JSON: %w", err)}
	}
	return b, "application/json", nil
}

// target appends a per-message path to url.
func (s *HTTPSink) target(path string) (string, error) {
	t := s.url
	switch {
	case path == "":
	case strings.HasPrefix(path, "?"):
		t += path
	default:
		t = strings.TrimSuffix(t, "/") + "/" + strings.TrimPrefix(path, "/")
	}
	if _, err := url.Parse(t); err != nil {
		return "", &connector.PermanentError{Reason: ReasonInvalidSetting, Err: fmt.Errorf("the request URL %q is not valid: %v", redactURL(t), err)}
	}
	return t, nil
}

// httpResult is an answer read whole (up to the limit).
type httpResult struct {
	status int
	header http.Header
	body   []byte
}

// send makes one request, and repeats it at once, within the same
// delivery attempt, in two cases, each at most once: an oauth2 target
// answers 401 (with a fresh token), and a csrf target answers a modifying
// request 403 "x-csrf-token: Required" (with a fresh CSRF token). extra
// headers win over the delivery's.
func (s *HTTPSink) send(ctx context.Context, method, target string, body []byte, ctype string, d *connector.Delivery, extra map[string]string) (*httpResult, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, &connector.PermanentError{Reason: ReasonInvalidSetting, Err: fmt.Errorf("the request URL %q is not valid: %v", redactURL(target), err)}
	}
	modifying := method != http.MethodGet && method != http.MethodHead
	authRetried, csrfRetried := false, false
	for {
		authz := ""
		if s.auth != nil {
			if authz, err = s.auth.authorization(ctx, method, u); err != nil {
				return nil, err
			}
		}
		hdr := extra
		csrfToken := ""
		if s.csrf != nil && modifying {
			if csrfToken, err = s.csrf.get(ctx, func(ctx context.Context) (string, error) { return s.fetchCSRFToken(ctx, d) }); err != nil {
				return nil, err
			}
			if csrfToken != "" {
				hdr = map[string]string{csrfHeader: csrfToken}
				for k, v := range extra {
					hdr[k] = v
				}
			}
		}
		res, err := s.roundTrip(ctx, method, target, body, ctype, authz, d, hdr)
		if err != nil {
			return nil, err
		}
		if refusedToken(res) && !authRetried && s.auth != nil && s.auth.invalidate(authz) {
			authRetried = true
			s.log.Info("the target refused the token; fetching a new one and trying once more", "status", res.status, "url", redactURL(target))
			continue
		}
		if s.csrf != nil && modifying && !csrfRetried && csrfRequired(res) {
			csrfRetried = true
			s.csrf.invalidate(csrfToken)
			s.log.Info("the target requires a new CSRF token (403); fetching one and trying once more", "url", redactURL(target))
			continue
		}
		return res, nil
	}
}

func (s *HTTPSink) roundTrip(ctx context.Context, method, target string, body []byte, ctype, authz string, d *connector.Delivery, extra map[string]string) (*httpResult, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, &connector.PermanentError{Reason: ReasonInvalidSetting, Err: fmt.Errorf("building the request to %s: %v", redactURL(target), err)}
	}
	h := req.Header
	for _, hs := range []map[string]string{d.Settings["headers"], d.Headers, extra} {
		for k, v := range hs {
			if !validHeader(k, v) {
				return nil, &connector.PermanentError{Reason: ReasonInvalidSetting, Err: fmt.Errorf("header %q: the name must be a token and the value must not contain line breaks or NUL", k)}
			}
			h.Set(k, v)
		}
	}
	if ctype != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", ctype)
	}
	if h.Get("Accept") == "" {
		h.Set("Accept", "application/json")
		if s.format == "xml" {
			h.Set("Accept", "application/xml")
		}
	}
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", "transload")
	}
	if d.CorrelationID != "" {
		h.Set("X-Correlation-ID", d.CorrelationID)
	}
	if s.idem == idemHeader && d.IdempotencyKey != "" && method != http.MethodGet {
		h.Set(s.idemHeader, d.IdempotencyKey)
	}
	if authz != "" {
		h.Set(s.auth.headerName(), authz)
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, networkError(method, target, err, s.timeout)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		// The target answered, so the request was received: in doubt.
		return nil, &connector.RetryableError{Status: resp.StatusCode, Err: fmt.Errorf("%s %s: reading the %d answer: %w", method, redactURL(target), resp.StatusCode, err)}
	}
	s.log.Debug("request done", "method", method, "url", redactURL(target), "status", resp.StatusCode, "took", time.Since(start))
	return &httpResult{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// validHeader reports whether a header can be sent as is (RFC 9110 §5.1,
// §5.5): a token name, a value without CR, LF or NUL. Checked here so a
// bad per-message header is a permanent error, not a transport failure
// that would be retried.
func validHeader(name, value string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return !strings.ContainsAny(value, "\r\n\x00")
}

// checkHeaderName checks a header name a setting gives.
func checkHeaderName(setting, name string) error {
	if !validHeader(name, "") {
		return fmt.Errorf("%s %q is not a header name", setting, name)
	}
	return nil
}

// networkError classifies a failed request as retryable, wrapping
// connector.ErrNotSent when the request certainly never reached the
// target (a DNS failure, a refused or timed-out dial, a TLS certificate
// the client refused).
func networkError(method, target string, err error, timeout time.Duration) error {
	where := method + " " + redactURL(target)
	var op *net.OpError
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	notSent := errors.As(err, &dns) || errors.As(err, &cert) || (errors.As(err, &op) && op.Op == "dial")
	if errors.Is(err, context.DeadlineExceeded) && !notSent {
		err = fmt.Errorf("no answer within %s: %w", timeout, err)
	}
	if notSent {
		return &connector.RetryableError{Err: fmt.Errorf("%s: %w: %w", where, connector.ErrNotSent, err)}
	}
	return &connector.RetryableError{Err: fmt.Errorf("%s: %w", where, err)}
}

// response maps a 2xx answer: a JSON body decoded, Ref from Location or
// the body's "id".
func (r *httpResult) response() *connector.Response {
	out := &connector.Response{Status: r.status, Ref: r.header.Get("Location")}
	if len(bytes.TrimSpace(r.body)) > 0 && looksJSON(r.header.Get("Content-Type"), r.body) {
		if v, err := decodeJSON(r.body); err == nil {
			out.Body = v
		}
	}
	if out.Ref == "" {
		out.Ref = refOf(out.Body)
	}
	return out
}

// refOf is the "id" field of a decoded answer, or "".
func refOf(body any) string { return refAt(body, "id") }

// refString is an id as text: a string, or a number as written; "" for
// anything else.
func refString(v any) string {
	switch id := v.(type) {
	case string:
		return id
	case int64:
		return strconv.FormatInt(id, 10)
	case builtin.Decimal:
		return id.String()
	}
	return ""
}

// refusedToken reports whether an answer refuses the credentials sent: a
// 401, or a 403 that says the token expired (Amazon SP-API answers an
// expired access token with 403 "Unauthorized … The access token you
// provided has expired", before our cached copy's own expiry when LWA
// revoked it). A 403 for a missing permission is not retried: a new token
// would be refused the same way.
func refusedToken(res *httpResult) bool {
	if res.status == http.StatusUnauthorized {
		return true
	}
	if res.status != http.StatusForbidden || csrfRequired(res) {
		return false
	}
	body := strings.ToLower(string(res.body[:min(len(res.body), 4096)]))
	return strings.Contains(body, "token") && (strings.Contains(body, "expired") || strings.Contains(body, "invalid"))
}

func looksJSON(ctype string, body []byte) bool {
	if strings.Contains(strings.ToLower(ctype), "json") {
		return true
	}
	b := bytes.TrimSpace(body)
	return ctype == "" && len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// classify turns a non-2xx answer into a RetryableError (408, 425, 429,
// 5xx) or a PermanentError (everything else).
func (r *httpResult) classify(method, target string, redact func(string) string) error {
	excerpt := r.body
	if len(excerpt) > errorExcerptBytes {
		excerpt = excerpt[:errorExcerptBytes]
	}
	msg := fmt.Sprintf("%s %s answered %d %s", method, redactURL(target), r.status, http.StatusText(r.status))
	if len(bytes.TrimSpace(excerpt)) > 0 {
		msg += ": " + redact(strings.ToValidUTF8(string(bytes.TrimSpace(excerpt)), "\uFFFD"))
	}
	switch {
	case r.status == http.StatusRequestTimeout, r.status == http.StatusTooEarly,
		r.status == http.StatusTooManyRequests, r.status >= 500:
		return &connector.RetryableError{Err: errors.New(msg), Status: r.status, RetryAfter: parseRetryAfter(r.header.Get("Retry-After"), time.Now())}
	case r.status >= 300 && r.status <= 399:
		if loc := r.header.Get("Location"); loc != "" {
			msg += " (redirect to " + redactURL(loc) + "; redirects are not followed: set url to the final address)"
		}
	}
	return &connector.PermanentError{Err: errors.New(msg), Reason: ReasonRejectedByTarget, Status: r.status}
}

// parseRetryAfter reads a Retry-After header: delta-seconds or an
// HTTP-date, rounded up to the second so a retry never comes early. A
// missing, malformed or past value is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > math.MaxInt64/int64(time.Second) {
			n = math.MaxInt64 / int64(time.Second)
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	d := t.Sub(now)
	if d <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(d.Seconds())) * time.Second
}

// redactURL renders a URL for messages and logs: no user info, no query
// (APIs put keys there), no fragment.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			raw = raw[:i]
		}
		if i := strings.Index(raw, "@"); i >= 0 {
			raw = raw[i+1:]
		}
		return raw
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	u.Fragment = ""
	return u.String()
}

// httpAuth adds credentials to requests.
type httpAuth interface {
	// headerName is the header the credentials go in: Authorization, or
	// the one the settings name (auth "header", oauth2's token_header).
	headerName() string
	// authorization returns the value of that header for a request (a
	// signature covers its method and URL).
	authorization(ctx context.Context, method string, u *url.URL) (string, error)
	// invalidate forgets credentials the target refused with 401 (used is
	// the value sent); it reports whether trying again with fresh ones may
	// help.
	invalidate(used string) bool
	// redact removes the configured secrets from text quoted from an
	// answer (a target may echo what it was sent).
	redact(s string) string
}

// redactSecrets replaces every occurrence of the non-empty secrets in s.
func redactSecrets(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// newHTTPAuth builds the authenticator of an auth block (nil when there is
// none). With a nil client it only checks the settings.
//
// A required setting that is absent is an error (a load error, through
// the spec's Check). One that is present but empty is not: env("X") of an
// unset variable is "", and a flow must still load where that account is
// not configured. The authenticator then refuses to send anything, with
// an error that names the setting, and NewHTTPSink logs a warning.
func newHTTPAuth(v cty.Value, client *http.Client, timeout time.Duration) (httpAuth, error) {
	if !isSet(v) {
		return nil, nil
	}
	typ := getString(v, "type", "")
	str := func(name string) string { return getString(v, name, "") }
	var empty []string
	require := func(names ...string) error {
		for _, n := range names {
			if !isSet(attr(v, n)) {
				return fmt.Errorf("auth %q needs %s", typ, n)
			}
			if str(n) == "" {
				empty = append(empty, n)
			}
		}
		return nil
	}
	allow := func(names ...string) error {
		for _, n := range []string{"username", "password", "token", "name", "value", "prefix",
			"token_url", "client_id", "client_secret", "scopes", "client_auth", "params",
			"grant_type", "refresh_token", "token_header", "token_prefix", "token_headers",
			"account", "consumer_key", "consumer_secret", "token_id", "token_secret"} {
			if isSet(attr(v, n)) && !contains(names, n) {
				return fmt.Errorf("auth %q does not use %s", typ, n)
			}
		}
		return nil
	}
	var auth httpAuth
	switch typ {
	case authBasic:
		if err := allow("username", "password"); err != nil {
			return nil, err
		}
		if err := require("username", "password"); err != nil {
			return nil, err
		}
		cred := base64.StdEncoding.EncodeToString([]byte(str("username") + ":" + str("password")))
		auth = &staticAuth{header: "Authorization", value: "Basic " + cred, secrets: []string{str("password"), cred}}
	case authBearer:
		if err := allow("token"); err != nil {
			return nil, err
		}
		if err := require("token"); err != nil {
			return nil, err
		}
		auth = &staticAuth{header: "Authorization", value: "Bearer " + str("token"), secrets: []string{str("token")}}
	case authHeader:
		if err := allow("name", "value", "prefix"); err != nil {
			return nil, err
		}
		if err := require("name", "value"); err != nil {
			return nil, err
		}
		if err := checkHeaderName("name", str("name")); err != nil {
			return nil, err
		}
		if p := str("prefix"); !validHeader("X", p) {
			return nil, errors.New(`auth "header": prefix must not contain line breaks or NUL`)
		}
		if v := str("value"); !validHeader("X", v) {
			// Never quote it: it is a secret.
			return nil, errors.New(`auth "header": value must not contain line breaks or NUL`)
		}
		auth = &staticAuth{header: str("name"), value: str("prefix") + str("value"), secrets: []string{str("value")}}
	case authOAuth2:
		if err := allow("token_url", "client_id", "client_secret", "scopes", "client_auth", "params",
			"grant_type", "refresh_token", "token_header", "token_prefix", "token_headers"); err != nil {
			return nil, err
		}
		grant := getString(v, "grant_type", grantClientCredentials)
		needs := []string{"token_url", "client_id", "client_secret"}
		switch grant {
		case grantClientCredentials:
			if isSet(attr(v, "refresh_token")) {
				return nil, errors.New(`auth "oauth2": refresh_token is only used with grant_type = "refresh_token"`)
			}
		case grantRefreshToken:
			needs = append(needs, "refresh_token")
		default:
			return nil, fmt.Errorf(`auth "oauth2": grant_type %q is not "client_credentials" or "refresh_token"`, grant)
		}
		if err := require(needs...); err != nil {
			return nil, err
		}
		if u := str("token_url"); u != "" {
			if err := checkURL("token_url", u); err != nil {
				return nil, err
			}
		}
		params := getStringMap(v, "params")
		for _, n := range []string{"grant_type", "refresh_token", "client_secret"} {
			if _, ok := params[n]; ok && isSet(attr(v, n)) {
				return nil, fmt.Errorf(`auth "oauth2": %s is set both as a setting and in params`, n)
			}
		}
		header := getString(v, "token_header", "Authorization")
		if err := checkHeaderName("token_header", header); err != nil {
			return nil, err
		}
		prefix := ""
		if strings.EqualFold(header, "Authorization") {
			prefix = "Bearer "
		}
		prefix = getString(v, "token_prefix", prefix)
		if !validHeader("X", prefix) {
			return nil, errors.New(`auth "oauth2": token_prefix must not contain line breaks or NUL`)
		}
		tokenHeaders := getStringMap(v, "token_headers")
		for k, hv := range tokenHeaders {
			if err := checkHeaderName("token_headers", k); err != nil {
				return nil, err
			}
			if !validHeader(k, hv) {
				return nil, fmt.Errorf(`auth "oauth2": token_headers %q must not contain line breaks or NUL`, k)
			}
		}
		auth = &oauth2Auth{
			tokenURL:     str("token_url"),
			clientID:     str("client_id"),
			clientSecret: str("client_secret"),
			grantType:    grant,
			refreshToken: str("refresh_token"),
			scopes:       getStrings(v, "scopes"),
			postAuth:     str("client_auth") == "post",
			params:       params,
			tokenHeaders: tokenHeaders,
			header:       header,
			prefix:       prefix,
			client:       client,
			timeout:      timeout,
			now:          time.Now,
			uuid:         newUUID,
		}
	case authNetSuite:
		if err := allow("account", "consumer_key", "consumer_secret", "token_id", "token_secret"); err != nil {
			return nil, err
		}
		if err := require("account", "consumer_key", "consumer_secret", "token_id", "token_secret"); err != nil {
			return nil, err
		}
		if err := checkNetSuiteAccount(str("account")); err != nil {
			return nil, err
		}
		auth = &netsuiteAuth{
			realm:          netsuiteRealm(str("account")),
			consumerKey:    str("consumer_key"),
			consumerSecret: str("consumer_secret"),
			tokenID:        str("token_id"),
			tokenSecret:    str("token_secret"),
			now:            time.Now,
			nonce:          netsuiteNonce,
		}
	default:
		return nil, fmt.Errorf("auth type %q is not one of \"basic\", \"bearer\", \"header\", \"oauth2\", \"netsuite\"", typ)
	}
	if len(empty) > 0 {
		return &unconfiguredAuth{inner: auth, typ: typ, empty: empty}, nil
	}
	return auth, nil
}

// unconfiguredAuth stands for an auth block with empty credentials: it
// sends nothing. Its error is retryable, so deliveries wait for the
// operator to set the variable and reload instead of being dead-lettered
// by the hundred; it wraps ErrNotSent because nothing was sent.
type unconfiguredAuth struct {
	inner httpAuth
	typ   string
	empty []string
}

func (a *unconfiguredAuth) problem() string {
	if len(a.empty) > 1 {
		return fmt.Sprintf("auth %q: %s are empty (if they read env(\"…\"), those environment variables are unset or empty)", a.typ, strings.Join(a.empty, " and "))
	}
	return fmt.Sprintf("auth %q: %s is empty (if it reads env(\"…\"), that environment variable is unset or empty)", a.typ, a.empty[0])
}

func (a *unconfiguredAuth) authorization(context.Context, string, *url.URL) (string, error) {
	them := "it"
	if len(a.empty) > 1 {
		them = "them"
	}
	return "", &connector.RetryableError{Err: fmt.Errorf("%w: %s; set %s and reload", connector.ErrNotSent, a.problem(), them)}
}
func (a *unconfiguredAuth) invalidate(string) bool { return false }
func (a *unconfiguredAuth) headerName() string     { return a.inner.headerName() }
func (a *unconfiguredAuth) redact(s string) string { return a.inner.redact(s) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// staticAuth is a fixed header value (basic, bearer: Authorization;
// header: the one named) and the secrets in it.
type staticAuth struct {
	header  string
	value   string
	secrets []string
}

func (a *staticAuth) headerName() string { return a.header }

func (a *staticAuth) authorization(context.Context, string, *url.URL) (string, error) {
	return a.value, nil
}
func (a *staticAuth) invalidate(string) bool { return false }
func (a *staticAuth) redact(s string) string { return redactSecrets(s, a.secrets...) }
func (a *staticAuth) String() string         { return "[redacted]" }
