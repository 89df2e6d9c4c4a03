// Package ties holds the domain types of ties and the interfaces between its
// parts. It imports only the standard library; every dependency lives in a
// package named after it (sqlite, names, match, sources/..., exposure, http).
package ties

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// EntityKind says what an entity is. List entries are persons,
// organizations, vessels, aircraft or other; the ties graph adds programs,
// publications, contracts and places.
type EntityKind string

const (
	KindPerson       EntityKind = "person"
	KindOrganization EntityKind = "organization"
	KindVessel       EntityKind = "vessel"
	KindAircraft     EntityKind = "aircraft"
	KindOther        EntityKind = "other"
	KindProgram      EntityKind = "program"
	KindPublication  EntityKind = "publication"
	KindContract     EntityKind = "contract"
	KindPlace        EntityKind = "place"
)

// ParseEntityKind maps a kind word (case-insensitive, with common synonyms
// such as "individual" or "entity") to an EntityKind.
func ParseEntityKind(s string) (EntityKind, error) {
	switch lower(s) {
	case "person", "individual", "people":
		return KindPerson, nil
	case "organization", "organisation", "entity", "company", "org", "legalentity":
		return KindOrganization, nil
	case "vessel":
		return KindVessel, nil
	case "aircraft":
		return KindAircraft, nil
	case "other", "":
		return KindOther, nil
	case "program", "programme":
		return KindProgram, nil
	case "publication", "work", "paper":
		return KindPublication, nil
	case "contract":
		return KindContract, nil
	case "place":
		return KindPlace, nil
	}
	return "", fmt.Errorf("unknown entity kind %q", s)
}

// NameType says what role a name plays for its entity.
type NameType string

const (
	NamePrimary      NameType = "primary"
	NameAlias        NameType = "alias"
	NameAbbreviation NameType = "abbreviation"
	NameFormer       NameType = "former"
	NameNative       NameType = "native" // written in the entity's own script, e.g. 中国科学院
)

// Name is one name of an entity. Source is empty for names from the list
// entry itself; for names gained through a link it says where they came
// from (e.g. "ror:0090r4d87"), so explanations can show it.
type Name struct {
	Text   string   `json:"text"`
	Type   NameType `json:"type"`
	Lang   string   `json:"lang,omitempty"`
	Source string   `json:"source,omitempty"`
}

// Address is a postal address as the list gives it.
type Address struct {
	Text    string `json:"text"`
	Country string `json:"country,omitempty"` // ISO 3166-1 alpha-2 when known
}

// Identifier is an identifier of an entity in some scheme (ROR, passport,
// IMO number, LEI, ...).
type Identifier struct {
	Scheme string `json:"scheme"`
	Value  string `json:"value"`
}

// EntityDate is a dated fact about an entity: birth, incorporation, ...
type EntityDate struct {
	Type  string `json:"type"`  // "birth", "incorporation", "established"
	Value string `json:"value"` // as given: YYYY, YYYY-MM or YYYY-MM-DD
}

// Entity is a person, organization or other thing that may be listed or
// tied to others. ID is stable across list versions: for list entries it is
// "<dataset>:<source id>", for graph entities the key given in the input.
type Entity struct {
	ID          string       `json:"id"`
	Kind        EntityKind   `json:"kind"`
	Names       []Name       `json:"names"`
	Countries   []string     `json:"countries,omitempty"`
	Addresses   []Address    `json:"addresses,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Dates       []EntityDate `json:"dates,omitempty"`
	Remarks     string       `json:"remarks,omitempty"`
}

// PrimaryName returns the entity's primary name, or its first name.
func (e *Entity) PrimaryName() string {
	for _, n := range e.Names {
		if n.Type == NamePrimary {
			return n.Text
		}
	}
	if len(e.Names) > 0 {
		return e.Names[0].Text
	}
	return ""
}

// List is a restricted-party list such as the BIS Entity List.
type List struct {
	ID        string `json:"id"`        // short code: "EL", "SDN", "UN", "1260H"
	Name      string `json:"name"`      // "Entity List"
	Authority string `json:"authority"` // "Bureau of Industry and Security"
}

// Designation places an entity on a list.
type Designation struct {
	EntityID      string `json:"entity_id"`
	ListID        string `json:"list"`
	SourceID      string `json:"source_id"` // the list's own id: CSL _id, OFAC ent_num, UN dataid
	Start         Date   `json:"start"`
	End           Date   `json:"end"`
	Authority     string `json:"authority,omitempty"` // citation, e.g. "87 FR 77505"
	Program       string `json:"program,omitempty"`
	LicensePolicy string `json:"license_policy,omitempty"`
	SourceURL     string `json:"source_url,omitempty"`
	Parent        string `json:"parent,omitempty"` // parent company named by the list (1260H)
}

// InForce reports whether the designation applies on day d (zero d: now).
func (d Designation) InForce(day Date) bool {
	if day.IsZero() {
		return d.End.Known().IsZero()
	}
	start, end := d.Start.Known(), d.End.Known()
	if !start.IsZero() && day.Before(start) {
		return false
	}
	return end.IsZero() || day.Before(end)
}

// Record is one list entry as a parser yields it: the entity and the
// designations of it that the file holds.
type Record struct {
	Entity       Entity        `json:"entity"`
	Designations []Designation `json:"designations"`
	Lists        []List        `json:"-"` // lists the record's designations refer to, when the parser knows them
}

// ListVersion is one load of a dataset (a file or set of files). Versions
// are immutable; one version per dataset is in force at a time.
type ListVersion struct {
	ID       int64     `json:"id"`
	Dataset  string    `json:"dataset"` // "csl", "ofac-sdn", "un", ...
	Format   string    `json:"format"`
	Hash     string    `json:"hash"` // sha256 of the content read
	LoadedAt time.Time `json:"loaded_at"`
	DataDate Date      `json:"data_date"` // date of the data, when the file says
	Origin   string    `json:"origin"`    // path or URL
	Rows     int       `json:"rows"`
	InForce  bool      `json:"in_force"`
}

// Entry is a stored list entry: a record with the version it belongs to.
type Entry struct {
	Record
	VersionID int64 `json:"version_id"`
	Dataset   string
}

// ListStore keeps list versions. A load is one transaction: the previous
// version of the dataset stays in force until the new one is complete.
type ListStore interface {
	// LoadVersion stores every record that records yields as a new version
	// of v.Dataset and puts it in force. If records returns an error nothing
	// is stored and the previous version stays in force.
	LoadVersion(ctx context.Context, v ListVersion, records iter.Seq2[Record, error]) (ListVersion, error)
	// Versions lists every version, newest first.
	Versions(ctx context.Context) ([]ListVersion, error)
	// InForce lists the version in force of each dataset.
	InForce(ctx context.Context) ([]ListVersion, error)
	// Entries yields the entries of the given version.
	Entries(ctx context.Context, versionID int64) iter.Seq2[Entry, error]
	// InForceEntries yields the entries of every version in force: what
	// screening runs against.
	InForceEntries(ctx context.Context) iter.Seq2[Entry, error]
	// Lists returns the lists known to the store.
	Lists(ctx context.Context) ([]List, error)
	Close() error
}
