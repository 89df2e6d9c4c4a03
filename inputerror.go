package ties

import "fmt"

// InputError is an error in input that says where: file, line (1-based, 0
// when not known), byte offset when no line applies, and field when it is
// known. Parsers, rule and matrix readers and the API all report bad
// input with it, so a user learns which file, line or field to fix.
type InputError struct {
	File   string
	Line   int
	Offset int64
	Field  string
	Err    error
}

func (e *InputError) Error() string {
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

func (e *InputError) Unwrap() error { return e.Err }

// InputErrorf builds an *InputError at file and line.
func InputErrorf(file string, line int, format string, args ...any) *InputError {
	return &InputError{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}
