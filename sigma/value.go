package sigma

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type valueKind uint8

const (
	vkString   valueKind = iota // alts: any pattern matches
	vkNull                      // field absent or empty
	vkRegex                     // re
	vkCIDR                      // cidr
	vkNumber                    // lt/lte/gt/gte
	vkTime                      // minute..year (with an optional comparison)
	vkFieldRef                  // fieldref
)

type cmpOp uint8

const (
	cmpEq cmpOp = iota
	cmpLT
	cmpLTE
	cmpGT
	cmpGTE
)

type timePart uint8

const (
	tpMinute timePart = iota + 1
	tpHour
	tpDay
	tpWeek
	tpMonth
	tpYear
)

// valueMatcher tests one field value against one rule value (with all the
// alternatives that value expanded to).
type valueMatcher struct {
	kind   valueKind
	alts   []strPattern
	re     *regexp.Regexp
	reSc   *reScreen  // re: literal screening, nil if none
	anch   *litAnchor // re: search from a literal's occurrences, nil if none
	prefix netip.Prefix
	cmp    cmpOp
	num    float64
	part   timePart
	ref    int32 // fieldref: field id of the referenced field
	refOp  strOp // fieldref: eq/prefix/suffix/contains
	cased  bool
	fold   bool // string contains tests of fold-safe literals: read raw (see foldsearch.go)
}

// needLow reports whether matchValue needs the lower-cased value.
func (m *valueMatcher) needLow() bool {
	return (m.kind == vkString || m.kind == vkFieldRef) && !m.cased && !m.fold || m.reSc != nil && m.reSc.needLow()
}

// matchValue tests a present field value: raw as in the event, low its
// lower-cased form (only set when needLow). s serves fieldref.
func (m *valueMatcher) matchValue(raw, low string, s *scratch) bool {
	switch m.kind {
	case vkString:
		if m.fold {
			for i := range m.alts {
				if containsFold(raw, m.alts[i].lit) {
					return true
				}
			}
			return false
		}
		v := raw
		if !m.cased {
			v = low
		}
		for i := range m.alts {
			if m.alts[i].match(v) {
				return true
			}
		}
		return false
	case vkNull:
		return raw == ""
	case vkRegex:
		if sc := m.reSc; sc != nil {
			if !sc.passRaw(raw) {
				return false
			}
			if sc.run > 0 {
				return hasRun(raw, sc.run, sc.anyNL)
			}
			if sc.needLow() && !sc.pass(low) {
				return false
			}
		}
		if m.anch != nil {
			return m.anch.match(raw)
		}
		return m.re.MatchString(raw)
	case vkCIDR:
		if !maybeIP(raw) {
			return false // ParseAddr would fail, and allocate its error
		}
		ip, err := netip.ParseAddr(strings.TrimSpace(raw))
		if err != nil {
			return false
		}
		return m.prefix.Contains(ip.Unmap())
	case vkNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		return err == nil && compare(f, m.cmp, m.num)
	case vkTime:
		t, ok := parseTime(raw)
		return ok && compare(float64(extract(t, m.part)), m.cmp, m.num)
	case vkFieldRef:
		n := s.field(m.ref)
		if n < 0 {
			return false
		}
		v, other := raw, s.raw(s.nodes[n].val)
		if !m.cased {
			v, other = low, s.low(s.nodes[n].val)
		}
		switch m.refOp {
		case opPrefix:
			return strings.HasPrefix(v, other)
		case opSuffix:
			return strings.HasSuffix(v, other)
		case opContains:
			return strings.Contains(v, other)
		}
		return v == other
	}
	return false
}

func compare(a float64, op cmpOp, b float64) bool {
	switch op {
	case cmpLT:
		return a < b
	case cmpLTE:
		return a <= b
	case cmpGT:
		return a > b
	case cmpGTE:
		return a >= b
	}
	return a == b
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

func parseTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func extract(t time.Time, p timePart) int {
	switch p {
	case tpMinute:
		return t.Minute()
	case tpHour:
		return t.Hour()
	case tpDay:
		return t.Day()
	case tpWeek:
		_, w := t.ISOWeek()
		return w
	case tpMonth:
		return int(t.Month())
	}
	return t.Year()
}

// maybeIP reports whether v could be an IP address: before any zone
// ('%'), only hex digits, '.' and ':' around optional spaces.
func maybeIP(v string) bool {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '%'); i >= 0 {
		v = v[:i]
	}
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}
