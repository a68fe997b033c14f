package decode

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

func TestSyslog(t *testing.T) {
	cases := []struct {
		name   string
		raw    string
		now    time.Time
		time   time.Time
		host   string
		fields map[string]string
		absent []string
	}{
		{
			name: "rfc5424 file",
			raw:  string(mustRead(t, "testdata/syslog/rfc5424.log")),
			time: time.Date(2003, 10, 11, 22, 14, 15, 3e6, time.UTC),
			host: "mymachine.example.com",
			fields: map[string]string{"syslog.facility": "20", "syslog.severity": "5",
				"syslog.hostname": "mymachine.example.com", "syslog.appname": "evntslog", "syslog.procid": "1234",
				"syslog.msgid": "ID47", "syslog.sd.exampleSDID@32473.eventID": "1011",
				"syslog.sd.meta.sequenceId": "7", "message": "An application event log entry"},
		},
		{
			name: "rfc3164 file, current year",
			raw:  string(mustRead(t, "testdata/syslog/rfc3164.log")),
			now:  time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC),
			time: time.Date(2024, 10, 11, 22, 14, 15, 0, time.UTC),
			host: "mymachine",
			fields: map[string]string{"syslog.facility": "4", "syslog.severity": "2", "syslog.appname": "su",
				"syslog.procid": "230", "message": "'su root' failed for lonvick on /dev/pts/8"},
			absent: []string{"syslog.msgid"},
		},
		{
			name: "rfc3164 in the future goes to the previous year",
			raw:  "<13>Dec 31 23:59:00 host1 app: happy new year",
			now:  time.Date(2025, 1, 1, 0, 5, 0, 0, time.UTC),
			time: time.Date(2024, 12, 31, 23, 59, 0, 0, time.UTC),
			host: "host1",
		},
		{
			name: "rfc3164 up to 24h ahead stays in this year",
			raw:  "<13>Jun  2 11:00:00 host1 app: clock skew",
			now:  time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
			time: time.Date(2024, 6, 2, 11, 0, 0, 0, time.UTC),
			host: "host1",
		},
		{
			name:   "rfc5424 with nil values",
			raw:    "<14>1 2024-01-01T00:00:00+01:00 - - - - - hello",
			time:   time.Date(2023, 12, 31, 23, 0, 0, 0, time.UTC),
			fields: map[string]string{"message": "hello", "syslog.severity": "6"},
			absent: []string{"syslog.hostname", "syslog.appname"},
		},
		{
			name:   "priority only, best effort",
			raw:    "<13>something odd",
			fields: map[string]string{"syslog.facility": "1", "message": "something odd"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := c.now
			if now.IsZero() {
				now = fixedNow
			}
			s := NewSet(WithNow(func() time.Time { return now }))
			raw := []byte(strings.TrimRight(c.raw, "\n"))
			if f := Detect(raw); f != event.FormatSyslog {
				t.Errorf("Detect = %q", f)
			}
			var ev event.Event
			if err := s.Decode(event.FormatAuto, raw, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Format != event.FormatSyslog || ev.ID != event.ContentID(raw) {
				t.Errorf("format %q id %s", ev.Format, ev.ID)
			}
			if !ev.Time.Equal(c.time) || (!ev.Time.IsZero() && ev.Time.Location() != time.UTC) {
				t.Errorf("time %v want %v", ev.Time, c.time)
			}
			if ev.Entities.Host != c.host {
				t.Errorf("host %q want %q", ev.Entities.Host, c.host)
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
		})
	}
}

func TestSyslogCEFBody5424(t *testing.T) {
	raw := []byte("<134>1 2024-02-03T04:05:06Z fw01 cef - - - CEF:0|V|P|1|s|n|5|suser=eve src=10.9.8.7")
	var ev event.Event
	if err := newTestSet().Decode(event.FormatSyslog, raw, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Format != event.FormatCEF {
		t.Fatalf("format %q", ev.Format)
	}
	want := event.Entities{User: "eve", Host: "fw01", SrcIP: "10.9.8.7"}
	if ev.Entities != want {
		t.Errorf("entities %+v want %+v", ev.Entities, want)
	}
	if !ev.Time.Equal(time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)) {
		t.Errorf("time %v: the syslog time should be used without rt", ev.Time)
	}
	if v, _ := ev.Get("syslog.appname"); v != "cef" {
		t.Errorf("syslog.appname %q", v)
	}
}

func TestSyslogErrors(t *testing.T) {
	s := newTestSet()
	var ev event.Event
	err := s.Decode(event.FormatSyslog, []byte("no priority here"), &ev)
	assertErr(t, err, event.FormatSyslog, "header", "")
	err = s.Decode(event.FormatSyslog, []byte("<999>1 x"), &ev)
	assertErr(t, err, event.FormatSyslog, "header", "")
	err = s.Decode(event.FormatCEF, []byte("<13>Jun  2 11:00:00 host1 app: not cef"), &ev)
	assertErr(t, err, event.FormatCEF, "message", "")
}
