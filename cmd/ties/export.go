package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"ties/postgres"
	"ties/sqlite"
	"ties/transfer"
)

func newExportCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "export [FILE]",
		Short: "Write the whole store as JSON lines (to FILE, or standard output)",
		Long: `Export writes everything the store keeps — list versions with their entries
and which is in force, lists, graph sources, links, tokens (hashed), the
audit trail and the monitoring data — as one JSON object per line (see
package transfer for the format). With ties import it moves a store between
the embedded file and PostgreSQL:

  ties --db ~/ties.db export ties.jsonl
  ties --db postgres://ties@db/ties import ties.jsonl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			src, ok := st.(transfer.Source)
			if !ok {
				return errors.New("this store cannot be exported")
			}
			var w io.Writer = cmd.OutOrStdout()
			var f *os.File
			if len(args) == 1 && args[0] != "-" {
				if f, err = os.Create(args[0]); err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			c, err := transfer.Export(cmd.Context(), src, w)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			if f != nil {
				if err := f.Close(); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "exported %s\n", describeCounts(c))
			}
			return nil
		},
	}
}

func describeCounts(c transfer.Counts) string {
	return fmt.Sprintf("%d versions (%d entries), %d lists, %d graph sources (%d entities, %d ties), %d links, %d tokens, %d audit records, %d watches, %d alerts, %d reviews, %d change sets",
		c.Versions, c.Entries, c.Lists, c.Graphs, c.Entities, c.Ties, c.Links, c.Tokens, c.Audit, c.Watches, c.Alerts, c.Reviews, c.ChangeSets)
}

func newImportCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Read a whole store written by ties export into a new, empty store",
		Long: `Import reads a stream written by ties export into the store named by --db,
which must be empty. It reads the whole stream once to check it (every
line, and the counts on its last line) before it writes anything. FILE "-"
is standard input.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, name := args[0], args[0]
			if path == "-" {
				// Import reads twice (check, then store): spool stdin.
				tmp, err := os.CreateTemp("", "ties-import-*.jsonl")
				if err != nil {
					return err
				}
				defer os.Remove(tmp.Name())
				if _, err := io.Copy(tmp, bufio.NewReader(cmd.InOrStdin())); err != nil {
					tmp.Close()
					return err
				}
				if err := tmp.Close(); err != nil {
					return err
				}
				path, name = tmp.Name(), "<stdin>"
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := transfer.Check(f, name); err != nil {
				return err
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			dst, ok := st.(transfer.Target)
			if !ok {
				return errors.New("this store cannot be imported into")
			}
			c, err := transfer.Import(cmd.Context(), dst, f, name)
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %s\n", describeCounts(c))
			return nil
		},
	}
}

func newMigrateCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Bring the store's schema up to date and print its version",
		Long: `Every command migrates the schema when it opens the store; migrate does
only that, so a deployment can migrate once before starting its replicas.
A store written by a newer ties is refused, never downgraded.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			switch s := st.(type) {
			case *postgres.Store:
				v, err := s.StoredSchemaVersion(cmd.Context())
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "schema version %d (postgres %s)\n", v, s.Name())
			case *sqlite.Store:
				fmt.Fprintf(cmd.OutOrStdout(), "schema version %d (sqlite %s)\n", sqlite.SchemaVersion(), s.Path())
			default:
				return fmt.Errorf("unknown store %T", st)
			}
			return nil
		},
	}
}
