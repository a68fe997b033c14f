package app

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/store"
)

// ensureAdminToken creates the first admin token when the store has no
// usable admin token yet, and writes it to DATA/admin.token (mode 0600).
// It returns the path written, or "" when an admin token already existed.
func ensureAdminToken(ctx context.Context, st store.Tokens, dataDir string) (string, error) {
	toks, err := st.ListTokens(ctx)
	if err != nil {
		return "", err
	}
	for _, t := range toks {
		if t.Role == string(auth.RoleAdmin) && t.Revoked == nil {
			return "", nil
		}
	}
	secret, _, err := auth.CreateToken(ctx, st, "admin", auth.RoleAdmin)
	if errors.Is(err, auth.ErrNameTaken) { // "admin" was revoked: take a generated name
		secret, _, err = auth.CreateToken(ctx, st, "", auth.RoleAdmin)
	}
	if err != nil {
		return "", fmt.Errorf("create admin token: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", err
	}
	path := AdminTokenPath(dataDir)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write admin token: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil { // WriteFile keeps an existing file's mode
		return "", err
	}
	return path, nil
}
