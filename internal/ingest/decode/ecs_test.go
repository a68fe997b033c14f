package decode

import (
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

func TestECS(t *testing.T) {
	cases := []struct {
		file   string
		id     string
		time   time.Time
		ent    event.Entities
		fields map[string]string
	}{
		{
			file: "testdata/ecs/nested.json",
			id:   event.SourceID(event.FormatECS, "evt-42"),
			time: time.Date(2024, 6, 1, 12, 0, 0, 250e6, time.UTC),
			ent: event.Entities{User: "jdoe", Host: "emr-web-2", SrcIP: "203.0.113.7", DstIP: "10.1.2.3",
				Patient: "P-1001", Device: "infusion-77"},
			fields: map[string]string{"event.action": "user-login", "event.outcome": "failure",
				"http.response.status_code": "401", "source.port": "52100", "event.category": "authentication",
				"host.name": "emr-web-2", "ecs.version": "8.11.0"},
		},
		{
			file:   "testdata/ecs/dotted.json",
			time:   time.Date(2024, 6, 1, 12, 0, 1, 0, time.UTC),
			ent:    event.Entities{User: "jdoe", Host: "fw-1", SrcIP: "203.0.113.8"},
			fields: map[string]string{"event.action": "file-read", "tags": "a"},
		},
	}
	s := NewSet()
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			raw := mustRead(t, c.file)
			if f := Detect(raw); f != event.FormatECS {
				t.Errorf("Detect = %q", f)
			}
			var ev event.Event
			if err := s.Decode(event.FormatAuto, raw, &ev); err != nil {
				t.Fatal(err)
			}
			id := c.id
			if id == "" {
				id = event.ContentID(raw)
			}
			if ev.ID != id || ev.Format != event.FormatECS {
				t.Errorf("ID %s format %q, want %s", ev.ID, ev.Format, id)
			}
			if !ev.Time.Equal(c.time) {
				t.Errorf("time %v want %v", ev.Time, c.time)
			}
			if ev.Entities != c.ent {
				t.Errorf("entities %+v want %+v", ev.Entities, c.ent)
			}
			for k, v := range c.fields {
				if got, ok := ev.Get(k); !ok || got != v {
					t.Errorf("%s = %q (%v), want %q", k, got, ok, v)
				}
			}
		})
	}
}

func TestECSArrays(t *testing.T) {
	raw := []byte(`{"@timestamp":"2024-01-01T00:00:00Z","event":{"kind":"x"},"related":{"ip":["1.1.1.1","2.2.2.2"]},"threat":{"technique":[{"id":"T1"},{"id":"T2","name":"n"}]},"nested":[[1,2],[3]]}`)
	var ev event.Event
	if err := NewSet().Decode(event.FormatAuto, raw, &ev); err != nil {
		t.Fatal(err)
	}
	check := func(key string, want ...string) {
		t.Helper()
		got := ev.Values(nil, key)
		if len(got) != len(want) {
			t.Fatalf("%s = %q, want %q", key, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s = %q, want %q", key, got, want)
			}
		}
	}
	check("related.ip", "1.1.1.1", "2.2.2.2")
	check("threat.technique.id", "T1", "T2")
	check("threat.technique.name", "n")
	check("nested", "1", "2", "3")
}

func TestECSBadTimestamp(t *testing.T) {
	var ev event.Event
	err := NewSet().Decode(event.FormatECS, []byte(`{"@timestamp":12345,"event":{"id":"x"}}`), &ev)
	assertErr(t, err, event.FormatECS, "@timestamp", `field "@timestamp": not a string`)
}
