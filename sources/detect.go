package sources

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Formats Detect returns. The list formats "csl", "csl-json",
// "csl-legacy" (the older "Source List" layout), "ofac" (the CSV set),
// "ofac-xml" (sdn.xml, consolidated.xml) and "un" have parsers in
// sources/csl, sources/ofac and sources/un; "ftm", "ror", "aspi" and
// "ties" (the native format) have their own packages; "openalex" (works),
// "openalex-institutions" and "openalex-authors" are the readers of
// sources/openalex, chosen by the entity type in the file; "1260h",
// "1286", "889", "5949", "154", "fcc", "mieu" and "cn-counter" are the
// table mappings of sources/uscn.
const (
	FormatCSL                  = "csl"
	FormatCSLJSON              = "csl-json"
	FormatCSLLegacy            = "csl-legacy"
	FormatOFAC                 = "ofac"
	FormatOFACXML              = "ofac-xml"
	FormatUN                   = "un"
	FormatFtM                  = "ftm"
	Format1260H                = "1260h"
	Format1286                 = "1286"
	FormatFCC                  = "fcc"
	FormatROR                  = "ror"
	FormatOpenAlex             = "openalex"
	FormatOpenAlexInstitutions = "openalex-institutions"
	FormatOpenAlexAuthors      = "openalex-authors"
	FormatASPI                 = "aspi"
	FormatTies                 = "ties"
	FormatNDAA889              = "889"
	FormatNDAA5949             = "5949"
	FormatNDAA154              = "154"
	FormatMIEU                 = "mieu"
	FormatCNCounter            = "cn-counter"
)

// Detect names the format of a file from its path and first bytes (a few
// KB are enough; 64 KB is plenty). A gzip head is decompressed as far as it
// goes. Files that are not loadable on their own (OFAC alias and address
// files, unsupported formats) give an error that says what they are.
func Detect(path string, head []byte) (string, error) {
	if IsGzip(head) {
		head = gunzipHead(head)
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	fail := func(format string, args ...any) (string, error) {
		return "", &Error{File: path, Err: fmt.Errorf(format, args...)}
	}
	base := strings.ToLower(filepath.Base(path))
	base = strings.TrimSuffix(base, ".gz")
	if strings.HasSuffix(base, ".ties") || isNative(head) {
		return FormatTies, nil
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return fail("empty file")
	}
	switch trimmed[0] {
	case '<':
		return detectXML(path, trimmed)
	case '{', '[':
		return detectJSON(path, trimmed)
	}
	return detectCSV(path, base, head)
}

// gunzipHead decompresses as much of a cut gzip stream as it can.
func gunzipHead(head []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(head))
	if err != nil {
		return nil
	}
	var out bytes.Buffer
	io.Copy(&out, io.LimitReader(zr, 1<<20)) // the error is the cut: keep what came
	return out.Bytes()
}

// isNative: the ties format starts with a "ties N" version line, possibly
// after comments; a first line "# ties" also marks it.
func isNative(head []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(head))
	first := true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if first && (line == "# ties" || strings.HasPrefix(line, "# ties ")) {
			return true
		}
		first = false
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		return len(f) == 2 && f[0] == "ties" && strings.Trim(f[1], "0123456789") == ""
	}
	return false
}

func detectXML(path string, head []byte) (string, error) {
	// The root element is the first start tag that is not <?...?> or <!...>.
	rest := head
	for {
		i := bytes.IndexByte(rest, '<')
		if i < 0 || i+1 >= len(rest) {
			break
		}
		rest = rest[i+1:]
		if rest[0] == '?' || rest[0] == '!' {
			continue
		}
		end := bytes.IndexAny(rest, " \t\r\n>/")
		if end < 0 {
			end = len(rest)
		}
		switch root := string(rest[:end]); root {
		case "CONSOLIDATED_LIST":
			return FormatUN, nil
		case "sdnList":
			// sdn.xml and consolidated.xml alike; the file name tells them
			// apart (ofac.IsNonSDNXML).
			return FormatOFACXML, nil
		default:
			return "", &Error{File: path, Err: fmt.Errorf("unknown XML format (root element <%s>)", root)}
		}
	}
	return "", &Error{File: path, Err: errors.New("unknown XML format (no root element in the first bytes)")}
}

func detectJSON(path string, head []byte) (string, error) {
	has := func(s string) bool { return bytes.Contains(head, []byte(s)) }
	switch {
	case has(`"china-defence-universities"`) && has(`"values"`):
		return FormatASPI, nil
	case has(`"federal_register_notice"`) || has(`"alt_names"`) && has(`"source"`):
		return FormatCSLJSON, nil
	case has(`"authorships"`) || has(`"publication_year"`) || idValueHasPrefix(head, "https://openalex.org/W"):
		// OpenAlex works (one, an array, or a snapshot part).
		return FormatOpenAlex, nil
	case idValueHasPrefix(head, "https://openalex.org/A") || idValueHasPrefix(head, "https://openalex.org/") && has(`"orcid"`):
		// Authors have an orcid key; institutions have none (their ids are
		// ror, grid, mag, wikidata).
		return FormatOpenAlexAuthors, nil
	case idValueHasPrefix(head, "https://openalex.org/I") || idValueHasPrefix(head, "https://openalex.org/") && has(`"associated_institutions"`):
		return FormatOpenAlexInstitutions, nil
	case idValueHasPrefix(head, "https://ror.org/"):
		return FormatROR, nil
	case has(`"schema"`) && has(`"properties"`):
		return FormatFtM, nil
	}
	return "", &Error{File: path, Err: errors.New("unknown JSON format")}
}

// idValueHasPrefix reports whether some "id" key in head has a string
// value starting with prefix, whatever the spacing ("id":"x", "id": "x").
func idValueHasPrefix(head []byte, prefix string) bool {
	key := []byte(`"id"`)
	for rest := head; ; {
		i := bytes.Index(rest, key)
		if i < 0 {
			return false
		}
		rest = rest[i+len(key):]
		v := bytes.TrimLeft(rest, " \t\r\n")
		if len(v) == 0 || v[0] != ':' {
			continue
		}
		v = bytes.TrimLeft(v[1:], " \t\r\n")
		if len(v) > 0 && v[0] == '"' && bytes.HasPrefix(v[1:], []byte(prefix)) {
			return true
		}
	}
}

func detectCSV(path, base string, head []byte) (string, error) {
	fail := func(format string, args ...any) (string, error) {
		return "", &Error{File: path, Err: fmt.Errorf(format, args...)}
	}
	// Only complete lines: the head may end mid-row.
	if i := bytes.LastIndexByte(head, '\n'); i >= 0 && i < len(head)-1 {
		head = head[:i+1]
	}
	cr := csv.NewReader(bytes.NewReader(head))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return fail("unknown format: %v", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	hasCols := func(names ...string) bool {
		for _, n := range names {
			if _, ok := cols[n]; !ok {
				return false
			}
		}
		return true
	}
	switch {
	case hasCols("_id", "source", "name") || hasCols("id", "source", "name", "alt_names"):
		return FormatCSL, nil
	case len(header) >= 5 && strings.EqualFold(strings.Join(header[:5], ","), "Name,Clean Name,Alias,Previous Name,Parent Name"):
		return Format1260H, nil
	case hasCols("covered_equipment_or_services", "date_of_inclusion_on_covered_list"):
		return FormatFCC, nil
	case hasCols("schema", "name", "aliases", "topics", "program"):
		// OpenSanctions program tables: which one the program column says.
		rows, _ := cr.ReadAll() // a cut last line is harmless here
		for _, r := range rows {
			if p := cols["program"]; p < len(r) {
				prog := r[p]
				for _, f := range []string{Format1286, FormatNDAA5949, FormatNDAA889, FormatNDAA154} {
					if strings.Contains(prog, "Section "+f+" ") {
						return f, nil
					}
				}
			}
		}
		return fail("OpenSanctions program table for an unknown program")
	case hasCols("type", "name", "alias", "country", "program") && bytes.Contains(head, []byte("US-BIS-MIEU")):
		return FormatMIEU, nil
	case hasCols("type", "name", "chinese name", "body", "list"):
		return FormatCNCounter, nil
	case hasCols("source list", "name"):
		// The older trade.gov CSL layout, and BIS's per-list files in it.
		return FormatCSLLegacy, nil
	}
	// The OFAC legacy CSV files have no header: number + quoted name.
	if isOFACRow(header) {
		switch len(header) {
		case 12:
			return FormatOFAC, nil
		case 5:
			return fail("OFAC alias file: load it with its primary file (sdn.csv or cons_prim.csv)")
		case 6:
			return fail("OFAC address file: load it with its primary file (sdn.csv or cons_prim.csv)")
		case 2:
			return fail("OFAC comments file: load it with its primary file (sdn.csv or cons_prim.csv)")
		}
	}
	if base == "sdn.csv" || base == "cons_prim.csv" {
		return FormatOFAC, nil
	}
	return fail("unknown format (header %.80q)", strings.Join(header, ","))
}

func isOFACRow(fields []string) bool {
	if len(fields) < 2 {
		return false
	}
	n := strings.TrimSpace(fields[0])
	return n != "" && strings.Trim(n, "0123456789") == ""
}
