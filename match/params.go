package match

// DefaultThreshold is the score at or above which a name counts as a
// match. It was chosen on the development half of the labelled sets only
// (see Params and docs/benchmarks.md); the figures reported for it come
// from the test half.
const DefaultThreshold = 0.78

// Params are the scorer's weights and floors, in one value. The zero value
// is not useful: start from DefaultParams. They were tuned on the
// development half of the labelled sets (eval.Split), never on the test
// half.
type Params struct {
	// Threshold is the default score at or above which a name counts as
	// a match; queries may ask for another.
	Threshold float64

	// Token similarity.
	LevWeight   float64 // share of the edit-distance ratio in a long token's similarity; the rest is Jaro-Winkler
	ShortToken  int     // tokens of at most this many letters are compared by edit distance alone
	InitialSim  float64 // an initial against a name that starts with it
	PhoneticSim float64 // two long tokens with the same Double Metaphone code
	SqueezedSim float64 // tokens equal but for doubled letters (mohamed/mohammed)
	NumberSim   float64 // two different numbers in otherwise equal names (Fund V, Fund VI)
	GenderSim   float64 // given names that differ by a gendered ending (Antonio/Antonia)
	FuzzSlope   float64 // how fast the credit of a loose token pair falls below 0.9

	// Token weights: how much identity a token carries.
	StopWeight        float64 // "the", "of", titles
	ParticleWeight    float64 // "al", "bin", "van"
	CommonOrgWeight   float64 // "group", "international", "bank"
	CommonGivenWeight float64 // "muhammad", "ali", "john"

	// Alignment.
	SubsetCost             float64 // the first token present on one side only
	ExtraSubsetCost        float64 // each further token present on one side only
	QueryMissCost          float64 // each token of the query that found no partner (screening only), and a missing first surname of a "LAST, First" name
	LastWordMissCost       float64 // the missing last word of a person's name of three or more words in its own order
	ContradictionCost      float64 // factor on tokens without partners on both sides
	NumberCost             float64 // a number on one side only (Fund II, Company 23)
	WeakFactor             float64 // no token pair is near-identical
	SingleNameFactor       float64 // persons sharing a single name when one has more
	GivenMissFactor        float64 // none of the given names of a "LAST, First" name found a partner
	CrossedPenalty         float64 // persons' tokens in another order
	PatronymCrossedPenalty float64 // persons' tokens in another order around "bin"
	OrgCrossedPenalty      float64 // organizations' tokens in another order
	LegalClash             float64 // different legal forms (AG against GmbH)
	AcronymSim             float64 // a one-word query against the initials of a listed name

	// Kinds: a query without --kind that looks like one kind, against an
	// entity of the other.
	PersonQueryOrgFactor float64 // "Michelle Schneider" against a company
	OrgQueryPersonFactor float64 // "Schneider GmbH" against a person

	// Secondary attributes given with a query.
	BirthMatchBonus      float64 // same birth date (year, or full date when both give one)
	BirthNearBonus       float64 // birth years one apart (a common error)
	BirthConflictFactor  float64 // all birth years differ by more than one
	CountryMatchBonus    float64 // a country of the query among the entity's
	CountryConflictCost  float64 // the entity gives countries and none is the query's
	IdentifierMatchFloor float64 // the same identifier: the score is at least this when the names resemble each other
	IdentifierNameFloor  float64 // how much the names must resemble each other for an identifier to count
}

// DefaultParams returns the parameters ties screens with.
func DefaultParams() Params {
	return Params{
		Threshold: DefaultThreshold,

		LevWeight:   0.6,
		ShortToken:  4,
		InitialSim:  0.8,
		PhoneticSim: 0.82,
		SqueezedSim: 0.92,
		NumberSim:   0.8,
		GenderSim:   0.7,
		FuzzSlope:   2.0,

		StopWeight:        0.15,
		ParticleWeight:    0.3,
		CommonOrgWeight:   0.5,
		CommonGivenWeight: 0.7,

		SubsetCost:             0.5,
		ExtraSubsetCost:        0.65,
		QueryMissCost:          1.2,
		LastWordMissCost:       1.0,
		ContradictionCost:      1.5,
		NumberCost:             1.5,
		WeakFactor:             0.5,
		SingleNameFactor:       0.85,
		GivenMissFactor:        0.85,
		CrossedPenalty:         0.1,
		PatronymCrossedPenalty: 0.2,
		OrgCrossedPenalty:      0.03,
		LegalClash:             0.2,
		AcronymSim:             0.85,

		PersonQueryOrgFactor: 0.85,
		OrgQueryPersonFactor: 0.8,

		BirthMatchBonus:      0.08,
		BirthNearBonus:       0.02,
		BirthConflictFactor:  0.6,
		CountryMatchBonus:    0.04,
		CountryConflictCost:  0.04,
		IdentifierMatchFloor: 0.97,
		IdentifierNameFloor:  0.5,
	}
}

// minPairSim is the least similarity at which two tokens may pair. It is
// not a parameter: the candidate search's shortcuts rely on it.
const minPairSim = 0.7

// distinctiveWeight is the least weight of a token that names an entity
// on its own (a surname, a distinctive word): common given names count,
// common organization words, particles and titles do not.
const distinctiveWeight = 0.7
