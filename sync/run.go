package sync

import (
	"context"
	"fmt"
	"strings"
	gosync "sync"
	"time"

	"ties"
	"ties/resolve"
	"ties/watch"
)

// RunOptions are the options of one whole monitoring run.
type RunOptions struct {
	Fetch   Options
	Watch   watch.Options
	Deliver watch.DeliverOptions
}

// SourceOutcome is one source's part of an Outcome.
type SourceOutcome struct {
	Source   string `json:"source"`
	URL      string `json:"url"`
	Status   string `json:"status"` // "loaded", "unchanged", "failed"
	Version  int64  `json:"version,omitempty"`
	Rows     int    `json:"rows,omitempty"`
	Bytes    int64  `json:"bytes"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error,omitempty"`
}

// Outcome is what a run did: for /healthz, the metrics and the CLI.
type Outcome struct {
	Started  time.Time       `json:"started"`
	Finished time.Time       `json:"finished"`
	OK       bool            `json:"ok"` // every source fetched (loaded or unchanged) and no step failed
	Sources  []SourceOutcome `json:"sources"`
	// ChangeSets counts entries per new version: "csl 2: +8 -0 ~0".
	ChangeSets      []string `json:"change_sets,omitempty"`
	Watches         int      `json:"watches"`
	Alerts          int      `json:"alerts"`           // enqueued by this run
	AlertsDelivered int      `json:"alerts_delivered"` // by this run's flush (older ones too)
	AlertsPending   int      `json:"alerts_pending"`
	Error           string   `json:"error,omitempty"` // the first failure, with its cause
}

// Failed lists the sources that failed.
func (o Outcome) Failed() []SourceOutcome {
	var out []SourceOutcome
	for _, s := range o.Sources {
		if s.Status == "failed" {
			out = append(out, s)
		}
	}
	return out
}

// Run fetches the lists, loads what changed, recomputes links, records the
// change sets, re-evaluates every watch and delivers the alerts (also
// those left pending by earlier runs). A source that fails keeps its
// version in force and is reported; the others go on.
func Run(ctx context.Context, st ties.MonitoredStore, opt RunOptions) Outcome {
	out := Outcome{Started: time.Now().UTC()}
	fail := func(err error) {
		if out.Error == "" {
			out.Error = err.Error()
		}
	}
	results, err := Fetch(ctx, st, opt.Fetch)
	if err != nil {
		fail(err)
	}
	var versions []ties.ListVersion
	for _, r := range results {
		so := SourceOutcome{Source: r.Source, URL: r.URL, Bytes: r.Bytes, Attempts: r.Attempts}
		switch {
		case r.Err != nil:
			so.Status, so.Error = "failed", r.Err.Error()
			fail(fmt.Errorf("%s: %w", r.Source, r.Err))
		case r.Skipped:
			so.Status = "unchanged"
		default:
			so.Status = "loaded"
		}
		if r.Version != nil && r.Err == nil {
			so.Version, so.Rows = r.Version.ID, r.Version.Rows
		}
		if r.New() {
			versions = append(versions, *r.Version)
		}
		out.Sources = append(out.Sources, so)
	}
	if len(versions) > 0 {
		if err := ProposeLinks(ctx, st); err != nil {
			fail(fmt.Errorf("linking the new lists: %w", err))
		}
	}
	sum, err := watch.AfterLoad(ctx, st, versions, opt.Watch, opt.Deliver)
	if err != nil {
		fail(err)
	}
	for _, cs := range sum.ChangeSets {
		out.ChangeSets = append(out.ChangeSets, fmt.Sprintf("%s %d: +%d -%d ~%d", cs.Dataset, cs.To, cs.Added, cs.Removed, cs.Amended))
	}
	out.Watches, out.Alerts = sum.Watches, sum.Alerts
	out.AlertsDelivered, out.AlertsPending = sum.Flush.Delivered, sum.Flush.Pending
	out.Finished = time.Now().UTC()
	out.OK = out.Error == ""
	return out
}

// ProposeLinks recomputes the links between graph entities and the list
// entries in force and stores them as proposed (rejections stay), so
// exposures see entries a new version added. It is what `ties load` does
// after a load (cmd/ties proposeLinks).
func ProposeLinks(ctx context.Context, st ties.Store) error {
	var graph []ties.Entity
	for e, err := range st.GraphEntities(ctx) {
		if err != nil {
			return err
		}
		graph = append(graph, e)
	}
	if len(graph) == 0 {
		return nil
	}
	var entries []ties.Entry
	for e, err := range st.InForceEntries(ctx) {
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	links := resolve.SameAs(graph)
	if len(entries) > 0 {
		links = append(links, resolve.LinkToLists(graph, entries, resolve.Options{})...)
	}
	if len(links) == 0 {
		return nil
	}
	return st.PutLinks(ctx, links)
}

// Schedule runs a monitoring run every so often, one at a time, and keeps
// the outcome of the last for /healthz and the metrics.
type Schedule struct {
	mu      gosync.Mutex
	last    Outcome
	runs    int
	failed  int
	running bool
	next    time.Time
}

// RunScheduled starts running run now and then every `every` after the
// previous run ends (so runs never overlap), until ctx ends. It returns at
// once; the returned Schedule reports on the runs.
func RunScheduled(ctx context.Context, every time.Duration, run func(context.Context) Outcome) *Schedule {
	s := &Schedule{next: time.Now()}
	go s.loop(ctx, every, run)
	return s
}

func (s *Schedule) loop(ctx context.Context, every time.Duration, run func(context.Context) Outcome) {
	for {
		s.mu.Lock()
		s.running = true
		s.mu.Unlock()
		o := run(ctx)
		s.mu.Lock()
		s.running, s.last = false, o
		s.runs++
		if !o.OK {
			s.failed++
		}
		s.next = time.Now().Add(every)
		s.mu.Unlock()
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Status is a Schedule's report.
type Status struct {
	Runs    int       `json:"runs"`
	Failed  int       `json:"failed"`
	Running bool      `json:"running"`
	Next    time.Time `json:"next"`
	Last    *Outcome  `json:"last,omitempty"` // nil before the first run ends
}

// Status says how the runs went.
func (s *Schedule) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Runs: s.runs, Failed: s.failed, Running: s.running, Next: s.next}
	if s.runs > 0 {
		last := s.last
		st.Last = &last
	}
	return st
}

// Metrics writes the schedule's state in the Prometheus text format.
func (s *Schedule) Metrics() string {
	st := s.Status()
	var b strings.Builder
	fmt.Fprintf(&b, "# TYPE ties_sync_runs_total counter\nties_sync_runs_total %d\n", st.Runs)
	fmt.Fprintf(&b, "# TYPE ties_sync_failed_runs_total counter\nties_sync_failed_runs_total %d\n", st.Failed)
	if st.Last != nil {
		ok := 0
		if st.Last.OK {
			ok = 1
		}
		fmt.Fprintf(&b, "# TYPE ties_sync_last_ok gauge\nties_sync_last_ok %d\n", ok)
		fmt.Fprintf(&b, "# TYPE ties_sync_last_finished_seconds gauge\nties_sync_last_finished_seconds %d\n", st.Last.Finished.Unix())
		fmt.Fprintf(&b, "# TYPE ties_sync_last_duration_seconds gauge\nties_sync_last_duration_seconds %.3f\n", st.Last.Finished.Sub(st.Last.Started).Seconds())
		fmt.Fprintf(&b, "# TYPE ties_alerts_pending gauge\nties_alerts_pending %d\n", st.Last.AlertsPending)
		fmt.Fprintf(&b, "# TYPE ties_sync_last_alerts gauge\nties_sync_last_alerts %d\n", st.Last.Alerts)
		b.WriteString("# TYPE ties_sync_source_ok gauge\n")
		for _, so := range st.Last.Sources {
			v := 1
			if so.Status == "failed" {
				v = 0
			}
			fmt.Fprintf(&b, "ties_sync_source_ok{source=%q} %d\n", so.Source, v)
		}
	}
	return b.String()
}
