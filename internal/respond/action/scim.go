package action

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// SCIMContentType is the SCIM 2.0 media type (RFC 7644 §3.1).
const SCIMContentType = "application/scim+json"

// SCIM disables or enables a user at a SCIM 2.0 service provider: it looks
// the user up by userName (GET /Users?filter=userName eq "…") and sends
// PATCH /Users/{id} with a PatchOp replacing active (RFC 7644 §3.5.2).
type SCIM struct {
	base  string
	token Secret
}

// NewSCIM returns a SCIM connector for the service provider at base.
func NewSCIM(base string, token Secret) *SCIM {
	return &SCIM{base: strings.TrimRight(base, "/"), token: token}
}

// Kinds implements Connector.
func (s *SCIM) Kinds() []string { return []string{"scim.disable", "scim.enable"} }

func (s *SCIM) headers() map[string]string {
	h := map[string]string{"Accept": SCIMContentType, "Content-Type": SCIMContentType}
	if s.token.Set() {
		h["Authorization"] = "Bearer " + s.token.Value()
	}
	return h
}

// Execute implements Connector.
func (s *SCIM) Execute(ctx context.Context, r Request) (string, error) {
	user := r.Params["user"]
	if user == "" || strings.ContainsAny(user, "\"\\") {
		return "", fmt.Errorf("scim: bad user name %q", user)
	}
	id, err := s.lookup(ctx, user)
	if err != nil {
		return "", err
	}
	patch := map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "active", "value": r.Kind == "scim.enable"}},
	}
	body, _ := json.Marshal(patch)
	if _, err := doHTTP(ctx, "PATCH", s.base+"/Users/"+url.PathEscape(id), body, s.headers()); err != nil {
		return "", fmt.Errorf("scim: %w", err)
	}
	return "scim user " + id, nil
}

// lookup finds the SCIM id of the user with userName.
func (s *SCIM) lookup(ctx context.Context, user string) (string, error) {
	q := url.Values{"filter": {fmt.Sprintf("userName eq %q", user)}}
	data, err := doHTTP(ctx, "GET", s.base+"/Users?"+q.Encode(), nil, s.headers())
	if err != nil {
		return "", fmt.Errorf("scim: %w", err)
	}
	var lr struct {
		TotalResults int `json:"totalResults"`
		Resources    []struct {
			ID string `json:"id"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal(data, &lr); err != nil {
		return "", fmt.Errorf("scim: list response: %w", err)
	}
	if len(lr.Resources) != 1 || lr.Resources[0].ID == "" {
		return "", fmt.Errorf("scim: userName %q matched %d users, want 1", user, len(lr.Resources))
	}
	return lr.Resources[0].ID, nil
}
