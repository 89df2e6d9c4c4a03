package ties

import (
	"context"
	"encoding/json"
	"time"
)

// ChangeKind says what happened to a list entry between two versions.
type ChangeKind string

const (
	ChangeAdded   ChangeKind = "added"
	ChangeRemoved ChangeKind = "removed"
	ChangeAmended ChangeKind = "amended"
)

// FieldChange is one field of an amended entry. Field is one of kind,
// names, countries, addresses, identifiers, dates, remarks, designations;
// Detail narrows it ("alias", "end", "authority", "EL 3c4b..." ...). Set
// fields list what was Added and Removed; scalar fields give Old and New.
type FieldChange struct {
	Field   string   `json:"field"`
	Detail  string   `json:"detail,omitempty"`
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	Old     string   `json:"old,omitempty"`
	New     string   `json:"new,omitempty"`
}

// Change is one entry added, removed or amended. For a removed entry the
// names and designations are those of the old version.
type Change struct {
	Kind     ChangeKind    `json:"kind"`
	EntityID string        `json:"entity_id"`
	Name     string        `json:"name"`
	List     string        `json:"list,omitempty"`
	SourceID string        `json:"source_id,omitempty"`
	Fields   []FieldChange `json:"fields,omitempty"`
	// EntryHash is the hash of the entry's names and designations in the
	// new version (the old one when removed): what reviews are pinned to.
	EntryHash string `json:"entry_hash"`
}

// ChangeSet is what changed in a dataset from one version (From, 0 for a
// first load) to the next (To).
type ChangeSet struct {
	Dataset    string    `json:"dataset"`
	From       int64     `json:"from"`
	To         int64     `json:"to"`
	ComputedAt time.Time `json:"computed_at"`
	Added      int       `json:"added"`
	Removed    int       `json:"removed"`
	Amended    int       `json:"amended"`
	Changes    []Change  `json:"changes"`
}

// Watch kinds.
const (
	WatchOrg    = "org"
	WatchRoster = "roster"
)

// RosterName is one name a roster watch screens, with the caller's own id.
type RosterName struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

// Watch is an organization or a roster of names that is re-evaluated after
// every new list version. Sink says where its alerts go: "stdout",
// "file:PATH" or "webhook:URL" (signed with Secret).
type Watch struct {
	ID      int64        `json:"id"`
	Kind    string       `json:"kind"`
	Label   string       `json:"label"`
	Org     string       `json:"org,omitempty"`
	Roster  []RosterName `json:"roster,omitempty"`
	Sink    string       `json:"sink"`
	Secret  string       `json:"-"`
	Created time.Time    `json:"created"`
	// State is what the last evaluation saw (owned by package watch), so
	// the next one reports only what is new.
	State json.RawMessage `json:"-"`
	// EvaluatedAt is when State was written; zero before the first run.
	EvaluatedAt time.Time `json:"evaluated_at"`
}

// Alert is one message to a watch's sink, kept in an outbox until it is
// delivered so none is lost when ties stops in between.
type Alert struct {
	ID          int64           `json:"id"`
	WatchID     int64           `json:"watch_id"`
	Sink        string          `json:"sink"`
	Body        json.RawMessage `json:"body"`
	Created     time.Time       `json:"created"`
	Attempts    int             `json:"attempts"`
	NextAttempt time.Time       `json:"next_attempt"`
	DeliveredAt time.Time       `json:"delivered_at"`
	LastError   string          `json:"last_error,omitempty"`
}

// Review decisions.
const (
	ReviewFalsePositive = "false_positive"
	ReviewConfirmed     = "confirmed"
)

// Review is a reviewer's decision on a match (roster watches) or an
// exposure (org watches) to EntityID. Query, when set, limits it to one
// roster name. EntryHash pins the decision to the entry as it was: once
// the entry changes the decision no longer silences alerts.
type Review struct {
	ID        int64     `json:"id"`
	WatchID   int64     `json:"watch_id"`
	EntityID  string    `json:"entity_id"`
	Query     string    `json:"query,omitempty"`
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	Reviewer  string    `json:"reviewer,omitempty"`
	At        time.Time `json:"at"`
	Expires   Date      `json:"expires"`
	EntryHash string    `json:"entry_hash"`
}

// ActiveOn reports whether the review still applies on day d.
func (r Review) ActiveOn(d Date) bool {
	return r.Expires.IsZero() || d.Before(r.Expires)
}

// MonitorStore keeps watches, their alerts outbox, reviews and the change
// set of each list version.
type MonitorStore interface {
	AddWatch(ctx context.Context, w Watch) (Watch, error)
	Watches(ctx context.Context) ([]Watch, error)
	// RemoveWatch deletes a watch with its reviews; its undelivered alerts
	// stay in the outbox. ErrNotFound for an unknown id.
	RemoveWatch(ctx context.Context, id int64) error
	SetWatchState(ctx context.Context, id int64, state json.RawMessage, at time.Time) error

	// PutChangeSet stores (or replaces) the change set that leads to
	// version cs.To.
	PutChangeSet(ctx context.Context, cs ChangeSet) error
	// ChangeSet finds the change set leading to version to.
	ChangeSet(ctx context.Context, to int64) (ChangeSet, bool, error)

	// EnqueueAlerts adds alerts to the outbox, setting ID and Created.
	EnqueueAlerts(ctx context.Context, alerts []Alert) ([]Alert, error)
	// PendingAlerts lists undelivered alerts due by now, oldest first.
	PendingAlerts(ctx context.Context, now time.Time) ([]Alert, error)
	// Alerts lists alerts, newest first; limit <= 0 means all.
	Alerts(ctx context.Context, limit int) ([]Alert, error)
	// MarkAlert records a delivery attempt: delivered, or failed with
	// errText and the time of the next attempt.
	MarkAlert(ctx context.Context, id int64, delivered bool, at time.Time, errText string, next time.Time) error

	AddReview(ctx context.Context, r Review) (Review, error)
	// Reviews lists the reviews of a watch (0: of every watch), oldest first.
	Reviews(ctx context.Context, watchID int64) ([]Review, error)
}

// MonitoredStore is a store that also keeps what monitoring needs.
type MonitoredStore interface {
	Store
	MonitorStore
}
