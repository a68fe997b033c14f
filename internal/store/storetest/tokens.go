package storetest

import (
	"crypto/sha256"
	"reflect"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

func hashOf(secret string) []byte { h := sha256.Sum256([]byte(secret)); return h[:] }

func testTokens(t *testing.T, s store.Store) {
	toks := []store.Token{
		{ID: "t1", Name: "ingest-a", Role: "ingest", Hash: hashOf("s1"), Created: base},
		{ID: "t2", Name: "analyst", Role: "analyst", Hash: hashOf("s2"), Created: base.Add(time.Second)},
		{ID: "t3", Name: "admin", Role: "admin", Hash: hashOf("s3"), Created: base.Add(2 * time.Second)},
	}
	for _, tk := range toks {
		if err := s.CreateToken(ctx(t), tk); err != nil {
			t.Fatalf("CreateToken(%s): %v", tk.Name, err)
		}
	}
	if err := s.CreateToken(ctx(t), toks[0]); err != nil {
		t.Errorf("CreateToken same id again: %v (writes are idempotent by id)", err)
	}
	dupName := store.Token{ID: "t9", Name: "analyst", Role: "admin", Hash: hashOf("s9"), Created: base}
	if err := s.CreateToken(ctx(t), dupName); err == nil {
		t.Error("second token with the same name accepted")
	}
	dupHash := store.Token{ID: "t8", Name: "other", Role: "admin", Hash: hashOf("s1"), Created: base}
	if err := s.CreateToken(ctx(t), dupHash); err == nil {
		t.Error("second token with the same hash accepted")
	}
	got, err := s.TokenByHash(ctx(t), hashOf("s2"))
	if err != nil || got.ID != "t2" || got.Role != "analyst" || got.LastUsed != nil || got.Revoked != nil {
		t.Errorf("TokenByHash = %+v, %v", got, err)
	}
	_, err = s.TokenByHash(ctx(t), hashOf("unknown"))
	mustNotFound(t, "TokenByHash", err)

	used := base.Add(time.Hour)
	if err := s.TouchToken(ctx(t), "t1", used); err != nil {
		t.Fatal(err)
	}
	mustNotFound(t, "TouchToken", s.TouchToken(ctx(t), "nope", used))
	rev := base.Add(2 * time.Hour)
	if err := s.RevokeToken(ctx(t), "t1", rev); err != nil { // by id
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx(t), "admin", rev); err != nil { // by name
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx(t), "admin", rev.Add(time.Hour)); err != nil { // again: keeps the first time
		t.Fatal(err)
	}
	mustNotFound(t, "RevokeToken", s.RevokeToken(ctx(t), "nope", rev))

	list, err := s.ListTokens(ctx(t))
	if err != nil || len(list) != 3 {
		t.Fatalf("ListTokens = %d tokens, %v", len(list), err)
	}
	u, r := used.UTC(), rev.UTC()
	want := []store.Token{toks[0], toks[1], toks[2]}
	want[0].LastUsed, want[0].Revoked = &u, &r
	want[2].Revoked = &r
	for i := range want {
		want[i].Created = want[i].Created.UTC()
		if !reflect.DeepEqual(list[i], want[i]) {
			t.Errorf("token %d = %+v, want %+v", i, list[i], want[i])
		}
	}
}
