package assess

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strings"
)

//go:embed matrices/*.yaml
var builtin embed.FS

// DefaultMatrix is the matrix used when none is named: the DoD decision
// matrix as modelled in matrices/dod-fundamental-research.yaml.
const DefaultMatrix = "dod-fundamental-research"

// Builtin returns a shipped matrix by id (dod-fundamental-research,
// institution-strict).
func Builtin(id string) (*Matrix, error) {
	name := "matrices/" + id + ".yaml"
	data, err := builtin.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("no built-in matrix %q (have %s; or give a file)", id, strings.Join(BuiltinIDs(), ", "))
	}
	return ParseMatrix(bytes.NewReader(data), "assess/"+name)
}

// BuiltinIDs lists the shipped matrices.
func BuiltinIDs() []string {
	entries, _ := builtin.ReadDir("matrices")
	var ids []string
	for _, e := range entries {
		ids = append(ids, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	slices.Sort(ids)
	return ids
}
