// Package native reads the ties input format (docs/ties-format.md): a
// line-oriented text format written by hand and reviewed in diffs. One
// fact a line; a top-level statement starts in column 0 and the indented
// lines under it add attributes to it. Parsing is all-or-nothing: any error
// names the file and line and no Doc is returned.
package native

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"ties"
	"ties/sources"
)

// Version is the format version this package reads ("ties 1").
const Version = 1

// Doc is everything one native file holds.
type Doc struct {
	Graph ties.Graph
	// Records are the hand-written list rows ("listed" lines): one per
	// listed entity, with the graph entity itself and its designations.
	Records []ties.Record
	Lists   []ties.List
	Rules   []RuleSpec
	// Personnel holds what policy checks need about people that the graph
	// has no field for: where they work and their qualification level.
	Personnel []Personnel
	Access    []Access
	// EntityLines gives the line each entity was declared on.
	EntityLines map[string]int
	// Illustrative marks entities flagged "illustrative" (invented data).
	Illustrative map[string]bool
}

// RuleSpec is a "rule" line: a designation rule or policy whose meaning
// the exposure package defines by Kind; Params holds its other settings.
type RuleSpec struct {
	Name      string
	Status    ties.RuleStatus
	Effective ties.Date
	Kind      string
	Title     string
	Params    map[string]string
	Line      int
}

// Personnel is what a file says about a person for policy checks.
type Personnel struct {
	PersonID      string
	Located       []string // ISO 3166-1 alpha-2 countries the person works from
	Qualification int      // 0: not stated
	Line          int
}

// Access is one line of an access log: a person worked on a contract on a
// day, optionally under an escort.
type Access struct {
	Date     ties.Date
	Person   string
	Contract string
	Escort   string
	Location string // ISO country; empty: the person's located country
	Note     string
	Line     int
}

var (
	keyPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/+-]*$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
)

var entityKeywords = map[string]ties.EntityKind{
	"org":          ties.KindOrganization,
	"organization": ties.KindOrganization,
	"person":       ties.KindPerson,
	"program":      ties.KindProgram,
	"publication":  ties.KindPublication,
	"contract":     ties.KindContract,
	"place":        ties.KindPlace,
}

var nameKeywords = map[string]ties.NameType{
	"name":   ties.NamePrimary,
	"alias":  ties.NameAlias,
	"abbr":   ties.NameAbbreviation,
	"former": ties.NameFormer,
	"native": ties.NameNative,
}

// identifierKeywords are attribute words that add an identifier of the
// same scheme; "id <scheme> <value>" adds any other.
var identifierKeywords = map[string]bool{
	"ror": true, "doi": true, "openalex": true, "wikidata": true,
	"orcid": true, "lei": true, "grid": true, "isni": true, "url": true,
}

var dateKeywords = map[string]string{
	"established": "established",
	"published":   "published",
	"born":        "birth",
	"dissolved":   "dissolved",
}

// shorthandTies are entity attributes that make a tie from the entity.
var shorthandTies = map[string]struct {
	kind ties.TieKind
	role string
}{
	"run_by":     {ties.TiePartOf, "program run by"},
	"customer":   {ties.TieContractsWith, "customer"},
	"contractor": {ties.TieContractsWith, "contractor"},
}

type parser struct {
	file string
	doc  *Doc

	entities map[string]*ties.Entity
	order    []string
	lists    map[string]int // list id -> index in doc.Lists
	rules    map[string]bool
	tieIDs   map[string]int // explicit or generated tie id -> line
	tieCount map[string]int // from>kind>to -> ties seen
	persons  map[string]*Personnel

	ties     []pendingTie
	listed   []pendingListing
	access   []Access
	refs     []entityRef // references to check once every entity is known
	sawStmt  bool
	blockAdd func(line int, toks []string) error // handles indented lines
}

type pendingTie struct {
	tie  ties.Tie
	line int
}

type pendingListing struct {
	entity string
	d      ties.Designation
	line   int
}

type entityRef struct {
	id   string
	line int
	what string
	kind ties.EntityKind // "" when any kind will do
}

// Parse reads a native file. file names the input in errors and in each
// tie's Source ("file:line").
func Parse(r io.Reader, file string) (*Doc, error) {
	p := &parser{
		file:     file,
		doc:      &Doc{EntityLines: map[string]int{}, Illustrative: map[string]bool{}},
		entities: map[string]*ties.Entity{},
		lists:    map[string]int{},
		rules:    map[string]bool{},
		tieIDs:   map[string]int{},
		tieCount: map[string]int{},
		persons:  map[string]*Personnel{},
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if err := p.line(line, text); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &sources.Error{File: file, Line: line + 1, Err: err}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.doc, nil
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return sources.Errorf(p.file, line, format, args...)
}

func (p *parser) line(n int, text string) error {
	toks, err := splitLine(text)
	if err != nil {
		return p.errorf(n, "%v", err)
	}
	if len(toks) == 0 {
		return nil
	}
	indented := text[0] == ' ' || text[0] == '\t'
	if indented {
		if p.blockAdd == nil {
			return p.errorf(n, "indented line %q belongs to no statement", toks[0])
		}
		return p.blockAdd(n, toks)
	}
	first := !p.sawStmt
	p.sawStmt = true
	p.blockAdd = nil
	kw := toks[0]
	if kind, ok := entityKeywords[kw]; ok {
		return p.entity(n, kind, toks)
	}
	switch kw {
	case "ties":
		if !first {
			return p.errorf(n, `"ties" version line must come first`)
		}
		if len(toks) != 2 || toks[1] != strconv.Itoa(Version) {
			return p.errorf(n, "unsupported format version line %q: want \"ties %d\"", strings.Join(toks, " "), Version)
		}
		return nil
	case "tie":
		return p.tieStatement(n, toks)
	case "list":
		return p.list(n, toks)
	case "listed":
		return p.listedStatement(n, toks)
	case "rule":
		return p.rule(n, toks)
	case "access":
		return p.accessStatement(n, toks)
	}
	return p.errorf(n, "unknown keyword %q (want org, person, program, publication, contract, place, tie, list, listed, rule or access)", kw)
}

func (p *parser) checkKey(n int, key, what string) error {
	if !keyPattern.MatchString(key) {
		return p.errorf(n, "invalid %s key %q: use letters, digits and . _ : / + -", what, key)
	}
	return nil
}

// entity handles "org <key> <name>" and its attribute lines.
func (p *parser) entity(n int, kind ties.EntityKind, toks []string) error {
	if len(toks) != 3 {
		return p.errorf(n, "%s: want %s <key> \"<name>\"", toks[0], toks[0])
	}
	key, name := toks[1], toks[2]
	if err := p.checkKey(n, key, toks[0]); err != nil {
		return err
	}
	if prev, dup := p.doc.EntityLines[key]; dup {
		return p.errorf(n, "duplicate key %q (first declared on line %d)", key, prev)
	}
	if strings.TrimSpace(name) == "" {
		return p.errorf(n, "%s %s has an empty name", toks[0], key)
	}
	e := &ties.Entity{ID: key, Kind: kind, Names: []ties.Name{{Text: name, Type: ties.NamePrimary}}}
	p.entities[key] = e
	p.order = append(p.order, key)
	p.doc.EntityLines[key] = n
	p.blockAdd = func(n int, toks []string) error { return p.entityAttr(n, e, toks) }
	return nil
}

func (p *parser) person(e *ties.Entity, n int) *Personnel {
	if pp, ok := p.persons[e.ID]; ok {
		return pp
	}
	pp := &Personnel{PersonID: e.ID, Line: n}
	p.persons[e.ID] = pp
	return pp
}

func (p *parser) entityAttr(n int, e *ties.Entity, toks []string) error {
	kw, args := toks[0], toks[1:]
	if typ, ok := nameKeywords[kw]; ok {
		if len(args) != 1 && !(len(args) == 3 && args[1] == "lang") {
			return p.errorf(n, "%s: want %s \"<name>\" [lang <code>]", kw, kw)
		}
		if strings.TrimSpace(args[0]) == "" {
			return p.errorf(n, "%s: empty name", kw)
		}
		name := ties.Name{Text: args[0], Type: typ}
		if len(args) == 3 {
			name.Lang = args[2]
		} else if typ == ties.NameNative && hasHan(args[0]) {
			name.Lang = "zh"
		}
		if typ == ties.NamePrimary {
			return p.errorf(n, "name: the primary name is given on the %s line; use alias", e.Kind)
		}
		e.Names = append(e.Names, name)
		return nil
	}
	if identifierKeywords[kw] {
		if len(args) != 1 {
			return p.errorf(n, "%s: want %s <value>", kw, kw)
		}
		e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: kw, Value: args[0]})
		return nil
	}
	if typ, ok := dateKeywords[kw]; ok {
		if len(args) != 1 {
			return p.errorf(n, "%s: want %s <date>", kw, kw)
		}
		if _, err := p.date(n, args[0]); err != nil {
			return err
		}
		e.Dates = append(e.Dates, ties.EntityDate{Type: typ, Value: args[0]})
		return nil
	}
	if st, ok := shorthandTies[kw]; ok {
		return p.shorthandTie(n, e, st.kind, st.role, args)
	}
	if k, err := ties.ParseTieKind(kw); err == nil {
		return p.shorthandTie(n, e, k, "", args)
	}
	switch kw {
	case "id":
		if len(args) != 2 {
			return p.errorf(n, "id: want id <scheme> <value>")
		}
		e.Identifiers = append(e.Identifiers, ties.Identifier{Scheme: args[0], Value: args[1]})
	case "date":
		if len(args) != 2 {
			return p.errorf(n, "date: want date <type> <date>")
		}
		if _, err := p.date(n, args[1]); err != nil {
			return err
		}
		e.Dates = append(e.Dates, ties.EntityDate{Type: args[0], Value: args[1]})
	case "country":
		if len(args) == 0 {
			return p.errorf(n, "country: want one or more ISO 3166-1 alpha-2 codes")
		}
		for _, c := range args {
			if !countryPattern.MatchString(c) {
				return p.errorf(n, "country %q is not an ISO 3166-1 alpha-2 code such as CN", c)
			}
			e.Countries = append(e.Countries, c)
		}
	case "address":
		if len(args) != 1 && !(len(args) == 3 && args[1] == "country") {
			return p.errorf(n, "address: want address \"<text>\" [country <code>]")
		}
		a := ties.Address{Text: args[0]}
		if len(args) == 3 {
			if !countryPattern.MatchString(args[2]) {
				return p.errorf(n, "country %q is not an ISO 3166-1 alpha-2 code such as CN", args[2])
			}
			a.Country = args[2]
		}
		e.Addresses = append(e.Addresses, a)
	case "remarks", "venue":
		if len(args) != 1 {
			return p.errorf(n, "%s: want %s \"<text>\"", kw, kw)
		}
		text := args[0]
		if kw == "venue" {
			text = "venue: " + text
		}
		e.Remarks = joinRemark(e.Remarks, text)
	case "illustrative":
		if len(args) != 0 {
			return p.errorf(n, "illustrative takes no value")
		}
		p.doc.Illustrative[e.ID] = true
		e.Remarks = joinRemark(e.Remarks, "illustrative (invented for the example)")
	case "located":
		if e.Kind != ties.KindPerson {
			return p.errorf(n, "located applies to persons; use located_in <place> for %s", e.Kind)
		}
		if len(args) == 0 {
			return p.errorf(n, "located: want one or more ISO 3166-1 alpha-2 codes")
		}
		pp := p.person(e, n)
		for _, c := range args {
			if !countryPattern.MatchString(c) {
				return p.errorf(n, "country %q is not an ISO 3166-1 alpha-2 code such as CN", c)
			}
			pp.Located = append(pp.Located, c)
		}
	case "qualification":
		if e.Kind != ties.KindPerson {
			return p.errorf(n, "qualification applies to persons, not %s", e.Kind)
		}
		if len(args) != 1 {
			return p.errorf(n, "qualification: want qualification <level 1-9>")
		}
		q, err := strconv.Atoi(args[0])
		if err != nil || q < 1 || q > 9 {
			return p.errorf(n, "qualification %q: want a level from 1 to 9", args[0])
		}
		pp := p.person(e, n)
		if pp.Qualification != 0 {
			return p.errorf(n, "duplicate qualification for %s", e.ID)
		}
		pp.Qualification = q
	default:
		return p.errorf(n, "unknown keyword %q for %s %s", kw, e.Kind, e.ID)
	}
	return nil
}

func joinRemark(old, add string) string {
	if old == "" {
		return add
	}
	return old + "; " + add
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func (p *parser) date(n int, s string) (ties.Date, error) {
	d, err := ties.ParseDate(s)
	if err != nil {
		return d, p.errorf(n, "%v", err)
	}
	if d.IsZero() {
		return d, p.errorf(n, "empty date")
	}
	return d, nil
}

// shorthandTie handles "<kind> <target> [options]" under an entity.
func (p *parser) shorthandTie(n int, e *ties.Entity, kind ties.TieKind, role string, args []string) error {
	if len(args) == 0 {
		return p.errorf(n, "%s: want %s <key> [options]", kind, kind)
	}
	t := &ties.Tie{From: e.ID, To: args[0], Kind: kind, Role: role}
	if err := p.tieOptions(n, t, args[1:]); err != nil {
		return err
	}
	p.addTie(n, t)
	return nil
}

func (p *parser) addTie(n int, t *ties.Tie) {
	t.Source = fmt.Sprintf("%s:%d", p.file, n)
	p.ties = append(p.ties, pendingTie{tie: *t, line: n})
}

// tieStatement handles "tie <from> <kind> <to> [options]" and its lines.
func (p *parser) tieStatement(n int, toks []string) error {
	if len(toks) < 4 {
		return p.errorf(n, "tie: want tie <from> <kind> <to> [options]")
	}
	kind, err := ties.ParseTieKind(toks[2])
	if err != nil {
		return p.errorf(n, "%v", err)
	}
	t := ties.Tie{From: toks[1], Kind: kind, To: toks[3]}
	if err := p.tieOptions(n, &t, toks[4:]); err != nil {
		return err
	}
	p.addTie(n, &t)
	idx := len(p.ties) - 1
	p.blockAdd = func(n int, toks []string) error {
		t := &p.ties[idx].tie
		switch toks[0] {
		case "evidence":
			return p.evidence(n, t, toks[1:])
		case "quote":
			if len(toks) != 2 {
				return p.errorf(n, "quote: want quote \"<text>\"")
			}
			if len(t.Evidence) == 0 {
				return p.errorf(n, "quote before any evidence line")
			}
			ev := &t.Evidence[len(t.Evidence)-1]
			if ev.Quote != "" {
				return p.errorf(n, "evidence already has a quote")
			}
			ev.Quote = toks[1]
			return nil
		}
		return p.tieOptions(n, t, toks)
	}
	return nil
}

// tieOptions reads "word value" pairs: start, end, in, via, role, share, id.
func (p *parser) tieOptions(n int, t *ties.Tie, args []string) error {
	for i := 0; i < len(args); i += 2 {
		kw := args[i]
		if i+1 >= len(args) {
			return p.errorf(n, "tie option %q has no value", kw)
		}
		v := args[i+1]
		switch kw {
		case "start", "end", "in":
			d, err := p.date(n, v)
			if err != nil {
				return err
			}
			if (kw != "end" && !t.Start.IsZero()) || (kw != "start" && !t.End.IsZero()) {
				return p.errorf(n, "tie date given twice (%s)", kw)
			}
			if kw != "end" {
				t.Start = d
			}
			if kw != "start" {
				t.End = d
			}
		case "via":
			if t.Via != "" {
				return p.errorf(n, "via given twice")
			}
			t.Via = v
		case "role":
			if t.Role != "" && t.Role != v {
				t.Role += "; " + v
			} else {
				t.Role = v
			}
		case "share":
			s, err := parseShare(v)
			if err != nil {
				return p.errorf(n, "share %q: %v", v, err)
			}
			t.Share = s
		case "id":
			if err := p.checkKey(n, v, "tie"); err != nil {
				return err
			}
			if t.ID != "" {
				return p.errorf(n, "tie id given twice")
			}
			t.ID = v
		default:
			return p.errorf(n, "unknown tie option %q (want start, end, in, via, role, share, id, evidence or quote)", kw)
		}
	}
	return nil
}

// parseShare reads an ownership share as a fraction (0.51) or percent (51%).
func parseShare(v string) (float64, error) {
	scale := 1.0
	if s, ok := strings.CutSuffix(v, "%"); ok {
		v, scale = s, 100
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("not a number")
	}
	f /= scale
	if !(f > 0 && f <= 1) {
		return 0, fmt.Errorf("share must be in (0, 1] (or a percent up to 100%%)")
	}
	return f, nil
}

// evidence handles: evidence "<title>" [<ref>] [retrieved D] [confidence X] [quote "..."]
func (p *parser) evidence(n int, t *ties.Tie, args []string) error {
	if len(args) == 0 || strings.TrimSpace(args[0]) == "" {
		return p.errorf(n, "evidence: want evidence \"<title>\" [<ref>] [retrieved <date>] [confidence <0..1>] [quote \"<text>\"]")
	}
	ev := ties.Evidence{Title: args[0]}
	rest := args[1:]
	if len(rest) > 0 && !evidenceOption(rest[0]) {
		ev.Ref, rest = rest[0], rest[1:]
	}
	for i := 0; i < len(rest); i += 2 {
		kw := rest[i]
		if !evidenceOption(kw) {
			return p.errorf(n, "unknown evidence option %q (want retrieved, confidence or quote)", kw)
		}
		if i+1 >= len(rest) {
			return p.errorf(n, "evidence option %q has no value", kw)
		}
		v := rest[i+1]
		switch kw {
		case "retrieved":
			d, err := p.date(n, v)
			if err != nil {
				return err
			}
			ev.Retrieved = d
		case "confidence":
			c, err := strconv.ParseFloat(v, 64)
			if err != nil || !(c >= 0 && c <= 1) {
				return p.errorf(n, "confidence %q: want a number from 0 to 1", v)
			}
			ev.Confidence = c
		case "quote":
			ev.Quote = v
		}
	}
	t.Evidence = append(t.Evidence, ev)
	return nil
}

func evidenceOption(s string) bool {
	return s == "retrieved" || s == "confidence" || s == "quote"
}

// list handles: list <id> "<name>" ["<authority>"]
func (p *parser) list(n int, toks []string) error {
	if len(toks) != 3 && len(toks) != 4 {
		return p.errorf(n, "list: want list <id> \"<name>\" [\"<authority>\"]")
	}
	if err := p.checkKey(n, toks[1], "list"); err != nil {
		return err
	}
	if _, dup := p.lists[toks[1]]; dup {
		return p.errorf(n, "duplicate key: list %q declared twice", toks[1])
	}
	l := ties.List{ID: toks[1], Name: toks[2]}
	if len(toks) == 4 {
		l.Authority = toks[3]
	}
	p.lists[l.ID] = len(p.doc.Lists)
	p.doc.Lists = append(p.doc.Lists, l)
	return nil
}

// listedStatement handles: listed <entity> <list> [id X] [start D] [end D]
// [authority "..."] [policy "..."] [program "..."] [url U] [parent "..."]
func (p *parser) listedStatement(n int, toks []string) error {
	if len(toks) < 3 {
		return p.errorf(n, "listed: want listed <entity> <list> [options]")
	}
	pl := pendingListing{entity: toks[1], line: n, d: ties.Designation{EntityID: toks[1], ListID: toks[2]}}
	if err := p.listingOptions(n, &pl.d, toks[3:]); err != nil {
		return err
	}
	p.listed = append(p.listed, pl)
	idx := len(p.listed) - 1
	p.blockAdd = func(n int, toks []string) error { return p.listingOptions(n, &p.listed[idx].d, toks) }
	return nil
}

func (p *parser) listingOptions(n int, d *ties.Designation, args []string) error {
	for i := 0; i < len(args); i += 2 {
		kw := args[i]
		if i+1 >= len(args) {
			return p.errorf(n, "listed option %q has no value", kw)
		}
		v := args[i+1]
		var dst *string
		switch kw {
		case "start", "end":
			dt, err := p.date(n, v)
			if err != nil {
				return err
			}
			if kw == "start" {
				d.Start = dt
			} else {
				d.End = dt
			}
			continue
		case "id":
			dst = &d.SourceID
		case "authority":
			dst = &d.Authority
		case "policy":
			dst = &d.LicensePolicy
		case "program":
			dst = &d.Program
		case "url":
			dst = &d.SourceURL
		case "parent":
			dst = &d.Parent
		default:
			return p.errorf(n, "unknown listed option %q (want id, start, end, authority, policy, program, url or parent)", kw)
		}
		if *dst != "" {
			return p.errorf(n, "listed option %q given twice", kw)
		}
		*dst = v
	}
	return nil
}

// rule handles: rule <name> status <s> kind <k> [effective D] [title "..."] [<param> <value>]...
func (p *parser) rule(n int, toks []string) error {
	if len(toks) < 2 {
		return p.errorf(n, "rule: want rule <name> status <enacted|proposed|policy> kind <kind> [...]")
	}
	if err := p.checkKey(n, toks[1], "rule"); err != nil {
		return err
	}
	if p.rules[toks[1]] {
		return p.errorf(n, "duplicate key: rule %q declared twice", toks[1])
	}
	p.rules[toks[1]] = true
	p.doc.Rules = append(p.doc.Rules, RuleSpec{Name: toks[1], Params: map[string]string{}, Line: n})
	idx := len(p.doc.Rules) - 1
	if err := p.ruleOptions(n, idx, toks[2:]); err != nil {
		return err
	}
	p.blockAdd = func(n int, toks []string) error { return p.ruleOptions(n, idx, toks) }
	return nil
}

func (p *parser) ruleOptions(n int, idx int, args []string) error {
	r := &p.doc.Rules[idx]
	for i := 0; i < len(args); i += 2 {
		kw := args[i]
		if i+1 >= len(args) {
			return p.errorf(n, "rule option %q has no value", kw)
		}
		v := args[i+1]
		switch kw {
		case "status":
			switch s := ties.RuleStatus(v); s {
			case ties.RuleEnacted, ties.RuleProposed, ties.RulePolicy:
				r.Status = s
			default:
				return p.errorf(n, "rule status %q: want enacted, proposed or policy", v)
			}
		case "kind":
			r.Kind = v
		case "effective":
			d, err := p.date(n, v)
			if err != nil {
				return err
			}
			r.Effective = d
		case "title":
			r.Title = v
		default:
			if _, dup := r.Params[kw]; dup {
				return p.errorf(n, "rule parameter %q given twice", kw)
			}
			r.Params[kw] = v
		}
	}
	return nil
}

// accessStatement handles: access <date> <person> <contract> [escort P] [location CC] [note "..."]
func (p *parser) accessStatement(n int, toks []string) error {
	if len(toks) < 4 {
		return p.errorf(n, "access: want access <date> <person> <contract> [escort <person>] [location <country>] [note \"...\"]")
	}
	d, err := p.date(n, toks[1])
	if err != nil {
		return err
	}
	a := Access{Date: d, Person: toks[2], Contract: toks[3], Line: n}
	args := toks[4:]
	for i := 0; i < len(args); i += 2 {
		kw := args[i]
		if i+1 >= len(args) {
			return p.errorf(n, "access option %q has no value", kw)
		}
		v := args[i+1]
		switch kw {
		case "escort":
			a.Escort = v
		case "location":
			if !countryPattern.MatchString(v) {
				return p.errorf(n, "country %q is not an ISO 3166-1 alpha-2 code such as CN", v)
			}
			a.Location = v
		case "note":
			a.Note = v
		default:
			return p.errorf(n, "unknown access option %q (want escort, location or note)", kw)
		}
	}
	p.refs = append(p.refs,
		entityRef{a.Person, n, "access person", ties.KindPerson},
		entityRef{a.Contract, n, "access contract", ties.KindContract})
	if a.Escort != "" {
		p.refs = append(p.refs, entityRef{a.Escort, n, "escort", ties.KindPerson})
	}
	p.access = append(p.access, a)
	return nil
}
