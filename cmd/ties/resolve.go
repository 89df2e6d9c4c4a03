package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"ties"
	"ties/resolve"
)

// resolveResult is the --json contract of `ties resolve`.
type resolveResult struct {
	Query      string              `json:"query"`
	Candidates []resolve.Candidate `json:"candidates"`
}

func newResolveCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "resolve [--json] [--limit N] TEXT",
		Short: "Resolve an affiliation string to graph organizations (with ROR ids), most specific first",
		Long: `Resolve cleans an affiliation such as "Institute of Computing Technology,
CAS, Beijing 100190, China" (postal codes, e-mail addresses, cities and
countries are dropped; abbreviations the graph knows are expanded), tries
each comma-separated segment and each pair of adjacent segments against the
organizations of the graph, and lists the organizations found, the most
specific first.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit <= 0 {
				return fmt.Errorf("--limit %d: want a positive number", limit)
			}
			text := strings.Join(args, " ")
			if err := ties.CheckName(text); err != nil {
				return usagef("affiliation text: %v", err)
			}
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			r, n, err := buildResolver(cmd.Context(), st)
			if err != nil {
				return err
			}
			if n == 0 {
				return errors.New("no graph organizations loaded: run `ties load` on a ROR, ASPI or .ties file first")
			}
			cands := r.Resolve(text, limit)
			out := cmd.OutOrStdout()
			if asJSON {
				if cands == nil {
					cands = []resolve.Candidate{}
				}
				return json.NewEncoder(out).Encode(resolveResult{Query: text, Candidates: cands})
			}
			if len(cands) == 0 {
				fmt.Fprintf(out, "%s: no organization found\n", text)
				return nil
			}
			fmt.Fprintf(out, "%s:\n", text)
			for _, c := range cands {
				ror := c.ROR
				if ror == "" {
					ror = "-"
				}
				fmt.Fprintf(out, "  %.2f  %-10s %s (%s)\n", c.Score, ror, c.Name, c.ID)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"query", "candidates": [{"id","ror","name","score"}]}`)
	cmd.Flags().IntVar(&limit, "limit", 5, "most candidates")
	return cmd
}

// buildResolver indexes the graph organizations of st, with its ties and
// links; n is the number of organizations.
func buildResolver(ctx context.Context, st ties.Store) (*resolve.Resolver, int, error) {
	var graph []ties.Entity
	n := 0
	for e, err := range st.GraphEntities(ctx) {
		if err != nil {
			return nil, 0, err
		}
		if e.Kind == ties.KindOrganization {
			graph = append(graph, e)
			n++
		}
	}
	var graphTies []ties.Tie
	for t, err := range st.Ties(ctx) {
		if err != nil {
			return nil, 0, err
		}
		if t.Kind.Hierarchical() {
			graphTies = append(graphTies, t)
		}
	}
	links, err := st.Links(ctx)
	if err != nil {
		return nil, 0, err
	}
	// Same-as links may not be stored yet (no `link propose` since the
	// load): compute them too, keeping the stored ones (and their
	// rejections) first.
	stored := map[[2]string]bool{}
	for _, l := range links {
		stored[[2]string{l.GraphID, l.TargetID}] = true
	}
	for _, l := range resolve.SameAs(graph) {
		if !stored[[2]string{l.GraphID, l.TargetID}] {
			links = append(links, l)
		}
	}
	return resolve.NewResolver(graph, graphTies, links), n, nil
}
