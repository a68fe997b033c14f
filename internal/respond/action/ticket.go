package action

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Ticket creates a ticket with a generic REST POST of JSON
// {"title","description","priority","incident_id","action_id"} and returns
// the id the server answers in idField (default "id").
type Ticket struct {
	url     string
	token   Secret
	idField string
}

// NewTicket returns a ticket connector.
func NewTicket(url string, token Secret, idField string) *Ticket {
	if idField == "" {
		idField = "id"
	}
	return &Ticket{url: url, token: token, idField: idField}
}

// Kinds implements Connector.
func (t *Ticket) Kinds() []string { return []string{"ticket"} }

// Execute implements Connector.
func (t *Ticket) Execute(ctx context.Context, r Request) (string, error) {
	body, _ := json.Marshal(map[string]string{"title": r.Params["title"], "description": r.Params["description"],
		"priority": r.Params["priority"], "incident_id": r.IncidentID, "action_id": r.ID})
	h := map[string]string{"Content-Type": "application/json", "Accept": "application/json"}
	if t.token.Set() {
		h["Authorization"] = "Bearer " + t.token.Value()
	}
	data, err := doHTTP(ctx, "POST", t.url, body, h)
	if err != nil {
		return "", fmt.Errorf("ticket: %w", err)
	}
	var ans map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numeric ids as written
	if err := dec.Decode(&ans); err != nil {
		return "", fmt.Errorf("ticket: answer is not JSON: %w", err)
	}
	id, ok := ans[t.idField]
	if !ok || fmt.Sprint(id) == "" {
		return "", fmt.Errorf("ticket: answer has no %q field", t.idField)
	}
	return fmt.Sprint(id), nil
}
