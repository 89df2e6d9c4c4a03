// Package sync fetches the official restricted-party lists and loads each
// as a new version when its content changed. Downloads are streamed to a
// temporary file and verified (HTTP status, content type, size, then a
// successful parse by ingest); network failures are retried with bounded
// exponential backoff; a list far smaller than the version in force is
// refused. Any failure leaves the previous version in force.
package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"ties"
	"ties/ingest"
)

// Source is one official list: where it is published and how to read it.
type Source struct {
	Name    string // what --source names: csl, ofac, ofac-cons, un
	Dataset string // the dataset its versions belong to
	Format  string // the ingest format
	// BaseURL is the folder the files are published in; Files are the
	// names in it, the first the primary one. For OFAC the companion
	// files (aliases, addresses, comments) are optional.
	BaseURL string
	Files   []string
	// ContentTypes are the media types accepted (parameters ignored).
	ContentTypes []string
}

// Official locations. trade.gov publishes the Consolidated Screening List
// as one CSV; OFAC the legacy CSV set (SDN with its companions, and the
// non-SDN consolidated set); the UN Security Council its consolidated
// list as XML.
//
// The DoD 1260H and 1286 lists and the FCC Covered List are published as
// PDFs and web pages; the tables ties reads are the ones OpenSanctions
// keeps of them in its repository (CC-BY-NC-4.0, hence not fetched unless
// asked for). The FtM source is an OpenSanctions dataset export; its
// default is the "sanctions" collection, and --base-url ftm=URL names
// another dataset folder or file.
const (
	DefaultCSLURL  = "https://data.trade.gov/downloadable_consolidated_screening_list/v1"
	DefaultOFACURL = "https://www.treasury.gov/ofac/downloads"
	DefaultUNURL   = "https://scsanctions.un.org/resources/xml/en"

	openSanctionsRepo = "https://raw.githubusercontent.com/opensanctions/opensanctions/main/datasets/us"
	Default1260HURL   = openSanctionsRepo + "/dod_chinese_milcorps"
	Default1286URL    = openSanctionsRepo + "/special_leg/source_files"
	DefaultFCCURL     = openSanctionsRepo + "/fcc_covered_list"
	DefaultFtMURL     = "https://data.opensanctions.org/datasets/latest/sanctions"
)

// csvTypes: servers label CSV many ways; octet-stream is what object
// stores send when they know nothing better. HTML (an error or login
// page) is never accepted.
var (
	csvTypes  = []string{"text/csv", "application/csv", "text/plain", "application/octet-stream", "application/vnd.ms-excel", "text/comma-separated-values"}
	xmlTypes  = []string{"application/xml", "text/xml", "application/octet-stream"}
	jsonTypes = []string{"application/json", "application/x-ndjson", "application/jsonl", "application/json-lines", "text/plain", "application/octet-stream"}
)

// DefaultSources are the lists `ties sync` fetches, in order.
func DefaultSources() []Source {
	return []Source{
		{Name: "csl", Dataset: "csl", Format: "csl", BaseURL: DefaultCSLURL, Files: []string{"consolidated.csv"}, ContentTypes: csvTypes},
		{Name: "ofac", Dataset: "ofac-sdn", Format: "ofac", BaseURL: DefaultOFACURL, Files: []string{"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"}, ContentTypes: csvTypes},
		{Name: "ofac-cons", Dataset: "ofac-cons", Format: "ofac", BaseURL: DefaultOFACURL, Files: []string{"cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"}, ContentTypes: csvTypes},
		{Name: "un", Dataset: "un", Format: "un", BaseURL: DefaultUNURL, Files: []string{"consolidated.xml"}, ContentTypes: xmlTypes},
		{Name: "1260h", Dataset: "1260h", Format: "1260h", BaseURL: Default1260HURL, Files: []string{"sanctions.csv"}, ContentTypes: csvTypes},
		{Name: "1286", Dataset: "1286", Format: "1286", BaseURL: Default1286URL, Files: []string{"section_1286.csv"}, ContentTypes: csvTypes},
		{Name: "fcc", Dataset: "fcc", Format: "fcc", BaseURL: DefaultFCCURL, Files: []string{"table.csv"}, ContentTypes: csvTypes},
		// The dataset is named after the export's folder (ftmDataset).
		{Name: "ftm", Format: "ftm", BaseURL: DefaultFtMURL, Files: []string{"entities.ftm.json"}, ContentTypes: jsonTypes},
	}
}

// ftmDataset names the dataset of an FtM export after its folder, as
// ingest names a file's: ".../datasets/latest/us_ofac_sdn" -> "ftm:us_ofac_sdn".
func ftmDataset(base string) string {
	u := strings.TrimRight(base, "/")
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	name := path.Base(u)
	if name == "" || name == "." || name == "/" {
		name = "export"
	}
	return "ftm:" + strings.ToLower(name)
}

// isFileURL says whether a base URL given by the user names the file
// itself ("https://mirror/lists/cons.csv") rather than its folder.
func isFileURL(u string) bool {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	ext := strings.ToLower(path.Ext(u))
	switch ext {
	case ".csv", ".xml", ".json", ".jsonl", ".ijson", ".gz", ".txt":
		return true
	}
	return false
}

// Options tune a sync.
type Options struct {
	// Sources names the sources to fetch (nil: csl, ofac, un).
	Sources []string
	// BaseURLs replaces the base URL of a source by name.
	BaseURLs map[string]string
	// Client makes the requests (nil: a client with Timeout).
	Client *http.Client
	// Timeout bounds one download attempt, headers and body (0: 5m).
	Timeout time.Duration
	// Attempts per file (0: 4); between them Backoff doubling up to
	// MaxBackoff (0: 2s and 1m). Timeouts, connection errors, truncated
	// bodies, 429 and 5xx are retried; other failures are not.
	Attempts   int
	Backoff    time.Duration
	MaxBackoff time.Duration
	// MaxBytes bounds one file (0: 1 GiB).
	MaxBytes int64
	// MinRatio refuses a new version with fewer rows than this share of
	// the version in force (0: 0.5; negative: no guard).
	MinRatio float64
	// TempDir holds downloads while they load ("": the system's).
	TempDir string
	// Now stamps versions (nil: time.Now).
	Now func() time.Time
	// Log receives one line per retry (nil: discarded).
	Log io.Writer
}

// DefaultSourceNames are fetched when Options.Sources is empty.
var DefaultSourceNames = []string{"csl", "ofac", "un"}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	if o.Attempts <= 0 {
		o.Attempts = 4
	}
	if o.Backoff <= 0 {
		o.Backoff = 2 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 1 << 30
	}
	if o.MinRatio == 0 {
		o.MinRatio = 0.5
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Result is what became of one source.
type Result struct {
	Source   string            `json:"source"`
	URL      string            `json:"url"`
	Version  *ties.ListVersion `json:"version,omitempty"` // the new version, or the one in force when unchanged
	Skipped  bool              `json:"unchanged"`         // same content as the version in force: nothing loaded
	Bytes    int64             `json:"bytes"`
	Attempts int               `json:"attempts"`
	Err      error             `json:"-"`
}

// New reports whether the result is a newly loaded version.
func (r Result) New() bool { return r.Err == nil && r.Version != nil && !r.Skipped }

// Sources resolves names (nil: the defaults) and base URL overrides.
func Sources(names []string, baseURLs map[string]string) ([]Source, error) {
	if len(names) == 0 {
		names = DefaultSourceNames
	}
	all := DefaultSources()
	var known []string
	for _, s := range all {
		known = append(known, s.Name)
	}
	for name := range baseURLs {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("--base-url %s: no source %q (known: %s)", name, name, strings.Join(known, ", "))
		}
	}
	var out []Source
	for _, n := range names {
		i := slices.IndexFunc(all, func(s Source) bool { return s.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("--source %s: unknown source (known: %s)", n, strings.Join(known, ", "))
		}
		s := all[i]
		if u, ok := baseURLs[n]; ok {
			if isFileURL(u) {
				if len(s.Files) > 1 {
					return nil, fmt.Errorf("--base-url %s=%s: %s has several files (%s): give the folder they are in", n, u, n, strings.Join(s.Files, ", "))
				}
				// A file URL: the folder and the file name it gives.
				u, s.Files = u[:strings.LastIndex(u, "/")], []string{path.Base(u)}
			}
			s.BaseURL = u
		}
		if s.Format == "ftm" && s.Dataset == "" {
			s.Dataset = ftmDataset(s.BaseURL)
			if base := strings.TrimSuffix(strings.ToLower(s.Files[0]), ".gz"); base != "entities.ftm.json" {
				s.Dataset = ftmDataset(strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".ftm"))
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Fetch downloads and loads each source in turn; one failing does not stop
// the others. Each result says what happened, with its cause on failure.
func Fetch(ctx context.Context, st ties.Store, opt Options) ([]Result, error) {
	opt.defaults()
	srcs, err := Sources(opt.Sources, opt.BaseURLs)
	if err != nil {
		return nil, err
	}
	var out []Result
	offline := "" // the source whose failure said the network is down
	for _, s := range srcs {
		if offline != "" {
			// The network is down: say so for each source at once rather
			// than wait for each to time out.
			out = append(out, Result{Source: s.Name, URL: fileURL(s.BaseURL, s.Files[0]),
				Err: fmt.Errorf("not tried: %w (%s failed first)", errOffline, offline)})
			continue
		}
		r := fetchOne(ctx, st, s, opt)
		out = append(out, r)
		if errors.Is(r.Err, errOffline) {
			offline = s.Name
		}
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
	}
	return out, nil
}

func fileURL(base, file string) string { return strings.TrimRight(base, "/") + "/" + file }

func fetchOne(ctx context.Context, st ties.Store, s Source, opt Options) Result {
	res := Result{Source: s.Name, URL: fileURL(s.BaseURL, s.Files[0])}
	dir, err := os.MkdirTemp(opt.TempDir, "ties-sync-"+s.Name+"-")
	if err != nil {
		res.Err = err
		return res
	}
	defer os.RemoveAll(dir)
	for i, f := range s.Files {
		n, attempts, err := download(ctx, s, fileURL(s.BaseURL, f), filepath.Join(dir, f), opt)
		res.Bytes += n
		res.Attempts += attempts
		var se *statusError
		if err != nil && i > 0 && errors.As(err, &se) && se.code == http.StatusNotFound {
			continue // an optional companion file not published
		}
		if err != nil {
			res.Err = err
			return res
		}
	}
	g := &guard{Store: st, origin: res.URL, minRatio: opt.MinRatio}
	results, err := ingest.Load(ctx, g, []string{filepath.Join(dir, s.Files[0])}, ingest.Options{
		Format: s.Format, Dataset: s.Dataset, Now: opt.Now,
	})
	if err != nil {
		res.Err = &urlError{url: res.URL, tmp: filepath.Join(dir, s.Files[0]), err: err}
		return res
	}
	if len(results) == 1 {
		res.Version, res.Skipped = results[0].Version, results[0].Skipped
	}
	return res
}

// urlError names the URL where the parser named the temporary file.
type urlError struct {
	url, tmp string
	err      error
}

func (e *urlError) Error() string {
	msg := e.err.Error()
	if strings.Contains(msg, e.tmp) {
		return strings.ReplaceAll(msg, e.tmp, e.url)
	}
	return e.url + ": " + msg
}

func (e *urlError) Unwrap() error { return e.err }

// statusError is an HTTP answer other than 200.
type statusError struct {
	url    string
	code   int
	status string
}

func (e *statusError) Error() string { return fmt.Sprintf("GET %s: %s", e.url, e.status) }

// fetchError says whether a failure is worth retrying.
type fetchError struct {
	err       error
	retryable bool
}

func (e *fetchError) Error() string { return e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }

// errOffline marks failures that say the network is not there (the
// resolver cannot be reached, no route): the other sources are not tried.
var errOffline = errors.New("no network")

// requestError words a failed request once (net/http's own error repeats
// the URL) and says whether to retry it. A name that does not resolve will
// not resolve a second later: DNS failures are not retried.
func requestError(u string, err error) error {
	inner := err
	var ue *neturl.Error
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		why := "no such host: no network, or a wrong host name"
		if !de.IsNotFound {
			why = de.Err + ": the name server cannot be reached"
			return &fetchError{fmt.Errorf("GET %s: cannot resolve %s (%s): %w", u, de.Name, why, errOffline), false}
		}
		return &fetchError{fmt.Errorf("GET %s: cannot resolve %s (%s)", u, de.Name, why), false}
	}
	if errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH) {
		return &fetchError{fmt.Errorf("GET %s: %v: %w", u, inner, errOffline), false}
	}
	return &fetchError{fmt.Errorf("GET %s: %w", u, inner), true}
}

// download fetches url into path, retrying what may pass on a later try.
func download(ctx context.Context, s Source, url, path string, opt Options) (int64, int, error) {
	var last error
	for attempt := 1; attempt <= opt.Attempts; attempt++ {
		if attempt > 1 {
			wait := backoff(opt.Backoff, opt.MaxBackoff, attempt-1)
			fmt.Fprintf(opt.Log, "%s: attempt %d failed (%v); retrying in %s\n", url, attempt-1, last, wait)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return 0, attempt - 1, fmt.Errorf("%s: %w (after %v)", url, ctx.Err(), last)
			case <-t.C:
			}
		}
		n, err := downloadOnce(ctx, s, url, path, opt)
		if err == nil {
			return n, attempt, nil
		}
		last = err
		var fe *fetchError
		if !errors.As(err, &fe) || !fe.retryable || ctx.Err() != nil {
			return n, attempt, err
		}
	}
	return 0, opt.Attempts, fmt.Errorf("%w (gave up after %d attempts)", last, opt.Attempts)
}

func backoff(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

func downloadOnce(ctx context.Context, s Source, url, path string, opt Options) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", "ties-sync/1")
	resp, err := opt.Client.Do(req)
	if err != nil {
		return 0, requestError(url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		se := &statusError{url: url, code: resp.StatusCode, status: resp.Status}
		retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		return 0, &fetchError{se, retry}
	}
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if !slices.Contains(s.ContentTypes, strings.ToLower(mt)) {
		return 0, &fetchError{fmt.Errorf("GET %s: content type %q is not one of %s: not a %s list", url, ct, strings.Join(s.ContentTypes, ", "), s.Name), false}
	}
	if resp.ContentLength > opt.MaxBytes {
		return 0, &fetchError{fmt.Errorf("GET %s: %d bytes announced, more than the limit of %d", url, resp.ContentLength, opt.MaxBytes), false}
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, opt.MaxBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A body cut short (connection closed before Content-Length
		// bytes) or a stalled one (timeout) may pass on the next try.
		return n, &fetchError{fmt.Errorf("GET %s: body cut short after %d bytes: %w", url, n, err), true}
	}
	if n > opt.MaxBytes {
		return n, &fetchError{fmt.Errorf("GET %s: body larger than the limit of %d bytes", url, opt.MaxBytes), false}
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return n, &fetchError{fmt.Errorf("GET %s: body cut short: %d of %d bytes", url, n, resp.ContentLength), true}
	}
	return n, nil
}

// guard stamps the version's origin with the URL (not the temporary file)
// and refuses a list with fewer rows than minRatio of the version in
// force: half a list is a broken download, not half the world delisted.
// It refuses by failing the load, so the store keeps the old version.
type guard struct {
	ties.Store
	origin   string
	minRatio float64
}

// ErrTooSmall is wrapped by the error of a list refused for its size.
var ErrTooSmall = errors.New("list too small")

func (g *guard) LoadVersion(ctx context.Context, v ties.ListVersion, records iter.Seq2[ties.Record, error]) (ties.ListVersion, error) {
	v.Origin = g.origin
	prev := 0
	if vs, err := g.InForce(ctx); err == nil {
		for _, cur := range vs {
			if cur.Dataset == v.Dataset {
				prev = cur.Rows
			}
		}
	}
	if g.minRatio <= 0 || prev == 0 {
		return g.Store.LoadVersion(ctx, v, records)
	}
	need := int(float64(prev)*g.minRatio + 0.999999)
	return g.Store.LoadVersion(ctx, v, func(yield func(ties.Record, error) bool) {
		n := 0
		for r, err := range records {
			if err == nil {
				n++
			}
			if !yield(r, err) || err != nil {
				return
			}
		}
		if n < need {
			yield(ties.Record{}, fmt.Errorf("%w: %d rows, fewer than %.0f%% of the %d rows of the version in force (the size guard; see --min-ratio)",
				ErrTooSmall, n, g.minRatio*100, prev))
		}
	})
}
