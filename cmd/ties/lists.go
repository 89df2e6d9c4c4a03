package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newListsCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "lists",
		Short: "Show the list versions stored, and which are in force",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			versions, err := st.Versions(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, versions)
			}
			if len(versions) == 0 {
				fmt.Fprintln(out, "no lists loaded; try: ties load FILE")
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tDATASET\tFORMAT\tROWS\tIN FORCE\tLOADED\tDATA DATE\tSHA256\tORIGIN")
			for _, v := range versions {
				inForce := ""
				if v.InForce {
					inForce = "yes"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Dataset, v.Format, v.Rows, inForce,
					v.LoadedAt.Format("2006-01-02 15:04:05Z"), v.DataDate, short(v.Hash), v.Origin)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
