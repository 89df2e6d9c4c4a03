package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"ties"
	"ties/match"
)

type screenFlags struct {
	asJSON    bool
	threshold float64
	limit     int
	lists     []string
	kind      string
	countries []string
	file      string
	column    string
	out       string
}

func newScreenCmd(g *globalFlags) *cobra.Command {
	var sf screenFlags
	cmd := &cobra.Command{
		Use:   "screen [--json] [--threshold T] [--limit N] [--list L] [--kind K] NAME... | --file FILE",
		Short: "Screen names against the lists in force and explain each match",
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
					return usagef("--%s: %v", fe.Field, err)
				}
				return err
			}
			// Every screening is appended to the audit trail, with the
			// list versions it ran against.
			audit := newScreenAudit(cmd.Context(), st, versions)
			if sf.file != "" {
				if err := screenBatch(cmd, ix, q, sf, audit); err != nil {
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
	f.StringSliceVar(&sf.countries, "country", nil, "only entities tied to these countries (ISO codes)")
	f.StringVar(&sf.file, "file", "", "screen every name in a .txt (one a line) or .csv file")
	f.StringVar(&sf.column, "column", "", "CSV column holding the names (default: name, else the first)")
	f.StringVar(&sf.out, "out", "", "write batch results to a .csv or .jsonl file (default: JSON lines on stdout)")
	return cmd
}

func (sf *screenFlags) query() (match.Query, error) {
	q := match.Query{Threshold: sf.threshold, Limit: sf.limit, Lists: sf.lists, Countries: sf.countries}
	if sf.threshold < 0 || sf.threshold > 1 {
		return q, fmt.Errorf("--threshold %v: want a score between 0 and 1", sf.threshold)
	}
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
		}
		if m.Authority != "" {
			listed += " under " + m.Authority
		}
		fmt.Fprintf(out, "  %d. %.3f  %s  [%s %s, %s; %s version %d]\n", i+1, m.Score, m.Name, m.ListID, m.SourceID, listed, m.Dataset, m.VersionID)
		fmt.Fprintf(out, "     %s\n", m.Explanation)
	}
}

// screenBatch screens every name of a file on all cores and writes the
// results in input order as they complete.
func screenBatch(cmd *cobra.Command, ix *match.Index, q match.Query, sf screenFlags, audit *screenAudit) error {
	queries, err := readBatch(sf.file, sf.column)
	if err != nil {
		return err
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
		out = bw
		if strings.EqualFold(filepath.Ext(sf.out), ".csv") {
			format = "csv"
		}
	}
	w := newResultWriter(out, format)

	var bar *progressbar.ProgressBar
	if term.IsTerminal(int(os.Stderr.Fd())) {
		bar = progressbar.NewOptions(len(queries), progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("screening"), progressbar.OptionShowCount(),
			progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
	}

	results := make([][]match.Match, len(queries))
	done := make([]bool, len(queries))
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				qq := q
				qq.Text = queries[i]
				ms := ix.Search(qq)
				mu.Lock()
				results[i], done[i] = ms, true
				cond.Signal()
				mu.Unlock()
			}
		}()
	}
	go func() {
		for i := range queries {
			jobs <- i
		}
		close(jobs)
	}()
	var werr error
	for i := range queries {
		mu.Lock()
		for !done[i] {
			cond.Wait()
		}
		ms := results[i]
		results[i] = nil
		mu.Unlock()
		if werr == nil {
			werr = w.write(queries[i], ms)
		}
		if werr == nil {
			werr = audit.add(queries[i], ms)
		}
		if bar != nil {
			bar.Add(1) //nolint:errcheck // a progress bar that fails to draw is not an error
		}
	}
	wg.Wait()
	if werr == nil {
		werr = w.flush()
	}
	return werr
}

type resultWriter struct {
	format string
	enc    *json.Encoder
	csv    *csv.Writer
}

func newResultWriter(out io.Writer, format string) *resultWriter {
	w := &resultWriter{format: format}
	if format == "csv" {
		w.csv = csv.NewWriter(out)
		w.csv.Write([]string{"query", "rank", "score", "entity_id", "name", "matched_name", "list", "source_id", "listed_on", "authority", "explanation"}) //nolint:errcheck // surfaced by Flush
	} else {
		w.enc = json.NewEncoder(out)
	}
	return w
}

func (w *resultWriter) write(query string, ms []match.Match) error {
	if w.csv == nil {
		return w.enc.Encode(screenResult{Query: query, Matches: toJSONMatches(ms)})
	}
	if len(ms) == 0 {
		return w.csv.Write([]string{query, "0", "", "", "", "", "", "", "", "", "no match"})
	}
	for i, m := range ms {
		if err := w.csv.Write([]string{query, strconv.Itoa(i + 1), strconv.FormatFloat(m.Score, 'f', 3, 64), m.EntityID, m.Name,
			m.MatchedName, m.ListID, m.SourceID, m.ListedOn.String(), m.Authority, m.Explanation}); err != nil {
			return err
		}
	}
	return nil
}

func (w *resultWriter) flush() error {
	if w.csv != nil {
		w.csv.Flush()
		return w.csv.Error()
	}
	return nil
}

// readBatch reads the names to screen: a .csv file by column (header
// row first), anything else one name a line. Blank lines are skipped.
func readBatch(path, column string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !strings.EqualFold(filepath.Ext(path), ".csv") {
		if column != "" {
			return nil, fmt.Errorf("--column applies to .csv files, not %s", path)
		}
		var names []string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for line := 1; sc.Scan(); line++ {
			s := strings.TrimSpace(sc.Text())
			if err := ties.CheckName(s); err != nil {
				return nil, fmt.Errorf("%s:%d: name %w", path, line, err)
			}
			if s != "" {
				names = append(names, s)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return names, nil
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = 0
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:1: %w", path, err)
	}
	col := -1
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if (column != "" && strings.EqualFold(h, column)) || (column == "" && (strings.EqualFold(h, "name") || strings.EqualFold(h, "full_name"))) {
			col = i
			break
		}
	}
	if col < 0 {
		if column != "" {
			return nil, fmt.Errorf("%s:1: no column %q in header %q", path, column, strings.Join(header, ","))
		}
		col = 0
	}
	var names []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		s := strings.TrimSpace(rec[col])
		if err := ties.CheckName(s); err != nil {
			line, _ := r.FieldPos(col)
			return nil, fmt.Errorf("%s:%d: name %w", path, line, err)
		}
		if s != "" {
			names = append(names, s)
		}
	}
}
