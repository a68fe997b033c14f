package app

import (
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
