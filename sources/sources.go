// Package sources holds what the list and graph parsers share: the error
// type that names the file and line, and the registry of formats. Each
// format has its own package under sources/ that turns an io.Reader into
// ties.Record values and does no other I/O.
package sources

import "ties"

// Error is the error of input that says where (file, line, field); it is
// the root package's InputError, kept under this name for the parsers.
type Error = ties.InputError

// Errorf builds an *Error.
func Errorf(file string, line int, format string, args ...any) *Error {
	return ties.InputErrorf(file, line, format, args...)
}
