package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/vigil-soc/vigil/internal/detect/sigmarules"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

// SigmaScanConfig is what `vigil sigma scan` is told.
type SigmaScanConfig struct {
	Rules        []string // rule files or directories
	Placeholders string   // placeholder configuration file ("" = none)
	Pipeline     string   // built-in pipeline name or YAML file (see SigmaPipeline)
	Files        []string // NDJSON inputs, gzip detected by magic, "-" = Stdin
	Stdin        io.Reader
	Out          io.Writer // matches, one JSON object a line
	ErrOut       io.Writer // rule errors, bad lines and the summary
}

// SigmaScanResult is the summary of a scan.
type SigmaScanResult struct {
	Events, Matches, Rejected int
	Elapsed                   time.Duration
}

// SigmaMatch is one output line of `vigil sigma scan`. EventIndex counts
// the non-blank input lines of all files in order, from 0.
type SigmaMatch struct {
	RuleID     string `json:"rule_id"`
	Title      string `json:"title"`
	Level      string `json:"level"`
	EventIndex int    `json:"event_index"`
	EventID    string `json:"event_id"`
}

// maxScanErrors caps how many undecodable lines are listed on ErrOut.
const maxScanErrors = 20

// SigmaScan decodes every event of the input files (format auto-detected),
// matches it against the rules and writes each match as JSON to Out; then a
// summary line (events, matches, events/s) to ErrOut. Undecodable lines are
// counted and the first few listed as "file:line: reason" (reasons never
// quote event content).
func SigmaScan(ctx context.Context, cfg SigmaScanConfig) (SigmaScanResult, error) {
	var res SigmaScanResult
	p, err := SigmaPipeline(cfg.Pipeline)
	if err != nil {
		return res, err
	}
	if len(cfg.Files) == 0 {
		return res, fmt.Errorf("sigma scan: no input file")
	}
	l, err := loadSigma(cfg.Rules, cfg.Placeholders, p)
	if err != nil {
		return res, err
	}
	for _, e := range l.Errors {
		fmt.Fprintf(cfg.ErrOut, "rule error: %v\n", e)
	}
	out := bufio.NewWriterSize(cfg.Out, 64<<10)
	defer out.Flush()
	s := &scanner{rs: l.Ruleset, set: decode.NewSet(), enc: json.NewEncoder(out), errOut: cfg.ErrOut, res: &res}
	s.onMatch = s.match
	start := time.Now()
	for _, name := range cfg.Files {
		r, closeFn, err := openInput(name, cfg.Stdin, nil)
		if err != nil {
			return res, err
		}
		err = s.file(ctx, name, r)
		closeFn()
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
	}
	res.Elapsed = time.Since(start)
	if err := out.Flush(); err != nil {
		return res, err
	}
	rate := float64(res.Events) / max(res.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(cfg.ErrOut, "sigma scan: %d rules, %d events, %d matches, %d rejected, %.0f events/s\n",
		l.Ruleset.Len(), res.Events, res.Matches, res.Rejected, rate)
	return res, nil
}

// scanner holds the state of one scan.
type scanner struct {
	rs      *sigma.Ruleset
	set     *decode.Set
	enc     *json.Encoder
	errOut  io.Writer
	res     *SigmaScanResult
	index   int // next event index
	cur     int // index of the event being matched
	ev      event.Event
	onMatch func(*sigma.Rule)
	encErr  error
}

func (s *scanner) file(ctx context.Context, name string, r io.Reader) error {
	br := bufio.NewReaderSize(r, 256<<10)
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(br)
		if len(line) > 0 {
			s.record(name, lineNo, line)
			if s.encErr != nil {
				return s.encErr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", lineNo, err)
		}
		if lineNo%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

func (s *scanner) record(name string, lineNo int, line []byte) {
	idx := s.index
	s.index++
	if err := s.set.Decode(event.FormatAuto, line, &s.ev); err != nil {
		s.res.Rejected++
		if s.res.Rejected <= maxScanErrors {
			fmt.Fprintf(s.errOut, "%s:%d: %v\n", name, lineNo, err)
		}
		return
	}
	s.res.Events++
	s.cur = idx
	s.rs.Match(sigmarules.Wrap(&s.ev), s.onMatch)
}

// match writes one match of the current event.
func (s *scanner) match(r *sigma.Rule) {
	s.res.Matches++
	if err := s.enc.Encode(SigmaMatch{RuleID: r.ID, Title: r.Title, Level: r.Level,
		EventIndex: s.cur, EventID: s.ev.ID}); err != nil && s.encErr == nil {
		s.encErr = err
	}
}
