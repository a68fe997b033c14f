package sim

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

// hashSink keeps the SHA-256 of each file.
type hashSink struct{ sums map[string][32]byte }

type hashFile struct {
	h    hash.Hash
	name string
	s    *hashSink
}

func (f *hashFile) Write(p []byte) (int, error) { return f.h.Write(p) }
func (f *hashFile) Close() error {
	var sum [32]byte
	copy(sum[:], f.h.Sum(nil))
	f.s.sums[f.name] = sum
	return nil
}

func (s *hashSink) Create(name string) (io.WriteCloser, error) {
	return &hashFile{h: sha256.New(), name: name, s: s}, nil
}

func hashes(t *testing.T, o Options) map[string][32]byte {
	t.Helper()
	s := &hashSink{sums: map[string][32]byte{}}
	if _, err := Generate(o, s); err != nil {
		t.Fatal(err)
	}
	return s.sums
}

func TestDeterministic(t *testing.T) {
	o := Options{Profile: "small", Days: 1, Seed: 42, Scenarios: []string{"snoop-family", "ransomware-precursors", "spear-phishing-bec"}}
	a, b := hashes(t, o), hashes(t, o)
	if len(a) != len(b) {
		t.Fatalf("file sets differ: %d vs %d", len(a), len(b))
	}
	for n, h := range a {
		if b[n] != h {
			t.Errorf("%s differs between two runs with the same arguments", n)
		}
	}
	o.Seed = 43
	c := hashes(t, o)
	if c["events/auditevent.ndjson"] == a["events/auditevent.ndjson"] || c["context/staff.csv"] == a["context/staff.csv"] {
		t.Error("a different seed gave the same files")
	}
}

func TestEveryScenarioHasAnInstance(t *testing.T) {
	_, m := smallAll(t)
	for _, n := range ScenarioNames() {
		if m.Scenarios[n] < 1 {
			t.Errorf("scenario %s: no instance in small/all", n)
		}
	}
	if len(ScenarioNames()) != 18 {
		t.Errorf("%d scenarios, want the 18 of the contract", len(ScenarioNames()))
	}
}

// TestEventsDecode decodes every event with the project's decoders and
// checks the entities the detectors join on, and that every labelled event
// id exists in the output.
func TestEventsDecode(t *testing.T) {
	s, m := smallAll(t)
	set := decode.NewSet()
	var ev event.Event
	ids := map[string]bool{}
	for _, src := range SourceFiles {
		name := "events/" + src.Name
		f, _ := decode.ParseFormat(src.Format)
		lines := s.lines(name)
		if len(lines) == 0 || len(lines) != m.Files[name] {
			t.Fatalf("%s: %d lines, manifest says %d", name, len(lines), m.Files[name])
		}
		var prev time.Time
		for i, l := range lines {
			if err := set.Decode(f, l, &ev); err != nil {
				t.Fatalf("%s:%d: %v", name, i+1, err)
			}
			if ids[ev.ID] {
				t.Fatalf("%s:%d: duplicate event id %s", name, i+1, ev.ID)
			}
			ids[ev.ID] = true
			if ev.Time.Before(prev) {
				t.Fatalf("%s:%d: not in time order", name, i+1)
			}
			prev = ev.Time
			checkEntities(t, name, i+1, src.Name, &ev)
		}
	}
	msgIDs := map[string]bool{}
	for _, n := range s.names("email/") {
		msg, err := mail.ReadMessage(bytes.NewReader(s.files[n].Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		msgIDs[msg.Header.Get("Message-ID")] = true
	}
	for i, l := range s.lines("labels.jsonl") {
		var in Instance
		if err := json.Unmarshal(l, &in); err != nil {
			t.Fatalf("labels.jsonl:%d: %v", i+1, err)
		}
		if len(in.EventIDs) == 0 || in.End.Before(in.Start) {
			t.Errorf("labels.jsonl:%d: %s has no events or a bad span", i+1, in.ID)
		}
		for _, id := range in.EventIDs {
			if !ids[id] && !msgIDs[id] {
				t.Errorf("labels.jsonl:%d: %s: event id %s is not in the output", i+1, in.ID, id)
			}
		}
	}
}

func checkEntities(t *testing.T, name string, line int, file string, ev *event.Event) {
	t.Helper()
	switch file {
	case "auditevent.ndjson":
		if ev.Entities.User == "" || ev.Entities.SrcIP == "" {
			t.Fatalf("%s:%d: no user or source ip: %+v", name, line, ev.Entities)
		}
		if a, _ := ev.Get(event.FieldAction); a == "unknown" {
			t.Fatalf("%s:%d: action unknown", name, line)
		}
	case "auth.ndjson", "proxy.ndjson", "finance.ndjson":
		if ev.Entities.User == "" {
			t.Fatalf("%s:%d: no user", name, line)
		}
	case "network.ndjson":
		if ev.Entities.SrcIP == "" || ev.Entities.DstIP == "" {
			t.Fatalf("%s:%d: no ips", name, line)
		}
	case "windows.ndjson":
		if ev.Entities.Host == "" || ev.Time.IsZero() {
			t.Fatalf("%s:%d: no host or time", name, line)
		}
	}
}

// required lists, per FHIR R4 resource, elements with cardinality 1..1 or
// 1..* (and the contract's links), checked on every context resource.
var required = map[string][]string{
	"Patient":          {"id", "identifier", "name", "address"},
	"Practitioner":     {"id", "identifier", "name"},
	"PractitionerRole": {"id", "practitioner", "code", "specialty"},
	"Encounter":        {"id", "status", "class", "subject", "participant", "period", "serviceType", "location"},
	"CareTeam":         {"id", "subject", "participant", "period"},
	"RelatedPerson":    {"id", "patient", "relationship", "name"},
	"Condition":        {"id", "subject", "code"},
}

func TestContextFHIR(t *testing.T) {
	s, _ := smallAll(t)
	seen := map[string]bool{}
	refs := map[string][]string{}
	for typ, req := range required {
		name := "context/" + typ + ".ndjson"
		for i, l := range s.lines(name) {
			var r map[string]any
			if err := json.Unmarshal(l, &r); err != nil {
				t.Fatalf("%s:%d: %v", name, i+1, err)
			}
			if r["resourceType"] != typ {
				t.Fatalf("%s:%d: resourceType %v", name, i+1, r["resourceType"])
			}
			for _, k := range req {
				if r[k] == nil {
					t.Fatalf("%s:%d: required element %s missing", name, i+1, k)
				}
			}
			seen[typ+"/"+r["id"].(string)] = true
			collectRefs(r, func(ref string) { refs[name] = append(refs[name], ref) })
		}
	}
	for file, rs := range refs {
		for _, ref := range rs {
			if !seen[ref] {
				t.Fatalf("%s: reference %s does not resolve", file, ref)
			}
		}
	}
	if len(refs["context/CareTeam.ndjson"]) == 0 || len(refs["context/RelatedPerson.ndjson"]) == 0 {
		t.Fatal("no care teams or related persons")
	}
}

func collectRefs(v any, f func(string)) {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["reference"].(string); ok {
			f(r)
		}
		for _, c := range x {
			collectRefs(c, f)
		}
	case []any:
		for _, c := range x {
			collectRefs(c, f)
		}
	}
}

func TestEmailsAreMIME(t *testing.T) {
	s, m := smallAll(t)
	names := s.names("email/")
	if len(names) == 0 || len(names) != m.Files["email"] {
		t.Fatalf("%d e-mails, manifest says %d", len(names), m.Files["email"])
	}
	lookalike := 0
	for _, n := range names {
		msg, err := mail.ReadMessage(bytes.NewReader(s.files[n].Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		from, err := mail.ParseAddress(msg.Header.Get("From"))
		if err != nil {
			t.Fatalf("%s: From: %v", n, err)
		}
		if strings.HasSuffix(from.Address, "@mercyheaIth.org") {
			lookalike++
		}
		if _, err := msg.Header.Date(); err != nil {
			t.Fatalf("%s: Date: %v", n, err)
		}
		mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("%s: Content-Type: %v", n, err)
		}
		if mt == "multipart/alternative" {
			mr := multipart.NewReader(msg.Body, params["boundary"])
			parts := 0
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: part: %v", n, err)
				}
				parts++
				_, _ = io.Copy(io.Discard, p)
			}
			if parts != 2 {
				t.Fatalf("%s: %d parts", n, parts)
			}
		}
	}
	if lookalike == 0 {
		t.Error("no mail from the lookalike domain")
	}
}

// TestStaffCSV checks the columns of the contract and that BEC senders use
// a real executive's name.
func TestStaffCSV(t *testing.T) {
	s, _ := smallAll(t)
	sc := bufio.NewScanner(bytes.NewReader(s.files["context/staff.csv"].Bytes()))
	sc.Scan()
	if got := sc.Text(); got != strings.Join(StaffColumns, ",") {
		t.Fatalf("staff.csv header %q", got)
	}
	sc = bufio.NewScanner(bytes.NewReader(s.files["context/assets.csv"].Bytes()))
	sc.Scan()
	if got := sc.Text(); got != strings.Join(AssetColumns, ",") {
		t.Fatalf("assets.csv header %q", got)
	}
}

func TestBadInput(t *testing.T) {
	_, err := Generate(Options{Profile: "huge", Days: 1}, newMemSink())
	if err == nil || !strings.Contains(err.Error(), "small, medium, large") {
		t.Errorf("unknown profile: %v", err)
	}
	_, err = ParseScenarios("snoop-vip,snoop-cat")
	if err == nil || !strings.Contains(err.Error(), `"snoop-cat"`) || !strings.Contains(err.Error(), "prompt-injection") {
		t.Errorf("unknown scenario: %v", err)
	}
	if got, _ := ParseScenarios("prompt-injection, snoop-vip"); fmt.Sprint(got) != "[snoop-vip prompt-injection]" {
		t.Errorf("ParseScenarios order: %v", got)
	}
	if _, err := Generate(Options{Profile: "small", Days: 0}, newMemSink()); err == nil {
		t.Error("days 0 accepted")
	}
}

// TestContextFilesListed keeps ContextFiles (the import order used when
// streaming) equal to the files written under context/.
func TestContextFilesListed(t *testing.T) {
	s, m := smallAll(t)
	written := s.names("context/")
	if len(written) != len(ContextFiles) {
		t.Fatalf("written %v, listed %v", written, ContextFiles)
	}
	for _, n := range ContextFiles {
		if _, ok := s.files["context/"+n]; !ok || m.Files["context/"+n] == 0 {
			t.Errorf("context/%s listed but not written (or empty)", n)
		}
	}
}

// TestAuditEventsValid checks the R4 AuditEvent required elements (type,
// recorded, agent with requestor, source with observer) on every event.
func TestAuditEventsValid(t *testing.T) {
	s, _ := smallAll(t)
	for i, l := range s.lines("events/auditevent.ndjson") {
		var ae struct {
			ResourceType string          `json:"resourceType"`
			Type         json.RawMessage `json:"type"`
			Recorded     time.Time       `json:"recorded"`
			Agent        []struct {
				Requestor *bool `json:"requestor"`
				Who       struct {
					Identifier struct{ System, Value string }
				}
			}
			Source struct {
				Observer *struct{ Display string }
			}
		}
		if err := json.Unmarshal(l, &ae); err != nil {
			t.Fatalf("auditevent.ndjson:%d: %v", i+1, err)
		}
		if ae.ResourceType != "AuditEvent" || len(ae.Type) == 0 || ae.Recorded.IsZero() || len(ae.Agent) == 0 ||
			ae.Agent[0].Requestor == nil || ae.Source.Observer == nil || ae.Agent[0].Who.Identifier.System != "urn:vigil:user-id" {
			t.Fatalf("auditevent.ndjson:%d: missing a required element: %s", i+1, l)
		}
	}
}
