package decode

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

// decodeWinFlat decodes flat Windows event JSON (NXLog / Winlogbeat-less
// Mordor style: System and EventData fields side by side at top level).
// Fields keep their source names so that Sigma rules address them as-is.
//
// Entities: user from TargetUserName, SubjectUserName, User, AccountName (in
// that order, `DOMAIN\` stripped); host from Hostname, Computer; source ip
// from IpAddress, SourceIp, SourceAddress; destination ip from DestinationIp,
// DestAddress ("-" and "" ignored). ID: SourceID(winevt, Channel, Hostname,
// RecordNumber) when RecordNumber is present, else ContentID(raw). Time:
// @timestamp (RFC 3339), else UtcTime, else TimeCreated (both UTC,
// "2006-01-02 15:04:05.000"), else EventTime (NXLog writes it as
// local time without a zone; it is read as UTC, the best that can be done).
func decodeWinFlat(b *builder, v *fastjson.Value, ev *event.Event) error {
	b.format = event.FormatWinFlat
	o, _ := v.Object()
	if err := b.flattenObject(o, 1); err != nil {
		return err
	}
	b.finish(ev)
	return finishWindows(ev, "Hostname", "RecordNumber")
}

// winEntities collects entity candidates in priority order while scanning
// the fields once.
type winEntities struct {
	user       [4]string // TargetUserName, SubjectUserName, User, AccountName
	host       [2]string // Hostname, Computer
	src        [3]string // IpAddress, SourceIp, SourceAddress
	dst        [2]string // DestinationIp, DestAddress
	channel    string
	record     string
	haveRecord bool
	times      [5]*event.Field // @timestamp, UtcTime, TimeCreated, EventTime, Event.System.TimeCreated_SystemTime
}

func (w *winEntities) see(f *event.Field, recordKey string) {
	switch f.Key {
	case "TargetUserName":
		w.user[0] = f.Value
	case "SubjectUserName":
		w.user[1] = f.Value
	case "User":
		w.user[2] = f.Value
	case "AccountName":
		w.user[3] = f.Value
	case "Hostname":
		w.host[0] = f.Value
	case "Computer":
		w.host[1] = f.Value
	case "IpAddress":
		w.src[0] = f.Value
	case "SourceIp":
		w.src[1] = f.Value
	case "SourceAddress":
		w.src[2] = f.Value
	case "DestinationIp":
		w.dst[0] = f.Value
	case "DestAddress":
		w.dst[1] = f.Value
	case "Channel":
		w.channel = f.Value
	case "@timestamp":
		setField(&w.times[0], f)
	case "UtcTime":
		setField(&w.times[1], f)
	case "TimeCreated":
		setField(&w.times[2], f)
	case "EventTime":
		setField(&w.times[3], f)
	case "Event.System.TimeCreated_SystemTime":
		setField(&w.times[4], f)
	case recordKey:
		w.record, w.haveRecord = f.Value, true
	}
}

func pick(cands []string) string {
	for _, c := range cands {
		if usable(c) {
			return c
		}
	}
	return ""
}

// finishWindows fills entities, ID and time from top-level Windows fields
// (shared by winevt and evtx, whose System/EventData fields are also copied
// to top level). hostKey is the host field used in the ID.
func finishWindows(ev *event.Event, hostKey, recordKey string) error {
	var w winEntities
	for i := range ev.Fields {
		w.see(&ev.Fields[i], recordKey)
	}
	ev.Entities.User = stripDomain(pick(w.user[:]))
	if !usable(ev.Entities.User) {
		ev.Entities.User = ""
	}
	ev.Entities.Host = pick(w.host[:])
	ev.Entities.SrcIP = pick(w.src[:])
	ev.Entities.DstIP = pick(w.dst[:])
	if w.haveRecord {
		host := w.host[0]
		if hostKey == "Computer" {
			host = w.host[1]
		}
		ev.ID = sourceID(ev.Format, w.channel, host, w.record)
	} else {
		ev.ID = event.ContentID(ev.Raw)
	}
	if ev.Format == event.FormatEvtxJSON {
		return setTime(ev, w.times[4], w.times[1])
	}
	return setTime(ev, w.times[:4]...)
}

func setField(dst **event.Field, f *event.Field) {
	if *dst == nil {
		*dst = f
	}
}

// sourceID is event.SourceID(f, channel, host, record) without its
// allocations but the id itself (it is on every Windows event's path): the
// SHA-256 of each part preceded by its length as 8 little-endian bytes, the
// first 16 bytes hex-encoded. TestSourceIDMatchesEvent holds it to
// event.SourceID.
func sourceID(f event.Format, channel, host, record string) string {
	var scratch [256]byte
	b := scratch[:0]
	for _, p := range [...]string{string(f), channel, host, record} {
		n := uint64(len(p))
		b = append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24),
			byte(n>>32), byte(n>>40), byte(n>>48), byte(n>>56))
		b = append(b, p...)
	}
	sum := sha256.Sum256(b)
	var hx [32]byte
	hex.Encode(hx[:], sum[:16])
	return string(hx[:])
}
