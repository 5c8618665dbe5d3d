package connectors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/x12"
)

// memCounters is connector.Counters in memory, with the contract's
// semantics: one number per key, the next for a new key, wrap after max.
type memCounters struct {
	mu   sync.Mutex
	last map[string]uint64
	keys map[string]uint64
}

func newMemCounters() *memCounters {
	return &memCounters{last: map[string]uint64{}, keys: map[string]uint64{}}
}

func (c *memCounters) Assign(_ context.Context, seq, key string, max uint64) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.keys[seq+"\x00"+key]; ok {
		return n, nil
	}
	n := c.last[seq] + 1
	if max > 0 && n > max {
		n = 1
	}
	c.last[seq] = n
	c.keys[seq+"\x00"+key] = n
	return n, nil
}

func asn(id string) map[string]any {
	return map[string]any{
		"functional_id": "SH",
		"sets": []any{map[string]any{"type": "856", "segments": []any{
			[]any{"BSN", "00", id, "20260301", "0930", "0004"},
			[]any{"HL", "1", "", "S"},
			[]any{"REF", "BM", "BOL-1", nil, []any{"ZZ", "X"}},
			[]any{"HL", "2", "1", "O"},
			[]any{"PRF", "PO-1"},
			[]any{"HL", "3", "2", "I"},
			[]any{"LIN", "1", "VN", "ABC"},
			[]any{"SN1", "1", "12", "EA"},
			[]any{"CTT", "3", "12"},
		}}},
	}
}

func newX12Sink(t *testing.T, counters connector.Counters, given map[string]cty.Value) *X12Sink {
	t.Helper()
	s, err := NewX12Sink(connector.SinkParams{Name: "partner", Config: mustConfig(t, X12SinkSpec, given), DataDir: t.TempDir(), Counters: counters})
	if err != nil {
		t.Fatal(err)
	}
	xs := s.(*X12Sink)
	xs.now = func() time.Time { return time.Date(2026, 3, 1, 15, 4, 0, 0, time.UTC) }
	return xs
}

func parseFile(t *testing.T, path string) *x12.Interchange {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ic, err := x12.Parse(data)
	if err != nil {
		t.Fatalf("the interchange does not parse cleanly: %v\n%s", err, data)
	}
	return ic
}

func TestX12SinkWritesInterchanges(t *testing.T) {
	ctx := context.Background()
	counters := newMemCounters()
	s := newX12Sink(t, counters, map[string]cty.Value{
		"dir": str("outbox/edi"), "sender_id": str("ACME"), "receiver_qualifier": str("01"), "receiver_id": str("123456789"),
		"timezone": str("America/Chicago"),
	})
	resp, err := s.Deliver(ctx, &connector.Delivery{Key: "856:A1", IdempotencyKey: "k1", Body: asn("A1"), Attempt: 1})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.dir, "123456789_000000001.edi")
	if resp.Ref != path {
		t.Errorf("ref %q, want %q", resp.Ref, path)
	}
	data, _ := os.ReadFile(path)
	want := "ISA*00*          *00*          *ZZ*ACME           *01*123456789      *260301*0904*U*00401*000000001*0*P*>~\n" +
		"GS*SH*ACME*123456789*20260301*0904*1*X*004010~\n" +
		"ST*856*0001~\nBSN*00*A1*20260301*0930*0004~\nHL*1**S~\nREF*BM*BOL-1**ZZ>X~\nHL*2*1*O~\nPRF*PO-1~\nHL*3*2*I~\n" +
		"LIN*1*VN*ABC~\nSN1*1*12*EA~\nCTT*3*12~\nSE*11*0001~\nGE*1*1~\nIEA*1*000000001~\n"
	if string(data) != want {
		t.Errorf("got\n%s\nwant\n%s", data, want)
	}
	body := resp.Body.(map[string]any)
	if body["interchange_control"] != "000000001" || body["group_control"] != "1" || fmt.Sprint(body["set_controls"]) != "[0001]" {
		t.Errorf("response body %v", body)
	}

	// A retry of the same delivery reuses its numbers and its file.
	resp2, err := s.Deliver(ctx, &connector.Delivery{Key: "856:A1", IdempotencyKey: "k1", Body: asn("A1"), Attempt: 2})
	if err != nil || resp2.Ref != path {
		t.Fatalf("retry: %v, %v", resp2, err)
	}
	// A new document gets the next numbers.
	resp3, err := s.Deliver(ctx, &connector.Delivery{Key: "856:A2", IdempotencyKey: "k2", Body: asn("A2")})
	if err != nil {
		t.Fatal(err)
	}
	ic := parseFile(t, resp3.Ref)
	if ic.Control != "000000002" || ic.Groups[0].Control != "2" || ic.Groups[0].Sets[0].Control != "0002" {
		t.Errorf("second interchange numbered %s/%s/%s", ic.Control, ic.Groups[0].Control, ic.Groups[0].Sets[0].Control)
	}
	// An update of A1 is a new interchange; a retry of the update reuses it.
	changed := asn("A1")
	changed["sets"].([]any)[0].(map[string]any)["segments"].([]any)[0] = []any{"BSN", "05", "A1", "20260301", "1000", "0004"}
	u1, err := s.Deliver(ctx, &connector.Delivery{Key: "856:A1", IdempotencyKey: "k1", Body: changed, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	u2, err := s.Deliver(ctx, &connector.Delivery{Key: "856:A1", IdempotencyKey: "k1", Body: changed, Update: true, Attempt: 2})
	if err != nil {
		t.Fatal(err)
	}
	if u1.Ref != u2.Ref || u1.Ref == path || u1.Ref == resp3.Ref {
		t.Errorf("update files %s %s (first %s, second %s)", u1.Ref, u2.Ref, path, resp3.Ref)
	}
	files, _ := os.ReadDir(s.dir)
	if len(files) != 3 {
		t.Errorf("%d files in the outbox, want 3", len(files))
	}
}

func TestX12SinkDocumentOverrides(t *testing.T) {
	s := newX12Sink(t, newMemCounters(), map[string]cty.Value{
		"dir": str("out"), "sender_id": str("ACME"), "receiver_id": str("DEFAULT"),
		"element_separator": str("|"), "component_separator": str(":"), "segment_terminator": str("'"), "newline": cty.False,
	})
	doc := map[string]any{
		"functional_id": "FA", "version": "005010", "usage": "T",
		"sender":   map[string]any{"qualifier": "01", "id": "999999999", "code": "WMS"},
		"receiver": map[string]any{"qualifier": "12", "id": "4405197800"},
		"sets": []any{map[string]any{"type": "997", "segments": []any{
			[]any{"AK1", "PO", "1421", "005010"}, []any{"AK2", "850", "0001"}, []any{"AK5", "A"}, []any{"AK9", "A", "1", "1", "1"},
		}}},
	}
	resp, err := s.Deliver(context.Background(), &connector.Delivery{Key: "997", IdempotencyKey: "k", Body: doc})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(resp.Ref, "4405197800_000000001.edi") {
		t.Errorf("file %s", resp.Ref)
	}
	data, _ := os.ReadFile(resp.Ref)
	if !strings.HasPrefix(string(data), "ISA|00|          |00|          |01|999999999      |12|4405197800     |260301|1504|^|00501|000000001|0|T|:'GS|FA|WMS|4405197800|20260301|1504|1|X|005010'") {
		t.Errorf("got %s", data)
	}
	ic := parseFile(t, resp.Ref)
	if ic.Groups[0].Sets[0].Doc == nil {
		t.Errorf("the 997 does not parse into a document: %v", ic.Groups[0].Sets[0].Err())
	}
	// Control numbers are per sender and receiver: another partner starts at 1 too.
	doc["receiver"] = map[string]any{"id": "OTHER"}
	resp, err = s.Deliver(context.Background(), &connector.Delivery{Key: "997", IdempotencyKey: "k", Body: doc})
	if err != nil || !strings.HasSuffix(resp.Ref, "OTHER_000000001.edi") {
		t.Errorf("other partner: %v %v", resp, err)
	}
}

// TestX12SinkTA1: a document of TA1s alone (what x12.ta1 returns) is an
// interchange without a group, to the document's receiver, numbered from
// the ISA sequence only; the TA1's elements are checked.
func TestX12SinkTA1(t *testing.T) {
	counters := newMemCounters()
	s := newX12Sink(t, counters, map[string]cty.Value{"dir": str("out"), "sender_id": str("ACME"), "receiver_id": str("DEFAULT")})
	ta1 := func(status, note string) map[string]any {
		return map[string]any{
			"version": "00401", "usage": "T",
			"sender":           map[string]any{"qualifier": "01", "id": "999999999"},
			"receiver":         map[string]any{"qualifier": "12", "id": "4405197800"},
			"interchange_acks": []any{map[string]any{"control": "000003438", "date": "101127", "time": "1719", "status": status, "note": note}},
		}
	}
	resp, err := s.Deliver(context.Background(), &connector.Delivery{Key: "TA1:12/4405197800:000003438", IdempotencyKey: "k", Body: ta1("R", "001")})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(resp.Ref)
	want := "ISA*00*          *00*          *01*999999999      *12*4405197800     *260301*1504*U*00401*000000001*0*T*>~\n" +
		"TA1*000003438*101127*1719*R*001~\nIEA*0*000000001~\n"
	if string(data) != want {
		t.Errorf("got\n%s\nwant\n%s", data, want)
	}
	body := resp.Body.(map[string]any)
	if body["interchange_control"] != "000000001" || body["group_control"] != nil {
		t.Errorf("response body %v", body)
	}
	if ic := parseFile(t, resp.Ref); len(ic.InterchangeAcks) != 1 || len(ic.Groups) != 0 {
		t.Errorf("read back: %d TA1, %d groups", len(ic.InterchangeAcks), len(ic.Groups))
	}
	if _, ok := counters.last["x12/01:999999999/12:4405197800/gs"]; ok {
		t.Error("a TA1 alone took a group control number")
	}
	_, err = s.Deliver(context.Background(), &connector.Delivery{Key: "TA1:x", IdempotencyKey: "k2", Body: ta1("Q", "001")})
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Reason != ReasonUnencodable || !strings.Contains(err.Error(), "TA104") {
		t.Errorf("TA104 Q: %v", err)
	}
	bad := ta1("A", "000")
	bad["interchange_acks"] = []any{map[string]any{"control": 3438}}
	if _, err := s.Deliver(context.Background(), &connector.Delivery{Key: "TA1:y", IdempotencyKey: "k3", Body: bad}); err == nil || !strings.Contains(err.Error(), "interchange_acks[0].control must be a string") {
		t.Errorf("a number control: %v", err)
	}
}

func TestX12SinkRefuses(t *testing.T) {
	s := newX12Sink(t, newMemCounters(), map[string]cty.Value{"dir": str("out"), "sender_id": str("ACME"), "receiver_id": str("P")})
	withSep := asn("A*1")
	cases := []struct {
		name   string
		body   any
		reason string
		want   string
	}{
		{"separator in a value", withSep, ReasonUnencodable, `holds the separator '*'`},
		{"not an object", "ISA*00…", ReasonUnencodable, "must be an object"},
		{"no sets", map[string]any{"functional_id": "SH", "sets": []any{}}, ReasonUnencodable, "non-empty list"},
		{"no functional id", map[string]any{"sets": []any{map[string]any{"type": "856", "segments": []any{}}}}, ReasonUnencodable, "functional_id"},
		{"a number element", map[string]any{"functional_id": "SH", "sets": []any{map[string]any{"type": "856", "segments": []any{[]any{"BSN", true}}}}}, ReasonUnencodable, "must be a string"},
		{"set in the wrong group", map[string]any{"functional_id": "IN", "sets": []any{map[string]any{"type": "856", "segments": []any{[]any{"BSN", "00"}}}}}, ReasonUnencodable, "belongs in a SH functional group"},
		{"no receiver", map[string]any{"functional_id": "SH", "receiver": map[string]any{"id": ""}, "sets": asn("X")["sets"]}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Deliver(context.Background(), &connector.Delivery{Key: "k", IdempotencyKey: "k-" + c.name, Body: c.body})
			if c.reason == "" {
				if err != nil {
					t.Errorf("an empty receiver id in the document takes the setting: %v", err)
				}
				return
			}
			var perm *connector.PermanentError
			if !errors.As(err, &perm) || perm.Reason != c.reason || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %s containing %q", err, c.reason, c.want)
			}
		})
	}
	noIDs := newX12Sink(t, newMemCounters(), map[string]cty.Value{"dir": str("out")})
	_, err := noIDs.Deliver(context.Background(), &connector.Delivery{Key: "k", IdempotencyKey: "k", Body: asn("A")})
	var perm *connector.PermanentError
	if !errors.As(err, &perm) || perm.Reason != ReasonInvalidSetting {
		t.Errorf("no sender or receiver id: %v", err)
	}
}

func TestX12SinkSettings(t *testing.T) {
	for _, c := range []struct {
		name  string
		given map[string]cty.Value
		want  string
	}{
		{"neither dir nor url", map[string]cty.Value{}, "set dir"},
		{"empty url without dir", map[string]cty.Value{"url": str("")}, "dir is not set"},
		{"bad url", map[string]cty.Value{"url": str("ftp://x")}, "http"},
		{"long separator", map[string]cty.Value{"dir": str("o"), "element_separator": str("**")}, "one character"},
		{"same separators", map[string]cty.Value{"dir": str("o"), "component_separator": str("*")}, "both"},
		{"letter separator", map[string]cty.Value{"dir": str("o"), "segment_terminator": str("S")}, "delimiter"},
		{"qualifier", map[string]cty.Value{"dir": str("o"), "sender_qualifier": str("Z")}, "two characters"},
		{"long id", map[string]cty.Value{"dir": str("o"), "receiver_id": str("0123456789012345")}, "15 characters"},
		{"version", map[string]cty.Value{"dir": str("o"), "version": str("4010")}, "GS08"},
		{"zone", map[string]cty.Value{"dir": str("o"), "timezone": str("Mars/Olympus")}, "time zone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := buildConfig(X12SinkSpec, c.given)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := buildConfig(X12SinkSpec, map[string]cty.Value{"url": str(""), "dir": str("outbox/edi")}); err != nil {
		t.Errorf("an empty url with a dir: %v", err)
	}
	if _, err := NewX12Sink(connector.SinkParams{Name: "p", Config: mustConfig(t, X12SinkSpec, map[string]cty.Value{"dir": str("o")})}); err == nil {
		t.Error("a sink without counters was built")
	}
}

func TestX12SinkPosts(t *testing.T) {
	leakCheck(t)
	var mu sync.Mutex
	var got []*http.Request
	var bodies []string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r)
		bodies = append(bodies, string(b))
		st := status
		mu.Unlock()
		w.WriteHeader(st)
	}))
	defer srv.Close()
	s := newX12Sink(t, newMemCounters(), map[string]cty.Value{
		"url": str(srv.URL + "/inbound"), "sender_id": str("ACME"), "receiver_id": str("P"), "token": str("s3cret"),
	})
	defer s.Close(context.Background())
	resp, err := s.Deliver(context.Background(), &connector.Delivery{Key: "856:A1", IdempotencyKey: "idem-1", CorrelationID: "c-1", Body: asn("A1")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Ref != "000000001" {
		t.Errorf("ref %q", resp.Ref)
	}
	r := got[0]
	if r.Method != http.MethodPost || r.URL.Path != "/inbound" || r.Header.Get("Content-Type") != "application/edi-x12" ||
		r.Header.Get("Idempotency-Key") != "idem-1" || r.Header.Get("Authorization") != "Bearer s3cret" || r.Header.Get("X-Correlation-ID") != "c-1" {
		t.Errorf("request %s %s %v", r.Method, r.URL, r.Header)
	}
	if ic, err := x12.Parse([]byte(bodies[0])); err != nil || ic.Receiver != "P" {
		t.Errorf("posted interchange: %v", err)
	}
	for _, c := range []struct {
		status    int
		permanent bool
	}{{http.StatusServiceUnavailable, false}, {http.StatusBadRequest, true}} {
		mu.Lock()
		status = c.status
		mu.Unlock()
		_, err := s.Deliver(context.Background(), &connector.Delivery{Key: "856:A2", IdempotencyKey: "idem-2", Body: asn("A2")})
		if connector.IsPermanent(err) != c.permanent || err == nil {
			t.Errorf("status %d: %v", c.status, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the token leaked: %v", err)
		}
	}
}
