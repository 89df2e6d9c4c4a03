package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"

	"github.com/spf13/cobra"

	"ties"
	"ties/match"
)

func newAuditCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check or export the audit trail of screenings",
		Long: `Every screening (API, web UI and CLI) is appended to the audit trail: who,
when, the query, the list versions in force and the top results; reviewer
decisions are appended as records of their own. Each record carries the
hash of the one before, so a record changed, removed or reordered in the
database breaks the chain at that record.`,
	}
	cmd.AddCommand(newAuditVerifyCmd(g), newAuditExportCmd(g))
	return cmd
}

func auditStore(g *globalFlags) (ties.AuditStore, func() error, error) {
	st, err := g.openStore()
	if err != nil {
		return nil, nil, err
	}
	as, ok := st.(ties.AuditStore)
	if !ok {
		st.Close()
		return nil, nil, errors.New("this store keeps no audit trail")
	}
	return as, st.Close, nil
}

func newAuditVerifyCmd(g *globalFlags) *cobra.Command {
	var expectHead string
	cmd := &cobra.Command{
		Use:   "verify [--expect-head SEQ:HASH[:MAC]]",
		Short: "Check the hash chain and print its head; exit 1 naming the first bad record",
		Long: `verify checks every record's links and hash. With the audit key
($TIES_AUDIT_KEY or $TIES_AUDIT_KEY_FILE) it also checks the keyed hashes,
so a chain edited and rehashed without the key fails. It prints the head
(seq and hash, and with the key a MAC over both): record it somewhere the
database's writers cannot reach, and pass it back with --expect-head to
show that no record up to it was deleted or rewritten since.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var expect *ties.AuditHead
			if expectHead != "" {
				h, err := ties.ParseAuditHead(expectHead)
				if err != nil {
					return usagef("--expect-head: %v", err)
				}
				expect = &h
			}
			key, err := auditKey()
			if err != nil {
				return err
			}
			as, closeStore, err := auditStore(g)
			if err != nil {
				return err
			}
			defer closeStore()
			v, err := ties.VerifyAuditKeyed(as.AuditRecords(cmd.Context(), 0, 0), key, expect)
			var ce *ties.AuditChainError
			if errors.As(err, &ce) {
				fmt.Fprintf(cmd.ErrOrStderr(), "audit chain broken at record %d: %s (records 1..%d verify)\n", ce.Seq, ce.Reason, v.Head.Seq)
				return exitCode(1)
			}
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "audit chain: %v\n", err)
				return exitCode(1)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "audit chain intact: %d records", v.Head.Seq)
			switch {
			case len(key) > 0:
				fmt.Fprintf(out, ", %d keyed and checked with the key", v.Keyed)
			case v.Keyed > 0:
				fmt.Fprintf(out, ", %d keyed (their hashes need the key to check: set TIES_AUDIT_KEY)", v.Keyed)
			}
			fmt.Fprintln(out)
			if expect != nil {
				fmt.Fprintf(out, "recorded head %d is in the chain, unchanged\n", expect.Seq)
			}
			if v.Head.Seq > 0 {
				fmt.Fprintf(out, "head: %s\n", v.Head)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&expectHead, "expect-head", "", "a head printed by an earlier verify: fail unless that record is still in the chain, unchanged")
	return cmd
}

func newAuditExportCmd(g *globalFlags) *cobra.Command {
	var outPath string
	var after int64
	cmd := &cobra.Command{
		Use:   "export [--out FILE] [--after SEQ]",
		Short: "Write the audit trail as JSON lines (stdout, or --out FILE)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			as, closeStore, err := auditStore(g)
			if err != nil {
				return err
			}
			defer closeStore()
			var out io.Writer = cmd.OutOrStdout()
			var f *os.File
			if outPath != "" {
				if f, err = os.Create(outPath); err != nil {
					return err
				}
				defer f.Close()
				out = f
			}
			bw := bufio.NewWriter(out)
			enc := json.NewEncoder(bw)
			for r, err := range as.AuditRecords(cmd.Context(), after, 0) {
				if err != nil {
					return err
				}
				if err := enc.Encode(r); err != nil {
					return err
				}
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			if f != nil {
				return f.Close()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&outPath, "out", "", "file to write (default stdout)")
	cmd.Flags().Int64Var(&after, "after", 0, "only records with a greater seq")
	return cmd
}

// cliActor names the person running the CLI in the audit trail.
func cliActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return "cli:" + n
	}
	return "cli:unknown"
}

// screenAudit collects the CLI's screenings and appends them to the audit
// trail in groups (one transaction per group, so a 50,000-name batch is not
// 50,000 commits). The records have the fields the server writes.
type screenAudit struct {
	ctx      context.Context
	st       ties.AuditStore // nil: the store keeps no audit trail
	actor    string
	versions []int64
	pending  []ties.AuditRecord
	err      error
}

// auditGroup is how many screenings one append commits.
const auditGroup = 1000

// auditTopMatches is how many matches a record keeps (as the server).
const auditTopMatches = 5

func newScreenAudit(ctx context.Context, st ties.Store, versions []ties.ListVersion) *screenAudit {
	a := &screenAudit{ctx: ctx, actor: cliActor(), versions: []int64{}}
	a.st, _ = st.(ties.AuditStore)
	for _, v := range versions {
		a.versions = append(a.versions, v.ID)
	}
	return a
}

// add records one screening; it appends when a group is full.
func (a *screenAudit) add(query string, ms []match.Match) error {
	if a.st == nil || a.err != nil {
		return a.err
	}
	top := toJSONMatches(ms)
	if len(top) > auditTopMatches {
		top = top[:auditTopMatches]
	}
	b, err := json.Marshal(top)
	if err != nil {
		return err
	}
	a.pending = append(a.pending, ties.AuditRecord{Actor: a.actor, Action: ties.AuditScreen, Query: query, Versions: a.versions, Results: b})
	if len(a.pending) >= auditGroup {
		return a.flush()
	}
	return nil
}

// flush appends what is pending; call it before the command returns.
func (a *screenAudit) flush() error {
	if a.st == nil || a.err != nil || len(a.pending) == 0 {
		return a.err
	}
	_, a.err = a.st.AppendAudit(context.WithoutCancel(a.ctx), a.pending)
	if a.err != nil {
		a.err = fmt.Errorf("audit: %w", a.err)
	}
	a.pending = a.pending[:0]
	return a.err
}
