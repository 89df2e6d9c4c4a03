package eval

import "hash/fnv"

// Part names a fixed half of a labelled set. Every row belongs to one
// half by a hash of its own text, so the split needs no seed and does not
// move when rows are added: the development half is the only one the
// scorer's parameters were tuned on; the test half is what
// docs/benchmarks.md reports.
type Part int

const (
	All  Part = iota // every row
	Dev              // the development half: tuning reads only this
	Test             // the test half: reported, never tuned on
)

func (p Part) String() string {
	switch p {
	case Dev:
		return "dev"
	case Test:
		return "test"
	}
	return "all"
}

// PartOf tells which half a row belongs to, by the FNV-1a hash of its key
// (the row's names, as each reader documents).
func PartOf(key string) Part {
	h := fnv.New32a()
	h.Write([]byte(key))
	if h.Sum32()%2 == 0 {
		return Dev
	}
	return Test
}

// Has tells whether the row with key is in p.
func (p Part) Has(key string) bool { return p == All || PartOf(key) == p }
