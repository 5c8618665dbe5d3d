package connectors

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
)

// fnoBatch is a Dynamics 365 F&O $batch endpoint on loopback: it reads
// the changeset as the service does (multipart/mixed inside
// multipart/mixed, each part an application/http request with a
// Content-ID) and answers each request with answer(i, request).
type fnoBatch struct {
	got    []*http.Request
	bodies []map[string]any
	ids    []string
}

func (f *fnoBatch) read(t *testing.T, r *http.Request) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q", r.Header.Get("Content-Type"))
	}
	outer := multipart.NewReader(r.Body, params["boundary"])
	cs, err := outer.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	mt, csParams, _ := mime.ParseMediaType(cs.Header.Get("Content-Type"))
	if mt != "multipart/mixed" {
		t.Fatalf("the batch's part is %q, not a changeset", cs.Header.Get("Content-Type"))
	}
	inner := multipart.NewReader(cs, csParams["boundary"])
	for {
		p, err := inner.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Type") != "application/http" || p.Header.Get("Content-Transfer-Encoding") != "binary" {
			t.Errorf("part headers %v", p.Header)
		}
		// As the service reads it: a request line whose URL may be a
		// Content-ID reference ($1/SalesOrderLines), which Go's
		// http.ReadRequest refuses, then headers and a sized body.
		tp := textproto.NewReader(bufio.NewReader(p))
		line, err := tp.ReadLine()
		if err != nil {
			t.Fatal(err)
		}
		method, rest, _ := strings.Cut(line, " ")
		uri, proto, _ := strings.Cut(rest, " ")
		hdr, err := tp.ReadMIMEHeader()
		if err != nil || proto != "HTTP/1.1" {
			t.Fatalf("%q: %v", line, err)
		}
		n, _ := strconv.Atoi(hdr.Get("Content-Length"))
		raw := make([]byte, n)
		if _, err := io.ReadFull(tp.R, raw); err != nil {
			t.Fatalf("%s %s: the body is shorter than its Content-Length %d: %v", method, uri, n, err)
		}
		if extra, _ := io.ReadAll(tp.R); len(extra) > 0 {
			t.Errorf("%s %s: %q after the body", method, uri, extra)
		}
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("request %s %s: %v", method, uri, err)
		}
		req := &http.Request{Method: method, RequestURI: uri, Header: http.Header(hdr)}
		f.got, f.bodies, f.ids = append(f.got, req), append(f.bodies, body), append(f.ids, p.Header.Get("Content-ID"))
	}
	if _, err := outer.NextPart(); err != io.EOF {
		t.Errorf("more than one part in the batch: %v", err)
	}
}

// answer writes a batch answer: the changeset's answers, or, when
// rolledBack, the one answer of a failed changeset.
func batchAnswer(w http.ResponseWriter, rolledBack bool, answers ...string) {
	var b bytes.Buffer
	outer := multipart.NewWriter(&b)
	part := func(mw *multipart.Writer, text string) {
		pw, _ := mw.CreatePart(map[string][]string{"Content-Type": {"application/http"}, "Content-Transfer-Encoding": {"binary"}})
		io.WriteString(pw, strings.ReplaceAll(text, "\n", "\r\n"))
	}
	if rolledBack {
		part(outer, answers[0])
	} else {
		var cs bytes.Buffer
		inner := multipart.NewWriter(&cs)
		for _, a := range answers {
			part(inner, a)
		}
		inner.Close()
		pw, _ := outer.CreatePart(map[string][]string{"Content-Type": {"multipart/mixed; boundary=" + inner.Boundary()}})
		pw.Write(cs.Bytes())
	}
	outer.Close()
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+outer.Boundary())
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

func created(body string) string {
	return fmt.Sprintf("HTTP/1.1 201 Created\nContent-Type: application/json; odata.metadata=minimal\nContent-Length: %d\n\n%s", len(body), body)
}

func salesOrder() *connector.Delivery {
	return &connector.Delivery{
		Key: "b2b:PO-77120", IdempotencyKey: "idem-d365", Attempt: 1,
		Body: map[string]any{
			"dataAreaId": "usmf", "CustomersOrderReference": "b2b:PO-77120", "OrderingCustomerAccountNumber": "US-027",
			"SalesOrderLines": []any{
				map[string]any{"ItemNumber": "A0001", "OrderedSalesQuantity": int64(2)},
				map[string]any{"ItemNumber": "A0002", "OrderedSalesQuantity": int64(5)},
			},
		},
		Settings: map[string]map[string]string{"path": {"": "/data/SalesOrderHeadersV2"}},
	}
}

// TestHTTPSinkODataBatch: format = "odata_batch" sends the header and
// its lines as one changeset to /data/$batch (the header first, Content-ID
// 1, each line to $1/SalesOrderLines), and takes the ref from the
// header's answer; the boundaries, from the idempotency key, are the same
// on a retry.
func TestHTTPSinkODataBatch(t *testing.T) {
	var f fnoBatch
	var raw [][]byte
	var tg *target
	tg = newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method != http.MethodPost || r.URL.Path != "/data/$batch" || r.URL.RawQuery != "" {
			t.Errorf("%s %s", r.Method, r.URL)
		}
		b := []byte(tg.requests()[n-1].body) // the target read it
		raw = append(raw, b)
		r.Body = io.NopCloser(bytes.NewReader(b))
		f = fnoBatch{}
		f.read(t, r)
		batchAnswer(w, false, created(`{"SalesOrderNumber":"SO-000042","dataAreaId":"usmf"}`), created(`{"LineNumber":1}`), created(`{"LineNumber":2}`))
	})
	sink := newHTTPSink(t, map[string]cty.Value{
		"url": str(tg.srv.URL), "format": str("odata_batch"), "idempotency": str("find"),
		"batch_navigation": cty.ListVal([]cty.Value{str("SalesOrderLines")}),
		"ref_paths":        cty.ListVal([]cty.Value{str("SalesOrderNumber")}),
	})
	resp, err := sink.Deliver(context.Background(), salesOrder())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Ref != "SO-000042" || resp.Status != 201 {
		t.Errorf("ref %q status %d", resp.Ref, resp.Status)
	}
	if len(f.got) != 3 || strings.Join(f.ids, ",") != "1,2,3" {
		t.Fatalf("%d requests, Content-IDs %v", len(f.got), f.ids)
	}
	if f.got[0].Method != "POST" || f.got[0].RequestURI != tg.srv.URL+"/data/SalesOrderHeadersV2" || f.bodies[0]["CustomersOrderReference"] != "b2b:PO-77120" || f.bodies[0]["SalesOrderLines"] != nil {
		t.Errorf("the header: %s %s %v", f.got[0].Method, f.got[0].RequestURI, f.bodies[0])
	}
	for i, item := range []string{"A0001", "A0002"} {
		if r := f.got[i+1]; r.Method != "POST" || r.RequestURI != "$1/SalesOrderLines" || f.bodies[i+1]["ItemNumber"] != item || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("line %d: %s %s %v %v", i+1, r.Method, r.RequestURI, r.Header, f.bodies[i+1])
		}
	}
	if _, err := sink.Deliver(context.Background(), salesOrder()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw[0], raw[1]) {
		t.Error("a retry's batch body differs from the first")
	}
}

// TestHTTPSinkODataBatchFailures: a changeset the service rolls back is
// classified by its answer as a plain request's would be (a 400 is
// permanent and quotes the service, a 500 is retried), as is a failed
// $batch request itself; an answer that is not a batch is in doubt
// (retried, so that the find decides), and a document that is not an
// entity is refused before anything is sent.
func TestHTTPSinkODataBatchFailures(t *testing.T) {
	for _, c := range []struct {
		name      string
		answer    func(w http.ResponseWriter)
		permanent bool
		says      string
	}{
		{"a line the service refuses", func(w http.ResponseWriter) {
			body := `{"error":{"code":"","message":"Write failed for table row of type 'SalesLine'. Item number A0002 does not exist."}}`
			batchAnswer(w, true, fmt.Sprintf("HTTP/1.1 400 Bad Request\nContent-Type: application/json\nContent-Length: %d\n\n%s", len(body), body))
		}, true, "Item number A0002 does not exist"},
		{"a server error in the changeset", func(w http.ResponseWriter) {
			batchAnswer(w, true, "HTTP/1.1 500 Internal Server Error\nContent-Length: 0\n\n")
		}, false, "500"},
		{"the batch request itself", func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) }, false, "503"},
		{"an answer that is not a batch", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{}`)
		}, false, "not multipart/mixed"},
		{"fewer answers than requests", func(w http.ResponseWriter) { batchAnswer(w, false, created(`{}`)) }, false, "1 answers for 3 requests"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { c.answer(w) })
			sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "format": str("odata_batch"), "idempotency": str("find"),
				"batch_navigation": cty.ListVal([]cty.Value{str("SalesOrderLines")})})
			_, err := sink.Deliver(context.Background(), salesOrder())
			if err == nil || connector.IsPermanent(err) != c.permanent || !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %v (permanent %v), want permanent %v saying %q", err, connector.IsPermanent(err), c.permanent, c.says)
			}
		})
	}
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("a request was sent") })
	sink := newHTTPSink(t, map[string]cty.Value{"url": str(tg.srv.URL), "format": str("odata_batch"), "batch_navigation": cty.ListVal([]cty.Value{str("SalesOrderLines")})})
	d := salesOrder()
	d.Body.(map[string]any)["SalesOrderLines"] = "A0001"
	var perm *connector.PermanentError
	if _, err := sink.Deliver(context.Background(), d); !errors.As(err, &perm) || perm.Reason != ReasonUnencodable || !strings.Contains(err.Error(), "must be a list of entities") {
		t.Errorf("lines that are not a list: %v", err)
	}
	d = salesOrder()
	d.Settings = map[string]map[string]string{"path": {"": "/"}}
	if _, err := sink.Deliver(context.Background(), d); !errors.As(err, &perm) || perm.Reason != ReasonInvalidSetting {
		t.Errorf("no entity set in the path: %v", err)
	}
	// A document that quotes the batch's boundary (derived from its
	// idempotency key) would cut the multipart body: refused.
	d = salesOrder()
	sum := sha256.Sum256([]byte(d.IdempotencyKey + "\x00" + d.Key))
	d.Body.(map[string]any)["Note"] = "--batch_" + hex.EncodeToString(sum[:12])
	if _, err := sink.Deliver(context.Background(), d); !errors.As(err, &perm) || perm.Reason != ReasonUnencodable || !strings.Contains(err.Error(), "boundary") {
		t.Errorf("a document holding the boundary: %v", err)
	}
}

// TestHTTPSinkODataBatchSettings: batch_navigation belongs to odata_batch,
// which creates: POST only, no update_method.
func TestHTTPSinkODataBatchSettings(t *testing.T) {
	nav := cty.ListVal([]cty.Value{str("SalesOrderLines")})
	for _, c := range []struct {
		settings map[string]cty.Value
		want     string
	}{
		{map[string]cty.Value{"url": str("https://x.example"), "batch_navigation": nav}, "only used with format"},
		{map[string]cty.Value{"url": str("https://x.example"), "format": str("odata_batch"), "method": str("PATCH")}, "method must be POST"},
		{map[string]cty.Value{"url": str("https://x.example"), "format": str("odata_batch"), "update_method": str("PATCH")}, "update_method is not used"},
	} {
		if _, err := buildConfig(HTTPSinkSpec, c.settings); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v", c.settings, err)
		}
	}
}
