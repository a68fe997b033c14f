package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/sim"
	"github.com/vigil-soc/vigil/internal/store"
)

// DemoOptions are the flags of `vigil demo`.
type DemoOptions struct {
	Profile         string
	Days            int
	Seed            uint64
	Speed           string
	Rules           []string // Sigma rules for the demo server (nil = serve's default, builtin:healthcare)
	Keep            bool     // keep the temporary directory
	ExitAfterStream bool     // stop once the data is in and the counts settle (tests, CI)
	Out             io.Writer
	Logger          *slog.Logger
}

// Demo starts a server on embedded defaults in a temporary directory,
// streams a simulated hospital (all scenarios) into it and shows live
// counts of findings and incidents until ctx is done (Ctrl-C), or, with
// ExitAfterStream, until the counts settle after streaming.
func Demo(ctx context.Context, o DemoOptions) error {
	err := demo(ctx, o)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil // Ctrl-C at any point is the normal way out
	}
	return err
}

func demo(ctx context.Context, o DemoOptions) error {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if _, err := sim.ProfileByName(o.Profile); err != nil {
		return err
	}
	if _, err := parseSpeed(o.Speed); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "vigil-demo-*")
	if err != nil {
		return err
	}
	defer func() {
		if o.Keep {
			fmt.Fprintf(o.Out, "demo: kept %s\n", tmp)
			return
		}
		os.RemoveAll(tmp)
	}()
	addr, err := freePort()
	if err != nil {
		return err
	}
	// Simulate first: the server starts with the simulated hospital's mail
	// configuration (own domain, executives, partners) for the phish detector.
	days := max(o.Days, 1)
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -days) // recent: inside retention
	simDir := filepath.Join(tmp, "sim")
	if _, err := Simulate(ctx, SimulateOptions{Profile: o.Profile, Days: days, Seed: o.Seed, Scenarios: "all",
		Start: start.Format("2006-01-02"), Out: simDir, Stdout: o.Out}); err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil // Ctrl-C during the simulation is a normal way out
		}
		return err
	}
	cfg := Defaults()
	cfg.DataDir, cfg.Listen, cfg.Out, cfg.Logger = filepath.Join(tmp, "data"), addr, o.Out, o.Logger
	cfg.PhishConfig = filepath.Join(simDir, sim.MailConfigFile)
	if o.Rules != nil {
		cfg.Rules = o.Rules
	}
	srvCtx, stopServer := context.WithCancel(ctx)
	serveErr := make(chan error, 1)
	go func() { serveErr <- Serve(srvCtx, cfg) }()
	var once sync.Once
	var serr error
	stop := func() error { // stop the server and wait for it, before tmp is removed
		once.Do(func() { stopServer(); serr = <-serveErr })
		return serr
	}
	defer stop()
	base := "http://" + addr
	if err := waitReady(ctx, base, serveErr); err != nil {
		return err
	}
	tokenPath := AdminTokenPath(cfg.DataDir)
	token, err := os.ReadFile(tokenPath)
	if err != nil {
		return err
	}
	printWhere(o.Out, base, tokenPath, cfg.Rules)
	err = demoRun(ctx, o, simDir, base, strings.TrimSpace(string(token)))
	if serr := stop(); serr != nil && err == nil {
		err = serr
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		err = nil // Ctrl-C is the normal way out
	}
	return err
}

func printWhere(out io.Writer, base, tokenPath string, rules []string) {
	fmt.Fprintf(out, "demo: Vigil is running at %s\n", base)
	fmt.Fprintf(out, "demo:   admin token: %s  (curl -H \"Authorization: Bearer $(cat %s)\" …)\n", tokenPath, tokenPath)
	fmt.Fprintf(out, "demo:   findings:   %s/api/v1/findings\n", base)
	fmt.Fprintf(out, "demo:   incidents:  %s/api/v1/incidents\n", base)
	fmt.Fprintf(out, "demo:   events:     %s/api/v1/events?q=event.dataset:auth\n", base)
	fmt.Fprintf(out, "demo:   API spec:   %s/api/openapi.json\n", base)
	if len(rules) > 0 {
		fmt.Fprintf(out, "demo:   Sigma rules: %s\n", strings.Join(rules, ", "))
	}
}

// demoRun streams the simulation in simDir and reports counts.
func demoRun(ctx context.Context, o DemoOptions, simDir, base, token string) error {
	m, err := readManifest(filepath.Join(simDir, "manifest.json"))
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "demo: ground truth in %s (labels.jsonl; score with vigil eval --labels … --server %s --token …)\n",
		filepath.Join(simDir, "labels.jsonl"), base)
	c, err := NewClient(base, token, "")
	if err != nil {
		return err
	}
	cnt := &counter{c: c, out: o.Out}
	liveCtx, stopLive := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); cnt.live(liveCtx, 3*time.Second) }()
	err = Stream(ctx, simDir, StreamOptions{To: base, Token: token, Speed: o.Speed, Out: o.Out,
		Progress: func(n int) { cnt.setSent(n) }})
	stopLive()
	wg.Wait()
	if err != nil {
		return err
	}
	f, i := cnt.settle(ctx, 60*time.Second)
	fmt.Fprintf(o.Out, "demo: done: %d events streamed, %d findings, %d incidents (%d labelled attack instances)\n",
		cnt.sentN(), f, i, m.Labels)
	fmt.Fprintf(o.Out, "demo: scored against the ground truth (vigil eval, docs/eval.md):\n\n")
	if _, err := Eval(ctx, EvalOptions{Labels: filepath.Join(simDir, "labels.jsonl"), Server: base, Token: token,
		Out: o.Out}); err != nil && ctx.Err() == nil {
		fmt.Fprintf(o.Out, "demo: eval: %v\n", err)
	}
	if o.ExitAfterStream {
		return nil
	}
	fmt.Fprintf(o.Out, "\ndemo: all data streamed; press Ctrl-C to stop\n")
	cnt.live(ctx, 5*time.Second)
	return ctx.Err()
}

// counter polls the findings and incidents counts.
type counter struct {
	c    *Client
	out  io.Writer
	mu   sync.Mutex
	sent int
	last string
}

func (k *counter) setSent(n int) { k.mu.Lock(); k.sent = n; k.mu.Unlock() }
func (k *counter) sentN() int    { k.mu.Lock(); defer k.mu.Unlock(); return k.sent }

func (k *counter) counts(ctx context.Context) (findings, incidents int) {
	fs, _ := pages(ctx, k.c, "/api/v1/findings", func(p *struct {
		Findings []finding.Finding `json:"findings"`
		Next     string            `json:"next"`
	}) ([]finding.Finding, string) {
		return p.Findings, p.Next
	})
	is, _ := pages(ctx, k.c, "/api/v1/incidents", func(p *struct {
		Incidents []store.Incident `json:"incidents"`
		Next      string           `json:"next"`
	}) ([]store.Incident, string) {
		return p.Incidents, p.Next
	})
	return len(fs), len(is)
}

// live prints "events sent, findings, incidents" whenever it changes.
func (k *counter) live(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f, i := k.counts(ctx)
		line := fmt.Sprintf("demo: live: %d events sent, %d findings, %d incidents", k.sentN(), f, i)
		if line != k.last && ctx.Err() == nil {
			fmt.Fprintln(k.out, line)
			k.last = line
		}
	}
}

// settle waits until the counts stop changing for a few seconds (the
// detectors caught up) or limit passes.
func (k *counter) settle(ctx context.Context, limit time.Duration) (int, int) {
	deadline := time.Now().Add(limit)
	f, i := k.counts(ctx)
	stable := 0
	for time.Now().Before(deadline) && stable < 3 && ctx.Err() == nil {
		time.Sleep(time.Second)
		f2, i2 := k.counts(ctx)
		if f2 == f && i2 == i {
			stable++
		} else {
			stable = 0
		}
		f, i = f2, i2
	}
	return f, i
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// waitReady polls /readyz until the server answers 200; an early server error
// is put back in serveErr for whoever waits for the server to stop.
func waitReady(ctx context.Context, base string, serveErr chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-serveErr:
			serveErr <- err
			return fmt.Errorf("demo server stopped: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("demo server not ready after 60s")
}
