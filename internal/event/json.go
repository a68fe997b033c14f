package event

import (
	"encoding/json"
	"time"
)

// View is the JSON shape of an Event in the API and in exports. Fields maps a
// key to a string, or to a list of strings when the key repeats.
type View struct {
	ID       string         `json:"id"`
	Time     time.Time      `json:"time"`
	Ingested time.Time      `json:"ingested"`
	Format   Format         `json:"format"`
	Entities Entities       `json:"entities"`
	Fields   map[string]any `json:"fields"`
}

// View returns the API form of e (without the raw bytes).
func (e *Event) View() View {
	return View{ID: e.ID, Time: e.Time, Ingested: e.Ingested, Format: e.Format,
		Entities: e.Entities, Fields: e.FieldMap()}
}

// FieldMap groups the fields by key: a single value stays a string, repeated
// keys become []string in source order.
func (e *Event) FieldMap() map[string]any {
	m := make(map[string]any, len(e.Fields))
	for _, f := range e.Fields {
		switch cur := m[f.Key].(type) {
		case nil:
			m[f.Key] = f.Value
		case string:
			m[f.Key] = []string{cur, f.Value}
		case []string:
			m[f.Key] = append(cur, f.Value)
		}
	}
	return m
}

// FieldsJSON is the JSON encoding of FieldMap, as stored for search.
func (e *Event) FieldsJSON() []byte {
	b, _ := json.Marshal(e.FieldMap()) // map[string]string|[]string cannot fail
	return b
}
