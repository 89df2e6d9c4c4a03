package ofac

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"ties/sources"
)

var fieldNames = map[int][]string{
	primaryFields:  {"ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks"},
	altFields:      {"ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"},
	addrFields:     {"ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks"},
	commentsFields: {"ent_num", "remarks_extended"},
}

// readRows reads a headerless OFAC CSV file of want columns and calls row
// with each row's line and cleaned fields ("-0-" -> ""). A Ctrl-Z (0x1A)
// line, which OFAC puts at the end of its files, ends the file. Only an
// empty primary file is an error: a set may have no aliases or addresses.
func readRows(r io.Reader, file string, want int, latin1 bool, row func(line int, fields []string) error) error {
	if latin1 {
		r = &windows1252Reader{r: bufio.NewReader(r)}
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	names := fieldNames[want]
	fields := make([]string, want)
	lastLine, rows := 0, 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if rows == 0 && want == primaryFields {
				return &sources.Error{File: file, Err: errors.New("empty file")}
			}
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &sources.Error{File: file, Line: pe.Line, Err: pe.Err}
			}
			return &sources.Error{File: file, Line: lastLine + 1, Err: fmt.Errorf("reading: %w", err)}
		}
		line, _ := cr.FieldPos(0)
		lastLine = line
		if len(rec) == 1 && strings.Trim(rec[0], "\x1a \t") == "" {
			if rows == 0 && want == primaryFields {
				return &sources.Error{File: file, Err: errors.New("empty file")}
			}
			return nil
		}
		if len(rec) != want {
			return &sources.Error{File: file, Line: line, Err: fmt.Errorf("wrong number of fields: %d, want %d", len(rec), want)}
		}
		for i, v := range rec {
			if !utf8.ValidString(v) {
				l, _ := cr.FieldPos(i)
				return &sources.Error{File: file, Line: l, Field: names[i], Err: errors.New("invalid UTF-8 (if the file is Windows-1252, say so with Files.Latin1)")}
			}
			v = strings.TrimSpace(v)
			if v == "-0-" {
				v = ""
			}
			fields[i] = v
		}
		if fields[0] == "" || strings.Trim(fields[0], "0123456789") != "" {
			return &sources.Error{File: file, Line: line, Field: "ent_num", Err: fmt.Errorf("ent_num %q is not a number", fields[0])}
		}
		rows++
		if err := row(line, fields); err != nil {
			return err
		}
	}
}

// windows1252Reader transcodes Windows-1252 bytes to UTF-8.
type windows1252Reader struct {
	r   *bufio.Reader
	buf []byte
}

// cp1252 holds the characters of bytes 0x80-0x9F; the rest of the high
// half is Latin-1.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

func (w *windows1252Reader) Read(p []byte) (int, error) {
	for len(w.buf) < len(p) {
		b, err := w.r.ReadByte()
		if err != nil {
			if len(w.buf) > 0 {
				break
			}
			return 0, err
		}
		switch {
		case b < 0x80:
			w.buf = append(w.buf, b)
		case b < 0xA0:
			w.buf = utf8.AppendRune(w.buf, cp1252[b-0x80])
		default:
			w.buf = utf8.AppendRune(w.buf, rune(b))
		}
	}
	n := copy(p, w.buf)
	w.buf = w.buf[:copy(w.buf, w.buf[n:])]
	return n, nil
}
