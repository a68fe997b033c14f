package decode

import (
	"bytes"
	"sort"
	"strconv"
	"sync"
	"time"

	syslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"

	"github.com/vigil-soc/vigil/internal/event"
)

// syslogMachines pools the go-syslog parsers: a machine holds per-parse
// state and is not safe for concurrent use.
type syslogMachines struct {
	m5424, m3164 sync.Pool
}

func (p *syslogMachines) init() {
	p.m5424.New = func() any { return rfc5424.NewMachine() }
	p.m3164.New = func() any {
		return rfc3164.NewMachine(rfc3164.WithBestEffort(), rfc3164.WithRFC3339(),
			rfc3164.WithSecondFractions(), rfc3164.WithLenientDay())
	}
}

// syslogInfo is the parsed header of a syslog message.
type syslogInfo struct {
	base     syslog.Base
	sd       map[string]map[string]string
	hostname string
	time     time.Time
}

// decodeSyslog decodes one RFC 5424 or RFC 3164 message (framing already
// removed). RFC 5424 is tried first when the message starts "<PRI>1 "; RFC
// 3164 is parsed in best-effort mode. Fields: syslog.facility,
// syslog.severity, syslog.hostname, syslog.appname, syslog.procid,
// syslog.msgid, syslog.sd.<id>.<param>, message. Host entity: the hostname.
// ID: ContentID(raw). RFC 3164 times carry no year or zone: they are read as
// UTC in the current year (Set's clock), or the previous year when that
// would put them more than 24 hours in the future.
//
// When the body is CEF the record is decoded as CEF (Format cef) and the
// syslog fields are kept, except message.
func (s *Set) decodeSyslog(format event.Format, body []byte, ev *event.Event) error {
	ev.Format = event.FormatSyslog
	info, err := s.parseSyslog(body)
	if err != nil {
		return &Error{Format: format, Field: "header", Reason: "not a syslog message: " + err.Error()}
	}
	msg := ""
	if info.base.Message != nil {
		msg = *info.base.Message
	}
	if looksCEF([]byte(msg)) {
		return decodeCEF([]byte(msg), ev, info)
	}
	if i := cefStart(body); i >= 0 { // 3164 splits "host CEF:0|…" as tag "CEF"
		return decodeCEF(body[i:], ev, info)
	}
	if format == event.FormatCEF {
		return errf(format, "message", "syslog message does not carry a CEF record")
	}
	info.addFields(ev)
	if msg != "" {
		ev.Add("message", msg, event.KindString)
	}
	ev.Entities.Host = info.hostname
	ev.Time = info.time
	ev.ID = event.ContentID(ev.Raw)
	return nil
}

func (s *Set) parseSyslog(body []byte) (*syslogInfo, error) {
	if err := checkPRI(body); err != nil {
		return nil, err
	}
	info := &syslogInfo{}
	var err5424 error
	if is5424(body) {
		m := s.sys.m5424.Get().(syslog.Machine)
		msg, err := m.Parse(body)
		s.sys.m5424.Put(m)
		if err == nil && msg != nil {
			sm := msg.(*rfc5424.SyslogMessage)
			info.base = sm.Base
			if sm.StructuredData != nil {
				info.sd = *sm.StructuredData
			}
			info.fill()
			return info, nil
		}
		err5424 = err
	}
	m := s.sys.m3164.Get().(syslog.Machine)
	msg, err := m.Parse(body)
	s.sys.m3164.Put(m)
	if msg == nil || !msg.Valid() {
		if err5424 != nil {
			return nil, err5424
		}
		if err == nil {
			err = errNoPriority
		}
		return nil, err
	}
	sm := msg.(*rfc3164.SyslogMessage)
	info.base = sm.Base
	if info.base.Message == nil && err != nil {
		// Best effort stopped early (e.g. no timestamp): keep what follows PRI.
		if i := bytes.IndexByte(body, '>'); i >= 0 && i+1 < len(body) {
			rest := string(body[i+1:])
			info.base.Message = &rest
		}
	}
	info.fill()
	if !info.time.IsZero() && info.time.Year() == 0 {
		now := s.now().UTC()
		t := info.time
		t = time.Date(now.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		if t.After(now.Add(24 * time.Hour)) {
			t = t.AddDate(-1, 0, 0)
		}
		info.time = t
	}
	return info, nil
}

type syslogError string

func (e syslogError) Error() string { return string(e) }

const errNoPriority = syslogError("missing <PRI>")

// checkPRI insists on "<0>" … "<191>" at the start: the best-effort RFC
// 3164 parser would otherwise make something of any input.
func checkPRI(b []byte) error {
	if len(b) == 0 || b[0] != '<' {
		return errNoPriority
	}
	n, i := 0, 1
	for ; i < len(b) && i <= 4 && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int(b[i]-'0')
	}
	if i == 1 || i > 4 || i >= len(b) || b[i] != '>' || n > 191 {
		return syslogError("invalid <PRI>: want <0> to <191>")
	}
	return nil
}

// is5424 reports whether b starts "<PRI>1 ".
func is5424(b []byte) bool {
	i := bytes.IndexByte(b, '>')
	return i > 1 && i <= 4 && len(b) > i+2 && b[i+1] == '1' && b[i+2] == ' '
}

func (info *syslogInfo) fill() {
	if info.base.Hostname != nil && usable(*info.base.Hostname) {
		info.hostname = *info.base.Hostname
	}
	if info.base.Timestamp != nil {
		info.time = info.base.Timestamp.UTC()
	}
}

// addFields appends the syslog.* fields (not message).
func (info *syslogInfo) addFields(ev *event.Event) {
	b := &info.base
	if b.Facility != nil {
		ev.Add("syslog.facility", strconv.Itoa(int(*b.Facility)), event.KindNumber)
	}
	if b.Severity != nil {
		ev.Add("syslog.severity", strconv.Itoa(int(*b.Severity)), event.KindNumber)
	}
	for _, kv := range [...]struct {
		k string
		v *string
	}{{"syslog.hostname", b.Hostname}, {"syslog.appname", b.Appname}, {"syslog.procid", b.ProcID}, {"syslog.msgid", b.MsgID}} {
		if kv.v != nil && *kv.v != "" {
			ev.Add(kv.k, *kv.v, event.KindString)
		}
	}
	ids := make([]string, 0, len(info.sd))
	for id := range info.sd {
		ids = append(ids, id)
	}
	sort.Strings(ids) // maps have no order; keep fields deterministic
	for _, id := range ids {
		params := info.sd[id]
		names := make([]string, 0, len(params))
		for p := range params {
			names = append(names, p)
		}
		sort.Strings(names)
		for _, p := range names {
			ev.Add("syslog.sd."+id+"."+p, params[p], event.KindString)
		}
	}
}
