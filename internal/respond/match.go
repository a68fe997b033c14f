package respond

import (
	"path"
	"strings"
)

// Matches reports whether the trigger selects subject s.
func (t Trigger) Matches(s Subject) bool {
	if t.On != "any" && t.On != s.Kind {
		return false
	}
	if t.MinSeverity != "" && s.Severity.Rank() < t.MinSeverity.Rank() {
		return false
	}
	if len(t.Detectors) > 0 && !anyIn(t.Detectors, s.Detectors) {
		return false
	}
	if len(t.Rules) > 0 && !anyGlob(t.Rules, s.RuleIDs) {
		return false
	}
	if len(t.Tags) > 0 && !anyIn(t.Tags, s.Tags) {
		return false
	}
	if len(t.EntityKinds) > 0 {
		found := false
		for _, k := range t.EntityKinds {
			found = found || len(s.EntityValues(k)) > 0
		}
		if !found {
			return false
		}
	}
	return true
}

// focused returns s with Focus set to the entities of the evidence that
// matches t's detectors and rules (none named: no focus). An incident that
// gathered several users then has its takeover playbook act on the account
// the takeover finding names.
func (s Subject) focused(t Trigger) Subject {
	if len(t.Rules) == 0 && len(t.Detectors) == 0 {
		return s
	}
	var focus []string
	for _, ev := range s.Evidence {
		if len(t.Detectors) > 0 && !contains(t.Detectors, ev.Detector) {
			continue
		}
		if len(t.Rules) > 0 && !anyGlob(t.Rules, []string{ev.RuleID}) {
			continue
		}
		for _, e := range ev.Entities {
			focus = appendNew(focus, e)
		}
	}
	s.Focus = focus
	return s
}

func anyIn(want, have []string) bool {
	for _, w := range want {
		if contains(have, w) {
			return true
		}
	}
	return false
}

func anyGlob(globs, have []string) bool {
	for _, g := range globs {
		for _, h := range have {
			if ok, _ := path.Match(g, h); ok {
				return true
			}
		}
	}
	return false
}

// isBreakGlass reports whether the subject's evidence is a break-the-glass
// access: flagged by the caller, tagged "break-the-glass"/"btg", or raised
// by a rule whose id names btg or break-the-glass (e.g. privacy.btg-unexplained).
func isBreakGlass(s Subject) bool {
	if s.BreakGlass {
		return true
	}
	for _, t := range s.Tags {
		t = strings.ToLower(t)
		if t == "break-the-glass" || t == "btg" || t == "break_the_glass" {
			return true
		}
	}
	for _, r := range s.RuleIDs {
		r = strings.ToLower(r)
		if strings.Contains(r, "btg") || strings.Contains(r, "break-the-glass") {
			return true
		}
	}
	return false
}
