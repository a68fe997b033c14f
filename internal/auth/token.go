package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

// TokenPrefix starts every Vigil API token secret.
const TokenPrefix = "vgl_"

// secretLen is the length of a secret: the prefix + 32 random bytes in
// unpadded lower-case base32 (52 characters).
var secretLen = len(TokenPrefix) + b32.EncodedLen(32)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrNameTaken is returned by CreateToken when a token of that name exists.
var ErrNameTaken = errors.New("token name already in use")

// NewToken returns a fresh secret ("vgl_" + 32 random bytes, base32) and its
// SHA-256, the only form that is stored.
func NewToken() (secret string, hash []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil { // never fails on supported platforms
		panic(fmt.Sprintf("auth: crypto/rand: %v", err))
	}
	secret = TokenPrefix + strings.ToLower(b32.EncodeToString(b[:]))
	return secret, HashSecret(secret)
}

// HashSecret returns the SHA-256 of a token secret.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// wellFormed reports whether s looks like a secret made by NewToken.
func wellFormed(s string) bool {
	if len(s) != secretLen || !strings.HasPrefix(s, TokenPrefix) {
		return false
	}
	for _, c := range s[len(TokenPrefix):] {
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// newID returns a random token id ("tok_" + 16 hex characters).
func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("auth: crypto/rand: %v", err))
	}
	return "tok_" + hex.EncodeToString(b[:])
}

// CreateToken makes a token with that name and role, stores its hash and
// returns the secret (shown once, never stored) and the stored token. An
// empty name becomes "token-<8 hex chars of the id>"; a name already used
// (revoked tokens included) gives ErrNameTaken.
func CreateToken(ctx context.Context, st store.Tokens, name string, role Role) (secret string, tok store.Token, err error) {
	if !role.Valid() {
		_, err := ParseRole(string(role))
		return "", store.Token{}, err
	}
	name = strings.TrimSpace(name)
	id := newID()
	if name == "" {
		name = "token-" + id[len("tok_"):len("tok_")+8]
	}
	if len(name) > 64 {
		return "", store.Token{}, fmt.Errorf("token name longer than 64 characters")
	}
	existing, err := st.ListTokens(ctx)
	if err != nil {
		return "", store.Token{}, fmt.Errorf("list tokens: %w", err)
	}
	for _, t := range existing {
		if t.Name == name || t.ID == name {
			return "", store.Token{}, fmt.Errorf("%w: %q", ErrNameTaken, name)
		}
	}
	secret, hash := NewToken()
	tok = store.Token{ID: id, Name: name, Role: string(role), Hash: hash,
		Created: time.Now().UTC().Truncate(time.Microsecond)}
	if err := st.CreateToken(ctx, tok); err != nil {
		return "", store.Token{}, fmt.Errorf("store token: %w", err)
	}
	return secret, tok, nil
}
