package sigma

import "testing"

func windowsRules(t *testing.T, srcs ...string) *Ruleset {
	t.Helper()
	var rules []*Rule
	for _, src := range srcs {
		docs, err := Parse([]byte(src), "r.yml")
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, docs.Rules...)
	}
	rs, errs := Compile(rules, Config{Pipeline: WindowsPipeline()})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return rs
}

func matchedIDs(rs *Ruleset, e Event) []string {
	var ids []string
	rs.Match(e, func(r *Rule) { ids = append(ids, r.ID) })
	return ids
}

const (
	procRule = "id: proc\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: '\\x.exe'\n    condition: sel\n"
	secRule  = "id: sec\nlogsource:\n    product: windows\n    service: security\ndetection:\n    sel:\n        EventID: 4625\n    condition: sel\n"
	defRule  = "id: def\nlogsource:\n    product: windows\n    service: windefend\ndetection:\n    sel:\n        ThreatName|endswith: 'EICAR_Test_File'\n    condition: sel\n"
	lnxRule  = "id: lnx\nlogsource:\n    product: linux\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: '/x'\n    condition: sel\n"
	sysmon   = "Microsoft-Windows-Sysmon/Operational"
)

func TestRoutingByChannelAndEventID(t *testing.T) {
	rs := windowsRules(t, procRule, secRule, defRule, lnxRule)
	cases := []struct {
		name string
		ev   Event
		want string
	}{
		{"sysmon 1 flat", ev("Channel", sysmon, "EventID", "1", "Image", `C:\x.exe`), "proc"},
		{"sysmon 1 nested evtx names", ev("Event.System.Channel", sysmon, "Event.System.EventID", "1",
			"Event.EventData.Image", `C:\x.exe`), "proc"},
		{"sysmon 7 is not process_creation", ev("Channel", sysmon, "EventID", "7", "Image", `C:\x.exe`), ""},
		{"security channel", ev("Channel", "Security", "EventID", "4625"), "sec"},
		{"defender spaced field name", ev("Channel", "Microsoft-Windows-Windows Defender/Operational", "EventID", "1116",
			"Threat Name", "Virus:DOS/EICAR_Test_File"), "def"},
		{"no channel", ev("EventID", "1", "Image", `C:\x.exe`), ""},
	}
	for _, c := range cases {
		got := matchedIDs(rs, c.ev)
		if (c.want == "" && len(got) != 0) || (c.want != "" && (len(got) != 1 || got[0] != c.want)) {
			t.Errorf("%s: matched %v, want %q", c.name, got, c.want)
		}
	}
}

type lsEvent struct {
	MapEvent
	ls Logsource
}

func (e lsEvent) Logsource() Logsource { return e.ls }

func TestUnmappedRulesNeedEventLogsource(t *testing.T) {
	rs := windowsRules(t, lnxRule)
	plain := ev("Image", "/usr/bin/x")
	if got := matchedIDs(rs, plain); len(got) != 0 {
		t.Errorf("event without logsource matched %v", got)
	}
	linux := lsEvent{plain, Logsource{Product: "linux", Category: "process_creation"}}
	if got := matchedIDs(rs, linux); len(got) != 1 {
		t.Errorf("linux event matched %v, want lnx", got)
	}
	other := lsEvent{plain, Logsource{Product: "linux", Category: "file_event"}}
	if got := matchedIDs(rs, other); len(got) != 0 {
		t.Errorf("linux file_event matched %v", got)
	}
}
