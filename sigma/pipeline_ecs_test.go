package sigma

import (
	"slices"
	"testing"
)

// ecsProcessStart is a Winlogbeat-shaped Sysmon process start, flattened.
func ecsProcessStart(exe, cmd, ofn string) MapEvent {
	return MapEvent{
		"@timestamp": "2024-05-02T10:11:12.345Z", "event.code": "1", "event.category": "process",
		"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "winlog.computer_name": "ws12",
		"process.executable": exe, "process.command_line": cmd, "process.pe.original_file_name": ofn,
		"user.name": "nurse",
	}
}

// TestECSPipelineSigmaHQRule: the SigmaHQ rule "Enumerate All Information
// With Whoami.EXE" (process_creation: Image|endswith or OriginalFileName,
// CommandLine|contains|windash) matches an ECS process start through the
// ECS pipeline, including by the logsource-specific OriginalFileName
// mapping, and matches nothing through the Windows pipeline.
func TestECSPipelineSigmaHQRule(t *testing.T) {
	docs, err := Parse(mustRead(t, "testdata/ecs/proc_creation_win_whoami_all_execution.yml"), "whoami.yml")
	if err != nil {
		t.Fatal(err)
	}
	ecs, errs := Compile(docs.Rules, Config{Pipeline: ECSPipeline()})
	win, errs2 := Compile(docs.Rules, Config{Pipeline: WindowsPipeline()})
	if len(errs)+len(errs2) > 0 {
		t.Fatal(errs, errs2)
	}
	count := func(rs *Ruleset, e MapEvent) int {
		n := 0
		rs.Match(e, func(*Rule) { n++ })
		return n
	}
	cases := []struct {
		name string
		ev   MapEvent
		want int
	}{
		{"whoami /all", ecsProcessStart(`C:\Windows\System32\whoami.exe`, "whoami  /all", "whoami.exe"), 1},
		{"renamed, by original file name", ecsProcessStart(`C:\Temp\w.exe`, "w.exe -all", "whoami.exe"), 1},
		{"other flag", ecsProcessStart(`C:\Windows\System32\whoami.exe`, "whoami /groups", "whoami.exe"), 0},
		{"other program", ecsProcessStart(`C:\Windows\System32\cmd.exe`, "cmd /all", "cmd.exe"), 0},
	}
	for _, c := range cases {
		if got := count(ecs, c.ev); got != c.want {
			t.Errorf("ecs: %s: %d matches, want %d", c.name, got, c.want)
		}
		if got := count(win, c.ev); got != 0 {
			t.Errorf("windows: %s: %d matches, want 0", c.name, got)
		}
	}
	// Another event id on the channel is not a process start.
	e := ecsProcessStart(`C:\Windows\System32\whoami.exe`, "whoami /all", "whoami.exe")
	e["event.code"] = "3"
	if got := count(ecs, e); got != 0 {
		t.Errorf("event.code 3 matched a process_creation rule")
	}
	// Fields Winlogbeat leaves under winlog.event_data are found there.
	e = ecsProcessStart(`C:\Windows\System32\whoami.exe`, "", "")
	delete(e, "process.command_line")
	e["winlog.event_data.CommandLine"] = "whoami /all"
	if got := count(ecs, e); got != 1 {
		t.Errorf("winlog.event_data.CommandLine fallback: %d matches", got)
	}
}

func TestECSPipelineFieldNames(t *testing.T) {
	p := ECSPipeline()
	proc := Logsource{Product: "windows", Category: "process_creation"}
	img := Logsource{Product: "windows", Category: "image_load"}
	cases := []struct {
		field string
		ls    Logsource
		want  string
	}{
		{"Image", proc, "process.executable"},
		{"CommandLine", proc, "process.command_line"},
		{"ParentImage", proc, "process.parent.executable"},
		{"ParentCommandLine", proc, "process.parent.command_line"},
		{"User", proc, "user.name"},
		{"OriginalFileName", proc, "process.pe.original_file_name"},
		{"OriginalFileName", img, "file.pe.original_file_name"},
		{"ImageLoaded", img, "file.path"},
		{"TargetFilename", Logsource{Product: "windows", Category: "file_event"}, "file.path"},
		{"DestinationIp", Logsource{Product: "windows", Category: "network_connection"}, "destination.ip"},
		{"Initiated", Logsource{Product: "windows", Category: "network_connection"}, "network.direction"},
		{"QueryName", Logsource{Product: "windows", Category: "dns_query"}, "dns.question.name"},
		{"TargetObject", Logsource{Product: "windows", Category: "registry_set"}, "registry.path"},
		{"SubjectUserName", Logsource{Product: "windows", Service: "security"}, "user.name"},
		{"EventID", Logsource{}, "event.code"},
		{"Channel", Logsource{}, "winlog.channel"},
		{"Hashes", proc, "winlog.event_data.Hashes"},
		{"IntegrityLevel", proc, "winlog.event_data.IntegrityLevel"},
		{"SubjectUserName", Logsource{Product: "windows", Service: "system"}, "winlog.event_data.SubjectUserName"},
	}
	for _, c := range cases {
		if got := p.FieldNames(c.field, c.ls); !slices.Contains(got, c.want) || (c.field != "Hashes" &&
			c.field != "IntegrityLevel" && c.field != "SubjectUserName" && got[0] != c.want) {
			t.Errorf("%s (%+v) -> %v, want %s first", c.field, c.ls, got, c.want)
		}
	}
}
