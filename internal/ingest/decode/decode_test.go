package decode

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// assertErr checks that err is an *Error with the given format, field and text.
func assertErr(t *testing.T, err error, f event.Format, field, text string) {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T), want *Error", err, err)
	}
	if de.Format != f || de.Field != field {
		t.Errorf("error format %q field %q, want %q %q (%v)", de.Format, de.Field, f, field, err)
	}
	if text != "" && err.Error() != text {
		t.Errorf("error %q, want %q", err.Error(), text)
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		raw  string
		want event.Format
	}{
		{`CEF:0|a|b|c|d|e|f|`, event.FormatCEF},
		{`<134>Oct 11 22:14:15 host CEF:0|a|b|c|d|e|1|x=y`, event.FormatCEF},
		{`<134>1 2024-01-01T00:00:00Z h a - - - CEF:0|a|b|c|d|e|1|`, event.FormatCEF},
		{`<13>Oct 11 22:14:15 host app: hello CEF:`, event.FormatSyslog},
		{`<13>1 2024-01-01T00:00:00Z h a - - - hi`, event.FormatSyslog},
		{` {"resourceType":"AuditEvent"}`, event.FormatFHIR},
		{`{"Event":{"System":{"EventID":1}}}`, event.FormatEvtxJSON},
		{`{"Event":{"System":"x"}}`, event.FormatJSON},
		{`{"EventID":1,"Channel":"Security"}`, event.FormatWinFlat},
		{`{"EventID":1,"SourceName":"x"}`, event.FormatWinFlat},
		{`{"EventID":1}`, event.FormatJSON},
		{`{"@timestamp":"x","event":{"kind":"alert"}}`, event.FormatECS},
		{`{"@timestamp":"x","source.ip":"1.2.3.4"}`, event.FormatECS},
		{`{"@timestamp":"x","message":"m"}`, event.FormatJSON},
		{`{"source":{"ip":"1.2.3.4"}}`, event.FormatJSON},
		{`{"vigil.format":"ecs","a":1}`, event.FormatECS},
		{`{"vigil":{"format":"fhir"},"resourceType":"AuditEvent"}`, event.FormatFHIR},
		{`{"vigil.format":"evtx","resourceType":"AuditEvent"}`, event.FormatEvtxJSON},
		{`[1,2]`, event.FormatAuto},
		{`"str"`, event.FormatAuto},
		{`hello`, event.FormatAuto},
		{`{"a":`, event.FormatAuto},
		{``, event.FormatAuto},
	}
	for _, c := range cases {
		if got := Detect([]byte(c.raw)); got != c.want {
			t.Errorf("Detect(%s) = %q, want %q", c.raw, got, c.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for name, want := range map[string]event.Format{"": event.FormatAuto, "auto": event.FormatAuto,
		"ecs": event.FormatECS, "winevt": event.FormatWinFlat, "evtx": event.FormatEvtxJSON,
		"fhir": event.FormatFHIR, "cef": event.FormatCEF, "syslog": event.FormatSyslog, "json": event.FormatJSON} {
		got, err := ParseFormat(name)
		if err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	_, err := ParseFormat("xml")
	if err == nil || !strings.Contains(err.Error(), `"winevt"`) || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("ParseFormat(xml) error %v should name the input and list the valid names", err)
	}
}

// TestFormatPrecedence: the caller's format wins over "vigil.format", which
// wins over detection.
func TestFormatPrecedence(t *testing.T) {
	raw := []byte(`{"vigil.format":"json","EventID":4624,"Channel":"Security","Hostname":"h","@timestamp":"2024-01-01T00:00:00Z"}`)
	s := NewSet()
	var ev event.Event
	if err := s.Decode(event.FormatAuto, raw, &ev); err != nil || ev.Format != event.FormatJSON {
		t.Fatalf("declared: format %q err %v", ev.Format, err)
	}
	if err := s.Decode(event.FormatWinFlat, raw, &ev); err != nil || ev.Format != event.FormatWinFlat {
		t.Fatalf("caller: format %q err %v", ev.Format, err)
	}
	if ev.Entities.Host != "h" {
		t.Errorf("host %q", ev.Entities.Host)
	}
	err := s.Decode(event.FormatAuto, []byte(`{"vigil.format":"xml"}`), &ev)
	assertErr(t, err, event.FormatAuto, "vigil.format", "")
	err = s.Decode(event.FormatAuto, []byte(`{"vigil.format":7}`), &ev)
	assertErr(t, err, event.FormatAuto, "vigil.format", `field "vigil.format": not a string`)
	err = s.Decode(event.FormatAuto, []byte(`{"vigil.format":"cef"}`), &ev)
	assertErr(t, err, event.FormatAuto, "vigil.format", "")
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat(`{"a":`, MaxDepth) + `1` + strings.Repeat(`}`, MaxDepth)
	deeper := strings.Repeat(`{"a":`, MaxDepth+1) + `1` + strings.Repeat(`}`, MaxDepth+1)
	deepArr := `{"a":` + strings.Repeat(`[`, MaxDepth) + strings.Repeat(`]`, MaxDepth) + `}`
	var many strings.Builder
	many.WriteString(`{"x":[`)
	for i := range MaxFields + 1 {
		if i > 0 {
			many.WriteByte(',')
		}
		many.WriteByte('1')
	}
	many.WriteString(`]}`)
	cases := []struct {
		name   string
		format event.Format
		raw    string
		field  string
		text   string
	}{
		{"truncated", event.FormatAuto, "{\"a\":1,\n\"b\":", "", "invalid JSON at byte 12 (line 2, column 5): unexpected end of JSON input"},
		{"bad char", event.FormatJSON, `{"a" 1}`, "", "invalid JSON at byte 5 (line 1, column 6): invalid character '1' after object key"},
		{"array", event.FormatAuto, `[{"a":1}]`, "", "top-level JSON value is an array; want an object"},
		{"string", event.FormatJSON, `"x"`, "", "top-level JSON value is a string; want an object"},
		{"number", event.FormatAuto, `42`, "", "top-level JSON value is a number; want an object"},
		{"not json", event.FormatAuto, `hello world`, "", "not JSON, CEF or syslog"},
		{"not json 2", event.FormatAuto, `nope`, "", "not JSON, CEF or syslog"},
		{"empty", event.FormatAuto, ``, "", "not JSON, CEF or syslog"},
		{"too deep", event.FormatJSON, deeper, strings.TrimSuffix(strings.Repeat("a.", MaxDepth), "."), "field \"" + strings.TrimSuffix(strings.Repeat("a.", MaxDepth), ".") + "\": nesting deeper than 32 levels (the limit)"},
		{"too deep array", event.FormatJSON, deepArr, "a", ""},
		{"too many fields", event.FormatJSON, many.String(), "", "more than 4096 fields (the limit)"},
		{"too big", event.FormatJSON, `{"a":"` + strings.Repeat("x", MaxRecordSize) + `"}`, "", ""},
		{"unknown format", event.Format("xml"), `{}`, "", ""},
	}
	s := NewSet()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := event.Event{Fields: []event.Field{{Key: "stale"}}, ID: "old"}
			err := s.Decode(c.format, []byte(c.raw), &ev)
			f := c.format
			if c.name == "array" || c.name == "number" || c.name == "truncated" || strings.HasPrefix(c.name, "not json") || c.name == "empty" {
				f = event.FormatAuto
			}
			assertErr(t, err, f, c.field, c.text)
			if len(ev.Fields) != 0 || ev.ID != "" {
				t.Errorf("failed decode left fields %d id %q", len(ev.Fields), ev.ID)
			}
		})
	}
	var ev event.Event
	if err := s.Decode(event.FormatJSON, []byte(deep), &ev); err != nil {
		t.Errorf("%d levels must be accepted: %v", MaxDepth, err)
	}
}

// TestReuse: a reused Event carries nothing over, and its fields stay valid
// after the next Decode (values are not aliased to reused buffers).
func TestReuse(t *testing.T) {
	s := NewSet()
	var ev event.Event
	raw := []byte(`{"user.name":"alice","a":"1","b":[true,false,null]}`)
	if err := s.Decode(event.FormatAuto, raw, &ev); err != nil {
		t.Fatal(err)
	}
	first := append([]event.Field(nil), ev.Fields...)
	copy(raw, `{"xxxx.xxxx":"mallory"`) // caller reuses its buffer
	if err := s.Decode(event.FormatAuto, []byte(`{"c":"2"}`), &ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.Fields) != 1 || ev.Fields[0].Key != "c" || ev.Entities.User != "" {
		t.Errorf("second event %+v entities %+v", ev.Fields, ev.Entities)
	}
	want := []event.Field{{Key: "user.name", Value: "alice"}, {Key: "a", Value: "1"},
		{Key: "b", Value: "true", Kind: event.KindBool}, {Key: "b", Value: "false", Kind: event.KindBool},
		{Key: "b", Value: "", Kind: event.KindNull}}
	if len(first) != len(want) {
		t.Fatalf("first event fields %+v", first)
	}
	for i := range want {
		if first[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, first[i], want[i])
		}
	}
}

func TestJSONFallback(t *testing.T) {
	s := NewSet()
	cases := []struct {
		raw  string
		time time.Time
	}{
		{`{"timestamp":"2024-01-01T01:02:03Z","msg":"x"}`, time.Date(2024, 1, 1, 1, 2, 3, 0, time.UTC)},
		{`{"time":"2024-01-01T01:02:03+01:00"}`, time.Date(2024, 1, 1, 0, 2, 3, 0, time.UTC)},
		{`{"@timestamp":"garbage","time":"2024-01-01T01:02:03Z"}`, time.Date(2024, 1, 1, 1, 2, 3, 0, time.UTC)},
		{`{"time":12345}`, time.Time{}},
	}
	for _, c := range cases {
		var ev event.Event
		if err := s.Decode(event.FormatAuto, []byte(c.raw), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Format != event.FormatJSON || ev.ID != event.ContentID([]byte(c.raw)) || !ev.Time.Equal(c.time) {
			t.Errorf("%s: format %q id %s time %v", c.raw, ev.Format, ev.ID, ev.Time)
		}
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Format: event.FormatFHIR, Field: "recorded", Reason: "not an RFC 3339 time"}
	if got := e.Error(); got != `field "recorded": not an RFC 3339 time` {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Reason: "r"}).Error(); got != "r" {
		t.Errorf("Error() = %q", got)
	}
}
