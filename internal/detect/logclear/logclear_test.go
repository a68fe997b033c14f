package logclear

import (
	"context"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		name, id, channel string
		format            event.Format
		want              string
	}{
		{"security clear", "1102", "Security", event.FormatWinFlat, "logclear-Security"},
		{"system clear", "104", "System", event.FormatEvtxJSON, "logclear-System"},
		{"other event", "4624", "Security", event.FormatWinFlat, ""},
		{"1102 elsewhere", "1102", "Microsoft-Windows-Sysmon/Operational", event.FormatWinFlat, ""},
		{"not windows", "1102", "Security", event.FormatECS, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := &event.Event{ID: "e1", Format: c.format, Entities: event.Entities{Host: "ws1", User: "bob"}}
			ev.Add("EventID", c.id, event.KindNumber)
			ev.Add("Channel", c.channel, event.KindString)
			var got []finding.Finding
			New().Detect(context.Background(), ev, func(f finding.Finding) { got = append(got, f) })
			if c.want == "" {
				if len(got) != 0 {
					t.Fatalf("unexpected finding %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].RuleID != c.want {
				t.Fatalf("got %+v, want rule %s", got, c.want)
			}
			if err := got[0].Validate(); err != nil {
				t.Fatal(err)
			}
			again := got[0].ID
			New().Detect(context.Background(), ev, func(f finding.Finding) { again = f.ID })
			if again != got[0].ID {
				t.Fatal("finding id not deterministic")
			}
		})
	}
}
