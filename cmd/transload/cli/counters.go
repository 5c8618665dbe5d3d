package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/transload/transload/engine"
	"github.com/transload/transload/engine/store"
)

func (a *app) countersCmd() *cobra.Command {
	var df dlqFlags
	c := &cobra.Command{
		Use:   "counters",
		Short: "List the control-number sequences, and move one forward (audited)",
		Long: `Counters shows the durable sequences the x12 sink takes ISA13, GS06 and
ST02 from (one each per pair of our id and the partner's:
x12/<our qualifier>:<our id>/<their qualifier>:<their id>/isa, /gs, /st),
with the last number each handed out and how many deliveries it numbered.
Without a subcommand it runs ls.

"counters set" moves a sequence forward: when a partner comes over from
another translator, start after the last numbers it received from us; after
restoring an older backup, move past the last numbers sent. A sequence never
moves back.

Counters works on the store of a data directory (--data, default
.transload). While transload run holds the directory, it goes through its
admin API (--addr, default 127.0.0.1:8080; the token from
TRANSLOAD_ADMIN_TOKEN when set).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error { return a.countersList(c.Context(), &df) },
	}
	c.PersistentFlags().StringVar(&df.data, "data", ".transload", "the data directory")
	c.PersistentFlags().StringVar(&df.addr, "addr", "", "the admin API of a running transload (default: the address it recorded in the data directory, else 127.0.0.1:8080)")
	c.PersistentFlags().BoolVar(&df.asJSON, "json", false, "print JSON")
	c.AddCommand(&cobra.Command{
		Use:   "ls",
		Short: "List every sequence: the last number handed out and how many keys it numbered",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, args []string) error { return a.countersList(c.Context(), &df) },
	}, a.countersSet(&df))
	return c
}

// countersBackend is the data directory's store, or the admin API.
type countersBackend interface {
	list(ctx context.Context) ([]engine.Counter, error)
	advance(ctx context.Context, ch engine.CounterChange) (engine.CounterChanged, error)
	close()
}

func (a *app) countersBackend(df *dlqFlags) (countersBackend, error) {
	st, remote, err := openData(df)
	if err != nil {
		return nil, err
	}
	if remote != nil {
		return remoteCounters{remote}, nil
	}
	return localCounters{st}, nil
}

type localCounters struct{ st store.Store }

func (l localCounters) list(ctx context.Context) ([]engine.Counter, error) {
	return engine.ListCounters(ctx, l.st.Keys())
}
func (l localCounters) advance(ctx context.Context, ch engine.CounterChange) (engine.CounterChanged, error) {
	return engine.AdvanceCounter(ctx, l.st, ch, time.Now())
}
func (l localCounters) close() { l.st.Close() }

type remoteCounters struct{ r *remoteDLQ }

func (r remoteCounters) list(ctx context.Context) ([]engine.Counter, error) {
	var out []engine.Counter
	return out, r.r.do(ctx, "GET", "/-/counters", nil, &out)
}
func (r remoteCounters) advance(ctx context.Context, ch engine.CounterChange) (engine.CounterChanged, error) {
	var out engine.CounterChanged
	return out, r.r.do(ctx, "POST", "/-/counters", ch, &out)
}
func (r remoteCounters) close() {}

func (a *app) countersList(ctx context.Context, df *dlqFlags) error {
	b, err := a.countersBackend(df)
	if err != nil {
		fmt.Fprintf(a.stderr, "Error: %v\n", err)
		return errFailed
	}
	defer b.close()
	list, err := b.list(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "Error: %v\n", err)
		return errFailed
	}
	if df.asJSON {
		if list == nil {
			list = []engine.Counter{}
		}
		return a.printJSON(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(a.stdout, "No counters: no sequence has handed out a number yet.")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQUENCE\tLAST\tKEYS")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", c.Sequence, c.Last, c.Keys)
	}
	return tw.Flush()
}

func (a *app) countersSet(df *dlqFlags) *cobra.Command {
	var byWho, why string
	c := &cobra.Command{
		Use:   "set SEQUENCE NUMBER --reason TEXT",
		Short: "Move a sequence forward: NUMBER is the last number handed out, the next is NUMBER+1 (audited)",
		Long: `Set makes NUMBER the last number the sequence handed out: the next
document gets NUMBER+1. NUMBER may keep its leading zeros (000001041 is
1041). A sequence only moves forward: a NUMBER at or below its last one is
refused, since the numbers after it were sent already and partners reject
or drop a reused control number. A sequence that does not exist yet (a new
partner, before its first document) is created.

The change is atomic against documents being numbered at the same time, and
is written to the append-only audit log (who, when, why, old and new
number), which transload dlq audit prints.

Example, a partner whose last interchange from the old translator was
ISA13 000004127, GS06 4127 and ST02 0311:

  transload counters set x12/ZZ:ACME/12:4405197800/isa 4127 --reason "cutover from old translator"
  transload counters set x12/ZZ:ACME/12:4405197800/gs 4127 --reason "cutover from old translator"
  transload counters set x12/ZZ:ACME/12:4405197800/st 311 --reason "cutover from old translator"`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return a.usageError(c, "give the sequence and the number: counters set SEQUENCE NUMBER --reason TEXT")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if strings.TrimSpace(why) == "" {
				return a.usageError(c, "say why with --reason: every change of a sequence is audited")
			}
			n, err := strconv.ParseUint(args[1], 10, 64)
			if err != nil {
				return a.usageError(c, "NUMBER must be a whole number, got %q", args[1])
			}
			if err := engine.CheckSequenceName(args[0]); err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			b, err := a.countersBackend(df)
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			defer b.close()
			done, err := b.advance(c.Context(), engine.CounterChange{Sequence: args[0], To: n, Who: who(byWho), Why: why})
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			if df.asJSON {
				return a.printJSON(done)
			}
			next := done.New + 1
			if strings.HasPrefix(done.Sequence, "x12/") && done.New == 999999999 {
				next = 1 // X12 control numbers wrap after nine digits
			}
			if done.Created {
				fmt.Fprintf(a.stdout, "%s: created at %d; the next number is %d\n", done.Sequence, done.New, next)
				fmt.Fprintf(a.stderr, "Note: %s did not exist. If it should have, check the name against transload counters ls.\n", done.Sequence)
				return nil
			}
			fmt.Fprintf(a.stdout, "%s: %d → %d; the next number is %d\n", done.Sequence, done.Old, done.New, next)
			return nil
		},
	}
	c.Flags().StringVar(&why, "reason", "", "why (recorded in the audit log)")
	// --why was its first name; dlq replay and discard say --reason.
	c.Flags().StringVar(&why, "why", "", "the same as --reason")
	_ = c.Flags().MarkHidden("why")
	c.Flags().StringVar(&byWho, "who", "", "who is changing it (default: your login)")
	return c
}
