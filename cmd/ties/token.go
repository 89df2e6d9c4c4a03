package main

import (
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"ties"
)

func newTokenCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke API tokens for `ties serve`",
		Long: `API tokens carry a role: viewer (read and screen), analyst (also confirm
or reject links and record review decisions) or admin (also load lists and
manage tokens). A token is shown once, when created; the store keeps only
its SHA-256 hash. A revoked token stops working on its next request.`,
	}
	cmd.AddCommand(newTokenCreateCmd(g), newTokenListCmd(g), newTokenRevokeCmd(g))
	return cmd
}

func tokenStore(g *globalFlags) (ties.TokenStore, func() error, error) {
	st, err := g.openStore()
	if err != nil {
		return nil, nil, err
	}
	ts, ok := st.(ties.TokenStore)
	if !ok {
		st.Close()
		return nil, nil, errors.New("this store keeps no tokens")
	}
	return ts, st.Close, nil
}

func newTokenCreateCmd(g *globalFlags) *cobra.Command {
	var role, name string
	cmd := &cobra.Command{
		Use:   "create --role viewer|analyst|admin [--name NAME]",
		Short: "Create a token and print it (once)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := ties.ParseRole(role)
			if err != nil {
				return fmt.Errorf("--role: %w", err)
			}
			ts, closeStore, err := tokenStore(g)
			if err != nil {
				return err
			}
			defer closeStore()
			secret, hash, err := ties.NewTokenSecret()
			if err != nil {
				return err
			}
			t, err := ts.CreateToken(cmd.Context(), name, r, hash)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "token %d (%s, %s) created; it is shown only now:\n", t.ID, t.Role, tokenLabel(t.Name))
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "viewer, analyst or admin")
	cmd.Flags().StringVar(&name, "name", "", "what the token is for (recorded in the audit trail)")
	cmd.MarkFlagRequired("role") //nolint:errcheck // the flag exists
	return cmd
}

func newTokenListCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ts, closeStore, err := tokenStore(g)
			if err != nil {
				return err
			}
			defer closeStore()
			tokens, err := ts.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if tokens == nil {
					tokens = []ties.Token{}
				}
				return printJSON(out, tokens)
			}
			if len(tokens) == 0 {
				fmt.Fprintln(out, "no tokens; create one with: ties token create --role viewer")
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tROLE\tNAME\tCREATED\tREVOKED")
			for _, t := range tokens {
				revoked := ""
				if t.Revoked() {
					revoked = t.RevokedAt.Format("2006-01-02 15:04:05Z")
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Role, tokenLabel(t.Name), t.CreatedAt.Format("2006-01-02 15:04:05Z"), revoked)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newTokenRevokeCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return fmt.Errorf("token id %q: want the number `ties token list` shows", args[0])
			}
			ts, closeStore, err := tokenStore(g)
			if err != nil {
				return err
			}
			defer closeStore()
			if err := ts.RevokeToken(cmd.Context(), id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token %d revoked\n", id)
			return nil
		},
	}
}

// tokenLabel is how a token's name is shown: "unnamed" when none was given.
func tokenLabel(name string) string {
	if name == "" {
		return "unnamed"
	}
	return name
}
