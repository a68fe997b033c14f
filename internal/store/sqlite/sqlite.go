// Package sqlite is the embedded store.Store on SQLite (modernc.org/sqlite,
// pure Go): a main database file and an events database file beside it,
// each with one writer connection and a small pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/vigil-soc/vigil/internal/store"
)

//go:embed migrations
var migrations embed.FS

// Store is a store.Store backed by two SQLite files: the main database
// (findings, incidents, tokens, audit) and, beside it, the events database
// (the search index of events). Each has its own writer connection, so the
// store writer's large event transactions never make a finding, an audit
// entry or a token lookup wait (measured: at 10,000 events/s the shared
// writer pushed ingest-to-finding p99 past several seconds).
type Store struct {
	main *database
	ev   *database
}

// database is one SQLite file: one writer connection (SQLite allows one
// writer; all writes queue on it in BEGIN IMMEDIATE transactions, so
// concurrent writers in this process never see SQLITE_BUSY and other
// processes wait on busy_timeout) and a small pool of readers (WAL mode lets
// them read while the writer writes).
type database struct {
	w *sql.DB
	r *sql.DB
}

var _ store.Store = (*Store)(nil)

// EventsPath is the events database that belongs to the main database path.
func EventsPath(path string) string {
	return strings.TrimSuffix(path, ".db") + "-events.db"
}

// Open opens (creating if needed) the database at path and its events
// database (EventsPath) and applies any pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	main, err := openDatabase(ctx, path, "migrations/main")
	if err != nil {
		return nil, err
	}
	ev, err := openDatabase(ctx, EventsPath(path), "migrations/events")
	if err != nil {
		main.close()
		return nil, err
	}
	return &Store{main: main, ev: ev}, nil
}

func openDatabase(ctx context.Context, path, migrationDir string) (*database, error) {
	// synchronous=NORMAL, not OFF: in WAL mode NORMAL never corrupts the
	// database (it fsyncs the WAL before each checkpoint) but may lose the
	// last commits on power loss or an OS crash; OFF skips those fsyncs too,
	// so such a crash can corrupt the file, which no JetStream redelivery
	// repairs. NORMAL only costs a sync per checkpoint, not per commit.
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	// The writer's page cache is kept small (8 MiB, 128 pages of 64 KiB) on
	// purpose: the modernc allocator maps every block over 16 KiB with its
	// own mmap and unmaps it on free, so a page cache that keeps growing
	// pays a system call and 16 page faults per new page, while a full cache
	// recycles its buffers. The writer only needs the b-tree pages on the
	// insert paths (readers have their own caches). In BenchmarkInsertEvents
	// (batch 5000, busy machine) 8 MiB gave ~50k events/s against ~38k.
	w, err := sql.Open("sqlite", base+"&_txlock=immediate&_pragma=cache_size(-8192)")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	d := &database{w: w}
	// 64 KiB pages mean fewer WAL write calls per inserted event (in
	// BenchmarkInsertEvents about twice the rate of 16 KiB pages).
	// page_size only takes effect before the file has content and WAL is on.
	if _, err := w.ExecContext(ctx, `PRAGMA page_size = 65536; PRAGMA journal_mode = WAL`); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := d.migrate(ctx, migrationDir); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	d.r = r
	if err := d.ping(ctx); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// Ping checks that every connection pool answers.
func (s *Store) Ping(ctx context.Context) error {
	return errors.Join(s.main.ping(ctx), s.ev.ping(ctx))
}

// Close closes the databases; the Store must not be used afterwards.
func (s *Store) Close() error {
	return errors.Join(s.ev.close(), s.main.close())
}

func (d *database) ping(ctx context.Context) error {
	if err := d.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := d.r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

func (d *database) close() error {
	var err error
	if d.r != nil {
		err = d.r.Close()
	}
	return errors.Join(err, d.w.Close())
}

// migrate applies the embedded dir/NNNN_name.sql files in order, each in
// its own transaction, recording them in schema_migrations.
func (d *database) migrate(ctx context.Context, dir string) error {
	if _, err := d.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, dir+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, dir+"/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: name must start with a number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := d.applyMigration(ctx, v, base, string(body)); err != nil {
			return err
		}
	}
	return nil
}

func (d *database) applyMigration(ctx context.Context, version int, name, body string) error {
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", name, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
		version, name, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", name, err)
	}
	return nil
}

// nullStr maps "" to NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
