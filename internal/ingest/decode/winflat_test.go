package decode

import (
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

func TestWinFlatFirstLine(t *testing.T) {
	var line []byte
	eachWinLine(t, func(_ int, l []byte) bool { line = append([]byte(nil), l...); return false })
	s := NewSet()
	var ev event.Event
	if err := s.Decode(event.FormatAuto, line, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Format != event.FormatWinFlat {
		t.Fatalf("format %q", ev.Format)
	}
	want := event.SourceID(event.FormatWinFlat, "Microsoft-Windows-Sysmon/Operational", "WORKSTATION6.mordor.local", "713650")
	if ev.ID != want {
		t.Errorf("ID %s, want %s", ev.ID, want)
	}
	if wt := time.Date(2020, 6, 10, 2, 50, 56, 537e6, time.UTC); !ev.Time.Equal(wt) || ev.Time.Location() != time.UTC {
		t.Errorf("time %v, want %v", ev.Time, wt)
	}
	wantEnt := event.Entities{User: "SYSTEM", Host: "WORKSTATION6.mordor.local"}
	if ev.Entities != wantEnt {
		t.Errorf("entities %+v, want %+v", ev.Entities, wantEnt)
	}
	for k, v := range map[string]string{
		"EventID": "13", "Image": `C:\Windows\SystemApps\Microsoft.Windows.Cortana_cw5n1h2txyewy\SearchUI.exe`,
		"tags": "mordorDataset", "Keywords": "-9223372036854775808", "RuleName": "-",
		"user.name": "SYSTEM", "host.name": "WORKSTATION6.mordor.local",
	} {
		if got, ok := ev.Get(k); !ok || got != v {
			t.Errorf("%s = %q (%v), want %q", k, got, ok, v)
		}
	}
	if string(ev.Raw) != string(line) {
		t.Error("Raw is not the input")
	}
}

func TestWinFlatSynthetic(t *testing.T) {
	s := NewSet()
	cases := []struct {
		name, raw string
		id        string
		time      time.Time
		ent       event.Entities
	}{
		{
			name: "logon with domain user and ip, UtcTime only",
			raw:  `{"EventID":4624,"Channel":"Security","Hostname":"dc1","TargetUserName":"CORP\\alice","SubjectUserName":"-","IpAddress":"10.0.0.5","UtcTime":"2024-03-01 10:11:12.5"}`,
			time: time.Date(2024, 3, 1, 10, 11, 12, 5e8, time.UTC),
			ent:  event.Entities{User: "alice", Host: "dc1", SrcIP: "10.0.0.5"},
		},
		{
			name: "sysmon network, Computer host, dash ip ignored, EventTime fallback",
			raw:  `{"EventID":3,"SourceName":"Sysmon","Computer":"ws7","User":"-","AccountName":"bob","SourceIp":"-","SourceAddress":"192.168.1.9","DestinationIp":"8.8.8.8","EventTime":"2024-03-01 10:11:12"}`,
			time: time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC),
			ent:  event.Entities{User: "bob", Host: "ws7", SrcIP: "192.168.1.9", DstIP: "8.8.8.8"},
		},
		{
			name: "no time at all",
			raw:  `{"EventID":1,"Hostname":"h","RecordNumber":7,"Channel":"c"}`,
			id:   event.SourceID(event.FormatWinFlat, "c", "h", "7"),
			ent:  event.Entities{Host: "h"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ev event.Event
			if err := s.Decode(event.FormatWinFlat, []byte(c.raw), &ev); err != nil {
				t.Fatal(err)
			}
			id := c.id
			if id == "" {
				id = event.ContentID([]byte(c.raw))
			}
			if ev.ID != id {
				t.Errorf("ID %s, want %s", ev.ID, id)
			}
			if !ev.Time.Equal(c.time) {
				t.Errorf("time %v, want %v", ev.Time, c.time)
			}
			if ev.Entities != c.ent {
				t.Errorf("entities %+v, want %+v", ev.Entities, c.ent)
			}
		})
	}
}

func TestWinFlatBadTime(t *testing.T) {
	var ev event.Event
	err := NewSet().Decode(event.FormatAuto, []byte(`{"EventID":1,"Channel":"c","@timestamp":"yesterday"}`), &ev)
	assertErr(t, err, event.FormatWinFlat, "@timestamp", `field "@timestamp": not an RFC 3339 time`)
	if len(ev.Fields) != 0 || ev.ID != "" {
		t.Errorf("failed decode left fields %v id %q", ev.Fields, ev.ID)
	}
}

// TestWinFlatWholeFile decodes every line of the real file (101,320 events).
func TestWinFlatWholeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	s := NewSet()
	var ev event.Event
	count, noTime := 0, 0
	ids := make(map[string]int)
	eachWinLine(t, func(n int, line []byte) bool {
		if err := s.Decode(event.FormatAuto, line, &ev); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if ev.Format != event.FormatWinFlat || ev.ID == "" || ev.Entities.Host == "" {
			t.Fatalf("line %d: format %q id %q host %q", n, ev.Format, ev.ID, ev.Entities.Host)
		}
		if ev.Time.IsZero() {
			noTime++
		}
		ids[ev.ID]++
		count++
		return true
	})
	if count != 101320 {
		t.Errorf("decoded %d lines, want 101320", count)
	}
	if noTime != 0 {
		t.Errorf("%d events without time", noTime)
	}
	t.Logf("%d events, %d distinct ids", count, len(ids))
}
