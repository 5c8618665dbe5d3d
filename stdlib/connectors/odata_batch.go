package connectors

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

// formatODataBatch is the http sink's format for an OData $batch
// changeset: an entity and its related entities, created all or nothing
// by a service that takes no deep insert (Dynamics 365 Finance and
// Operations).
const formatODataBatch = "odata_batch"

// batchRequest is one request of a changeset.
type batchRequest struct {
	method, url string
	body        []byte
}

// deliverBatch sends the delivery as one OData $batch changeset: the
// document to the entity set target names, then each entity of its
// batch_navigation properties to $1/<property>. The changeset is atomic
// on the service, so a retry after a failure or a crash finds either
// everything (idempotency "find") or nothing.
func (s *HTTPSink) deliverBatch(ctx context.Context, d *connector.Delivery, target string) (*connector.Response, error) {
	reqs, err := s.batchRequests(d.Body, target)
	if err != nil {
		return nil, &connector.PermanentError{Reason: ReasonUnencodable, Err: err}
	}
	batchURL, err := batchEndpoint(target)
	if err != nil {
		return nil, &connector.PermanentError{Reason: ReasonInvalidSetting, Err: err}
	}
	// The boundaries come from the idempotency key: the same bytes on
	// every retry. A boundary must not occur in the content; a document
	// that holds one (it would have to quote this digest) is refused.
	sum := sha256.Sum256([]byte(d.IdempotencyKey + "\x00" + d.Key))
	id := hex.EncodeToString(sum[:12])
	for _, r := range reqs {
		if bytes.Contains(r.body, []byte(id)) {
			return nil, &connector.PermanentError{Reason: ReasonUnencodable, Err: fmt.Errorf("the document holds the batch's boundary %s", id)}
		}
	}
	body, ctype := writeBatch(reqs, "batch_"+id, "changeset_"+id)
	res, err := s.send(ctx, http.MethodPost, batchURL, body, ctype, d, nil)
	if err != nil {
		return nil, err
	}
	if res.status < 200 || res.status > 299 {
		return nil, res.classify(http.MethodPost, batchURL, s.redact)
	}
	answers, err := readBatchAnswers(res)
	if err != nil {
		// The service answered 2xx with something that is not a batch
		// answer: what it did is unknown, so the delivery is in doubt,
		// and the retry's find decides.
		return nil, &connector.RetryableError{Status: res.status, Err: fmt.Errorf("POST %s: %w", redactURL(batchURL), err)}
	}
	for i, a := range answers {
		if a.status >= 200 && a.status <= 299 {
			continue
		}
		where := batchURL // one answer for the changeset, rolled back
		if len(answers) == len(reqs) {
			where = reqs[i].url
		}
		return nil, a.classify(http.MethodPost, where, s.redact)
	}
	if len(answers) != len(reqs) {
		return nil, &connector.RetryableError{Status: res.status, Err: fmt.Errorf("POST %s: the batch answer holds %d answers for %d requests", redactURL(batchURL), len(answers), len(reqs))}
	}
	return refFromPaths(s.refPaths, answers[0].response()), nil
}

// batchRequests cuts the document into the changeset's requests.
func (s *HTTPSink) batchRequests(body any, target string) ([]batchRequest, error) {
	doc, ok := body.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("format odata_batch sends an entity, a JSON object, not %s", describe(body))
	}
	entity := make(map[string]any, len(doc))
	for k, v := range doc {
		entity[k] = v
	}
	var related []batchRequest
	for _, nav := range s.batchNav {
		v, ok := entity[nav]
		delete(entity, nav)
		if !ok || v == nil {
			continue
		}
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("the navigation property %s must be a list of entities, not %s", nav, describe(v))
		}
		for i, e := range list {
			b, err := builtin.AppendJSON(nil, e)
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: cannot encode it as JSON: %w", nav, i, err)
			}
			related = append(related, batchRequest{method: http.MethodPost, url: "$1/" + nav, body: b})
		}
	}
	b, err := builtin.AppendJSON(nil, entity)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the document as JSON: %w", err)
	}
	return append([]batchRequest{{method: http.MethodPost, url: target, body: b}}, related...), nil
}

// batchEndpoint is the $batch resource of the service an entity set URL
// belongs to: https://h/data/SalesOrderHeadersV2 → https://h/data/$batch.
func batchEndpoint(entitySet string) (string, error) {
	u, err := url.Parse(entitySet)
	if err != nil {
		return "", err
	}
	u.RawQuery = ""
	i := strings.LastIndex(strings.TrimSuffix(u.Path, "/"), "/")
	if i < 0 || strings.TrimSuffix(u.Path, "/")[i+1:] == "" {
		return "", fmt.Errorf("format odata_batch needs path to name the entity set (/data/SalesOrderHeadersV2), not %q", u.Path)
	}
	u.Path = u.Path[:i] + "/$batch"
	u.RawPath = ""
	return u.String(), nil
}

// writeBatch writes the requests as one changeset of a multipart/mixed
// $batch body (OData 4.0 Part 1, 11.7), with CRLF line ends.
func writeBatch(reqs []batchRequest, batchBoundary, changesetBoundary string) ([]byte, string) {
	var b bytes.Buffer
	outer := multipart.NewWriter(&b)
	_ = outer.SetBoundary(batchBoundary)
	cs, _ := outer.CreatePart(textproto.MIMEHeader{"Content-Type": {"multipart/mixed; boundary=" + changesetBoundary}})
	inner := multipart.NewWriter(cs)
	_ = inner.SetBoundary(changesetBoundary)
	for i, r := range reqs {
		w, _ := inner.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {"application/http"},
			"Content-Transfer-Encoding": {"binary"},
			"Content-ID":                {strconv.Itoa(i + 1)},
		})
		fmt.Fprintf(w, "%s %s HTTP/1.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: %d\r\n\r\n", r.method, r.url, len(r.body))
		_, _ = w.Write(r.body)
	}
	_ = inner.Close()
	_ = outer.Close()
	return b.Bytes(), "multipart/mixed; boundary=" + batchBoundary
}

// readBatchAnswers reads a multipart/mixed $batch answer: the answers of
// the changeset's requests in order, or the single answer a service gives
// for a changeset it rolled back.
func readBatchAnswers(res *httpResult) ([]*httpResult, error) {
	parts, err := multipartParts(res.header.Get("Content-Type"), res.body)
	if err != nil {
		return nil, err
	}
	var out []*httpResult
	for _, p := range parts {
		ct := p.header.Get("Content-Type")
		if mt, _, _ := mime.ParseMediaType(ct); mt == "multipart/mixed" {
			inner, err := multipartParts(ct, p.body)
			if err != nil {
				return nil, fmt.Errorf("the changeset's answer: %w", err)
			}
			for _, ip := range inner {
				a, err := readHTTPAnswer(ip.body)
				if err != nil {
					return nil, err
				}
				out = append(out, a)
			}
			continue
		}
		a, err := readHTTPAnswer(p.body)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the batch answer holds no answer")
	}
	return out, nil
}

type mimePart struct {
	header textproto.MIMEHeader
	body   []byte
}

func multipartParts(ctype string, body []byte) ([]mimePart, error) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return nil, fmt.Errorf("the answer is %q, not multipart/mixed with a boundary", ctype)
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var out []mimePart
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the multipart answer: %w", err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("reading the multipart answer: %w", err)
		}
		out = append(out, mimePart{header: p.Header, body: b})
	}
}

// readHTTPAnswer reads one application/http part: a status line, headers
// and a body.
func readHTTPAnswer(part []byte) (*httpResult, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(part)), nil)
	if err != nil {
		return nil, fmt.Errorf("an answer in the batch is not an HTTP response: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil && len(b) == 0 {
		return nil, fmt.Errorf("an answer in the batch is cut short: %w", err)
	}
	return &httpResult{status: resp.StatusCode, header: resp.Header, body: bytes.TrimRight(b, "\r\n")}, nil
}
