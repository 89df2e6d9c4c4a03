package ties

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
)

// The audit chain can be keyed: with a secret kept outside the store
// (TIES_AUDIT_KEY), each record's hash is an HMAC-SHA256 of the previous
// hash and its fields, written "hmac-sha256:<hex>". Whoever can write the
// database but does not hold the key can no longer edit a record and
// rehash the rest of the chain: the keyed hashes would not verify.
// Records written without a key keep the plain sha256 hex hash, so a
// store may switch to a key at any time; once a keyed record is in the
// chain, every later one must be keyed too. Truncation (deleting the
// newest records) is shown by anchoring: `ties audit verify` prints the
// head (seq and hash, and with the key its MAC) to record elsewhere, and
// checks a recorded head with --expect-head.

// KeyedHashPrefix marks a keyed record hash.
const KeyedHashPrefix = "hmac-sha256:"

// Keyed reports whether the record's hash is keyed.
func (r *AuditRecord) Keyed() bool { return strings.HasPrefix(r.Hash, KeyedHashPrefix) }

// SealHash is the hash a store writes for the (normalized) record: keyed
// with key when key is not empty, else ComputeHash.
func (r *AuditRecord) SealHash(key []byte) string {
	if len(key) == 0 {
		return r.ComputeHash()
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(r.PrevHash))
	m.Write(r.canonicalBody())
	return KeyedHashPrefix + hex.EncodeToString(m.Sum(nil))
}

// hashMatches checks the record's hash; a keyed hash can only be checked
// with the key, so without one it passes (its links are still checked).
func (r *AuditRecord) hashMatches(key []byte) bool {
	if r.Keyed() {
		return len(key) == 0 || hmac.Equal([]byte(r.SealHash(key)), []byte(r.Hash))
	}
	return r.ComputeHash() == r.Hash
}

// AuditHead is the newest record of a chain: its seq and hash, and with
// the key a MAC over both, to be recorded outside the store.
type AuditHead struct {
	Seq  int64
	Hash string
	MAC  string // hex HMAC-SHA256 of "ties-audit-head:<seq>:<hash>"; "" without a key
}

// String is the form --expect-head takes: SEQ:HASH[:MAC].
func (h AuditHead) String() string {
	s := strconv.FormatInt(h.Seq, 10) + ":" + h.Hash
	if h.MAC != "" {
		s += ":" + h.MAC
	}
	return s
}

func headMAC(key []byte, seq int64, hash string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "ties-audit-head:%d:%s", seq, hash)
	return hex.EncodeToString(m.Sum(nil))
}

// ParseAuditHead reads SEQ:HASH[:MAC] (HASH may itself hold a colon, as
// keyed hashes do).
func ParseAuditHead(s string) (AuditHead, error) {
	seqText, rest, ok := strings.Cut(strings.TrimSpace(s), ":")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if !ok || err != nil || seq < 0 || rest == "" {
		return AuditHead{}, fmt.Errorf("audit head %q: want SEQ:HASH[:MAC] as `ties audit verify` prints it", s)
	}
	h := AuditHead{Seq: seq, Hash: rest}
	if strings.HasPrefix(rest, KeyedHashPrefix) {
		hash, mac, _ := strings.Cut(strings.TrimPrefix(rest, KeyedHashPrefix), ":")
		h.Hash, h.MAC = KeyedHashPrefix+hash, mac
	} else if hash, mac, ok := strings.Cut(rest, ":"); ok {
		h.Hash, h.MAC = hash, mac
	}
	return h, nil
}

// AuditVerification is what VerifyAuditKeyed found.
type AuditVerification struct {
	Head  AuditHead
	Keyed int // records with a keyed hash (checked with the key when given)
}

// VerifyAuditKeyed checks the whole chain as VerifyAuditChain does, and
// with key also every keyed hash; once a keyed record appears, later
// records must be keyed, and when key is given the newest record must be
// keyed (a chain rewritten without the key fails). expect, when set, is a
// head recorded earlier: its record must still be in the chain with the
// same hash (else records were deleted or rewritten), and its MAC, when it
// has one and key is given, must be the key's.
func VerifyAuditKeyed(records iter.Seq2[AuditRecord, error], key []byte, expect *AuditHead) (AuditVerification, error) {
	var v AuditVerification
	var prevSeq int64
	var prevHash string
	expectSeen := false
	for r, err := range records {
		if err != nil {
			return v, err
		}
		switch {
		case r.Seq != prevSeq+1:
			return v, &AuditChainError{Seq: r.Seq, Reason: fmt.Sprintf("follows record %d: records are missing", prevSeq)}
		case r.PrevHash != prevHash:
			return v, &AuditChainError{Seq: r.Seq, Reason: "prev_hash does not match the hash of the record before"}
		case !r.hashMatches(key):
			return v, &AuditChainError{Seq: r.Seq, Reason: "content does not match its hash (record changed)"}
		case v.Keyed > 0 && !r.Keyed():
			return v, &AuditChainError{Seq: r.Seq, Reason: "not keyed, but follows keyed records (the chain was rewritten without the key)"}
		}
		if r.Keyed() {
			v.Keyed++
		}
		if expect != nil && r.Seq == expect.Seq {
			expectSeen = true
			if r.Hash != expect.Hash {
				return v, &AuditChainError{Seq: r.Seq, Reason: "hash differs from the recorded head (the chain was rewritten)"}
			}
		}
		prevSeq, prevHash = r.Seq, r.Hash
		v.Head = AuditHead{Seq: r.Seq, Hash: r.Hash}
	}
	if len(key) > 0 && v.Head.Seq > 0 && v.Keyed == 0 {
		return v, &AuditChainError{Seq: v.Head.Seq, Reason: "no record is keyed although a key is given (written without the key, or rewritten)"}
	}
	if expect != nil {
		if !expectSeen {
			return v, &AuditChainError{Seq: expect.Seq, Reason: fmt.Sprintf("the recorded head is gone: the chain ends at record %d (records were deleted)", v.Head.Seq)}
		}
		if expect.MAC != "" && len(key) > 0 && !hmac.Equal([]byte(expect.MAC), []byte(headMAC(key, expect.Seq, expect.Hash))) {
			return v, errors.New("the recorded head's MAC is not this key's: it was not signed with it")
		}
	}
	if len(key) > 0 && v.Head.Seq > 0 {
		v.Head.MAC = headMAC(key, v.Head.Seq, v.Head.Hash)
	}
	return v, nil
}
