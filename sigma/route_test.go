package sigma

import (
	"fmt"
	"slices"
	"testing"
)

const (
	refRule = "id: ref\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|fieldref: ParentImage\n    condition: sel\n"
	usrRule = "id: usr\nlogsource:\n    product: linux\n    category: process_creation\ndetection:\n    sel:\n        User: root\n    condition: sel\n"
)

// TestRouteFillsTheFieldsItsRulesRead: a route files only the fields its
// rules read, and those must be all of them: the field a fieldref names,
// the channel in another case, and, for an event that also carries its
// own logsource, the fields of the rules outside the routes.
func TestRouteFillsTheFieldsItsRulesRead(t *testing.T) {
	rs := windowsRules(t, procRule, refRule, secRule, usrRule)
	line := func(kv ...string) Event {
		js := NewJSONEvent()
		b := []byte("{")
		for i := 0; i+1 < len(kv); i += 2 {
			if i > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, "%q:%q", kv[i], kv[i+1])
		}
		if err := js.Reset(append(b, '}')); err != nil {
			t.Fatal(err)
		}
		return js
	}
	proc := []string{"Channel", sysmon, "EventID", "1", "Image", `C:\x.exe`, "ParentImage", `C:\x.exe`, "User", "root"}
	lower := slices.Clone(proc)
	lower[1] = "microsoft-windows-sysmon/operational"
	cases := []struct {
		name string
		ev   Event
		want []string
	}{
		{"lazy json", line(proc...), []string{"proc", "ref"}},
		{"map", ev(proc...), []string{"proc", "ref"}},
		{"channel in lower case", line(lower...), []string{"proc", "ref"}},
		{"fieldref differs", ev("Channel", sysmon, "EventID", "1", "Image", `C:\x.exe`, "ParentImage", `C:\y.exe`), []string{"proc"}},
		{"own logsource too", lsJSON{line(proc...).(*JSONEvent), Logsource{Product: "linux", Category: "process_creation"}},
			[]string{"proc", "ref", "usr"}},
		{"own logsource only", lsJSON{line("User", "root").(*JSONEvent), Logsource{Product: "linux", Category: "process_creation"}},
			[]string{"usr"}},
		{"other route", line("Channel", "Security", "EventID", "4625", "Image", `C:\x.exe`), []string{"sec"}},
	}
	for _, c := range cases {
		got := matchedIDs(rs, c.ev)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: matched %v, want %v", c.name, got, c.want)
		}
	}
}

// lsJSON is a lazy ranged event that knows its logsource.
type lsJSON struct {
	*JSONEvent
	ls Logsource
}

func (e lsJSON) Logsource() Logsource { return e.ls }

// TestRouteByBestPriorityName: when several names of an event feed the
// channel or the event id, the route is that of the pipeline's first
// name, wherever it is listed.
func TestRouteByBestPriorityName(t *testing.T) {
	secImg := "id: secimg\nlogsource:\n    product: windows\n    service: security\ndetection:\n    sel:\n        Image|endswith: '\\x.exe'\n    condition: sel\n"
	rs := windowsRules(t, procRule, secImg)
	fields := []string{"Event.System.Channel", "Security", "Event.System.EventID", "4625",
		"Channel", sysmon, "EventID", "1", "Image", `C:\x.exe`}
	js := NewJSONEvent()
	line := []byte(`{"Event":{"System":{"Channel":"Security","EventID":4625}},"Channel":"` + sysmon +
		`","EventID":1,"Image":"C:\\x.exe"}`)
	if err := js.Reset(line); err != nil {
		t.Fatal(err)
	}
	for _, e := range []Event{js, ev(fields...), &flatEvent{keys: []string{fields[0], fields[2], fields[4], fields[6], fields[8]},
		vals: []string{fields[1], fields[3], fields[5], fields[7], fields[9]}}} {
		if got := matchedIDs(rs, e); !slices.Equal(got, []string{"proc"}) {
			t.Errorf("%T: matched %v, want [proc]", e, got)
		}
	}
}
