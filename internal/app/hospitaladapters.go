package app

import (
	"context"
	"strconv"
	"time"

	"github.com/vigil-soc/vigil/internal/hospital"
)

// hospitalView adapts the live hospital context (whatever snapshot is
// current when asked) to the small interfaces of the detectors and the
// response engine, which do not import internal/hospital.
type hospitalView struct{ h *hospital.Holder }

func (v hospitalView) current() *hospital.Context {
	if v.h == nil {
		return nil
	}
	return v.h.Current()
}

// UserGroup is behavior.Directory's peer group: role and department.
func (v hospitalView) UserGroup(user string) (role, dept string, ok bool) {
	c := v.current()
	if c == nil {
		return "", "", false
	}
	s, ok := c.Staff(user)
	return s.Role, s.Department, ok
}

// Asset is behavior.Directory's device look-up (asset_id, hostname or ip).
func (v hospitalView) Asset(key string) (kind string, criticality int, ok bool) {
	c := v.current()
	if c == nil {
		return "", 0, false
	}
	a, ok := c.Asset(key)
	return a.Kind, a.Criticality, ok
}

// AssetCriticality is respond.SafetyContext's device tier.
func (v hospitalView) AssetCriticality(key string) (int, bool) {
	_, tier, ok := v.Asset(key)
	return tier, ok
}

// ActiveClinicalShift is respond.SafetyContext's "on an active clinical
// shift with an open encounter" test: the user participates in an encounter
// in progress at t.
func (v hospitalView) ActiveClinicalShift(user string, t time.Time) (string, bool) {
	c := v.current()
	if c == nil {
		return "", false
	}
	enc, ok := c.ActiveEncounter(user, t)
	if !ok {
		return "", false
	}
	detail := "participant of encounter " + enc + " in progress"
	if s, found := c.Staff(user); found {
		detail = s.Role + " (" + s.Department + "), " + detail
	}
	return detail, true
}

// Lookup is assist.ContextLookup: what the hospital knows about a key (a
// user id or an asset's id, hostname or ip), without patient data.
func (v hospitalView) Lookup(_ context.Context, key string) (map[string]string, bool) {
	c := v.current()
	if c == nil {
		return nil, false
	}
	if s, ok := c.Staff(key); ok {
		out := map[string]string{"kind": "staff", "user_id": s.UserID, "role": s.Role, "department": s.Department}
		if !s.Terminated.IsZero() {
			out["terminated"] = s.Terminated.Format(time.DateOnly)
		}
		return out, true
	}
	if a, ok := c.Asset(key); ok {
		return map[string]string{"kind": "asset", "asset_id": a.ID, "hostname": a.Hostname, "ip": a.IP,
			"device_kind": a.Kind, "vendor": a.Vendor, "model": a.Model, "department": a.Department,
			"criticality": strconv.Itoa(a.Criticality)}, true
	}
	return nil, false
}
