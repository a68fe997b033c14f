package storeutil

import (
	"encoding/json"
	"fmt"

	"github.com/vigil-soc/vigil/internal/store"
)

// DocRow is how approvals and actions are stored: a few indexed columns
// and the whole record as JSON.
type DocRow struct {
	ID, Status, IncidentID string
	Time                   int64
	Version                int // the version the row will hold
	Data                   string
}

// ApprovalRow is the row of a with the given stored version.
func ApprovalRow(a store.Approval, version int) DocRow {
	a.Version = version
	return DocRow{ID: a.ID, Status: a.Status, IncidentID: a.IncidentID, Time: Nanos(a.Created),
		Version: version, Data: mustDoc(a)}
}

// ActionRow is the row of a with the given stored version.
func ActionRow(a store.Action, version int) DocRow {
	a.Version = version
	return DocRow{ID: a.ID, Status: a.Status, IncidentID: a.IncidentID, Time: Nanos(a.RequestedAt),
		Version: version, Data: mustDoc(a)}
}

func mustDoc(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings, times and ints
	}
	return string(b)
}

// DecodeDoc unmarshals a stored JSON document into v.
func DecodeDoc(data string, v any) error {
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return fmt.Errorf("decode stored record: %w", err)
	}
	return nil
}
