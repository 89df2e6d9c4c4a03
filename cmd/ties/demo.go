package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"ties"
	"ties/analysis"
	"ties/assess"
	"ties/examples"
	"ties/ingest"
	"ties/match"
)

// demoServe starts the server after the demo when one is built in; nil
// until then.
var demoServe func(cmd *cobra.Command, g *globalFlags, addr string) error

func newDemoCmd(g *globalFlags) *cobra.Command {
	var noServe bool
	var addr string
	cmd := &cobra.Command{
		Use:   "demo [--db PATH] [--no-serve]",
		Short: "Load the Microsoft / CAS reference case (embedded) and show what ties finds",
		Long: `demo loads the reference case (examples/microsoft-cas.ties, embedded in the
binary, with the list rows it needs) into the store, links the graph to
the lists, and shows a screening, Microsoft's exposure (enacted and under
the H.R.1516 scenario) and the DoD cloud support policy check. Unless
--no-serve is given it then serves the web page and API on --addr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			res, err := ingest.LoadNative(ctx, st, examples.MicrosoftCASName, examples.MicrosoftCAS,
				ingest.Options{Origin: "embedded in the ties binary: examples/" + examples.MicrosoftCASName})
			if err != nil {
				st.Close()
				return err
			}
			printResult(out, res)
			if err := proposeLinks(ctx, st); err != nil {
				st.Close()
				return err
			}
			err = demoReport(cmd, st, out)
			st.Close()
			if err != nil {
				return err
			}
			if noServe {
				return nil
			}
			if demoServe == nil {
				fmt.Fprintln(out, "\n(no server in this build; run with --no-serve)")
				return nil
			}
			return demoServe(cmd, g, addr)
		},
	}
	cmd.Flags().BoolVar(&noServe, "no-serve", false, "load and report, then exit without serving")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to serve on after loading")
	return cmd
}

func demoReport(cmd *cobra.Command, st ties.Store, out io.Writer) error {
	ctx := cmd.Context()
	ix, _, err := buildIndex(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\n### Screening")
	for _, name := range []string{"ICT CAS", "中国科学院计算技术研究所", "Guodong Liu"} {
		printMatches(out, name, ix.Search(match.Query{Text: name, Limit: 3}))
	}
	model, err := analysis.Build(ctx, st, analysis.Options{})
	if err != nil {
		return err
	}
	asOf, _ := parseAsOf("")
	rep, err := model.Exposure(analysis.Query{Org: "msft", AsOf: asOf, Scenarios: []string{"HR1516"}})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\n### Exposure (ties exposure msft --scenario HR1516)")
	printExposure(out, rep)
	fmt.Fprintln(out, "\n### Research-security review (ties assess miao-houshan saeed-maleki)")
	mx, err := assess.Builtin(assess.DefaultMatrix)
	if err != nil {
		return err
	}
	for _, p := range []string{"miao-houshan", "saeed-maleki"} {
		printAssessmentSummary(out, assess.Person(model.AssessInput(mx, asOf, nil), p))
	}
	fmt.Fprintln(out, "\n### Policy check (ties check examples/microsoft-cas.ties)")
	vs, err := checkPolicies(model, examples.MicrosoftCASName, examples.MicrosoftCAS, ties.Date{})
	if err != nil {
		return err
	}
	return printViolations(out, vs, false)
}
