package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/hospital"
)

func TestContextImportLocal(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	sub := filepath.Join(dir, "fhir")
	if err := os.MkdirAll(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		filepath.Join(dir, "staff.csv"): strings.Join(hospital.StaffColumns, ",") + "\n" +
			"E1,jdoe42,Jane,Doe,nurse,Oncology,1 A St,X,1,40,-75,2015-01-01,,\n",
		filepath.Join(sub, "Encounter.ndjson"): `{"resourceType":"Encounter","id":"e1","subject":{"reference":"Patient/p1"},"period":{"start":"2026-11-01"}}` + "\n" +
			`{"resourceType":"Encounter","id":"e2","subject":{"reference":"Patient/p1"}}` + "\n",
		filepath.Join(dir, "README.txt"): "skipped",
	}
	for p, body := range files {
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	err := ContextImport(context.Background(), ContextImportOptions{Paths: []string{dir, filepath.Join(dir, "nope.csv")},
		Store: StoreOptions{DataDir: data}, Out: &out})
	got := out.String()
	if err == nil || !strings.Contains(err.Error(), "nope.csv") {
		t.Fatalf("missing file: err %v", err)
	}
	staffAt, encAt := strings.Index(got, "staff.csv: staff loaded 1, rejected 0"), strings.Index(got, "Encounter.ndjson: Encounter loaded 1, rejected 1")
	if staffAt < 0 || encAt < staffAt || !strings.Contains(got, "Encounter.ndjson:2: missing period.start") ||
		strings.Contains(got, "README") || !strings.Contains(got, "nope.csv: not loaded") {
		t.Fatalf("output:\n%s", got)
	}
	// the records are in the store: a server would rebuild them
	st, err := OpenStore(context.Background(), data, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := loadHospital(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if c := h.Current(); c.Counts()[hospital.KindStaff] != 1 || c.Counts()[hospital.KindEncounter] != 1 || !strings.HasPrefix(c.Version(), "2-") {
		t.Fatalf("rebuilt context %v %s", c.Counts(), c.Version())
	}
	if err := ContextImport(context.Background(), ContextImportOptions{Paths: []string{dir}, Server: "127.0.0.1:1"}); err == nil ||
		!strings.Contains(err.Error(), "--token") {
		t.Fatalf("server without token: %v", err)
	}
}
