package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sigmaData is SigmaHQ's rules and regression data (see
// /work/shared/data/README.md).
const sigmaData = "../../../shared/data/sigma"

const testRuleWhoami = `title: Whoami Execution
id: 11111111-1111-4111-8111-111111111111
status: stable
description: Detects whoami.
level: high
tags: [attack.discovery, attack.t1033]
logsource: {product: windows, category: process_creation}
detection:
  selection:
    Image|endswith: '\whoami.exe'
  condition: selection
`

const testRuleCmd = `title: Cmd Execution
id: 22222222-2222-4222-8222-222222222222
status: experimental
level: low
logsource: {product: windows, category: process_creation}
detection:
  selection:
    Image|endswith: '\cmd.exe'
  condition: selection
`

const testRuleBroken = `title: Broken
id: 33333333-3333-4333-8333-333333333333
logsource: {product: windows, category: process_creation}
detection:
  selection:
    Image|contians: 'x'
  condition: selection
`

// runCLI runs the root command in-process and returns stdout, stderr and
// the error.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), errOut.String(), err
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSigmaCheck(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "good.yml"), testRuleWhoami)
	writeFile(t, filepath.Join(dir, "broken.yml"), testRuleBroken)
	out, _, err := runCLI(t, "sigma", "check", dir)
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("err = %v, want exit 1", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("output:\n%s", out)
	}
	if !strings.HasPrefix(lines[0], filepath.Join(dir, "broken.yml")+":") || !strings.Contains(lines[0], "contians") {
		t.Errorf("failure line %q should name the file and the bad modifier", lines[0])
	}
	if lines[1] != `{"rules":2,"compiled":1,"failed":1}` {
		t.Errorf("summary %q", lines[1])
	}

	out, _, err = runCLI(t, "sigma", "check", filepath.Join(dir, "good.yml"))
	if err != nil || strings.TrimSpace(out) != `{"rules":1,"compiled":1,"failed":0}` {
		t.Fatalf("good rule only: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "sigma", "check", filepath.Join(dir, "missing")); err == nil ||
		!strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing path: %v", err)
	}
}

func TestSigmaCheckPlaceholders(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ph.yml"), `title: Admins
id: 44444444-4444-4444-8444-444444444444
logsource: {product: windows, service: security}
detection:
  selection:
    SubjectUserName|expand: '%Administrators%'
  condition: selection
`)
	out, _, err := runCLI(t, "sigma", "check", dir)
	if exitCode(err) != 1 || !strings.Contains(out, `"failed":1`) || !strings.Contains(out, "Administrators") {
		t.Fatalf("unresolved placeholder: %v\n%s", err, out)
	}
	phFile := filepath.Join(t.TempDir(), "placeholders.yml")
	writeFile(t, phFile, "Administrators: ['admin']\n")
	for _, flag := range []string{"--config", "--sigma-config"} {
		out, _, err = runCLI(t, "sigma", "check", flag, phFile, dir)
		if err != nil || !strings.Contains(out, `{"rules":1,"compiled":1,"failed":0}`) {
			t.Fatalf("%s: %v\n%s", flag, err, out)
		}
	}
}

func TestSigmaTestRegression(t *testing.T) {
	if _, err := os.Stat(sigmaData); err != nil {
		t.Skipf("SigmaHQ data not available: %v", err)
	}
	out, errOut, err := runCLI(t, "sigma", "test", "--config", "../../sigma/testdata/placeholders.yml",
		"--rules", sigmaData+"/rules,"+sigmaData+"/rules-emerging-threats",
		"--rules", sigmaData+"/rules-threat-hunting", "--regression", sigmaData+"/regression")
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, errOut)
	}
	if strings.TrimSpace(out) != "135 passed, 0 failed" {
		t.Fatalf("stdout:\n%s", out)
	}
	if strings.Contains(errOut, "rule error") {
		t.Errorf("rule errors:\n%s", errOut)
	}

	// Only one rule directory: tests of the others fail, exit 1.
	out, _, err = runCLI(t, "sigma", "test", "--rules", sigmaData+"/rules-threat-hunting",
		"--regression", sigmaData+"/regression")
	if exitCode(err) != 1 || !strings.Contains(out, "none of") || strings.HasSuffix(strings.TrimSpace(out), " 0 failed") {
		t.Fatalf("partial rules: %v\n%s", err, out)
	}
}

func TestSigmaScan(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	if err := os.Mkdir(rules, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(rules, "whoami.yml"), testRuleWhoami)
	writeFile(t, filepath.Join(rules, "cmd.yml"), testRuleCmd)
	events := strings.Join([]string{
		sysmonLine(1, `C:\\Windows\\System32\\whoami.exe`),
		sysmonLine(2, `C:\\Windows\\System32\\notepad.exe`),
		"",
		`{"EventID": 1, "Channel": `, // broken JSON
		sysmonLine(3, `C:\\Windows\\System32\\cmd.exe`),
	}, "\n") + "\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(events))
	zw.Close()
	file := filepath.Join(dir, "events.ndjson.gz")
	writeFile(t, file, gz.String())

	out, errOut, err := runCLI(t, "sigma", "scan", "--rules", rules, "--pipeline", "windows", file)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		got = append(got, m)
	}
	if len(got) != 2 {
		t.Fatalf("matches:\n%s", out)
	}
	if got[0]["rule_id"] != "11111111-1111-4111-8111-111111111111" || got[0]["title"] != "Whoami Execution" ||
		got[0]["level"] != "high" || got[0]["event_index"] != 0.0 || got[0]["event_id"] == "" {
		t.Errorf("first match %v", got[0])
	}
	if got[1]["rule_id"] != "22222222-2222-4222-8222-222222222222" || got[1]["event_index"] != 3.0 {
		t.Errorf("second match %v (event_index counts non-blank lines from 0)", got[1])
	}
	if !strings.Contains(errOut, file+":4:") {
		t.Errorf("bad line not reported with file:line:\n%s", errOut)
	}
	if !strings.Contains(errOut, "3 events, 2 matches, 1 rejected") || !strings.Contains(errOut, "events/s") {
		t.Errorf("summary:\n%s", errOut)
	}

	_, _, err = runCLI(t, "sigma", "scan", "--rules", rules, "--pipeline", "missing-pipeline.yml", file)
	if err == nil || !strings.Contains(err.Error(), "missing-pipeline.yml") {
		t.Errorf("missing pipeline file: %v", err)
	}
	_, _, err = runCLI(t, "sigma", "scan", "--rules", rules, "--pipeline", "splunk", file)
	if err == nil || !strings.Contains(err.Error(), "unknown pipeline") {
		t.Errorf("unknown pipeline: %v", err)
	}
}

// TestSigmaScanECS: a Winlogbeat-shaped ECS process start matches the
// SigmaHQ whoami /all rule with --pipeline ecs (and with a YAML pipeline
// based on it), and nothing with the Windows pipeline.
func TestSigmaScanECS(t *testing.T) {
	const td = "../../sigma/testdata"
	rule, events := td+"/ecs/proc_creation_win_whoami_all_execution.yml", td+"/ecs/sysmon_process_start.ndjson"
	for _, p := range []string{"ecs", "ECS", td + "/pipelines/ecs-extra.yml"} {
		out, errOut, err := runCLI(t, "sigma", "scan", "--rules", rule, "--pipeline", p, events)
		if err != nil {
			t.Fatalf("%s: %v\n%s", p, err, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		var m map[string]any
		if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &m) != nil {
			t.Fatalf("%s: want one match, got:\n%s", p, out)
		}
		if m["rule_id"] != "c248c896-e412-4279-8c15-1c558067b6fa" || m["event_index"] != 0.0 {
			t.Errorf("%s: match %v", p, m)
		}
		if !strings.Contains(errOut, "2 events, 1 matches, 0 rejected") {
			t.Errorf("%s: summary:\n%s", p, errOut)
		}
	}
	out, errOut, err := runCLI(t, "sigma", "scan", "--rules", rule, "--pipeline", "windows", events)
	if err != nil || strings.TrimSpace(out) != "" || !strings.Contains(errOut, "2 events, 0 matches") {
		t.Errorf("windows pipeline on ECS events: %v\n%s\n%s", err, out, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.yml")
	writeFile(t, bad, "name: bad\nroutes:\n  - logsource: {product: windows}\n    chanels: [A]\n")
	_, _, err = runCLI(t, "sigma", "scan", "--rules", rule, "--pipeline", bad, events)
	if err == nil || !strings.Contains(err.Error(), bad+`:4: routes[0]: unknown key "chanels"`) {
		t.Errorf("bad pipeline file: %v", err)
	}
}

// sysmonLine is a flat Sysmon process-creation event (image JSON-escaped).
func sysmonLine(record int, image string) string {
	return `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WS-001.hospital.local",` +
		`"RecordNumber":` + strconv.Itoa(record) + `,"@timestamp":"2026-11-28T10:00:0` + strconv.Itoa(record%10) + `.000Z",` +
		`"SourceName":"Microsoft-Windows-Sysmon","User":"HOSPITAL\\nurse001","Image":"` + image + `",` +
		`"CommandLine":"run ` + strconv.Itoa(record) + `"}`
}
