package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Roles a token may have.
const (
	RoleAgent  = "agent"  // reports for one host
	RoleViewer = "viewer" // reads the API
	RoleAdmin  = "admin"  // everything
)

// ValidRole tells whether r is a role.
func ValidRole(r string) bool { return r == RoleAgent || r == RoleViewer || r == RoleAdmin }

// Token is a token as stored: never the token itself, only its SHA-256.
type Token struct {
	ID    int64
	Role  string
	Host  string // the host an agent token reports for ("" until it enrols one)
	Label string
	// Prefix is the first characters of the token's hash, to tell tokens
	// apart in listings.
	Prefix    string
	CreatedAt time.Time
	LastUsed  time.Time // an agent token's last report
	RevokedAt time.Time
}

// tokenBytes is the entropy of a token: 256 bits.
const tokenBytes = 32

// ErrBadToken is returned for an unknown or revoked token.
var ErrBadToken = errors.New("unknown or revoked token")

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// CreateToken makes a new random 256-bit token and stores its hash; the
// token itself is returned once and never kept. host binds an agent token
// to one host ("" lets it enrol the first host it reports for).
func (s *Store) CreateToken(ctx context.Context, role, host, label string) (string, *Token, error) {
	if !ValidRole(role) {
		return "", nil, fmt.Errorf("role %q is not agent, viewer or admin", role)
	}
	if host != "" && role != RoleAgent {
		return "", nil, fmt.Errorf("only agent tokens are bound to a host")
	}
	var raw [tokenBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, err
	}
	tok := hex.EncodeToString(raw[:])
	hash := hex.EncodeToString(hashToken(tok))
	t := &Token{Role: role, Host: host, Label: label, Prefix: hash[:12], CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
	err := s.db.QueryRowContext(ctx, `INSERT INTO tokens (hash, role, host, label, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		hash, role, host, label, micros(t.CreatedAt)).Scan(&t.ID)
	if err != nil {
		return "", nil, err
	}
	return tok, t, nil
}

const tokenColumns = `id, hash, role, host, label, created_at, last_used, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*Token, string, error) {
	var t Token
	var hash string
	var created int64
	var used, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &hash, &t.Role, &t.Host, &t.Label, &created, &used, &revoked); err != nil {
		return nil, "", err
	}
	t.Prefix = hash[:min(12, len(hash))]
	t.CreatedAt, t.LastUsed, t.RevokedAt = fromMicros(created), fromNullMicros(used), fromNullMicros(revoked)
	return &t, hash, nil
}

// Tokens lists every token, revoked ones included.
func (s *Store) Tokens(ctx context.Context) ([]*Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Token
	for rows.Next() {
		t, _, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token by id.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, micros(s.now()))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token %d: %w (or already revoked)", id, ErrNotFound)
	}
	return nil
}

// Authenticate returns the live token tok is, or ErrBadToken. The stored
// hash is compared with tok's in constant time.
func (s *Store) Authenticate(ctx context.Context, tok string) (*Token, error) {
	if len(tok) != 2*tokenBytes {
		return nil, ErrBadToken
	}
	want := hashToken(tok)
	t, hash, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hex.EncodeToString(want)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	got, err := hex.DecodeString(hash)
	if err != nil || subtle.ConstantTimeCompare(got, want) != 1 || !t.RevokedAt.IsZero() {
		return nil, ErrBadToken
	}
	return t, nil
}

// BindToken makes an agent token that is bound to no host the token of
// host (enrolment on first use), and tells whether the token may report
// for host: bound to it before or now.
func (s *Store) BindToken(ctx context.Context, id int64, host string) (bool, error) {
	// Bound to host already, or bound now; either way its last use.
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET host = $2, last_used = $3
		WHERE id = $1 AND role = 'agent' AND (host = $2 OR host = '') AND revoked_at IS NULL`, id, host, micros(s.now()))
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	var bound string
	err = s.db.QueryRowContext(ctx, `SELECT host FROM tokens WHERE id = $1 AND revoked_at IS NULL`, id).Scan(&bound)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return bound == host, nil
}
