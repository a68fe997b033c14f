package storeutil

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// row returns a scan function that stores vals into its destinations the
// way the drivers do: a nil value leaves a pointer destination nil, any
// other value is assigned (through a new pointer for *T destinations).
func row(t *testing.T, vals ...any) ScanFunc {
	t.Helper()
	return func(dest ...any) error {
		if len(dest) != len(vals) {
			t.Fatalf("scan got %d destinations, row has %d columns", len(dest), len(vals))
		}
		for i, d := range dest {
			dv := reflect.ValueOf(d).Elem()
			if vals[i] == nil {
				dv.Set(reflect.Zero(dv.Type()))
				continue
			}
			v := reflect.ValueOf(vals[i])
			if dv.Kind() == reflect.Pointer && v.Kind() != reflect.Pointer {
				p := reflect.New(dv.Type().Elem())
				p.Elem().Set(v.Convert(dv.Type().Elem()))
				dv.Set(p)
				continue
			}
			dv.Set(v.Convert(dv.Type()))
		}
		return nil
	}
}

func TestScanFinding(t *testing.T) {
	ts := time.Date(2025, 3, 1, 12, 0, 0, 5, time.UTC)
	f, err := ScanFinding(row(t, "f1", ts.UnixNano(), int64(0), "sigma", "r1", "title", "high", 3, 0.5,
		[]byte(`{"user":"alice"}`), []byte(`["e1","e2"]`), []byte(`["T1078"]`), []byte(`null`), "why",
		ts.UnixNano()+1, "3-00ff"))
	if err != nil {
		t.Fatal(err)
	}
	want := finding.Finding{ID: "f1", Time: ts, Detector: "sigma", RuleID: "r1", Title: "title",
		Severity: finding.SeverityHigh, Confidence: 0.5, EventIDs: []string{"e1", "e2"},
		Techniques: []string{"T1078"}, Explanation: "why", IngestedAt: ts.Add(1), ContextVersion: "3-00ff"}
	want.Entities.User = "alice"
	if !reflect.DeepEqual(f, want) {
		t.Errorf("ScanFinding =\n%+v\nwant\n%+v", f, want)
	}
	_, err = ScanFinding(row(t, "f2", int64(1), int64(1), "", "", "", "low", 1, 0.0,
		[]byte(`{}`), []byte(`[1]`), []byte(`[]`), []byte(`[]`), "", int64(1), ""))
	if err == nil || !strings.HasPrefix(err.Error(), "finding f2: ") {
		t.Errorf("bad event_ids JSON: err = %v, want one naming finding f2", err)
	}
}

func TestScanIncident(t *testing.T) {
	inc, err := ScanIncident(row(t, "i1", "t", "new", "medium", "bob", int64(10), int64(20),
		[]byte(`["f1"]`), []byte(`["alice"]`), []byte(`{"k":1}`)))
	if err != nil {
		t.Fatal(err)
	}
	want := store.Incident{ID: "i1", Title: "t", Status: "new", Severity: finding.SeverityMedium, Assignee: "bob",
		Created: time.Unix(0, 10).UTC(), Updated: time.Unix(0, 20).UTC(), FindingIDs: []string{"f1"},
		Entities: []string{"alice"}, Data: []byte(`{"k":1}`)}
	if !reflect.DeepEqual(inc, want) {
		t.Errorf("ScanIncident =\n%+v\nwant\n%+v", inc, want)
	}
	_, err = ScanIncident(row(t, "i2", "", "", "", "", int64(0), int64(0), []byte(`[]`), []byte(`{`), []byte(nil)))
	if err == nil || !strings.HasPrefix(err.Error(), "incident i2: ") {
		t.Errorf("bad entities JSON: err = %v, want one naming incident i2", err)
	}
}

func TestScanToken(t *testing.T) {
	tok, err := ScanToken(row(t, "t1", "ci", "admin", []byte{1, 2}, int64(5), nil, int64(7)))
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID != "t1" || tok.Name != "ci" || tok.Role != "admin" || string(tok.Hash) != "\x01\x02" ||
		!tok.Created.Equal(time.Unix(0, 5)) || tok.LastUsed != nil || tok.Revoked == nil ||
		!tok.Revoked.Equal(time.Unix(0, 7)) || tok.Revoked.Location() != time.UTC {
		t.Errorf("ScanToken = %+v", tok)
	}
	if OptNanos(nil) != nil || OptNanos(tok.Revoked) != int64(7) {
		t.Errorf("OptNanos: %v %v", OptNanos(nil), OptNanos(tok.Revoked))
	}
}

func TestScanAudit(t *testing.T) {
	r, err := ScanAudit(row(t, int64(3), int64(9), "alice", "admin", "token.create", "t1", 200, "d", "p", "h"))
	if err != nil {
		t.Fatal(err)
	}
	want := store.AuditRecord{Seq: 3, Time: time.Unix(0, 9).UTC(), Actor: "alice", Role: "admin",
		Action: "token.create", Target: "t1", Status: 200, Detail: "d", PrevHash: "p", Hash: "h"}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("ScanAudit =\n%+v\nwant\n%+v", r, want)
	}
}

func TestScanError(t *testing.T) {
	boom := errors.New("boom")
	fail := func(...any) error { return boom }
	for name, scan := range map[string]func() error{
		"scan finding":  func() error { _, err := ScanFinding(fail); return err },
		"scan incident": func() error { _, err := ScanIncident(fail); return err },
		"scan token":    func() error { _, err := ScanToken(fail); return err },
		"scan audit":    func() error { _, err := ScanAudit(fail); return err },
	} {
		if err := scan(); !errors.Is(err, boom) || err.Error() != name+": boom" {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestEntityKeys(t *testing.T) {
	var f finding.Finding
	if got := EntityKeys(&f); got != nil {
		t.Errorf("no entities: %q", got)
	}
	f.Entities.User, f.Entities.DstIP, f.Entities.Device = "alice", "10.0.0.2", "pump-7"
	if got := EntityKeys(&f); !reflect.DeepEqual(got, []string{"alice", "10.0.0.2", "pump-7"}) {
		t.Errorf("EntityKeys = %q", got)
	}
}
