package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"ties"
)

// Text from clients is checked at the edge, before it reaches a store or
// another request's write: a NUL character or bytes that are not UTF-8 in
// any JSON string, query parameter, path parameter or upload file name are
// refused with a 400 naming the field. (encoding/json would silently turn
// bad UTF-8 into U+FFFD; refusing it keeps what is screened and audited
// exactly what the client sent.)

// checkJSONText walks the JSON document raw (already decoded once, so
// syntactically valid) and refuses the first string, key or value, that
// ties.CheckText refuses, naming it by its path: name, names[3],
// roster[2].name.
func checkJSONText(raw []byte) error {
	if utf8.Valid(raw) && bytes.IndexByte(raw, 0) < 0 && !bytes.Contains(raw, []byte(`\u0000`)) {
		return nil // the usual case: one pass, no tokenizing
	}
	type frame struct {
		obj       bool
		expectKey bool
		key       string
		idx       int
	}
	var stack []frame
	path := func(extraKey string) string {
		var b strings.Builder
		for i, f := range stack {
			if f.obj {
				k := f.key
				if i == len(stack)-1 && extraKey != "" {
					k = extraKey
				}
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(k)
			} else {
				b.WriteString("[" + strconv.Itoa(f.idx) + "]")
			}
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	advance := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.obj {
			top.expectKey = true
		} else {
			top.idx++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			// Malformed JSON is reported by the decoder proper; bad bytes
			// outside strings make it malformed.
			if !utf8.Valid(raw[start:]) {
				return errorf(http.StatusBadRequest, "request body is not valid UTF-8")
			}
			return nil
		}
		end := dec.InputOffset()
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				stack = append(stack, frame{obj: tok == '{', expectKey: true})
			default:
				stack = stack[:len(stack)-1]
				advance()
			}
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].expectKey
			where := path("")
			if isKey {
				where = path(tok)
			}
			if !utf8.Valid(raw[start:end]) {
				return errorf(http.StatusBadRequest, "field %q: is not valid UTF-8", where)
			}
			if err := ties.CheckText(tok); err != nil {
				return errorf(http.StatusBadRequest, "field %q: %v", where, err)
			}
			if isKey {
				top := &stack[len(stack)-1]
				top.key, top.expectKey = tok, false
			} else {
				advance()
			}
		default:
			advance()
		}
	}
}

// checkRequestText refuses a request whose path parameters or query
// parameters (names and values) hold a NUL or bad UTF-8.
func checkRequestText(r *http.Request, rt route) error {
	for rest := rt.Path; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		name := strings.TrimSuffix(rest[i+1:i+j], "...")
		if err := ties.CheckText(r.PathValue(name)); err != nil {
			return errorf(http.StatusBadRequest, "path parameter %q: %v", name, err)
		}
		rest = rest[i+j+1:]
	}
	for k, vs := range r.URL.Query() {
		if err := ties.CheckText(k); err != nil {
			return errorf(http.StatusBadRequest, "query parameter name: %v", err)
		}
		for _, v := range vs {
			if err := ties.CheckText(v); err != nil {
				return errorf(http.StatusBadRequest, "query parameter %q: %v", k, err)
			}
		}
	}
	return nil
}
