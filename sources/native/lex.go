package native

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// splitLine cuts one line into tokens: bare words separated by blanks, or
// double-quoted strings with \" and \\ escapes. A token starting with # (or
// a # after a blank) starts a comment that runs to the end of the line.
func splitLine(line string) ([]string, error) {
	if !utf8.ValidString(line) {
		return nil, errors.New("line is not valid UTF-8")
	}
	var toks []string
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '#':
			return toks, nil
		case c == '"':
			var b strings.Builder
			i++
			closed := false
			for i < len(line) {
				c := line[i]
				if c == '\\' {
					if i+1 >= len(line) {
						return nil, errors.New("backslash at end of line inside a quoted string")
					}
					next := line[i+1]
					switch next {
					case '"', '\\':
						b.WriteByte(next)
					case 'n':
						b.WriteByte('\n')
					default:
						return nil, errors.New(`unknown escape \` + string(next) + ` (use \" \\ or \n)`)
					}
					i += 2
					continue
				}
				if c == '"' {
					closed = true
					i++
					break
				}
				b.WriteByte(c)
				i++
			}
			if !closed {
				return nil, errors.New("unterminated quoted string")
			}
			if i < len(line) && line[i] != ' ' && line[i] != '\t' {
				return nil, errors.New("quoted string must be followed by a blank")
			}
			toks = append(toks, b.String())
		default:
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' {
				if line[j] == '"' {
					return nil, errors.New("quote inside a bare word (quote the whole value)")
				}
				j++
			}
			toks = append(toks, line[i:j])
			i = j
		}
	}
	return toks, nil
}
