package hospital

import (
	"slices"
	"strings"
)

// build indexes a copy of r into a new immutable Context.
func build(r *records, version string) *Context {
	c := &Context{version: version,
		staffByUser: make(map[string]*Staff, len(r.staff)), staffByEmp: make(map[string]*Staff, len(r.staff)),
		staffByName: map[string][]*Staff{}, assets: make(map[string]*Asset, 4*len(r.assets)),
		patients: make(map[string]*Patient, len(r.patients)), encByPatient: make(map[string][]*Encounter),
		encByEmp: map[string][]*Encounter{}, teamsByPatient: map[string][]*CareTeam{},
		relByPatient: map[string][]*RelatedPerson{}, condByPatient: map[string][]*Condition{},
		counts: map[Kind]int{KindStaff: len(r.staff), KindAssets: len(r.assets), KindPatient: len(r.patients),
			KindPractitioner: len(r.practitioners), KindPractitionerRole: len(r.roles),
			KindEncounter: len(r.encounters), KindCareTeam: len(r.careTeams), KindRelatedPerson: len(r.related),
			KindCondition: len(r.conditions)}}
	buildStaff(c, r)
	for _, a := range r.assets {
		a.Kind, a.Vendor, a.Model, a.Department = intern(a.Kind), intern(a.Vendor), intern(a.Model), intern(a.Department)
		p := &a
		for _, k := range []string{a.ID, a.Hostname, a.IP, a.MAC} {
			if k != "" {
				c.assets[k] = p
			}
		}
	}
	for id, p := range r.patients {
		p.Address.City, p.Address.PostalCode = intern(p.Address.City), intern(p.Address.PostalCode)
		p.NameKey, p.AddrKey = NameKey(p.Given, p.Family), AddressKey(p.Address)
		c.patients[id] = &p
	}
	for _, e := range r.encounters {
		e.Department = intern(e.Department)
		if e.Start.After(c.latestStart) {
			c.latestStart = e.Start
		}
		p := &e
		c.encByPatient[e.PatientID] = append(c.encByPatient[e.PatientID], p)
		for _, emp := range e.Participants {
			c.encByEmp[emp] = append(c.encByEmp[emp], p)
		}
	}
	byStart := func(a, b *Encounter) int { return a.Start.Compare(b.Start) }
	for _, l := range c.encByPatient {
		slices.SortFunc(l, byStart)
	}
	for _, l := range c.encByEmp {
		slices.SortFunc(l, byStart)
	}
	for _, t := range r.careTeams {
		c.teamsByPatient[t.PatientID] = append(c.teamsByPatient[t.PatientID], &t)
	}
	for _, p := range r.related {
		p.Relationship = intern(p.Relationship)
		c.relByPatient[p.PatientID] = append(c.relByPatient[p.PatientID], &p)
	}
	for _, d := range r.conditions {
		d.Code, d.Text = intern(d.Code), intern(d.Text)
		c.condByPatient[d.PatientID] = append(c.condByPatient[d.PatientID], &d)
	}
	return c
}

// buildStaff merges staff.csv rows (authoritative) with FHIR Practitioner
// and PractitionerRole (used where the roster has no row or no value).
func buildStaff(c *Context, r *records) {
	all := make(map[string]Staff, len(r.staff)+len(r.practitioners))
	for id, s := range r.staff {
		all[id] = s
	}
	for id, p := range r.practitioners {
		s := all[id]
		s.EmployeeID = id
		if s.UserID == "" {
			s.UserID = p.UserID
		}
		if s.FirstName == "" && s.LastName == "" {
			s.FirstName, s.LastName = p.Given, p.Family
		}
		all[id] = s
	}
	for _, pr := range r.roles {
		s, ok := all[pr.PractitionerID]
		if !ok {
			continue
		}
		if s.Role == "" {
			s.Role = pr.Role
		}
		if s.Department == "" {
			s.Department = pr.Department
		}
		all[pr.PractitionerID] = s
	}
	for _, s := range all {
		if s.UserID == "" {
			continue
		}
		s.Role, s.Department = intern(strings.ToLower(s.Role)), intern(s.Department)
		s.Address.City, s.Address.PostalCode = intern(s.Address.City), intern(s.Address.PostalCode)
		s.NameKey, s.AddrKey = NameKey(s.FirstName, s.LastName), AddressKey(s.Address)
		p := &s
		c.staffByUser[s.UserID] = p
		c.staffByEmp[s.EmployeeID] = p
		c.staffByName[s.NameKey] = append(c.staffByName[s.NameKey], p)
	}
}
