package privacy

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/hospital"
)

// flag is a suspicious relationship between a user and a patient.
type flag uint16

// The flags, in the order a finding picks its rule among several.
const (
	flagTerminated flag = 1 << iota
	flagVIP
	flagFamily
	flagCoworker
	flagSelf
	flagNeighbor
	flagDeceased
	flagNameSearch
	flagBTG
	flagUnknown
	flagEnd
)

// always are flags that make a finding even when the access is explained:
// a terminated account should not work at all, and opening one's own record
// through one's work account breaks policy whatever the reason.
const always = flagTerminated | flagSelf

// personal are the flags of a personal relationship between user and
// patient; only a direct care relationship (encounter, care team,
// department) or a records role explains them away.
const personal = flagFamily | flagCoworker | flagNeighbor

// rule describes the finding of a flag; severities are justified in
// docs/privacy.md.
type rule struct {
	id, name, title string
	severity        finding.Severity
	confidence      float64
}

var rules = map[flag]rule{
	flagTerminated: {"privacy.terminated", "terminated", "Patient record opened after the user's employment ended", finding.SeverityHigh, 0.9},
	flagVIP:        {"privacy.vip", "vip", "Restricted (VIP) patient record opened without a care relationship", finding.SeverityHigh, 0.75},
	flagFamily:     {"privacy.family", "family", "Family member's patient record opened without a care relationship", finding.SeverityHigh, 0.8},
	flagCoworker:   {"privacy.coworker", "coworker", "Coworker's patient record opened without a care relationship", finding.SeverityHigh, 0.75},
	flagSelf:       {"privacy.self", "self", "User opened their own patient record", finding.SeverityMedium, 0.85},
	flagNeighbor:   {"privacy.neighbor", "neighbor", "Neighbour's patient record opened without a care relationship", finding.SeverityMedium, 0.65},
	flagDeceased:   {"privacy.deceased", "deceased", "Deceased patient's record opened without a care relationship", finding.SeverityMedium, 0.6},
	flagNameSearch: {"privacy.name-search", "name-search", "Patient found by name search and opened without a care relationship", finding.SeverityMedium, 0.65},
	flagBTG:        {"privacy.btg-unexplained", "btg-unexplained", "Break-the-glass access not followed by a care relationship", finding.SeverityMedium, 0.6},
	flagUnknown:    {"privacy.unknown-identity", "unknown-identity", "EHR access by or about an identity unknown to the hospital context", finding.SeverityInfo, 0.3},
}

// subject is what the flags look at for one access.
type subject struct {
	cx     *hospital.Context
	staff  *hospital.Staff // nil = unknown user
	pat    *hospital.Patient
	pid    string
	user   string
	t      time.Time
	us     *User
	window time.Duration // name search window
	near   float64       // neighbour metres
}

// flagsOf computes the flags of an access; explained accesses only get the
// always flags.
func flagsOf(s *subject, explained bool) flag {
	var f flag
	if s.staff == nil || s.pat == nil {
		f |= flagUnknown
	}
	st, p := s.staff, s.pat
	if st != nil && !st.Terminated.IsZero() && !s.t.Before(st.Terminated.AddDate(0, 0, 1)) {
		f |= flagTerminated
	}
	self := st != nil && p != nil && isSelf(st, p)
	if self {
		f |= flagSelf
	}
	if explained {
		return f & always
	}
	if p != nil {
		if p.Confidentiality != "" {
			f |= flagVIP
		}
		if p.Deceased && (p.DeceasedAt.IsZero() || s.t.After(p.DeceasedAt)) {
			f |= flagDeceased
		}
	}
	if st == nil || p == nil || self {
		return f
	}
	if familyOf(s) != "" {
		f |= flagFamily
	} else if d := hospital.DistanceMeters(st.Home, p.Home); d >= 0 && d <= s.near {
		f |= flagNeighbor
	}
	if coworkerOf(s) != nil {
		f |= flagCoworker
	}
	if searchedFor(s) > 0 {
		f |= flagNameSearch
	}
	return f
}

func lastName(nameKey string) string { return nameKey[strings.IndexByte(nameKey, '|')+1:] }

func isSelf(st *hospital.Staff, p *hospital.Patient) bool {
	return st.NameKey == p.NameKey && lastName(st.NameKey) != "" &&
		(st.AddrKey == "" || p.AddrKey == "" || st.AddrKey == p.AddrKey)
}

// familyOf returns how the patient is the user's family ("" = not).
func familyOf(s *subject) string {
	st, p := s.staff, s.pat
	if lastName(st.NameKey) != "" && lastName(st.NameKey) == lastName(p.NameKey) && st.AddrKey != "" && st.AddrKey == p.AddrKey {
		return "shares the user's surname and home address"
	}
	for _, rp := range s.cx.RelatedPersons(s.pid) {
		if hospital.NameKey(rp.Given, rp.Family) == st.NameKey {
			return fmt.Sprintf("lists the user as a related person (%s)", orUnknown(rp.Relationship))
		}
	}
	for _, c := range p.Contacts {
		if hospital.NameKey(c.Given, c.Family) == st.NameKey {
			return fmt.Sprintf("names the user as a contact (%s)", orUnknown(c.Relationship))
		}
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "relationship not given"
	}
	return s
}

// coworkerOf returns the employee (other than the user) the patient is.
func coworkerOf(s *subject) *hospital.Staff {
	for _, e := range s.cx.StaffByNameKey(s.pat.NameKey) {
		if e == s.staff || lastName(e.NameKey) == "" {
			continue
		}
		if e.AddrKey == "" || s.pat.AddrKey == "" || e.AddrKey == s.pat.AddrKey {
			return e
		}
	}
	return nil
}

// searchedFor returns when (unix seconds) the user searched for the
// patient's name within the window before the access, 0 if not.
func searchedFor(s *subject) int64 {
	now := s.t.Unix()
	var fam, given uint64
	for _, q := range s.us.Searches {
		if q.T == 0 || q.T > now || now-q.T > int64(s.window/time.Second) {
			continue
		}
		if fam == 0 {
			fam = hashStr(hospital.NormalizeName(s.pat.Family))
			given = hashStr(hospital.NormalizeName(firstWord(s.pat.Given)))
		}
		for _, term := range q.Terms {
			if term != 0 && (term == fam || term == given) {
				return q.T
			}
		}
	}
	return 0
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
