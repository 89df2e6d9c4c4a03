package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"ties/analysis"
	"ties/assess"
	"ties/report"
)

type assessFlags struct {
	matrix, proposal, roster string
	asOf, window, out        string
	asJSON, asHTML, asCSV    bool
}

func newAssessCmd(g *globalFlags) *cobra.Command {
	var af assessFlags
	cmd := &cobra.Command{
		Use:   "assess PERSON... | --proposal FILE | --roster FILE  [--matrix ID|FILE] [--as-of DATE] [--window 5y] [--json|--csv|--html] [--out FILE]",
		Short: "Assess researchers or a proposal's key personnel against a research-security decision matrix",
		Long: `assess reviews each PERSON (a graph id, orcid:ID, openalex:A... or an exact
name) against a decision matrix: talent-program participation, appointments,
funding, co-authored works and collaborations, and equipment, each tie
reaching an entity on the matrix's lists within its look-back window. Every
factor that fires is shown with its evidence path, dates and citation, and
the outcome (no action, suggested mitigation, required mitigation,
ineligible) with the factor that produced it.

--proposal FILE assesses the key personnel of a proposal (YAML: proposal,
title, submitted, key_personnel); the proposal gets the most severe outcome
of its people, reviewed as of its submission date unless --as-of is given.

--roster FILE assesses a department: a CSV with a header naming some of
name, orcid, openalex and department; each row is found by ORCID, then
OpenAlex id, then name. Rows not in the graph are listed, not fatal.
--csv prints one row per person and fired factor.

--matrix names a built-in matrix (` + strings.Join(assess.BuiltinIDs(), ", ") + `;
default ` + assess.DefaultMatrix + `) or a matrix file (docs/assess.md).
--window replaces every factor's look-back window (e.g. 5y, 18m).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			modes := 0
			for _, b := range []bool{len(args) > 0, af.proposal != "", af.roster != ""} {
				if b {
					modes++
				}
			}
			if modes != 1 {
				return errors.New("give PERSON..., --proposal FILE or --roster FILE (one of them)")
			}
			formats := 0
			for _, b := range []bool{af.asJSON, af.asHTML, af.asCSV} {
				if b {
					formats++
				}
			}
			if formats > 1 {
				return errors.New("give at most one of --json, --csv, --html")
			}
			mx, err := loadMatrix(af.matrix)
			if err != nil {
				return err
			}
			var window *assess.Window
			if af.window != "" {
				w, err := assess.ParseWindow(af.window)
				if err != nil {
					return fmt.Errorf("--window: %w", err)
				}
				window = &w
			}
			var prop *assess.Proposal
			if af.proposal != "" {
				f, err := os.Open(af.proposal)
				if err != nil {
					return err
				}
				prop, err = assess.ParseProposal(f, af.proposal)
				f.Close()
				if err != nil {
					return err
				}
			}
			var roster []assess.RosterRow
			if af.roster != "" {
				f, err := os.Open(af.roster)
				if err != nil {
					return err
				}
				roster, err = assess.ParseRoster(f, af.roster)
				f.Close()
				if err != nil {
					return err
				}
			}
			asOf, err := parseAsOf(af.asOf)
			if err != nil {
				return err
			}
			if af.asOf == "" && prop != nil && !prop.Submitted.IsZero() {
				asOf = prop.Submitted
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
			in := model.AssessInput(mx, asOf, window)
			out, closeOut, err := outputFile(cmd, af.out)
			if err != nil {
				return err
			}
			defer closeOut()
			now := time.Now().UTC()
			if prop != nil {
				pa, err := assess.AssessProposal(in, prop, model.FindPerson)
				if err != nil {
					return err
				}
				switch {
				case af.asJSON:
					return printJSON(out, pa)
				case af.asCSV:
					return writeAssessCSV(out, pa.People)
				case af.asHTML:
					return report.AssessHTML(out, pa.People, &pa, model.Versions, now)
				}
				printProposal(out, pa)
				return nil
			}
			var people []assess.PersonRole
			for _, ref := range args {
				id, err := model.FindPerson(ref)
				if err != nil {
					return err
				}
				people = append(people, assess.PersonRole{Assessment: assess.Person(in, id)})
			}
			if roster != nil {
				return assessRoster(out, af, in, model, roster, now)
			}
			switch {
			case af.asCSV:
				return writeAssessCSV(out, people)
			case af.asJSON:
				if len(people) == 1 {
					return printJSON(out, people[0].Assessment)
				}
				as := make([]assess.Assessment, len(people))
				for i, p := range people {
					as[i] = p.Assessment
				}
				return printJSON(out, as)
			case af.asHTML:
				return report.AssessHTML(out, people, nil, model.Versions, now)
			}
			for i, p := range people {
				if i > 0 {
					fmt.Fprintln(out)
				}
				printAssessment(out, p.Assessment)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&af.matrix, "matrix", assess.DefaultMatrix, "built-in matrix id or matrix file (YAML)")
	f.StringVar(&af.proposal, "proposal", "", "assess the key personnel of this proposal file (YAML)")
	f.StringVar(&af.roster, "roster", "", "assess every researcher of this CSV roster (name, orcid, openalex, department)")
	f.BoolVar(&af.asCSV, "csv", false, "print CSV: one row per person and fired factor")
	f.StringVar(&af.asOf, "as-of", "", "review date: the matrix edition, designations and look-back window of that day (YYYY[-MM[-DD]]; default today, or the proposal's submission date)")
	f.StringVar(&af.window, "window", "", "replace every factor's look-back window (e.g. 5y, 18m; 0: no limit)")
	f.BoolVar(&af.asJSON, "json", false, "print JSON")
	f.BoolVar(&af.asHTML, "html", false, "write a self-contained HTML report to file as evidence")
	f.StringVar(&af.out, "out", "", "write to this file instead of stdout")
	return cmd
}

// loadMatrix reads a built-in matrix by id, or a matrix file.
func loadMatrix(ref string) (*assess.Matrix, error) {
	if ref == "" {
		ref = assess.DefaultMatrix
	}
	if !strings.ContainsAny(ref, "/.") {
		return assess.Builtin(ref)
	}
	f, err := os.Open(ref)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return assess.ParseMatrix(f, ref)
}

func printAssessment(out io.Writer, a assess.Assessment) {
	fmt.Fprintf(out, "Assessment of %s (%s) as of %s\n", a.Name, a.Person, a.AsOf.String())
	for _, id := range a.Identifiers {
		fmt.Fprintf(out, "  %s:%s\n", id.Scheme, id.Value)
	}
	fmt.Fprintf(out, "Matrix: %s, version %s (%s, sha256 %.12s)\n", a.Matrix.ID, a.Matrix.Version, a.Matrix.File, a.Matrix.Hash)
	decided := ""
	if len(a.DecidedBy) > 0 {
		decided = " by " + strings.Join(a.DecidedBy, ", ")
	}
	fmt.Fprintf(out, "Outcome: %s%s\n", report.OutcomeText(a.Outcome), decided)
	fired := a.Fired()
	for i, r := range fired {
		fmt.Fprintf(out, "\n%d. %s — %s\n   %s\n   citation: %s (matrix line %d)\n", i+1, r.ID, report.OutcomeText(r.Outcome), r.Title, r.Citation, r.Line)
		window := "no look-back limit"
		if r.Window != "0" {
			window = "look-back " + r.Window + " (since " + r.From.String() + ")"
		}
		fmt.Fprintf(out, "   %s, timing %s, lists %s; %d tie(s)\n", window, r.Timing, strings.Join(r.Lists, ", "), r.Count)
		// Hits of one path to several lists print the path once.
		var order []string
		byPath := map[string][]assess.Hit{}
		for _, h := range r.Hits {
			var key strings.Builder
			for _, s := range h.Path {
				key.WriteString(string(s.Tie) + ">" + s.EntityID + "|")
			}
			p := key.String()
			if _, ok := byPath[p]; !ok {
				order = append(order, p)
			}
			byPath[p] = append(byPath[p], h)
		}
		for _, p := range order {
			hs := byPath[p]
			fmt.Fprintf(out, "   - %s\n", report.PathText(hs[0].Path))
			if w := hs[0].Work; w != nil {
				text := fmt.Sprintf("%q", w.Title)
				if w.DOI != "" {
					text += " doi:" + w.DOI
				}
				if w.Year != 0 {
					text += fmt.Sprintf(" (%d)", w.Year)
				}
				fmt.Fprintf(out, "     work: %s\n", text)
			}
			for _, h := range hs {
				when := ""
				switch {
				case h.AfterListing:
					when = "  ** AFTER LISTING **"
				case h.PossiblyAfterListing:
					when = "  (possibly after listing)"
				}
				fmt.Fprintf(out, "     listed: %s%s\n", report.DesignationText(h.Listed), when)
			}
			for _, s := range hs[0].Path {
				for _, e := range s.Evidence {
					fmt.Fprintf(out, "     evidence (%s): %s %s\n", s.Name, e.Title, e.Ref)
				}
			}
		}
	}
	var quiet []string
	for _, r := range a.Factors {
		if !r.Fired {
			quiet = append(quiet, r.ID)
		}
	}
	if len(quiet) > 0 {
		fmt.Fprintf(out, "\nFactors in force that did not fire: %s\n", strings.Join(quiet, ", "))
	}
	if a.Matrix.Note != "" {
		fmt.Fprintln(out, "matrix note:", a.Matrix.Note)
	}
	for _, n := range a.Notes {
		fmt.Fprintln(out, "note:", n)
	}
}

func printProposal(out io.Writer, pa assess.ProposalAssessment) {
	fmt.Fprintf(out, "Proposal %s", pa.Proposal.ID)
	if pa.Proposal.Title != "" {
		fmt.Fprintf(out, " %q", pa.Proposal.Title)
	}
	fmt.Fprintf(out, " as of %s: %s", pa.AsOf.String(), report.OutcomeText(pa.Outcome))
	if len(pa.DecidedBy) > 0 {
		fmt.Fprintf(out, " (%s)", strings.Join(pa.DecidedBy, "; "))
	}
	fmt.Fprintln(out)
	for _, p := range pa.People {
		fmt.Fprintf(out, "  %-24s %-12s %s\n", p.Assessment.Name, p.Role, report.OutcomeText(p.Assessment.Outcome))
	}
	for _, p := range pa.People {
		fmt.Fprintln(out)
		printAssessment(out, p.Assessment)
	}
}

// unresolvedRow is a roster row not found in the graph.
type unresolvedRow struct {
	Line  int    `json:"line"`
	Name  string `json:"name"`
	Error string `json:"error"`
}

func assessRoster(out io.Writer, af assessFlags, in assess.Input, model *analysis.Model, rows []assess.RosterRow, now time.Time) error {
	var bar *progressbar.ProgressBar
	if term.IsTerminal(int(os.Stderr.Fd())) {
		bar = progressbar.NewOptions(len(rows), progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("assessing"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	var people []assess.PersonRole
	var missing []unresolvedRow
	for _, r := range rows {
		id, err := "", errors.New("no identifier or name")
		for _, ref := range r.Refs() {
			if id, err = model.FindPerson(ref); err == nil {
				break
			}
		}
		if err != nil {
			missing = append(missing, unresolvedRow{Line: r.Line, Name: strings.Join(r.Refs(), " / "), Error: err.Error()})
		} else {
			people = append(people, assess.PersonRole{Role: r.Department, Assessment: assess.Person(in, id)})
		}
		if bar != nil {
			bar.Add(1) //nolint:errcheck // a progress bar that fails to draw is not an error
		}
	}
	switch {
	case af.asJSON:
		return printJSON(out, struct {
			People     []assess.PersonRole `json:"people"`
			Unresolved []unresolvedRow     `json:"unresolved"`
		}{people, append([]unresolvedRow{}, missing...)})
	case af.asCSV:
		return writeAssessCSV(out, people)
	case af.asHTML:
		return report.AssessHTML(out, people, nil, model.Versions, now)
	}
	fmt.Fprintf(out, "Roster %s: %d researcher(s) assessed as of %s, %d not in the graph\n", af.roster, len(people), in.AsOf, len(missing))
	for _, p := range people {
		fmt.Fprintf(out, "  %-32s %-16s %-22s %s\n", p.Assessment.Name, p.Role, report.OutcomeText(p.Assessment.Outcome), strings.Join(p.Assessment.DecidedBy, ", "))
	}
	for _, m := range missing {
		fmt.Fprintf(out, "  %s:%d: %s: %s\n", af.roster, m.Line, m.Name, m.Error)
	}
	for _, p := range people {
		if p.Assessment.Outcome != assess.NoAction {
			fmt.Fprintln(out)
			printAssessment(out, p.Assessment)
		}
	}
	return nil
}

func writeAssessCSV(out io.Writer, people []assess.PersonRole) error {
	w := csv.NewWriter(out)
	w.Write([]string{"person", "name", "role", "as_of", "matrix", "matrix_version", "outcome", "factor", "factor_outcome", "citation", "ties", "listed", "list", "listed_on", "after_listing", "example_path"}) //nolint:errcheck // Flush reports
	for _, p := range people {
		a := p.Assessment
		base := []string{a.Person, a.Name, p.Role, a.AsOf.String(), a.Matrix.ID, a.Matrix.Version.String(), a.Outcome.String()}
		fired := a.Fired()
		if len(fired) == 0 {
			w.Write(append(base, "", "", "", "0", "", "", "", "", "")) //nolint:errcheck // Flush reports
		}
		for _, r := range fired {
			h := r.Hits[0]
			w.Write(append(base, r.ID, r.Outcome.String(), r.Citation, strconv.Itoa(r.Count), h.Listed.Name, h.Listed.List, //nolint:errcheck // Flush reports
				h.Listed.ListedOn.String(), strconv.FormatBool(h.AfterListing), report.PathText(h.Path)))
		}
	}
	w.Flush()
	return w.Error()
}

// printAssessmentSummary prints a person's outcome and the first evidence
// path of each factor that fired, in a few lines.
func printAssessmentSummary(out io.Writer, a assess.Assessment) {
	fmt.Fprintf(out, "%s: %s", a.Name, report.OutcomeText(a.Outcome))
	if len(a.DecidedBy) > 0 {
		fmt.Fprintf(out, " by %s (%s, version %s)", strings.Join(a.DecidedBy, ", "), a.Matrix.ID, a.Matrix.Version)
	}
	fmt.Fprintln(out)
	for _, r := range a.Fired() {
		h := r.Hits[0]
		fmt.Fprintf(out, "  %s: %s\n    listed: %s\n", r.ID, report.PathText(h.Path), report.DesignationText(h.Listed))
	}
}
