package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vigil-soc/vigil/internal/sim"
)

// SimulateOptions are the arguments of `vigil simulate`.
type SimulateOptions struct {
	Profile   string
	Days      int
	Seed      uint64
	Scenarios string // "all", a comma-separated list, or "" for none
	Start     string // YYYY-MM-DD of day 0 ("" = sim.DefaultStart)
	Out       string // output directory ("" with To = a temporary one)
	Force     bool   // write into a non-empty Out (replacing earlier output)

	Stream StreamOptions // To != "": stream into a running server
	Stdout io.Writer
}

// Simulate generates a simulated hospital into Out and, with Stream.To,
// streams it into a running server.
func Simulate(ctx context.Context, o SimulateOptions) (*sim.Manifest, error) {
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if _, err := sim.ProfileByName(o.Profile); err != nil {
		return nil, err
	}
	names, err := sim.ParseScenarios(o.Scenarios)
	if err != nil {
		return nil, err
	}
	var start time.Time
	if o.Start != "" {
		if start, err = time.Parse("2006-01-02", o.Start); err != nil {
			return nil, fmt.Errorf("--start %q: want YYYY-MM-DD", o.Start)
		}
	}
	out := o.Out
	if out == "" {
		if o.Stream.To == "" {
			return nil, fmt.Errorf("--out is required (or --to to stream without keeping the files)")
		}
		if out, err = os.MkdirTemp("", "vigil-sim-*"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(out)
	} else if err := prepareOut(out, o.Force); err != nil {
		return nil, err
	}
	began := time.Now()
	m, err := sim.Generate(sim.Options{Profile: o.Profile, Days: o.Days, Seed: o.Seed, Scenarios: names, Start: start}, sim.DirSink(out))
	if err != nil {
		return nil, err
	}
	el := time.Since(began)
	fmt.Fprintf(o.Stdout, "simulate: %s, %d days from %s: %d events, %d e-mails, %d labelled instances in %s (%.0f events/s) → %s\n",
		m.Profile, m.Days, m.Start.Format("2006-01-02"), m.TotalEvents(), m.Files["email"], m.Labels,
		el.Round(time.Millisecond), float64(m.TotalEvents())/max(el.Seconds(), 1e-9), out)
	if o.Stream.To != "" {
		o.Stream.Out = o.Stdout
		if err := Stream(ctx, out, o.Stream); err != nil {
			return m, err
		}
	}
	return m, nil
}

// simOutputs are the names the simulator writes at the top of --out.
var simOutputs = []string{"context", "events", "email", "labels.jsonl", "manifest.json"}

// prepareOut refuses a non-empty directory unless force, in which case it
// removes the simulator's own earlier output (and nothing else).
func prepareOut(dir string, force bool) error {
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if len(ents) > 0 {
		if !force {
			return fmt.Errorf("--out %s is not empty (%d entries); use --force to replace the simulator's output there", dir, len(ents))
		}
		for _, n := range simOutputs {
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	return os.MkdirAll(dir, 0o755)
}
