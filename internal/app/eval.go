package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/eval"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/internal/sim"
	"github.com/vigil-soc/vigil/internal/store"
)

// EvalOptions are the arguments of `vigil eval`.
type EvalOptions struct {
	Labels   string // labels.jsonl
	Findings string // NDJSON findings file ("" = from Server)
	// Incidents is an NDJSON incidents file (with Findings; "" = no
	// incident metrics), as `vigil detect --incidents` writes it.
	Incidents string
	Server    string
	Token     string
	JSON      bool
	Out       io.Writer
}

// Eval scores findings (and, from a server, incidents and actions) against
// the simulator's labels. manifest.json and events/auditevent.ndjson next
// to the labels, when present, add the per-user rate and the benign share.
func Eval(ctx context.Context, o EvalOptions) (eval.Report, error) {
	if (o.Findings == "") == (o.Server == "") {
		return eval.Report{}, fmt.Errorf("give exactly one of --findings FILE or --server URL")
	}
	in := eval.Input{}
	var err error
	if in.Labels, err = parseFile(o.Labels, eval.ParseLabels); err != nil {
		return eval.Report{}, err
	}
	dir := filepath.Dir(o.Labels)
	if m, err := readManifest(filepath.Join(dir, "manifest.json")); err == nil {
		in.Users, in.Days = m.Users, m.Days
	}
	if in.BenignEHR, err = benignEHR(filepath.Join(dir, "events", "auditevent.ndjson"), in.Labels); err != nil {
		return eval.Report{}, err
	}
	if o.Findings != "" {
		if in.Findings, err = parseFile(o.Findings, eval.ParseFindings); err != nil {
			return eval.Report{}, err
		}
		if o.Incidents != "" {
			if in.Incidents, err = parseFile(o.Incidents, eval.ParseIncidents); err != nil {
				return eval.Report{}, err
			}
			if in.Incidents == nil {
				in.Incidents = []store.Incident{}
			}
		}
	} else if err := fromServer(ctx, o, &in); err != nil {
		return eval.Report{}, err
	}
	r := eval.Score(in)
	if o.Out != nil {
		if o.JSON {
			enc := json.NewEncoder(o.Out)
			enc.SetIndent("", "  ")
			err = enc.Encode(r)
		} else {
			err = r.WriteTable(o.Out)
		}
	}
	return r, err
}

func parseFile[T any](path string, parse func(io.Reader, string) ([]T, error)) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parse(f, path)
}

func readManifest(path string) (sim.Manifest, error) {
	var m sim.Manifest
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, &m)
	}
	return m, err
}

// benignEHR returns the Vigil ids of the AuditEvents not in any label; nil
// when the file is absent.
func benignEHR(path string, labels []eval.Label) (map[string]bool, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	labelled := map[string]bool{}
	for _, l := range labels {
		for _, id := range l.EventIDs {
			labelled[id] = true
		}
	}
	out := map[string]bool{}
	set := decode.NewSet()
	var ev event.Event
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), decode.MaxRecordSize)
	for n := 1; sc.Scan(); n++ {
		if err := set.Decode(event.FormatFHIR, sc.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if !labelled[ev.ID] && ev.Entities.Patient != "" {
			out[ev.ID] = true
		}
	}
	return out, sc.Err()
}

// fromServer pages through findings and incidents, and reads actions and
// approvals when the server has them (404 = not available).
func fromServer(ctx context.Context, o EvalOptions, in *eval.Input) error {
	c, err := NewClient(o.Server, o.Token, "")
	if err != nil {
		return err
	}
	if in.Findings, err = pages(ctx, c, "/api/v1/findings", func(p *struct {
		Findings []finding.Finding `json:"findings"`
		Next     string            `json:"next"`
	}) ([]finding.Finding, string) {
		return p.Findings, p.Next
	}); err != nil {
		return err
	}
	if in.Incidents, err = pages(ctx, c, "/api/v1/incidents", func(p *struct {
		Incidents []store.Incident `json:"incidents"`
		Next      string           `json:"next"`
	}) ([]store.Incident, string) {
		return p.Incidents, p.Next
	}); err != nil {
		return err
	}
	if in.Incidents == nil {
		in.Incidents = []store.Incident{}
	}
	actions, err := pages(ctx, c, "/api/v1/actions", func(p *struct {
		Actions []eval.Action `json:"actions"`
		Next    string        `json:"next"`
	}) ([]eval.Action, string) {
		return p.Actions, p.Next
	})
	if err != nil {
		if is404(err) {
			return nil
		}
		return err
	}
	in.Actions = append([]eval.Action{}, actions...)
	markGated(ctx, c, in.Actions)
	in.Ingested = map[string]time.Time{}
	for _, l := range in.Labels { // every event: a label lists them in generation order
		for _, id := range l.EventIDs {
			var ev event.View
			if err := c.Do(ctx, "GET", "/api/v1/events/"+url.PathEscape(vigilEventID(id)), nil, &ev); err == nil {
				in.Ingested[id] = ev.Ingested
			}
		}
	}
	return nil
}

// vigilEventID maps a label's event id to the id Vigil stores the event
// under: labels name e-mails by their Message-ID (<…>), which the eml
// decoder turns into SourceID(eml, Message-ID).
func vigilEventID(id string) string {
	if strings.HasPrefix(id, "<") {
		return event.SourceID(event.FormatEML, id)
	}
	return id
}

// markGated marks actions that an approval refers to (field action_id of
// GET /api/v1/approvals entries).
func markGated(_ context.Context, _ *Client, actions []eval.Action) {
	// GET /api/v1/actions names the approval an action waited for.
	for i := range actions {
		actions[i].Gated = actions[i].ApprovalID != ""
	}
}

func is404(err error) bool { return err != nil && strings.Contains(err.Error(), ": 404 ") }

// pages follows ?cursor= until next is empty.
func pages[P any, T any](ctx context.Context, c *Client, path string, items func(*P) ([]T, string)) ([]T, error) {
	var out []T
	cursor := ""
	for {
		q := path + "?limit=1000"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		var p P
		if err := c.Do(ctx, "GET", q, nil, &p); err != nil {
			return nil, err
		}
		got, next := items(&p)
		out = append(out, got...)
		if next == "" || len(got) == 0 {
			return out, nil
		}
		cursor = next
	}
}
