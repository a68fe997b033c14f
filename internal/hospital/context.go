package hospital

import (
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unique"
)

// Context is an immutable, indexed snapshot of the hospital context. All
// methods are safe for concurrent use; returned pointers and slices must not
// be modified. A nil *Context is valid and knows nothing.
type Context struct {
	version        string
	staffByUser    map[string]*Staff
	staffByEmp     map[string]*Staff
	staffByName    map[string][]*Staff // NameKey(first, last)
	assets         map[string]*Asset   // by asset_id, hostname, ip and mac
	patients       map[string]*Patient
	encByPatient   map[string][]*Encounter // sorted by Start
	encByEmp       map[string][]*Encounter // sorted by Start
	teamsByPatient map[string][]*CareTeam
	relByPatient   map[string][]*RelatedPerson
	condByPatient  map[string][]*Condition
	counts         map[Kind]int
	latestStart    time.Time // latest encounter start
}

// LatestEncounterStart is the start of the newest encounter known: the
// context records care up to then (zero when there are no encounters).
func (c *Context) LatestEncounterStart() time.Time {
	if c == nil {
		return time.Time{}
	}
	return c.latestStart
}

// Version identifies the imports this snapshot was built from ("" = empty).
func (c *Context) Version() string {
	if c == nil {
		return ""
	}
	return c.version
}

// Counts returns the number of records per kind.
func (c *Context) Counts() map[Kind]int {
	if c == nil {
		return map[Kind]int{}
	}
	return maps.Clone(c.counts)
}

// Staff returns the employee with that login name.
func (c *Context) Staff(userID string) (Staff, bool) {
	if s := c.StaffRef(userID); s != nil {
		return *s, true
	}
	return Staff{}, false
}

// StaffRef is Staff without the copy (nil when unknown).
func (c *Context) StaffRef(userID string) *Staff {
	if c == nil {
		return nil
	}
	return c.staffByUser[userID]
}

// StaffByEmployee returns the employee with that employee_id (nil when unknown).
func (c *Context) StaffByEmployee(id string) *Staff {
	if c == nil {
		return nil
	}
	return c.staffByEmp[id]
}

// StaffNamed returns the employees whose first and last name are these
// (compared by NameKey).
func (c *Context) StaffNamed(first, last string) []*Staff {
	if c == nil {
		return nil
	}
	return c.staffByName[NameKey(first, last)]
}

// StaffByNameKey returns the employees whose NameKey is key.
func (c *Context) StaffByNameKey(key string) []*Staff {
	if c == nil {
		return nil
	}
	return c.staffByName[key]
}

// Asset finds a device by asset_id, hostname (case-insensitive), ip or mac.
func (c *Context) Asset(key string) (Asset, bool) {
	if c == nil || key == "" {
		return Asset{}, false
	}
	a := c.assets[key]
	if a == nil {
		a = c.assets[strings.ToLower(key)]
	}
	if a == nil {
		return Asset{}, false
	}
	return *a, true
}

// Patient returns the patient with that id (nil when unknown).
func (c *Context) Patient(id string) *Patient {
	if c == nil {
		return nil
	}
	return c.patients[id]
}

// Encounters returns the patient's encounters by start time.
func (c *Context) Encounters(patientID string) []*Encounter {
	if c == nil {
		return nil
	}
	return c.encByPatient[patientID]
}

// CareTeams returns the patient's care teams.
func (c *Context) CareTeams(patientID string) []*CareTeam {
	if c == nil {
		return nil
	}
	return c.teamsByPatient[patientID]
}

// RelatedPersons returns the patient's related persons.
func (c *Context) RelatedPersons(patientID string) []*RelatedPerson {
	if c == nil {
		return nil
	}
	return c.relByPatient[patientID]
}

// Conditions returns the patient's conditions.
func (c *Context) Conditions(patientID string) []*Condition {
	if c == nil {
		return nil
	}
	return c.condByPatient[patientID]
}

// ActiveEncounter reports an encounter in progress at t of which the user
// is a participant.
func (c *Context) ActiveEncounter(userID string, t time.Time) (string, bool) {
	s := c.StaffRef(userID)
	if s == nil {
		return "", false
	}
	encs := c.encByEmp[s.EmployeeID]
	// encounters starting after t cannot be in progress: search the prefix.
	n, _ := slices.BinarySearchFunc(encs, t, func(e *Encounter, t time.Time) int {
		if e.Start.After(t) {
			return 1
		}
		return -1
	})
	for i := n - 1; i >= 0; i-- {
		if e := encs[i]; e.End.IsZero() || !e.End.Before(t) {
			return e.ID, true
		}
	}
	return "", false
}

// EncountersOf returns the encounters the employee took part in, by start.
func (c *Context) EncountersOf(employeeID string) []*Encounter {
	if c == nil {
		return nil
	}
	return c.encByEmp[employeeID]
}

// NameKey normalises a person's name for comparison: lower case, letters
// and digits only, given names then family name.
func NameKey(first, last string) string {
	return NormalizeName(first) + "|" + NormalizeName(last)
}

// NormalizeName lower-cases s and keeps letters and digits.
func NormalizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// AddressKey normalises an address for household comparison ("" when the
// line is unknown).
func AddressKey(a Address) string {
	if strings.TrimSpace(a.Line) == "" {
		return ""
	}
	return NormalizeName(a.Line) + "|" + NormalizeName(a.PostalCode)
}

// intern returns the canonical copy of a short, often repeated string.
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

// earthRadius is the mean Earth radius in metres (IUGG).
const earthRadius = 6371008.8

// DistanceMeters is the great-circle (haversine) distance between two known
// points, or -1 when either is unknown.
func DistanceMeters(a, b Geo) float64 {
	if !a.OK || !b.OK {
		return -1
	}
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}
