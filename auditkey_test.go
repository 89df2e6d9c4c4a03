package ties

import (
	"errors"
	"iter"
	"testing"
	"time"
)

func chain(key []byte, n int) []AuditRecord {
	var out []AuditRecord
	prev := ""
	for i := 1; i <= n; i++ {
		r := AuditRecord{Seq: int64(i), At: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), Actor: "t", Action: AuditScreen, Query: "q"}
		if err := r.Normalize(); err != nil {
			panic(err)
		}
		r.PrevHash = prev
		r.Hash = r.SealHash(key)
		prev = r.Hash
		out = append(out, r)
	}
	return out
}

func seqOf(rs []AuditRecord) iter.Seq2[AuditRecord, error] {
	return func(yield func(AuditRecord, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// rehash recomputes every hash from i on without the key, as someone who
// can write the database but lacks the key would after editing record i.
func rehash(rs []AuditRecord, i int) {
	for ; i < len(rs); i++ {
		if i > 0 {
			rs[i].PrevHash = rs[i-1].Hash
		}
		rs[i].Hash = rs[i].ComputeHash()
	}
}

func TestVerifyAuditKeyed(t *testing.T) {
	key := []byte("audit-key")
	rs := chain(key, 5)
	v, err := VerifyAuditKeyed(seqOf(rs), key, nil)
	if err != nil || v.Head.Seq != 5 || v.Keyed != 5 || v.Head.MAC == "" {
		t.Fatalf("intact keyed chain: %+v, %v", v, err)
	}
	head, err := ParseAuditHead(v.Head.String())
	if err != nil || head != v.Head {
		t.Fatalf("ParseAuditHead(%q) = %+v, %v", v.Head.String(), head, err)
	}
	if _, err := VerifyAuditKeyed(seqOf(rs), key, &head); err != nil {
		t.Errorf("expected head on the intact chain: %v", err)
	}
	// Without the key, the links still verify, the MACs cannot.
	if v, err := VerifyAuditKeyed(seqOf(rs), nil, nil); err != nil || v.Keyed != 5 {
		t.Errorf("keyed chain without the key: %+v, %v", v, err)
	}
	var ce *AuditChainError

	// An edit rehashed without the key: plain hashes after keyed ones.
	edited := append([]AuditRecord(nil), rs...)
	edited[2].Query = "changed"
	rehash(edited, 2)
	if _, err := VerifyAuditKeyed(seqOf(edited), key, nil); !errors.As(err, &ce) || ce.Seq != 3 {
		t.Errorf("rehashed from record 3: %v", err)
	}
	// The whole chain rehashed without the key.
	all := append([]AuditRecord(nil), rs...)
	all[0].Query = "changed"
	rehash(all, 0)
	if _, err := VerifyAuditKeyed(seqOf(all), key, nil); !errors.As(err, &ce) {
		t.Errorf("whole chain rehashed: %v", err)
	}
	// A keyed hash forged with another key.
	forged := append([]AuditRecord(nil), rs...)
	forged[4].Query = "changed"
	forged[4].Hash = forged[4].SealHash([]byte("other"))
	if _, err := VerifyAuditKeyed(seqOf(forged), key, nil); !errors.As(err, &ce) || ce.Seq != 5 {
		t.Errorf("forged keyed hash: %v", err)
	}
	// The tail deleted: intact on its own, caught by the recorded head.
	if _, err := VerifyAuditKeyed(seqOf(rs[:3]), key, nil); err != nil {
		t.Errorf("shorter chain alone: %v", err)
	}
	if _, err := VerifyAuditKeyed(seqOf(rs[:3]), key, &head); !errors.As(err, &ce) || ce.Seq != 5 {
		t.Errorf("tail deleted, head expected: %v", err)
	}
	// An unkeyed chain rehashed: caught by the recorded head.
	plain := chain(nil, 4)
	pv, _ := VerifyAuditKeyed(seqOf(plain), nil, nil)
	plain[1].Query = "changed"
	rehash(plain, 1)
	if _, err := VerifyAuditKeyed(seqOf(plain), nil, &pv.Head); !errors.As(err, &ce) || ce.Seq != 4 {
		t.Errorf("unkeyed chain rehashed, head expected: %v", err)
	}
	// A head MAC from another key.
	bad := head
	bad.MAC = headMAC([]byte("other"), bad.Seq, bad.Hash)
	if _, err := VerifyAuditKeyed(seqOf(rs), key, &bad); err == nil {
		t.Error("a head signed with another key passed")
	}
}
