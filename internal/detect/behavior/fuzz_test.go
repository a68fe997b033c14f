package behavior

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// FuzzDetect feeds events with arbitrary field values (event content is
// untrusted) through one detector: no panic, and every finding is valid.
func FuzzDetect(f *testing.F) {
	f.Add("auth", "logon", "success", "jdoe42", "198.51.100.7", "US", "42.36", "-71.06", "", "", int64(0), "")
	f.Add("auth", "logon", "failure", "", "203.0.113.9", "", "NaN", "1e400", "", "", int64(60), "")
	f.Add("network", "connection", "success", "", "10.40.1.17", "", "", "", "AST-0042", "445", int64(30), "smb")
	f.Add("proxy", "request", "success", "rn_kim", "10.0.0.1", "", "", "", "chatgpt.com", "POST", int64(1), "MRN: 00482913")
	f.Add("finance", "bank-details-change", "success", "cfo1", "::1", "", "", "", "", "", int64(-5), "")
	f.Add("fhir", "read", "failure", "u", "bogus", "", "", "", "pat-99999999999999999999", "", int64(1<<40), "")
	f.Fuzz(func(t *testing.T, dataset, action, outcome, user, ip, country, lat, lon, a, b string, dt int64, c string) {
		d := New(Config{MaxEntities: 50})
		ctx := context.Background()
		at := t0
		for i := 0; i < 3; i++ {
			at = at.Add(time.Duration(dt) * time.Second)
			ev := &event.Event{ID: "fz", Time: at, Entities: event.Entities{User: user, SrcIP: ip, DstIP: ip, Device: a, Patient: a, Host: b}}
			if dataset == "fhir" {
				ev.Format = event.FormatFHIR
			} else {
				ev.Format = event.FormatECS
				ev.Add(event.FieldDataset, dataset, event.KindString)
			}
			for _, kv := range [][2]string{{event.FieldAction, action}, {event.FieldOutcome, outcome},
				{"source.geo.country_iso_code", country}, {"source.geo.location.lat", lat}, {"source.geo.location.lon", lon},
				{"destination.port", b}, {"network.protocol", c}, {"source.bytes", lat}, {"url.domain", a},
				{"http.request.method", b}, {"http.request.bytes", lon}, {"http.request.body.content", c},
				{"device.id", a}, {"destination.domain", country}} {
				ev.Add(kv[0], kv[1], event.KindString)
			}
			d.Detect(ctx, ev, func(f finding.Finding) {
				if err := f.Validate(); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(strings.Join(f.Tags, " ")+f.Explanation, "NaN") {
					t.Fatalf("NaN in finding: %v %s", f.Tags, f.Explanation)
				}
			})
		}
		if _, err := d.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzRestore: damaged snapshots are an error or a usable state, never a
// panic in Restore or in the Detect calls after it.
func FuzzRestore(f *testing.F) {
	d := New(Config{})
	for i := 0; i < 3; i++ {
		d.Detect(context.Background(), benchEHR(t0.Add(time.Duration(i)*24*time.Hour), "u1", "pat-000001", "export"), func(finding.Finding) {})
	}
	good, _ := d.Snapshot()
	f.Add(good)
	f.Add([]byte("junk"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := New(Config{})
		if err := d.Restore(data); err != nil {
			return
		}
		for i := 0; i < 3; i++ {
			d.Detect(context.Background(), benchEHR(t0.Add(time.Duration(i)*25*time.Hour), "u1", "pat-000002", "export"), func(finding.Finding) {})
		}
	})
}
