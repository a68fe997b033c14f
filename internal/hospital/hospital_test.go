package hospital

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// importAll loads every testdata file into h, returning results by file.
func importAll(t *testing.T, h *Holder) map[string]Result {
	t.Helper()
	out := map[string]Result{}
	for _, name := range []string{"staff.csv", "assets.csv", "Practitioner.ndjson", "PractitionerRole.ndjson",
		"Patient.ndjson", "Encounter.ndjson", "CareTeam.ndjson", "RelatedPerson.ndjson", "Condition.ndjson"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		k, err := KindOf(name)
		if err != nil {
			t.Fatal(err)
		}
		res, err := h.Import(context.Background(), name, k, bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = res
	}
	return out
}

func reasons(res Result) map[int]string {
	m := map[int]string{}
	for _, r := range res.Rejected {
		m[r.Line] = r.Reason
	}
	return m
}

func TestImportReportsBadRowsAndLoadsTheRest(t *testing.T) {
	h := NewHolder(nil, func() time.Time { return testNow })
	res := importAll(t, h)
	want := map[string]struct {
		loaded   int
		rejected map[int]string // line → reason substring
	}{
		"staff.csv": {3, map[int]string{5: "latitude 95 outside", 6: "hire_date \"2020-13-45\"", 7: "empty user_id",
			8: "termination_date before hire_date"}},
		"assets.csv":              {2, map[int]string{4: "criticality \"7\"", 5: "ip \"10.1.2.300\""}},
		"Patient.ndjson":          {2, map[int]string{3: "birthDate 2999-01-01 is in the future", 4: "longitude -200 outside", 5: "missing id", 6: "field birthDate: wrong JSON type", 7: "invalid JSON", 8: "resourceType \"Encounter\""}},
		"Encounter.ndjson":        {2, map[int]string{3: "not a Patient reference", 4: "period.end before period.start", 5: "missing period.start"}},
		"Practitioner.ndjson":     {2, map[int]string{3: "missing identifier with system urn:vigil:user-id"}},
		"PractitionerRole.ndjson": {1, map[int]string{2: "missing practitioner.reference"}},
		"CareTeam.ndjson":         {1, map[int]string{2: "missing subject.reference"}},
		"RelatedPerson.ndjson":    {1, map[int]string{2: "missing patient.reference"}},
		"Condition.ndjson":        {1, map[int]string{2: "missing code"}},
	}
	for file, w := range want {
		r := res[file]
		if r.Loaded != w.loaded {
			t.Errorf("%s: loaded %d, want %d (rejected %v)", file, r.Loaded, w.loaded, r.Rejected)
		}
		got := reasons(r)
		if len(got) != len(w.rejected) || r.RejectedTotal != len(w.rejected) {
			t.Errorf("%s: rejected %v, want lines %v", file, r.Rejected, w.rejected)
		}
		for line, sub := range w.rejected {
			if !strings.Contains(got[line], sub) {
				t.Errorf("%s line %d: reason %q, want it to contain %q", file, line, got[line], sub)
			}
		}
	}
}

func TestSnapshotLookups(t *testing.T) {
	h := NewHolder(nil, func() time.Time { return testNow })
	importAll(t, h)
	c := h.Current()
	s, ok := c.Staff("jdoe42")
	if !ok || s.Role != "nurse" || s.Department != "Oncology" || s.LastName != "Doe" || !s.Home.OK {
		t.Fatalf("Staff(jdoe42) = %+v, %v", s, ok)
	}
	if s, ok := c.Staff("fhironly"); !ok || s.Role != "resident" || s.Department != "Emergency" || s.LastName != "Only" {
		t.Fatalf("FHIR-only staff = %+v, %v", s, ok)
	}
	if s, _ := c.Staff("cgone"); s.Terminated.IsZero() {
		t.Fatal("termination date lost")
	}
	for _, key := range []string{"A001", "vent-icu-01", "VENT-ICU-01", "10.1.2.3", "00:1a:2b:3c:4d:5e"} {
		if a, ok := c.Asset(key); !ok || a.Criticality != 1 || a.Kind != "ventilator" {
			t.Errorf("Asset(%q) = %+v, %v", key, a, ok)
		}
	}
	if _, ok := c.Asset("A003"); ok {
		t.Error("asset with criticality 7 loaded")
	}
	p := c.Patient("pat-000002")
	if p == nil || p.Confidentiality != "V" || !p.Deceased || p.DeceasedAt.IsZero() {
		t.Fatalf("patient 2 = %+v", p)
	}
	if id, ok := c.ActiveEncounter("bsmith7", time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)); !ok || id != "enc-1" {
		t.Errorf("ActiveEncounter in progress = %q, %v", id, ok)
	}
	if _, ok := c.ActiveEncounter("bsmith7", time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC)); ok {
		t.Error("ActiveEncounter after enc-2 ended and before enc-1 began")
	}
	if _, ok := c.ActiveEncounter("bsmith7", time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)); !ok {
		t.Error("ActiveEncounter during enc-2")
	}
	if len(c.StaffNamed("JANE", "doe")) != 1 || len(c.CareTeams("pat-000001")) != 1 ||
		len(c.RelatedPersons("pat-000002")) != 1 || len(c.Conditions("pat-000001")) != 1 {
		t.Error("index lookups")
	}
	var nilCtx *Context
	if _, ok := nilCtx.Staff("x"); ok || nilCtx.Patient("x") != nil || nilCtx.Version() != "" {
		t.Error("nil context must know nothing")
	}
}

func TestReimportUpsertsAndChangesVersion(t *testing.T) {
	h := NewHolder(nil, func() time.Time { return testNow })
	importAll(t, h)
	v1 := h.Current().Version()
	before := h.Current().Counts()
	csv := strings.Join(StaffColumns, ",") + "\nE001,jdoe42,Jane,Doe,nurse,ICU,12 Elm Street,Springfield,12345,40,-75,2015-03-01,,\n"
	res, err := h.Import(context.Background(), "staff.csv", KindStaff, strings.NewReader(csv))
	if err != nil || res.Loaded != 1 {
		t.Fatal(res, err)
	}
	c := h.Current()
	if c.Version() == v1 || res.Version != c.Version() {
		t.Fatalf("version %q after %q", c.Version(), v1)
	}
	if s, _ := c.Staff("jdoe42"); s.Department != "ICU" {
		t.Fatalf("upsert lost: %+v", s)
	}
	if c.Counts()[KindStaff] != before[KindStaff] {
		t.Fatalf("staff count %d, want %d", c.Counts()[KindStaff], before[KindStaff])
	}
}

func TestGzipAccepted(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	b, _ := os.ReadFile("testdata/assets.csv")
	zw.Write(b)
	zw.Close()
	p, err := Parse(KindAssets, &buf, testNow)
	if err != nil || len(p.Items) != 2 {
		t.Fatalf("gzip assets: %d items, %v", len(p.Items), err)
	}
}

func TestBadHeaderRejectsLineOne(t *testing.T) {
	p, err := Parse(KindStaff, strings.NewReader("employee_id,user_id\nE1,u1\n"), testNow)
	if err != nil || len(p.Items) != 0 || len(p.Rejected) != 1 || p.Rejected[0].Line != 1 ||
		!strings.Contains(p.Rejected[0].Reason, "missing column(s) first_name") {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestKindOf(t *testing.T) {
	for name, want := range map[string]Kind{"Patient.ndjson": KindPatient, "dir/Encounter_2.ndjson.gz": KindEncounter,
		"staff.csv": KindStaff, "ASSETS.csv": KindAssets, "PractitionerRole.ndjson": KindPractitionerRole} {
		if k, err := KindOf(name); err != nil || k != want {
			t.Errorf("KindOf(%q) = %q, %v", name, k, err)
		}
	}
	for _, bad := range []string{"Observation.ndjson", "staff.ndjson", "Patient.csv", ""} {
		if _, err := KindOf(bad); err == nil {
			t.Errorf("KindOf(%q) accepted", bad)
		}
	}
}

// memStore is an in-memory RecordStore.
type memStore struct {
	mu   sync.Mutex
	recs map[string]Record
}

func (m *memStore) UpsertContextRecords(_ context.Context, rs []Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range rs {
		m.recs[r.Kind+"\x00"+r.ID] = Record{Kind: r.Kind, ID: r.ID, Data: bytes.Clone(r.Data)}
	}
	return nil
}

func (m *memStore) ListContextRecords(_ context.Context, kind string, fn func(Record) error) error {
	m.mu.Lock()
	var keys []string
	for k, r := range m.recs {
		if r.Kind == kind {
			keys = append(keys, k)
		}
	}
	m.mu.Unlock()
	sort.Strings(keys)
	for _, k := range keys {
		if err := fn(m.recs[k]); err != nil {
			return err
		}
	}
	return nil
}

func TestLoadRebuildsFromStore(t *testing.T) {
	st := &memStore{recs: map[string]Record{}}
	h := NewHolder(st, func() time.Time { return testNow })
	importAll(t, h)
	h2 := NewHolder(st, nil)
	if err := h2.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, b := h.Current(), h2.Current()
	if a.Version() != b.Version() || a.Version() == "" {
		t.Fatalf("version %q after restart, want %q", b.Version(), a.Version())
	}
	for k, n := range a.Counts() {
		if b.Counts()[k] != n {
			t.Errorf("%s: %d after restart, want %d", k, b.Counts()[k], n)
		}
	}
	if p := b.Patient("pat-000001"); p == nil || !p.Home.OK || p.Family != "Doe" {
		t.Fatalf("restored patient %+v", p)
	}
	// the next import after a restart continues the counter
	res, err := h2.Import(context.Background(), "assets.csv", KindAssets, strings.NewReader(strings.Join(AssetColumns, ",")+"\n"))
	if err != nil || !strings.HasPrefix(res.Version, "10-") {
		t.Fatalf("version after restart import %q, %v", res.Version, err)
	}
}

func TestDistanceMeters(t *testing.T) {
	// one thousandth of a degree of latitude is about 111 m everywhere
	d := DistanceMeters(Geo{Lat: 40, Lon: -75, OK: true}, Geo{Lat: 40.001, Lon: -75, OK: true})
	if d < 110 || d > 112 {
		t.Fatalf("distance %v m", d)
	}
	// Paris–London is about 344 km
	if d := DistanceMeters(Geo{48.8566, 2.3522, true}, Geo{51.5074, -0.1278, true}); d < 340e3 || d > 348e3 {
		t.Fatalf("Paris-London %v m", d)
	}
	if DistanceMeters(Geo{}, Geo{Lat: 1, OK: true}) != -1 {
		t.Fatal("unknown point must give -1")
	}
}

// TestConcurrentReadsDuringImport: readers see whole snapshots while imports swap them.
func TestConcurrentReadsDuringImport(t *testing.T) {
	h := NewHolder(nil, func() time.Time { return testNow })
	importAll(t, h)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				c := h.Current()
				if s, ok := c.Staff("jdoe42"); !ok || s.EmployeeID != "E001" || c.Patient("pat-000001") == nil {
					t.Error("incomplete snapshot")
					return
				}
			}
		}()
	}
	for i := range 20 {
		csv := strings.Join(StaffColumns, ",") + fmt.Sprintf("\nE%03d,user%d,A,B,nurse,ICU,,,,,,,,\n", 500+i, i)
		if _, err := h.Import(context.Background(), "staff.csv", KindStaff, strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if n := h.Current().Counts()[KindStaff]; n != 23 {
		t.Fatalf("%d staff, want 23", n)
	}
}
