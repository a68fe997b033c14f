// Package postgres is the store.Store on PostgreSQL (pgx v5, pgxpool), for
// deployments beyond one machine. All tables live in one schema (created if
// missing) that every pooled connection has as its search_path, so several
// Vigil installations or test runs can share a database. Several processes
// may use the same schema at once: migrations run under an advisory lock
// and audit appends are serialised by a transaction-scoped advisory lock.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vigil-soc/vigil/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a store.Store backed by a pgx connection pool.
type Store struct {
	pool   *pgxpool.Pool
	schema string
}

var _ store.Store = (*Store)(nil)

// Open connects to dsn, creates schema if needed and applies pending
// migrations there.
func Open(ctx context.Context, dsn string, schema string) (*Store, error) {
	if schema == "" {
		return nil, errors.New("postgres: empty schema name")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err) // pgx redacts the password
	}
	quoted := pgx.Identifier{schema}.Sanitize()
	cfg.ConnConfig.RuntimeParams["search_path"] = quoted
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool, schema: schema}
	if err := s.migrate(ctx, quoted); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Close closes the pool; the Store must not be used afterwards.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// migrateLock is the advisory lock key held while migrating.
const migrateLock = 0x76696769 // "vigi"

func (s *Store) migrate(ctx context.Context, quotedSchema string) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("postgres: migrate lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock) //nolint:errcheck // released with the session anyway
	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+quotedSchema); err != nil {
		return fmt.Errorf("postgres: create schema %s: %w", s.schema, err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version int PRIMARY KEY, name text NOT NULL, applied bigint NOT NULL)`); err != nil {
		return fmt.Errorf("postgres: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s: name must start with a number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := applyMigration(ctx, conn.Conn(), v, base, string(body)); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, conn *pgx.Conn, version int, name, body string) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migration %s: %w", name, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after Commit
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return fmt.Errorf("postgres: migration %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, body); err != nil {
		return fmt.Errorf("postgres: migration %s: %w", name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)`,
		version, name, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("postgres: migration %s: %w", name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: migration %s: %w", name, err)
	}
	return nil
}

// clean makes s storable in a text column: valid UTF-8, no NUL.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	return s
}

// nullStr maps "" to NULL and cleans the rest.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return clean(s)
}
