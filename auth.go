package ties

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"
)

// Role is what an API token may do. Each role can do everything the roles
// before it can.
type Role string

const (
	RoleViewer  Role = "viewer"  // read and screen
	RoleAnalyst Role = "analyst" // also confirm or reject links, record review decisions
	RoleAdmin   Role = "admin"   // also load lists and manage tokens
)

var roleRank = map[Role]int{RoleViewer: 1, RoleAnalyst: 2, RoleAdmin: 3}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if roleRank[r] == 0 {
		return "", fmt.Errorf("unknown role %q: want viewer, analyst or admin", s)
	}
	return r, nil
}

// Allows reports whether a token of role r may do what needs role need.
func (r Role) Allows(need Role) bool {
	return roleRank[r] > 0 && roleRank[r] >= roleRank[need]
}

// Token is an API token as stored: the secret itself is never kept, only
// its SHA-256 hash.
type Token struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"` // zero while the token works
}

// Revoked reports whether the token was revoked.
func (t Token) Revoked() bool { return !t.RevokedAt.IsZero() }

// TokenPrefix starts every token secret, so a leaked one is recognizable
// (secret scanners, logs).
const TokenPrefix = "ties_"

// NewTokenSecret returns a fresh random token secret (32 bytes from
// crypto/rand, base64url) and the hash to store for it.
func NewTokenSecret() (secret string, hash []byte, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("token: random bytes: %w", err)
	}
	secret = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashTokenSecret(secret), nil
}

// HashTokenSecret is the at-rest form of a token secret. A plain SHA-256 is
// enough: the secret has 256 random bits, so there is nothing to brute-force.
func HashTokenSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// ErrNotFound is returned (wrapped) for an id that names nothing.
var ErrNotFound = errors.New("not found")

// TokenStore keeps API tokens.
type TokenStore interface {
	// CreateToken stores a token by the hash of its secret.
	CreateToken(ctx context.Context, name string, role Role, hash []byte) (Token, error)
	// TokenByHash finds a token that is not revoked; ok is false otherwise.
	TokenByHash(ctx context.Context, hash []byte) (t Token, ok bool, err error)
	// Tokens lists every token, revoked ones included, oldest first.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken revokes a token at once; ErrNotFound for an unknown id.
	RevokeToken(ctx context.Context, id int64) error
}

// Audit actions.
const (
	AuditScreen   = "screen"   // a name screened
	AuditExposure = "exposure" // an exposure report produced
	AuditDecision = "decision" // a reviewer's decision on an earlier record
	AuditLoad     = "load"     // a list file loaded through the server
	AuditLink     = "link"     // a link confirmed or rejected
	AuditTie      = "tie"      // a tie added or removed by an analyst
	AuditAssess   = "assess"   // a research-security assessment produced
)

// AuditRecord is one entry of the audit trail. Records form a hash chain:
// Hash covers PrevHash and every other field, so changing, removing or
// reordering a stored record breaks the chain at that record.
type AuditRecord struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"` // "token:<id>:<name>", "cli:<os user>", "demo"
	Action   string          `json:"action"`
	Query    string          `json:"query"`
	Versions []int64         `json:"versions"`          // list versions in force
	Results  json.RawMessage `json:"results,omitempty"` // top results, as the API returned them
	Ref      int64           `json:"ref,omitempty"`     // for a decision: the seq decided on
	Decision string          `json:"decision,omitempty"`
	Note     string          `json:"note,omitempty"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// canonicalAudit fixes the field order and encodings the hash covers.
type canonicalAudit struct {
	Seq      int64           `json:"seq"`
	At       string          `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Query    string          `json:"query"`
	Versions []int64         `json:"versions"`
	Results  json.RawMessage `json:"results"`
	Ref      int64           `json:"ref"`
	Decision string          `json:"decision"`
	Note     string          `json:"note"`
}

// AuditTimeFormat is how At is written and hashed: UTC, microseconds.
const AuditTimeFormat = "2006-01-02T15:04:05.000000Z"

// Normalize puts the record in the form it is stored and hashed in: At in
// UTC to the microsecond, Results compacted (null when empty), Versions
// never nil.
func (r *AuditRecord) Normalize() error {
	r.At = r.At.UTC().Truncate(time.Microsecond)
	if r.Versions == nil {
		r.Versions = []int64{}
	}
	if len(r.Results) == 0 {
		r.Results = json.RawMessage("null")
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, r.Results); err != nil {
		return fmt.Errorf("audit results: %w", err)
	}
	r.Results = b.Bytes()
	return nil
}

// ComputeHash is hex(sha256(PrevHash || canonical JSON of the fields)).
// The record must be normalized.
func (r *AuditRecord) ComputeHash() string {
	h := sha256.New()
	h.Write([]byte(r.PrevHash))
	h.Write(r.canonicalBody())
	return hex.EncodeToString(h.Sum(nil))
}

// canonicalBody is the canonical JSON of the fields a hash covers.
func (r *AuditRecord) canonicalBody() []byte {
	results := r.Results
	if len(results) == 0 {
		results = json.RawMessage("null")
	}
	versions := r.Versions
	if versions == nil {
		versions = []int64{}
	}
	c := canonicalAudit{
		Seq: r.Seq, At: r.At.UTC().Format(AuditTimeFormat), Actor: r.Actor, Action: r.Action,
		Query: r.Query, Versions: versions, Results: results, Ref: r.Ref, Decision: r.Decision, Note: r.Note,
	}
	body, err := json.Marshal(c)
	if err != nil {
		// Only a malformed Results can fail, and Normalize rejected it;
		// hash the raw text so the record simply fails verification.
		body = []byte(fmt.Sprintf("%#v", c))
	}
	return body
}

// AuditChainError says where the audit chain breaks.
type AuditChainError struct {
	Seq    int64
	Reason string
}

func (e *AuditChainError) Error() string {
	return fmt.Sprintf("audit record %d: %s", e.Seq, e.Reason)
}

// VerifyAuditChain checks records in seq order, starting from the record
// after prevSeq whose hash is prevHash ("" and 0 for the start). It returns
// an *AuditChainError naming the first bad record, or the last seq and hash
// seen.
func VerifyAuditChain(records iter.Seq2[AuditRecord, error], prevSeq int64, prevHash string) (lastSeq int64, lastHash string, err error) {
	for r, err := range records {
		if err != nil {
			return prevSeq, prevHash, err
		}
		switch {
		case r.Seq != prevSeq+1:
			return prevSeq, prevHash, &AuditChainError{Seq: r.Seq, Reason: fmt.Sprintf("follows record %d: records are missing", prevSeq)}
		case r.PrevHash != prevHash:
			return prevSeq, prevHash, &AuditChainError{Seq: r.Seq, Reason: "prev_hash does not match the hash of the record before"}
		case !r.hashMatches(nil):
			return prevSeq, prevHash, &AuditChainError{Seq: r.Seq, Reason: "content does not match its hash (record changed)"}
		}
		prevSeq, prevHash = r.Seq, r.Hash
	}
	return prevSeq, prevHash, nil
}

// AuditStore keeps the audit trail.
type AuditStore interface {
	// AppendAudit appends records in one transaction, in order, setting
	// Seq, At (when zero), PrevHash and Hash. Concurrent appends, also
	// from other processes, keep one valid chain.
	AppendAudit(ctx context.Context, records []AuditRecord) ([]AuditRecord, error)
	// AuditRecords yields records with seq > after, in seq order; limit
	// <= 0 means all.
	AuditRecords(ctx context.Context, after int64, limit int) iter.Seq2[AuditRecord, error]
	// AuditRecord finds one record; ErrNotFound when there is none.
	AuditRecord(ctx context.Context, seq int64) (AuditRecord, error)
}
