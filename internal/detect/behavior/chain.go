package behavior

import (
	"fmt"
	"strings"

	"github.com/vigil-soc/vigil/internal/finding"
)

// The help-desk social-engineering chain (HHS HC3 sector alert, April
// 2024): an attacker calls the help desk as an employee, has the password
// and MFA reset, registers their own MFA device, logs on from a new
// address and changes a payer's bank details. Each step raises severity.

// chainOf returns the user's logon history and chain state.
func (d *Detector) chainOf(x *evctx, user string) (*logonState, *chainState) {
	_, l := d.logonOf(x, user)
	if l.Chain == nil {
		l.Chain = &chainState{}
	}
	return l, l.Chain
}

func (d *Detector) helpdeskReset(x *evctx, user string) {
	_, l := d.chainOf(x, user)
	l.ResetAt = x.t.Unix()
	actor := x.get("event.actor")
	if actor == "" {
		actor = x.get("related.user")
	}
	l.ResetBy = strings.Clone(actor)
	l.Ev.Reset()
	l.Ev.Add(x.ev.ID, chainEvidence)
}

func (d *Detector) mfaRegistered(x *evctx, user string) {
	lg, l := d.chainOf(x, user)
	now := x.t.Unix()
	l.MFAAt = now
	if l.ResetAt == 0 || now-l.ResetAt > int64(d.cfg.MFAWindow.Seconds()) || now < l.ResetAt {
		return // an ordinary enrolment
	}
	l.Ev.Add(x.ev.ID, chainEvidence)
	sev, steps := finding.SeverityMedium, "help-desk reset → new MFA device"
	if lg.NewIPAt >= l.ResetAt {
		sev, steps = finding.SeverityHigh, "help-desk reset → logon from a new address → new MFA device"
	}
	x.report(report{rule: "mfa-after-reset", title: "MFA device registered soon after a help-desk reset",
		sev: sev, conf: 0.7, score: float64(now-l.ResetAt) / 3600, evidence: l.Ev.List(x.ev.ID),
		techniques: []string{"T1556.006", "T1098.005"},
		baseline:   fmt.Sprintf("window %s after a reset", d.cfg.MFAWindow),
		tags:       []string{"chain:" + steps},
		explanation: fmt.Sprintf("A new MFA device (%q) was registered for %s %s after a help-desk reset%s. Chain: %s.",
			x.get("device.id"), d.who(user), fmtHours(float64(now-l.ResetAt)/3600), by(l.ResetBy), steps)})
}

func by(actor string) string {
	if actor == "" {
		return ""
	}
	return fmt.Sprintf(" (reset by help-desk account %q)", actor)
}

// onFinance analyses a finance event: a payee bank-detail change after a
// reset or new MFA device completes the chain.
func (d *Detector) onFinance(x *evctx) {
	user := x.ev.Entities.User
	if user == "" || x.get("event.action") != "bank-details-change" {
		return
	}
	lg, l := d.chainOf(x, user)
	now, win := x.t.Unix(), int64(d.cfg.ChainWindow.Seconds())
	within := func(t int64) bool { return t != 0 && now >= t && now-t <= win }
	reset, mfa := within(l.ResetAt), within(l.MFAAt)
	newIP := within(lg.NewIPAt) && (!reset || lg.NewIPAt >= l.ResetAt)
	if !reset && !mfa {
		return
	}
	var steps []string
	sev := finding.SeverityMedium // new MFA device, no reset
	if reset {
		steps = append(steps, "help-desk reset")
		sev = finding.SeverityHigh
	}
	if mfa {
		steps = append(steps, "new MFA device")
	}
	if newIP {
		steps = append(steps, "logon from a new address")
	}
	steps = append(steps, "bank-detail change")
	if reset && mfa && newIP {
		sev = finding.SeverityCritical
	}
	l.Ev.Add(x.ev.ID, chainEvidence)
	payee := x.get("finance.payee.name")
	x.report(report{rule: "bank-change-after-reset", title: "Payee bank details changed after an account reset",
		sev: sev, conf: 0.6 + 0.1*float64(len(steps)-2), score: float64(len(steps)),
		evidence: l.Ev.List(x.ev.ID), techniques: []string{"T1656", "T1565.001"},
		baseline: fmt.Sprintf("window %s after a reset or MFA registration", d.cfg.ChainWindow),
		tags:     []string{"chain:" + strings.Join(steps, " → ")},
		explanation: fmt.Sprintf("User %s changed the bank details of %s %q (account ending %s). Chain within %s: %s.",
			d.who(user), orDash(x.get("finance.payee.kind")), payee, orDash(x.get("finance.account.last4")),
			d.cfg.ChainWindow, strings.Join(steps, " → "))})
}
