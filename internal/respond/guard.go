package respond

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// guardRoles may approve what the patient-safety guard held back.
var guardRoles = []string{"clinical_engineering", "responder"}

// guardVerdict is why the guard holds an action for a human, with the
// clinical context shown to the approver. Zero = the action may run.
type guardVerdict struct {
	Reason, Context string
}

// guard applies the patient-safety rules to one action, whatever the
// playbook says (force, approval: none):
//
//   - a target device/host/ip that is an asset of criticality tier 1
//     (life-sustaining) or 2 (clinical-critical);
//   - a target user on an active clinical shift with an open encounter;
//   - a disruptive action (block, disable, isolate, revoke) on a subject
//     whose evidence is a break-the-glass access;
//   - a disruptive action on a device, host or internal (private) ip that
//     is not in the asset inventory (fail closed: it may be unregistered
//     clinical equipment);
//   - without a SafetyContext, any action with a device, host, ip or user
//     target (fail closed: the guard cannot tell).
func guard(sc SafetyContext, spec actionSpec, target string, s Subject, now time.Time) guardVerdict {
	if spec.disruptive && isBreakGlass(s) {
		return guardVerdict{Reason: "break-the-glass evidence: emergency access is never blocked automatically",
			Context: "the subject includes a break-the-glass access (" + strings.Join(s.RuleIDs, ", ") + ")"}
	}
	kind, value, _ := strings.Cut(target, ":")
	switch kind {
	case "device", "host", "ip":
		if sc == nil {
			return guardVerdict{Reason: "no hospital context to check the target's criticality",
				Context: fmt.Sprintf("%s %s: criticality unknown", kind, value)}
		}
		tier, ok := sc.AssetCriticality(value)
		if ok && tier >= 1 && tier <= 2 {
			return guardVerdict{Reason: fmt.Sprintf("target %s %s is a criticality tier %d asset", kind, value, tier),
				Context: fmt.Sprintf("%s %s: tier %d (%s); acting on it may interrupt patient care", kind, value, tier, tierName(tier))}
		}
		if !ok && spec.disruptive && internalTarget(kind, value) {
			// A device, host or internal address missing from the asset
			// inventory may be medical equipment nobody registered: fail
			// closed. External addresses (a beaconing destination) are not
			// hospital equipment.
			return guardVerdict{Reason: fmt.Sprintf("target %s %s is not in the asset inventory: criticality unknown", kind, value),
				Context: fmt.Sprintf("%s %s: not in assets.csv; it may be clinical equipment", kind, value)}
		}
	case "user":
		if sc == nil {
			return guardVerdict{Reason: "no hospital context to check the user's clinical shift",
				Context: "user " + value + ": shift unknown"}
		}
		if detail, ok := sc.ActiveClinicalShift(value, now); ok {
			return guardVerdict{Reason: "target user " + value + " is on an active clinical shift",
				Context: "user " + value + ": " + detail}
		}
	}
	return guardVerdict{}
}

func tierName(t int) string {
	switch t {
	case 1:
		return "life-sustaining"
	case 2:
		return "clinical-critical"
	}
	return "other"
}

// internalTarget reports whether a device/host/ip target is inside the
// hospital: every device and host, and ips in private, loopback or
// link-local ranges (or that do not parse).
func internalTarget(kind, value string) bool {
	if kind != "ip" {
		return true
	}
	a, err := netip.ParseAddr(value)
	return err != nil || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast()
}
