package privacy

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-soc/vigil/internal/hospital"
)

// explainText writes the finding's explanation for a privacy officer:
// who did what to which record, the relationships found, why no legitimate
// reason applies. Only the patient id is named (the API masks it for roles
// without phi:read); names and addresses of patients never appear.
func explainText(s *subject, action string, flags flag, w why, first bool, cfg Config) string {
	var b strings.Builder
	b.WriteString(actor(s))
	b.WriteString(" ")
	b.WriteString(verb(action))
	fmt.Fprintf(&b, " the record of patient %s", s.pid)
	var clauses []string
	for f := flag(1); f < flagEnd; f <<= 1 {
		if flags&f != 0 {
			if c := clause(s, f, cfg); c != "" {
				clauses = append(clauses, c)
			}
		}
	}
	if len(clauses) > 0 {
		b.WriteString(", ")
		b.WriteString(strings.Join(clauses, "; "))
	}
	b.WriteString(". ")
	days := int(math.Round(cfg.EncounterWindow.Hours() / 24))
	switch {
	case flags == flagBTG:
		fmt.Fprintf(&b, "No encounter, care team or department link within ±%d days was recorded by the end of the %s follow-up window", days, cfg.BTGFollowUp)
	case w == whyNone:
		fmt.Fprintf(&b, "No encounter, care team or department link in ±%d days, and no learned collaboration, consult, diagnosis or records-role reason", days)
	default:
		fmt.Fprintf(&b, "A work reason exists (%s), but this is reported regardless", whyText[w])
	}
	if first {
		b.WriteString("; first access by this user.")
	} else if flags != flagBTG {
		b.WriteString("; the user had opened this record before.")
	} else {
		b.WriteString(".")
	}
	return b.String()
}

// actor is "Nurse J. Doe (Oncology)" or `Unknown user "x"`.
func actor(s *subject) string {
	st := s.staff
	if st == nil {
		return fmt.Sprintf("User %q, who is not in the staff roster,", s.user)
	}
	role := strings.ReplaceAll(st.Role, "_", " ")
	switch role {
	case "":
		role = "Staff member"
	case "him", "it":
		role = strings.ToUpper(role) + " staff member"
	default:
		r, n := utf8.DecodeRuneInString(role)
		role = string(unicode.ToUpper(r)) + role[n:]
	}
	name := st.LastName
	if r, _ := utf8.DecodeRuneInString(st.FirstName); r != utf8.RuneError {
		name = string(r) + ". " + st.LastName
	}
	if name == "" {
		name = s.user
	}
	dept := ""
	if st.Department != "" {
		dept = " (" + st.Department + ")"
	}
	return fmt.Sprintf("%s %s [%s]%s", role, name, s.user, dept)
}

func verb(action string) string {
	switch action {
	case "search":
		return "searched"
	case "export":
		return "exported"
	case "break-the-glass":
		return "broke the glass to open"
	}
	return "opened"
}

// clause is the evidence of one flag.
func clause(s *subject, f flag, cfg Config) string {
	st, p := s.staff, s.pat
	switch f {
	case flagTerminated:
		return fmt.Sprintf("after the user's employment ended on %s", st.Terminated.Format("2006-01-02"))
	case flagVIP:
		if p.Confidentiality == "V" {
			return "a record marked very restricted (confidentiality V)"
		}
		return "a record marked restricted (confidentiality R)"
	case flagFamily:
		return "who " + familyOf(s)
	case flagCoworker:
		if e := coworkerOf(s); e != nil {
			return fmt.Sprintf("who is a coworker (employee %s, %s)", e.EmployeeID, orUnknown(e.Department))
		}
	case flagSelf:
		return "which is the user's own record"
	case flagNeighbor:
		d := hospital.DistanceMeters(st.Home, p.Home)
		return fmt.Sprintf("who lives %.0f m from the user's home (neighbour threshold %.0f m)", d, cfg.NeighborMeters)
	case flagDeceased:
		if p.DeceasedAt.IsZero() {
			return "who is deceased"
		}
		return fmt.Sprintf("who died on %s", p.DeceasedAt.Format("2006-01-02"))
	case flagNameSearch:
		if t := searchedFor(s); t > 0 {
			return fmt.Sprintf("found by a name search %s earlier", s.t.Sub(timeUnix(t)).Round(1e9))
		}
	case flagBTG:
		return "claiming an emergency (break-the-glass)"
	case flagUnknown:
		switch {
		case st == nil && p == nil:
			return "neither the user nor the patient is in the hospital context"
		case p == nil:
			return "a patient not in the hospital context"
		}
		return ""
	}
	return ""
}
