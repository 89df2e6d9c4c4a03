package eval

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"ties/match"
)

func TestScratchBand(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	entries, _ := LoadLists(dataDir(t))
	ix := match.Build(entries)
	rows, _ := ReadRows(filepath.Join(dataDir(t), "name-matching", "yente", "negatives_us.csv"))
	for _, r := range rows {
		if !Dev.Has(r.key()) {
			continue
		}
		ms := ix.Search(match.Query{Text: r.Name, Threshold: 0.78, Limit: 1})
		if len(ms) > 0 && ms[0].Score < 0.815 {
			fmt.Println(ms[0].Score, ms[0].Kind, ms[0].Explanation)
		}
	}
}
