package hospital

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
		f.Add(b)
	}
}

// FuzzParseCSV: staff.csv and assets.csv never panic, and every row is
// either loaded or rejected with a line number.
func FuzzParseCSV(f *testing.F) {
	addSeeds(f, "staff.csv", "assets.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, k := range []Kind{KindStaff, KindAssets} {
			p, err := Parse(k, bytes.NewReader(b), testNow)
			if err != nil {
				t.Fatalf("%s: in-memory input must be readable: %v", k, err)
			}
			for _, r := range p.Rejected {
				if r.Line < 1 || r.Reason == "" {
					t.Fatalf("%s: rejection without place or reason: %+v", k, r)
				}
			}
		}
	})
}

// FuzzParseFHIR: the seven FHIR NDJSON kinds never panic; rejections name a line.
func FuzzParseFHIR(f *testing.F) {
	addSeeds(f, "Patient.ndjson", "Encounter.ndjson", "Practitioner.ndjson", "PractitionerRole.ndjson",
		"CareTeam.ndjson", "RelatedPerson.ndjson", "Condition.ndjson")
	f.Fuzz(func(t *testing.T, b []byte) {
		for k := range fhirDecoders {
			p, err := Parse(k, bytes.NewReader(b), testNow)
			if err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			for _, it := range p.Items {
				if it.ID == "" {
					t.Fatalf("%s: item without id", k)
				}
			}
			for _, r := range p.Rejected {
				if r.Line < 1 || r.Reason == "" {
					t.Fatalf("%s: rejection %+v", k, r)
				}
			}
		}
	})
}
