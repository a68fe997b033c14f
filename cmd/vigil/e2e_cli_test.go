package main

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// vigil runs the binary and returns stdout, stderr and the exit code.
func vigil(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(vigilBinary(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("vigil %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func TestTokenAndAuditCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	data := t.TempDir()
	out, errOut, code := vigil(t, "token", "create", "--data", data, "--role", "viewer", "--name", "ward-screen")
	if code != 0 || !strings.HasPrefix(out, "vgl_") {
		t.Fatalf("token create: %d %q %q", code, out, errOut)
	}
	if _, errOut, code = vigil(t, "token", "create", "--data", data, "--role", "janitor"); code == 0 || !strings.Contains(errOut, "analyst") {
		t.Fatalf("bad role: exit %d, %q (want the valid roles listed)", code, errOut)
	}
	out, _, _ = vigil(t, "token", "list", "--data", data)
	if !strings.Contains(out, "ward-screen") || !strings.Contains(out, "viewer") {
		t.Fatalf("token list: %q", out)
	}
	if _, _, code = vigil(t, "token", "revoke", "--data", data, "ward-screen"); code != 0 {
		t.Fatal("revoke failed")
	}
	out, _, _ = vigil(t, "token", "list", "--data", data)
	if strings.Contains(out, "ward-screen  viewer  ") && strings.HasSuffix(strings.TrimSpace(out), "-") {
		t.Fatalf("revoked token not marked: %q", out)
	}
	out, _, code = vigil(t, "audit", "verify", "--data", data)
	if code != 0 || !strings.Contains(out, "intact: 2 entries") {
		t.Fatalf("audit verify: %d %q", code, out)
	}

	// Tamper with the second entry behind Vigil's back.
	db, err := sql.Open("sqlite", filepath.Join(data, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type='trigger'`)
	if err != nil {
		t.Fatal(err)
	}
	var triggers []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		triggers = append(triggers, n)
	}
	rows.Close()
	for _, n := range triggers {
		if _, err := db.Exec(`DROP TRIGGER "` + n + `"`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`UPDATE audit SET actor = 'mallory' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	out, _, code = vigil(t, "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(out, "BROKEN at entry 2") {
		t.Fatalf("tampered audit verify: exit %d %q", code, out)
	}
}

func gzipLines(t *testing.T, lines []string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(strings.Join(lines, "\n") + "\n"))
	zw.Close()
	path := filepath.Join(t.TempDir(), "events.ndjson.gz")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIngestCommandAndDLQ(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	run := fmt.Sprintf("ing%d", os.Getpid())
	lines := []string{winEvent(run, 1), "this is not an event", winEvent(run, 2), `CEF:0|Acme|FW|1|100|blocked|5|src=10.0.0.9 dst=8.8.8.8 suser=jdoe`, winEvent(run, 3)}
	file := gzipLines(t, lines)

	// Straight into a data directory, no server running.
	data := t.TempDir()
	out, errOut, code := vigil(t, "ingest", "--quiet", "--data", data, file)
	if code != 0 || !strings.Contains(out, "accepted 4, duplicates 0, rejected 1") || !strings.Contains(errOut, ":2: ") {
		t.Fatalf("ingest --data: %d %q %q", code, out, errOut)
	}
	addr := freePort(t)
	srv := startServer(t, data, addr)
	q := "/api/v1/events/count?q=" + url.QueryEscape("RunTag:"+run)
	waitFor(t, func() bool { return srv.count(t, q) == 3 }, "3 windows events from ingest --data")

	// While the server runs, --data is refused and --server works.
	if _, errOut, code = vigil(t, "ingest", "--quiet", "--data", data, file); code == 0 || !strings.Contains(errOut, "in use") {
		t.Fatalf("ingest --data on a busy dir: %d %q", code, errOut)
	}
	out, errOut, code = vigil(t, "ingest", "--quiet", "--server", "http://"+addr, "--token", srv.token, file)
	if code != 0 || !strings.Contains(out, "accepted 4, duplicates 4, rejected 1") {
		t.Fatalf("ingest --server of the same file: %d %q %q", code, out, errOut)
	}
	if got := srv.count(t, q); got != 3 {
		t.Fatalf("after re-ingest: %d events, want 3", got)
	}

	// The bad line is in the DLQ (once: same line, same reason) and replay as
	// CEF fails, leaving it there.
	out, _, code = vigil(t, "dlq", "list", "--server", "http://"+addr, "--data", data)
	if code != 0 || strings.Count(out, "this is not an event") < 1 {
		t.Fatalf("dlq list: %d %q", code, out)
	}
	out, _, code = vigil(t, "dlq", "replay", "--all", "--format", "cef", "--server", "http://"+addr, "--data", data)
	if code != 0 || !strings.Contains(out, `"replayed":0`) {
		t.Fatalf("dlq replay: %d %q", code, out)
	}
}

func TestSyslogListener(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	data, addr := t.TempDir(), freePort(t)
	tcp := freePort(t)
	srv := startServer(t, data, addr, "--syslog-tcp", tcp)
	conn, err := netDial(tcp)
	if err != nil {
		t.Fatal(err)
	}
	msg5424 := `<165>1 2026-11-28T10:00:00Z pump-07.icu.local infusiond 42 ID47 [origin ip="10.20.0.7"] dose limit override by nurse`
	msg3164 := `<34>Oct 11 22:14:15 ehr-app-01 sshd[8812]: Failed password for root from 203.0.113.9 port 22 ssh2`
	fmt.Fprintf(conn, "%d %s", len(msg5424), msg5424) // octet counting
	fmt.Fprintf(conn, "%s\n", msg3164)                // newline framing
	conn.Close()
	waitFor(t, func() bool {
		return srv.count(t, "/api/v1/events/count?q="+url.QueryEscape("host.name:pump-07.icu.local")) == 1 &&
			srv.count(t, "/api/v1/events/count?q="+url.QueryEscape("host.name:ehr-app-01")) == 1
	}, "both syslog messages stored")
}
