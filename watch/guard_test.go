package watch

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ties"
	"ties/sqlite"
)

// TestWebhookPolicyCheck: loopback, private, link-local (metadata),
// shared and unspecified destinations are refused unless allowed. Only IP
// literals: nothing is looked up or dialled.
func TestWebhookPolicyCheck(t *testing.T) {
	ctx := context.Background()
	var p WebhookPolicy
	for _, u := range []string{
		"http://127.0.0.1/x", "http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/x",
		"http://192.168.1.5/x", "http://172.16.0.1/x", "http://100.100.100.200/x", "http://0.0.0.0/x", "http://[::ffff:127.0.0.1]/x",
		"http://[fe80::1]/x", "http://[fd00:ec2::254]/x", "http://localhost:9000/x", "https://127.1.2.3/x",
	} {
		if err := p.Check(ctx, u); !errors.Is(err, ErrForbiddenTarget) {
			t.Errorf("%s: %v, want refused", u, err)
		}
	}
	for _, u := range []string{"https://93.184.215.14/hook", "http://[2606:4700::1111]/x"} {
		if err := p.Check(ctx, u); err != nil {
			t.Errorf("%s: %v, want allowed", u, err)
		}
	}
	allow, err := ParseAllow("127.0.0.1:9000, 10.20.0.0/16 ,hooks.internal")
	if err != nil {
		t.Fatal(err)
	}
	p = WebhookPolicy{Allow: allow}
	for u, ok := range map[string]bool{
		"http://127.0.0.1:9000/x": true, "http://127.0.0.1:9001/x": false, "http://10.20.3.4/x": true,
		"http://10.21.0.1/x": false, "https://hooks.internal/x": true, "http://169.254.169.254/": false,
	} {
		if err := p.Check(ctx, u); (err == nil) != ok {
			t.Errorf("allow %v, %s: %v", allow, u, err)
		}
	}
	if _, err := ParseAllow("10.0.0.0/33"); err == nil {
		t.Error("ParseAllow took a bad CIDR")
	}
}

// TestWebhookPolicyAtDialTime: a guarded delivery to a loopback receiver
// is refused when it dials (the alert stays pending, nothing arrives);
// once an admin allows the receiver's address, it is delivered.
func TestWebhookPolicyAtDialTime(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(t.TempDir() + "/ties.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got++ }))
	defer srv.Close()
	w, err := st.AddWatch(ctx, ties.Watch{Kind: ties.WatchRoster, Sink: "webhook:" + srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.EnqueueAlerts(ctx, []ties.Alert{{WatchID: w.ID, Sink: "webhook:" + srv.URL, Body: json.RawMessage(`{"n":1}`)}}); err != nil {
		t.Fatal(err)
	}
	opt := DeliverOptions{Attempts: 1, Backoff: time.Millisecond, All: true, Stdout: io.Discard, Policy: &WebhookPolicy{}}
	res, err := Flush(ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if got != 0 || res.Delivered != 0 || res.Pending != 1 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "loopback") {
		t.Fatalf("unallowed loopback webhook: %d received, %+v", got, res)
	}
	opt.Policy = &WebhookPolicy{Allow: []string{strings.TrimPrefix(srv.URL, "http://")}}
	if res, err = Flush(ctx, st, opt); err != nil || got != 1 || res.Delivered != 1 {
		t.Fatalf("allowed loopback webhook: %d received, %+v, %v", got, res, err)
	}
}
