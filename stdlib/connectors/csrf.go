package connectors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/transload/transload/engine/connector"
)

// csrfHeader is the header of SAP Gateway's (and SAP Business Technology
// Platform's) CSRF protection: a client asks for a token with
// "x-csrf-token: Fetch" on a read, gets it back in the same header with a
// session cookie, and sends both with every modifying request; a
// modifying request without a valid token is answered 403 with
// "x-csrf-token: Required".
const csrfHeader = "X-Csrf-Token"

// csrfTokens holds the CSRF token of one sink. The session cookies it is
// bound to live in the sink's cookie jar.
//
// mu is held while a token is fetched, so concurrent deliveries that find
// none wait for one fetch instead of each making one (each fetch may open
// a new session on the target, invalidating the others' tokens).
type csrfTokens struct {
	mu    sync.Mutex
	token string
	// have is true once a fetch succeeded, even if the target returned no
	// token (it does not protect this service): nothing is sent then.
	have bool
}

// get returns the current token, fetching one when there is none.
func (c *csrfTokens) get(ctx context.Context, fetch func(context.Context) (string, error)) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.have {
		return c.token, nil
	}
	tok, err := fetch(ctx)
	if err != nil {
		return "", err
	}
	c.token, c.have = tok, true
	return tok, nil
}

// invalidate forgets the token the target refused (used), unless a
// concurrent request has fetched a new one already.
func (c *csrfTokens) invalidate(used string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == used {
		c.token, c.have = "", false
	}
}

// csrfRequired reports whether an answer to a modifying request asks for
// a (new) CSRF token.
func csrfRequired(res *httpResult) bool {
	return res.status == http.StatusForbidden && strings.EqualFold(strings.TrimSpace(res.header.Get(csrfHeader)), "required")
}

// fetchCSRFToken reads the sink's url with "x-csrf-token: Fetch", the
// sink's authentication and the delivery's headers, and returns the token
// of the answer. Its cookies stay in the sink's jar, so they go with the
// modifying requests that use the token.
//
// Every failure here happened before the document was sent, so retryable
// errors wrap connector.ErrNotSent; an answer other than 2xx is
// classified like any other (a 401 or 403 is a permanent rejection of the
// sink's credentials).
func (s *HTTPSink) fetchCSRFToken(ctx context.Context, d *connector.Delivery) (string, error) {
	res, err := s.send(ctx, http.MethodGet, s.url, nil, "", d, map[string]string{csrfHeader: "Fetch"})
	if err != nil {
		var retry *connector.RetryableError
		if errors.As(err, &retry) && !errors.Is(err, connector.ErrNotSent) {
			return "", &connector.RetryableError{Status: retry.Status, RetryAfter: retry.RetryAfter, Err: fmt.Errorf("fetching the CSRF token: %w: %w", connector.ErrNotSent, err)}
		}
		return "", fmt.Errorf("fetching the CSRF token: %w", err)
	}
	if res.status < 200 || res.status > 299 {
		err := res.classify(http.MethodGet, s.url, s.redact)
		var retry *connector.RetryableError
		if errors.As(err, &retry) {
			retry.Err = fmt.Errorf("fetching the CSRF token: %w: %w", connector.ErrNotSent, retry.Err)
			return "", retry
		}
		var perm *connector.PermanentError
		if errors.As(err, &perm) {
			perm.Err = fmt.Errorf("fetching the CSRF token: %w", perm.Err)
		}
		return "", err
	}
	tok := strings.TrimSpace(res.header.Get(csrfHeader))
	if strings.EqualFold(tok, "required") || strings.EqualFold(tok, "fetch") {
		tok = ""
	}
	if tok == "" {
		s.log.Warn("csrf = true, but the target returned no CSRF token; sending without one", "url", redactURL(s.url))
	}
	return tok, nil
}
