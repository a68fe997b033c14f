package auth

import (
	"context"
	"errors"
	"testing"
)

// FuzzAuthenticate feeds arbitrary Authorization values: never a panic,
// never a principal for anything but the one valid secret.
func FuzzAuthenticate(f *testing.F) {
	st := &memTokens{}
	sec, _, err := CreateToken(context.Background(), st, "f", RoleViewer)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "Bearer", "Bearer ", "bearer " + sec, sec, "vgl_", "vgl_" + sec[4:20], "Basic abc", "\x00\xff"} {
		f.Add(s)
	}
	a := NewAuthenticator(st, nil)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := a.Authenticate(context.Background(), s)
		if err == nil && p.Name != "f" {
			t.Fatalf("authenticated %q as %+v", s, p)
		}
		if err != nil && !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}
