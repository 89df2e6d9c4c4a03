package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"ties"
	"ties/match"
	"ties/roster"
	"ties/screening"
	"ties/sources"
)

type screenFlags struct {
	asJSON        bool
	threshold     float64
	limit         int
	lists         []string
	kind          string
	onlyCountries []string
	file          string
	columns       roster.Columns
	out           string
	// Attributes of the screened party, weighed as evidence.
	dob       string
	countries []string
	ids       []string
}

func newScreenCmd(g *globalFlags) *cobra.Command {
	var sf screenFlags
	cmd := &cobra.Command{
		Use:   "screen [--json] [--threshold T] [--limit N] [--list L] [--kind K] [--dob D] [--country C] [--id ID] NAME... | --file FILE",
		Short: "Screen names against the lists in force and explain each match",
		Long: `screen scores names against every list in force and explains each match:
which name of which entity matched, how the words aligned, what lowered the
score, and which list version it came from.

--dob, --country and --id describe the party screened (not filters): a
birth date, country or identifier that agrees with the listed entity's
raises the score, one that conflicts lowers it (a birth year two or more
years off rules a person out), and the explanation says which. In a CSV
roster they come from the columns dob, country and identifier (or
date_of_birth, nationality, passport; --dob-column, --country-column,
--identifier-column name others).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if sf.file == "" && len(args) == 0 {
				return errors.New("give names to screen, or --file FILE")
			}
			q, err := sf.query()
			if err != nil {
				return err
			}
			for i, name := range args {
				if err := ties.CheckName(name); err != nil {
					return usagef("name %d: %v", i+1, err)
				}
			}
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			ix, versions, filters, err := buildIndexFilters(cmd.Context(), st)
			if err != nil {
				return err
			}
			if len(versions) == 0 {
				return errors.New("no lists loaded: run `ties load FILE` (or `ties demo`) first")
			}
			if _, err := filters.Check(q.Lists, q.Countries, sf.kind); err != nil {
				var fe *ties.FilterError
				if errors.As(err, &fe) {
					flag := map[string]string{"country": "only-country"}[fe.Field]
					if flag == "" {
						flag = fe.Field
					}
					return usagef("--%s: %v", flag, err)
				}
				return err
			}
			// Every screening is appended to the audit trail, with the
			// list versions it ran against.
			audit := newScreenAudit(cmd.Context(), st, versions)
			if sf.file != "" {
				ids := make([]int64, len(versions))
				for i, v := range versions {
					ids[i] = v.ID
				}
				if err := screenBatch(cmd, ix, q, sf, audit, ids); err != nil {
					return err
				}
				return audit.flush()
			}
			out := cmd.OutOrStdout()
			for _, name := range args {
				q.Text = name
				ms := ix.Search(q)
				if err := audit.add(name, ms); err != nil {
					return err
				}
				if sf.asJSON {
					if err := json.NewEncoder(out).Encode(screenResult{Query: name, Matches: toJSONMatches(ms)}); err != nil {
						return err
					}
					continue
				}
				printMatches(out, name, ms)
			}
			return audit.flush()
		},
	}
	f := cmd.Flags()
	f.BoolVar(&sf.asJSON, "json", false, "print one JSON object per query, one per line")
	f.Float64Var(&sf.threshold, "threshold", match.DefaultThreshold, "lowest score that counts as a match, 0..1")
	f.IntVar(&sf.limit, "limit", 10, "most matches per query")
	f.StringSliceVar(&sf.lists, "list", nil, "only these lists (ids such as EL, SDN, UN); repeatable")
	f.StringVar(&sf.kind, "kind", "", "only entities of this kind: person or organization")
	f.StringSliceVar(&sf.onlyCountries, "only-country", nil, "only entities tied to these countries (ISO codes): a filter")
	f.StringVar(&sf.dob, "dob", "", "the party's date of birth: YYYY, YYYY-MM or YYYY-MM-DD (evidence, not a filter)")
	f.StringSliceVar(&sf.countries, "country", nil, "the party's nationality or country, a name or ISO code (evidence, not a filter)")
	f.StringSliceVar(&sf.ids, "id", nil, "the party's identifier: passport, national id, IMO, registration number (evidence)")
	f.StringVar(&sf.file, "file", "", "screen every name of a roster: .csv or .xlsx with a header row, or .txt with one name a line")
	f.StringVar(&sf.columns.Key, "id-column", "", "roster column holding each row's own id, copied to the results as \"id\"")
	f.StringVar(&sf.columns.Sheet, "sheet", "", "sheet of an .xlsx roster (default: the first)")
	f.StringVar(&sf.columns.Name, "column", "", "CSV column holding the names (default: name, else the first)")
	f.StringVar(&sf.columns.BirthDate, "dob-column", "", "CSV column holding dates of birth (default: dob, date_of_birth, birth_date)")
	f.StringVar(&sf.columns.Country, "country-column", "", "CSV column holding countries (default: country, nationality, citizenship)")
	f.StringVar(&sf.columns.Identifier, "identifier-column", "", "CSV column holding identifiers (default: identifier, passport, id_number, national_id)")
	f.StringVar(&sf.out, "out", "", "write batch results to a .csv, .xlsx or .jsonl file, with the roster's columns and the list versions (default: JSON lines on stdout)")
	return cmd
}

func (sf *screenFlags) query() (match.Query, error) {
	q := match.Query{Threshold: sf.threshold, Limit: sf.limit, Lists: sf.lists, Countries: sf.onlyCountries}
	if sf.threshold < 0 || sf.threshold > 1 {
		return q, fmt.Errorf("--threshold %v: want a score between 0 and 1", sf.threshold)
	}
	attrs, err := match.ParseAttributes(sf.dob, sf.countries, sf.ids, sources.CountryCode)
	if err != nil {
		return q, fmt.Errorf("--%w", err)
	}
	if !attrs.IsZero() && sf.file != "" {
		return q, errors.New("--dob, --country and --id describe one party; in a batch they come from the file's columns")
	}
	q.Attributes = attrs
	if sf.kind != "" {
		k, err := ties.Filters{}.Check(nil, nil, sf.kind) // kinds do not depend on the lists
		if err != nil {
			return q, usagef("--kind: %v", err)
		}
		q.Kind = k
	}
	return q, nil
}

// screenResult is the --json contract (match.ResultJSON): other tools rely
// on its field names.
type screenResult = match.ResultJSON

func toJSONMatches(ms []match.Match) []match.MatchJSON { return match.ToJSON(ms) }

func printMatches(out io.Writer, query string, ms []match.Match) {
	if len(ms) == 0 {
		fmt.Fprintf(out, "%s: no match\n", query)
		return
	}
	fmt.Fprintf(out, "%s: %d match(es)\n", query, len(ms))
	for i, m := range ms {
		listed := "date not given"
		if !m.ListedOn.IsZero() {
			listed = "listed " + m.ListedOn.String()
			if !m.ListedOn.Plausible() {
				listed += " (an impossible date in the source: not used)"
			}
		}
		if m.Authority != "" {
			listed += " under " + m.Authority
		}
		fmt.Fprintf(out, "  %d. %.3f  %s  [%s %s, %s; %s version %d]\n", i+1, m.Score, m.Name, m.ListID, m.SourceID, listed, m.Dataset, m.VersionID)
		if others := match.OtherLists(m); others != "" {
			fmt.Fprintf(out, "     also on: %s\n", others)
		}
		fmt.Fprintf(out, "     %s\n", m.Explanation)
	}
}

// screenBatch screens every name of a roster on all cores and writes the
// results in input order as they complete, with the roster's own columns
// and the list versions screened against.
func screenBatch(cmd *cobra.Command, ix *match.Index, q match.Query, sf screenFlags, audit *screenAudit, versions []int64) error {
	r, err := roster.Read(sf.file, sf.columns, sources.CountryCode)
	if err != nil {
		return err
	}
	for _, row := range r.Rows {
		if err := ties.CheckName(row.Name); err != nil {
			return fmt.Errorf("%s:%d: name %w", sf.file, row.Line, err)
		}
	}
	var out io.Writer = cmd.OutOrStdout()
	format := "jsonl"
	if sf.out != "" {
		f, err := os.Create(sf.out)
		if err != nil {
			return err
		}
		defer f.Close()
		bw := bufio.NewWriter(f)
		defer bw.Flush()
		out, format = bw, roster.Format(sf.out)
	}
	w, err := roster.NewWriter(out, format, r.Header, versions)
	if err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	if term.IsTerminal(int(os.Stderr.Fd())) {
		bar = progressbar.NewOptions(len(r.Rows), progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("screening"), progressbar.OptionShowCount(),
			progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
	}
	err = screening.Batch(cmd.Context(), ix, len(r.Rows), func(i int) match.Query {
		qq := q
		qq.Text, qq.Attributes = r.Rows[i].Name, r.Rows[i].Attributes
		return qq
	}, func(i int, ms []match.Match) error {
		if err := w.Write(r.Rows[i], ms); err != nil {
			return err
		}
		if err := audit.add(r.Rows[i].Name, ms); err != nil {
			return err
		}
		if bar != nil {
			bar.Add(1) //nolint:errcheck // a progress bar that fails to draw is not an error
		}
		return nil
	})
	if err != nil {
		return err
	}
	return w.Close()
}
