package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildInfo is what `ties version` reports, from the build's own record
// (go build stamps the module version and the VCS commit).
type buildInfo struct {
	Version  string `json:"version"`            // module version, "(devel)" for a local build
	Commit   string `json:"commit,omitempty"`   // vcs.revision
	Time     string `json:"time,omitempty"`     // vcs.time, the commit's time
	Modified bool   `json:"modified,omitempty"` // built from a tree with uncommitted changes
	Go       string `json:"go"`
}

// version and commit may be set at link time when the build records no
// VCS information (go build -buildvcs=false, or a build from an archive):
// -ldflags "-X main.version=v1.2.0 -X main.commit=$(git rev-parse HEAD)".
var version, commit string

func readBuildInfo() buildInfo {
	b := readDebugInfo()
	if b.Version == "(devel)" || b.Version == "(unknown)" {
		if version != "" {
			b.Version = version
		}
	}
	if b.Commit == "" {
		b.Commit = commit
	}
	return b
}

func readDebugInfo() buildInfo {
	b := buildInfo{Version: "(unknown)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := bi.Main.Version; v != "" {
		b.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the one line `ties version` and `ties --version` print:
// "ties (devel) commit 3f90790c1a2b (modified) 2026-12-03T08:00:00Z go1.26.0".
func (b buildInfo) String() string {
	s := "ties " + b.Version
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " commit " + c
		if b.Modified {
			s += " (modified)"
		}
	} else {
		s += " (no commit recorded in the build)"
	}
	if b.Time != "" {
		s += " " + b.Time
	}
	return s + " " + b.Go
}

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the build's module version and commit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b := readBuildInfo()
			if asJSON {
				out, err := json.Marshal(b)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(out))
				return nil
			}
			fmt.Fprintln(cmd.OutOrStdout(), b)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
