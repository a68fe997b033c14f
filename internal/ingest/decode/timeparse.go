package decode

import (
	"strconv"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// parseRFC3339 parses an RFC 3339 time (any fraction) and returns it in UTC.
func parseRFC3339(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// parseWinTime parses Windows' "2006-01-02 15:04:05[.fraction]" as UTC.
func parseWinTime(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// setTime sets ev.Time from the first non-nil candidate field, which must be
// a string holding an RFC 3339 or "2006-01-02 15:04:05[.frac]" (UTC) time.
func setTime(ev *event.Event, cands ...*event.Field) error {
	for _, f := range cands {
		if f == nil {
			continue
		}
		if f.Kind != event.KindString {
			return errf(ev.Format, f.Key, "not a string")
		}
		t, ok := parseRFC3339(f.Value)
		if !ok {
			if t, ok = parseWinTime(f.Value); !ok {
				return errf(ev.Format, f.Key, "not an RFC 3339 time")
			}
		}
		ev.Time = t
		return nil
	}
	return nil
}

// timeField returns the value of a string field used as a time, or an
// *Error when it is present with another JSON kind.
func timeField(ev *event.Event, key string) (string, bool, error) {
	for i := range ev.Fields {
		f := &ev.Fields[i]
		if f.Key != key {
			continue
		}
		if f.Kind != event.KindString {
			return "", false, errf(ev.Format, key, "not a string")
		}
		return f.Value, true, nil
	}
	return "", false, nil
}

// firstTime sets ev.Time from the first of keys present; an unparsable or
// non-string value of a present key is an error naming it. parse is tried on
// every key; Windows-style keys may use parseWinTime.
func firstTime(ev *event.Event, keys ...string) error {
	for _, k := range keys {
		v, ok, err := timeField(ev, k)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		t, ok := parseRFC3339(v)
		if !ok {
			if t, ok = parseWinTime(v); !ok {
				return errf(ev.Format, k, "not an RFC 3339 time")
			}
		}
		ev.Time = t
		return nil
	}
	return nil
}

// parseEpochOrStamp parses CEF times: milliseconds since the epoch, or
// "MMM dd yyyy HH:mm:ss[.SSS][ zone]" (zone-less times are UTC), or RFC 3339.
func parseEpochOrStamp(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		if ms < -1e15 || ms > 1e15 {
			return time.Time{}, false
		}
		return time.UnixMilli(ms).UTC(), true
	}
	if t, ok := parseRFC3339(s); ok {
		return t, true
	}
	for _, layout := range [...]string{
		"Jan _2 2006 15:04:05.000", "Jan _2 2006 15:04:05",
		"Jan _2 2006 15:04:05.000 MST", "Jan _2 2006 15:04:05 MST",
		"Jan _2 2006 15:04:05.000 -07:00", "Jan _2 2006 15:04:05 -07:00",
	} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// stripDomain turns `DOMAIN\user` into `user`; it does not allocate.
func stripDomain(s string) string {
	if i := strings.LastIndexByte(s, '\\'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// usable reports whether an entity value carries information.
func usable(s string) bool { return s != "" && s != "-" }
