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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		fmt.Fprintln(os.Stderr, "ties:", err)
		os.Exit(1)
	}
}

// exitCode ends the program with a status and no further message (the
// command already said what went wrong).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

type globalFlags struct {
	db string
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
	root.PersistentFlags().StringVar(&g.db, "db", "", "database: a file path for the embedded store, or a postgres:// URL (default $TIES_DB, else a file in the user's data directory)")
	root.AddCommand(
		newLoadCmd(g),
		newListsCmd(g),
		newScreenCmd(g),
		newCompareCmd(),
		newEvalCmd(),
		newLinkCmd(g),
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
