package connectors

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec/x12"
)

// X12SinkSpec is the settings spec of the x12 sink.
var X12SinkSpec = &connector.ConfigSpec{
	Doc: "Writes X12 interchanges to a trading partner: it takes a document of transaction sets given as segments " +
		"(what the x12 mappings x12.poa855, x12.asn856, x12.invoice810 and x12.ack997 return: " +
		"{\"functional_id\", \"version\", \"usage\", \"sender\", \"receiver\", \"sets\": [{\"type\": \"856\", \"segments\": [[\"BSN\", \"00\", …], …]}]}), " +
		"wraps them in ST/SE, GS/GE and ISA/IEA with the counts, the date and time and fixed-width ISA fields, and " +
		"writes one interchange per document. A document may also carry TA1 interchange acknowledgments " +
		"(\"interchange_acks\": [{\"control\", \"date\", \"time\", \"status\", \"note\"}], what x12.ta1 returns), written after the ISA; " +
		"with no sets the interchange has no group. Control numbers (ISA13, GS06, ST02) come from durable sequences in the " +
		"engine's store, one per sender and receiver pair: a retried or replayed delivery gets the numbers it had, a new " +
		"document never gets a used one, even across a crash (a crash may leave a gap, never a repeat); ISA13 and GS06 " +
		"wrap from 999999999 to 1. transload counters lists the sequences, and counters set moves one forward (a partner " +
		"taken over from another translator, a restored backup). A value that holds a separator is refused (UNENCODABLE_DOCUMENT), never silently cut. " +
		"With dir, each interchange is one file named after the receiver and ISA13, written atomically; with url, it is " +
		"POSTed as application/edi-x12 with an idempotency key. AS2 (signed, encrypted transport with MDNs) is out of " +
		"scope: point dir at the folder an AS2 or VAN gateway sends from, or url at its API.",
	Attrs: []*connector.AttrSpec{
		{
			Name: "dir", Type: cty.String,
			Doc:     "The outbox folder, created when missing; relative to the engine's data directory. Used when url is empty.",
			Example: `dir = "outbox/edi"`,
		},
		{
			Name: "url", Type: cty.String,
			Doc:     "An http(s) endpoint the interchange is POSTed to (a VAN or gateway API). When set and not empty it is used instead of dir.",
			Example: `url = var.edi_partner_url`,
		},
		{
			Name: "extension", Type: cty.String, Default: cty.StringVal(".edi"),
			Doc:     "The file name extension with dir.",
			Example: `extension = ".x12"`,
		},
		{Name: "sender_qualifier", Type: cty.String, Default: cty.StringVal("ZZ"), Doc: "ISA05, our interchange id qualifier (ZZ mutually defined, 01 DUNS, 08 UCC EDI, 12 phone …).", Example: `sender_qualifier = "01"`},
		{Name: "sender_id", Type: cty.String, Doc: "ISA06, our interchange id (at most 15 characters). A document's sender.id overrides it.", Example: `sender_id = var.edi_our_id`},
		{Name: "sender_code", Type: cty.String, Doc: "GS02, our application code; default the sender id.", Example: `sender_code = "ACMEWMS"`},
		{Name: "receiver_qualifier", Type: cty.String, Default: cty.StringVal("ZZ"), Doc: "ISA07, the partner's interchange id qualifier.", Example: `receiver_qualifier = "12"`},
		{Name: "receiver_id", Type: cty.String, Doc: "ISA08, the partner's interchange id. A document's receiver.id overrides it (a reply goes to whoever sent the document it answers).", Example: `receiver_id = var.edi_partner_id`},
		{Name: "receiver_code", Type: cty.String, Doc: "GS03, the partner's application code; default the receiver id.", Example: `receiver_code = "RETAILERAP"`},
		{
			Name: "version", Type: cty.String, Default: cty.StringVal("004010"),
			Doc:     "GS08, the version, release and industry code (004010, 004010VICS, 005010); ISA12 is its first five characters. A document's version overrides it.",
			Example: `version = "004010VICS"`,
		},
		{Name: "usage", Type: cty.String, Default: cty.StringVal("P"), OneOf: []string{"P", "T"}, Doc: "ISA15: P production or T test. A document's usage overrides it (a test purchase order gets test replies).", Example: `usage = "T"`},
		{Name: "ack_requested", Type: cty.Bool, Default: cty.False, Doc: "ISA14: ask the partner for a TA1 interchange acknowledgment.", Example: `ack_requested = true`},
		{Name: "element_separator", Type: cty.String, Default: cty.StringVal("*"), Doc: "The element separator.", Example: `element_separator = "|"`},
		{Name: "component_separator", Type: cty.String, Default: cty.StringVal(">"), Doc: "The component separator (ISA16).", Example: `component_separator = ":"`},
		{Name: "repetition_separator", Type: cty.String, Default: cty.StringVal("^"), Doc: "The repetition separator (ISA11) from version 00402 on; before it ISA11 is U.", Example: `repetition_separator = "{"`},
		{Name: "segment_terminator", Type: cty.String, Default: cty.StringVal("~"), Doc: "The segment terminator.", Example: `segment_terminator = "'"`},
		{Name: "newline", Type: cty.Bool, Default: cty.True, Doc: "A line break after each segment terminator (layout: X12 readers skip it).", Example: `newline = false`},
		{Name: "timezone", Type: cty.String, Default: cty.StringVal("UTC"), Doc: "The IANA zone of the ISA and GS dates and times.", Example: `timezone = "America/Chicago"`},
		{Name: "timeout", Type: cty.String, Default: cty.StringVal("30s"), Doc: "How long one POST may take (url).", Example: `timeout = "10s"`},
		{Name: "idempotency_header", Type: cty.String, Default: cty.StringVal("Idempotency-Key"), Doc: "The header of the idempotency key sent with each POST (url): the same on every retry.", Example: `idempotency_header = "X-Request-Id"`},
		{Name: "token", Type: cty.String, Secret: true, Doc: "A bearer token sent with each POST (url) as Authorization: Bearer <token>.", Example: `token = env("EDI_GATEWAY_TOKEN")`},
	},
	Check: checkX12Sink,
}

func checkX12Sink(v cty.Value) error {
	if isSet(attr(v, "url")) {
		if u := getString(v, "url", ""); u != "" {
			if err := checkURL("url", u); err != nil {
				return err
			}
		} else if getString(v, "dir", "") == "" {
			return errors.New("url is empty and dir is not set: set dir (an outbox folder) for when url is empty")
		}
	} else if getString(v, "dir", "") == "" {
		return errors.New("set dir (an outbox folder) or url (an endpoint)")
	}
	if e := getString(v, "extension", ".edi"); strings.ContainsAny(e, `/\`) || strings.Trim(e, ".") == "" {
		return fmt.Errorf("extension %q must be a file name extension such as \".edi\"", e)
	}
	if _, err := x12SinkSeparators(v); err != nil {
		return err
	}
	for _, q := range []string{"sender_qualifier", "receiver_qualifier"} {
		if s := getString(v, q, "ZZ"); len(s) != 2 {
			return fmt.Errorf("%s %q must have two characters (ZZ, 01, 12 …)", q, s)
		}
	}
	for _, id := range []string{"sender_id", "receiver_id"} {
		if s := getString(v, id, ""); len(s) > 15 {
			return fmt.Errorf("%s %q is longer than the 15 characters of ISA06/ISA08", id, s)
		}
	}
	if ver := getString(v, "version", "004010"); len(ver) < 6 || !allDigits(ver[:5]) {
		return fmt.Errorf("version %q is not a GS08 version such as 004010 or 004010VICS", ver)
	}
	if _, err := time.LoadLocation(getString(v, "timezone", "UTC")); err != nil {
		return fmt.Errorf("timezone %q is not an IANA time zone: %v", getString(v, "timezone", "UTC"), err)
	}
	if err := checkDuration(v, "timeout"); err != nil {
		return err
	}
	if h := getString(v, "idempotency_header", "Idempotency-Key"); h == "" || strings.ContainsAny(h, " :\r\n") {
		return fmt.Errorf("idempotency_header %q is not a header name", h)
	}
	return nil
}

func x12SinkSeparators(v cty.Value) (x12.Separators, error) {
	var seps x12.Separators
	for _, s := range []struct {
		name string
		def  string
		dst  *byte
	}{
		{"element_separator", "*", &seps.Element},
		{"component_separator", ">", &seps.Component},
		{"repetition_separator", "^", &seps.Repetition},
		{"segment_terminator", "~", &seps.Segment},
	} {
		c := getString(v, s.name, s.def)
		if len(c) != 1 {
			return seps, fmt.Errorf("%s %q must be one character", s.name, c)
		}
		*s.dst = c[0]
	}
	if err := x12.CheckSeparators(seps); err != nil {
		var ge *x12.GenerateError
		if errors.As(err, &ge) {
			return seps, errors.New(ge.Msg)
		}
		return seps, err
	}
	return seps, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// X12Sink is the x12 sink.
//
// Lifecycle: ready once built; Deliver may be called concurrently (the
// counters serialise control numbers in the store). Close closes idle
// connections; it is safe twice and without any delivery.
type X12Sink struct {
	name     string
	log      *slog.Logger
	dir, ext string
	url      string
	token    string
	idemHdr  string
	timeout  time.Duration
	loc      *time.Location
	seps     x12.Separators
	newline  bool
	ack      bool
	defaults x12Party // sender
	partner  x12Party // receiver
	version  string
	usage    string
	counters connector.Counters
	client   *http.Client
	now      func() time.Time
}

type x12Party struct{ qualifier, id, code string }

// NewX12Sink builds an x12 sink from its params.
func NewX12Sink(p connector.SinkParams) (connector.Sink, error) {
	if err := checkX12Sink(p.Config); err != nil {
		return nil, fmt.Errorf("x12 sink %s: %w", p.Name, err)
	}
	if p.Counters == nil {
		return nil, fmt.Errorf("x12 sink %s: no control number counters (SinkParams.Counters)", p.Name)
	}
	base := p.DataDir
	if base == "" {
		base = p.BaseDir
	}
	s := &X12Sink{
		name:     p.Name,
		log:      loggerOf(p.Logger).With("sink", p.Name, "type", "x12"),
		url:      getString(p.Config, "url", ""),
		ext:      getString(p.Config, "extension", ".edi"),
		token:    getString(p.Config, "token", ""),
		idemHdr:  getString(p.Config, "idempotency_header", "Idempotency-Key"),
		newline:  getBool(p.Config, "newline", true),
		ack:      getBool(p.Config, "ack_requested", false),
		version:  getString(p.Config, "version", "004010"),
		usage:    getString(p.Config, "usage", "P"),
		counters: p.Counters,
		now:      time.Now,
		defaults: x12Party{getString(p.Config, "sender_qualifier", "ZZ"), getString(p.Config, "sender_id", ""), getString(p.Config, "sender_code", "")},
		partner:  x12Party{getString(p.Config, "receiver_qualifier", "ZZ"), getString(p.Config, "receiver_id", ""), getString(p.Config, "receiver_code", "")},
	}
	if d := getString(p.Config, "dir", ""); d != "" {
		s.dir = resolvePath(base, d)
	}
	if !strings.HasPrefix(s.ext, ".") {
		s.ext = "." + s.ext
	}
	s.seps, _ = x12SinkSeparators(p.Config)
	s.loc, _ = time.LoadLocation(getString(p.Config, "timezone", "UTC"))
	s.timeout, _ = getDuration(p.Config, "timeout", 30*time.Second)
	if s.url != "" {
		s.client = &http.Client{
			Transport:     http.DefaultTransport.(*http.Transport).Clone(),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return s, nil
}

// x12Document is the document the sink takes, read from a delivery body.
type x12Document struct {
	functionalID string
	version      string
	usage        string
	sender       x12Party
	receiver     x12Party
	sets         []x12.OutSet
	acks         []x12.OutTA1
}

// readX12Document checks the shape of a body: {"functional_id", "version",
// "usage", "sender", "receiver", "sets": [{"type", "segments"}],
// "interchange_acks": [{"control", "date", "time", "status", "note"}]},
// with sets, or TA1s, or both.
func readX12Document(body any) (*x12Document, error) {
	m, ok := body.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the document must be an object {\"functional_id\", \"sets\", …}, not %s", describe(body))
	}
	doc := &x12Document{}
	str := func(obj map[string]any, key, where string) (string, error) {
		switch v := obj[key].(type) {
		case nil:
			return "", nil
		case string:
			return v, nil
		default:
			return "", fmt.Errorf("%s%s must be a string, not %s", where, key, describe(v))
		}
	}
	var err error
	if doc.functionalID, err = str(m, "functional_id", ""); err != nil {
		return nil, err
	}
	if doc.version, err = str(m, "version", ""); err != nil {
		return nil, err
	}
	if doc.usage, err = str(m, "usage", ""); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		key string
		dst *x12Party
	}{{"sender", &doc.sender}, {"receiver", &doc.receiver}} {
		switch v := m[p.key].(type) {
		case nil:
		case map[string]any:
			if p.dst.qualifier, err = str(v, "qualifier", p.key+"."); err != nil {
				return nil, err
			}
			if p.dst.id, err = str(v, "id", p.key+"."); err != nil {
				return nil, err
			}
			if p.dst.code, err = str(v, "code", p.key+"."); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s must be an object {\"qualifier\", \"id\", \"code\"}, not %s", p.key, describe(v))
		}
	}
	if doc.acks, err = readTA1s(m["interchange_acks"]); err != nil {
		return nil, err
	}
	sets, _ := m["sets"].([]any)
	if len(doc.acks) > 0 && m["sets"] == nil && doc.functionalID == "" {
		return doc, nil // TA1s alone: an interchange without a group
	}
	if doc.functionalID == "" {
		return nil, errors.New("functional_id (GS01: PR, SH, IN, FA …) is missing: a document holds transaction sets with their functional_id, or TA1s in interchange_acks")
	}
	if len(sets) == 0 {
		return nil, errors.New("sets must be a non-empty list of {\"type\", \"segments\"}")
	}
	for i, sv := range sets {
		sm, ok := sv.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("sets[%d] must be an object {\"type\", \"segments\"}, not %s", i, describe(sv))
		}
		typ, err := str(sm, "type", fmt.Sprintf("sets[%d].", i))
		if err != nil {
			return nil, err
		}
		segs, err := x12.SegmentsFromNative(sm["segments"])
		if err != nil {
			return nil, fmt.Errorf("sets[%d] (%s): %v", i, typ, err)
		}
		doc.sets = append(doc.sets, x12.OutSet{ID: typ, Segments: segs})
	}
	return doc, nil
}

// readTA1s reads interchange_acks: a list of {"control", "date", "time",
// "status", "note"}, each a string (Generate checks their forms).
func readTA1s(v any) ([]x12.OutTA1, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("interchange_acks must be a list of {\"control\", \"date\", \"time\", \"status\", \"note\"}, not %s", describe(v))
	}
	out := make([]x12.OutTA1, 0, len(list))
	for i, a := range list {
		m, ok := a.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("interchange_acks[%d] must be an object, not %s", i, describe(a))
		}
		var t x12.OutTA1
		for _, f := range []struct {
			key string
			dst *string
		}{{"control", &t.Control}, {"date", &t.Date}, {"time", &t.Time}, {"status", &t.Status}, {"note", &t.Note}} {
			s, ok := m[f.key].(string)
			if !ok {
				return nil, fmt.Errorf("interchange_acks[%d].%s must be a string, not %s", i, f.key, describe(m[f.key]))
			}
			*f.dst = s
		}
		out = append(out, t)
	}
	return out, nil
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func pick(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// Deliver writes or posts one interchange.
func (s *X12Sink) Deliver(ctx context.Context, d *connector.Delivery) (*connector.Response, error) {
	doc, err := readX12Document(d.Body)
	if err != nil {
		return nil, connector.Permanent(ReasonUnencodable, err)
	}
	sender := x12Party{pick(doc.sender.qualifier, s.defaults.qualifier), pick(doc.sender.id, s.defaults.id), doc.sender.code}
	if doc.sender.id == "" {
		sender.code = pick(doc.sender.code, s.defaults.code)
	}
	receiver := x12Party{pick(doc.receiver.qualifier, s.partner.qualifier), pick(doc.receiver.id, s.partner.id), doc.receiver.code}
	if doc.receiver.id == "" {
		receiver.code = pick(doc.receiver.code, s.partner.code)
	}
	if sender.id == "" || receiver.id == "" {
		return nil, connector.Permanent(ReasonInvalidSetting, fmt.Errorf("x12 sink %s: the interchange needs a sender id and a receiver id: set sender_id and receiver_id, or give them in the document", s.name))
	}
	version := pick(doc.version, s.version)
	ic := &x12.OutInterchange{
		SenderQualifier: sender.qualifier, Sender: sender.id,
		ReceiverQualifier: receiver.qualifier, Receiver: receiver.id,
		AckRequested: s.ack, Usage: pick(doc.usage, s.usage),
		Time:       s.now().In(s.loc),
		Separators: s.seps, Newline: s.newline,
	}
	if len(version) >= 5 {
		ic.Version = version[:5]
	}
	// The numbers are the delivery's: keyed by its idempotency key, which
	// is the same on every retry, restart and replay. An update (a changed
	// document for a key delivered before) is a new interchange with new
	// numbers; a retry of that update gets the same ones again.
	key := d.IdempotencyKey
	if key == "" {
		key = d.Key
	}
	if key == "" {
		return nil, connector.Permanent(ReasonMissingKey, errors.New("control numbers are assigned per delivery key, and this delivery has none"))
	}
	if d.Update {
		j, err := d.JSON()
		if err != nil {
			return nil, connector.Permanent(ReasonUnencodable, err)
		}
		sum := sha256.Sum256(j)
		key += "#" + hex.EncodeToString(sum[:8])
	}
	seq := "x12/" + sender.qualifier + ":" + sender.id + "/" + receiver.qualifier + ":" + receiver.id
	if ic.Control, err = s.counters.Assign(ctx, seq+"/isa", key, 999999999); err != nil {
		return nil, connector.Retryable(fmt.Errorf("assigning ISA13: %w", err), 0)
	}
	ic.InterchangeAcks = doc.acks
	isa := fmt.Sprintf("%09d", ic.Control)
	result := map[string]any{
		"interchange_control": isa,
		"sender":              sender.id,
		"receiver":            receiver.id,
	}
	if len(doc.sets) > 0 {
		g := x12.OutGroup{FunctionalID: doc.functionalID, SenderCode: sender.code, ReceiverCode: receiver.code, Version: version}
		if g.Control, err = s.counters.Assign(ctx, seq+"/gs", key, 999999999); err != nil {
			return nil, connector.Retryable(fmt.Errorf("assigning GS06: %w", err), 0)
		}
		controls := make([]any, len(doc.sets))
		for i := range doc.sets {
			n, err := s.counters.Assign(ctx, seq+"/st", key+"/"+strconv.Itoa(i), 999999999)
			if err != nil {
				return nil, connector.Retryable(fmt.Errorf("assigning ST02: %w", err), 0)
			}
			doc.sets[i].Control = fmt.Sprintf("%04d", n)
			controls[i] = doc.sets[i].Control
		}
		g.Sets = doc.sets
		ic.Groups = []x12.OutGroup{g}
		result["group_control"] = strconv.FormatUint(g.Control, 10)
		result["set_controls"] = controls
	}
	data, err := x12.Generate(ic)
	if err != nil {
		return nil, connector.Permanent(ReasonUnencodable, err)
	}
	if s.url != "" {
		return s.post(ctx, d, data, result)
	}
	return s.write(receiver.id, isa, data, result)
}

// write makes the interchange a file named after the receiver and ISA13.
// A file of that name exists only if this delivery wrote it before (its
// numbers are its own), so it counts as delivered.
func (s *X12Sink) write(receiver, isa string, data []byte, result map[string]any) (*connector.Response, error) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, connector.Retryable(fmt.Errorf("creating the outbox: %w", err), 0)
	}
	path := filepath.Join(s.dir, safeFileName(receiver+"_"+isa)+s.ext)
	result["file"] = path
	if _, err := os.Lstat(path); err == nil {
		return &connector.Response{Ref: path, Body: result}, nil
	}
	if err := writeFileAtomic(s.dir, path, data); err != nil {
		return nil, connector.Retryable(err, 0)
	}
	if err := syncDir(s.dir); err != nil {
		return nil, connector.Retryable(fmt.Errorf("syncing the outbox folder: %w", err), 0)
	}
	return &connector.Response{Ref: path, Body: result}, nil
}

// post sends the interchange to url.
func (s *X12Sink) post(ctx context.Context, d *connector.Delivery, data []byte, result map[string]any) (*connector.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(data))
	if err != nil {
		return nil, connector.Permanent(ReasonInvalidSetting, fmt.Errorf("building the request to %s: %v", redactURL(s.url), err))
	}
	req.Header.Set("Content-Type", "application/edi-x12")
	req.Header.Set("User-Agent", "transload")
	req.Header.Set(s.idemHdr, d.IdempotencyKey)
	if d.CorrelationID != "" {
		req.Header.Set("X-Correlation-ID", d.CorrelationID)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, networkError(http.MethodPost, s.url, err, s.timeout)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, &connector.RetryableError{Status: resp.StatusCode, Err: fmt.Errorf("POST %s: reading the %d answer: %w", redactURL(s.url), resp.StatusCode, err)}
	}
	res := &httpResult{status: resp.StatusCode, header: resp.Header, body: body}
	if res.status < 200 || res.status > 299 {
		return nil, res.classify(http.MethodPost, s.url, func(t string) string { return redactSecrets(t, s.token) })
	}
	out := res.response()
	if out.Body == nil {
		out.Body = result
	}
	if out.Ref == "" {
		out.Ref = result["interchange_control"].(string)
	}
	return out, nil
}

// Close closes idle connections.
func (s *X12Sink) Close(context.Context) error {
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	return nil
}

var _ connector.Sink = (*X12Sink)(nil)
