package eval

import (
	"compress/gzip"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"

	"ties"
	"ties/match"
	"ties/sources/csl"
	"ties/sources/ofac"
	"ties/sources/un"
)

// LoadLists reads the lists the evaluations screen against from dataDir
// (the shared data folder): CSL 2022-05, OFAC SDN 2021-07 and the UN
// consolidated list, and returns them as entries ready for match.Build.
func LoadLists(dataDir string) ([]ties.Entry, error) {
	var all []ties.Entry
	cslPath := filepath.Join(dataDir, "csl", "consolidated-2022-05.csv.gz")
	recs, err := readCSL(cslPath)
	if err != nil {
		return nil, err
	}
	all = append(all, match.Entries(recs, 1, "csl")...)
	recs, err = readSDN(filepath.Join(dataDir, "ofac", "2021-07"))
	if err != nil {
		return nil, err
	}
	all = append(all, match.Entries(recs, 2, "ofac-sdn")...)
	recs, err = readUN(filepath.Join(dataDir, "un", "UN_consolidated.xml"))
	if err != nil {
		return nil, err
	}
	all = append(all, match.Entries(recs, 3, "un")...)
	return all, nil
}

func readCSL(path string) ([]ties.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return collect(csl.Parse(zr, path))
}

// readSDN reads OFAC's legacy SDN CSV set (sdn.csv with its alt, add and
// comments companions) in dir.
func readSDN(dir string) ([]ties.Record, error) {
	primary := filepath.Join(dir, "sdn.csv")
	alt, addr, comments := ofac.Companions(primary)
	set := ofac.Files{PrimaryName: primary, AltName: alt, AddrName: addr, CommentsName: comments}
	for _, f := range []struct {
		name string
		r    *io.Reader
	}{{primary, &set.Primary}, {alt, &set.Alt}, {addr, &set.Addr}, {comments, &set.Comments}} {
		fh, err := os.Open(f.name)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		*f.r = fh
	}
	return collect(ofac.Parse(set))
}

// readUN reads the UN consolidated list XML.
func readUN(path string) ([]ties.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return collect(un.Parse(f, path))
}

func collect(seq iter.Seq2[ties.Record, error]) ([]ties.Record, error) {
	var recs []ties.Record
	for r, err := range seq {
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}
