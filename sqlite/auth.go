package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ties"
)

var _ ties.TokenStore = (*Store)(nil)

// CreateToken stores a token by the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, name string, role ties.Role, hash []byte) (ties.Token, error) {
	if _, err := ties.ParseRole(string(role)); err != nil {
		return ties.Token{}, err
	}
	if len(hash) == 0 {
		return ties.Token{}, errors.New("sqlite: create token: empty hash")
	}
	t := ties.Token{Name: strings.TrimSpace(name), Role: role, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `INSERT INTO tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)`,
		t.Name, string(t.Role), hash, t.CreatedAt.Format(time.RFC3339Nano))
	if err != nil {
		return ties.Token{}, fmt.Errorf("sqlite: create token: %w", err)
	}
	if t.ID, err = res.LastInsertId(); err != nil {
		return ties.Token{}, fmt.Errorf("sqlite: create token: %w", err)
	}
	return t, nil
}

const tokenColumns = `id, name, role, created_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (ties.Token, error) {
	var t ties.Token
	var role, created, revoked string
	if err := sc.Scan(&t.ID, &t.Name, &role, &created, &revoked); err != nil {
		return t, err
	}
	t.Role = ties.Role(role)
	var err error
	if t.CreatedAt, err = time.Parse(time.RFC3339Nano, created); err != nil {
		return t, fmt.Errorf("token %d: created_at %q: %w", t.ID, created, err)
	}
	if revoked != "" {
		if t.RevokedAt, err = time.Parse(time.RFC3339Nano, revoked); err != nil {
			return t, fmt.Errorf("token %d: revoked_at %q: %w", t.ID, revoked, err)
		}
	}
	return t, nil
}

// TokenByHash finds the token with this hash that is not revoked. It runs
// on every API request: one indexed lookup, so a revocation takes effect
// on the very next request.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (ties.Token, bool, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ? AND revoked_at = ''`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return ties.Token{}, false, nil
	}
	if err != nil {
		return ties.Token{}, false, fmt.Errorf("sqlite: token lookup: %w", err)
	}
	return t, true, nil
}

// Tokens lists every token, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]ties.Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	defer rows.Close()
	var out []ties.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token; revoking a revoked token keeps the first
// revocation time.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked_at = CASE WHEN revoked_at = '' THEN ? ELSE revoked_at END WHERE id = ?`,
		time.Now().UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano), id)
	if err != nil {
		return fmt.Errorf("sqlite: revoke token %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: revoke token %d: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("token %d: %w", id, ties.ErrNotFound)
	}
	return nil
}
