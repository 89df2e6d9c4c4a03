package sync

import (
	"context"
	"fmt"
	"strings"
	gosync "sync"
	"ties/analysis"
	"time"

	"ties"
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

// Summary is one line saying which sources failed: the failure itself
// when one did ("csl: GET ...: 500 Internal Server Error"), the names
// when several did ("sync failed for 3 of 3 sources: csl, ofac, un"); the
// first error when no source failed but a later step did.
func (o Outcome) Summary() string {
	failed := o.Failed()
	switch len(failed) {
	case 0:
		return o.Error
	case 1:
		return failed[0].Source + ": " + failed[0].Error
	}
	var names []string
	for _, s := range failed {
		names = append(names, s.Source)
	}
	return fmt.Sprintf("sync failed for %d of %d sources: %s", len(failed), len(o.Sources), strings.Join(names, ", "))
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
	_, err := analysis.ProposeLinks(ctx, st)
	return err
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

// GaugeNames are the keys of Gauges, for registering one gauge each.
var GaugeNames = []string{
	"ties_sync_runs_total", "ties_sync_failed_runs_total", "ties_sync_running",
	"ties_sync_last_ok", "ties_sync_last_finished_seconds", "ties_sync_last_duration_seconds",
	"ties_sync_last_alerts", "ties_alerts_pending",
}

// Gauges are the schedule's numbers by metric name (GaugeNames); the
// last-run ones are 0 before the first run ends.
func (s *Schedule) Gauges() map[string]float64 {
	st := s.Status()
	g := map[string]float64{"ties_sync_runs_total": float64(st.Runs), "ties_sync_failed_runs_total": float64(st.Failed)}
	for _, n := range GaugeNames[2:] {
		g[n] = 0
	}
	if st.Running {
		g["ties_sync_running"] = 1
	}
	if l := st.Last; l != nil {
		if l.OK {
			g["ties_sync_last_ok"] = 1
		}
		g["ties_sync_last_finished_seconds"] = float64(l.Finished.Unix())
		g["ties_sync_last_duration_seconds"] = l.Finished.Sub(l.Started).Seconds()
		g["ties_sync_last_alerts"] = float64(l.Alerts)
		g["ties_alerts_pending"] = float64(l.AlertsPending)
	}
	return g
}

// Metrics writes the schedule's state in the Prometheus text format,
// with ties_sync_source_ok{source} for each source of the last run.
func (s *Schedule) Metrics() string {
	st := s.Status()
	g := s.Gauges()
	var b strings.Builder
	for _, n := range GaugeNames {
		kind := "gauge"
		if strings.HasSuffix(n, "_total") {
			kind = "counter"
		}
		fmt.Fprintf(&b, "# TYPE %s %s\n%s %g\n", n, kind, n, g[n])
	}
	if st.Last != nil {
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
