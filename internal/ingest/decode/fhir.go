package decode

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

// decodeFHIR decodes a FHIR R4 AuditEvent (R5 shapes of outcome, authorization,
// networkString and patient are accepted too), following IHE BALP conventions.
//
// The whole resource is flattened under "fhir." (fhir.type.code,
// fhir.agent.who.reference, …) so that its names never collide with the
// canonical ones (AuditEvent's own "source" is not ECS source.*); the HTML
// narrative fhir.text.div is dropped (it stays in Raw). Canonical fields:
//
//	event.action       see fhirAction: "break-the-glass", "export", "read", "search", …
//	event.outcome      "success" (outcome 0) or "failure" (4, 8, 12)
//	fhir.purpose_of_use every purposeOfEvent / authorization / agent.purposeOfUse code
//	fhir.query         entity.query, base64-decoded (skipped if not base64)
//	user.name          requestor agent: who.identifier.value, who.reference,
//	                   who.display, name, altId (first present)
//	patient.id         entity what.reference "Patient/<id>" → <id>; else the
//	                   what.identifier.value of an entity whose role is Patient (1)
//	host.name          source.observer display / identifier.value / reference
//	source.ip          requestor agent network.address (R5 networkString)
//
// ID: SourceID(fhir, id) when the resource has an id, else ContentID(raw).
// Time: recorded (RFC 3339). Wrong JSON types of these elements are errors
// naming the element.
func decodeFHIR(b *builder, v *fastjson.Value, ev *event.Event) error {
	b.format = event.FormatFHIR
	if rt := v.GetStringBytes("resourceType"); string(rt) != "AuditEvent" {
		return errf(ev.Format, "resourceType", `want "AuditEvent"`)
	}
	id, err := optString(v, "id")
	if err != nil {
		return err
	}
	recorded, err := optString(v, "recorded")
	if err != nil {
		return err
	}
	action, err := optString(v, "action")
	if err != nil {
		return err
	}
	outcome, err := fhirOutcome(v)
	if err != nil {
		return err
	}
	for _, k := range [...]string{"agent", "entity", "subtype", "purposeOfEvent"} {
		if x := v.Get(k); x != nil && x.Type() != fastjson.TypeArray {
			return errf(ev.Format, k, "not an array")
		}
	}
	if recorded != "" {
		t, ok := parseRFC3339(recorded)
		if !ok {
			return errf(ev.Format, "recorded", "not an RFC 3339 time")
		}
		ev.Time = t
	}
	b.path = append(b.path[:0], "fhir."...)
	b.skip = "fhir.text.div"
	o, _ := v.Object()
	if err := b.flattenObject(o, 1); err != nil {
		return err
	}
	b.path = b.path[:0]

	purposes := fhirPurposes(v)
	agent := requestor(v)
	for _, p := range purposes {
		_ = b.addString("fhir.purpose_of_use", p)
	}
	if err := b.addString(event.FieldAction, fhirAction(v, action, purposes)); err != nil {
		return err
	}
	if outcome != "" {
		_ = b.addString(event.FieldOutcome, outcome)
	}
	for _, e := range v.GetArray("entity") {
		if q := e.GetStringBytes("query"); len(q) > 0 {
			if dec, ok := decodeBase64(q); ok {
				if err := b.addString("fhir.query", dec); err != nil {
					return err
				}
			}
		}
	}
	b.finish(ev)

	if agent != nil {
		ev.Entities.User = firstStr(agent, [][]string{{"who", "identifier", "value"}, {"who", "reference"},
			{"who", "display"}, {"name"}, {"altId"}})
		ev.Entities.SrcIP = firstStr(agent, [][]string{{"network", "address"}, {"networkString"}})
	}
	if ev.Entities.SrcIP == "" {
		for _, a := range v.GetArray("agent") {
			if s := firstStr(a, [][]string{{"network", "address"}, {"networkString"}}); s != "" {
				ev.Entities.SrcIP = s
				break
			}
		}
	}
	// The audit source (source.observer: the EHR or FHIR server that wrote
	// the record) is not the user's host: it is the same for every access,
	// so as an entity it would join every user's findings. It stays in the
	// fhir.source.* fields; Entities.Host is left empty.
	ev.Entities.Patient = fhirPatient(v)
	if id != "" {
		ev.ID = event.SourceID(event.FormatFHIR, id)
	} else {
		ev.ID = event.ContentID(ev.Raw)
	}
	return nil
}

// optString returns a top-level string element, "" if absent, or an error
// naming it when it has another JSON type.
func optString(v *fastjson.Value, key string) (string, error) {
	x := v.Get(key)
	if x == nil {
		return "", nil
	}
	sb, err := x.StringBytes()
	if err != nil {
		return "", errf(event.FormatFHIR, key, "not a string")
	}
	return string(sb), nil
}

// fhirOutcome maps outcome ("0"… in R4, {"code":{"code":"0"}} in R5).
func fhirOutcome(v *fastjson.Value) (string, error) {
	x := v.Get("outcome")
	if x == nil {
		return "", nil
	}
	var code string
	switch x.Type() {
	case fastjson.TypeString:
		code = string(x.GetStringBytes())
	case fastjson.TypeObject:
		code = string(x.GetStringBytes("code", "code"))
	default:
		return "", errf(event.FormatFHIR, "outcome", "not a code")
	}
	switch code {
	case "0":
		return "success", nil
	case "4", "8", "12":
		return "failure", nil
	case "":
		return "", nil
	}
	return "", errf(event.FormatFHIR, "outcome", "unknown outcome code (want 0, 4, 8 or 12)")
}

// requestor returns the agent with requestor=true, or nil.
func requestor(v *fastjson.Value) *fastjson.Value {
	for _, a := range v.GetArray("agent") {
		if a.GetBool("requestor") {
			return a
		}
	}
	return nil
}

// firstStr returns the first non-empty string at one of paths under v.
func firstStr(v *fastjson.Value, paths [][]string) string {
	for _, p := range paths {
		if s := v.GetStringBytes(p...); len(s) > 0 {
			return string(s)
		}
	}
	return ""
}

// codes appends the codes of a Coding, a CodeableConcept, or arrays of them.
func codes(dst []string, v *fastjson.Value) []string {
	if v == nil {
		return dst
	}
	switch v.Type() {
	case fastjson.TypeArray:
		for _, e := range v.GetArray() {
			dst = codes(dst, e)
		}
	case fastjson.TypeObject:
		if c := v.GetStringBytes("code"); len(c) > 0 {
			dst = append(dst, string(c))
		}
		if cc := v.Get("coding"); cc != nil {
			dst = codes(dst, cc)
		}
		if cc := v.Get("concept"); cc != nil { // R5 CodeableReference
			dst = codes(dst, cc)
		}
	}
	return dst
}

func fhirPurposes(v *fastjson.Value) []string {
	var p []string
	p = codes(p, v.Get("purposeOfEvent"))
	p = codes(p, v.Get("authorization"))
	for _, a := range v.GetArray("agent") {
		p = codes(p, a.Get("purposeOfUse"))
		p = codes(p, a.Get("authorization"))
	}
	return p
}

// fhirAction names what happened: break-the-glass (purpose BTG, or DICOM
// subtype 110127 Emergency Override Started) first, then DICOM event types
// (110106 export, 110107 import, 110112 search, 110114 login/logout by
// subtype, 110113 security-alert), then the REST interaction subtype (read,
// vread → read, search-type/search-system → search, history-* → history,
// create, update, patch, delete, …), then the action letter C/R/U/D/E →
// create/read/update/delete/execute. "unknown" when none apply.
func fhirAction(v *fastjson.Value, action string, purposes []string) string {
	for _, p := range purposes {
		if p == "BTG" {
			return "break-the-glass"
		}
	}
	sub := codes(nil, v.Get("subtype"))
	for _, s := range sub {
		if s == "110127" {
			return "break-the-glass"
		}
	}
	for _, t := range codes(nil, v.Get("type")) {
		switch t {
		case "110106":
			return "export"
		case "110107":
			return "import"
		case "110112":
			return "search"
		case "110113":
			return "security-alert"
		case "110114":
			for _, s := range sub {
				switch s {
				case "110122":
					return "login"
				case "110123":
					return "logout"
				}
			}
			return "authenticate"
		}
	}
	for _, s := range sub {
		switch {
		case s == "vread":
			return "read"
		case strings.HasPrefix(s, "search"):
			return "search"
		case strings.HasPrefix(s, "history"):
			return "history"
		case s == "read", s == "create", s == "update", s == "patch", s == "delete",
			s == "capabilities", s == "transaction", s == "batch", s == "operation":
			return s
		}
	}
	switch action {
	case "C":
		return "create"
	case "R":
		return "read"
	case "U":
		return "update"
	case "D":
		return "delete"
	case "E":
		return "execute"
	}
	return "unknown"
}

// fhirPatient finds the patient an AuditEvent is about.
func fhirPatient(v *fastjson.Value) string {
	if ref := string(v.GetStringBytes("patient", "reference")); ref != "" { // R5
		if id, ok := patientRef(ref); ok {
			return id
		}
	}
	ents := v.GetArray("entity")
	for _, e := range ents {
		if id, ok := patientRef(string(e.GetStringBytes("what", "reference"))); ok {
			return id
		}
	}
	for _, e := range ents {
		role := codes(nil, e.Get("role"))
		if len(role) > 0 && role[0] == "1" {
			if s := firstStr(e, [][]string{{"what", "identifier", "value"}, {"what", "reference"}}); s != "" {
				return s
			}
		}
	}
	return ""
}

// patientRef extracts <id> from "Patient/<id>" or ".../Patient/<id>/_history/n".
func patientRef(ref string) (string, bool) {
	i := strings.Index(ref, "Patient/")
	if i < 0 || (i > 0 && ref[i-1] != '/') {
		return "", false
	}
	id := ref[i+len("Patient/"):]
	if j := strings.IndexByte(id, '/'); j >= 0 {
		id = id[:j]
	}
	return id, id != ""
}

// decodeBase64 decodes a FHIR base64Binary leniently (padded or not, std or
// URL alphabet); invalid UTF-8 is replaced so fields stay valid text.
func decodeBase64(b []byte) (string, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding,
		base64.URLEncoding, base64.RawURLEncoding} {
		out := make([]byte, enc.DecodedLen(len(b)))
		n, err := enc.Decode(out, b)
		if err == nil {
			s := string(out[:n])
			if !utf8.ValidString(s) {
				s = strings.ToValidUTF8(s, "\uFFFD")
			}
			return s, true
		}
	}
	return "", false
}
