package decode

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// fixedNow is the clock of the text-format tests.
var fixedNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func newTestSet() *Set { return NewSet(WithNow(func() time.Time { return fixedNow })) }

func TestCEF(t *testing.T) {
	cases := []struct {
		name   string
		raw    string
		time   time.Time
		ent    event.Entities
		fields map[string]string
		absent []string
	}{
		{
			name: "firewall file",
			raw:  string(mustRead(t, "testdata/cef/firewall.cef")),
			time: time.UnixMilli(1717243200123).UTC(),
			ent:  event.Entities{User: "jdoe", SrcIP: "10.0.0.5", DstIP: "93.184.216.34"},
			fields: map[string]string{
				"cef.version": "0", "cef.device_vendor": "Palo Alto Networks", "cef.device_product": "PAN-OS",
				"cef.device_version": "10.1", "cef.signature_id": "TRAFFIC", "cef.name": "deny", "cef.severity": "3",
				"suser": `HOSP\jdoe`, "act": "blocked", "event.action": "blocked", "event.outcome": "failure",
				"cs1": "Block Outbound Web", "Rule": "Block Outbound Web",
				// an unescaped " a=" starts a new key, as the CEF rules say
				"msg": "Denied", "a": "b = c\nnext line", "spt": "5000",
			},
		},
		{
			name: "syslog wrapped file",
			raw:  string(mustRead(t, "testdata/cef/syslog-wrapped.cef")),
			time: time.Date(2023, 10, 11, 22, 14, 15, 0, time.UTC),
			ent:  event.Entities{User: "alice", Host: "ws-12", SrcIP: "10.0.0.1", DstIP: "2.1.2.2"},
			fields: map[string]string{
				"cef.device_vendor": "Security|Corp", "cef.name": "worm successfully stopped", "cef.severity": "10",
				"syslog.hostname": "mymachine", "syslog.facility": "16", "syslog.severity": "6",
				"start": "Oct 11 2023 22:14:15",
			},
			absent: []string{"message"},
		},
		{
			name:   "header only, escaped backslash",
			raw:    `CEF:1|V\\x|P|1|sig|n|Low|`,
			ent:    event.Entities{},
			fields: map[string]string{"cef.version": "1", "cef.device_vendor": `V\x`, "cef.severity": "Low"},
		},
		{
			name:   "no final pipe after severity",
			raw:    `CEF:0|V|P|1|s|n|High`,
			fields: map[string]string{"cef.severity": "High"},
		},
		{
			name:   "date with millis and trailing spaces in values",
			raw:    `CEF:0|V|P|1|s|n|1|rt=Jan 02 2024 03:04:05.678 shost=h1  suser=bob`,
			time:   time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC),
			ent:    event.Entities{User: "bob", Host: "h1"},
			fields: map[string]string{"shost": "h1"},
		},
	}
	s := newTestSet()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := []byte(strings.TrimRight(c.raw, "\n"))
			if f := Detect(raw); f != event.FormatCEF {
				t.Errorf("Detect = %q", f)
			}
			for _, f := range []event.Format{event.FormatAuto, event.FormatCEF, event.FormatSyslog} {
				if f == event.FormatSyslog && raw[0] != '<' {
					continue
				}
				var ev event.Event
				if err := s.Decode(f, raw, &ev); err != nil {
					t.Fatalf("as %q: %v", f, err)
				}
				if ev.Format != event.FormatCEF || ev.ID != event.ContentID(raw) {
					t.Errorf("as %q: format %q id %s", f, ev.Format, ev.ID)
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
				for _, k := range c.absent {
					if _, ok := ev.Get(k); ok {
						t.Errorf("%s present", k)
					}
				}
			}
		})
	}
}

func TestCEFErrors(t *testing.T) {
	cases := []struct{ raw, field string }{
		{`CEF:0|V|P|1|s|n`, "cef.name"}, // name is not closed by '|'
		{`CEF:0|V|P|1|s|n|`, "cef.severity"},
		{`CEF:x|V|P|1|s|n|1|`, "cef.version"},
		{`CEF:0|V|P|1|s|n|1|=oops`, "extension"},
		{`CEF:0|V|P|1|s|n|1|rt=yesterday`, "rt"},
		{`CEF:0|V|P|1|s|n|1|start=13/13/2024`, "start"},
	}
	s := newTestSet()
	for _, c := range cases {
		var ev event.Event
		err := s.Decode(event.FormatCEF, []byte(c.raw), &ev)
		assertErr(t, err, event.FormatCEF, c.field, "")
	}
	var ev event.Event
	err := s.Decode(event.FormatCEF, []byte(`{"a":1}`), &ev)
	assertErr(t, err, event.FormatCEF, "header", "")
}
