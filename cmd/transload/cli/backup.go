package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/transload/transload/engine/store/badgerstore"
)

func (a *app) backupCmd() *cobra.Command {
	var data, addr, out string
	c := &cobra.Command{
		Use:   "backup -o FILE",
		Short: "Write a consistent backup of the data directory's store",
		Long: `Backup writes a snapshot of everything in the store of a data directory
(--data, default .transload): inboxes, dedupe keys, the delivery ledger,
dead letters and the audit log. While transload run holds the directory it
asks the running process through its admin API (--addr; the token from
TRANSLOAD_ADMIN_TOKEN when set), which keeps serving meanwhile.

Restore it into a new data directory with transload restore. The outboxes
and drop folders are plain files: copy them as files.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if out == "" {
				return a.usageError(c, "say where the backup goes: -o FILE")
			}
			if err := a.backup(c.Context(), data, addr, out); err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			fmt.Fprintf(a.stderr, "Backup written to %s.\n", out)
			return nil
		},
	}
	c.Flags().StringVar(&data, "data", ".transload", "the data directory")
	c.Flags().StringVar(&addr, "addr", "", "the admin API of a running transload (default: the address it recorded in the data directory, else 127.0.0.1:8080)")
	c.Flags().StringVarP(&out, "output", "o", "", "the backup file to write")
	return c
}

// backup writes to a temporary file next to out and renames it, so a
// failed backup never leaves a complete-looking file.
func (a *app) backup(ctx context.Context, data, addr, out string) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := writeBackup(ctx, data, addr, tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func writeBackup(ctx context.Context, data, addr string, w io.Writer) error {
	st, err := badgerstore.Open(filepath.Join(data, "store"), badgerstore.Options{GCInterval: -1})
	if err == nil {
		defer st.Close()
		return st.Backup(ctx, w)
	}
	if !errors.Is(err, badgerstore.ErrLocked) {
		return fmt.Errorf("opening %s: %w", data, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+adminAddr(data, addr)+"/-/backup", nil)
	if err != nil {
		return err
	}
	if tok := os.Getenv("TRANSLOAD_ADMIN_TOKEN"); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the data directory is in use, and its admin API does not answer: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("admin API: %s: %s", resp.Status, b)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("the backup stream broke off: %w", err)
	}
	return nil
}

func (a *app) restoreCmd() *cobra.Command {
	var data string
	c := &cobra.Command{
		Use:   "restore FILE",
		Short: "Restore a backup into a new data directory",
		Long: `Restore loads a backup written by transload backup into the store of a
data directory (--data, default .transload) that has none yet. Restoring
over an existing store is refused: move it away first. Then start
transload run on that directory: the inboxes resume, and the ledger keeps
every delivered document from being sent again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			defer f.Close()
			if err := badgerstore.Restore(filepath.Join(data, "store"), f); err != nil {
				fmt.Fprintf(a.stderr, "Error: %v\n", err)
				return errFailed
			}
			fmt.Fprintf(a.stderr, "Restored %s into %s.\n", args[0], data)
			return nil
		},
	}
	c.Flags().StringVar(&data, "data", ".transload", "the data directory")
	return c
}
