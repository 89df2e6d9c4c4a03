package http

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// minRateBody makes a client send its body at no less than a minimum
// average rate (after a grace period), so a trickling client cannot hold
// a connection and a worker for the whole (long) time limit of a batch
// route: before each read, the connection's read deadline is set to when
// the next byte is due at that rate. A client that falls behind gets 408.
type minRateBody struct {
	body     io.ReadCloser
	ctl      *http.ResponseController
	start    time.Time
	grace    time.Duration
	rate     float64   // bytes a second
	deadline time.Time // the route's own time limit
	n        int64
}

func (b *minRateBody) Read(p []byte) (int, error) {
	due := b.start.Add(b.grace + time.Duration(float64(b.n+1)/b.rate*float64(time.Second)))
	if due.After(b.deadline) {
		due = b.deadline
	}
	_ = b.ctl.SetReadDeadline(due)
	k, err := b.body.Read(p)
	b.n += int64(k)
	if errors.Is(err, io.EOF) {
		// Once the body is done, the route's own deadline again: net/http
		// reads on in the background and would take a passed deadline
		// for the client going away (and cancel the request). After any
		// other error the deadline stays passed, so the server does not
		// wait on the rest of a trickling body before it answers.
		_ = b.ctl.SetReadDeadline(b.deadline)
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		return k, errorf(http.StatusRequestTimeout, "the request body arrived too slowly: %d bytes in %s; send at least %.0f bytes a second (after the first %s)",
			b.n, time.Since(b.start).Round(time.Millisecond), b.rate, b.grace)
	}
	return k, err
}

func (b *minRateBody) Close() error { return b.body.Close() }
