package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// vigilBinary builds the real binary once per test run.
func vigilBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vigil-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "vigil")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// server is a `vigil serve` child process.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string
	data   string
	token  string
	output *bytes.Buffer
}

func startServer(t *testing.T, data, addr string, extra ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--data", data, "--listen", addr, "--log-level", "info"}, extra...)
	cmd := exec.Command(vigilBinary(t), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, addr: addr, data: data, output: &out}
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				// A node joining a database that has an admin already
				// writes no token file; the caller sets s.token then.
				tok, _ := os.ReadFile(filepath.Join(data, "admin.token"))
				s.token = strings.TrimSpace(string(tok))
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.kill()
	t.Fatalf("server did not become ready:\n%s", out.String())
	return nil
}

func (s *server) kill() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.t.Errorf("server did not stop on SIGINT:\n%s", s.output.String())
		s.kill()
	}
}

func (s *server) do(method, path, ctype string, body []byte, out any) (int, error) {
	req, err := http.NewRequest(method, "http://"+s.addr+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s: %w", data, err)
		}
	}
	return resp.StatusCode, nil
}

func (s *server) count(t *testing.T, path string) int64 {
	t.Helper()
	var c struct {
		Count int64 `json:"count"`
	}
	if code, err := s.do("GET", path, "", nil, &c); err != nil || code != 200 {
		t.Fatalf("GET %s: %d %v", path, code, err)
	}
	return c.Count
}

// winEvent renders a flat Windows event of about 600 bytes with a unique
// record number; every 50th is a Security log clear (1102).
func winEvent(run string, n int) string {
	id := 4688
	if n%50 == 0 {
		id = 1102
	}
	return fmt.Sprintf(`{"EventID":%d,"Channel":"Security","Hostname":"WS-%03d.hospital.local","RecordNumber":%d,`+
		`"@timestamp":"2026-11-28T10:%02d:%02d.000Z","SourceName":"Microsoft-Windows-Security-Auditing",`+
		`"SubjectUserName":"nurse%03d","SubjectDomainName":"HOSPITAL","NewProcessName":"C:\\Windows\\System32\\cmd.exe",`+
		`"CommandLine":"cmd.exe /c echo vigil e2e run %s record %d padding padding padding padding padding",`+
		`"ParentProcessName":"C:\\Windows\\explorer.exe","TokenElevationType":"%%%%1936","ProcessId":"0x%x",`+
		`"RunTag":"%s","Message":"A new process has been created. This text pads the event to a realistic size."}`,
		id, n%200, n, (n/60)%60, n%60, n%300, run, n, n, run)
}
