package decode

import (
	"strings"

	"github.com/vigil-soc/vigil/internal/event"
)

// cefHeader names the seven pipe-separated header fields, stored as cef.*.
var cefHeader = [7]string{"cef.version", "cef.device_vendor", "cef.device_product",
	"cef.device_version", "cef.signature_id", "cef.name", "cef.severity"}

// decodeCEF decodes an ArcSight CEF record:
//
//	CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
//
// Header fields (with \| and \\ escapes) become cef.version … cef.severity.
// Extension pairs keep their CEF key (suser, src, act, …); values may contain
// spaces and end where the next " key=" starts; \= \\ \n \r (and \|) are
// unescaped. csN/cnN/flexStringN/deviceCustomDateN values are also stored
// under the name their …Label gives. Canonical fields: event.action from act,
// event.outcome from outcome (success/failure when recognisable). Entities:
// user suser else duser; host dhost else shost else dvchost (else the syslog
// hostname); ips src and dst. Time: rt, else start, else the syslog time;
// milliseconds since the epoch or "MMM dd yyyy HH:mm:ss[.SSS][ zone]".
// ID: ContentID(raw).
//
// sys holds fields of an enclosing syslog header (may be nil); they are kept.
func decodeCEF(body []byte, ev *event.Event, sys *syslogInfo) error {
	ev.Format = event.FormatCEF
	s := string(body) // one allocation: every field is a slice of s or an unescaped copy
	if !strings.HasPrefix(s, "CEF:") {
		return errf(ev.Format, "header", `not a CEF record: want "CEF:"`)
	}
	rest := s[len("CEF:"):]
	var hdr [7]string
	for i := range hdr {
		v, tail, ok := cefHeaderField(rest)
		if !ok && i == 6 && rest != "" { // "…|Severity" without extension or final '|'
			v, tail, ok = unescapeCEF(rest, false), "", true
		}
		if !ok {
			return errf(ev.Format, cefHeader[i], "CEF header has %d of 7 fields", i)
		}
		hdr[i], rest = v, tail
	}
	if hdr[0] == "" || strings.TrimLeft(hdr[0], "0123456789.") != "" {
		return errf(ev.Format, "cef.version", "not a version number")
	}
	if sys != nil {
		sys.addFields(ev)
	}
	for i, v := range hdr {
		ev.Add(cefHeader[i], v, event.KindString)
	}
	if err := cefExtension(rest, ev); err != nil {
		return err
	}
	return finishCEF(ev, sys)
}

// cefHeaderField cuts one header field at the first unescaped '|'.
func cefHeaderField(s string) (val, rest string, ok bool) {
	esc := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			esc = true
			i++
		case '|':
			v := s[:i]
			if esc {
				v = unescapeCEF(v, false)
			}
			return v, s[i+1:], true
		}
	}
	return "", "", false
}

// cefExtension parses "key=value key2=value with spaces key3=…".
func cefExtension(s string, ev *event.Event) error {
	s = strings.TrimLeft(s, " ")
	if s == "" {
		return nil
	}
	k0 := 0
	for {
		eq := cefKeyEnd(s, k0)
		if eq < 0 {
			return errf(ev.Format, "extension", "expected key=value at byte %d of the extension", k0)
		}
		key := s[k0:eq]
		v0 := eq + 1
		next := cefNextKey(s, v0)
		end := len(s)
		if next >= 0 {
			end = next - 1 // the separating space
		}
		val := strings.TrimRight(s[v0:end], " ")
		if strings.IndexByte(val, '\\') >= 0 {
			val = unescapeCEF(val, true)
		}
		if len(ev.Fields) >= MaxFields {
			return errf(ev.Format, "", "more than %d fields (the limit)", MaxFields)
		}
		ev.Add(key, val, event.KindString)
		if next < 0 {
			return nil
		}
		k0 = next
	}
}

// cefKeyEnd returns the index of the '=' ending a key that starts at i, or -1.
func cefKeyEnd(s string, i int) int {
	j := i
	for j < len(s) && isCEFKeyChar(s[j]) {
		j++
	}
	if j == i || j >= len(s) || s[j] != '=' {
		return -1
	}
	return j
}

// cefNextKey returns the start of the next " key=" after i, or -1. An
// escaped '=' (\=) never ends a key.
func cefNextKey(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ' ':
			if k := i + 1; k < len(s) && s[k] != ' ' && cefKeyEnd(s, k) > 0 {
				return k
			}
		}
	}
	return -1
}

func isCEFKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '-' || c == '[' || c == ']'
}

// unescapeCEF removes CEF escapes; ext enables the extension-only \n \r.
func unescapeCEF(s string, ext bool) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			sb.WriteByte(c)
			continue
		}
		i++
		switch n := s[i]; {
		case ext && n == 'n':
			sb.WriteByte('\n')
		case ext && n == 'r':
			sb.WriteByte('\r')
		case n == '\\', n == '|', n == '=':
			sb.WriteByte(n)
		default:
			sb.WriteByte('\\')
			sb.WriteByte(n)
		}
	}
	return sb.String()
}

// finishCEF adds label-named custom fields, canonical fields, entities,
// time and ID.
func finishCEF(ev *event.Event, sys *syslogInfo) error {
	n := len(ev.Fields)
	var user, duser, dhost, shost, dvchost, rt, start, act, outcome string
	for i := 0; i < n; i++ {
		f := ev.Fields[i]
		switch f.Key {
		case "suser":
			user = f.Value
		case "duser":
			duser = f.Value
		case "dhost":
			dhost = f.Value
		case "shost":
			shost = f.Value
		case "dvchost":
			dvchost = f.Value
		case "src":
			setOnce(&ev.Entities.SrcIP, f.Value)
		case "dst":
			setOnce(&ev.Entities.DstIP, f.Value)
		case "rt":
			rt = f.Value
		case "start":
			start = f.Value
		case "act":
			act = f.Value
		case "outcome":
			outcome = f.Value
		default:
			if label, ok := strings.CutSuffix(f.Key, "Label"); ok && f.Value != "" && label != "" {
				if v, ok := ev.Get(label); ok {
					ev.Add(f.Value, v, event.KindString)
				}
			}
		}
	}
	ev.Entities.User = stripDomain(pick([]string{user, duser}))
	host := ""
	if sys != nil {
		host = sys.hostname
	}
	ev.Entities.Host = pick([]string{dhost, shost, dvchost, host})
	if act != "" {
		ev.Set(event.FieldAction, act, event.KindString)
	}
	if outcome != "" {
		ev.Set(event.FieldOutcome, normOutcome(outcome), event.KindString)
	}
	switch {
	case rt != "":
		t, ok := parseEpochOrStamp(rt)
		if !ok {
			return errf(ev.Format, "rt", "not a CEF time (ms since epoch or MMM dd yyyy HH:mm:ss)")
		}
		ev.Time = t
	case start != "":
		t, ok := parseEpochOrStamp(start)
		if !ok {
			return errf(ev.Format, "start", "not a CEF time (ms since epoch or MMM dd yyyy HH:mm:ss)")
		}
		ev.Time = t
	case sys != nil:
		ev.Time = sys.time
	}
	ev.ID = event.ContentID(ev.Raw)
	return nil
}

// normOutcome maps common outcome spellings to event.outcome's
// success/failure; anything else is kept, lower-cased.
func normOutcome(s string) string {
	l := strings.ToLower(s)
	switch {
	case l == "success", l == "succeeded", l == "successful", l == "allow", l == "allowed", l == "ok", l == "0":
		return "success"
	case strings.HasPrefix(l, "fail"), l == "denied", l == "deny", l == "blocked", l == "block", l == "reject", l == "rejected":
		return "failure"
	}
	return l
}
