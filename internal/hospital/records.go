package hospital

import (
	"encoding/json"
	"fmt"
)

// records is the mutable set of everything imported, keyed per kind by the
// record's id (employee_id for staff, asset_id for assets, the FHIR id
// otherwise). Only the Holder touches it, under its lock.
type records struct {
	staff         map[string]Staff
	assets        map[string]Asset
	patients      map[string]Patient
	practitioners map[string]Practitioner
	roles         map[string]PractitionerRole
	encounters    map[string]Encounter
	careTeams     map[string]CareTeam
	related       map[string]RelatedPerson
	conditions    map[string]Condition
}

func newRecords() *records {
	return &records{staff: map[string]Staff{}, assets: map[string]Asset{}, patients: map[string]Patient{},
		practitioners: map[string]Practitioner{}, roles: map[string]PractitionerRole{},
		encounters: map[string]Encounter{}, careTeams: map[string]CareTeam{},
		related: map[string]RelatedPerson{}, conditions: map[string]Condition{}}
}

// upsert stores one parsed item (replacing the record with the same id).
func (r *records) upsert(it Item) {
	switch v := it.Value.(type) {
	case Staff:
		r.staff[it.ID] = v
	case Asset:
		r.assets[it.ID] = v
	case Patient:
		r.patients[it.ID] = v
	case Practitioner:
		r.practitioners[it.ID] = v
	case PractitionerRole:
		r.roles[it.ID] = v
	case Encounter:
		r.encounters[it.ID] = v
	case CareTeam:
		r.careTeams[it.ID] = v
	case RelatedPerson:
		r.related[it.ID] = v
	case Condition:
		r.conditions[it.ID] = v
	}
}

// decodeItem turns a stored record back into an Item of kind k.
func decodeItem(k Kind, id string, data []byte) (Item, error) {
	var (
		v   any
		err error
	)
	switch k {
	case KindStaff:
		v, err = decodeAs[Staff](data)
	case KindAssets:
		v, err = decodeAs[Asset](data)
	case KindPatient:
		v, err = decodeAs[Patient](data)
	case KindPractitioner:
		v, err = decodeAs[Practitioner](data)
	case KindPractitionerRole:
		v, err = decodeAs[PractitionerRole](data)
	case KindEncounter:
		v, err = decodeAs[Encounter](data)
	case KindCareTeam:
		v, err = decodeAs[CareTeam](data)
	case KindRelatedPerson:
		v, err = decodeAs[RelatedPerson](data)
	case KindCondition:
		v, err = decodeAs[Condition](data)
	default:
		return Item{}, fmt.Errorf("unknown kind %q", k)
	}
	if err != nil {
		return Item{}, fmt.Errorf("stored %s %s: %w", k, id, err)
	}
	return Item{ID: id, Value: v}, nil
}

func decodeAs[T any](data []byte) (T, error) {
	var v T
	err := json.Unmarshal(data, &v)
	return v, err
}
