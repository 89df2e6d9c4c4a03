// Command ties screens names against restricted-party lists and traces an
// organization's ties to listed entities. This package only parses flags and
// wires the other packages together.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"ties"
	"ties/watch"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := checkArgs(os.Args[1:])
	if err == nil {
		err = newRootCmd().ExecuteContext(ctx)
	}
	stop()
	if err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "ties:", err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "ties:", err)
		os.Exit(1)
	}
}

// exitCode ends the program with a status and no further message (the
// command already said what went wrong).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in the command line (an unknown value, text that
// is not UTF-8): main prints it and exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// checkArgs refuses arguments (flag values included) holding a NUL or
// bytes that are not UTF-8, before they reach a store.
func checkArgs(args []string) error {
	for i, a := range args {
		if err := ties.CheckText(a); err != nil {
			return usagef("argument %d %q: %v", i+1, a, err)
		}
	}
	return nil
}

type globalFlags struct {
	db           string
	webhookAllow string
}

// webhookPolicy is the policy every webhook of this run goes through: no
// loopback, private, link-local or metadata destination unless
// --webhook-allow names it.
func (g *globalFlags) webhookPolicy() (*watch.WebhookPolicy, error) {
	allow, err := watch.ParseAllow(g.webhookAllow)
	if err != nil {
		return nil, usagef("--webhook-allow: %v", err)
	}
	return &watch.WebhookPolicy{Allow: allow}, nil
}

func newRootCmd() *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:           "ties",
		Short:         "Screen names against restricted-party lists and trace ties to listed entities",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       readBuildInfo().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringVar(&g.webhookAllow, "webhook-allow", os.Getenv("TIES_WEBHOOK_ALLOW"),
		"webhook destinations allowed although loopback, private or link-local: hosts, host:port or CIDR ranges, comma-separated (default $TIES_WEBHOOK_ALLOW)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		p, err := g.webhookPolicy()
		if err != nil {
			return err
		}
		watch.DefaultPolicy = p
		return nil
	}
	root.PersistentFlags().StringVar(&g.db, "db", "", "database: a file path for the embedded store, or a postgres:// URL (default $TIES_DB, else a file in the user's data directory)")
	root.AddCommand(
		newLoadCmd(g),
		newListsCmd(g),
		newScreenCmd(g),
		newCompareCmd(),
		newEvalCmd(),
		newLinkCmd(g),
		newMergeCmd(g),
		newGenCmd(),
		newSplitCmd(g),
		newResolveCmd(g),
		newExposureCmd(g), newAssessCmd(g),
		newCheckCmd(g),
		newDemoCmd(g),
		newServeCmd(g), newTokenCmd(g), newAuditCmd(g),
		newExportCmd(g), newImportCmd(g), newMigrateCmd(g),
		newSyncCmd(g), newChangesCmd(g), newWatchCmd(g), newReviewCmd(g), newAlertsCmd(g),
		newVersionCmd(),
	)
	return root
}

// printJSON writes v as indented JSON, the --json output of the commands
// that print one document.
func printJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
