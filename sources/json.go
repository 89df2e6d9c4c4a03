package sources

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The JSON readers (ROR, OpenAlex, ...) share this: they accept the same
// shapes of input and report errors the same way.

// DecodeObjects calls fn for each top-level JSON object of r: JSON lines,
// a single object, concatenated objects or one array of objects. line is
// the line the object starts on.
func DecodeObjects(r io.Reader, file string, fn func(raw json.RawMessage, line int) error) error {
	lr := NewLineReader(r)
	br := bufio.NewReaderSize(lr, 64<<10)
	var base int64 // bytes consumed before the decoder starts (a BOM)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		base = 3
	}
	c, err := peekNonSpace(br)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return &Error{File: file, Err: err}
	}
	dec := json.NewDecoder(br)
	lineAt := func(off int64) int { return lr.Line(base + off) }
	inArray := c == '['
	if inArray {
		if _, err := dec.Token(); err != nil {
			return &Error{File: file, Line: 1, Err: err}
		}
	}
	for {
		if inArray && !dec.More() {
			if _, err := dec.Token(); err != nil {
				return &Error{File: file, Line: lineAt(dec.InputOffset()), Err: fmt.Errorf("JSON: %w", err)}
			}
			if _, err := dec.Token(); err != io.EOF {
				return &Error{File: file, Line: lineAt(dec.InputOffset()), Err: errors.New("data after the closing ]")}
			}
			return nil
		}
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF && !inArray {
			return nil
		}
		if err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				err = io.ErrUnexpectedEOF
				off = lr.BytesRead() - base // the input ended inside a value
			}
			return &Error{File: file, Line: lineAt(off), Err: fmt.Errorf("JSON: %w", err)}
		}
		line := lineAt(dec.InputOffset() - int64(len(raw)))
		if len(raw) == 0 || raw[0] != '{' {
			return Errorf(file, line, "want a JSON object, got %.20s", raw)
		}
		if err := fn(raw, line); err != nil {
			return err
		}
	}
}

// peekNonSpace returns the first byte after JSON white space without
// consuming anything.
func peekNonSpace(br *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		head, err := br.Peek(n)
		if len(head) < n {
			if err == nil {
				err = io.EOF
			}
			if err == bufio.ErrBufferFull {
				return 0, errors.New("more than 64 KiB of white space before the first value")
			}
			return 0, err
		}
		switch b := head[n-1]; b {
		case ' ', '\t', '\n', '\r':
		default:
			return b, nil
		}
	}
}
