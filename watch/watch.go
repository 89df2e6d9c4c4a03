// Package watch re-evaluates what users watch after each new list version:
// a roster of names is screened again and its new matches reported; an
// organization's exposure is computed again and compared with the last
// report. What is new becomes an alert in the store's outbox, which Flush
// delivers to the watch's sink (a JSON-lines file, a signed webhook,
// stdout). A reviewer's decision on a match silences it until the list
// entry changes.
package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"ties"
	"ties/analysis"
	"ties/changes"
	"ties/exposure"
	"ties/match"
	"ties/screening"
)

// Alert events.
const (
	EventNewMatch        = "new_match"        // a roster name matches an entry it did not match before
	EventMatchChanged    = "match_changed"    // a matched entry was amended
	EventReviewOutdated  = "review_outdated"  // an entry a reviewer cleared changed since: it alerts again
	EventNewExposure     = "new_exposure"     // an organization has a finding it did not have
	EventChangedExposure = "changed_exposure" // a finding's severity, dates or paths changed
)

// Body is the JSON an alert carries to its sink.
type Body struct {
	Event  string    `json:"event"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	Watch  WatchRef  `json:"watch"`
	// Versions are the list versions in force when the watch was evaluated.
	Versions []VersionRef `json:"versions"`
	// Cause is the change set entry that led to the alert, when one did.
	Cause    *Cause            `json:"cause,omitempty"`
	Match    *Match            `json:"match,omitempty"`
	Exposure *exposure.Finding `json:"exposure,omitempty"`
	// Evidence is where the alert can be checked: the designation's
	// authority and source, the ties' evidence.
	Evidence []ties.Evidence `json:"evidence"`
	// Review is the reviewer's decision the alert overrides, if any.
	Review *ties.Review `json:"review,omitempty"`
}

// WatchRef names the watch an alert is for.
type WatchRef struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Org   string `json:"org,omitempty"`
}

// VersionRef names a list version.
type VersionRef struct {
	ID      int64  `json:"id"`
	Dataset string `json:"dataset"`
	Hash    string `json:"hash"`
}

// Cause is one entry of a change set.
type Cause struct {
	Dataset     string      `json:"dataset"`
	Version     int64       `json:"version"`
	FromVersion int64       `json:"from_version"`
	Change      ties.Change `json:"change"`
	Summary     string      `json:"summary"`
}

// Match is a roster name's match.
type Match struct {
	Query       string    `json:"query"`
	QueryID     string    `json:"query_id,omitempty"`
	EntityID    string    `json:"entity_id"`
	Name        string    `json:"name"`
	MatchedName string    `json:"matched_name"`
	Score       float64   `json:"score"`
	List        string    `json:"list"`
	SourceID    string    `json:"source_id"`
	ListedOn    ties.Date `json:"listed_on"`
	Authority   string    `json:"authority"`
	Explanation string    `json:"explanation"`
	VersionID   int64     `json:"version_id"`
	EntryHash   string    `json:"entry_hash"`
}

// Options tune an evaluation.
type Options struct {
	// Threshold and Limit are the screening's (0: match's defaults).
	Threshold float64
	Limit     int
	// Depth bounds exposure paths (0: exposure's default).
	Depth int
	// AsOf is the day exposures are evaluated on (zero: today).
	AsOf ties.Date
	// Now stamps alerts and states (nil: time.Now).
	Now func() time.Time
	// Only evaluates just these watch ids (nil: every watch).
	Only []int64
	// Baseline records what each watch sees without alerting: used when
	// a watch is added, so it reports only what comes after.
	Baseline bool
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

// Result says what an evaluation did.
type Result struct {
	Watches int          // watches evaluated
	Alerts  []ties.Alert // alerts enqueued
}

// rosterState is what a roster watch saw: for each "name\x00entity id"
// matched, the hash of the entry then.
type rosterState struct {
	Matches map[string]string `json:"matches"`
}

// orgState is the last exposure report of an organization watch.
type orgState struct {
	Report *exposure.Report `json:"report"`
}

// Evaluate re-evaluates the watches against what is in force now. sets
// are the change sets that led here (alerts name the entry that caused
// them); they may be empty, e.g. when only the graph changed.
func Evaluate(ctx context.Context, st ties.MonitoredStore, sets []ties.ChangeSet, opt Options) (Result, error) {
	var res Result
	watches, err := st.Watches(ctx)
	if err != nil {
		return res, err
	}
	watches = slices.DeleteFunc(watches, func(w ties.Watch) bool { return opt.Only != nil && !slices.Contains(opt.Only, w.ID) })
	if len(watches) == 0 {
		return res, nil
	}
	ev := &evaluation{st: st, opt: opt, sets: sets, now: opt.now()}
	ev.asOf = opt.AsOf
	if ev.asOf.IsZero() {
		ev.asOf = ties.Date{Year: ev.now.Year(), Month: int(ev.now.Month()), Day: ev.now.Day()}
	}
	if ev.versions, err = st.InForce(ctx); err != nil {
		return res, err
	}
	if ev.reviews, err = st.Reviews(ctx, 0); err != nil {
		return res, err
	}
	var alerts []ties.Alert
	for _, w := range watches {
		var bodies []Body
		var state any
		switch w.Kind {
		case ties.WatchRoster:
			bodies, state, err = ev.roster(ctx, w)
		case ties.WatchOrg:
			bodies, state, err = ev.org(ctx, w)
		default:
			err = fmt.Errorf("watch %d: unknown kind %q", w.ID, w.Kind)
		}
		if err != nil {
			return res, fmt.Errorf("watch %d (%s): %w", w.ID, w.Label, err)
		}
		raw, err := json.Marshal(state)
		if err != nil {
			return res, err
		}
		var batch []ties.Alert
		if !opt.Baseline {
			for _, b := range bodies {
				b.At, b.Watch, b.Versions = ev.now, WatchRef{ID: w.ID, Kind: w.Kind, Label: w.Label, Org: w.Org}, ev.versionRefs()
				if b.Evidence == nil {
					b.Evidence = []ties.Evidence{}
				}
				body, err := json.Marshal(b)
				if err != nil {
					return res, err
				}
				batch = append(batch, ties.Alert{WatchID: w.ID, Sink: w.Sink, Body: body, Created: ev.now, NextAttempt: ev.now})
			}
		}
		// The alerts go to the outbox before the state moves on, so a
		// crash in between alerts twice rather than never.
		enq, err := st.EnqueueAlerts(ctx, batch)
		if err != nil {
			return res, err
		}
		alerts = append(alerts, enq...)
		if err := st.SetWatchState(ctx, w.ID, raw, ev.now); err != nil {
			return res, err
		}
		res.Watches++
	}
	res.Alerts = alerts
	return res, nil
}

type evaluation struct {
	st       ties.MonitoredStore
	opt      Options
	sets     []ties.ChangeSet
	now      time.Time
	asOf     ties.Date
	versions []ties.ListVersion
	reviews  []ties.Review

	index   *match.Index
	entries map[string]ties.Entry // list entries in force, as listed (without linked names)
	model   *analysis.Model
	links   []ties.Link
}

func (ev *evaluation) versionRefs() []VersionRef {
	out := make([]VersionRef, 0, len(ev.versions))
	for _, v := range ev.versions {
		out = append(out, VersionRef{ID: v.ID, Dataset: v.Dataset, Hash: v.Hash})
	}
	return out
}

// cause finds the change set entry about one of the list entity ids.
func (ev *evaluation) cause(ids ...string) *Cause {
	for i := len(ev.sets) - 1; i >= 0; i-- {
		cs := ev.sets[i]
		for _, c := range cs.Changes {
			if slices.Contains(ids, c.EntityID) {
				return &Cause{Dataset: cs.Dataset, Version: cs.To, FromVersion: cs.From, Change: c, Summary: changes.Describe(c)}
			}
		}
	}
	return nil
}

// review finds the newest review of a watch's match that is still active.
func (ev *evaluation) review(watchID int64, entityID, query string) *ties.Review {
	for i := len(ev.reviews) - 1; i >= 0; i-- {
		r := ev.reviews[i]
		if r.WatchID == watchID && r.EntityID == entityID && (r.Query == "" || strings.EqualFold(r.Query, query)) && r.ActiveOn(ev.asOf) {
			return &r
		}
	}
	return nil
}

func (ev *evaluation) ensureIndex(ctx context.Context) error {
	if ev.index != nil {
		return nil
	}
	ix, entries, err := BuildIndex(ctx, ev.st)
	if err != nil {
		return err
	}
	ev.index, ev.entries = ix, entries
	return nil
}

// BuildIndex builds the screening index over every entry in force, with
// the names list entries gain through links (as `ties screen` does), and
// returns the entries as listed by entity id.
func BuildIndex(ctx context.Context, st ties.Store) (*match.Index, map[string]ties.Entry, error) {
	ix, entries, _, err := screening.Load(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]ties.Entry, len(entries))
	for _, e := range entries {
		if _, ok := byID[e.Entity.ID]; !ok {
			byID[e.Entity.ID] = e
		}
	}
	return ix, byID, nil
}

func (ev *evaluation) roster(ctx context.Context, w ties.Watch) ([]Body, any, error) {
	if err := ev.ensureIndex(ctx); err != nil {
		return nil, nil, err
	}
	var prev *rosterState
	if len(w.State) > 0 {
		prev = &rosterState{}
		if err := json.Unmarshal(w.State, prev); err != nil {
			return nil, nil, fmt.Errorf("stored state: %w", err)
		}
	}
	next := rosterState{Matches: map[string]string{}}
	var bodies []Body
	for _, rn := range w.Roster {
		for _, m := range ev.index.Search(match.Query{Text: rn.Name, Threshold: ev.opt.Threshold, Limit: ev.opt.Limit}) {
			key := rn.Name + "\x00" + m.EntityID
			if _, dup := next.Matches[key]; dup {
				continue
			}
			entry := ev.entries[m.EntityID]
			hash := changes.EntryHash(entry.Record)
			next.Matches[key] = hash
			var prevHash string
			seen := false
			if prev != nil {
				prevHash, seen = prev.Matches[key]
			}
			b := Body{Match: &Match{
				Query: rn.Name, QueryID: rn.ID, EntityID: m.EntityID, Name: m.Name, MatchedName: m.MatchedName, Score: m.Score,
				List: m.ListID, SourceID: m.SourceID, ListedOn: m.ListedOn, Authority: m.Authority, Explanation: m.Explanation,
				VersionID: m.VersionID, EntryHash: hash,
			}, Cause: ev.cause(m.EntityID), Evidence: entryEvidence(entry)}
			rv := ev.review(w.ID, m.EntityID, rn.Name)
			switch {
			case rv != nil && rv.EntryHash == hash:
				continue // decided on this very entry: silent
			case rv != nil:
				if seen && prevHash == hash {
					continue // already re-alerted for this state of the entry
				}
				b.Event, b.Review = EventReviewOutdated, rv
				b.Reason = fmt.Sprintf("%q matches %s (%s): a reviewer marked it %s on %s (%q), but the list entry changed since",
					rn.Name, m.Name, m.EntityID, strings.ReplaceAll(rv.Decision, "_", " "), rv.At.Format("2006-01-02"), rv.Reason)
				if b.Cause != nil {
					b.Reason += ": " + b.Cause.Summary
				}
			case !seen:
				b.Event = EventNewMatch
				b.Reason = fmt.Sprintf("%q now matches %s (%s, %s) with score %.3f", rn.Name, m.Name, m.ListID, m.EntityID, m.Score)
				if b.Cause != nil {
					b.Reason += fmt.Sprintf("; the entry was %s in %s version %d", b.Cause.Change.Kind, b.Cause.Dataset, b.Cause.Version)
				}
			case prevHash != hash:
				b.Event = EventMatchChanged
				b.Reason = fmt.Sprintf("%q matches %s (%s), whose list entry changed", rn.Name, m.Name, m.EntityID)
				if b.Cause != nil {
					b.Reason += ": " + b.Cause.Summary
				}
			default:
				continue
			}
			bodies = append(bodies, b)
		}
	}
	return bodies, next, nil
}

func entryEvidence(e ties.Entry) []ties.Evidence {
	var out []ties.Evidence
	for _, d := range e.Designations {
		ev := ties.Evidence{Title: strings.TrimSpace(d.ListID + " " + d.Program), Ref: d.SourceURL, Retrieved: d.Start}
		if d.Authority != "" {
			ev.Quote = d.Authority
			if ev.Ref == "" {
				ev.Ref = d.Authority
			}
		}
		out = append(out, ev)
	}
	return out
}

func (ev *evaluation) ensureModel(ctx context.Context) error {
	if ev.model != nil {
		return nil
	}
	m, err := analysis.Build(ctx, ev.st, analysis.Options{})
	if err != nil {
		return err
	}
	links, err := ev.st.Links(ctx)
	if err != nil {
		return err
	}
	ev.model, ev.links = m, links
	return nil
}

// OrgEntityHash pins a review of an organization's exposure to an entity:
// a hash of the designations (list, listing date, authority) of every
// finding about the entity in the report. A new listing of it, or a new
// notice, makes the review no longer silence alerts.
func OrgEntityHash(rep exposure.Report, entityID string) string {
	var lines []string
	for _, fs := range [][]exposure.Finding{rep.Findings, rep.ScenarioFindings} {
		for _, f := range fs {
			if d := f.Designated; d.EntityID == entityID {
				lines = append(lines, strings.Join([]string{d.List, d.ListedOn.String(), d.Authority}, "\x00"))
			}
		}
	}
	if len(lines) == 0 {
		return ""
	}
	slices.Sort(lines)
	lines = slices.Compact(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:16])
}

// listEntitiesOf is the list entries a finding's designation comes from:
// the designated entity itself, and the list entries linked to it.
func (ev *evaluation) listEntitiesOf(f exposure.Finding) []string {
	ids := []string{f.Designated.EntityID}
	for _, l := range ev.links {
		if l.GraphID == f.Designated.EntityID || ev.model.Canon[l.GraphID] == f.Designated.EntityID {
			ids = append(ids, l.TargetID)
		}
	}
	return ids
}

func (ev *evaluation) org(ctx context.Context, w ties.Watch) ([]Body, any, error) {
	if err := ev.ensureModel(ctx); err != nil {
		return nil, nil, err
	}
	rep, err := ev.model.Exposure(analysis.Query{Org: w.Org, AsOf: ev.asOf, Depth: ev.opt.Depth})
	if err != nil {
		return nil, nil, err
	}
	var prev exposure.Report
	if len(w.State) > 0 {
		var s orgState
		if err := json.Unmarshal(w.State, &s); err != nil {
			return nil, nil, fmt.Errorf("stored state: %w", err)
		}
		if s.Report != nil {
			prev = *s.Report
		}
	}
	diff := exposure.Diff(prev, rep)
	var bodies []Body
	for _, group := range []struct {
		event    string
		findings []exposure.Finding
	}{{EventNewExposure, diff.New}, {EventChangedExposure, diff.Changed}} {
		for _, f := range group.findings {
			b := Body{Event: group.event, Exposure: &f, Cause: ev.cause(ev.listEntitiesOf(f)...), Evidence: findingEvidence(f)}
			verb := "is now exposed to"
			if group.event == EventChangedExposure {
				verb = "has a changed exposure to"
			}
			b.Reason = fmt.Sprintf("%s %s %s (%s, listed %s, %s) under rule %s: severity %s, %d hops",
				orDefault(rep.OrgName, w.Org), verb, f.Designated.Name, f.Designated.List, f.Designated.ListedOn.String(),
				f.Designated.Authority, f.Rule.Name, f.Severity, f.Distance)
			if b.Cause != nil {
				b.Reason += fmt.Sprintf("; list entry %s %s in %s version %d", b.Cause.Change.EntityID, b.Cause.Change.Kind, b.Cause.Dataset, b.Cause.Version)
			}
			if rv := ev.review(w.ID, f.Designated.EntityID, ""); rv != nil {
				if rv.EntryHash == OrgEntityHash(rep, f.Designated.EntityID) {
					continue
				}
				b.Review = rv
				b.Reason += fmt.Sprintf("; a reviewer marked it %s on %s (%q) before the designation changed",
					strings.ReplaceAll(rv.Decision, "_", " "), rv.At.Format("2006-01-02"), rv.Reason)
			}
			bodies = append(bodies, b)
		}
	}
	return bodies, orgState{Report: &rep}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// findingEvidence gathers the evidence of the ties on a finding's paths,
// each source once, with the designation's authority first.
func findingEvidence(f exposure.Finding) []ties.Evidence {
	out := []ties.Evidence{{Title: f.Designated.List + ": " + f.Designated.Name, Ref: f.Designated.Authority, Retrieved: f.Designated.ListedOn.Date}}
	seen := map[string]bool{}
	for _, p := range f.Paths {
		for _, s := range p {
			for _, e := range s.Evidence {
				k := e.Ref + "\x00" + e.Title
				if !seen[k] {
					seen[k] = true
					out = append(out, e)
				}
			}
		}
	}
	return out
}
