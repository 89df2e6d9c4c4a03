package csl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"ties"
	"ties/sources"
)

// ParseJSON reads the CSL in the JSON form of the trade.gov API: an object
// {"total": n, "results": [...]}, a bare array of results, or one result
// object per line. Results carry the CSV fields, with alt_names, programs
// and the like as arrays and addresses and ids as objects; plain strings
// are accepted too. Errors name the line and byte offset.
func ParseJSON(r io.Reader, file string) iter.Seq2[ties.Record, error] {
	return func(yield func(ties.Record, error) bool) {
		lr := sources.NewLineReader(r)
		dec := json.NewDecoder(lr)
		dec.UseNumber()
		fail := func(off int64, field string, err error) {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				err = fmt.Errorf("unexpected end of input: %w", io.ErrUnexpectedEOF)
				off = lr.BytesRead()
			}
			yield(ties.Record{}, &sources.Error{File: file, Line: lr.Line(off), Offset: off, Field: field, Err: err})
		}
		emit := func(obj map[string]json.RawMessage, off int64) bool {
			rw, field, err := rowFromJSON(obj)
			if err == nil {
				var out ties.Record
				out, field, err = rw.build()
				if err == nil {
					return yield(out, nil)
				}
			}
			fail(off, field, err)
			return false
		}
		// streamArray yields the records of an array whose '[' has been read.
		streamArray := func() bool {
			for dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					fail(dec.InputOffset(), "", err)
					return false
				}
				off := dec.InputOffset() - int64(len(raw))
				var obj map[string]json.RawMessage
				if err := json.Unmarshal(raw, &obj); err != nil {
					fail(off, "", fmt.Errorf("want an object: %w", err))
					return false
				}
				if !emit(obj, off) {
					return false
				}
			}
			if _, err := dec.Token(); err != nil { // ']'
				fail(dec.InputOffset(), "", err)
				return false
			}
			return true
		}

		first := true
		for {
			off := dec.InputOffset()
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				if first {
					yield(ties.Record{}, &sources.Error{File: file, Err: errors.New("empty file")})
				}
				return
			}
			if err != nil {
				fail(off, "", err)
				return
			}
			switch tok {
			case json.Delim('['):
				if !streamArray() {
					return
				}
			case json.Delim('{'):
				off = dec.InputOffset() - 1
				// Either the API envelope (with "results") or one result.
				obj := map[string]json.RawMessage{}
				envelope := false
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						fail(dec.InputOffset(), "", err)
						return
					}
					key, _ := kt.(string)
					if key == "results" {
						envelope = true
						t, err := dec.Token()
						if err != nil {
							fail(dec.InputOffset(), "results", err)
							return
						}
						if t == nil {
							continue
						}
						if t != json.Delim('[') {
							fail(dec.InputOffset(), "results", errors.New("results is not an array"))
							return
						}
						if !streamArray() {
							return
						}
						continue
					}
					var v json.RawMessage
					if err := dec.Decode(&v); err != nil {
						fail(dec.InputOffset(), key, err)
						return
					}
					obj[key] = v
				}
				if _, err := dec.Token(); err != nil { // '}'
					fail(dec.InputOffset(), "", err)
					return
				}
				if !envelope && !emit(obj, off) {
					return
				}
			default:
				fail(off, "", fmt.Errorf("unexpected %v: want an object or array", tok))
				return
			}
			first = false
		}
	}
}

func rowFromJSON(obj map[string]json.RawMessage) (row, string, error) {
	var rw row
	var err error
	for k, raw := range obj {
		if !utf8.Valid(raw) {
			return rw, k, errors.New("invalid UTF-8")
		}
	}
	str := func(keys ...string) string {
		for _, k := range keys {
			raw, ok := obj[k]
			if !ok || err != nil {
				continue
			}
			var s string
			if s, err = jsonString(raw); err != nil {
				err = fieldError{k, err}
				return ""
			}
			if s != "" {
				return s
			}
		}
		return ""
	}
	list := func(k string) []string {
		raw, ok := obj[k]
		if !ok || err != nil {
			return nil
		}
		var out []string
		if out, err = jsonStrings(raw); err != nil {
			err = fieldError{k, err}
		}
		return out
	}
	rw.id = str("_id", "id")
	rw.source = str("source")
	rw.entityNumber = str("entity_number")
	rw.kind = str("type")
	rw.programs = strings.Join(list("programs"), "; ")
	rw.name = str("name")
	rw.title = str("title")
	rw.fedReg = str("federal_register_notice")
	rw.start = str("start_date")
	rw.end = str("end_date")
	rw.licensePolicy = str("license_policy")
	rw.callSign = str("call_sign")
	rw.remarks = str("remarks")
	rw.sourceListURL = str("source_list_url")
	rw.sourceInfoURL = str("source_information_url")
	rw.altNames = list("alt_names")
	rw.citizenships = list("citizenships")
	rw.nationalities = list("nationalities")
	rw.datesOfBirth = list("dates_of_birth")
	if err == nil {
		if rw.addresses, err = jsonAddresses(obj["addresses"]); err != nil {
			err = fieldError{"addresses", err}
		}
	}
	if err == nil {
		if rw.ids, err = jsonIDs(obj["ids"]); err != nil {
			err = fieldError{"ids", err}
		}
	}
	if err != nil {
		var fe fieldError
		if errors.As(err, &fe) {
			return rw, fe.field, fe.err
		}
		return rw, "", err
	}
	if rw.id == "" {
		rw.id = rw.entityNumber
	}
	if rw.id == "" {
		return rw, "id", errors.New("result has no id")
	}
	if rw.source == "" {
		return rw, "source", errors.New("result has no source")
	}
	return rw, "", nil
}

type fieldError struct {
	field string
	err   error
}

func (f fieldError) Error() string { return f.err.Error() }

func jsonString(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		if !utf8.ValidString(s) {
			return "", errors.New("invalid UTF-8")
		}
		return strings.TrimSpace(s), nil
	case '[', '{':
		return "", fmt.Errorf("want a string, got %.20s", raw)
	}
	return string(raw), nil // number or bool, as written
}

// jsonStrings reads an array of strings, or a "; "-separated string.
func jsonStrings(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		var out []string
		for _, it := range items {
			s, err := jsonString(it)
			if err != nil {
				return nil, err
			}
			if s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	s, err := jsonString(raw)
	return splitList(s), err
}

type jsonAddress struct {
	Address    string `json:"address"`
	City       string `json:"city"`
	State      string `json:"state"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

func jsonAddresses(raw json.RawMessage) ([]ties.Address, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		s, err := jsonString(raw)
		return parseAddresses(s), err
	}
	var items []jsonAddress
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	var out []ties.Address
	for _, a := range items {
		var parts []string
		for _, p := range []string{a.Address, a.City, a.State, a.PostalCode, a.Country} {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		text := strings.Join(parts, ", ")
		if !utf8.ValidString(text) {
			return nil, errors.New("invalid UTF-8")
		}
		if text == "" {
			continue
		}
		c := strings.TrimSpace(a.Country)
		if len(c) != 2 || !isUpperASCII(c) {
			c = ""
		}
		out = append(out, ties.Address{Text: text, Country: c})
	}
	return out, nil
}

type jsonID struct {
	Type    string `json:"type"`
	Number  string `json:"number"`
	Country string `json:"country"`
}

func jsonIDs(raw json.RawMessage) ([]ties.Identifier, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		s, err := jsonString(raw)
		return parseIDs(s), err
	}
	var items []jsonID
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	var out []ties.Identifier
	for _, it := range items {
		t, n := strings.TrimSpace(it.Type), strings.TrimSpace(it.Number)
		if !utf8.ValidString(t + n) {
			return nil, errors.New("invalid UTF-8")
		}
		if t == "" || n == "" || skipIDTypes[t] || strings.HasSuffix(t, ":") || strings.HasSuffix(t, "-") ||
			strings.Contains(t, "Date") || strings.Contains(t, "Information") {
			continue
		}
		out = append(out, ties.Identifier{Scheme: t, Value: n})
	}
	return out, nil
}
