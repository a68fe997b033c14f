package assist

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// MaskOptions chooses what PHI is masked before content leaves for an
// external model.
type MaskOptions struct {
	Names, MRNs, SSNs, DOBs, PatientIDs bool
}

// MaskAll masks every kind.
var MaskAll = MaskOptions{Names: true, MRNs: true, SSNs: true, DOBs: true, PatientIDs: true}

var (
	ssnRe = regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`)
	mrnRe = regexp.MustCompile(`(?i)\b(mrn|medical record( number)?)\s*[:#=]?\s*[A-Za-z0-9-]{4,20}`)
	dobRe = regexp.MustCompile(`(?i)\b(dob|date of birth|birth ?date|born)\b\s*[:=]?\s*[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}`)
	patRe = regexp.MustCompile(`\bpat-[0-9]{3,12}\b`)
)

// nameField reports field keys whose values are person names.
func nameField(key string) bool {
	k := strings.ToLower(key)
	for _, s := range []string{"full_name", "first_name", "last_name", "given", "family", "display", "patient.name", "person.name", "contact.name", "who.display", "requestor.name"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// mrnField and dobField report field keys holding MRNs and birth dates.
func mrnField(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "mrn") || strings.Contains(k, "medical_record")
}

func dobField(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "birth") || strings.HasSuffix(k, "dob")
}

// Masker replaces PHI with stable placeholders. Patient ids become
// "patient-N" consistently within one Masker so the model can still tell
// patients apart. Not safe for concurrent use.
type Masker struct {
	opt      MaskOptions
	names    map[string]bool
	patients map[string]string
}

// NewMasker returns a masker; with a zero MaskOptions it changes nothing.
func NewMasker(opt MaskOptions) *Masker {
	return &Masker{opt: opt, names: map[string]bool{}, patients: map[string]string{}}
}

// Learn records the names in a name field so that they are masked in free
// text too (call it for every field before masking any).
func (m *Masker) Learn(key, value string) {
	if !m.opt.Names || !nameField(key) {
		return
	}
	for _, part := range strings.FieldsFunc(value, func(r rune) bool { return r == ' ' || r == ',' || r == '^' }) {
		if len(part) >= 3 {
			m.names[part] = true
		}
	}
}

// Field masks one field value given its key.
func (m *Masker) Field(key, value string) string {
	switch {
	case m.opt.Names && nameField(key):
		m.Learn(key, value)
		return "[NAME]"
	case m.opt.MRNs && mrnField(key):
		return "[MRN]"
	case m.opt.DOBs && dobField(key):
		return "[DOB]"
	}
	return m.Text(value)
}

// Text masks free text.
func (m *Masker) Text(s string) string {
	if m.opt.SSNs {
		s = ssnRe.ReplaceAllString(s, "[SSN]")
	}
	if m.opt.MRNs {
		s = mrnRe.ReplaceAllString(s, "[MRN]")
	}
	if m.opt.DOBs {
		s = dobRe.ReplaceAllString(s, "[DOB]")
	}
	if m.opt.PatientIDs {
		s = patRe.ReplaceAllStringFunc(s, m.patient)
	}
	if m.opt.Names && len(m.names) > 0 {
		names := make([]string, 0, len(m.names))
		for n := range m.names {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
		for _, n := range names {
			s = strings.ReplaceAll(s, n, "[NAME]")
		}
	}
	return s
}

func (m *Masker) patient(id string) string {
	if p, ok := m.patients[id]; ok {
		return p
	}
	p := fmt.Sprintf("patient-%d", len(m.patients)+1)
	m.patients[id] = p
	return p
}

// Unmask turns patient placeholders in a model's answer back into ids, so
// the analyst reads real ids (the answer stays inside Vigil).
func (m *Masker) Unmask(s string) string {
	for id, p := range m.patients {
		s = regexp.MustCompile(`\b`+regexp.QuoteMeta(p)+`\b`).ReplaceAllString(s, id)
	}
	return s
}

// IsLocalURL reports whether the model server is on this machine or a
// private network (then PHI masking defaults to off).
func IsLocalURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate())
}
