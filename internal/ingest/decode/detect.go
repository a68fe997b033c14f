package decode

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

var detectParsers fastjson.ParserPool

// Detect guesses the format of raw. Text records (CEF, syslog) are recognised
// by their first bytes without parsing; JSON objects are parsed once (with a
// pooled parser) and classified by their top-level keys:
//
//   - starts with "CEF:", or "<digits>" with a CEF body → cef; other "<digits>" → syslog
//   - resourceType == "AuditEvent" → fhir
//   - has Event.System → evtx
//   - has EventID and one of Channel, SourceName, Hostname → winevt
//   - has @timestamp and ECS-looking keys (event.*, ecs.version, user.*, source.*) → ecs
//   - any other JSON object → json
//
// Anything else (not JSON, arrays, scalars, broken JSON) returns FormatAuto,
// meaning "unknown": Decode with FormatAuto then reports the error.
func Detect(raw []byte) event.Format {
	body := trimSpace(raw)
	if f := detectText(body); f != "" {
		return f
	}
	if len(body) == 0 || body[0] != '{' || len(body) > MaxRecordSize {
		return event.FormatAuto
	}
	p := detectParsers.Get()
	defer detectParsers.Put(p)
	v, err := p.ParseBytes(body)
	if err != nil || v.Type() != fastjson.TypeObject {
		return event.FormatAuto
	}
	f, err := detectValue(v)
	if err != nil {
		return event.FormatAuto
	}
	return f
}

// detectText recognises CEF and syslog by their first bytes; "" if neither.
func detectText(b []byte) event.Format {
	if bytes.HasPrefix(b, []byte("CEF:")) {
		return event.FormatCEF
	}
	if len(b) < 3 || b[0] != '<' {
		return ""
	}
	i := 1
	for i < len(b) && i <= 4 && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i == 1 || i >= len(b) || b[i] != '>' {
		return ""
	}
	if cefStart(b) >= 0 {
		return event.FormatCEF
	}
	return event.FormatSyslog
}

// cefStart returns the offset of a CEF body ("CEF:<digits>|") inside a syslog
// line, preceded by a space, or -1.
func cefStart(b []byte) int {
	off := 0
	for {
		i := bytes.Index(b[off:], []byte("CEF:"))
		if i < 0 {
			return -1
		}
		i += off
		if i > 0 && b[i-1] == ' ' && looksCEF(b[i:]) {
			return i
		}
		off = i + 4
	}
}

// looksCEF reports whether b starts with "CEF:<digits>|".
func looksCEF(b []byte) bool {
	if !bytes.HasPrefix(b, []byte("CEF:")) {
		return false
	}
	i := 4
	for i < len(b) && (b[i] >= '0' && b[i] <= '9' || b[i] == '.') {
		i++
	}
	return i > 4 && i < len(b) && b[i] == '|'
}

// topKeys is what one pass over a JSON object's top-level keys tells.
type topKeys struct {
	vigil, auditEvent, evtx, eventID, winHint, timestamp, ecsHint bool
}

// scanTop visits the top-level members of v once.
func scanTop(v *fastjson.Value) topKeys {
	var t topKeys
	v.GetObject().Visit(func(key []byte, x *fastjson.Value) {
		k := string(key) // no allocation: only used in comparisons
		switch k {
		case "vigil.format", "vigil":
			t.vigil = true
		case "resourceType":
			t.auditEvent = string(x.GetStringBytes()) == "AuditEvent"
		case "Event":
			if sys := x.Get("System"); sys != nil && sys.Type() == fastjson.TypeObject {
				t.evtx = true
			}
		case "EventID":
			t.eventID = true
		case "Channel", "SourceName", "Hostname":
			t.winHint = true
		case "@timestamp":
			t.timestamp = true
		case "event", "user", "source", "ecs", "ecs.version":
			t.ecsHint = true
		default:
			if strings.HasPrefix(k, "event.") || strings.HasPrefix(k, "user.") || strings.HasPrefix(k, "source.") {
				t.ecsHint = true
			}
		}
	})
	return t
}

// detectValue classifies a parsed JSON object by its top-level keys; a
// record's own "vigil.format" wins. The error is about "vigil.format".
func detectValue(v *fastjson.Value) (event.Format, error) {
	t := scanTop(v)
	if t.vigil {
		f, err := declaredFormat(v)
		if err != nil || f != event.FormatAuto {
			return f, err
		}
	}
	switch {
	case t.auditEvent:
		return event.FormatFHIR, nil
	case t.evtx:
		return event.FormatEvtxJSON, nil
	case t.eventID && t.winHint:
		return event.FormatWinFlat, nil
	case t.timestamp && t.ecsHint:
		return event.FormatECS, nil
	}
	return event.FormatJSON, nil
}

func isJSONStart(c byte) bool {
	switch c {
	case '{', '[', '"', '-', 't', 'f', 'n':
		return true
	}
	return c >= '0' && c <= '9'
}

func jsonTypeName(t fastjson.Type) string {
	switch t {
	case fastjson.TypeArray:
		return "an array"
	case fastjson.TypeString:
		return "a string"
	case fastjson.TypeNumber:
		return "a number"
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return "a boolean"
	case fastjson.TypeNull:
		return "null"
	}
	return "an object"
}

var rawMessages = sync.Pool{New: func() any { return new(json.RawMessage) }}

// jsonSyntaxError explains why body is not valid JSON, naming the byte offset,
// line and column (slow path: only called after fastjson has failed). The
// reason quotes at most one character of the input.
func jsonSyntaxError(format event.Format, body []byte) *Error {
	rm := rawMessages.Get().(*json.RawMessage)
	defer rawMessages.Put(rm)
	err := json.Unmarshal(body, rm)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		pos := syntaxPos(body, se)
		line, col := lineCol(body, pos)
		return errf(format, "", "invalid JSON at byte %d (line %d, column %d): %s", pos, line, col, se.Error())
	}
	if err != nil {
		return errf(format, "", "invalid JSON: %s", err.Error())
	}
	// encoding/json accepts what fastjson rejected (e.g. > 300 levels deep).
	return errf(format, "", "invalid JSON: nesting deeper than %d levels", MaxDepth)
}

// syntaxPos is the 0-based offset of the byte a SyntaxError is about
// (encoding/json counts the offending byte as read), or len(b) at the end.
func syntaxPos(b []byte, se *json.SyntaxError) int {
	pos := int(se.Offset)
	if pos > 0 && pos <= len(b) && se.Error() != "unexpected end of JSON input" {
		pos--
	}
	return pos
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(b []byte, off int) (line, col int) {
	off = min(max(off, 0), len(b))
	line = 1 + bytes.Count(b[:off], []byte{'\n'})
	col = off - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}
