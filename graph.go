package ties

import "fmt"

// TieKind is a kind of tie from the documented vocabulary (docs/ties-format.md).
type TieKind string

const (
	TiePartOf           TieKind = "part_of"
	TieSubsidiaryOf     TieKind = "subsidiary_of"
	TieOwnedBy          TieKind = "owned_by" // with Share
	TieAffiliatedWith   TieKind = "affiliated_with"
	TieEmployedBy       TieKind = "employed_by"
	TieStudentAt        TieKind = "student_at"
	TieHosted           TieKind = "hosted"
	TieVisited          TieKind = "visited"
	TieMentored         TieKind = "mentored"
	TieCoauthored       TieKind = "coauthored"
	TieFunded           TieKind = "funded"
	TieFundedBy         TieKind = "funded_by"           // recipient -> funder; role: grant number
	TieParticipantIn    TieKind = "participant_in"      // person -> program (e.g. a talent program)
	TieUsesEquipment    TieKind = "uses_equipment_from" // person or lab -> supplier
	TieAdvisorySeat     TieKind = "advisory_seat"
	TieCommitteeMember  TieKind = "committee_member"
	TieContractsWith    TieKind = "contracts_with"
	TieSupportsContract TieKind = "supports_contract" // person -> contract
	TieLocatedIn        TieKind = "located_in"
	TieRelated          TieKind = "related" // ROR "related": weakest kind
)

// TieKinds is the whole vocabulary, in documentation order.
var TieKinds = []TieKind{
	TiePartOf, TieSubsidiaryOf, TieOwnedBy,
	TieAffiliatedWith, TieEmployedBy, TieStudentAt,
	TieHosted, TieVisited, TieMentored,
	TieCoauthored, TieFunded, TieFundedBy,
	TieParticipantIn, TieUsesEquipment,
	TieAdvisorySeat, TieCommitteeMember,
	TieContractsWith, TieSupportsContract,
	TieLocatedIn, TieRelated,
}

// ParseTieKind checks a tie kind against the vocabulary.
func ParseTieKind(s string) (TieKind, error) {
	for _, k := range TieKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown tie kind %q (see docs/ties-format.md for the vocabulary)", s)
}

// Hierarchical reports whether the tie puts From inside To (designations
// may be inherited along it).
func (k TieKind) Hierarchical() bool {
	return k == TiePartOf || k == TieSubsidiaryOf || k == TieOwnedBy
}

// Evidence is the source of a tie.
type Evidence struct {
	Title      string  `json:"title,omitempty"`
	Ref        string  `json:"ref,omitempty"` // URL, DOI or Federal Register citation
	Retrieved  Date    `json:"retrieved"`
	Quote      string  `json:"quote,omitempty"`
	Confidence float64 `json:"confidence,omitempty"` // 0..1; 0 means not stated
}

// Tie is a dated, sourced relation between two graph entities.
type Tie struct {
	ID       string     `json:"id,omitempty"`
	From     string     `json:"from"`
	To       string     `json:"to"`
	Kind     TieKind    `json:"kind"`
	Share    float64    `json:"share,omitempty"` // owned_by: fraction 0..1
	Role     string     `json:"role,omitempty"`  // free text: "PhD student", "Star Leap residency"
	Via      string     `json:"via,omitempty"`   // program or publication the tie runs through
	Start    Date       `json:"start"`
	End      Date       `json:"end"`
	Evidence []Evidence `json:"evidence,omitempty"`
	Source   string     `json:"source,omitempty"` // file:line or dataset it came from
}

// ActiveOn reports whether the tie may have been active on day d: a tie
// known only to the year 2023 is active on every day of 2023.
func (t Tie) ActiveOn(d Date) bool {
	if d.IsZero() {
		return true
	}
	if !t.Start.IsZero() && d.Last().key() < t.Start.First().key() {
		return false
	}
	if !t.End.IsZero() && d.First().key() > t.End.Last().key() {
		return false
	}
	return true
}

// ActiveAfter reports whether the tie was (or may have been) active on a day
// after d: it had not ended before d.
func (t Tie) ActiveAfter(d Date) bool {
	if d.IsZero() {
		return true
	}
	if t.End.IsZero() {
		// An open tie with a start after d, or no end at all, runs past d.
		return true
	}
	return t.End.Last().key() > d.First().key()
}

// RuleStatus separates law from proposals and internal policy.
type RuleStatus string

const (
	RuleEnacted  RuleStatus = "enacted"
	RuleProposed RuleStatus = "proposed"
	RulePolicy   RuleStatus = "policy"
)

// Link ties a graph entity to a list entry or to another graph entity that
// is the same real-world thing.
type Link struct {
	ID         int64   `json:"id"`
	GraphID    string  `json:"graph_id"`
	TargetID   string  `json:"target_id"` // list entity id ("csl:...") or graph id
	Method     string  `json:"method"`    // "identifier", "name"
	Confidence float64 `json:"confidence"`
	Status     string  `json:"status"` // "proposed", "confirmed", "rejected"
	Reason     string  `json:"reason,omitempty"`
}
