package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
)

// dlqFlags choose where dead letters are: the data directory when no
// transload runs on it, else the running one's admin API.
type dlqFlags struct {
	data, addr string
	asJSON     bool
}

func (a *app) dlqCmd() *cobra.Command {
	var df dlqFlags
	c := &cobra.Command{
		Use:   "dlq",
		Short: "Inspect, replay and discard dead letters",
		Long: `Dlq works on the dead letters of a data directory (--data, default
.transload). While transload run holds the directory, the commands go
through its admin API (--addr, default 127.0.0.1:8080; the token from
TRANSLOAD_ADMIN_TOKEN when set).

Every replay and discard writes an append-only audit record: who, when,
why.`,
	}
	c.PersistentFlags().StringVar(&df.data, "data", ".transload", "the data directory")
	c.PersistentFlags().StringVar(&df.addr, "addr", "", "the admin API of a running transload (default: the address it recorded in the data directory, else 127.0.0.1:8080)")
	c.PersistentFlags().BoolVar(&df.asJSON, "json", false, "print JSON")
	c.AddCommand(a.dlqLs(&df), a.dlqShow(&df), a.dlqReplay(&df), a.dlqDiscard(&df), a.dlqAudit(&df))
	return c
}

// dlqBackend is the data directory, or the admin API.
type dlqBackend interface {
	list(ctx context.Context, f store.DeadLetterFilter) ([]*store.DeadLetter, error)
	get(ctx context.Context, id string) (*store.DeadLetter, error)
	replay(ctx context.Context, id string, o engine.ReplayOptions) (string, error)
	discard(ctx context.Context, id, who, why string) error
	audit(ctx context.Context, limit int) ([]store.AuditRecord, error)
	close()
}

func (a *app) backend(df *dlqFlags) (dlqBackend, error) {
	st, remote, err := openData(df)
	if err != nil {
		return nil, err
	}
	if remote != nil {
		return remote, nil
	}
	return &localDLQ{st: st}, nil
}

// openData opens the store of the data directory, or, when a running
// transload holds it, returns a client of that one's admin API.
func openData(df *dlqFlags) (store.Store, *remoteDLQ, error) {
	st, err := badgerstore.Open(df.data+"/store", badgerstore.Options{GCInterval: -1})
	if err == nil {
		return st, nil, nil
	}
	if !errors.Is(err, badgerstore.ErrLocked) {
		return nil, nil, fmt.Errorf("opening %s: %w", df.data, err)
	}
	return nil, &remoteDLQ{base: "http://" + adminAddr(df.data, df.addr), token: os.Getenv("TRANSLOAD_ADMIN_TOKEN")}, nil
}

// addrFile is the file, in the data directory, where transload run
// records the address its admin API listens on while it runs, so that the
// commands that talk to it (dlq, counters, backup, diff and record) find
// it without --addr, whatever --addr it was started with.
const addrFile = "admin.addr"

// adminAddr is the admin API to use for the data directory data: the flag
// when given, else the address a running transload recorded, else the
// default listen address.
func adminAddr(data, flag string) string {
	if flag != "" {
		return flag
	}
	if b, err := os.ReadFile(filepath.Join(data, addrFile)); err == nil {
		if a := strings.TrimSpace(string(b)); a != "" {
			return a
		}
	}
	return defaultAddr
}

type localDLQ struct{ st store.Store }

func (l *localDLQ) list(ctx context.Context, f store.DeadLetterFilter) ([]*store.DeadLetter, error) {
	return l.st.DeadLetters().List(ctx, f)
}
func (l *localDLQ) get(ctx context.Context, id string) (*store.DeadLetter, error) {
	return l.st.DeadLetters().Get(ctx, id)
}
func (l *localDLQ) replay(ctx context.Context, id string, o engine.ReplayOptions) (string, error) {
	env, err := engine.Replay(ctx, l.st, id, o)
	if err != nil {
		return "", err
	}
	return env.ID, nil
}
func (l *localDLQ) discard(ctx context.Context, id, who, why string) error {
	return engine.Discard(ctx, l.st, id, who, why, time.Now())
}
func (l *localDLQ) audit(ctx context.Context, limit int) ([]store.AuditRecord, error) {
	return l.st.Audit().List(ctx, limit)
}
func (l *localDLQ) close() { l.st.Close() }

type remoteDLQ struct{ base, token string }

func (r *remoteDLQ) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return err
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the data directory is in use, and its admin API does not answer: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		_ = json.Unmarshal(b, &e)
		switch resp.StatusCode {
		case http.StatusNotFound:
			return fmt.Errorf("%s: %w", e.Error, store.ErrNotFound)
		case http.StatusConflict:
			return errors.New(e.Error) // a refusal that explains itself
		}
		return fmt.Errorf("admin API: %s: %s", resp.Status, e.Error)
	}
	return json.Unmarshal(b, out)
}

func (r *remoteDLQ) list(ctx context.Context, f store.DeadLetterFilter) ([]*store.DeadLetter, error) {
	q := url.Values{}
	q.Set("flow", f.Flow)
	q.Set("reason", f.Reason)
	q.Set("class", f.Class)
	q.Set("limit", fmt.Sprint(f.Limit))
	var out []*store.DeadLetter
	return out, r.do(ctx, "GET", "/-/dlq?"+q.Encode(), nil, &out)
}
func (r *remoteDLQ) get(ctx context.Context, id string) (*store.DeadLetter, error) {
	var out store.DeadLetter
	return &out, r.do(ctx, "GET", "/-/dlq/"+url.PathEscape(id), nil, &out)
}
func (r *remoteDLQ) replay(ctx context.Context, id string, o engine.ReplayOptions) (string, error) {
	var out struct {
		MessageID string `json:"message_id"`
	}
	err := r.do(ctx, "POST", "/-/dlq/"+url.PathEscape(id)+"/replay", map[string]any{"who": o.Who, "why": o.Why, "pinned": o.Pinned, "body": o.Body}, &out)
	return out.MessageID, err
}
func (r *remoteDLQ) discard(ctx context.Context, id, who, why string) error {
	var out map[string]string
	return r.do(ctx, "POST", "/-/dlq/"+url.PathEscape(id)+"/discard", map[string]string{"who": who, "why": why}, &out)
}
func (r *remoteDLQ) audit(ctx context.Context, limit int) ([]store.AuditRecord, error) {
	var out []store.AuditRecord
	return out, r.do(ctx, "GET", fmt.Sprintf("/-/audit?limit=%d", limit), nil, &out)
}
func (r *remoteDLQ) close() {}

func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (a *app) dlqLs(df *dlqFlags) *cobra.Command {
	var f store.DeadLetterFilter
	c := &cobra.Command{
		Use:   "ls",
		Short: "List dead letters, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			b, err := a.backend(df)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			defer b.close()
			list, err := b.list(c.Context(), f)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			if df.asJSON {
				if list == nil {
					list = []*store.DeadLetter{}
				}
				return a.printJSON(list)
			}
			if len(list) == 0 {
				fmt.Fprintln(a.stdout, "No dead letters.")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tFLOW\tCLASS\tREASON\tSTEP\tAT\tMESSAGE")
			for _, d := range list {
				msg := d.Message
				if len(msg) > 60 {
					msg = msg[:57] + "..."
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Envelope.Flow, d.Class, d.Reason, d.Step, d.CreatedAt.Format(time.RFC3339), msg)
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&f.Flow, "flow", "", "only this flow")
	c.Flags().StringVar(&f.Reason, "reason", "", "only this reason code")
	c.Flags().StringVar(&f.Class, "class", "", "only business or technical")
	c.Flags().IntVar(&f.Limit, "limit", 0, "at most this many")
	return c
}

func (a *app) dlqShow(df *dlqFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one dead letter: the error, where it happened, the original message",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			b, err := a.backend(df)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			defer b.close()
			d, err := b.get(c.Context(), args[0])
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			if df.asJSON {
				return a.printJSON(d)
			}
			fmt.Fprintf(a.stdout, "Dead letter %s\n  flow:        %s (version %s)\n  class:       %s\n  reason:      %s\n", d.ID, d.Envelope.Flow, d.Version, d.Class, d.Reason)
			if d.Step != "" {
				fmt.Fprintf(a.stdout, "  step:        %s\n", d.Step)
			}
			if d.Range != "" {
				fmt.Fprintf(a.stdout, "  at:          %s\n", d.Range)
			}
			if d.Part != "" {
				fmt.Fprintf(a.stdout, "  part:        %s\n", d.Part)
			}
			fmt.Fprintf(a.stdout, "  message:     %s\n  message id:  %s\n  correlation: %s\n  received:    %s\n  attempts:    %d\n", d.Message, d.Envelope.ID, d.Envelope.CorrelationID, d.Envelope.ReceivedAt.Format(time.RFC3339), len(d.Envelope.Attempts))
			for _, at := range d.Envelope.Attempts {
				fmt.Fprintf(a.stdout, "    %s  %s\n", at.At.Format(time.RFC3339), at.Error)
			}
			if len(d.Errors) > 1 {
				fmt.Fprintln(a.stdout, "  error chain:")
				for _, e := range d.Errors {
					fmt.Fprintf(a.stdout, "    %s\n", e)
				}
			}
			fmt.Fprintln(a.stdout, "  headers:")
			for k, v := range d.Envelope.Headers {
				fmt.Fprintf(a.stdout, "    %s: %s\n", k, redactHeader(k, v))
			}
			body := string(d.Envelope.Body)
			if len(body) > 4000 {
				body = body[:4000] + "\n… (" + fmt.Sprint(len(d.Envelope.Body)) + " bytes; --json shows all)"
			}
			fmt.Fprintf(a.stdout, "  body:\n%s\n", indent(body, "    "))
			return nil
		},
	}
}

func redactHeader(k, v string) string {
	k = strings.ToLower(k)
	if strings.Contains(k, "authorization") || strings.Contains(k, "hmac") || strings.Contains(k, "signature") || strings.Contains(k, "api-key") || strings.Contains(k, "token") {
		return "[redacted]"
	}
	return v
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}

// who is the person acting: --who, else the login name.
func who(flag string) string {
	if flag != "" {
		return flag
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}

func (a *app) dlqReplay(df *dlqFlags) *cobra.Command {
	var byWho, why, bodyFile string
	var pinned bool
	c := &cobra.Command{
		Use:   "replay ID... --reason WHY",
		Short: "Put dead letters back into their flows' inboxes",
		Long: `Replay puts each dead letter's original message (or a fixed body from
--body) back into its flow's inbox as a new message, on the current version
of the flows, or with --pinned on the version it failed on, and removes the
dead letter. The delivery ledger makes a replay of something already
delivered harmless.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if why == "" {
				return a.usageError(c, "say why with --reason: every replay is audited")
			}
			var body []byte
			if bodyFile != "" {
				var err error
				if body, err = os.ReadFile(bodyFile); err != nil {
					fmt.Fprintf(a.stderr, "Error: %v\n", err)
					return errFailed
				}
			}
			b, err := a.backend(df)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			defer b.close()
			failed := false
			for _, id := range args {
				msg, err := b.replay(c.Context(), id, engine.ReplayOptions{Who: who(byWho), Why: why, Pinned: pinned, Body: body})
				if err != nil {
					fmt.Fprintf(a.stderr, "Error: %s: %v\n", id, err)
					failed = true
					continue
				}
				fmt.Fprintf(a.stdout, "replayed %s as message %s\n", id, msg)
			}
			if failed {
				return errFailed
			}
			return nil
		},
	}
	c.Flags().StringVar(&why, "reason", "", "why (recorded in the audit log)")
	c.Flags().StringVar(&byWho, "who", "", "who is replaying (default: your login)")
	c.Flags().BoolVar(&pinned, "pinned", false, "replay on the version of the flows the message failed on")
	c.Flags().StringVar(&bodyFile, "body", "", "replace the body with this file's content (a fixed payload)")
	return c
}

func (a *app) dlqDiscard(df *dlqFlags) *cobra.Command {
	var byWho, why string
	c := &cobra.Command{
		Use:   "discard ID... --reason WHY",
		Short: "Remove dead letters for good (audited)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if why == "" {
				return a.usageError(c, "say why with --reason: every discard is audited")
			}
			b, err := a.backend(df)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			defer b.close()
			failed := false
			for _, id := range args {
				if err := b.discard(c.Context(), id, who(byWho), why); err != nil {
					fmt.Fprintf(a.stderr, "Error: %s: %v\n", id, err)
					failed = true
					continue
				}
				fmt.Fprintf(a.stdout, "discarded %s\n", id)
			}
			if failed {
				return errFailed
			}
			return nil
		},
	}
	c.Flags().StringVar(&why, "reason", "", "why (recorded in the audit log)")
	c.Flags().StringVar(&byWho, "who", "", "who is discarding (default: your login)")
	return c
}

func (a *app) dlqAudit(df *dlqFlags) *cobra.Command {
	var limit int
	c := &cobra.Command{
		Use:   "audit",
		Short: "Print the audit log of replays, discards and counter changes",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			b, err := a.backend(df)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			defer b.close()
			recs, err := b.audit(c.Context(), limit)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			if df.asJSON {
				if recs == nil {
					recs = []store.AuditRecord{}
				}
				return a.printJSON(recs)
			}
			for _, r := range recs {
				what := r.Target
				if r.Action == "counter" {
					what += " " + r.Details["old"] + " → " + r.Details["new"]
				}
				fmt.Fprintf(a.stdout, "%s  %-8s %-20s by %s: %s\n", r.At.Format(time.RFC3339), r.Action, what, r.Who, r.Why)
			}
			return nil
		},
	}
	c.Flags().IntVar(&limit, "limit", 0, "at most this many records")
	return c
}

func readAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }
