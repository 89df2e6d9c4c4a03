package http

import (
	"context"
	"log/slog"
	"sync"

	"ties"
)

// auditor appends audit records with group commit: requests queue their
// records, one goroutine appends everything queued in one transaction and
// wakes the requests. Each screening still waits until its record is
// durable, but a busy server pays one commit (one fsync) for many
// screenings instead of one each.
type auditor struct {
	st   ties.AuditStore
	log  *slog.Logger
	reqs chan *auditReq
	done chan struct{}
	once sync.Once
}

type auditReq struct {
	recs []ties.AuditRecord
	out  []ties.AuditRecord
	err  error
	done chan struct{}
}

// maxGroup bounds the records one commit takes, so the write lock is never
// held long enough to stall list loads or other writers.
const maxGroup = 2048

func newAuditor(st ties.AuditStore, log *slog.Logger) *auditor {
	a := &auditor{st: st, log: log, reqs: make(chan *auditReq, 1024), done: make(chan struct{})}
	go a.run()
	return a
}

func (a *auditor) run() {
	defer close(a.done)
	for req := range a.reqs {
		group := []*auditReq{req}
		n := len(req.recs)
	drain:
		for n < maxGroup {
			select {
			case more, ok := <-a.reqs:
				if !ok {
					break drain
				}
				group = append(group, more)
				n += len(more.recs)
			default:
				break drain
			}
		}
		a.commit(group, n)
	}
}

// commit appends the records of a group of requests in one transaction.
// If that fails, each request's records are appended on their own, so a
// record the store refuses fails only the request that sent it, never the
// others that happened to share its commit.
func (a *auditor) commit(group []*auditReq, n int) {
	all := make([]ties.AuditRecord, 0, n)
	for _, g := range group {
		all = append(all, g.recs...)
	}
	// Not the request's context: a client that hangs up after its
	// screening ran must not lose the record of it.
	out, err := a.st.AppendAudit(context.Background(), all)
	if err == nil {
		i := 0
		for _, g := range group {
			g.out = out[i : i+len(g.recs)]
			i += len(g.recs)
			close(g.done)
		}
		return
	}
	if len(group) == 1 {
		a.log.Error("audit append failed", "records", len(all), "err", err)
		group[0].err = err
		close(group[0].done)
		return
	}
	a.log.Warn("audit group append failed; appending request by request", "requests", len(group), "records", len(all), "err", err)
	for _, g := range group {
		g.out, g.err = a.st.AppendAudit(context.Background(), g.recs)
		if g.err != nil {
			a.log.Error("audit append failed", "records", len(g.recs), "err", g.err)
		}
		close(g.done)
	}
}

// append queues recs and waits until they are committed.
func (a *auditor) append(ctx context.Context, recs []ties.AuditRecord) ([]ties.AuditRecord, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	req := &auditReq{recs: recs, done: make(chan struct{})}
	select {
	case a.reqs <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	<-req.done // once queued, wait for the outcome even if ctx ends
	return req.out, req.err
}

func (a *auditor) close() {
	a.once.Do(func() { close(a.reqs) })
	<-a.done
}
