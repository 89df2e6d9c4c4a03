package http

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ties"
	"ties/analysis"
	"ties/ingest"
	"ties/watch"
)

func readAll(r *http.Request) ([]byte, error) {
	return io.ReadAll(r.Body)
}

// loadResult is one loaded file, as `ties load` reports it.
type loadResult struct {
	File    string            `json:"file"`
	Format  string            `json:"format"`
	Version *ties.ListVersion `json:"version,omitempty"`
	Graph   string            `json:"graph,omitempty"`
	Nodes   int               `json:"nodes,omitempty"`
	Ties    int               `json:"ties,omitempty"`
	Skipped bool              `json:"skipped,omitempty"`
}

type loadResponse struct {
	Results []loadResult       `json:"results"`
	InForce []ties.ListVersion `json:"in_force"`
}

// loadList stores uploaded list or graph files through ingest (as `ties
// load` does), then rebuilds the index and swaps it in. The body is either
// multipart/form-data (parts named "file", several for an OFAC file set;
// fields format, dataset, merge) or the raw file with ?filename=&format=
// &dataset=&merge=.
func (s *Server) loadList(w http.ResponseWriter, r *http.Request) error {
	dir, err := os.MkdirTemp("", uploadDirPattern)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	qv := r.URL.Query()
	fields := map[string]string{"format": qv.Get("format"), "dataset": qv.Get("dataset"), "merge": qv.Get("merge")}
	var paths []string
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return errorf(http.StatusBadRequest, "multipart body: %v", err)
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return uploadErr(err)
			}
			name := part.FormName()
			if part.FileName() == "" {
				if _, ok := fields[name]; !ok {
					return errorf(http.StatusBadRequest, "unknown form field %q: want file, format, dataset or merge", name)
				}
				v, err := io.ReadAll(io.LimitReader(part, 1024))
				if err != nil {
					return uploadErr(err)
				}
				if err := ties.CheckText(string(v)); err != nil {
					return errorf(http.StatusBadRequest, "form field %q: %v", name, err)
				}
				fields[name] = strings.TrimSpace(string(v))
				continue
			}
			if name != "file" {
				return errorf(http.StatusBadRequest, "file part named %q: name file parts \"file\"", name)
			}
			p, err := saveUpload(dir, part.FileName(), part)
			if err != nil {
				return err
			}
			paths = append(paths, p)
		}
	} else {
		name := qv.Get("filename")
		if name == "" {
			name = "upload"
		}
		p, err := saveUpload(dir, name, r.Body)
		if err != nil {
			return err
		}
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		return errorf(http.StatusBadRequest, "no file uploaded: send a multipart part named \"file\" or the file as the body")
	}
	// Versions record the file's name, not our temp directory; each
	// version's audit record commits in the load's own transaction.
	opt := ingest.Options{Format: fields["format"], Dataset: fields["dataset"],
		OriginOf: func(p string) string { return "upload:" + filepath.Base(p) }}
	if v := fields["merge"]; v != "" {
		merge, err := strconv.ParseBool(v)
		if err != nil {
			return errorf(http.StatusBadRequest, "merge %q: want true or false", v)
		}
		opt.Merge = merge
	}
	p := principalOf(r.Context())
	results, err := ingest.Load(ties.WithLoadAudit(r.Context(), ties.LoadAudit{Actor: p.Actor}), s.st, paths, opt)
	if err != nil {
		// The message names the file and line; drop our temp directory.
		msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
		if r.Context().Err() != nil {
			return err
		}
		return errorf(http.StatusBadRequest, "load: %s", msg)
	}
	if s.afterLoadHook != nil {
		s.afterLoadHook()
	}
	// As `ties load` does: link the new entries to the graph, record the
	// change sets and re-check the watches (alerts go to their sinks).
	if _, err := analysis.ProposeLinks(r.Context(), s.st); err != nil {
		return fmt.Errorf("linking after the load: %w", err)
	}
	if err := watch.AfterIngest(r.Context(), s.st, results, io.Discard); err != nil {
		return fmt.Errorf("watches after the load: %w", err)
	}
	if err := s.Reload(r.Context()); err != nil {
		return err
	}
	snap := s.snap.Load()
	resp := loadResponse{Results: []loadResult{}, InForce: snap.versions}
	for _, res := range results {
		resp.Results = append(resp.Results, loadResult{File: filepath.Base(res.Path), Format: res.Format, Version: res.Version,
			Graph: res.Graph, Nodes: res.Nodes, Ties: res.Ties, Skipped: res.Skipped})
	}
	if resp.InForce == nil {
		resp.InForce = []ties.ListVersion{}
	}
	return writeJSON(w, http.StatusCreated, resp)
}

// saveUpload writes one uploaded file under dir, keeping its base name:
// format detection looks at the name (sdn.csv, *.xml, *.gz).
func saveUpload(dir, name string, body io.Reader) (string, error) {
	if err := ties.CheckText(name); err != nil {
		return "", errorf(http.StatusBadRequest, "file name %q: %v", name, err)
	}
	base := filepath.Base(filepath.Clean("/" + strings.ReplaceAll(name, "\\", "/")))
	if base == "/" || base == "." || base == ".." {
		return "", errorf(http.StatusBadRequest, "file name %q: want a plain file name", name)
	}
	p := filepath.Join(dir, base)
	if _, err := os.Stat(p); err == nil {
		return "", errorf(http.StatusBadRequest, "file %q uploaded twice", base)
	}
	f, err := os.Create(p)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", uploadErr(err)
	}
	return p, nil
}

func uploadErr(err error) error {
	var mbe *http.MaxBytesError
	var ae *apiError
	if errors.As(err, &mbe) || errors.As(err, &ae) {
		return err
	}
	return errorf(http.StatusBadRequest, "reading upload: %v", err)
}

// uploadDirPattern names the directories uploads are saved in while they
// load; each is removed when its request ends.
const uploadDirPattern = "ties-upload-"

// removeStaleUploads removes upload directories older than maxAge, left
// behind by a server that was killed while it loaded them. (Younger ones
// may belong to another server loading right now.)
func removeStaleUploads(maxAge time.Duration) (removed int) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), uploadDirPattern+"*"))
	for _, d := range dirs {
		fi, err := os.Lstat(d)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < maxAge {
			continue
		}
		if os.RemoveAll(d) == nil {
			removed++
		}
	}
	return removed
}
