package portal_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/transload/transload/examples/custom-connector/portal"
)

// fakePortal serves orders by updated_at, two per page.
type fakePortal struct {
	mu     sync.Mutex
	orders []map[string]string
	token  string
}

func (p *fakePortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+p.token {
		http.Error(w, "no", http.StatusUnauthorized)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	since := r.URL.Query().Get("updated_since")
	var page []map[string]string
	next := since
	for _, o := range p.orders {
		if o["updated_at"] > since && len(page) < 2 {
			page = append(page, o)
			next = o["updated_at"]
		}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"orders": page, "next_cursor": next})
}

func (p *fakePortal) add(id, at string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.orders = append(p.orders, map[string]string{"id": id, "updated_at": at})
}

// ingress records submissions and can fail them.
type ingress struct {
	mu   sync.Mutex
	ids  []string
	fail bool
}

func (i *ingress) Submit(_ context.Context, msgs ...connector.Message) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.fail {
		return errors.New("disk full")
	}
	for _, m := range msgs {
		i.ids = append(i.ids, m.ID)
	}
	return nil
}

func (i *ingress) got() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return strings.Join(i.ids, " ")
}

func runOnce(t *testing.T, srvURL, token, data string, ing connector.Ingress) {
	t.Helper()
	done := make(chan struct{})
	src, err := portal.New(connector.SourceParams{
		Flow: "portal_orders", DataDir: data, Ingress: ing, Once: true, Done: func() { close(done) },
		Config: cty.ObjectVal(map[string]cty.Value{
			"url": cty.StringVal(srvURL), "token": cty.StringVal(token),
			"interval": cty.StringVal("1s"), "page_size": cty.NumberIntVal(2),
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the source did not finish")
	}
	if err := src.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestCursor: every order is submitted once across pages and restarts;
// a failed submit leaves the cursor, so the page is read again with the
// same message ids.
func TestCursor(t *testing.T) {
	token := fmt.Sprintf("tok-%d", time.Now().UnixNano())
	p := &fakePortal{token: token}
	for i, at := range []string{"2026-11-01T10:00:00Z", "2026-11-01T10:05:00Z", "2026-11-01T10:07:00Z"} {
		p.add(fmt.Sprintf("SO-%d", i+1), at)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	data := t.TempDir()

	ing := &ingress{}
	runOnce(t, srv.URL, token, data, ing)
	if got := ing.got(); got != "portal:SO-1@2026-11-01T10:00:00Z portal:SO-2@2026-11-01T10:05:00Z portal:SO-3@2026-11-01T10:07:00Z" {
		t.Fatalf("first run submitted %s", got)
	}
	cursor, _ := os.ReadFile(filepath.Join(data, "portal", "portal_orders.cursor"))
	if string(cursor) != "2026-11-01T10:07:00Z" {
		t.Fatalf("cursor %q", cursor)
	}

	// A restart reads only what changed since; a failed submit keeps the
	// cursor where it was.
	p.add("SO-2", "2026-11-02T09:00:00Z")
	failing := &ingress{fail: true}
	runOnce(t, srv.URL, token, data, failing)
	if cursor, _ := os.ReadFile(filepath.Join(data, "portal", "portal_orders.cursor")); string(cursor) != "2026-11-01T10:07:00Z" {
		t.Fatalf("the cursor moved past orders that were not accepted: %q", cursor)
	}
	ing = &ingress{}
	runOnce(t, srv.URL, token, data, ing)
	if got := ing.got(); got != "portal:SO-2@2026-11-02T09:00:00Z" {
		t.Fatalf("after the failure, submitted %q", got)
	}
}

// TestSpec: bad settings are load errors with a sentence that says why.
func TestSpec(t *testing.T) {
	for _, c := range []struct {
		cfg  map[string]cty.Value
		want string
	}{
		{map[string]cty.Value{"url": cty.StringVal("ftp://x")}, "must be an absolute http"},
		{map[string]cty.Value{"url": cty.StringVal("https://p.example"), "interval": cty.StringVal("soon")}, "not a positive duration"},
		{map[string]cty.Value{"url": cty.StringVal("https://p.example"), "page_size": cty.NumberIntVal(0)}, "between 1 and 1000"},
	} {
		err := portal.Spec.Check(cty.ObjectVal(c.cfg))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want …%s…", c.cfg, err, c.want)
		}
	}
}
