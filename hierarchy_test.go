package ties

import (
	"slices"
	"testing"
)

func TestHierarchyCycle(t *testing.T) {
	ts := []Tie{
		{ID: "1", From: "a", To: "b", Kind: TiePartOf},
		{ID: "2", From: "b", To: "c", Kind: TieSubsidiaryOf},
		{ID: "3", From: "c", To: "a", Kind: TieHosted}, // not hierarchical: no loop
		{ID: "4", From: "d", To: "c", Kind: TieOwnedBy},
		{ID: "5", From: "c", To: "a", Kind: TieOwnedBy}, // closes a -> b -> c -> a
	}
	i, loop := FirstHierarchyCycle(ts)
	if i != 4 || !slices.Equal(loop, []string{"c", "a", "b", "c"}) {
		t.Errorf("FirstHierarchyCycle = %d %v, want 4 [c a b c]", i, loop)
	}
	if i, loop := FirstHierarchyCycle(ts[:4]); i != -1 || loop != nil {
		t.Errorf("no loop: got %d %v", i, loop)
	}
	if loop := HierarchyCycle(ts[:4], Tie{From: "x", To: "x", Kind: TiePartOf}); loop == nil {
		t.Error("a tie to itself is a loop")
	}
}
