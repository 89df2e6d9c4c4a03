package sqlite

import (
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath is where ties keeps its database unless told otherwise: the
// user's data directory ($XDG_DATA_HOME/ties/ties.db, else
// ~/.local/share/ties/ties.db; ~/Library/Application Support/ties/ties.db on
// macOS; %LocalAppData%\ties\ties.db on Windows). When no home directory is
// known it falls back to ties.db in the working directory.
func DefaultPath() string {
	return defaultPath(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

func defaultPath(goos string, getenv func(string) string, home func() (string, error)) string {
	const file = "ties.db"
	switch goos {
	case "darwin", "ios":
		if h, err := home(); err == nil && h != "" {
			return filepath.Join(h, "Library", "Application Support", "ties", file)
		}
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "ties", file)
		}
		if h, err := home(); err == nil && h != "" {
			return filepath.Join(h, "AppData", "Local", "ties", file)
		}
	default:
		// The XDG spec says relative values are invalid and must be ignored.
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "ties", file)
		}
		if h, err := home(); err == nil && h != "" {
			return filepath.Join(h, ".local", "share", "ties", file)
		}
	}
	return file
}
