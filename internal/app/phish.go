package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigil-soc/vigil/internal/phish"
	"github.com/vigil-soc/vigil/internal/phish/train"
)

// PhishAnalyzeConfig configures `vigil phish analyze`.
type PhishAnalyzeConfig struct {
	Paths  []string // files, directories (every *.eml below, sorted) or "-" (stdin)
	JSON   bool     // one JSON object per message on Out, nothing else
	Config string   // phish configuration YAML ("" = none)
	Model  string   // model file ("" = the committed model)
	Stdin  io.Reader
	Out    io.Writer
	Err    io.Writer
}

// PhishSummary counts verdicts.
type PhishSummary struct {
	Messages, Phish, Suspicious, Clean, Malformed, Unreadable int
}

// PhishAnalyze analyses every message and writes results and a summary line
// (to Err with --json, else to Out). Verdicts never make it fail; only bad
// configuration or no readable input does.
func PhishAnalyze(ctx context.Context, c PhishAnalyzeConfig) (PhishSummary, error) {
	var sum PhishSummary
	cfg, err := phish.LoadConfig(c.Config)
	if err != nil {
		return sum, err
	}
	an, err := phishAnalyzer(c.Model)
	if err != nil {
		return sum, err
	}
	files, err := expandEML(c.Paths)
	if err != nil {
		return sum, err
	}
	for _, f := range files {
		if ctx.Err() != nil {
			return sum, ctx.Err()
		}
		raw, err := readMessage(f, c.Stdin)
		if err != nil {
			sum.Unreadable++
			fmt.Fprintf(c.Err, "vigil phish: %s: %v\n", f, err)
			continue
		}
		res := an.Analyze(ctx, raw, cfg, nil)
		res.File = f
		sum.count(res)
		if c.JSON {
			b, _ := json.Marshal(res)
			fmt.Fprintf(c.Out, "%s\n", b)
		} else {
			writePhishText(c.Out, res)
		}
	}
	line := fmt.Sprintf("%d messages: %d phish, %d suspicious, %d clean (%d malformed, %d unreadable)",
		sum.Messages, sum.Phish, sum.Suspicious, sum.Clean, sum.Malformed, sum.Unreadable)
	if c.JSON {
		fmt.Fprintln(c.Err, line)
	} else {
		fmt.Fprintln(c.Out, line)
	}
	if sum.Messages == 0 {
		return sum, fmt.Errorf("no message could be read")
	}
	return sum, nil
}

func phishAnalyzer(model string) (*phish.Analyzer, error) {
	if model == "" {
		return phish.NewAnalyzer(nil)
	}
	m, err := phish.LoadModel(model)
	if err != nil {
		return nil, err
	}
	return &phish.Analyzer{Model: m}, nil
}

func (s *PhishSummary) count(r phish.Result) {
	s.Messages++
	switch r.Verdict {
	case phish.VerdictPhish:
		s.Phish++
	case phish.VerdictSuspicious:
		s.Suspicious++
	default:
		s.Clean++
	}
	if len(r.Malformed) > 0 {
		s.Malformed++
	}
}

func expandEML(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == "-" {
			out = append(out, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && strings.EqualFold(filepath.Ext(path), ".eml") {
				found = append(found, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

func readMessage(path string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, phish.MaxMessageBytes+1))
}

// writePhishText prints one result for people. Message content (subject,
// evidence) is untrusted: control characters are replaced so that it cannot
// drive the terminal.
func writePhishText(w io.Writer, r phish.Result) {
	fmt.Fprintf(w, "%s: %s (score %d) from %s subject %q\n", safeText(r.File), strings.ToUpper(r.Verdict), r.Score,
		safeText(r.Display+" <"+r.From+">"), safeText(r.Subject))
	for _, rs := range r.Reasons {
		ev := ""
		if rs.Evidence != "" {
			ev = " — " + rs.Where + ": " + safeText(rs.Evidence)
		} else if rs.Where != "" {
			ev = " — " + rs.Where
		}
		fmt.Fprintf(w, "  %+.2f %s: %s%s\n", rs.Weight, rs.Signal, safeText(rs.Text), ev)
	}
}

func safeText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

// PhishTrainConfig configures `vigil phish train`.
type PhishTrainConfig struct {
	SpamAssassin string
	Out          string // model file to write
	PerFamily    int
	Version      string
	DumpHospital string   // also write the hospital corpus as .eml here
	EvalSim      []string // simulator output directories to score (never trained on)
	Report       io.Writer
}

// PhishTrain trains the model and writes the test-split report (Markdown).
func PhishTrain(c PhishTrainConfig) error {
	if c.DumpHospital != "" {
		n, err := train.DumpHospital(c.DumpHospital, max(c.PerFamily, 30))
		if err != nil {
			return err
		}
		fmt.Fprintf(c.Report, "wrote %d hospital-style messages under %s\n", n, c.DumpHospital)
	}
	rep, err := train.Run(train.Options{SpamAssassin: c.SpamAssassin, PerFamily: c.PerFamily, Version: c.Version, SimDirs: c.EvalSim}, c.Out)
	if err != nil {
		return err
	}
	fmt.Fprint(c.Report, rep.Markdown())
	return nil
}
