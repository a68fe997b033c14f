package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const phishConfigYAML = `own_domains: [stbrigidhealth.org]
vips:
  - {name: Daniel Reyes, title: Chief Financial Officer, addresses: [dreyes@stbrigidhealth.org]}
`

const phishLure = "From: \"Daniel Reyes\" <daniel.reyes.cfo@gmail.com>\r\nTo: ap12@stbrigidhealth.org\r\n" +
	"Subject: Quick favor\r\nMessage-ID: <lure-1@gmail.com>\r\nDate: Mon, 20 Oct 2026 10:00:00 +0000\r\n\r\n" +
	"Are you at your desk? I need you to buy gift cards for the staff today, it is urgent.\r\n" +
	"Keep this between us and send me the codes.\r\n"

const phishMemo = "Authentication-Results: mx.stbrigidhealth.org; spf=pass smtp.mailfrom=stbrigidhealth.org; dkim=pass header.d=stbrigidhealth.org; dmarc=pass header.from=stbrigidhealth.org\r\n" +
	"From: Ana Lopez <alopez12@stbrigidhealth.org>\r\nTo: bchen44@stbrigidhealth.org\r\nSubject: Huddle moved\r\n\r\n" +
	"The cardiology huddle moves to 07:15 on Monday. Bring the bed board.\r\n"

type phishJSON struct {
	File    string `json:"file"`
	Verdict string `json:"verdict"`
	Score   int    `json:"score"`
	Reasons []struct {
		Signal, Text, Evidence string
	} `json:"reasons"`
}

// TestPhishAnalyzeCLI: --json prints one object per message and nothing
// else on stdout, exit 0 whatever the verdicts; stdin works; a directory is
// walked.
func TestPhishAnalyzeCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "mail"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "mail", "a-lure.eml"), phishLure)
	writeFile(t, filepath.Join(dir, "mail", "b-memo.eml"), phishMemo)
	conf := filepath.Join(dir, "phish.yaml")
	writeFile(t, conf, phishConfigYAML)
	cmd := exec.Command(vigilBinary(t), "phish", "analyze", "--json", "--phish-config", conf, filepath.Join(dir, "mail"), "-")
	cmd.Stdin = strings.NewReader(phishMemo)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("exit: %v\n%s", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d stdout lines:\n%s", len(lines), out.String())
	}
	var res []phishJSON
	for _, l := range lines {
		var r phishJSON
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("not JSON: %s", l)
		}
		res = append(res, r)
	}
	if res[0].Verdict == "clean" || res[1].Verdict != "clean" || res[2].File != "-" || res[2].Verdict != "clean" {
		t.Errorf("verdicts %+v", res)
	}
	found := false
	for _, r := range res[0].Reasons {
		found = found || r.Signal == "sender_vip_impersonation"
	}
	if !found || !strings.Contains(errb.String(), "3 messages:") {
		t.Errorf("lure reasons %+v; stderr %s", res[0].Reasons, errb.String())
	}
	// text mode ends with the summary line
	text, err := exec.Command(vigilBinary(t), "phish", "analyze", "--phish-config", conf, filepath.Join(dir, "mail")).Output()
	if err != nil || !strings.Contains(string(text), "2 messages: ") || !strings.Contains(string(text), "sender_vip_impersonation") {
		t.Errorf("text output (%v):\n%s", err, text)
	}
}

// TestServePhish: an email posted with format=eml becomes an event and a
// phish.verdict finding with the sender and recipient as entities; POST
// /api/v1/email/analyze answers the analysis.
func TestServePhish(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	conf := filepath.Join(t.TempDir(), "phish.yaml")
	writeFile(t, conf, phishConfigYAML)
	srv := startServer(t, t.TempDir(), freePort(t), "--phish-config", conf)
	var ing struct{ Accepted int }
	if code, err := srv.do("POST", "/api/v1/events?format=eml", "message/rfc822", []byte(phishLure), &ing); err != nil || code != 200 || ing.Accepted != 1 {
		t.Fatalf("ingest: %d %v %+v", code, err, ing)
	}
	type fnd struct {
		RuleID   string            `json:"rule_id"`
		Severity string            `json:"severity"`
		Entities map[string]string `json:"entities"`
		Tags     []string          `json:"tags"`
	}
	var got []fnd
	waitFor(t, func() bool {
		var f struct{ Findings []fnd }
		srv.do("GET", "/api/v1/findings?detector=phish", "", nil, &f)
		got = f.Findings
		return len(got) > 0
	}, "a phish finding")
	f := got[0]
	if f.RuleID != "phish.verdict" || f.Entities["email"] != "daniel.reyes.cfo@gmail.com" || f.Entities["user"] != "ap12" ||
		!strings.Contains(strings.Join(f.Tags, " "), "email.to:ap12@stbrigidhealth.org") {
		t.Errorf("finding %+v", f)
	}
	var r phishJSON
	if code, err := srv.do("POST", "/api/v1/email/analyze", "message/rfc822", []byte(phishMemo), &r); err != nil || code != 200 || r.Verdict != "clean" {
		t.Errorf("analyze: %d %v %+v", code, err, r)
	}
	if code, _ := srv.do("POST", "/api/v1/email/analyze", "message/rfc822", nil, nil); code != 400 {
		t.Errorf("empty body: %d", code)
	}
}
