package ingest

import (
	"bytes"
	"fmt"
	"iter"
	"reflect"
	"strings"

	"ties"
	"ties/sources"
)

// Every record and graph entity passes here on its way to the store:
// names longer than ties.MaxNameLength, and text holding a NUL or bytes
// that are not UTF-8, refuse the whole file (the version in force stays),
// naming the file and, where the name can be found in it, the line.

// checkRecords yields records until one breaks a limit, then the error.
func checkRecords(records iter.Seq2[ties.Record, error], files ...string) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		n := 0
		for r, err := range records {
			if err == nil {
				n++
				err = checkEntity(&r.Entity, n, files)
				if err == nil {
					err = checkStrings(reflect.ValueOf(&r.Designations).Elem(), n, r.Entity.ID, files)
				}
			}
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// checkGraph applies the same limits to a graph's entities and ties.
func checkGraph(g *ties.Graph, file string) error {
	for i := range g.Entities {
		if err := checkEntity(&g.Entities[i], i+1, []string{file}); err != nil {
			return err
		}
	}
	for i := range g.Ties {
		if err := checkStrings(reflect.ValueOf(&g.Ties[i]).Elem(), i+1, g.Ties[i].ID, []string{file}); err != nil {
			return err
		}
	}
	// The cycle check every write path of ties runs (the API's too).
	if i, loop := ties.FirstHierarchyCycle(g.Ties); i >= 0 {
		return &sources.Error{File: file, Err: fmt.Errorf("tie %d (%s): cycle in part_of/subsidiary_of/owned_by: %s", i+1, g.Ties[i].ID, strings.Join(loop, " -> "))}
	}
	return nil
}

func checkEntity(e *ties.Entity, n int, files []string) error {
	for _, nm := range e.Names {
		if err := ties.CheckName(nm.Text); err != nil {
			return limitError(files, n, e.ID, "name", nm.Text, err)
		}
	}
	return checkStrings(reflect.ValueOf(e).Elem(), n, e.ID, files)
}

// checkStrings refuses a NUL or bad UTF-8 in any string of v.
func checkStrings(v reflect.Value, n int, id string, files []string) error {
	switch v.Kind() {
	case reflect.String:
		if err := ties.CheckText(v.String()); err != nil {
			return limitError(files, n, id, "text", v.String(), err)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if err := checkStrings(v.Field(i), n, id, files); err != nil {
					return err
				}
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // raw bytes (JSON), not text
		}
		for i := range v.Len() {
			if err := checkStrings(v.Index(i), n, id, files); err != nil {
				return err
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkStrings(v.Elem(), n, id, files)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := checkStrings(it.Value(), n, id, files); err != nil {
				return err
			}
		}
	}
	return nil
}

// limitError names the file and line of the offending text when its first
// bytes can be found in the file, else the record's number and id.
func limitError(files []string, n int, id, what, text string, err error) error {
	// The longest run without a NUL (the NUL itself may be escaped in
	// the file), at most 256 bytes of it.
	probe := ""
	for _, part := range strings.Split(text[:min(len(text), 4096)], "\x00") {
		if len(part) > len(probe) {
			probe = part
		}
	}
	probe = probe[:min(len(probe), 256)]
	for _, f := range files {
		if line := findLine(f, probe); line > 0 {
			return &sources.Error{File: f, Line: line, Field: what, Err: fmt.Errorf("record %d (%s): %s %w", n, id, what, err)}
		}
	}
	file := ""
	if len(files) > 0 {
		file = files[0]
	}
	return &sources.Error{File: file, Field: what, Err: fmt.Errorf("record %d (%s): %s %w", n, id, what, err)}
}

// findLine is the 1-based line of the first occurrence of probe in the
// (decompressed) file, or 0. It streams: the file may be large.
func findLine(path, probe string) int {
	if len(probe) < 8 {
		return 0 // too short to tell one row from another
	}
	f, err := sources.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	p := []byte(probe)
	buf := make([]byte, 0, 64<<10+len(p))
	chunk := make([]byte, 64<<10)
	line := 1
	for {
		k, rerr := f.Read(chunk)
		buf = append(buf, chunk[:k]...)
		if i := bytes.Index(buf, p); i >= 0 {
			return line + bytes.Count(buf[:i], []byte{'\n'})
		}
		// Keep the tail that may hold the start of probe.
		keep := min(len(buf), len(p)-1)
		line += bytes.Count(buf[:len(buf)-keep], []byte{'\n'})
		buf = append(buf[:0], buf[len(buf)-keep:]...)
		if rerr != nil {
			return 0 // io.EOF: not found; another error: no line to give
		}
	}
}
