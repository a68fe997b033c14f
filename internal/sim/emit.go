package sim

import (
	"encoding/base64"
	"strconv"
	"time"
)

// aeKind is what an AuditEvent records.
type aeKind uint8

const (
	aeRead aeKind = iota
	aeSearch
	aeExport
	aeCreate
	aeUpdate
)

// audit is one FHIR R4 AuditEvent (IHE BALP): the requestor agent carries
// the user id, display name and workstation address; the patient is the
// entity; purpose BTG marks break-the-glass; searches carry the query
// (base64) and DICOM type 110112; exports type 110106. outcome "0" is
// success, "4" a failure such as a read of an unknown id.
type audit struct {
	user, display, ip string
	kind              aeKind
	patient           string // "pat-…" or ""
	query             string
	outcome           string
	btg               bool
	resource          string // another resource as "Type/id", or ""
	resType           string // or: its type …
	resID             int    // … and number (cheaper than building the string)
}

const (
	dcmSys   = "http://dicom.nema.org/resources/ontology/DCM"
	restSys  = "http://terminology.hl7.org/CodeSystem/audit-event-type"
	interSys = "http://hl7.org/fhir/restful-interaction"
)

func (g *dayGen) audit(t time.Time, a audit) []byte {
	j := g.begin(srcAudit, t, "")
	j.str("resourceType", "AuditEvent")
	j.key("id")
	g.idb = g.ids.next(g.idb[:0], srcAudit)
	j.b = append(j.b, '"')
	j.b = append(j.b, g.idb...)
	j.b = append(j.b, '"')
	var typ, sub, action string
	switch a.kind {
	case aeSearch:
		typ, sub, action = `{"system":"`+dcmSys+`","code":"110112","display":"Query"}`, "search-type", "E"
	case aeExport:
		typ, sub, action = `{"system":"`+dcmSys+`","code":"110106","display":"Export"}`, "operation", "R"
	case aeCreate:
		typ, sub, action = `{"system":"`+restSys+`","code":"rest","display":"Restful Operation"}`, "create", "C"
	case aeUpdate:
		typ, sub, action = `{"system":"`+restSys+`","code":"rest","display":"Restful Operation"}`, "update", "U"
	default:
		typ, sub, action = `{"system":"`+restSys+`","code":"rest","display":"Restful Operation"}`, "read", "R"
	}
	j.raw("type", typ)
	j.key("subtype")
	j.b = append(j.b, `[{"system":"`+interSys+`","code":"`...)
	j.b = append(j.b, sub...)
	j.b = append(j.b, `"}]`...)
	j.str("action", action)
	j.ts("recorded", t)
	outcome := a.outcome
	if outcome == "" {
		outcome = "0"
	}
	j.str("outcome", outcome)
	j.key("agent")
	j.b = append(j.b, '[')
	j.open()
	j.raw("type", `{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP","display":"information recipient"}]}`)
	j.obj("who")
	j.obj("identifier")
	j.str("system", "urn:vigil:user-id")
	j.str("value", a.user)
	j.close()
	j.str("display", a.display)
	j.close()
	j.boolean("requestor", true)
	j.obj("network")
	j.str("address", a.ip)
	j.str("type", "2")
	j.close()
	pou := "TREAT"
	if a.btg {
		pou = "BTG"
	} else if a.kind == aeExport {
		pou = "HOPERAT"
	}
	j.key("purposeOfUse")
	j.b = append(j.b, `[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"`...)
	j.b = append(j.b, pou...)
	j.b = append(j.b, `"}]}]`...)
	j.close()
	j.b = append(j.b, ']')
	j.raw("source", `{"site":"Mercy Health","observer":{"display":"`+ehrName+`"},"type":[{"system":"http://terminology.hl7.org/CodeSystem/security-source-type","code":"4","display":"Application Server"}]}`)
	j.key("entity")
	j.b = append(j.b, '[')
	first := true
	if a.patient != "" {
		j.open()
		j.key("what")
		j.b = append(j.b, `{"reference":"Patient/`...)
		j.b = append(j.b, a.patient...)
		j.b = append(j.b, `"}`...)
		j.raw("type", `{"system":"http://terminology.hl7.org/CodeSystem/audit-entity-type","code":"1","display":"Person"}`)
		j.raw("role", `{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"1","display":"Patient"}`)
		j.close()
		first = false
	}
	if a.resource != "" || a.resType != "" {
		if !first {
			j.b = append(j.b, ',')
		}
		j.open()
		j.key("what")
		j.b = append(j.b, `{"reference":"`...)
		if a.resource != "" {
			j.b = append(j.b, a.resource...)
		} else {
			j.b = append(j.b, a.resType...)
			j.b = append(j.b, '/')
			j.b = strconv.AppendInt(j.b, int64(a.resID), 10)
		}
		j.b = append(j.b, `"}`...)
		j.raw("type", `{"system":"http://terminology.hl7.org/CodeSystem/audit-entity-type","code":"2","display":"System Object"}`)
		j.close()
		first = false
	}
	if a.query != "" {
		if !first {
			j.b = append(j.b, ',')
		}
		j.open()
		j.raw("type", `{"system":"http://terminology.hl7.org/CodeSystem/audit-entity-type","code":"2","display":"System Object"}`)
		j.raw("role", `{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"24","display":"Query"}`)
		j.str("query", base64.StdEncoding.EncodeToString([]byte(a.query)))
		j.close()
	}
	j.b = append(j.b, ']')
	return g.end()
}

// ecsHead writes the fields every ECS record has.
func (g *dayGen) ecsHead(src source, t time.Time, dataset, category, action, outcome string) *jw {
	j := g.begin(src, t, "")
	j.ts("@timestamp", t)
	j.obj("event")
	j.key("id")
	g.idb = g.ids.next(g.idb[:0], src)
	j.b = append(j.b, '"')
	j.b = append(j.b, g.idb...)
	j.b = append(j.b, '"')
	j.str("dataset", dataset)
	j.str("module", "vigil-sim")
	j.strs("category", category)
	j.str("action", action)
	j.str("outcome", outcome)
	return j
}

// authEv is an ECS authentication record (auth.ndjson).
type authEv struct {
	action, outcome string
	user, ip, host  string
	ua, country     string
	lat, lon        float64
	device, actor   string
	geo             bool
}

func (g *dayGen) auth(t time.Time, a authEv) []byte {
	if a.outcome == "" {
		a.outcome = "success"
	}
	j := g.ecsHead(srcAuth, t, "auth", "authentication", a.action, a.outcome)
	j.strOpt("actor", a.actor)
	j.close()
	j.obj("user")
	j.str("name", a.user)
	j.close()
	j.obj("source")
	j.str("ip", a.ip)
	if a.geo {
		j.obj("geo")
		j.str("country_iso_code", a.country)
		j.obj("location")
		j.float("lat", a.lat)
		j.float("lon", a.lon)
		j.close()
		j.close()
	}
	j.close()
	if a.ua != "" {
		j.obj("user_agent")
		j.str("original", a.ua)
		j.close()
	}
	if a.device != "" {
		j.obj("device")
		j.str("id", a.device)
		j.close()
	}
	if a.host != "" {
		j.obj("host")
		j.str("name", a.host)
		j.close()
	}
	if a.actor != "" {
		j.obj("related")
		j.strs("user", a.user, a.actor)
		j.close()
	}
	return g.end()
}
