package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/hospital"
)

const staffCSV = "employee_id,user_id,first_name,last_name,role,department,address,city,postal_code,lat,lon,hire_date,termination_date,manager_id\n" +
	"E1,jdoe42,Jane,Doe,nurse,Oncology,12 Elm St,Springfield,12345,40,-75,2015-03-01,,\n" +
	"E2,bad,Bad,Geo,nurse,ICU,1 Ash St,Springfield,12345,40,-975,2015-03-01,,\n"

func TestContextImport(t *testing.T) {
	a := newTestAPI(t, Config{MaxContextBody: 4096})
	h := hospital.NewHolder(nil, nil)
	a.srv.deps.Context = h
	ingest := a.tokens[auth.RoleIngest]

	resp, b := a.do("POST", "/api/v1/context?file=staff.csv", ingest, strings.NewReader(staffCSV))
	var res hospital.Result
	if resp.StatusCode != 200 {
		t.Fatalf("status %d %s", resp.StatusCode, b)
	}
	mustJSON(t, b, &res)
	if res.Kind != hospital.KindStaff || res.Loaded != 1 || len(res.Rejected) != 1 || res.Rejected[0].Line != 3 ||
		!strings.Contains(res.Rejected[0].Reason, "longitude -975") || res.Version == "" || res.File != "staff.csv" {
		t.Fatalf("result %+v", res)
	}
	if _, ok := h.Current().Staff("jdoe42"); !ok {
		t.Fatal("staff not in the current context")
	}

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("asset_id,hostname,ip,mac,kind,vendor,model,department,criticality\nA1,vent-1,10.0.0.1,,ventilator,Acme,V,ICU,1\n"))
	zw.Close()
	resp, b = a.do("POST", "/api/v1/context?file=devices.bin&kind=assets", ingest, &gz, "Content-Encoding", "gzip")
	mustJSON(t, b, &res)
	if resp.StatusCode != 200 || res.Loaded != 1 || res.Kind != hospital.KindAssets {
		t.Fatalf("gzip assets: %d %s", resp.StatusCode, b)
	}

	for _, bad := range []struct {
		path, body string
		status     int
	}{
		{"/api/v1/context?file=Observation.ndjson", "{}", 400},
		{"/api/v1/context", "{}", 400},
		{"/api/v1/context?file=staff.csv&kind=nope", "", 400},
		{"/api/v1/context?file=Patient.ndjson", "\x1f\x8bnot gzip", 400},
		{"/api/v1/context?file=Patient.ndjson", strings.Repeat("x", 5000), 413},
	} {
		resp, b := a.do("POST", bad.path, ingest, strings.NewReader(bad.body))
		if resp.StatusCode != bad.status {
			t.Errorf("%s: status %d %s, want %d", bad.path, resp.StatusCode, b, bad.status)
		}
	}

	resp, b = a.do("GET", "/api/v1/context", a.tokens[auth.RoleViewer], nil)
	var sum contextSummary
	mustJSON(t, b, &sum)
	if resp.StatusCode != 200 || sum.Version != h.Current().Version() || sum.Counts["staff"] != 1 || sum.Counts["assets"] != 1 {
		t.Fatalf("summary %d %s", resp.StatusCode, b)
	}

	recs, err := a.st.ListAudit(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r.Action == "POST /api/v1/context" && r.Target == "staff.csv" {
			found = true
			if !strings.Contains(r.Detail, `"loaded":1`) || strings.Contains(r.Detail, "Doe") {
				t.Errorf("audit detail %q", r.Detail)
			}
		}
	}
	if !found {
		t.Fatal("context import not audited")
	}
}
