package ties

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxNameLength is the most characters (Unicode code points) a name may
// have, in a list row, a screening request or a command's argument. The
// longest name on the real lists is under 400 characters; a longer "name"
// is a mistake or an attack, and the comparison cost grows with it.
const MaxNameLength = 1000

// CheckText refuses text that no store can keep as it is: a NUL character
// (PostgreSQL text cannot hold U+0000) or bytes that are not UTF-8. The
// error says which and where; callers prefix the field it came from.
func CheckText(s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return fmt.Errorf("contains a NUL character (U+0000) at byte %d", i)
	}
	if !utf8.ValidString(s) {
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n <= 1 {
				return fmt.Errorf("is not valid UTF-8 (byte %d)", i)
			}
			i += n
		}
	}
	return nil
}

// CheckName is CheckText plus the length bound of MaxNameLength.
func CheckName(s string) error {
	if err := CheckText(s); err != nil {
		return err
	}
	// Count no further than the limit: the text may be megabytes.
	n := 0
	for range s {
		n++
		if n > MaxNameLength {
			return fmt.Errorf("is longer than %d characters (%d bytes); names are at most %d characters", MaxNameLength, len(s), MaxNameLength)
		}
	}
	return nil
}
