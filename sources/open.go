package sources

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// Open opens a list file for reading. A gzip file (known by its magic
// bytes, not its name) is decompressed on the fly; a truncated gzip stream
// then shows up as a read error (io.ErrUnexpectedEOF) from Read, which
// the parsers report with the line they had reached.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, &Error{File: path, Err: err}
	}
	if !IsGzip(head) {
		return readCloser{br, f}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		f.Close()
		return nil, &Error{File: path, Err: fmt.Errorf("gzip: %w", err)}
	}
	return readCloser{zr, multiCloser{zr, f}}, nil
}

// IsGzip reports whether head starts with the gzip magic bytes.
func IsGzip(head []byte) bool {
	return len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b
}

type readCloser struct {
	io.Reader
	io.Closer
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var errs []error
	for _, c := range m {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// LineReader passes reads through and remembers where each line starts,
// so that parsers that only know a byte offset (encoding/json,
// encoding/xml) can still name the line of an error.
type LineReader struct {
	r        io.Reader
	read     int64
	newlines []int64 // offsets of '\n' bytes read so far
}

// NewLineReader wraps r.
func NewLineReader(r io.Reader) *LineReader { return &LineReader{r: r} }

func (l *LineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			l.newlines = append(l.newlines, l.read+int64(i))
		}
	}
	l.read += int64(n)
	return n, err
}

// Line returns the 1-based line that holds byte offset off; offsets past
// what has been read count as the last line reached.
func (l *LineReader) Line(off int64) int {
	return sort.Search(len(l.newlines), func(i int) bool { return l.newlines[i] >= off }) + 1
}

// BytesRead is how many bytes have been read so far.
func (l *LineReader) BytesRead() int64 { return l.read }
