package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"ties"
	"ties/analysis"
	"ties/exposure"
	"ties/sources/native"
)

func newCheckCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	var asOfFlag string
	cmd := &cobra.Command{
		Use:   "check POLICY-FILE",
		Short: "Check personnel and contract policies, with the evidence of each violation",
		Long: `check evaluates the policies of a native .ties file (its "rule ... status
policy" lines, e.g. "no personnel located in a country of concern supports
a contract whose customer is the DoD", "an escort is at least as qualified
as the person escorted") against the graph in the store together with the
file's own entities, ties, personnel facts and access log. It exits with
status 3 when it finds a violation.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var asOf ties.Date // zero: every date
			if asOfFlag != "" {
				var err error
				if asOf, err = parseAsOf(asOfFlag); err != nil {
					return err
				}
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			model, err := analysis.Build(cmd.Context(), st, analysis.Options{})
			if err != nil {
				return err
			}
			violations, err := checkPolicies(model, args[0], data, asOf)
			if err != nil {
				return err
			}
			if err := printViolations(cmd.OutOrStdout(), violations, asJSON); err != nil {
				return err
			}
			if len(violations) > 0 {
				return exitCode(3)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&asOfFlag, "as-of", "", "only ties and access begun by this date (default: all dates)")
	return cmd
}

func checkPolicies(model *analysis.Model, file string, data []byte, asOf ties.Date) ([]exposure.Violation, error) {
	doc, err := native.Parse(bytes.NewReader(data), file)
	if err != nil {
		return nil, err
	}
	policies, facts, err := analysis.Policies(doc, file)
	if err != nil {
		return nil, err
	}
	if len(policies) == 0 {
		return nil, errors.New(file + `: no policies (want lines like "rule NAME status policy kind personnel_location customer dod")`)
	}
	return exposure.CheckPolicies(model.GraphWith(doc.Graph), facts, policies, asOf), nil
}

func printViolations(out io.Writer, vs []exposure.Violation, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if vs == nil {
			vs = []exposure.Violation{}
		}
		return enc.Encode(map[string]any{"violations": vs})
	}
	if len(vs) == 0 {
		fmt.Fprintln(out, "no policy violations")
		return nil
	}
	fmt.Fprintf(out, "%d policy violation(s)\n", len(vs))
	for i, v := range vs {
		fmt.Fprintf(out, "\n%d. [%s] %s\n", i+1, v.Policy, v.Message)
		for _, t := range v.Ties {
			fmt.Fprintf(out, "   tie: %s %s %s", t.From, t.Kind, t.To)
			if !t.Start.IsZero() || !t.End.IsZero() {
				fmt.Fprintf(out, " (%s – %s)", t.Start, t.End)
			}
			if t.Source != "" {
				fmt.Fprintf(out, "  [%s]", t.Source)
			}
			fmt.Fprintln(out)
		}
		for _, s := range v.Sources {
			fmt.Fprintf(out, "   source: %s\n", s)
		}
	}
	return nil
}
