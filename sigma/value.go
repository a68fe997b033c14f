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
	prefix netip.Prefix
	cmp    cmpOp
	num    float64
	part   timePart
	ref    []string // fieldref: candidate names of the referenced field
	refOp  strOp    // fieldref: eq/prefix/suffix/contains
	cased  bool
}

// matchValue tests a present field value. ev is needed for fieldref only.
func (m *valueMatcher) matchValue(v string, ev Event) bool {
	switch m.kind {
	case vkString:
		for i := range m.alts {
			if m.alts[i].match(v) {
				return true
			}
		}
		return false
	case vkNull:
		return v == ""
	case vkRegex:
		return m.re.MatchString(v)
	case vkCIDR:
		ip, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			return false
		}
		return m.prefix.Contains(ip.Unmap())
	case vkNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil && compare(f, m.cmp, m.num)
	case vkTime:
		t, ok := parseTime(v)
		return ok && compare(float64(extract(t, m.part)), m.cmp, m.num)
	case vkFieldRef:
		other, ok := lookup(ev, m.ref)
		if !ok {
			return false
		}
		if !m.cased {
			v, other = strings.ToLower(v), strings.ToLower(other)
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

// lookup returns the first present field among names.
func lookup(ev Event, names []string) (string, bool) {
	for _, n := range names {
		if v, ok := ev.Field(n); ok {
			return v, true
		}
	}
	return "", false
}
