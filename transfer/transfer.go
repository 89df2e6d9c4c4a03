// Package transfer moves a whole ties store from one implementation to
// another (the embedded SQLite file and PostgreSQL) as a stream of JSON
// lines: list versions with their entries and in-force flags, lists, graph
// sources with their entities and ties, links, API tokens (hashed), the
// audit trail, and the monitoring data. Ids are kept, so audit records
// and change sets still name the right versions.
//
// The stream is one JSON object per line, each with a single key naming
// what it holds:
//
//	{"ties_export":1}                       first line: format version
//	{"list":{...}}                          ties.List
//	{"version":{...}}                       ties.ListVersion, then its entries:
//	{"entry":{"entity":...,"designations":[...]}}
//	{"graph":"examples/microsoft-cas.ties"} a graph source in put order, then
//	{"entity":{...}} and {"tie":{...}}      its entities and ties
//	{"link":{...}}                          ties.Link
//	{"token":{...,"hash":"<hex>"}}          ties.Token and its secret's hash
//	{"audit":{...}}                         ties.AuditRecord
//	{"watch":{...}}, {"alert":{...}}, {"review":{...}}, {"change_set":{...}}
//	{"end":{...counts...}}                  last line: what the stream holds
//
// The last line lets an import tell a whole stream from a truncated one
// before it writes anything.
package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"ties"
	"ties/sources"
)

// FormatVersion is the version of the stream format this package writes.
const FormatVersion = 1

// Source is a store that can be exported whole.
type Source interface {
	ties.Store
	ties.TokenStore
	ties.AuditStore
	// GraphSources lists the graph sources in the order they were put.
	GraphSources(ctx context.Context) ([]string, error)
	// GraphSource returns what PutGraph stored under source.
	GraphSource(ctx context.Context, source string) (ties.Graph, error)
	// TokenHashes returns the stored hash of each token's secret, by id.
	TokenHashes(ctx context.Context) (map[int64][]byte, error)
}

// Target is a store an export can be imported into: an empty one.
type Target interface {
	ties.Store
	ties.TokenStore
	ties.AuditStore
	// ImportLists stores lists as given.
	ImportLists(ctx context.Context, lists []ties.List) error
	// ImportVersion stores a version with its own ID, LoadedAt and
	// in-force flag, in one transaction.
	ImportVersion(ctx context.Context, v ties.ListVersion, records iter.Seq2[ties.Record, error]) (ties.ListVersion, error)
	// ImportLinks stores links with their ids and statuses.
	ImportLinks(ctx context.Context, links []ties.Link) error
	// ImportToken stores a token with its id, times and hash.
	ImportToken(ctx context.Context, t ties.Token, hash []byte) error
	// ImportAudit stores records exactly as given (seq, hashes).
	ImportAudit(ctx context.Context, records []ties.AuditRecord) error
}

// MonitorSource and MonitorTarget are stores that also move their
// monitoring data (watches, alerts, reviews, change sets).
type MonitorSource interface {
	ties.MonitorStore
}

// MonitorTarget imports monitoring data with its ids.
type MonitorTarget interface {
	ImportWatch(ctx context.Context, w ties.Watch) error
	ImportAlert(ctx context.Context, a ties.Alert) error
	ImportReview(ctx context.Context, r ties.Review) error
	PutChangeSet(ctx context.Context, cs ties.ChangeSet) error
}

// Counts says how much a stream holds.
type Counts struct {
	Lists      int `json:"lists"`
	Versions   int `json:"versions"`
	Entries    int `json:"entries"`
	Graphs     int `json:"graphs"`
	Entities   int `json:"entities"`
	Ties       int `json:"ties"`
	Links      int `json:"links"`
	Tokens     int `json:"tokens"`
	Audit      int `json:"audit"`
	Watches    int `json:"watches"`
	Alerts     int `json:"alerts"`
	Reviews    int `json:"reviews"`
	ChangeSets int `json:"change_sets"`
}

// tokenLine is a token with its hash.
type tokenLine struct {
	ties.Token
	Hash string `json:"hash"`
}

// watchLine carries the fields ties.Watch keeps out of its JSON.
type watchLine struct {
	ties.Watch
	Secret string          `json:"secret"`
	State  json.RawMessage `json:"state,omitempty"`
}

// line is one line of the stream; exactly one field is set.
type line struct {
	TiesExport *int              `json:"ties_export,omitempty"`
	List       *ties.List        `json:"list,omitempty"`
	Version    *ties.ListVersion `json:"version,omitempty"`
	Entry      *ties.Record      `json:"entry,omitempty"`
	Graph      *string           `json:"graph,omitempty"`
	Entity     *ties.Entity      `json:"entity,omitempty"`
	Tie        *ties.Tie         `json:"tie,omitempty"`
	Link       *ties.Link        `json:"link,omitempty"`
	Token      *tokenLine        `json:"token,omitempty"`
	Audit      *ties.AuditRecord `json:"audit,omitempty"`
	Watch      *watchLine        `json:"watch,omitempty"`
	Alert      *ties.Alert       `json:"alert,omitempty"`
	Review     *ties.Review      `json:"review,omitempty"`
	ChangeSet  *ties.ChangeSet   `json:"change_set,omitempty"`
	End        *Counts           `json:"end,omitempty"`
}

func (l *line) kind() string {
	switch {
	case l.TiesExport != nil:
		return "ties_export"
	case l.List != nil:
		return "list"
	case l.Version != nil:
		return "version"
	case l.Entry != nil:
		return "entry"
	case l.Graph != nil:
		return "graph"
	case l.Entity != nil:
		return "entity"
	case l.Tie != nil:
		return "tie"
	case l.Link != nil:
		return "link"
	case l.Token != nil:
		return "token"
	case l.Audit != nil:
		return "audit"
	case l.Watch != nil:
		return "watch"
	case l.Alert != nil:
		return "alert"
	case l.Review != nil:
		return "review"
	case l.ChangeSet != nil:
		return "change_set"
	case l.End != nil:
		return "end"
	}
	return ""
}

// micro is how precise times are in the stream: PostgreSQL keeps
// microseconds, so a stream says the same from either store.
func micro(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Export writes the whole of src to w.
func Export(ctx context.Context, src Source, w io.Writer) (Counts, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var c Counts
	put := func(l line) error { return enc.Encode(l) }
	format := FormatVersion
	if err := put(line{TiesExport: &format}); err != nil {
		return c, err
	}
	lists, err := src.Lists(ctx)
	if err != nil {
		return c, fmt.Errorf("lists: %w", err)
	}
	for i := range lists {
		if err := put(line{List: &lists[i]}); err != nil {
			return c, err
		}
		c.Lists++
	}
	versions, err := src.Versions(ctx)
	if err != nil {
		return c, fmt.Errorf("versions: %w", err)
	}
	slices.Reverse(versions) // oldest first, so ids come back in order
	for i := range versions {
		v := versions[i]
		v.LoadedAt = micro(v.LoadedAt)
		if err := put(line{Version: &v}); err != nil {
			return c, err
		}
		c.Versions++
		for e, err := range src.Entries(ctx, v.ID) {
			if err != nil {
				return c, fmt.Errorf("version %d: %w", v.ID, err)
			}
			rec := e.Record
			if err := put(line{Entry: &rec}); err != nil {
				return c, err
			}
			c.Entries++
		}
	}
	sourcesPut, err := src.GraphSources(ctx)
	if err != nil {
		return c, fmt.Errorf("graph sources: %w", err)
	}
	for _, source := range sourcesPut {
		g, err := src.GraphSource(ctx, source)
		if err != nil {
			return c, fmt.Errorf("graph %s: %w", source, err)
		}
		if err := put(line{Graph: &source}); err != nil {
			return c, err
		}
		c.Graphs++
		for i := range g.Entities {
			if err := put(line{Entity: &g.Entities[i]}); err != nil {
				return c, err
			}
			c.Entities++
		}
		for i := range g.Ties {
			if err := put(line{Tie: &g.Ties[i]}); err != nil {
				return c, err
			}
			c.Ties++
		}
	}
	links, err := src.Links(ctx)
	if err != nil {
		return c, fmt.Errorf("links: %w", err)
	}
	for i := range links {
		if err := put(line{Link: &links[i]}); err != nil {
			return c, err
		}
		c.Links++
	}
	tokens, err := src.Tokens(ctx)
	if err != nil {
		return c, fmt.Errorf("tokens: %w", err)
	}
	hashes, err := src.TokenHashes(ctx)
	if err != nil {
		return c, fmt.Errorf("tokens: %w", err)
	}
	for _, t := range tokens {
		t.CreatedAt, t.RevokedAt = micro(t.CreatedAt), micro(t.RevokedAt)
		if err := put(line{Token: &tokenLine{Token: t, Hash: hex.EncodeToString(hashes[t.ID])}}); err != nil {
			return c, err
		}
		c.Tokens++
	}
	for r, err := range src.AuditRecords(ctx, 0, 0) {
		if err != nil {
			return c, fmt.Errorf("audit: %w", err)
		}
		if err := put(line{Audit: &r}); err != nil {
			return c, err
		}
		c.Audit++
	}
	if ms, ok := src.(MonitorSource); ok {
		if err := exportMonitor(ctx, ms, versions, put, &c); err != nil {
			return c, err
		}
	}
	if err := put(line{End: &c}); err != nil {
		return c, err
	}
	return c, bw.Flush()
}

func exportMonitor(ctx context.Context, ms MonitorSource, versions []ties.ListVersion, put func(line) error, c *Counts) error {
	watches, err := ms.Watches(ctx)
	if err != nil {
		return fmt.Errorf("watches: %w", err)
	}
	for _, w := range watches {
		w.Created, w.EvaluatedAt = micro(w.Created), micro(w.EvaluatedAt)
		if err := put(line{Watch: &watchLine{Watch: w, Secret: w.Secret, State: w.State}}); err != nil {
			return err
		}
		c.Watches++
	}
	alerts, err := ms.Alerts(ctx, 0)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	slices.Reverse(alerts)
	for _, a := range alerts {
		a.Created, a.NextAttempt, a.DeliveredAt = micro(a.Created), micro(a.NextAttempt), micro(a.DeliveredAt)
		if err := put(line{Alert: &a}); err != nil {
			return err
		}
		c.Alerts++
	}
	reviews, err := ms.Reviews(ctx, 0)
	if err != nil {
		return fmt.Errorf("reviews: %w", err)
	}
	for _, r := range reviews {
		r.At = micro(r.At)
		if err := put(line{Review: &r}); err != nil {
			return err
		}
		c.Reviews++
	}
	for _, v := range versions {
		cs, ok, err := ms.ChangeSet(ctx, v.ID)
		if err != nil {
			return fmt.Errorf("change set %d: %w", v.ID, err)
		}
		if !ok {
			continue
		}
		cs.ComputedAt = micro(cs.ComputedAt)
		if err := put(line{ChangeSet: &cs}); err != nil {
			return err
		}
		c.ChangeSets++
	}
	return nil
}

// reader reads the stream line by line, with one line of lookahead.
type reader struct {
	sc     *bufio.Scanner
	file   string
	n      int
	peeked *line
}

func newReader(r io.Reader, file string) *reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 256<<20)
	return &reader{sc: sc, file: file}
}

func (r *reader) errorf(format string, args ...any) error {
	return &sources.Error{File: r.file, Line: r.n, Err: fmt.Errorf(format, args...)}
}

// next returns the next line, or nil at the end of the input.
func (r *reader) next() (*line, error) {
	if r.peeked != nil {
		l := r.peeked
		r.peeked = nil
		return l, nil
	}
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			return nil, &sources.Error{File: r.file, Line: r.n + 1, Err: err}
		}
		return nil, nil
	}
	r.n++
	var l line
	dec := json.NewDecoder(bytes.NewReader(r.sc.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return nil, r.errorf("not a line of a ties export: %v", err)
	}
	if dec.More() {
		return nil, r.errorf("more than one JSON value on the line")
	}
	if l.kind() == "" {
		return nil, r.errorf("empty line object")
	}
	return &l, nil
}

func (r *reader) peek() (*line, error) {
	if r.peeked == nil {
		l, err := r.next()
		if err != nil || l == nil {
			return l, err
		}
		r.peeked = l
	}
	return r.peeked, nil
}

// Check reads a whole stream without storing anything and returns its
// counts: every line must parse, sections come in order, and the end line
// must agree with what came before it.
func Check(r io.Reader, file string) (Counts, error) {
	return run(context.Background(), nil, newReader(r, file))
}

// Import reads a stream into dst, which must be empty. Check the stream
// first (Check): a stream that fails halfway leaves dst half filled.
func Import(ctx context.Context, dst Target, r io.Reader, file string) (Counts, error) {
	if err := checkEmpty(ctx, dst); err != nil {
		return Counts{}, err
	}
	return run(ctx, dst, newReader(r, file))
}

func checkEmpty(ctx context.Context, dst Target) error {
	vs, err := dst.Versions(ctx)
	if err != nil {
		return err
	}
	links, err := dst.Links(ctx)
	if err != nil {
		return err
	}
	tokens, err := dst.Tokens(ctx)
	if err != nil {
		return err
	}
	audit := 0
	for _, err := range dst.AuditRecords(ctx, 0, 1) {
		if err != nil {
			return err
		}
		audit++
	}
	entities := 0
	for _, err := range dst.GraphEntities(ctx) {
		if err != nil {
			return err
		}
		entities++
		break
	}
	if len(vs)+len(links)+len(tokens)+audit+entities > 0 {
		return errors.New("the target store is not empty: import only into a new store")
	}
	return nil
}

// section orders the kinds of line in a stream.
var section = map[string]int{
	"ties_export": 0, "list": 1, "version": 2, "entry": 2, "graph": 3, "entity": 3, "tie": 3,
	"link": 4, "token": 5, "audit": 6, "watch": 7, "alert": 8, "review": 9, "change_set": 10, "end": 11,
}

// run walks the stream; with dst nil it only checks.
func run(ctx context.Context, dst Target, r *reader) (Counts, error) {
	var c Counts
	first, err := r.next()
	if err != nil {
		return c, err
	}
	if first == nil || first.TiesExport == nil {
		return c, r.errorf("not a ties export: the first line must be {\"ties_export\":%d}", FormatVersion)
	}
	if *first.TiesExport != FormatVersion {
		return c, r.errorf("export format %d is unknown to this ties binary (it reads %d)", *first.TiesExport, FormatVersion)
	}
	var (
		lists     []ties.List
		links     []ties.Link
		audit     []ties.AuditRecord
		lastSeq   int64
		lastHash  string
		sectionAt int
	)
	mon, _ := dst.(MonitorTarget)
	flushAudit := func() error {
		if len(audit) == 0 {
			return nil
		}
		var err error
		if lastSeq, lastHash, err = ties.VerifyAuditChain(recordsOf(audit), lastSeq, lastHash); err != nil {
			return err
		}
		if dst != nil {
			if err := dst.ImportAudit(ctx, audit); err != nil {
				return err
			}
		}
		audit = audit[:0]
		return nil
	}
	for {
		l, err := r.next()
		if err != nil {
			return c, err
		}
		if l == nil {
			return c, &sources.Error{File: r.file, Line: r.n, Err: errors.New("the stream ends without its end line: truncated")}
		}
		k := l.kind()
		if s := section[k]; s < sectionAt {
			return c, r.errorf("a %s line after the %s section", k, kindOfSection(sectionAt))
		} else {
			sectionAt = s
		}
		if k != "list" && lists != nil {
			if dst != nil {
				if err := dst.ImportLists(ctx, lists); err != nil {
					return c, err
				}
			}
			lists = nil
		}
		if k != "link" && len(links) > 0 {
			if dst != nil {
				if err := dst.ImportLinks(ctx, links); err != nil {
					return c, err
				}
			}
			links = nil
		}
		if k != "audit" {
			if err := flushAudit(); err != nil {
				return c, err
			}
		}
		switch k {
		case "list":
			lists = append(lists, *l.List)
			c.Lists++
		case "version":
			if err := importVersion(ctx, dst, r, *l.Version, &c); err != nil {
				return c, err
			}
		case "entry":
			return c, r.errorf("an entry line outside a version")
		case "graph":
			if err := importGraph(ctx, dst, r, *l.Graph, &c); err != nil {
				return c, err
			}
		case "entity", "tie":
			return c, r.errorf("a %s line outside a graph", k)
		case "link":
			links = append(links, *l.Link)
			c.Links++
		case "token":
			hash, err := hex.DecodeString(l.Token.Hash)
			if err != nil || len(hash) == 0 {
				return c, r.errorf("token %d: hash %q is not hex", l.Token.ID, l.Token.Hash)
			}
			if dst != nil {
				if err := dst.ImportToken(ctx, l.Token.Token, hash); err != nil {
					return c, err
				}
			}
			c.Tokens++
		case "audit":
			audit = append(audit, *l.Audit)
			c.Audit++
			if len(audit) == 1000 {
				if err := flushAudit(); err != nil {
					return c, err
				}
			}
		case "watch", "alert", "review", "change_set":
			if dst != nil && mon == nil {
				return c, r.errorf("the target store keeps no monitoring data")
			}
			if err := importMonitor(ctx, mon, dst != nil, l, &c); err != nil {
				return c, err
			}
		case "end":
			if *l.End != c {
				return c, r.errorf("the end line counts %+v, the stream holds %+v", *l.End, c)
			}
			if more, err := r.next(); err != nil || more != nil {
				return c, r.errorf("lines after the end line")
			}
			return c, nil
		}
	}
}

func kindOfSection(s int) string {
	for k, v := range section {
		if v == s && k != "entry" && k != "entity" && k != "tie" {
			return k
		}
	}
	return "?"
}

func importVersion(ctx context.Context, dst Target, r *reader, v ties.ListVersion, c *Counts) error {
	c.Versions++
	var readErr error
	n := 0
	records := func(yield func(ties.Record, error) bool) {
		for {
			l, err := r.peek()
			if err != nil {
				readErr = err
				yield(ties.Record{}, err)
				return
			}
			if l == nil || l.Entry == nil {
				return
			}
			r.next()
			n++
			c.Entries++
			if !yield(*l.Entry, nil) {
				return
			}
		}
	}
	if dst == nil {
		for range records {
		}
	} else {
		got, err := dst.ImportVersion(ctx, v, records)
		if err != nil {
			if readErr != nil {
				return readErr
			}
			return fmt.Errorf("version %d: %w", v.ID, err)
		}
		if got.ID != v.ID {
			return fmt.Errorf("version %d was stored as %d", v.ID, got.ID)
		}
	}
	if readErr != nil {
		return readErr
	}
	if n != v.Rows {
		return r.errorf("version %d says %d rows and has %d entries", v.ID, v.Rows, n)
	}
	return nil
}

func importGraph(ctx context.Context, dst Target, r *reader, source string, c *Counts) error {
	c.Graphs++
	var g ties.Graph
	for {
		l, err := r.peek()
		if err != nil {
			return err
		}
		if l == nil || (l.Entity == nil && l.Tie == nil) {
			break
		}
		r.next()
		if l.Entity != nil {
			g.Entities = append(g.Entities, *l.Entity)
			c.Entities++
		} else {
			g.Ties = append(g.Ties, *l.Tie)
			c.Ties++
		}
	}
	if dst == nil {
		return nil
	}
	return dst.PutGraph(ctx, source, g)
}

func importMonitor(ctx context.Context, mon MonitorTarget, write bool, l *line, c *Counts) error {
	var err error
	switch {
	case l.Watch != nil:
		c.Watches++
		if write {
			w := l.Watch.Watch
			w.Secret, w.State = l.Watch.Secret, l.Watch.State
			err = mon.ImportWatch(ctx, w)
		}
	case l.Alert != nil:
		c.Alerts++
		if write {
			err = mon.ImportAlert(ctx, *l.Alert)
		}
	case l.Review != nil:
		c.Reviews++
		if write {
			err = mon.ImportReview(ctx, *l.Review)
		}
	case l.ChangeSet != nil:
		c.ChangeSets++
		if write {
			err = mon.PutChangeSet(ctx, *l.ChangeSet)
		}
	}
	return err
}

func recordsOf(rs []ties.AuditRecord) iter.Seq2[ties.AuditRecord, error] {
	return func(yield func(ties.AuditRecord, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}
