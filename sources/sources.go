// Package sources holds what the list and graph parsers share: the error
// type that names the file and line, and the registry of formats. Each
// format has its own package under sources/ that turns an io.Reader into
// ties.Record values and does no other I/O.
package sources

import (
	"fmt"
)

// Error is a parse error that says where: file, line (1-based, 0 when not
// known), byte offset when no line applies, and field when it is known.
type Error struct {
	File   string
	Line   int
	Offset int64
	Field  string
	Err    error
}

func (e *Error) Error() string {
	where := e.File
	if where == "" {
		where = "<input>"
	}
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, e.Line)
	} else if e.Offset > 0 {
		where = fmt.Sprintf("%s: offset %d", where, e.Offset)
	}
	if e.Field != "" {
		where += ": field " + e.Field
	}
	return where + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error.
func Errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}
