// Package portal is an example connector: a source that polls a B2B
// ordering portal's REST API for orders changed since a cursor. It shows
// what a connector of your own needs: a settings spec (documented,
// checked when the flows load), a factory, a Source that owns its
// goroutine, and the one rule that makes it safe: the cursor moves on only
// after Ingress.Submit has put the orders on disk, and every order has a
// stable message id, so a crash between the two re-reads orders the
// inbox recognises instead of losing or doubling them.
//
// The portal's API, as this example assumes it:
//
//	GET {url}?updated_since={cursor}&limit={page_size}
//	Authorization: Bearer {token}
//	200 {"orders": [{"id": "…", "updated_at": "…", …}], "next_cursor": "…"}
//
// An empty page means the source is caught up until the next poll.
package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/transload/transload/engine/connector"
)

// Type is the source type flows name: source "portal" { … }.
const Type = "portal"

// Spec documents and checks the settings.
var Spec = &connector.ConfigSpec{
	Doc: "Polls a B2B portal for orders changed since the last poll. Each order becomes a message; the cursor is " +
		"kept in the data directory and moves on only once the orders are in the inbox.",
	Attrs: []*connector.AttrSpec{
		{Name: "url", Type: cty.String, Required: true, Doc: "The orders endpoint.", Example: `url = "https://portal.example.com/api/orders"`},
		{Name: "token", Type: cty.String, Secret: true, Doc: "The API token, sent as a bearer token.", Example: `token = env("PORTAL_TOKEN")`},
		{Name: "interval", Type: cty.String, Default: cty.StringVal("1m"), Doc: "How often to poll once caught up.", Example: `interval = "30s"`},
		{Name: "page_size", Type: cty.Number, Default: cty.NumberIntVal(100), Doc: "Orders per request.", Example: `page_size = 200`},
	},
	Check: func(v cty.Value) error {
		_, err := configOf(v)
		return err
	},
}

// Register adds the portal source to a registry: pass it to
// wire.WithConnectors.
func Register(r *connector.Registry) error {
	return r.AddSource(connector.SourceFactory{Type: Type, Spec: Spec, New: New})
}

type config struct {
	url      string
	token    string
	interval time.Duration
	pageSize int
}

func configOf(v cty.Value) (config, error) {
	c := config{pageSize: 100, interval: time.Minute}
	get := func(name string) cty.Value {
		if v.IsNull() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
			return cty.NullVal(cty.DynamicPseudoType)
		}
		return v.GetAttr(name)
	}
	if s := get("url"); !s.IsNull() {
		c.url = s.AsString()
	}
	u, err := url.Parse(c.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("url %q must be an absolute http:// or https:// URL", c.url)
	}
	if s := get("token"); !s.IsNull() {
		c.token = s.AsString()
	}
	if s := get("interval"); !s.IsNull() {
		if c.interval, err = time.ParseDuration(s.AsString()); err != nil || c.interval <= 0 {
			return c, fmt.Errorf("interval %q is not a positive duration such as \"30s\"", s.AsString())
		}
	}
	if n := get("page_size"); !n.IsNull() {
		i, _ := n.AsBigFloat().Int64()
		if i < 1 || i > 1000 {
			return c, fmt.Errorf("page_size must be between 1 and 1000, not %d", i)
		}
		c.pageSize = int(i)
	}
	return c, nil
}

// Source polls the portal.
type Source struct {
	p      connector.SourceParams
	cfg    config
	client *http.Client
	log    *slog.Logger
	cursor string // the file holding the cursor

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// New builds a portal source.
func New(p connector.SourceParams) (connector.Source, error) {
	cfg, err := configOf(p.Config)
	if err != nil {
		return nil, err
	}
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Source{
		p: p, cfg: cfg, log: log.With("source", Type),
		client: &http.Client{Timeout: 30 * time.Second},
		cursor: filepath.Join(p.DataDir, "portal", p.Flow+".cursor"),
	}, nil
}

// Start polls on a goroutine the source owns; it does not block.
func (s *Source) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done != nil {
		return errors.New("portal source: started twice")
	}
	ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.done = make(chan struct{})
	go s.loop(ctx)
	return nil
}

// Close stops polling and waits for a poll in progress.
func (s *Source) Close(ctx context.Context) error {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Source) loop(ctx context.Context) {
	defer close(s.done)
	for {
		err := s.drain(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("portal poll failed; trying again at the next interval", "flow", s.p.Flow, "err", err)
		}
		if s.p.Once {
			if s.p.Done != nil {
				s.p.Done()
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.cfg.interval):
		}
	}
}

// drain fetches pages until an empty one.
func (s *Source) drain(ctx context.Context) error {
	for {
		n, err := s.poll(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

type page struct {
	Orders     []json.RawMessage `json:"orders"`
	NextCursor string            `json:"next_cursor"`
}

// poll fetches one page, submits its orders and then saves the cursor.
func (s *Source) poll(ctx context.Context) (int, error) {
	cursor, err := os.ReadFile(s.cursor)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, err
	}
	q := url.Values{"limit": {strconv.Itoa(s.cfg.pageSize)}}
	if len(cursor) > 0 {
		q.Set("updated_since", string(cursor))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.url+"?"+q.Encode(), nil)
	if err != nil {
		return 0, err
	}
	if s.cfg.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("portal answered %s", resp.Status)
	}
	var pg page
	if err := json.Unmarshal(body, &pg); err != nil {
		return 0, fmt.Errorf("portal page is not the expected JSON: %w", err)
	}
	if len(pg.Orders) == 0 {
		return 0, nil
	}
	msgs := make([]connector.Message, 0, len(pg.Orders))
	for _, o := range pg.Orders {
		var key struct {
			ID        string `json:"id"`
			UpdatedAt string `json:"updated_at"`
		}
		_ = json.Unmarshal(o, &key)
		msgs = append(msgs, connector.Message{
			Body:   o,
			Origin: "portal " + s.cfg.url,
			// The same version of the same order is the same message,
			// however often it is read.
			ID: "portal:" + key.ID + "@" + key.UpdatedAt,
		})
	}
	if err := s.p.Ingress.Submit(ctx, msgs...); err != nil {
		return 0, err // the cursor stays: the page is read again
	}
	if pg.NextCursor == "" {
		return len(msgs), errors.New("portal page has orders but no next_cursor")
	}
	return len(msgs), writeFileAtomic(s.cursor, []byte(pg.NextCursor))
}

// writeFileAtomic writes a file by write-then-rename, synced.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".cursor-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
