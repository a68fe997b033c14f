// Package hospital is Vigil's hospital context: who works here (staff.csv,
// FHIR Practitioner / PractitionerRole), which patients, encounters, care
// teams, related persons and conditions the EHR knows (FHIR R4 Bulk Data
// NDJSON), and which devices exist (assets.csv). It parses those files with
// row-level error reports, keeps the records, and publishes an immutable,
// indexed snapshot (*Context) that detectors read; a Holder swaps in a new
// snapshot atomically after every import.
package hospital

import "time"

// Kind names one kind of context file / record.
type Kind string

// The context kinds.
const (
	KindPatient          Kind = "Patient"
	KindPractitioner     Kind = "Practitioner"
	KindPractitionerRole Kind = "PractitionerRole"
	KindEncounter        Kind = "Encounter"
	KindCareTeam         Kind = "CareTeam"
	KindRelatedPerson    Kind = "RelatedPerson"
	KindCondition        Kind = "Condition"
	KindStaff            Kind = "staff"
	KindAssets           Kind = "assets"
)

// AllKinds lists the kinds in load order (people before what refers to them).
var AllKinds = []Kind{KindStaff, KindAssets, KindPractitioner, KindPractitionerRole, KindPatient,
	KindRelatedPerson, KindEncounter, KindCareTeam, KindCondition}

// Geo is a point in decimal degrees; OK is false when unknown.
type Geo struct {
	Lat, Lon float64
	OK       bool
}

// Address is a postal address, as given.
type Address struct {
	Line, City, PostalCode string
}

// Staff is one employee: a staff.csv row, or assembled from FHIR Practitioner
// and PractitionerRole when there is no roster row.
type Staff struct {
	EmployeeID string
	UserID     string // login name used in events
	FirstName  string
	LastName   string
	Role       string // lower-case role word (physician, nurse, him, …)
	Department string
	Address    Address
	Home       Geo
	HireDate   time.Time // zero = unknown
	Terminated time.Time // zero = employed
	ManagerID  string
	FromRoster bool // true when from staff.csv (authoritative over FHIR)
	// NameKey and AddrKey are NameKey(first, last) and AddressKey(address),
	// filled in snapshots (not stored).
	NameKey, AddrKey string `json:"-"`
}

// Asset is one device from assets.csv.
type Asset struct {
	ID, Hostname, IP, MAC string
	Kind, Vendor, Model   string
	Department            string
	Criticality           int // 1 life-sustaining … 4 office
}

// Person is a name with a relationship (patient contacts).
type Person struct {
	Family, Given, Relationship string
}

// Patient is a FHIR Patient.
type Patient struct {
	ID         string
	MRN        string
	Family     string
	Given      string
	Address    Address
	Home       Geo
	BirthDate  time.Time
	Deceased   bool
	DeceasedAt time.Time // zero when unknown or alive
	// Confidentiality is the strongest meta.security confidentiality code:
	// "V" (very restricted), "R" (restricted) or "".
	Confidentiality string
	Contacts        []Person
	// NameKey and AddrKey are NameKey(given, family) and AddressKey(address),
	// filled in snapshots (not stored).
	NameKey, AddrKey string `json:"-"`
}

// Practitioner is a FHIR Practitioner (id = employee_id).
type Practitioner struct {
	ID, UserID, Family, Given string
}

// PractitionerRole links a practitioner to a role and a department.
type PractitionerRole struct {
	ID, PractitionerID, Role, Department string
}

// Encounter is a FHIR Encounter; End zero = in progress.
type Encounter struct {
	ID           string
	PatientID    string
	Participants []string // employee ids
	Start, End   time.Time
	Department   string
}

// CareTeam is a FHIR CareTeam; End zero = open.
type CareTeam struct {
	ID         string
	PatientID  string
	Members    []string // employee ids
	Start, End time.Time
}

// RelatedPerson is a FHIR RelatedPerson of a patient.
type RelatedPerson struct {
	ID, PatientID, Family, Given, Relationship string
	Address                                    Address
}

// Condition is a FHIR Condition: a diagnosis code of a patient.
type Condition struct {
	ID, PatientID, Code, Text, EncounterID string
}
