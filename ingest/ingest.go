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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
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
	// Reload stores a new version even when the content equals the
	// version in force; without it such a load stores nothing and says
	// so (Result.Skipped).
	Reload bool
	// GraphOnly loads only the graph of a native file, not its
	// hand-written list rows (when the real lists are loaded instead).
	GraphOnly bool
	// Now stamps the version; nil uses time.Now.
	Now func() time.Time
	// Origin, for LoadNative, says where data held in memory came from
	// (e.g. embedded in the binary); "" records the path's absolute form.
	Origin string
	// OriginOf, when set, is what a version loaded from a file records as
	// where it came from instead of the file's absolute path. (The server
	// records "upload:<name>", not its temporary directory.)
	OriginOf func(path string) string
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
	// DroppedTies counts the FtM relations left out because an end is not
	// an entity of the file.
	DroppedTies int
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
	"csl":        csl.Parse,
	"csl-json":   csl.ParseJSON,
	"csl-legacy": csl.ParseLegacy,
	"ftm":        ftm.Parse,
	"ofac-xml":   ofac.ParseXMLFile,
	"un":         un.Parse,
	"uscn":       uscn.ParseAuto,
}

// graphFormats parse one reader into graph entities and ties.
var graphFormats = map[string]func(io.Reader, string) (ties.Graph, error){
	"ror": ror.Parse,
	// Works. A snapshot part holds works without authors (grants,
	// datasets): they are kept as publications without ties, so a part
	// loads whole. "openalex-snapshot" is the older name of the same.
	"openalex":              openalex.ParseSnapshot,
	"openalex-snapshot":     openalex.ParseSnapshot,
	"openalex-institutions": openalex.ParseInstitutions,
	"openalex-authors":      openalex.ParseAuthors,
	"aspi":                  aspi.Parse,
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
	if !opt.Reload && !opt.Merge {
		if cur, ok := inForce(ctx, st, dataset); ok && cur.Hash == hash {
			res.Skipped, res.Version = true, &cur
			if hasParents(format) {
				// A version loaded before lists gave ties has none: make
				// them (the tables are small).
				return res, ensureParentTies(ctx, st, dataset, fs.primary, parse, &res)
			}
			return res, nil
		}
	}
	f, err := sources.Open(fs.primary)
	if err != nil {
		return res, err
	}
	defer f.Close()
	// Ties the list gives: FtM relation entities, and the parent companies
	// the US-China tables name.
	var relations []ties.Tie
	if format == "ftm" {
		parse = func(r io.Reader, file string) iter.Seq2[ties.Record, error] {
			return ftm.ParseWith(r, file, ftm.Options{Ties: func(t ties.Tie) { relations = append(relations, t) }})
		}
	}
	records := checkRecords(requireRows(parse(f, fs.primary), fs.primary), fs.all()...)
	origin := originOf(opt, fs.primary)
	if opt.Merge {
		// A merged version is the version in force with the file's rows
		// added or replaced: it names every file it came from, in order,
		// and its hash is that of its content, so merging the same rows
		// again stores nothing.
		var merged []ties.Record
		for r, err := range mergeWith(ctx, st, dataset, records) {
			if err != nil {
				return res, err
			}
			merged = append(merged, r)
		}
		if hash, err = contentHash(merged); err != nil {
			return res, err
		}
		if cur, ok := inForce(ctx, st, dataset); ok {
			if cur.Hash == hash && !opt.Reload {
				res.Skipped, res.Version = true, &cur
				return res, nil
			}
			origin = cur.Origin + " + " + origin
		}
		records = recordsOf(merged)
	}
	var kept []ties.Record
	if hasParents(format) {
		records = tap(records, &kept)
	}
	v, err := st.LoadVersion(ctx, ties.ListVersion{
		Dataset:  dataset,
		Format:   format,
		Hash:     hash,
		LoadedAt: now(opt),
		DataDate: dataDate(fs.primary, format),
		Origin:   origin,
	}, records)
	if err != nil {
		return res, err
	}
	res.Version = &v
	// The version is in force; its ties replace those of the dataset's
	// previous version (graph source "list:<dataset>").
	switch {
	case hasParents(format):
		err = putListGraph(ctx, st, dataset, uscn.ParentGraph(kept), 0, &res)
	case format == "ftm" && opt.Merge && len(relations) == 0:
		// Entries added to the dataset, no relations: its ties stay.
	case format == "ftm":
		err = putFtMGraph(ctx, st, dataset, fs.primary, relations, &res)
	}
	return res, err
}

// hasParents: the US-China tables, whose rows may name a parent company.
func hasParents(format string) bool {
	if format == "uscn" {
		return true
	}
	_, ok := uscn.MappingByName(format)
	return ok
}

// ensureParentTies puts the parent ties of an unchanged table when the
// store lacks them (its version was loaded by a release that made none).
func ensureParentTies(ctx context.Context, st ties.Store, dataset, path string, parse func(io.Reader, string) iter.Seq2[ties.Record, error], res *Result) error {
	f, err := sources.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var recs []ties.Record
	for r, err := range parse(f, path) {
		if err != nil {
			return err
		}
		recs = append(recs, r)
	}
	g := uscn.ParentGraph(recs)
	if len(g.Ties) == 0 {
		return nil
	}
	if _, found, err := st.GraphEntity(ctx, g.Ties[0].From); err != nil || found {
		return err
	}
	return putListGraph(ctx, st, dataset, g, 0, res)
}

// tap yields records and keeps a copy of each.
func tap(records iter.Seq2[ties.Record, error], kept *[]ties.Record) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		for r, err := range records {
			if err == nil {
				*kept = append(*kept, r)
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

// ListGraphSource is the graph source that holds the ties a list dataset
// gives (FtM relations, 1260H parents).
func ListGraphSource(dataset string) string { return "list:" + dataset }

// putListGraph replaces the dataset's ties with g (an empty g clears
// them).
func putListGraph(ctx context.Context, st ties.Store, dataset string, g ties.Graph, dropped int, res *Result) error {
	source := ListGraphSource(dataset)
	if err := st.PutGraph(ctx, source, g); err != nil {
		return fmt.Errorf("%s: list version %d stored, but its ties were not: %w", res.Path, res.Version.ID, err)
	}
	if len(g.Ties) > 0 {
		res.Graph, res.Nodes, res.Ties = source, len(g.Entities), len(g.Ties)
	}
	res.DroppedTies = dropped
	return nil
}

// putFtMGraph stores the FtM relations read from path as ties between the
// file's entities. The file is read a second time for the entities at the
// ends of the relations (so only those are held); a relation whose end is
// not a thing entity of the file is dropped and counted.
func putFtMGraph(ctx context.Context, st ties.Store, dataset, path string, relations []ties.Tie, res *Result) error {
	if len(relations) == 0 {
		return putListGraph(ctx, st, dataset, ties.Graph{}, 0, res)
	}
	ends := map[string]bool{}
	for _, t := range relations {
		ends[t.From], ends[t.To] = true, true
	}
	f, err := sources.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var g ties.Graph
	found := map[string]bool{}
	for r, err := range ftm.Parse(f, path) {
		if err != nil {
			return err
		}
		if ends[r.Entity.ID] && !found[r.Entity.ID] {
			found[r.Entity.ID] = true
			g.Entities = append(g.Entities, r.Entity)
		}
	}
	dropped := 0
	for _, t := range relations {
		if found[t.From] && found[t.To] {
			g.Ties = append(g.Ties, t)
		} else {
			dropped++
		}
	}
	return putListGraph(ctx, st, dataset, g, dropped, res)
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
		origin := opt.Origin
		if origin == "" {
			origin = originOf(opt, path)
		}
		if cur, ok := inForce(ctx, st, dataset); ok && cur.Hash == hash && !opt.Reload {
			res.Skipped, res.Version = true, &cur
		} else {
			v, err := st.LoadVersion(ctx, ties.ListVersion{
				Dataset: dataset, Format: "ties", Hash: hash, LoadedAt: now(opt), Origin: origin,
			}, checkRecords(recordsOf(doc.Records), path))
			if err != nil {
				return res, err
			}
			res.Version = &v
		}
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

// contentHash is the sha256 of records in entity-id order, as JSON: two
// record sets with the same entries have the same hash whatever the order
// of the files they came from.
func contentHash(records []ties.Record) (string, error) {
	sorted := slices.Clone(records)
	slices.SortStableFunc(sorted, func(a, b ties.Record) int { return strings.Compare(a.Entity.ID, b.Entity.ID) })
	h := sha256.New()
	enc := json.NewEncoder(h)
	for i := range sorted {
		if err := enc.Encode(&sorted[i]); err != nil {
			return "", err
		}
	}
	return "content:" + hex.EncodeToString(h.Sum(nil)), nil
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
	if format != "un" && format != "ofac-xml" {
		return ties.Date{}
	}
	f, err := sources.Open(path)
	if err != nil {
		return ties.Date{}
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	if format == "ofac-xml" {
		d, _ := ofac.XMLPublishDate(head[:n])
		return d
	}
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
	case "ofac-xml":
		// The same datasets as the CSV sets, so that switching form
		// replaces the list rather than adding a second copy.
		if ofac.IsNonSDNXML(path) {
			return "ofac-cons"
		}
		return "ofac-sdn"
	case "uscn":
		return strings.TrimSuffix(base, filepath.Ext(base))
	case "ftm":
		// Each FtM file is a dataset of its own (an OpenSanctions export
		// per source list): "ftm:<file name>", or "ftm:<folder>" for the
		// usual <dataset>/entities.ftm.json.
		name := base
		for _, ext := range []string{".gz", ".json", ".jsonl", ".ijson", ".ftm"} {
			name = strings.TrimSuffix(name, ext)
		}
		if name == "entities" || name == "" {
			// The folder names the dataset, unless it is a temporary one
			// (an upload to the server, a download by sync).
			dir := filepath.Base(filepath.Dir(path))
			if dir != "." && dir != string(filepath.Separator) && !strings.HasPrefix(dir, "ties-upload-") && !strings.HasPrefix(dir, "ties-sync-") {
				name = strings.ToLower(dir)
			}
		}
		if name == "" {
			name = "entities"
		}
		return "ftm:" + name
	case "csl-legacy":
		// One file per list in practice (el.csv, meu.csv): each its own
		// dataset, named after the file.
		base = strings.TrimSuffix(base, ".gz")
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

func originOf(opt Options, p string) string {
	if opt.OriginOf != nil {
		return opt.OriginOf(p)
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
// OFAC set becomes its primary file (the CSV set first, else sdn.xml or
// consolidated.xml), and OFAC companion files named beside
// their primary are read with it rather than on their own.
func groupFileSets(paths []string) []fileSet {
	var primaries []string
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			for _, name := range []string{"sdn.csv", "SDN.CSV", "cons_prim.csv", "CONS_PRIM.CSV", "sdn.xml", "SDN.XML", "consolidated.xml", "CONSOLIDATED.XML"} {
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
