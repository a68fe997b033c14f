// Package eval scores Vigil's findings and incidents against the ground
// truth of the simulator (labels.jsonl): per-scenario recall, incident
// precision, false incidents per 100 users per day, detection latency,
// the share of benign EHR accesses without a finding, and time to respond.
// docs/eval.md defines each metric.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// Label is one attack instance of labels.jsonl (internal/sim writes them).
type Label struct {
	Scenario string            `json:"scenario"`
	ID       string            `json:"instance_id"`
	Start    time.Time         `json:"start"`
	End      time.Time         `json:"end"`
	Entities Entities          `json:"entities"`
	EventIDs []string          `json:"event_ids"`
	Params   map[string]string `json:"params,omitempty"`
}

// Entities of a label, as the events spell them.
type Entities struct {
	User    string `json:"user,omitempty"`
	Patient string `json:"patient,omitempty"`
	Host    string `json:"host,omitempty"`
	IP      string `json:"ip,omitempty"`
	Device  string `json:"device,omitempty"`
	Email   string `json:"email,omitempty"`
}

func (e Entities) empty() bool { return e == Entities{} }

// maxLine bounds one line of labels or findings.
const maxLine = 16 << 20

// ParseLabels reads labels.jsonl. name is used in errors, which read
// "name:line: reason". Unknown fields, missing scenario, instance id or
// times, end before start, no entities and duplicate instance ids are errors.
func ParseLabels(r io.Reader, name string) ([]Label, error) {
	var out []Label
	seen := map[string]int{}
	err := eachLine(r, name, func(n int, line []byte) error {
		var l Label
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return jsonErr(err)
		}
		switch {
		case l.Scenario == "":
			return errors.New(`field "scenario": missing`)
		case l.ID == "":
			return errors.New(`field "instance_id": missing`)
		case l.Start.IsZero() || l.End.IsZero():
			return errors.New(`fields "start" and "end": missing`)
		case l.End.Before(l.Start):
			return errors.New(`field "end": before "start"`)
		case l.Entities.empty():
			return errors.New(`field "entities": no entity`)
		}
		if prev, dup := seen[l.ID]; dup {
			return fmt.Errorf(`field "instance_id": %q already on line %d`, l.ID, prev)
		}
		seen[l.ID] = n
		out = append(out, l)
		return nil
	})
	return out, err
}

// ParseFindings reads findings as NDJSON (one finding.Finding per line, as
// GET /api/v1/findings returns them). A finding needs an id, a time and at
// least one entity.
func ParseFindings(r io.Reader, name string) ([]finding.Finding, error) {
	var out []finding.Finding
	err := eachLine(r, name, func(_ int, line []byte) error {
		var f finding.Finding
		if err := json.Unmarshal(line, &f); err != nil {
			return jsonErr(err)
		}
		switch {
		case f.ID == "":
			return errors.New(`field "id": missing`)
		case f.Time.IsZero():
			return errors.New(`field "time": missing`)
		case f.Entities == (finding.Finding{}).Entities:
			return errors.New(`field "entities": no entity`)
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// eachLine calls fn for every non-blank line; an error is returned as
// "name:line: error".
func eachLine(r io.Reader, name string, fn func(n int, line []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := readLine(br)
		if len(bytes.TrimSpace(line)) > 0 {
			if ferr := fn(n, line); ferr != nil {
				return fmt.Errorf("%s:%d: %w", name, n, ferr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
}

func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		if err != nil || !isPrefix {
			return line, err
		}
	}
}

// jsonErr keeps a JSON error short and free of input values.
func jsonErr(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Errorf("field %q: want %s, not %s", te.Field, te.Type, te.Value)
	case errors.Is(err, io.EOF):
		return errors.New("empty")
	}
	return fmt.Errorf("invalid: %v", err)
}

// ParseIncidents reads incidents as NDJSON (one store.Incident per line, as
// `vigil detect --incidents` writes them). An incident needs an id and at
// least one finding id.
func ParseIncidents(r io.Reader, name string) ([]store.Incident, error) {
	var out []store.Incident
	err := eachLine(r, name, func(_ int, line []byte) error {
		var inc store.Incident
		if err := json.Unmarshal(line, &inc); err != nil {
			return jsonErr(err)
		}
		switch {
		case inc.ID == "":
			return errors.New(`field "id": missing`)
		case len(inc.FindingIDs) == 0:
			return errors.New(`field "finding_ids": empty`)
		}
		out = append(out, inc)
		return nil
	})
	return out, err
}
