package exposure

import (
	"iter"
	"math"
	"math/rand/v2"
	"strconv"

	"ties"
)

// Synthetic makes a reproducible random graph shaped like a research and
// corporate ties graph, for benchmarks and load tests: organizations in
// hierarchies (part_of, some owned_by with shares), people employed by
// and studying at organizations, publications with co-authors, and
// hosted/visited/mentored/funded ties. Endpoints are drawn from skewed
// distributions, so degrees are power-law-like: a few organizations employ
// tens of thousands and a few authors write thousands of papers.
//
// Entity ids are "org<i>", "per<i>", "pub<i>", "prg<i>" and "con<i>". The
// ties come as an iterator that yields exactly nTies ties (the same ones on
// every call), so callers can feed a Builder without holding them all.
func Synthetic(nEntities, nTies int, seed int64) ([]ties.Entity, iter.Seq[ties.Tie]) {
	s := newSynth(nEntities, seed)
	return s.entities(), func(yield func(ties.Tie) bool) { s.ties(nTies, yield) }
}

// SyntheticDesignated picks about fraction of the entities of a Synthetic
// graph as listed: mostly organizations (chosen uniformly, so mid-size
// ones dominate, as on real lists), some persons.
func SyntheticDesignated(nEntities int, fraction float64, seed int64) []Designated {
	s := newSynth(nEntities, seed)
	r := rand.New(rand.NewPCG(uint64(seed), 0xd5))
	want := int(math.Round(float64(nEntities) * fraction))
	seen := map[string]bool{}
	var out []Designated
	for len(out) < want && len(seen) < s.nOrg+s.nPer {
		var id string
		if r.IntN(5) > 0 {
			id = "org" + strconv.Itoa(r.IntN(s.nOrg))
		} else {
			id = "per" + strconv.Itoa(r.IntN(s.nPer))
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		start := ties.Date{Year: 2010 + r.IntN(15), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}
		list := "EL"
		if r.IntN(10) == 0 {
			list = "SDN"
		}
		out = append(out, Designated{EntityID: id, Designation: ties.Designation{
			EntityID: "syn:" + id, ListID: list, Start: start, Authority: "synthetic",
		}})
	}
	return out
}

// SyntheticOrgs returns n organization ids of a Synthetic graph drawn
// uniformly (so most are small) for use as queries.
func SyntheticOrgs(nEntities, n int, seed int64) []string {
	s := newSynth(nEntities, seed)
	r := rand.New(rand.NewPCG(uint64(seed), 0x0a))
	out := make([]string, n)
	for i := range out {
		out[i] = "org" + strconv.Itoa(r.IntN(s.nOrg))
	}
	return out
}

type synth struct {
	seed                               int64
	nOrg, nPer, nPub, nProg, nContract int
}

func newSynth(n int, seed int64) *synth {
	s := &synth{seed: seed}
	s.nOrg = max(n*5/100, 1)
	s.nProg = max(n/200, 1)
	s.nContract = max(n/200, 1)
	s.nPer = max(n*45/100, 1)
	s.nPub = max(n-s.nOrg-s.nProg-s.nContract-s.nPer, 1)
	return s
}

func (s *synth) entities() []ties.Entity {
	out := make([]ties.Entity, 0, s.nOrg+s.nPer+s.nPub+s.nProg+s.nContract)
	add := func(prefix string, n int, kind ties.EntityKind, label string) {
		for i := 0; i < n; i++ {
			id := prefix + strconv.Itoa(i)
			out = append(out, ties.Entity{ID: id, Kind: kind, Names: []ties.Name{{Text: label + " " + strconv.Itoa(i), Type: ties.NamePrimary}}})
		}
	}
	add("org", s.nOrg, ties.KindOrganization, "Organization")
	add("per", s.nPer, ties.KindPerson, "Person")
	add("pub", s.nPub, ties.KindPublication, "Publication")
	add("prg", s.nProg, ties.KindProgram, "Program")
	add("con", s.nContract, ties.KindContract, "Contract")
	return out
}

// skewed draws an index in [0,n) with density falling off as a power:
// exponent 1 is uniform, larger exponents favour low indexes more.
func skewed(r *rand.Rand, n int, exponent float64) int {
	return min(int(float64(n)*math.Pow(r.Float64(), exponent)), n-1)
}

func (s *synth) ties(nTies int, yield func(ties.Tie) bool) {
	r := rand.New(rand.NewPCG(uint64(s.seed), 0x7e))
	count := 0
	emit := func(t ties.Tie) bool {
		if count >= nTies {
			return false
		}
		count++
		return yield(t)
	}
	org := func(i int) string { return "org" + strconv.Itoa(i) }
	per := func(i int) string { return "per" + strconv.Itoa(i) }
	year := func() ties.Date { return ties.Date{Year: 2000 + r.IntN(26)} }
	// Hierarchies: most organizations hang under an earlier, often big, one.
	for i := 1; i < s.nOrg; i++ {
		if r.IntN(10) >= 7 {
			continue
		}
		parent := org(skewed(r, i, 2))
		t := ties.Tie{From: org(i), To: parent, Kind: ties.TiePartOf}
		if r.IntN(20) == 0 {
			t.Kind = ties.TieOwnedBy
			t.Share = []float64{0.2, 0.3, 0.5, 0.51, 0.8, 1}[r.IntN(6)]
		}
		if !emit(t) {
			return
		}
	}
	for i := 0; i < s.nProg; i++ {
		if !emit(ties.Tie{From: "prg" + strconv.Itoa(i), To: org(skewed(r, s.nOrg, 2)), Kind: ties.TiePartOf}) {
			return
		}
	}
	for i := 0; i < s.nContract; i++ {
		if !emit(ties.Tie{From: "con" + strconv.Itoa(i), To: org(skewed(r, s.nOrg, 3)), Kind: ties.TieContractsWith, Role: "customer"}) {
			return
		}
	}
	// Employment and study.
	for i := 0; i < s.nPer; i++ {
		if !emit(ties.Tie{From: per(i), To: org(skewed(r, s.nOrg, 2.5)), Kind: ties.TieEmployedBy, Start: year()}) {
			return
		}
		if r.IntN(5) == 0 {
			y := year()
			if !emit(ties.Tie{From: per(i), To: org(skewed(r, s.nOrg, 2.5)), Kind: ties.TieStudentAt, Start: y, End: ties.Date{Year: y.Year + 4}}) {
				return
			}
		}
	}
	// The rest: 70% authorship, 30% other person and organization ties.
	rest := nTies - count
	authorships := rest * 7 / 10
	for k := 0; k < authorships; k++ {
		y := year()
		if !emit(ties.Tie{From: per(skewed(r, s.nPer, 1.5)), To: "pub" + strconv.Itoa(r.IntN(s.nPub)), Kind: ties.TieCoauthored, Start: y, End: y}) {
			return
		}
	}
	for count < nTies {
		y := year()
		var t ties.Tie
		switch r.IntN(5) {
		case 0:
			t = ties.Tie{From: org(skewed(r, s.nOrg, 2)), To: per(r.IntN(s.nPer)), Kind: ties.TieHosted, Start: y, End: y}
		case 1:
			t = ties.Tie{From: per(r.IntN(s.nPer)), To: org(skewed(r, s.nOrg, 2)), Kind: ties.TieVisited, Start: y, End: y}
		case 2:
			t = ties.Tie{From: per(skewed(r, s.nPer, 1.5)), To: per(r.IntN(s.nPer)), Kind: ties.TieMentored, Start: y}
		case 3:
			t = ties.Tie{From: org(skewed(r, s.nOrg, 2)), To: org(r.IntN(s.nOrg)), Kind: ties.TieFunded, Start: y}
		default:
			t = ties.Tie{From: per(r.IntN(s.nPer)), To: org(skewed(r, s.nOrg, 2)), Kind: ties.TieAffiliatedWith, Start: y}
		}
		if t.From == t.To {
			continue
		}
		if !emit(t) {
			return
		}
	}
}
