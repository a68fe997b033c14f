package behavior

import (
	"fmt"
	"strconv"

	"github.com/vigil-soc/vigil/internal/finding"
)

// burstState holds one user's recent failed logons.
type burstState struct {
	Times     []int64 // unix seconds of recent failures, oldest first, bounded
	Flagged   int64   // no new burst finding before this time
	Succeeded bool    // a success after the current burst was reported
	Ev        Evidence
}

// burstThenSuccess reports a successful logon within the window of a
// reported burst: the guessing may have worked.
func (d *Detector) burstThenSuccess(x *evctx, user string, b *burstState) {
	now := x.t.Unix()
	if b == nil || b.Flagged == 0 || now >= b.Flagged || b.Succeeded {
		return
	}
	b.Succeeded = true
	x.report(report{rule: "failed-login-burst", title: "Successful logon right after a burst of failures",
		sev: finding.SeverityHigh, conf: 0.8, score: float64(len(b.Times)), evidence: b.Ev.List(x.ev.ID),
		techniques: []string{"T1110.001", "T1078"},
		baseline:   fmt.Sprintf("threshold %d failures in %s", d.cfg.BurstCount, d.cfg.BurstWindow),
		tags:       []string{"failures:" + strconv.Itoa(len(b.Times)), "then:success"},
		explanation: fmt.Sprintf("Account %s logged on successfully within %s of %d failed attempts.",
			d.who(user), d.cfg.BurstWindow, len(b.Times))})
}

// sourceState is what the detector keeps per source ip: accounts that
// failed to log on from it (password spraying) and FHIR enumeration by an
// unauthenticated or unnamed client.
type sourceState struct {
	Last     int64
	WinStart int64
	Users    Set // distinct accounts that failed in the window
	Fails    uint32
	Flagged  int64
	Ev       Evidence
	Enum     *enumState
	Seq      seqPos
	FanStart int64    // lateral fan-out window start
	Fan      Set      // internal hosts reached in the window
	FanEv    Evidence // their first events
	FanDay   int32    // local day+1 of the last fan-out finding
}

func (s *sourceState) lastSeen() int64 { return s.Last }

// seqPos is the numeric suffix and time of an actor's last patient id.
type seqPos struct {
	Num int64
	T   int64
}

// enumState tracks failed reads and runs of sequential patient ids; it is
// allocated on the first failed read or sequential step.
type enumState struct {
	WinStart int64
	Fails    uint32
	Run      uint32 // consecutive accesses to sequential patient ids
	Flagged  int64
	Ev       Evidence
	Users    Set // accounts in the window (source-level tracking only)
}

// maxSprayUsers bounds the account set of one source's spray window.
const maxSprayUsers = 256

func (d *Detector) source(x *evctx, ip string) *sourceState {
	s := d.st.Sources[ip]
	if s == nil {
		s = &sourceState{}
		d.st.Sources[ip] = s
	}
	s.Last = max(s.Last, x.t.Unix())
	return s
}

// failedLogon feeds a failed authentication of user from ip into the
// per-user burst and per-source spray counters.
func (d *Detector) failedLogon(x *evctx, user, ip string) {
	now := x.t.Unix()
	if user != "" {
		u := d.user(x, user)
		if u.Fail == nil {
			u.Fail = &burstState{}
		}
		d.burst(x, user, u.Fail, now)
	}
	if ip != "" {
		d.spray(x, d.source(x, ip), user, ip, now)
	}
}

func (d *Detector) burst(x *evctx, user string, b *burstState, now int64) {
	win := int64(d.cfg.BurstWindow.Seconds())
	keep := b.Times[:0]
	for _, t := range b.Times {
		if now-t < win {
			keep = append(keep, t)
		}
	}
	b.Times = keep
	if len(b.Times) >= 2*d.cfg.BurstCount {
		b.Times = b.Times[1:]
	}
	b.Times = append(b.Times, now)
	if len(b.Times) == 1 {
		b.Ev.Reset()
	}
	b.Ev.Add(x.ev.ID, maxEvidence)
	if len(b.Times) < d.cfg.BurstCount || now < b.Flagged {
		return
	}
	b.Flagged, b.Succeeded = now+win, false
	n := len(b.Times)
	x.report(report{rule: "failed-login-burst", title: "Burst of failed logons for one account",
		sev: finding.SeverityMedium, conf: 0.7, score: float64(n), evidence: b.Ev.List(x.ev.ID), techniques: []string{"T1110.001"},
		baseline:    fmt.Sprintf("threshold %d failures in %s", d.cfg.BurstCount, d.cfg.BurstWindow),
		tags:        []string{"failures:" + strconv.Itoa(n)},
		explanation: fmt.Sprintf("Account %s failed to log on %d times within %s.", d.who(user), n, d.cfg.BurstWindow)})
}

func (d *Detector) spray(x *evctx, s *sourceState, user, ip string, now int64) {
	if now-s.WinStart > int64(d.cfg.SprayWindow.Seconds()) {
		s.WinStart, s.Fails = now, 0
		s.Users.H, s.Users.I = s.Users.H[:0], 0
		s.Ev.Reset()
	}
	s.Fails++
	if user != "" && s.Users.Add(hash32(user), maxSprayUsers) {
		s.Ev.Add(x.ev.ID, maxEvidence)
	}
	n := len(s.Users.H)
	if n < d.cfg.SprayUsers || now < s.Flagged {
		return
	}
	s.Flagged = now + int64(d.cfg.SprayWindow.Seconds())
	x.onlySource = true
	defer func() { x.onlySource = false }()
	x.report(report{rule: "password-spray", title: "Password spraying across accounts from one source",
		sev: finding.SeverityHigh, conf: 0.8, score: float64(n), evidence: s.Ev.List(x.ev.ID),
		techniques: []string{"T1110.003"},
		baseline:   fmt.Sprintf("threshold %d distinct accounts in %s", d.cfg.SprayUsers, d.cfg.SprayWindow),
		tags:       []string{"accounts:" + strconv.Itoa(n), "failures:" + strconv.Itoa(int(s.Fails))},
		explanation: fmt.Sprintf("Source %s failed to log on to %d distinct accounts (%d failures) within %s.",
			ip, n, s.Fails, d.cfg.SprayWindow)})
}

// enumeration tracks failed FHIR reads and sequential patient ids of one
// actor (a user or a source ip) and reports FHIR enumeration. With
// minUsers > 0 (a source whose events name users) it reports only when the
// window's failures came from at least minUsers accounts: one account's
// enumeration is reported on the user already.
func (d *Detector) enumeration(x *evctx, ep **enumState, pos *seqPos, actor func() string, failed bool, minUsers int) {
	now, win := x.t.Unix(), int64(d.cfg.EnumWindow.Seconds())
	num, hasNum := trailingNumber(x.ev.Entities.Patient)
	step := hasNum && pos.T != 0 && now-pos.T <= win && (num == pos.Num+1 || num == pos.Num-1)
	same := hasNum && num == pos.Num
	if hasNum {
		pos.Num, pos.T = num, now
	}
	if !failed && !step && *ep == nil {
		return
	}
	if *ep == nil {
		*ep = &enumState{}
	}
	e := *ep
	if now-e.WinStart > win {
		e.WinStart, e.Fails = now, 0
		e.Users.H, e.Users.I = e.Users.H[:0], 0
		if e.Run == 0 {
			e.Ev.Reset()
		}
	}
	if failed {
		e.Fails++
	}
	if minUsers > 0 {
		e.Users.Add(hash32(x.ev.Entities.User), maxEvidence)
	}
	switch {
	case step:
		e.Run++
	case hasNum && !same:
		e.Run = 0
	}
	if failed || step {
		e.Ev.Add(x.ev.ID, maxEvidence)
	}
	byFail := int(e.Fails) >= d.cfg.EnumFailures
	bySeq := int(e.Run)+1 >= d.cfg.EnumSequence
	if (!byFail && !bySeq) || now < e.Flagged || len(e.Users.H) < minUsers {
		return
	}
	e.Flagged = now + win
	what := fmt.Sprintf("%d failed (not found) reads within %s", e.Fails, d.cfg.EnumWindow)
	if minUsers > 0 {
		what += fmt.Sprintf(" with %d different accounts", len(e.Users.H))
		x.onlySource = true
		defer func() { x.onlySource = false }()
	}
	score := float64(e.Fails)
	if bySeq {
		what = fmt.Sprintf("%d records with consecutive patient ids", e.Run+1)
		score = float64(e.Run + 1)
	}
	x.report(report{rule: "fhir-enumeration", title: "FHIR patient enumeration",
		sev: finding.SeverityHigh, conf: 0.8, score: score, evidence: e.Ev.List(x.ev.ID),
		techniques: []string{"T1213", "T1595"},
		baseline: fmt.Sprintf("thresholds %d failed reads or %d sequential ids in %s",
			d.cfg.EnumFailures, d.cfg.EnumSequence, d.cfg.EnumWindow),
		tags:        []string{"failed_reads:" + strconv.Itoa(int(e.Fails)), "sequential_run:" + strconv.Itoa(int(e.Run+1))},
		explanation: fmt.Sprintf("The %s requested %s.", actor(), what)})
}

// trailingNumber parses the digits that end a patient id ("pat-000123" →
// 123). ok is false when there are none or too many to be a counter.
func trailingNumber(s string) (int64, bool) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == len(s) || len(s)-i > 15 {
		return 0, false
	}
	n, err := strconv.ParseInt(s[i:], 10, 64)
	return n, err == nil
}
