package connectors

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/transload/transload/engine/connector"
)

// netsuiteAuth signs every request with NetSuite token-based
// authentication (TBA): OAuth 1.0a (RFC 5849) with the HMAC-SHA256
// signature method, the only one NetSuite accepts since 2023.1, and the
// account as realm. There is no token to fetch or refresh: each request
// carries its own signature, timestamp and nonce, so a 401 is never
// retried (the same credentials would be refused again).
//
// The standard library does this in a page; an OAuth 1 package would add
// a dependency for the same hundred lines.
type netsuiteAuth struct {
	realm          string
	consumerKey    string
	consumerSecret string
	tokenID        string
	tokenSecret    string
	now            func() time.Time
	nonce          func() string
}

// netsuiteRealm is the realm of a NetSuite account id: upper case, with
// the "-" of the account's URL form ("1234567-sb1") written "_"
// ("1234567_SB1"), as NetSuite shows it under Setup > Company > Company
// Information.
func netsuiteRealm(account string) string {
	return strings.ToUpper(strings.ReplaceAll(account, "-", "_"))
}

// checkNetSuiteAccount accepts an account id as NetSuite writes it: digits,
// and for sandboxes and release previews a suffix such as _SB1 or -sb1.
func checkNetSuiteAccount(account string) error {
	for _, c := range account {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return fmt.Errorf("account %q is not a NetSuite account id (like \"1234567\" or \"1234567_SB1\")", account)
		}
	}
	return nil
}

const netsuiteSignatureMethod = "HMAC-SHA256"

func (a *netsuiteAuth) authorization(_ context.Context, method string, u *url.URL) (string, error) {
	params := [][2]string{
		{"oauth_consumer_key", a.consumerKey},
		{"oauth_token", a.tokenID},
		{"oauth_signature_method", netsuiteSignatureMethod},
		{"oauth_timestamp", strconv.FormatInt(a.now().Unix(), 10)},
		{"oauth_nonce", a.nonce()},
		{"oauth_version", "1.0"},
	}
	base, err := oauth1BaseString(method, u, params)
	if err != nil {
		return "", &connector.PermanentError{Reason: ReasonInvalidSetting, Err: fmt.Errorf("netsuite auth: signing %s %s: %w", method, redactURL(u.String()), err)}
	}
	sig := oauth1Sign(sha256.New, base, a.consumerSecret, a.tokenSecret)
	var b strings.Builder
	b.WriteString(`OAuth realm="`)
	b.WriteString(oauth1Encode(a.realm))
	b.WriteByte('"')
	for _, p := range append(params, [2]string{"oauth_signature", sig}) {
		b.WriteString(", ")
		b.WriteString(p[0])
		b.WriteString(`="`)
		b.WriteString(oauth1Encode(p[1]))
		b.WriteByte('"')
	}
	return b.String(), nil
}

func (a *netsuiteAuth) invalidate(string) bool { return false }

func (a *netsuiteAuth) headerName() string { return "Authorization" }

func (a *netsuiteAuth) redact(s string) string {
	return redactSecrets(s, a.consumerSecret, a.tokenSecret)
}

func (a *netsuiteAuth) String() string { return "netsuite " + a.realm }

// netsuiteNonce is a random nonce: 20 letters and digits, the length
// NetSuite's documentation recommends (it accepts 6 to 64).
func netsuiteNonce() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	var b [20]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// oauth1BaseString builds the signature base string of RFC 5849 §3.4.1:
// the method, the base string URI (scheme and host in lower case, the port
// only when it is not the scheme's default, the path, no query) and the
// normalized parameters (the query's, decoded as a form, and params, the
// protocol parameters and any form-encoded body's), each percent-encoded
// (§3.6), sorted by name then value, joined with "&"; the three parts
// percent-encoded again and joined with "&".
func oauth1BaseString(method string, u *url.URL, params [][2]string) (string, error) {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port := u.Port(); port != "" && !(scheme == "http" && port == "80") && !(scheme == "https" && port == "443") {
		host += ":" + port
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	var pairs [][2]string
	if u.RawQuery != "" {
		for _, kv := range strings.Split(u.RawQuery, "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			name, err := url.QueryUnescape(k)
			if err != nil {
				return "", fmt.Errorf("query parameter %q: %w", k, err)
			}
			value, err := url.QueryUnescape(v)
			if err != nil {
				return "", fmt.Errorf("query parameter %q: %w", k, err)
			}
			pairs = append(pairs, [2]string{oauth1Encode(name), oauth1Encode(value)})
		}
	}
	for _, p := range params {
		pairs = append(pairs, [2]string{oauth1Encode(p[0]), oauth1Encode(p[1])})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	var norm strings.Builder
	for i, p := range pairs {
		if i > 0 {
			norm.WriteByte('&')
		}
		norm.WriteString(p[0])
		norm.WriteByte('=')
		norm.WriteString(p[1])
	}
	return oauth1Encode(strings.ToUpper(method)) + "&" +
		oauth1Encode(scheme+"://"+host+path) + "&" +
		oauth1Encode(norm.String()), nil
}

// oauth1Sign computes the HMAC signature of a base string with the key
// "consumer secret&token secret" (RFC 5849 §3.4.2), base64-encoded. The
// hash is a parameter so that RFC 5849's own HMAC-SHA1 example can test
// the construction NetSuite uses with SHA-256.
func oauth1Sign(newHash func() hash.Hash, base, consumerSecret, tokenSecret string) string {
	mac := hmac.New(newHash, []byte(oauth1Encode(consumerSecret)+"&"+oauth1Encode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// oauth1Encode percent-encodes s as RFC 5849 §3.6 requires: every byte
// but the unreserved characters of RFC 3986 (letters, digits, "-", ".",
// "_", "~") as %XX with upper-case hex digits; a space is %20, never "+".
func oauth1Encode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
