// Package assess reviews researchers and proposals against a decision
// matrix: which of a person's dated ties (talent programs, appointments,
// funding, co-authored works, equipment) reach entities on which lists,
// within which look-back window and relative to which key dates, and what
// outcome each factor gives. Matrices are data (docs/assess.md); the
// package is pure: it reads the matrix from the reader it is given and
// evaluates over an exposure.Graph and the designations handed to it.
package assess

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"ties"
)

// Outcome is what a factor (or a whole review) calls for, from no action
// to ineligible; a larger value is more severe.
type Outcome int

const (
	NoAction Outcome = iota
	SuggestedMitigation
	RequiredMitigation
	Ineligible
)

var outcomeNames = []string{"no_action", "suggested_mitigation", "required_mitigation", "ineligible"}

func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeNames) {
		return "outcome(" + strconv.Itoa(int(o)) + ")"
	}
	return outcomeNames[o]
}

// ParseOutcome reads an outcome name (no_action, suggested_mitigation,
// required_mitigation, ineligible; blanks or dashes for underscores).
func ParseOutcome(s string) (Outcome, error) {
	k := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	for i, n := range outcomeNames {
		if k == n {
			return Outcome(i), nil
		}
	}
	return 0, fmt.Errorf("unknown outcome %q (want %s)", s, strings.Join(outcomeNames, ", "))
}

func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

func (o *Outcome) UnmarshalText(b []byte) error {
	v, err := ParseOutcome(string(b))
	*o = v
	return err
}

// Window is a look-back period in whole months (0: no limit).
type Window struct{ Months int }

// ParseWindow reads "5y", "18m" or "0" (no limit).
func ParseWindow(s string) (Window, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return Window{}, nil
	}
	if len(s) < 2 {
		return Window{}, fmt.Errorf("window %q: want a number of years or months, e.g. 5y or 18m", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || n > 100*12 {
		return Window{}, fmt.Errorf("window %q: want a positive number of years or months, e.g. 5y or 18m", s)
	}
	switch s[len(s)-1] {
	case 'y', 'Y':
		if n > 100 {
			return Window{}, fmt.Errorf("window %q: at most 100 years", s)
		}
		return Window{Months: 12 * n}, nil
	case 'm', 'M':
		return Window{Months: n}, nil
	}
	return Window{}, fmt.Errorf("window %q: want a number followed by y (years) or m (months)", s)
}

func (w Window) String() string {
	switch {
	case w.Months == 0:
		return "0"
	case w.Months%12 == 0:
		return strconv.Itoa(w.Months/12) + "y"
	}
	return strconv.Itoa(w.Months) + "m"
}

// Start is the first day of the window that ends on asOf: asOf minus the
// window, same day of month (clamped). Zero when the window is unlimited
// or asOf is zero.
func (w Window) Start(asOf ties.Date) ties.Date {
	if w.Months == 0 || asOf.IsZero() {
		return ties.Date{}
	}
	d := asOf.Last()
	m := d.Year*12 + (d.Month - 1) - w.Months
	y, mo := m/12, m%12+1
	if y < 1 {
		return ties.Date{}
	}
	day := min(d.Day, daysIn(y, mo))
	return ties.Date{Year: y, Month: mo, Day: day}
}

func daysIn(y, m int) int {
	return ties.Date{Year: y, Month: m}.Last().Day
}

// Factor kinds: which part of a person's record a factor reads.
const (
	FactorProgram     = "program"     // participant_in
	FactorAppointment = "appointment" // employed_by, affiliated_with, visited, student_at, hosted⁻¹
	FactorFunding     = "funding"     // funded_by, funded⁻¹
	FactorCoauthor    = "coauthorship"
	FactorCollaborate = "collaboration" // mentoring, hosting, co-authoring with people of listed entities
	FactorEquipment   = "equipment"     // uses_equipment_from
)

// kindTies are the ties each factor kind reads by default: from the person
// (out) and into the person (in).
var kindTies = map[string]struct{ out, in []ties.TieKind }{
	FactorProgram:     {out: []ties.TieKind{ties.TieParticipantIn}},
	FactorAppointment: {out: []ties.TieKind{ties.TieEmployedBy, ties.TieAffiliatedWith, ties.TieVisited, ties.TieStudentAt, ties.TieAdvisorySeat}, in: []ties.TieKind{ties.TieHosted}},
	FactorFunding:     {out: []ties.TieKind{ties.TieFundedBy}, in: []ties.TieKind{ties.TieFunded}},
	FactorCoauthor:    {out: []ties.TieKind{ties.TieCoauthored}},
	FactorCollaborate: {out: []ties.TieKind{ties.TieMentored, ties.TieCoauthored, ties.TieHosted, ties.TieVisited}, in: []ties.TieKind{ties.TieMentored, ties.TieHosted}},
	FactorEquipment:   {out: []ties.TieKind{ties.TieUsesEquipment}},
}

// Timing says when, relative to the review date and the listing, a tie
// counts.
const (
	TimingAny       = "any"           // any time (within the window)
	TimingCurrent   = "current"       // active on the review date
	TimingAfterList = "after_listing" // active on or after the listing date
)

// Factor is one row of a matrix: ties of some kinds, from the person to
// entities on some lists, within a window and timing, give an outcome.
type Factor struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Citation  string         `json:"citation"`
	Kind      string         `json:"kind"`
	Out       []ties.TieKind `json:"ties,omitempty"`
	In        []ties.TieKind `json:"reverse_ties,omitempty"`
	Lists     []string       `json:"lists"`
	Window    Window         `json:"-"`
	Timing    string         `json:"timing"`
	After     ties.Date      `json:"after,omitzero"`      // the tie must be active after this key date
	Effective ties.Date      `json:"effective"`           // reviews on or after this day
	Until     ties.Date      `json:"until,omitzero"`      // reviews before this day (superseded)
	MinCount  int            `json:"min_count,omitempty"` // fires with at least this many ties (default 1)
	Outcome   Outcome        `json:"outcome"`
	Line      int            `json:"line"`
}

// AppliesOn reports whether the factor is part of the matrix in force on
// day d (a zero d: every factor).
func (f *Factor) AppliesOn(d ties.Date) bool {
	if d.IsZero() {
		return true
	}
	if !f.Effective.IsZero() && d.Last().Before(f.Effective.First()) {
		return false
	}
	return f.Until.IsZero() || d.Last().Before(f.Until.First())
}

// Matrix is a decision matrix: its source, its factors and how their
// outcomes combine (the most severe wins).
type Matrix struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Issuer  string    `json:"issuer"`
	Version ties.Date `json:"version"`
	URL     string    `json:"url,omitempty"`
	Note    string    `json:"note,omitempty"`
	File    string    `json:"file"`
	Hash    string    `json:"sha256"`
	Factors []Factor  `json:"factors"`
}

// Lists are the list ids a matrix may name: the ids the list parsers give
// their designations (sources/uscn, sources/csl, sources/ofac).
var Lists = []string{"1286", "1260H", "EL", "MEU", "MIEU", "UVL", "DPL", "SDN", "CMIC", "FCC-COVERED",
	"NDAA-889", "NDAA-5949", "NDAA-154", "DTC", "ISN", "FSE", "SSI"}

// ParseMatrix reads a matrix file (YAML, see docs/assess.md). Errors name
// file, line and field.
func ParseMatrix(r io.Reader, file string) (*Matrix, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, &ties.InputError{File: file, Err: err}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	if len(doc.Content) == 0 {
		return nil, &ties.InputError{File: file, Line: 1, Err: errors.New("empty matrix file")}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &ties.InputError{File: file, Line: root.Line, Err: errors.New("want a mapping with matrix, title, issuer, version, url and factors")}
	}
	m := &Matrix{File: file, Hash: hashOf(data)}
	errAt := func(n *yaml.Node, field, format string, args ...any) error {
		return &ties.InputError{File: file, Line: n.Line, Field: field, Err: fmt.Errorf(format, args...)}
	}
	var factors *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "factors" && v.Kind != yaml.ScalarNode {
			return nil, errAt(v, k.Value, "want a single value")
		}
		switch k.Value {
		case "matrix":
			m.ID = v.Value
		case "title":
			m.Title = v.Value
		case "issuer":
			m.Issuer = v.Value
		case "version":
			d, err := ties.ParseDate(v.Value)
			if err != nil {
				return nil, errAt(v, k.Value, "%v", err)
			}
			m.Version = d
		case "url":
			m.URL = v.Value
		case "note":
			m.Note = v.Value
		case "factors":
			factors = v
		default:
			return nil, errAt(k, k.Value, "unknown matrix setting (want matrix, title, issuer, version, url, note, factors)")
		}
	}
	for _, req := range []struct {
		name string
		ok   bool
	}{{"matrix", m.ID != ""}, {"title", m.Title != ""}, {"issuer", m.Issuer != ""}, {"version", !m.Version.IsZero()}, {"factors", factors != nil}} {
		if !req.ok {
			return nil, errAt(root, req.name, "missing: every matrix names its id, title, issuer, version date and factors")
		}
	}
	if factors.Kind != yaml.SequenceNode || len(factors.Content) == 0 {
		return nil, errAt(factors, "factors", "want a list of factors")
	}
	seen := map[string]int{}
	for _, fn := range factors.Content {
		f, err := parseFactor(fn, errAt)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[f.ID]; dup {
			return nil, errAt(fn, "id", "factor %q already declared on line %d", f.ID, prev)
		}
		seen[f.ID] = f.Line
		m.Factors = append(m.Factors, f)
	}
	return m, nil
}

type errAtFunc func(n *yaml.Node, field, format string, args ...any) error

func parseFactor(fn *yaml.Node, errAt errAtFunc) (Factor, error) {
	f := Factor{Line: fn.Line, Timing: TimingAny, MinCount: 1}
	if fn.Kind != yaml.MappingNode {
		return f, errAt(fn, "", "want a factor: a mapping with id, title, citation, kind, lists, outcome")
	}
	hasOutcome, hasTies := false, false
	for i := 0; i+1 < len(fn.Content); i += 2 {
		k, v := fn.Content[i], fn.Content[i+1]
		var vals []string
		switch v.Kind {
		case yaml.ScalarNode:
			vals = splitList(v.Value)
		case yaml.SequenceNode:
			for _, c := range v.Content {
				if c.Kind != yaml.ScalarNode {
					return f, errAt(c, k.Value, "want a word, not a structure")
				}
				vals = append(vals, strings.TrimSpace(c.Value))
			}
		default:
			return f, errAt(v, k.Value, "want a value or a list of values")
		}
		one := func() (string, error) {
			if v.Kind != yaml.ScalarNode {
				return "", errAt(v, k.Value, "want a single value")
			}
			return strings.TrimSpace(v.Value), nil
		}
		s, err := one()
		if err != nil && !slices.Contains([]string{"ties", "reverse_ties", "lists"}, k.Value) {
			return f, err
		}
		date := func() (ties.Date, error) {
			d, err := ties.ParseDate(s)
			if err != nil || d.IsZero() {
				return d, errAt(v, k.Value, "%q: want a date YYYY[-MM[-DD]]", s)
			}
			return d, nil
		}
		switch k.Value {
		case "id":
			f.ID = s
		case "title":
			f.Title = s
		case "citation":
			f.Citation = s
		case "kind":
			if _, ok := kindTies[s]; !ok {
				return f, errAt(v, k.Value, "unknown factor kind %q (want program, appointment, funding, coauthorship, collaboration or equipment)", s)
			}
			f.Kind = s
		case "ties", "reverse_ties":
			hasTies = true
			for _, t := range vals {
				tk, err := ties.ParseTieKind(t)
				if err != nil {
					return f, errAt(v, k.Value, "%v", err)
				}
				if k.Value == "ties" {
					f.Out = append(f.Out, tk)
				} else {
					f.In = append(f.In, tk)
				}
			}
		case "lists":
			if len(vals) == 0 {
				return f, errAt(v, k.Value, "name at least one list")
			}
			for _, l := range vals {
				if !slices.ContainsFunc(Lists, func(x string) bool { return strings.EqualFold(x, l) }) {
					return f, errAt(v, k.Value, "unknown list %q (want one of %s)", l, strings.Join(Lists, ", "))
				}
				f.Lists = append(f.Lists, l)
			}
		case "window":
			w, err := ParseWindow(s)
			if err != nil {
				return f, errAt(v, k.Value, "%v", err)
			}
			f.Window = w
		case "timing":
			switch s {
			case TimingAny, TimingCurrent, TimingAfterList:
				f.Timing = s
			default:
				return f, errAt(v, k.Value, "%q: want any, current or after_listing", s)
			}
		case "after":
			if f.After, err = date(); err != nil {
				return f, err
			}
		case "effective":
			if f.Effective, err = date(); err != nil {
				return f, err
			}
		case "until":
			if f.Until, err = date(); err != nil {
				return f, err
			}
		case "min_count":
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 1000 {
				return f, errAt(v, k.Value, "%q: want a whole number from 1 to 1000", s)
			}
			f.MinCount = n
		case "outcome":
			o, err := ParseOutcome(s)
			if err != nil {
				return f, errAt(v, k.Value, "%v", err)
			}
			f.Outcome, hasOutcome = o, true
		default:
			return f, errAt(k, k.Value, "unknown factor setting (want id, title, citation, kind, ties, reverse_ties, lists, window, timing, after, effective, until, min_count, outcome)")
		}
	}
	for _, req := range []struct {
		name string
		ok   bool
	}{{"id", f.ID != ""}, {"citation", f.Citation != ""}, {"kind", f.Kind != ""}, {"lists", len(f.Lists) > 0}, {"effective", !f.Effective.IsZero()}, {"outcome", hasOutcome}} {
		if !req.ok {
			return f, errAt(fn, req.name, "factor %q: missing %s", f.ID, req.name)
		}
	}
	if f.Title == "" {
		f.Title = f.ID
	}
	if !f.Until.IsZero() && !f.Effective.Before(f.Until) {
		return f, errAt(fn, "until", "factor %q: until %s is not after effective %s", f.ID, f.Until, f.Effective)
	}
	if !hasTies {
		f.Out, f.In = kindTies[f.Kind].out, kindTies[f.Kind].in
	}
	if f.Outcome == NoAction {
		return f, errAt(fn, "outcome", "factor %q: a factor that fires gives at least suggested_mitigation", f.ID)
	}
	return f, nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// yamlError turns a YAML syntax error ("yaml: line 3: ...") into one that
// names the file and line.
func yamlError(file string, err error) error {
	msg := err.Error()
	line := 0
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if n, tail, ok := strings.Cut(rest, ":"); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, strings.TrimSpace(tail)
			}
		}
	}
	return &ties.InputError{File: file, Line: line, Err: errors.New(msg)}
}

func hashOf(data []byte) string {
	return fmt.Sprintf("%x", sha256.Sum256(bytes.TrimSpace(data)))
}
