// Package auth holds Vigil's API authentication and role-based access
// control: bearer tokens (only their SHA-256 is stored), the fixed set of
// roles and the one permission matrix every API route is checked against.
//
// The matrix (also the table in rolePerms below — keep them identical):
//
//	permission        ingest viewer analyst responder auditor admin clinical_engineering
//	events:write        x                                      x
//	events:read                x      x        x        x      x      x
//	phi:read                          x        x               x
//	findings:read              x      x        x        x      x      x
//	incidents:read             x      x        x        x      x      x
//	incidents:write                   x        x               x
//	dlq:read                          x        x               x
//	dlq:write                                                  x
//	audit:read                                          x      x
//	tokens:manage                                              x
//	rules:manage                                               x
//	actions:approve                            x               x      x
//	metrics:read               x      x        x        x      x      x
//	context:write       x                                      x
//
// Roles without phi:read see patient identifiers masked. clinical_engineering
// approves (or denies) response actions held by the patient-safety guard,
// e.g. isolating a networked infusion pump.
package auth

import (
	"fmt"
	"strings"
)

// Role is a named set of permissions.
type Role string

// The roles. A token has exactly one.
const (
	RoleIngest    Role = "ingest"
	RoleViewer    Role = "viewer"
	RoleAnalyst   Role = "analyst"
	RoleResponder Role = "responder"
	RoleAuditor   Role = "auditor"
	RoleAdmin     Role = "admin"
	// RoleClinicalEngineering approves actions on medical devices.
	RoleClinicalEngineering Role = "clinical_engineering"
)

// Permission is one capability checked by an API route.
type Permission string

// The permissions.
const (
	EventsWrite    Permission = "events:write"
	EventsRead     Permission = "events:read"
	PHIRead        Permission = "phi:read" // see patient identifiers unmasked
	FindingsRead   Permission = "findings:read"
	IncidentsRead  Permission = "incidents:read"
	IncidentsWrite Permission = "incidents:write"
	DLQRead        Permission = "dlq:read"
	DLQWrite       Permission = "dlq:write" // replay / delete
	AuditRead      Permission = "audit:read"
	TokensManage   Permission = "tokens:manage"
	RulesManage    Permission = "rules:manage"
	ActionsApprove Permission = "actions:approve"
	MetricsRead    Permission = "metrics:read"
	ContextWrite   Permission = "context:write" // import hospital context files
)

// AllPermissions lists every permission, in the order of the matrix.
var AllPermissions = []Permission{
	EventsWrite, EventsRead, PHIRead, FindingsRead, IncidentsRead, IncidentsWrite,
	DLQRead, DLQWrite, AuditRead, TokensManage, RulesManage, ActionsApprove, MetricsRead,
	ContextWrite,
}

// AllRoles lists every role.
var AllRoles = []Role{RoleIngest, RoleViewer, RoleAnalyst, RoleResponder, RoleAuditor, RoleAdmin,
	RoleClinicalEngineering}

// rolePerms is the permission matrix: the one place that decides who may do
// what (admin = every permission).
var rolePerms = map[Role][]Permission{
	RoleIngest:              {EventsWrite, ContextWrite},
	RoleViewer:              {EventsRead, FindingsRead, IncidentsRead, MetricsRead},
	RoleAnalyst:             {EventsRead, FindingsRead, IncidentsRead, MetricsRead, PHIRead, IncidentsWrite, DLQRead},
	RoleResponder:           {EventsRead, FindingsRead, IncidentsRead, MetricsRead, PHIRead, IncidentsWrite, DLQRead, ActionsApprove},
	RoleAuditor:             {AuditRead, EventsRead, FindingsRead, IncidentsRead, MetricsRead},
	RoleAdmin:               AllPermissions,
	RoleClinicalEngineering: {ActionsApprove, IncidentsRead, FindingsRead, EventsRead, MetricsRead},
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	_, ok := rolePerms[r]
	return ok
}

// Has reports whether role r grants perm. Unknown roles grant nothing.
func (r Role) Has(perm Permission) bool {
	for _, p := range rolePerms[r] {
		if p == perm {
			return true
		}
	}
	return false
}

// Permissions returns a copy of the permissions r grants (nil if unknown).
func (r Role) Permissions() []Permission {
	ps := rolePerms[r]
	if ps == nil {
		return nil
	}
	return append([]Permission(nil), ps...)
}

// ParseRole parses a role name (case-insensitive, surrounding space ignored);
// the error lists the valid roles.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if r.Valid() {
		return r, nil
	}
	names := make([]string, len(AllRoles))
	for i, v := range AllRoles {
		names[i] = string(v)
	}
	return "", fmt.Errorf("unknown role %q (valid roles: %s)", s, strings.Join(names, ", "))
}

// Principal is the authenticated caller of a request.
type Principal struct {
	TokenID, Name string
	Role          Role
}

// Can reports whether the principal's role grants perm.
func (p Principal) Can(perm Permission) bool { return p.Role.Has(perm) }
