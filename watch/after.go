package watch

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"ties"
	"ties/changes"
	"ties/ingest"
)

// ChangeSetFor returns the change set leading to version v: the stored
// one, or one computed against the previous version of v's dataset (the
// newest with a smaller id) and stored. `ties sync` and `ties load` record
// it when they load; versions loaded before monitoring existed get theirs
// on first demand.
func ChangeSetFor(ctx context.Context, st ties.MonitoredStore, v ties.ListVersion, now time.Time) (ties.ChangeSet, error) {
	if cs, ok, err := st.ChangeSet(ctx, v.ID); err != nil || ok {
		return cs, err
	}
	all, err := st.Versions(ctx)
	if err != nil {
		return ties.ChangeSet{}, err
	}
	var prev *ties.ListVersion
	for i := range all {
		p := &all[i]
		if p.Dataset == v.Dataset && p.ID < v.ID && (prev == nil || p.ID > prev.ID) {
			prev = p
		}
	}
	var old []ties.Entry
	var from int64
	if prev != nil {
		from = prev.ID
		if old, err = collect(ctx, st, prev.ID); err != nil {
			return ties.ChangeSet{}, err
		}
	}
	cur, err := collect(ctx, st, v.ID)
	if err != nil {
		return ties.ChangeSet{}, err
	}
	cs := changes.Compute(v.Dataset, from, v.ID, old, cur, now)
	if err := st.PutChangeSet(ctx, cs); err != nil {
		return cs, err
	}
	return cs, nil
}

func collect(ctx context.Context, st ties.Store, id int64) ([]ties.Entry, error) {
	var out []ties.Entry
	for e, err := range st.Entries(ctx, id) {
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Summary says what AfterLoad did.
type Summary struct {
	ChangeSets []ties.ChangeSet
	Watches    int
	Alerts     int // enqueued
	Flush      FlushResult
}

// AfterLoad is what follows new list versions: their change sets are
// recorded, every watch is re-evaluated, and the outbox is flushed. With
// no new version it only flushes (alerts left from an earlier run).
func AfterLoad(ctx context.Context, st ties.MonitoredStore, versions []ties.ListVersion, opt Options, dopt DeliverOptions) (Summary, error) {
	var sum Summary
	now := opt.now()
	for _, v := range versions {
		cs, err := ChangeSetFor(ctx, st, v, now)
		if err != nil {
			return sum, fmt.Errorf("change set of %s version %d: %w", v.Dataset, v.ID, err)
		}
		sum.ChangeSets = append(sum.ChangeSets, cs)
	}
	if len(versions) > 0 {
		res, err := Evaluate(ctx, st, sum.ChangeSets, opt)
		if err != nil {
			return sum, fmt.Errorf("re-evaluating watches: %w", err)
		}
		sum.Watches, sum.Alerts = res.Watches, len(res.Alerts)
	}
	fr, err := Flush(ctx, st, dopt)
	sum.Flush = fr
	return sum, err
}

// AfterIngest is AfterLoad for `ties load`: it takes the new versions
// among results (skipped, unchanged files are not new), does nothing for
// a store without monitoring, and prints one line of what it did to out.
func AfterIngest(ctx context.Context, st ties.Store, results []ingest.Result, out io.Writer) error {
	ms, ok := st.(ties.MonitoredStore)
	if !ok {
		return nil
	}
	var versions []ties.ListVersion
	graph := false
	for _, r := range results {
		if r.Version != nil && !r.Skipped {
			versions = append(versions, *r.Version)
		}
		graph = graph || r.Graph != ""
	}
	if len(versions) == 0 && !graph {
		return nil
	}
	var sum Summary
	for _, v := range versions {
		cs, err := ChangeSetFor(ctx, ms, v, time.Now())
		if err != nil {
			return fmt.Errorf("change set of %s version %d: %w", v.Dataset, v.ID, err)
		}
		sum.ChangeSets = append(sum.ChangeSets, cs)
	}
	// A new graph alone may change exposures too, so it re-evaluates.
	res, err := Evaluate(ctx, ms, sum.ChangeSets, Options{})
	if err != nil {
		return fmt.Errorf("re-evaluating watches: %w", err)
	}
	sum.Watches, sum.Alerts = res.Watches, len(res.Alerts)
	sum.Flush, err = Flush(ctx, ms, DeliverOptions{Stdout: out})
	PrintSummary(out, sum)
	return err
}

// PrintSummary writes one line per change set and one for the alerts.
func PrintSummary(out io.Writer, sum Summary) {
	for _, cs := range sum.ChangeSets {
		fmt.Fprintf(out, "%s version %d: %d added, %d removed, %d amended since version %d\n", cs.Dataset, cs.To, cs.Added, cs.Removed, cs.Amended, cs.From)
	}
	if sum.Watches > 0 || sum.Alerts > 0 || sum.Flush.Delivered > 0 || sum.Flush.Pending > 0 {
		fmt.Fprintf(out, "watches re-evaluated: %d; alerts: %d new, %d delivered, %d pending\n", sum.Watches, sum.Alerts, sum.Flush.Delivered, sum.Flush.Pending)
	}
	for _, e := range sum.Flush.Errors {
		fmt.Fprintln(out, "  pending:", e)
	}
}

// ChangeSetsSince lists the change sets of the versions with an id above
// afterID and loaded at or after since (either may be zero), optionally
// of one dataset, oldest first; missing ones are computed and stored.
func ChangeSetsSince(ctx context.Context, st ties.MonitoredStore, dataset string, afterID int64, since time.Time) ([]ties.ChangeSet, []ties.ListVersion, error) {
	all, err := st.Versions(ctx)
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(all, func(a, b ties.ListVersion) int { return int(a.ID - b.ID) })
	var sets []ties.ChangeSet
	var versions []ties.ListVersion
	now := time.Now()
	for _, v := range all {
		if v.ID <= afterID || (!since.IsZero() && v.LoadedAt.Before(since)) || (dataset != "" && v.Dataset != dataset) {
			continue
		}
		cs, err := ChangeSetFor(ctx, st, v, now)
		if err != nil {
			return nil, nil, err
		}
		sets = append(sets, cs)
		versions = append(versions, v)
	}
	return sets, versions, nil
}
