package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"ties"
	tiessync "ties/sync"
	"ties/watch"
	"time"

	"github.com/spf13/cobra"

	"ties/examples"
	tieshttp "ties/http"
	"ties/ingest"
	"ties/web"
)

type serveFlags struct {
	addr      string
	demo      bool
	rate      float64
	burst     int
	maxBatch  int
	grace     time.Duration
	logFormat string
	noUI      bool
	syncEvery time.Duration
}

func newServeCmd(g *globalFlags) *cobra.Command {
	var sf serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--demo]",
		Short: "Serve the JSON API (/v1), the web UI and /metrics",
		Long: `serve answers the JSON API under /v1 (described at /v1/openapi.json) and
serves the web UI at /. Every endpoint but /healthz needs a bearer token:
create one with ` + "`ties token create --role viewer|analyst|admin`" + `.
With --demo (loopback addresses only) requests without a token act as
admin, and an empty store gets the embedded reference case.

Every screening is appended to the audit trail (` + "`ties audit verify`" + `).
SIGINT or SIGTERM stops accepting and lets in-flight requests finish.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd, g, sf)
		},
	}
	f := cmd.Flags()
	f.StringVar(&sf.addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.BoolVar(&sf.demo, "demo", false, "no token needed (loopback addresses only); load the reference case into an empty store")
	f.Float64Var(&sf.rate, "rate", 100, "requests per second per token (0: no limit)")
	f.IntVar(&sf.burst, "burst", 0, "rate limit bucket size (default 2 × --rate)")
	f.IntVar(&sf.maxBatch, "max-batch", 50_000, "most names per screening request")
	f.DurationVar(&sf.grace, "shutdown-timeout", 30*time.Second, "how long in-flight requests may run after SIGINT/SIGTERM")
	f.StringVar(&sf.logFormat, "log-format", "json", "log format on stderr: json or text")
	f.BoolVar(&sf.noUI, "no-ui", false, "do not serve the web UI")
	f.DurationVar(&sf.syncEvery, "sync-every", 0, "fetch the lists, re-check watches and send alerts this often in the background, e.g. 6h (0: never)")
	return cmd
}

func init() {
	// `ties demo` serves after loading when a server is built in.
	demoServe = func(cmd *cobra.Command, g *globalFlags, addr string) error {
		return runServe(cmd, g, serveFlags{addr: addr, demo: true, rate: 100, maxBatch: 50_000, grace: 30 * time.Second, logFormat: "text"})
	}
}

func runServe(cmd *cobra.Command, g *globalFlags, sf serveFlags) error {
	if sf.demo {
		if err := tieshttp.CheckDemoAddr(sf.addr); err != nil {
			return err
		}
	}
	var logger *slog.Logger
	switch sf.logFormat {
	case "json":
		logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	case "text":
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	default:
		return fmt.Errorf("--log-format %q: want json or text", sf.logFormat)
	}
	st, err := g.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	store, ok := st.(tieshttp.Store)
	if !ok {
		return errors.New("this store keeps no tokens or audit trail; serve needs the sqlite or PostgreSQL store")
	}
	ctx := cmd.Context()
	if sf.demo {
		versions, err := st.Versions(ctx)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			res, err := ingest.LoadNative(ctx, st, examples.MicrosoftCASName, examples.MicrosoftCAS, ingest.Options{})
			if err != nil {
				return err
			}
			printResult(cmd.ErrOrStderr(), res)
			if err := proposeLinks(ctx, st); err != nil {
				return err
			}
		}
	}
	opt := tieshttp.Options{
		Store: store, Logger: logger, Demo: sf.demo,
		RateLimit: sf.rate, RateBurst: sf.burst, MaxBatch: sf.maxBatch, ShutdownTimeout: sf.grace,
		WebhookPolicy: watch.DefaultPolicy,
	}
	if !sf.noUI {
		opt.UI = web.FS()
	}
	var sched *tiessync.Schedule // set before the server answers a request
	if sf.syncEvery > 0 {
		opt.SyncStatus = func() any { return sched.Status() }
		opt.SyncGauges = func() map[string]float64 { return sched.Gauges() }
		opt.SyncGaugeNames = tiessync.GaugeNames
	}
	srv, err := tieshttp.New(ctx, opt)
	if err != nil {
		return err
	}
	defer srv.Close()
	if sf.syncEvery > 0 {
		ms, ok := st.(ties.MonitoredStore)
		if !ok {
			return errors.New("--sync-every needs a store that keeps watches")
		}
		// One run at a time: sync, re-evaluate the watches, send alerts,
		// and swap the server's index when a list changed.
		sched = tiessync.RunScheduled(ctx, sf.syncEvery, func(ctx context.Context) tiessync.Outcome {
			o := tiessync.Run(ctx, ms, tiessync.RunOptions{Deliver: watch.DeliverOptions{Stdout: cmd.OutOrStdout()}})
			if len(o.ChangeSets) > 0 {
				if err := srv.Reload(ctx); err != nil {
					logger.Error("reload after sync", "err", err)
				}
			}
			if o.OK {
				logger.Info("sync", "ok", true, "change_sets", len(o.ChangeSets), "alerts", o.Alerts, "pending", o.AlertsPending)
			} else {
				var failed []string
				for _, s := range o.Failed() {
					failed = append(failed, s.Source+": "+s.Error)
				}
				logger.Error("sync", "ok", false, "summary", o.Summary(), "failed", failed, "error", o.Error,
					"change_sets", len(o.ChangeSets), "alerts", o.Alerts, "pending", o.AlertsPending)
			}
			return o
		})
	}
	if err := followStore(ctx, st, srv, logger); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", sf.addr)
	if err != nil {
		return err
	}
	mode := ""
	if sf.demo {
		mode = " (demo: no token needed)"
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "ties: serving http://%s/%s; Ctrl-C stops\n", ln.Addr(), mode)
	return srv.Serve(ctx, ln)
}

// followStore makes a server swap in a new index when another process
// loads a list: another replica on PostgreSQL (LISTEN/NOTIFY), or `ties
// load` from the command line on the same SQLite file (PRAGMA
// data_version). The store notifies, and one rebuild answers each burst of
// notifications.
func followStore(ctx context.Context, st ties.Store, srv *tieshttp.Server, logger *slog.Logger) error {
	sub, ok := st.(interface {
		Subscribe(context.Context) (<-chan int64, error)
	})
	if !ok {
		return nil // a store that no other process writes
	}
	changes, err := sub.Subscribe(ctx)
	if err != nil {
		return err
	}
	go func() {
		for range changes {
			for quiet := false; !quiet; {
				select {
				case _, ok := <-changes:
					if !ok {
						return
					}
				case <-time.After(200 * time.Millisecond):
					quiet = true
				}
			}
			if _, err := srv.ReloadIfChanged(ctx); err != nil {
				logger.Error("reload after a store change", "err", err)
			}
		}
	}()
	return nil
}
