package exposure

import (
	"testing"

	"ties"
)

func TestTiesFromAndTo(t *testing.T) {
	g := NewGraph([]ties.Entity{{ID: "a"}, {ID: "b"}}, []ties.Tie{
		{From: "a", To: "b", Kind: ties.TieCoauthored, Start: ties.MustDate("2023"), Role: "r", Evidence: []ties.Evidence{{Title: "e"}}},
		{From: "c", To: "a", Kind: ties.TieFundedBy, Role: "grant G-1"},
		{From: "a", To: "c", Kind: ties.TieParticipantIn},
	})
	out := g.TiesFrom("a")
	if len(out) != 2 || out[0].To != "b" || out[0].Start.String() != "2023" || out[0].Role != "r" || len(out[0].Evidence) != 1 || out[1].Kind != ties.TieParticipantIn {
		t.Errorf("from a: %+v", out)
	}
	in := g.TiesTo("a")
	if len(in) != 1 || in[0].From != "c" || in[0].Kind != ties.TieFundedBy || in[0].Role != "grant G-1" {
		t.Errorf("to a: %+v", in)
	}
	if g.TiesFrom("nobody") != nil || g.TiesTo("nobody") != nil || len(g.TiesTo("c")) != 1 {
		t.Error("unknown or bare nodes")
	}
}
