package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/postgres"
	"github.com/vigil-soc/vigil/internal/store/sqlite"
)

// OpenStore opens PostgreSQL when dsn is a postgres:// URL, else the SQLite
// database in dataDir (created if missing).
func OpenStore(ctx context.Context, dataDir, dsn, schema string) (store.Store, error) {
	if dsn != "" {
		if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
			return nil, fmt.Errorf("--db %q: want a postgres:// URL (SQLite needs no --db)", redactDSN(dsn))
		}
		if schema == "" {
			schema = "vigil"
		}
		return postgres.Open(ctx, dsn, schema)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(dataDir, "vigil.db"))
}

// redactDSN drops a password from a DSN before it is shown.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return dsn[:scheme+3] + userinfo[:i] + ":***" + dsn[at:]
	}
	return dsn
}

// ErrDataDirBusy means another process (usually a running `vigil serve`)
// holds the data directory's NATS storage.
var ErrDataDirBusy = errors.New("data directory is in use by another vigil process")

// lockDataDir takes an exclusive advisory lock on DATA/vigil.lock, held until
// the returned function is called (or the process dies: kill -9 releases it).
func lockDataDir(dataDir string) (func(), error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dataDir, "vigil.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data dir lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", dataDir, ErrDataDirBusy)
		}
		return nil, fmt.Errorf("data dir lock: %w", err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
