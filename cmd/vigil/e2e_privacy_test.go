package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

const (
	e2eStaff = "employee_id,user_id,first_name,last_name,role,department,address,city,postal_code,lat,lon,hire_date,termination_date,manager_id\n" +
		"E001,jdoe42,Jane,Doe,nurse,Oncology,12 Elm Street,Springfield,12345,40.0,-75.0,2015-03-01,,\n" +
		"E002,badrow,Bad,Row,nurse,ICU,1 Ash St,Springfield,12345,400,-75.0,2015-03-01,,\n"
	e2ePatients = `{"resourceType":"Patient","id":"pat-000777","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"V"}]},"name":[{"family":"Star","given":["Vera"]}],"birthDate":"1970-01-01"}` + "\n" +
		`{"resourceType":"Patient","id":"pat-000778","name":[{"family":"Plain","given":["Paul"]}],"birthDate":"1980-01-01"}` + "\n"
	e2eAudit = `{"resourceType":"AuditEvent","id":"ae-e2e-1","type":{"code":"rest"},"subtype":[{"code":"read"}],"action":"R",` +
		`"recorded":"2026-11-28T10:00:00Z","outcome":"0","agent":[{"who":{"identifier":{"value":"jdoe42"}},"requestor":true,` +
		`"network":{"address":"10.1.3.4","type":"2"}}],"source":{"observer":{"display":"ehr"}},"entity":[{"what":{"reference":"Patient/pat-000777"}}]}` + "\n"
)

type contextSummary struct {
	Version string         `json:"version"`
	Counts  map[string]int `json:"counts"`
}

// TestContextImportAndPrivacyFinding: `vigil context import --data` loads
// files offline (bad rows listed as file:line), the server rebuilds the
// context from the store at start, `--server` imports live, and an EHR
// access to a restricted record becomes a privacy finding that names the
// context version it was judged against.
func TestContextImportAndPrivacyFinding(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	data, files := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(files, "staff.csv"), e2eStaff)
	writeFile(t, filepath.Join(files, "notes.txt"), "not a context file")
	out, errOut, code := vigil(t, "context", "import", "--data", data, files)
	if code != 0 || !strings.Contains(out, "staff.csv: staff loaded 1, rejected 1") ||
		!strings.Contains(out, "staff.csv:3: lat/lon: latitude 400 outside -90..90") || strings.Contains(out, "notes.txt") {
		t.Fatalf("offline import: exit %d\n%s%s", code, out, errOut)
	}

	srv := startServer(t, data, freePort(t))
	var sum contextSummary
	if c, err := srv.do("GET", "/api/v1/context", "", nil, &sum); err != nil || c != 200 || sum.Counts["staff"] != 1 || sum.Version == "" {
		t.Fatalf("context after start: %d %v %+v", c, err, sum)
	}
	v1 := sum.Version

	pats := filepath.Join(files, "Patient.ndjson")
	writeFile(t, pats, e2ePatients)
	out, errOut, code = vigil(t, "context", "import", "--server", srv.addr, "--token", srv.token, pats, filepath.Join(files, "missing.ndjson"))
	if code != 1 || !strings.Contains(out, "Patient.ndjson: Patient loaded 2, rejected 0") || !strings.Contains(out, "missing.ndjson: not loaded") {
		t.Fatalf("live import: exit %d\n%s%s", code, out, errOut)
	}
	srv.do("GET", "/api/v1/context", "", nil, &sum)
	if sum.Version == v1 || sum.Counts["Patient"] != 2 {
		t.Fatalf("context after live import %+v (was %s)", sum, v1)
	}

	if c, err := srv.do("POST", "/api/v1/events?format=fhir", "application/x-ndjson", []byte(e2eAudit), nil); err != nil || c != 200 {
		t.Fatalf("ingest: %d %v", c, err)
	}
	var fs struct {
		Findings []struct {
			RuleID         string `json:"rule_id"`
			Severity       string `json:"severity"`
			Explanation    string `json:"explanation"`
			ContextVersion string `json:"context_version"`
			Entities       struct{ User, Patient string }
		} `json:"findings"`
	}
	waitFor(t, func() bool {
		srv.do("GET", "/api/v1/findings?detector=privacy", "", nil, &fs)
		return len(fs.Findings) > 0
	}, "a privacy finding")
	f := fs.Findings[0]
	if f.RuleID != "privacy.vip" || f.Severity != "high" || f.ContextVersion != sum.Version || f.Entities.User != "jdoe42" ||
		f.Entities.Patient != "pat-000777" || !strings.Contains(f.Explanation, "Nurse J. Doe [jdoe42] (Oncology) opened the record of patient pat-000777") {
		t.Fatalf("finding %+v", f)
	}
	// the explained share is exported for Prometheus
	req, _ := http.NewRequest("GET", "http://"+srv.addr+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+srv.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	metrics, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(metrics), `vigil_privacy_accesses_total{outcome="flagged"} 1`) {
		t.Fatalf("metrics lack the privacy counters:\n%s", metrics)
	}
}
