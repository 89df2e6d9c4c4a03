package watch

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"ties"
)

// Sink kinds.
const (
	SinkStdout  = "stdout"
	SinkFile    = "file"
	SinkWebhook = "webhook"
)

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the body>" keyed with
// the watch's secret; AlertIDHeader the outbox id, so a receiver can drop
// the duplicate that a crash between sending and recording may cause.
const (
	SignatureHeader = "X-Ties-Signature"
	AlertIDHeader   = "X-Ties-Alert-Id"
)

// ParseSink checks a sink: "stdout", "file:PATH" or "webhook:URL" (http or
// https). It returns the kind and the target.
func ParseSink(s string) (kind, target string, err error) {
	if s == SinkStdout {
		return SinkStdout, "", nil
	}
	kind, target, ok := strings.Cut(s, ":")
	switch {
	case ok && kind == SinkFile && target != "":
		return kind, target, nil
	case ok && kind == SinkWebhook:
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", "", fmt.Errorf("sink %q: want webhook:http(s)://host/path", s)
		}
		if !validHost(u.Hostname()) {
			// "webhook:https://..." (the placeholder in the docs) parses,
			// but names no host an alert could reach.
			return "", "", fmt.Errorf("sink %q: %q is not a host name or IP address: want webhook:http(s)://host/path", s, u.Hostname())
		}
		return kind, target, nil
	}
	return "", "", fmt.Errorf("sink %q: want stdout, file:PATH or webhook:URL", s)
}

// validHost accepts an IP address or a DNS name: dot-separated labels of
// letters, digits and hyphens, none empty or longer than 63 bytes, none
// starting or ending with a hyphen.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// Sign is the X-Ties-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body, in constant time.
func Verify(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// DeliverOptions tune Flush.
type DeliverOptions struct {
	// Client posts webhooks (nil: Policy's client, else DefaultPolicy's,
	// else a plain client, each with Timeout).
	Client  *http.Client
	Policy  *WebhookPolicy
	Timeout time.Duration // per webhook attempt; 0: 10s
	// Attempts is how many times one Flush tries an alert (0: 3); between
	// tries it waits Backoff, doubling up to MaxBackoff (0: 1s and 1m).
	// An alert still failing stays in the outbox for the next Flush, due
	// after the next backoff.
	Attempts   int
	Backoff    time.Duration
	MaxBackoff time.Duration
	// All delivers every pending alert now, even those whose next
	// attempt is not due yet (`ties alerts flush`).
	All    bool
	Stdout io.Writer // the stdout sink (nil: os.Stdout)
	Now    func() time.Time
}

func (o *DeliverOptions) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Policy == nil {
		o.Policy = DefaultPolicy
	}
	if o.Client == nil && o.Policy != nil {
		o.Client = o.Policy.Client(o.Timeout)
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	if o.Attempts <= 0 {
		o.Attempts = 3
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Backoff is the wait after the n-th failed attempt (n >= 1): base
// doubled n-1 times, at most max.
func Backoff(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// FlushResult counts what a Flush did.
type FlushResult struct {
	Delivered int
	Pending   int      // still in the outbox after this flush
	Errors    []string // last error of each alert left pending
}

// Flush delivers the pending alerts of the outbox, oldest first. Each
// attempt is recorded in the store before the next, so a restart picks up
// where this one stopped.
func Flush(ctx context.Context, st ties.MonitorStore, opt DeliverOptions) (FlushResult, error) {
	opt.defaults()
	var res FlushResult
	due := opt.Now()
	if opt.All {
		due = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	pending, err := st.PendingAlerts(ctx, due)
	if err != nil {
		return res, err
	}
	if len(pending) == 0 {
		return res, nil
	}
	watches, err := st.Watches(ctx)
	if err != nil {
		return res, err
	}
	secrets := map[int64]string{}
	for _, w := range watches {
		secrets[w.ID] = w.Secret
	}
	// A sink that failed every attempt is not tried again for the other
	// alerts of this flush: a dead receiver must not stall the others.
	dead := map[string]error{}
	for _, a := range pending {
		if err, ok := dead[a.Sink]; ok {
			res.Pending++
			res.Errors = append(res.Errors, fmt.Sprintf("alert %d (watch %d, %s): not tried: %v", a.ID, a.WatchID, a.Sink, err))
			continue
		}
		attempts := a.Attempts
		var lastErr error
		for try := 0; try < opt.Attempts; try++ {
			if try > 0 {
				if err := sleep(ctx, Backoff(opt.Backoff, opt.MaxBackoff, attempts)); err != nil {
					return res, err
				}
			}
			lastErr = deliver(ctx, a, secrets[a.WatchID], opt)
			attempts++
			now := opt.Now()
			if lastErr == nil {
				if err := st.MarkAlert(ctx, a.ID, true, now, "", time.Time{}); err != nil {
					return res, err
				}
				res.Delivered++
				break
			}
			if err := st.MarkAlert(ctx, a.ID, false, now, lastErr.Error(), now.Add(Backoff(opt.Backoff, opt.MaxBackoff, attempts))); err != nil {
				return res, err
			}
			if errors.Is(lastErr, errPermanent) {
				break
			}
		}
		if lastErr != nil {
			dead[a.Sink] = lastErr
			res.Pending++
			res.Errors = append(res.Errors, fmt.Sprintf("alert %d (watch %d, %s): %v", a.ID, a.WatchID, a.Sink, lastErr))
		}
	}
	return res, nil
}

var errPermanent = errors.New("not retried")

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func deliver(ctx context.Context, a ties.Alert, secret string, opt DeliverOptions) error {
	kind, target, err := ParseSink(a.Sink)
	if err != nil {
		return fmt.Errorf("%w (%w)", err, errPermanent)
	}
	line := append(append([]byte{}, a.Body...), '\n')
	switch kind {
	case SinkStdout:
		_, err := opt.Stdout.Write(line)
		return err
	case SinkFile:
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		if _, err := f.Write(line); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(a.Body))
	if err != nil {
		return fmt.Errorf("%w (%w)", err, errPermanent)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(AlertIDHeader, strconv.FormatInt(a.ID, 10))
	if secret != "" {
		req.Header.Set(SignatureHeader, Sign(secret, a.Body))
	}
	resp, err := opt.Client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // drained for reuse only
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s answered %s", target, resp.Status)
	}
	return nil
}
