package app

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/sim"
)

// StreamOptions are the flags of `vigil simulate --to`.
type StreamOptions struct {
	To, Token    string
	Speed        string        // "max" or "<N>x"
	ApproveToken string        // simulated approver's token ("" = none)
	ApproveDelay time.Duration // how long the approver waits
	// ApproveLinger: after the stream the approver keeps approving until
	// nothing was pending for this long (0: as soon as nothing is pending).
	ApproveLinger time.Duration
	Out           io.Writer
	// Progress, if set, is called after each batch with the events sent so far.
	Progress func(sent int)
}

// parseSpeed reads "max" (0) or "60x" (60).
func parseSpeed(s string) (float64, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "max" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "x"), 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("--speed %q: want max or a factor like 60x", s)
	}
	return v, nil
}

// Stream sends a simulator output directory into a running server: the
// context files to POST /api/v1/context (a 404 is a warning: the context
// import may not be built in), then events and e-mails merged in event
// time, paced by Speed.
func Stream(ctx context.Context, dir string, o StreamOptions) error {
	if o.Out == nil {
		o.Out = io.Discard
	}
	o.Out = &lockedWriter{w: o.Out} // the approver goroutine writes too
	speed, err := parseSpeed(o.Speed)
	if err != nil {
		return err
	}
	if o.Token == "" {
		return fmt.Errorf("--to needs --token (or VIGIL_TOKEN)")
	}
	c, err := NewClient(o.To, o.Token, "")
	if err != nil {
		return err
	}
	if err := streamContext(ctx, c, dir, o.Out); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	streamed := make(chan struct{})
	if o.ApproveToken != "" {
		ap, err := NewClient(o.To, o.ApproveToken, "")
		if err != nil {
			return err
		}
		wg.Add(1)
		ao := approverOptions{Delay: o.ApproveDelay, Linger: o.ApproveLinger, StreamDone: streamed}
		go func() { defer wg.Done(); runApprover(ctx, ap, ao, o.Out) }()
	}
	err = streamEvents(ctx, c, dir, speed, o)
	if err != nil {
		cancel()
	}
	close(streamed) // the approver lingers for what the server still detects
	wg.Wait()
	return err
}

// streamContext posts every context/ file; a 404 stops with a warning.
func streamContext(ctx context.Context, c *Client, dir string, out io.Writer) error {
	for _, name := range sim.ContextFiles {
		data, err := os.ReadFile(filepath.Join(dir, "context", name))
		if err != nil {
			return err
		}
		status, body, err := c.postRaw(ctx, "/api/v1/context?file="+name, "application/octet-stream", data)
		if err != nil {
			return err
		}
		switch {
		case status == http.StatusNotFound:
			fmt.Fprintf(out, "simulate: warning: the server has no context import (POST /api/v1/context: 404); context not loaded\n")
			return nil
		case status/100 != 2:
			fmt.Fprintf(out, "simulate: warning: context %s: %d %s\n", name, status, strings.TrimSpace(string(body)))
		default:
			fmt.Fprintf(out, "simulate: context %s loaded\n", name)
		}
	}
	return nil
}

// postRaw sends a body and returns the status and answer (no error for
// non-2xx statuses).
func (c *Client) postRaw(ctx context.Context, path, ctype string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Server+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", ctype)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return resp.StatusCode, data, err
}

// feed is one input of the time merge: an NDJSON file or the e-mails.
type feed struct {
	format string
	br     *bufio.Reader
	f      *os.File
	mails  []string // e-mail files, in name (= time) order
	head   []byte
	t      time.Time
	done   bool
	batch  [][]byte
}

func (f *feed) advance(dir string) error {
	if f.br == nil {
		if len(f.mails) == 0 {
			f.done = true
			return nil
		}
		data, err := os.ReadFile(filepath.Join(dir, "email", f.mails[0]))
		if err != nil {
			return err
		}
		f.mails = f.mails[1:]
		f.head, f.t = data, mailTime(data)
		return nil
	}
	line, err := f.br.ReadBytes('\n')
	line = bytes.TrimRight(line, "\r\n")
	if len(line) == 0 && err != nil {
		f.done = true
		if err == io.EOF {
			return nil
		}
		return err
	}
	f.head, f.t = line, lineTime(line)
	return nil
}

// lineTime finds the event time of a simulator record ("@timestamp" or
// "recorded", the first RFC 3339 value after the key).
func lineTime(line []byte) time.Time {
	for _, k := range []string{`"@timestamp":"`, `"recorded":"`} {
		if i := bytes.Index(line, []byte(k)); i >= 0 {
			rest := line[i+len(k):]
			if j := bytes.IndexByte(rest, '"'); j > 0 {
				if t, err := time.Parse(time.RFC3339Nano, string(rest[:j])); err == nil {
					return t
				}
			}
		}
	}
	return time.Time{}
}

func mailTime(raw []byte) time.Time {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return time.Time{}
	}
	t, _ := m.Header.Date()
	return t
}

const streamBatch = 500

// streamEvents merges the event files and e-mails by time and posts them in
// batches, sleeping to keep event time / speed when speed > 0.
func streamEvents(ctx context.Context, c *Client, dir string, speed float64, o StreamOptions) error {
	var feeds []*feed
	defer func() {
		for _, f := range feeds {
			if f.f != nil {
				f.f.Close()
			}
		}
	}()
	for _, s := range sim.SourceFiles {
		fh, err := os.Open(filepath.Join(dir, "events", s.Name))
		if err != nil {
			return err
		}
		feeds = append(feeds, &feed{format: s.Format, f: fh, br: bufio.NewReaderSize(fh, 1<<20)})
	}
	mails, _ := filepath.Glob(filepath.Join(dir, "email", "*.eml"))
	for i := range mails {
		mails[i] = filepath.Base(mails[i])
	}
	slices.Sort(mails)
	feeds = append(feeds, &feed{format: "eml", mails: mails})
	for _, f := range feeds {
		if err := f.advance(dir); err != nil {
			return err
		}
	}
	st := &streamState{c: c, out: o.Out, progress: o.Progress}
	var t0 time.Time
	w0 := time.Now()
	for {
		var next *feed
		for _, f := range feeds {
			if !f.done && (next == nil || f.t.Before(next.t)) {
				next = f
			}
		}
		if next == nil {
			break
		}
		if speed > 0 {
			if t0.IsZero() {
				t0 = next.t
			}
			due := w0.Add(time.Duration(float64(next.t.Sub(t0)) / speed))
			if wait := time.Until(due); wait > 50*time.Millisecond {
				if err := st.flushAll(ctx, feeds); err != nil {
					return err
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
				}
			}
		}
		if next.format == "eml" {
			if err := st.sendMail(ctx, next.head); err != nil {
				return err
			}
		} else {
			next.batch = append(next.batch, slices.Clone(next.head))
			if len(next.batch) >= streamBatch {
				if err := st.flush(ctx, next); err != nil {
					return err
				}
			}
		}
		if err := next.advance(dir); err != nil {
			return err
		}
	}
	if err := st.flushAll(ctx, feeds); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "simulate: streamed %d events (%d rejected), %d e-mails to %s\n", st.sent, st.rejected, st.mails, c.Server)
	return nil
}

type streamState struct {
	c                     *Client
	out                   io.Writer
	progress              func(int)
	sent, rejected, mails int
	noMail                bool
	sinks                 map[string]*remoteSink
}

func (s *streamState) flushAll(ctx context.Context, feeds []*feed) error {
	for _, f := range feeds {
		if err := s.flush(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

func (s *streamState) flush(ctx context.Context, f *feed) error {
	if len(f.batch) == 0 {
		return nil
	}
	if s.sinks == nil {
		s.sinks = map[string]*remoteSink{}
	}
	sink := s.sinks[f.format]
	if sink == nil {
		var err error
		if sink, err = newRemoteSink(s.c.Server, s.c.Token, f.format); err != nil {
			return err
		}
		s.sinks[f.format] = sink
	}
	res, rej, err := sink.send(ctx, f.format, 1, f.batch)
	if err != nil {
		return fmt.Errorf("streaming %s events: %w", f.format, err)
	}
	s.sent += res.Accepted + res.Duplicates
	s.rejected += len(rej)
	if len(rej) > 0 && s.rejected <= len(rej) {
		fmt.Fprintf(s.out, "simulate: warning: the server rejected %s events, first: %s\n", f.format, rej[0].Error)
	}
	f.batch = f.batch[:0]
	if s.progress != nil {
		s.progress(s.sent)
	}
	return nil
}

// sendMail posts one raw message with ?format=eml; if the server does not
// know the format, e-mails are skipped with one warning.
func (s *streamState) sendMail(ctx context.Context, raw []byte) error {
	if s.noMail {
		return nil
	}
	status, body, err := s.c.postRaw(ctx, "/api/v1/events?format=eml", "message/rfc822", raw)
	if err != nil {
		return err
	}
	if status/100 != 2 {
		s.noMail = true
		fmt.Fprintf(s.out, "simulate: warning: e-mail ingest not available (%d %s); skipping e-mails\n", status,
			strings.TrimSpace(string(body)))
		return nil
	}
	s.mails++
	return nil
}

// lockedWriter serialises writes from the streamer and the approver.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
