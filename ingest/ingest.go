// Package ingest reads list and graph files from disk and stores them: it
// opens each file (gunzipping when needed), detects its format, hashes its
// content, streams it through the format's parser and hands the records to
// the store as one new version. It is the one place where files meet the
// pure parsers, shared by the CLI and the server.
package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"ties"
	"ties/sources"
	"ties/sources/aspi"
	"ties/sources/csl"
	"ties/sources/ftm"
	"ties/sources/native"
	"ties/sources/ofac"
	"ties/sources/openalex"
	"ties/sources/ror"
	"ties/sources/un"
	"ties/sources/uscn"
)

// Options controls one load.
type Options struct {
	// Format names the parser; "" detects it from the file.
	Format string
	// Dataset names the versioned dataset the file replaces; "" takes the
	// default for the format ("csl", "ofac-sdn", "un", ...).
	Dataset string
	// Merge makes the new version the previous version in force of the
	// dataset with the file's entries added or replaced (by entity id),
	// for partial files such as a handful of new Entity List rows.
	Merge bool
	// SkipUnchanged loads nothing when the content hash equals the version
	// in force (used by sync).
	SkipUnchanged bool
	// GraphOnly loads only the graph of a native file, not its
	// hand-written list rows (when the real lists are loaded instead).
	GraphOnly bool
	// Now stamps the version; nil uses time.Now.
	Now func() time.Time
	// Origin is what a version records as where it came from; nil records
	// the file's absolute path. (The server records "upload:<name>", not
	// its temporary directory.)
	Origin func(path string) string
}

// Result says what one file (or file set) became.
type Result struct {
	Path    string
	Format  string
	Version *ties.ListVersion // list records stored as a new version
	Graph   string            // graph source replaced, if any
	Nodes   int
	Ties    int
	Skipped bool // unchanged content, nothing loaded
}

// Load stores each path. It stops at the first failure; versions stored by
// earlier paths stay, and the failed path leaves its dataset as it was.
func Load(ctx context.Context, st ties.Store, paths []string, opt Options) ([]Result, error) {
	var results []Result
	for _, p := range groupFileSets(paths) {
		r, err := loadOne(ctx, st, p, opt)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

// listFormats parse one reader into list records.
var listFormats = map[string]func(io.Reader, string) iter.Seq2[ties.Record, error]{
	"csl":      csl.Parse,
	"csl-json": csl.ParseJSON,
	"ftm":      ftm.Parse,
	"un":       un.Parse,
	"uscn":     uscn.ParseAuto,
}

// graphFormats parse one reader into graph entities and ties.
var graphFormats = map[string]func(io.Reader, string) (ties.Graph, error){
	"ror":      ror.Parse,
	"openalex": openalex.Parse,
	// A snapshot part holds works without authors (grants, datasets): the
	// snapshot format skips and counts them where the strict one fails.
	"openalex-snapshot": openalex.ParseSnapshot,
	"aspi":              aspi.Parse,
}

func init() {
	for _, m := range uscn.Mappings() {
		listFormats[m.Name] = withMapping(m.Name)
	}
}

func withMapping(name string) func(io.Reader, string) iter.Seq2[ties.Record, error] {
	return func(r io.Reader, file string) iter.Seq2[ties.Record, error] {
		m, ok := uscn.MappingByName(name)
		if !ok {
			return func(yield func(ties.Record, error) bool) {
				yield(ties.Record{}, &sources.Error{File: file, Err: fmt.Errorf("no column mapping named %q", name)})
			}
		}
		return uscn.Parse(r, file, m)
	}
}

// Formats lists the format names Load accepts.
func Formats() []string {
	fs := []string{"ties", "ofac"}
	for f := range listFormats {
		fs = append(fs, f)
	}
	for f := range graphFormats {
		fs = append(fs, f)
	}
	sort.Strings(fs)
	return fs
}

func loadOne(ctx context.Context, st ties.Store, fs fileSet, opt Options) (Result, error) {
	format := opt.Format
	if format == "" {
		var err error
		if format, err = detect(fs.primary); err != nil {
			return Result{}, err
		}
	}
	res := Result{Path: fs.primary, Format: format}
	switch format {
	case "ties":
		return loadNative(ctx, st, fs.primary, opt, res)
	case "ofac":
		fs = ofacSet(fs.primary)
	}
	if parse, ok := graphFormats[format]; ok {
		return loadGraph(ctx, st, fs.primary, format, parse, res)
	}
	parse, ok := listFormats[format]
	if format == "ofac" {
		parse, ok = parseOFAC(fs), true
	}
	if !ok {
		return res, fmt.Errorf("%s: unknown format %q (known: %s)", fs.primary, format, strings.Join(Formats(), ", "))
	}
	hash, err := hashFiles(fs.all())
	if err != nil {
		return res, err
	}
	dataset := opt.Dataset
	if dataset == "" {
		dataset = defaultDataset(format, fs.primary)
	}
	if opt.SkipUnchanged && !opt.Merge {
		if cur, ok := inForce(ctx, st, dataset); ok && cur.Hash == hash {
			res.Skipped, res.Version = true, &cur
			return res, nil
		}
	}
	f, err := sources.Open(fs.primary)
	if err != nil {
		return res, err
	}
	defer f.Close()
	records := checkRecords(requireRows(parse(f, fs.primary), fs.primary), fs.all()...)
	if opt.Merge {
		records = mergeWith(ctx, st, dataset, records)
	}
	v, err := st.LoadVersion(ctx, ties.ListVersion{
		Dataset:  dataset,
		Format:   format,
		Hash:     hash,
		LoadedAt: now(opt),
		DataDate: dataDate(fs.primary, format),
		Origin:   origin(opt, fs.primary),
	}, records)
	if err != nil {
		return res, err
	}
	res.Version = &v
	return res, nil
}

func loadNative(ctx context.Context, st ties.Store, path string, opt Options, res Result) (Result, error) {
	data, err := readAll(path)
	if err != nil {
		return res, err
	}
	return LoadNative(ctx, st, path, data, opt)
}

func readAll(path string) ([]byte, error) {
	f, err := sources.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, &sources.Error{File: path, Err: err}
	}
	return data, nil
}

// LoadNative stores a native file held in memory (such as the embedded
// reference case): its graph replaces the graph source "ties:<base name>",
// and its hand-written list rows become a new version of their dataset
// (unless opt.GraphOnly).
func LoadNative(ctx context.Context, st ties.Store, path string, data []byte, opt Options) (Result, error) {
	res := Result{Path: path, Format: "ties"}
	doc, err := native.Parse(bytes.NewReader(data), path)
	if err != nil {
		return res, err
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	source := "ties:" + filepath.Base(path)
	if len(doc.Records) > 0 && !opt.GraphOnly {
		dataset := opt.Dataset
		if dataset == "" {
			dataset = source
		}
		v, err := st.LoadVersion(ctx, ties.ListVersion{
			Dataset: dataset, Format: "ties", Hash: hash, LoadedAt: now(opt), Origin: origin(opt, path),
		}, checkRecords(recordsOf(doc.Records), path))
		if err != nil {
			return res, err
		}
		res.Version = &v
	}
	if err := checkGraph(&doc.Graph, path); err != nil {
		return res, err
	}
	if err := st.PutGraph(ctx, source, doc.Graph); err != nil {
		return res, err
	}
	res.Graph, res.Nodes, res.Ties = source, len(doc.Graph.Entities), len(doc.Graph.Ties)
	return res, nil
}

func recordsOf(rs []ties.Record) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// requireRows turns a file that yields no record into an error: an empty
// list file is a broken download, not a list with nobody on it.
func requireRows(records iter.Seq2[ties.Record, error], file string) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		n := 0
		for r, err := range records {
			if err == nil {
				n++
			}
			if !yield(r, err) || err != nil {
				return
			}
		}
		if n == 0 {
			yield(ties.Record{}, &sources.Error{File: file, Err: errors.New("no records: the file is empty or holds no list entries")})
		}
	}
}

// mergeWith yields the file's records, then every entry of the version in
// force of dataset that the file did not replace.
func mergeWith(ctx context.Context, st ties.Store, dataset string, records iter.Seq2[ties.Record, error]) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		seen := map[string]bool{}
		for r, err := range records {
			if err != nil {
				yield(r, err)
				return
			}
			seen[r.Entity.ID] = true
			if !yield(r, nil) {
				return
			}
		}
		cur, ok := inForce(ctx, st, dataset)
		if !ok {
			return
		}
		for e, err := range st.Entries(ctx, cur.ID) {
			if err != nil {
				yield(ties.Record{}, err)
				return
			}
			if seen[e.Entity.ID] {
				continue
			}
			if !yield(e.Record, nil) {
				return
			}
		}
	}
}

func inForce(ctx context.Context, st ties.Store, dataset string) (ties.ListVersion, bool) {
	vs, err := st.InForce(ctx)
	if err != nil {
		return ties.ListVersion{}, false
	}
	for _, v := range vs {
		if v.Dataset == dataset {
			return v, true
		}
	}
	return ties.ListVersion{}, false
}

func hashFile(path string) (string, error) { return hashFiles([]string{path}) }

// hashFiles is the sha256 of the files' content (after gunzip), in order.
// Read errors are left to the parser, which reports them with the line
// reached.
func hashFiles(paths []string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		f, err := sources.Open(p)
		if err != nil {
			return "", err
		}
		io.Copy(h, f) //nolint:errcheck // the parser reports read errors with their line
		f.Close()
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func loadGraph(ctx context.Context, st ties.Store, path, format string, parse func(io.Reader, string) (ties.Graph, error), res Result) (Result, error) {
	f, err := sources.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	g, err := parse(f, path)
	if err != nil {
		if format == "openalex" && strings.Contains(err.Error(), "no authorships") {
			err = fmt.Errorf("%w (an OpenAlex snapshot part may hold works without authors: load it with --format openalex-snapshot to skip them)", err)
		}
		return res, err
	}
	if len(g.Entities) == 0 {
		return res, &sources.Error{File: path, Err: errors.New("no records: the file is empty or holds no entities")}
	}
	if err := checkGraph(&g, path); err != nil {
		return res, err
	}
	source := format
	if strings.HasPrefix(format, "openalex") {
		source = "openalex:" + filepath.Base(path)
	}
	if err := st.PutGraph(ctx, source, g); err != nil {
		return res, err
	}
	res.Graph, res.Nodes, res.Ties = source, len(g.Entities), len(g.Ties)
	return res, nil
}

// parseOFAC reads an OFAC CSV set; companion files that are missing are
// left out (an SDN set without addresses still screens).
func parseOFAC(fs fileSet) func(io.Reader, string) iter.Seq2[ties.Record, error] {
	return func(primary io.Reader, name string) iter.Seq2[ties.Record, error] {
		return func(yield func(ties.Record, error) bool) {
			set := ofac.Files{Primary: primary, PrimaryName: name}
			for _, c := range []struct {
				path string
				r    *io.Reader
				name *string
			}{{fs.alt, &set.Alt, &set.AltName}, {fs.addr, &set.Addr, &set.AddrName}, {fs.comments, &set.Comments, &set.CommentsName}} {
				if c.path == "" {
					continue
				}
				f, err := sources.Open(c.path)
				if err != nil {
					yield(ties.Record{}, err)
					return
				}
				defer f.Close()
				*c.r, *c.name = f, c.path
			}
			for r, err := range ofac.Parse(set) {
				if !yield(r, err) || err != nil {
					return
				}
			}
		}
	}
}

func dataDate(path, format string) ties.Date {
	if format != "un" {
		return ties.Date{}
	}
	f, err := sources.Open(path)
	if err != nil {
		return ties.Date{}
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	d, _ := un.DataDate(head[:n])
	return d
}

func defaultDataset(format, path string) string {
	base := strings.ToLower(filepath.Base(path))
	switch format {
	case "csl", "csl-json":
		return "csl"
	case "ofac":
		if strings.HasPrefix(base, "cons") {
			return "ofac-cons"
		}
		return "ofac-sdn"
	case "uscn":
		return strings.TrimSuffix(base, filepath.Ext(base))
	}
	return format
}

func now(opt Options) time.Time {
	if opt.Now != nil {
		return opt.Now().UTC()
	}
	return time.Now().UTC()
}

func origin(opt Options, p string) string {
	if opt.Origin != nil {
		return opt.Origin(p)
	}
	return absPath(p)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// fileSet is one logical input: most formats are one file, the OFAC CSV
// set is a primary file with its alias, address and comments files beside
// it.
type fileSet struct {
	primary, alt, addr, comments string
}

func (fs fileSet) all() []string {
	out := []string{fs.primary}
	for _, p := range []string{fs.alt, fs.addr, fs.comments} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// groupFileSets turns the paths given into inputs: a folder holding an
// OFAC set becomes its primary file, and OFAC companion files named beside
// their primary are read with it rather than on their own.
func groupFileSets(paths []string) []fileSet {
	var primaries []string
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			for _, name := range []string{"sdn.csv", "SDN.CSV", "cons_prim.csv", "CONS_PRIM.CSV"} {
				if _, err := os.Stat(filepath.Join(p, name)); err == nil {
					p = filepath.Join(p, name)
					break
				}
			}
		}
		primaries = append(primaries, p)
	}
	companion := map[string]bool{}
	for _, p := range primaries {
		fs := ofacSet(p)
		for _, c := range []string{fs.alt, fs.addr, fs.comments} {
			if c != "" {
				companion[filepath.Clean(c)] = true
			}
		}
	}
	var out []fileSet
	for _, p := range primaries {
		if !companion[filepath.Clean(p)] {
			out = append(out, fileSet{primary: p})
		}
	}
	return out
}

// ofacSet finds the companion files of an OFAC primary file that exist.
func ofacSet(primary string) fileSet {
	fs := fileSet{primary: primary}
	base := strings.ToLower(filepath.Base(primary))
	if base != "sdn.csv" && base != "cons_prim.csv" {
		return fs
	}
	alt, addr, comments := ofac.Companions(primary)
	exists := func(p string) string {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		return ""
	}
	fs.alt, fs.addr, fs.comments = exists(alt), exists(addr), exists(comments)
	return fs
}

func detect(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", &sources.Error{File: path, Err: err}
	}
	format, err := sources.Detect(path, head[:n])
	if err != nil {
		return "", fmt.Errorf("%w (give --format to say which)", err)
	}
	return format, nil
}
