package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vigil-soc/vigil/internal/app"
)

// server is a `vigil serve` child process.
type server struct {
	cmd   *exec.Cmd
	url   string
	admin string // admin token (DATA/admin.token)
	log   *os.File
	done  chan error
}

// runVigil runs one vigil command with stdout and stderr passed through.
func runVigil(ctx context.Context, bin string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("vigil %s: %w", args[0], err)
	}
	return nil
}

// startServe starts `vigil serve` with the actions file on a free loopback
// port, its log in DATA/../LOGNAME, and waits until it answers /readyz.
func startServe(ctx context.Context, bin, data, actions, phishConfig, logName string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(filepath.Dir(data), logName))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--data", data, "--listen", addr, "--actions", actions,
		"--phish-config", phishConfig, "--retention", "0")
	cmd.Env = append(os.Environ(), connectorEnv()...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://" + addr, log: logf, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if tok, err := os.ReadFile(filepath.Join(data, "admin.token")); err == nil && s.ready() {
			s.admin = strings.TrimSpace(string(tok))
			return s, nil
		}
		select {
		case err := <-s.done:
			s.done <- err
			return nil, fmt.Errorf("vigil serve exited (%v); see %s", err, logf.Name())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("vigil serve not ready after 2 minutes; see %s", logf.Name())
		}
	}
}

func (s *server) ready() bool {
	resp, err := http.Get(s.url + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stop sends SIGTERM and waits for a clean exit (SIGKILL after 30 s).
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
}

// do calls the API with the admin token and decodes a JSON answer into out.
func (s *server) do(ctx context.Context, method, path string, body, out any) error {
	c := app.Client{Server: s.url, Token: s.admin, HTTP: http.DefaultClient}
	return c.Do(ctx, method, path, body, out)
}

// createToken creates an API token with the role and returns its secret.
func (s *server) createToken(ctx context.Context, name, role string) (string, error) {
	var tok struct{ Token string }
	err := s.do(ctx, "POST", "/api/v1/tokens", map[string]string{"name": name, "role": role}, &tok)
	if err == nil && tok.Token == "" {
		err = fmt.Errorf("POST /api/v1/tokens: no token in the answer")
	}
	return tok.Token, err
}

// progress is what the driver watches to tell that the pipeline settled.
type progress struct {
	findings, incidents, actions, approvals int
	busy                                    int // actions queued, running or pending approval
}

func (s *server) progress(ctx context.Context) (progress, error) {
	var p progress
	var err error
	if p.findings, err = s.count(ctx, "findings", nil); err != nil {
		return p, err
	}
	if p.incidents, err = s.count(ctx, "incidents", nil); err != nil {
		return p, err
	}
	if p.approvals, err = s.count(ctx, "approvals", nil); err != nil {
		return p, err
	}
	p.actions, err = s.count(ctx, "actions", func(status string) {
		switch status {
		case "queued", "running", "pending_approval":
			p.busy++
		}
	})
	return p, err
}

// count pages through GET /api/v1/KIND and returns how many items it has,
// calling each (when given) with every item's status.
func (s *server) count(ctx context.Context, kind string, each func(status string)) (int, error) {
	n, cursor := 0, ""
	for {
		var page map[string]json.RawMessage
		if err := s.do(ctx, "GET", "/api/v1/"+kind+"?limit=1000&cursor="+url.QueryEscape(cursor), nil, &page); err != nil {
			return n, err
		}
		var items []struct{ Status string }
		if err := json.Unmarshal(page[kind], &items); err != nil {
			return n, fmt.Errorf("GET /api/v1/%s: %w", kind, err)
		}
		n += len(items)
		for _, it := range items {
			if each != nil {
				each(it.Status)
			}
		}
		_ = json.Unmarshal(page["next"], &cursor)
		if cursor == "" || len(items) == 0 {
			return n, nil
		}
	}
}

// waitSettled polls until findings, incidents, actions and approvals have
// not changed for quiet, then reports what is still waiting.
func (s *server) waitSettled(ctx context.Context, quiet time.Duration) error {
	var last progress
	since := time.Now()
	for {
		p, err := s.progress(ctx)
		if err != nil {
			return err
		}
		if p != last {
			last, since = p, time.Now()
		} else if time.Since(since) >= quiet {
			fmt.Printf("findings %d, incidents %d, actions %d (%d not final), approvals %d\n",
				p.findings, p.incidents, p.actions, p.busy, p.approvals)
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("vigil serve exited (%v); see %s", err, s.log.Name())
		case <-time.After(2 * time.Second):
		}
	}
}
