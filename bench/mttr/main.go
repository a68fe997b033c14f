// Command mttr measures Vigil's mean time to respond end to end: for each
// seed it starts local receivers for every connector the built-in playbooks
// call (signed webhooks, SCIM 2.0, REST tickets, SMTP, syslog), writes the
// actions file pointing at them, starts `vigil serve` on its own data
// directory and port (embedded NATS, not listening), streams the simulator
// into it with a simulated approver (`vigil simulate --to … --approve-token
// …`), waits until the pipeline settles, and prints `vigil eval --server`
// (MTTR automatic and approval-gated, median and p95).
//
//	go build -o /tmp/vigil ./cmd/vigil
//	go run ./bench/mttr -vigil /tmp/vigil -seeds 1,2,3 -speed max -approve-delay 30s -keep
//	go run ./bench/mttr -vigil /tmp/vigil -seeds 1,2,3 -rescore    # eval a kept run again
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// options are the driver's flags.
type options struct {
	vigil        string
	out          string
	profile      string
	days         int
	speed        string
	approveDelay time.Duration
	settle       time.Duration
	timeout      time.Duration
	keep         bool
	rescore      bool
}

func main() {
	var o options
	seeds := flag.String("seeds", "1", "comma-separated simulator seeds, one run each")
	flag.StringVar(&o.vigil, "vigil", "vigil", "the vigil binary (go build -o /tmp/vigil ./cmd/vigil)")
	flag.StringVar(&o.out, "out", filepath.Join(os.TempDir(), "vigil-mttr"), "work directory (one sub-directory per seed)")
	flag.StringVar(&o.profile, "profile", "small", "simulator profile")
	flag.IntVar(&o.days, "days", 1, "simulated days")
	flag.StringVar(&o.speed, "speed", "max", "vigil simulate --speed: max or Nx")
	flag.DurationVar(&o.approveDelay, "approve-delay", 30*time.Second, "the simulated approver approves this long after seeing a request")
	flag.DurationVar(&o.settle, "settle", 20*time.Second, "the pipeline has settled when nothing changed for this long")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Minute, "give up a seed after this long")
	flag.BoolVar(&o.keep, "keep", false, "keep the data directory and simulator output")
	flag.BoolVar(&o.rescore, "rescore", false, "only score a kept run again: serve its data directory and run vigil eval")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	failed := false
	run := runSeed
	if o.rescore {
		run = rescoreSeed
	}
	for _, s := range strings.Split(*seeds, ",") {
		if err := run(ctx, o, strings.TrimSpace(s)); err != nil {
			fmt.Fprintf(os.Stderr, "mttr: seed %s: %v\n", s, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// runSeed is one measured run; everything it starts is stopped on return.
func runSeed(ctx context.Context, o options, seed string) error {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	dir, err := filepath.Abs(filepath.Join(o.out, "seed-"+seed))
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	simDir := filepath.Join(dir, "sim")
	simArgs := []string{"simulate", "--profile", o.profile, "--days", fmt.Sprint(o.days), "--seed", seed, "--out", simDir}
	// Generate first: serve reads the simulator's mail.yml at start.
	if err := runVigil(ctx, o.vigil, nil, simArgs...); err != nil {
		return err
	}
	recv, err := startReceivers()
	if err != nil {
		return err
	}
	defer recv.close()
	actions := filepath.Join(dir, "actions.yaml")
	if err := os.WriteFile(actions, []byte(recv.actionsYAML()), 0o600); err != nil {
		return err
	}
	srv, err := startServe(ctx, o.vigil, filepath.Join(dir, "data"), actions, filepath.Join(simDir, "mail.yml"), "serve.log")
	if err != nil {
		return err
	}
	defer srv.stop()
	ingest, err := srv.createToken(ctx, "mttr-ingest", "ingest")
	if err != nil {
		return err
	}
	approver, err := srv.createToken(ctx, "mttr-approver", "responder")
	if err != nil {
		return err
	}
	fmt.Printf("== seed %s: %s, %d day(s), speed %s, approver delay %s, server %s\n",
		seed, o.profile, o.days, o.speed, o.approveDelay, srv.url)
	began := time.Now()
	streamArgs := append(simArgs, "--force", "--to", srv.url, "--token", ingest, "--speed", o.speed,
		"--approve-token", approver, "--approve-delay", o.approveDelay.String())
	if err := runVigil(ctx, o.vigil, nil, streamArgs...); err != nil {
		return err
	}
	fmt.Printf("simulate (stream, then approver linger) done after %s; waiting for the pipeline to settle\n", time.Since(began).Round(time.Second))
	if err := srv.waitSettled(ctx, o.settle); err != nil {
		return err
	}
	fmt.Printf("settled after %s; receivers: %s\n", time.Since(began).Round(time.Second), recv.seen.String())
	return score(ctx, o.vigil, srv, simDir)
}

func score(ctx context.Context, bin string, srv *server, simDir string) error {
	return runVigil(ctx, bin, nil, "eval", "--labels", filepath.Join(simDir, "labels.jsonl"),
		"--server", srv.url, "--token", srv.admin)
}

// rescoreSeed scores a run kept with -keep again (e.g. after a change to
// vigil eval): it serves the kept data directory, whose actions are all
// final, and runs eval against it.
func rescoreSeed(ctx context.Context, o options, seed string) error {
	dir, err := filepath.Abs(filepath.Join(o.out, "seed-"+seed))
	if err != nil {
		return err
	}
	simDir := filepath.Join(dir, "sim")
	srv, err := startServe(ctx, o.vigil, filepath.Join(dir, "data"), filepath.Join(dir, "actions.yaml"),
		filepath.Join(simDir, "mail.yml"), "rescore.log")
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Printf("== seed %s: rescoring %s\n", seed, dir)
	return score(ctx, o.vigil, srv, simDir)
}
