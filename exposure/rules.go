package exposure

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"ties"
)

// RuleKind says how a rule makes an entity designated.
type RuleKind string

const (
	// RuleDirect: an entity is designated when a list names it.
	RuleDirect RuleKind = "direct"
	// RuleInherit: an entity inherits the designation of an entity it is
	// part of, a subsidiary of, or (with MinShare) owned by.
	RuleInherit RuleKind = "inherit"
	// RuleScenario: every entity under Root (and Root itself) is designated
	// — a "what if it were law" evaluation of a proposed rule.
	RuleScenario RuleKind = "scenario"
)

// Period is a closed range of days; a zero To is open-ended.
type Period struct {
	From, To ties.Date
}

// Rule is one designation rule. See docs/rules.md.
type Rule struct {
	Name      string
	Status    ties.RuleStatus
	Kind      RuleKind
	Effective ties.Date // the rule applies on days on or after Effective
	Suspended []Period  // days on which the rule does not apply
	Citation  string    // where the rule comes from, e.g. "90 FR 47201"
	Title     string
	// Lists restricts direct and inherit rules to designations on these
	// lists (list id or list name, case-insensitive); empty: every list.
	Lists []string
	// Ties are the tie kinds an inherit or scenario rule follows from an
	// entity up to the designated one (From inherits from To).
	Ties []ties.TieKind
	// MinShare: owned_by ties make an entity inherit only when the shares
	// held by designated owners add up to at least MinShare.
	MinShare float64
	MaxDepth int    // levels of inheritance; 0: default (5, scenario 10)
	Root     string // scenario: graph id or "scheme:value" identifier
	// Designation names what a scenario makes its entities ("Chinese
	// entity of concern"); findings show it as the list.
	Designation string
	Milestones  []string // "passed_house 2024-09": where a proposal stands
}

// NewRuleOrPolicy builds a rule or, for the policy kinds
// (personnel_location, escort_qualification), a policy from one set of
// settings, as a native "rule" line holds both.
func NewRuleOrPolicy(name string, params map[string]string) (*Rule, *Policy, error) {
	switch PolicyKind(params["kind"]) {
	case PolicyPersonnelLocation, PolicyEscortQualification:
		p, err := NewPolicy(name, params)
		return nil, &p, err
	}
	r, err := NewRule(name, params)
	return &r, nil, err
}

// RuleRef names a rule in a finding.
type RuleRef struct {
	Name     string          `json:"name"`
	Status   ties.RuleStatus `json:"status"`
	Citation string          `json:"citation,omitempty"`
}

// AppliesOn reports whether the rule is in effect on day d; a zero d
// ignores dates.
func (r *Rule) AppliesOn(d ties.Date) bool {
	if d.IsZero() {
		return true
	}
	if !r.Effective.IsZero() && d.Last().Before(r.Effective.First()) {
		return false
	}
	for _, p := range r.Suspended {
		if !d.Before(p.From.First()) && (p.To.IsZero() || !p.To.Last().Before(d.First())) {
			return false
		}
	}
	return true
}

func (r *Rule) maxDepth() int {
	if r.MaxDepth > 0 {
		return r.MaxDepth
	}
	if r.Kind == RuleScenario {
		return 10
	}
	return 5
}

// HR1516 is the proposed H.R.1516 scenario: every organization part of
// root (transitively), and root itself, is a "Chinese entity of concern".
func HR1516(root string) Rule {
	return Rule{
		Name:        "HR1516",
		Status:      ties.RuleProposed,
		Kind:        RuleScenario,
		Citation:    "H.R.1516, 118th Congress (passed the House September 2024; not enacted)",
		Title:       "DHS Restrictions on Confucius Institutes and Chinese Entities of Concern Act",
		Designation: "Chinese entity of concern",
		Milestones:  []string{"passed_house 2024-09"},
		Ties:        []ties.TieKind{ties.TiePartOf, ties.TieSubsidiaryOf},
		Root:        root,
	}
}

// CASRoot names the Chinese Academy of Sciences by its ROR id, so the
// default scenario finds it whatever key an input file gives it.
const CASRoot = "ror:034t30j35"

// DefaultRules is the rule set used when a query gives none.
func DefaultRules() []Rule {
	return []Rule{
		{
			Name:     "direct",
			Status:   ties.RuleEnacted,
			Kind:     RuleDirect,
			Citation: "the list's own designation",
		},
		{
			Name:      "BIS50",
			Status:    ties.RuleEnacted,
			Kind:      RuleInherit,
			Effective: ties.MustDate("2025-09-29"),
			Suspended: []Period{{ties.MustDate("2025-11-10"), ties.MustDate("2026-11-09")}},
			Citation:  "BIS 50% affiliates rule, 90 FR 47201 (effective 2025-09-29; suspended 2025-11-10 to 2026-11-09)",
			Title:     "Expansion of End-User Controls To Cover Affiliates of Certain Listed Entities",
			Lists:     []string{"EL", "Entity List", "MEU", "Military End User (MEU) List"},
			Ties:      []ties.TieKind{ties.TieOwnedBy},
			MinShare:  0.5,
		},
		{
			Name:     "1260H",
			Status:   ties.RuleEnacted,
			Kind:     RuleInherit,
			Citation: "NDAA FY2021 section 1260H (Chinese military companies and their subsidiaries)",
			Lists:    []string{"1260H"},
			Ties:     []ties.TieKind{ties.TieSubsidiaryOf, ties.TieOwnedBy},
			MinShare: 0.5,
		},
		HR1516(CASRoot),
	}
}

// ParseRules reads rule lines:
//
//	rule <name> status <enacted|proposed|policy> kind <direct|inherit|scenario> [<key> <value>]...
//
// Keys may also be written key=value. Values with blanks are double-quoted.
// Blank lines and # comments are ignored. Errors name file and line.
func ParseRules(r io.Reader, file string) ([]Rule, error) {
	return parseStatements(r, file, "rule", "status <s> kind <k>", NewRule)
}

// parseStatements reads lines "<keyword> <name> [<key> <value>]..." and
// builds one value a line; names are unique, and errors name file, line
// and, where build says so, the field.
func parseStatements[T any](r io.Reader, file, keyword, usage string, build func(string, map[string]string) (T, error)) ([]T, error) {
	var out []T
	seen := map[string]int{}
	err := eachLine(r, file, func(n int, toks []string) error {
		if toks[0] != keyword {
			return ties.InputErrorf(file, n, "unknown statement %q (want %s)", toks[0], keyword)
		}
		if len(toks) < 2 {
			return ties.InputErrorf(file, n, "%s: want %s <name> %s [...]", keyword, keyword, usage)
		}
		name := toks[1]
		if prev, dup := seen[name]; dup {
			return ties.InputErrorf(file, n, "%s %q already declared on line %d", keyword, name, prev)
		}
		seen[name] = n
		params, err := keyValues(toks[2:])
		if err != nil {
			return ties.InputErrorf(file, n, "%s %s: %v", keyword, name, err)
		}
		v, err := build(name, params)
		if err != nil {
			var fe *fieldError
			if errors.As(err, &fe) {
				return &ties.InputError{File: file, Line: n, Field: fe.field, Err: fe.err}
			}
			return ties.InputErrorf(file, n, "%v", err)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.field + ": " + e.err.Error() }

func fieldErr(field, format string, args ...any) error {
	return &fieldError{field, fmt.Errorf(format, args...)}
}

// NewRule builds a rule from its name and settings (status, kind,
// effective, suspended, citation, title, lists, ties, min_share, max_depth,
// root), as ParseRules reads them or as another input format (the native
// "rule" line) holds them.
func NewRule(name string, params map[string]string) (Rule, error) {
	r := Rule{Name: name}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v := params[k]
		switch k {
		case "status":
			switch s := ties.RuleStatus(v); s {
			case ties.RuleEnacted, ties.RuleProposed, ties.RulePolicy:
				r.Status = s
			default:
				return r, fieldErr(k, "%q: want enacted, proposed or policy", v)
			}
		case "kind":
			switch k := RuleKind(v); k {
			case RuleDirect, RuleInherit, RuleScenario:
				r.Kind = k
			case "affiliates_of":
				// The native format's name for "everything under root".
				r.Kind = RuleScenario
			default:
				return r, fieldErr("kind", "%q: want direct, inherit or scenario", v)
			}
		case "designation":
			r.Designation = v
		case "passed_house", "passed_senate", "introduced":
			d, err := ties.ParseDate(v)
			if err != nil {
				return r, fieldErr(k, "%v", err)
			}
			r.Milestones = append(r.Milestones, k+" "+d.String())
		case "effective":
			d, err := ties.ParseDate(v)
			if err != nil {
				return r, fieldErr(k, "%v", err)
			}
			r.Effective = d
		case "suspended":
			for _, part := range splitList(v) {
				from, to, ok := strings.Cut(part, "..")
				if !ok {
					return r, fieldErr(k, "%q: want FROM..TO (TO may be empty)", part)
				}
				f, err := ties.ParseDate(from)
				if err != nil || f.IsZero() {
					return r, fieldErr(k, "%q: bad start date", part)
				}
				t, err := ties.ParseDate(to)
				if err != nil {
					return r, fieldErr(k, "%q: %v", part, err)
				}
				r.Suspended = append(r.Suspended, Period{f, t})
			}
		case "citation":
			r.Citation = v
		case "title":
			r.Title = v
		case "lists":
			r.Lists = splitList(v)
		case "ties":
			for _, s := range splitList(v) {
				tk, err := ties.ParseTieKind(s)
				if err != nil {
					return r, fieldErr(k, "%v", err)
				}
				r.Ties = append(r.Ties, tk)
			}
		case "min_share":
			f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			if err == nil && strings.HasSuffix(v, "%") {
				f /= 100
			}
			if err != nil || f < 0 || f > 1 {
				return r, fieldErr(k, "%q: want a share from 0 to 1 (or 0%%-100%%)", v)
			}
			r.MinShare = f
		case "max_depth":
			d, err := strconv.Atoi(v)
			if err != nil || d < 1 || d > 50 {
				return r, fieldErr(k, "%q: want a whole number from 1 to 50", v)
			}
			r.MaxDepth = d
		case "root":
			r.Root = v
		default:
			return r, fieldErr(k, "unknown rule setting (want status, kind, effective, suspended, citation, title, lists, ties, min_share, max_depth, root, designation, introduced, passed_house or passed_senate)")
		}
	}
	if r.Citation == "" {
		r.Citation = r.Title
	}
	if r.Status == "" {
		return r, fieldErr("status", "missing: every rule says whether it is enacted, proposed or policy")
	}
	if r.Kind == "" {
		return r, fieldErr("kind", "missing: want direct, inherit or scenario")
	}
	switch r.Kind {
	case RuleInherit:
		if len(r.Ties) == 0 {
			return r, fieldErr("ties", "an inherit rule needs the tie kinds it follows (e.g. owned_by)")
		}
	case RuleScenario:
		if r.Root == "" {
			return r, fieldErr("root", "a scenario rule needs the root entity")
		}
		if len(r.Ties) == 0 {
			r.Ties = []ties.TieKind{ties.TiePartOf, ties.TieSubsidiaryOf}
		}
	}
	return r, nil
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

// keyValues reads "key value" pairs or "key=value" tokens.
func keyValues(toks []string) (map[string]string, error) {
	params := map[string]string{}
	for i := 0; i < len(toks); i++ {
		k, v, eq := strings.Cut(toks[i], "=")
		if !eq {
			if i+1 >= len(toks) {
				return nil, fmt.Errorf("setting %q has no value", k)
			}
			i++
			v = toks[i]
		}
		if k == "" {
			return nil, fmt.Errorf("empty setting name in %q", toks[i])
		}
		if _, dup := params[k]; dup {
			return nil, fmt.Errorf("setting %q given twice", k)
		}
		params[k] = v
	}
	return params, nil
}

// eachLine calls fn with the tokens of every non-blank, non-comment line.
func eachLine(r io.Reader, file string, fn func(line int, toks []string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		toks, err := tokenize(sc.Text())
		if err != nil {
			return ties.InputErrorf(file, n, "%v", err)
		}
		if len(toks) == 0 {
			continue
		}
		if err := fn(n, toks); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return ties.InputErrorf(file, n+1, "%v", err)
	}
	return nil
}

// tokenize splits a line into blank-separated words; a double-quoted part
// (with \" and \\ escapes) may hold blanks, also after key=. A # outside
// quotes starts a comment.
func tokenize(line string) ([]string, error) {
	var toks []string
	var b strings.Builder
	in, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted:
			switch c {
			case '\\':
				if i+1 >= len(line) || (line[i+1] != '"' && line[i+1] != '\\') {
					return nil, errors.New(`bad escape in quoted string (use \" or \\)`)
				}
				i++
				b.WriteByte(line[i])
			case '"':
				quoted = false
			default:
				b.WriteByte(c)
			}
		case c == '"':
			quoted, in = true, true
		case c == ' ' || c == '\t' || c == '\r':
			if in {
				toks = append(toks, b.String())
				b.Reset()
				in = false
			}
		case c == '#' && !in:
			return toks, nil
		default:
			b.WriteByte(c)
			in = true
		}
	}
	if quoted {
		return nil, errors.New("unterminated quoted string")
	}
	if in {
		toks = append(toks, b.String())
	}
	return toks, nil
}
