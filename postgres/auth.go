package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ties"
)

// CreateToken stores a token by the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, name string, role ties.Role, hash []byte) (ties.Token, error) {
	if _, err := ties.ParseRole(string(role)); err != nil {
		return ties.Token{}, err
	}
	if len(hash) == 0 {
		return ties.Token{}, errors.New("postgres: create token: empty hash")
	}
	t := ties.Token{Name: strings.TrimSpace(name), Role: role, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	err := s.pool.QueryRow(ctx, `INSERT INTO tokens (name, role, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		t.Name, string(t.Role), hash, t.CreatedAt).Scan(&t.ID)
	if err != nil {
		return ties.Token{}, fmt.Errorf("postgres: create token: %w", err)
	}
	return t, nil
}

const tokenColumns = `id, name, role, created_at, revoked_at`

func scanToken(sc pgx.Row) (ties.Token, error) {
	var t ties.Token
	var role string
	var revoked *time.Time
	if err := sc.Scan(&t.ID, &t.Name, &role, &t.CreatedAt, &revoked); err != nil {
		return t, err
	}
	t.Role = ties.Role(role)
	t.CreatedAt = t.CreatedAt.UTC()
	if revoked != nil {
		t.RevokedAt = revoked.UTC()
	}
	return t, nil
}

// TokenByHash finds the token with this hash that is not revoked: one
// indexed lookup per API request, so a revocation by any replica takes
// effect on the very next request to every replica.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (ties.Token, bool, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1 AND revoked_at IS NULL`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return ties.Token{}, false, nil
	}
	if err != nil {
		return ties.Token{}, false, fmt.Errorf("postgres: token lookup: %w", err)
	}
	return t, true, nil
}

// Tokens lists every token, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]ties.Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: tokens: %w", err)
	}
	defer rows.Close()
	var out []ties.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token; revoking a revoked token keeps the first
// revocation time.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`,
		time.Now().UTC().Truncate(time.Microsecond), id)
	if err != nil {
		return fmt.Errorf("postgres: revoke token %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token %d: %w", id, ties.ErrNotFound)
	}
	return nil
}
