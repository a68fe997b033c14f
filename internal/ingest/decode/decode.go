// Package decode turns one raw record (bytes) into Vigil's common event.Event.
//
// A Set holds one decoder per source format (flat Windows event JSON, nested
// evtx JSON, ECS JSON, FHIR R4 AuditEvent, CEF, syslog and plain JSON) and
// picks one by the caller's format, a record's own "vigil.format" field, or by
// looking at the content (see Detect). Decoders never build map[string]any:
// JSON is parsed with pooled fastjson parsers and flattened into one backing
// string per event whose slices become the field keys and values. Flat
// Windows event JSON, the bulk of the volume, takes a single-pass scanner
// instead (see fastWinFlat) that yields exactly the same events and leaves
// any record it cannot decode that way to the general path.
//
// Every failure is an *Error naming the format and, where there is one, the
// field at fault. Error texts never quote field values, so they are safe to
// log (records may carry PHI).
package decode

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

// Limits enforced on every record.
const (
	MaxRecordSize = 1 << 20 // bytes of raw input
	MaxDepth      = 32      // JSON nesting levels, the top-level object being 1
	MaxFields     = 4096    // flattened fields per event
)

// Error is a decode failure. Field names the JSON field, CEF key or syslog
// part at fault ("" if none). Reason never contains field values.
type Error struct {
	Format event.Format
	Field  string
	Reason string
}

// Error reads like `field "recorded": not an RFC 3339 time`.
func (e *Error) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return "field " + strconv.Quote(e.Field) + ": " + e.Reason
}

func errf(f event.Format, field, format string, args ...any) *Error {
	return &Error{Format: f, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Option configures a Set.
type Option func(*Set)

// WithNow sets the clock used to infer the year of RFC 3164 timestamps
// (default time.Now).
func WithNow(now func() time.Time) Option {
	return func(s *Set) { s.now = now }
}

// Set holds every decoder. It is safe for concurrent use: per-call state
// (JSON parser, field buffer, syslog machines) lives in pools.
type Set struct {
	now    func() time.Time
	states sync.Pool // *state
	sys    syslogMachines
	// generalOnly turns the flat Windows fast path off (tests compare the
	// two paths).
	generalOnly bool
	ownMail     []string // own mail domains (eml: user.name of the recipient)
}

// state is the per-call scratch space of a JSON decode.
type state struct {
	p fastjson.Parser
	b builder
}

// NewSet returns a Set with every decoder.
func NewSet(opts ...Option) *Set {
	s := &Set{now: time.Now}
	s.states.New = func() any { return new(state) }
	s.sys.init()
	for _, o := range opts {
		o(s)
	}
	return s
}

// Decode fills ev from raw. ev is reset first, so callers can reuse an Event.
// format == event.FormatAuto detects the format: the caller's format wins over
// a JSON record's "vigil.format" field, which wins over detection. raw is
// copied into ev.Raw (reusing its capacity), so the caller may reuse raw.
//
// On success ev.ID, ev.Time (UTC; zero only if the record has no time),
// ev.Format, ev.Entities and ev.Fields are filled and ev.SetEntityFields has
// been applied. ev.Ingested is left to the caller. On failure ev holds no
// fields and the error is an *Error.
func (s *Set) Decode(format event.Format, raw []byte, ev *event.Event) error {
	reset(ev)
	if len(raw) > MaxRecordSize {
		return errf(format, "", "record is %d bytes; the limit is %d (1 MiB)", len(raw), MaxRecordSize)
	}
	ev.Raw = append(ev.Raw[:0], raw...)
	err := s.decode(format, raw, ev)
	if err == nil && len(ev.Fields)+6 > MaxFields { // +6: entity fields
		err = errf(ev.Format, "", "more than %d fields (the limit)", MaxFields)
	}
	if err != nil {
		ev.Fields = ev.Fields[:0]
		ev.ID, ev.Time, ev.Entities = "", time.Time{}, event.Entities{}
		return err
	}
	ev.SetEntityFields()
	return nil
}

func reset(ev *event.Event) {
	ev.ID = ""
	ev.Time = time.Time{}
	ev.Format = ""
	ev.Entities = event.Entities{}
	ev.Fields = ev.Fields[:0]
	ev.Raw = ev.Raw[:0]
}

func (s *Set) decode(format event.Format, raw []byte, ev *event.Event) error {
	body := trimSpace(raw)
	switch format {
	case event.FormatEML:
		if len(body) == 0 || body[0] != '{' {
			return s.decodeEML(raw, ev)
		}
	case event.FormatCEF, event.FormatSyslog:
		return s.decodeText(format, body, ev)
	case event.FormatAuto:
		if f := detectText(body); f != "" {
			return s.decodeText(f, body, ev)
		}
		if len(body) == 0 || !isJSONStart(body[0]) {
			return errf(format, "", "not JSON, CEF or syslog")
		}
	case event.FormatWinFlat, event.FormatEvtxJSON, event.FormatECS, event.FormatFHIR, event.FormatJSON:
	default:
		return errf(format, "", "unknown format %q (valid: %s)", format, validNames)
	}
	st := s.states.Get().(*state)
	defer s.states.Put(st)
	if (format == event.FormatWinFlat || format == event.FormatAuto) && !s.generalOnly {
		if done, err := s.fastWinFlat(&st.b, format, body, ev); done {
			return err
		}
	}
	v, err := parseObject(&st.p, format, body)
	if err != nil {
		return err
	}
	if format == event.FormatAuto {
		if format, err = detectValue(v); err != nil {
			return err
		}
	}
	ev.Format = format
	b := &st.b
	b.reset()
	switch format {
	case event.FormatWinFlat:
		return decodeWinFlat(b, v, ev)
	case event.FormatEvtxJSON:
		return decodeEvtx(b, v, ev)
	case event.FormatECS:
		return decodeECS(b, v, ev)
	case event.FormatFHIR:
		return decodeFHIR(b, v, ev)
	case event.FormatEML:
		return s.decodeEMLEnvelope(v, ev)
	default:
		return decodeJSON(b, v, ev)
	}
}

// decodeText decodes a CEF or syslog record (with or without syslog header).
func (s *Set) decodeText(format event.Format, body []byte, ev *event.Event) error {
	if bytes.HasPrefix(body, []byte("CEF:")) {
		ev.Format = event.FormatCEF
		return decodeCEF(body, ev, nil)
	}
	if format == event.FormatCEF && !bytes.HasPrefix(body, []byte("<")) {
		return errf(format, "header", `not a CEF record: want "CEF:" or a syslog header`)
	}
	return s.decodeSyslog(format, body, ev)
}

// parseObject parses body as JSON and insists on an object at top level.
func parseObject(p *fastjson.Parser, format event.Format, body []byte) (*fastjson.Value, error) {
	v, err := p.ParseBytes(body)
	if err != nil {
		if format == event.FormatAuto && len(body) > 0 && body[0] != '{' && body[0] != '[' {
			return nil, errf(format, "", "not JSON, CEF or syslog")
		}
		return nil, jsonSyntaxError(format, body)
	}
	if t := v.Type(); t != fastjson.TypeObject {
		return nil, errf(format, "", "top-level JSON value is %s; want an object", jsonTypeName(t))
	}
	return v, nil
}

// declaredFormat reads a record's own "vigil.format" (or {"vigil":{"format"}}).
func declaredFormat(v *fastjson.Value) (event.Format, error) {
	d := v.Get("vigil.format")
	if d == nil {
		d = v.Get("vigil", "format")
	}
	if d == nil {
		return event.FormatAuto, nil
	}
	sb, err := d.StringBytes()
	if err != nil {
		return "", errf(event.FormatAuto, "vigil.format", "not a string")
	}
	f, err := ParseFormat(string(sb))
	if err != nil {
		return "", errf(event.FormatAuto, "vigil.format", "%v", err)
	}
	if f == event.FormatCEF || f == event.FormatSyslog {
		return "", errf(event.FormatAuto, "vigil.format", "%q is a text format, but the record is JSON", f)
	}
	return f, nil
}

const validNames = `"auto" (or ""), "ecs", "winevt", "evtx", "fhir", "cef", "syslog", "json", "eml"`

// ParseFormat maps a user-supplied name ("ecs", "winevt", "evtx", "fhir",
// "cef", "syslog", "json", "auto" or "") to a Format. The error lists the
// valid names.
func ParseFormat(name string) (event.Format, error) {
	switch name {
	case "", "auto":
		return event.FormatAuto, nil
	case "ecs", "winevt", "evtx", "fhir", "cef", "syslog", "json", "eml":
		return event.Format(name), nil
	}
	return "", fmt.Errorf("unknown format %q; valid formats: %s", name, validNames)
}

func trimSpace(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // UTF-8 BOM
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
