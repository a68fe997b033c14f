// Package store is Vigil's persistence contract: events (searchable),
// findings, incidents, API tokens and the audit chain. Two implementations,
// store/sqlite (embedded default, modernc.org/sqlite) and store/postgres
// (pgx), pass the same suite in store/storetest.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/query"
)

// ErrNotFound is returned (wrapped) when a lookup by id finds nothing.
var ErrNotFound = errors.New("not found")

// Store is safe for concurrent use. Every write is idempotent by id.
type Store interface {
	Events
	Findings
	Incidents
	Tokens
	Audit
	ContextRecords
	Responses
	// Ping reports whether the database answers (readiness).
	Ping(ctx context.Context) error
	Close() error
}

// Events stores decoded events for search.
type Events interface {
	// InsertEvents stores events whose id is not yet stored and returns how
	// many were new. Events already present are left untouched.
	InsertEvents(ctx context.Context, evs []*event.Event) (inserted int, err error)
	// GetEvent returns the event with that id (Raw included) or ErrNotFound.
	GetEvent(ctx context.Context, id string) (*event.Event, error)
	// SearchEvents returns events matching q, newest first, with a cursor for
	// the next page ("" when there is none).
	SearchEvents(ctx context.Context, q EventQuery) (EventPage, error)
	// CountEvents counts events matching q (Limit and Cursor ignored).
	CountEvents(ctx context.Context, q EventQuery) (int64, error)
	// DeleteEventsBefore removes events older than t (retention) and
	// returns how many went.
	DeleteEventsBefore(ctx context.Context, t time.Time) (int64, error)
}

// EventQuery selects events. Zero From/To mean unbounded; To is exclusive.
type EventQuery struct {
	Filter query.Query // parsed q; zero value matches everything
	From   time.Time
	To     time.Time
	Limit  int    // 1..MaxLimit; 0 means DefaultLimit
	Cursor string // opaque, from a previous EventPage.Next
}

// Paging limits shared by all list calls.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// EventPage is one page of search results.
type EventPage struct {
	Events []*event.Event
	Next   string
}

// Findings stores detector output.
type Findings interface {
	// PutFindings stores findings whose id is new; returns how many were new.
	PutFindings(ctx context.Context, fs []finding.Finding) (inserted int, err error)
	GetFinding(ctx context.Context, id string) (finding.Finding, error)
	ListFindings(ctx context.Context, q FindingQuery) (FindingPage, error)
}

// FindingQuery selects findings, newest first.
type FindingQuery struct {
	Detector    string
	RuleID      string
	MinSeverity finding.Severity // "" = any
	Entity      string           // matches any entity key exactly
	From, To    time.Time
	Limit       int
	Cursor      string
}

// FindingPage is one page of findings.
type FindingPage struct {
	Findings []finding.Finding
	Next     string
}

// Incident is the stored form of an incident. Its logic lives in
// internal/incident (another issue); the store only keeps it.
type Incident struct {
	ID         string           `json:"id"`
	Title      string           `json:"title"`
	Status     string           `json:"status"` // new, investigating, contained, resolved, false_positive
	Severity   finding.Severity `json:"severity"`
	Assignee   string           `json:"assignee,omitempty"`
	Created    time.Time        `json:"created"`
	Updated    time.Time        `json:"updated"`
	FindingIDs []string         `json:"finding_ids"`
	Entities   []string         `json:"entities"`
	Data       []byte           `json:"-"` // incident-package-owned JSON document
}

// Incidents stores incidents.
type Incidents interface {
	// UpsertIncident inserts or replaces the incident with that id.
	UpsertIncident(ctx context.Context, inc Incident) error
	GetIncident(ctx context.Context, id string) (Incident, error)
	ListIncidents(ctx context.Context, q IncidentQuery) (IncidentPage, error)
}

// IncidentQuery selects incidents, most recently updated first.
type IncidentQuery struct {
	Status   string
	Severity string // exact severity, "" = any
	Assignee string // exact assignee, "" = any
	Entity   string // an element of Entities ("kind:value"), "" = any
	Limit    int
	Cursor   string
}

// IncidentPage is one page of incidents.
type IncidentPage struct {
	Incidents []Incident
	Next      string
}

// Token is an API token as stored: only the SHA-256 of the secret is kept.
type Token struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Role     string     `json:"role"`
	Hash     []byte     `json:"-"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used,omitempty"`
	Revoked  *time.Time `json:"revoked,omitempty"`
}

// Tokens stores API tokens.
type Tokens interface {
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash returns the token (revoked ones too) or ErrNotFound.
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	ListTokens(ctx context.Context) ([]Token, error)
	// RevokeToken marks the token revoked (by id or by name); ErrNotFound
	// when no such token exists.
	RevokeToken(ctx context.Context, idOrName string, at time.Time) error
	TouchToken(ctx context.Context, id string, at time.Time) error
}

// AuditRecord is one entry of the hash-chained audit log. Seq starts at 1.
// Hash = audit.Hash(record with Hash empty) and covers PrevHash, so changing
// any stored entry breaks the chain from there on.
type AuditRecord struct {
	Seq      int64     `json:"seq"`
	Time     time.Time `json:"time"`
	Actor    string    `json:"actor"`  // token name (id) or "system"/"cli"
	Role     string    `json:"role"`   // role of the actor
	Action   string    `json:"action"` // e.g. "POST /api/v1/events"
	Target   string    `json:"target,omitempty"`
	Status   int       `json:"status,omitempty"` // HTTP status when from the API
	Detail   string    `json:"detail,omitempty"` // JSON or text, no secrets, no PHI
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// Audit persists the audit chain. AppendAudit assigns Seq and PrevHash from
// the current last record and Hash via seal, atomically with respect to other
// appends (also from other processes sharing the database).
type Audit interface {
	AppendAudit(ctx context.Context, rec AuditRecord, seal func(*AuditRecord)) (AuditRecord, error)
	// ListAudit returns records with Seq > after, ascending, at most limit.
	ListAudit(ctx context.Context, after int64, limit int) ([]AuditRecord, error)
}

// ContextRecord is one hospital context record (internal/hospital) as
// persisted: its kind (Patient, staff, …, or "_meta"), id and JSON value.
type ContextRecord struct {
	Kind string
	ID   string
	Data []byte
}

// ContextRecords persists the hospital context so it survives a restart.
type ContextRecords interface {
	// UpsertContextRecords inserts or replaces records by (kind, id), atomically.
	UpsertContextRecords(ctx context.Context, recs []ContextRecord) error
	// ListContextRecords calls fn for every record of kind, by id; an error
	// from fn stops the listing and is returned.
	ListContextRecords(ctx context.Context, kind string, fn func(ContextRecord) error) error
}

// ErrConflict is returned (wrapped) when a conditional update finds the row
// changed since it was read (another decision or worker got there first).
var ErrConflict = errors.New("conflict")

// Approval is a request for human approval of one or more response actions
// (internal/respond owns its logic; the store keeps it).
type Approval struct {
	ID         string             `json:"id"`
	IncidentID string             `json:"incident_id,omitempty"`
	FindingID  string             `json:"finding_id,omitempty"`
	Playbook   string             `json:"playbook"`
	Step       string             `json:"step"`
	Reason     string             `json:"reason"`            // why approval is needed
	Context    string             `json:"context,omitempty"` // clinical context shown to the approver
	Roles      []string           `json:"roles"`             // roles allowed to decide
	Quorum     int                `json:"quorum"`            // distinct approvals needed
	Requester  string             `json:"requester"`         // cannot approve its own request
	Status     string             `json:"status"`            // pending, approved, denied, expired
	Created    time.Time          `json:"created"`
	Expires    time.Time          `json:"expires"`
	Decided    time.Time          `json:"decided,omitzero"`
	Decisions  []ApprovalDecision `json:"decisions"`
	ActionIDs  []string           `json:"action_ids"`
	Version    int                `json:"version"` // bumped by every update
}

// ApprovalDecision is one approver's vote.
type ApprovalDecision struct {
	Actor    string    `json:"actor"`
	Role     string    `json:"role"`
	Decision string    `json:"decision"` // approve, deny
	Reason   string    `json:"reason"`
	Time     time.Time `json:"time"`
}

// Action is one response action: requested, maybe gated by an approval,
// then executed (or recorded only, in dry-run).
type Action struct {
	ID          string            `json:"id"`
	IncidentID  string            `json:"incident_id"`
	FindingID   string            `json:"finding_id"`
	Playbook    string            `json:"playbook"`
	Step        string            `json:"step"`
	Action      string            `json:"action"`    // action kind, e.g. scim.disable
	Connector   string            `json:"connector"` // actions-file connector name
	Target      string            `json:"target"`    // kind:value
	Params      map[string]string `json:"params,omitempty"`
	Status      string            `json:"status"` // queued, running, succeeded, failed, pending_approval, denied, expired, dry_run, skipped
	DryRun      bool              `json:"dry_run"`
	ApprovalID  string            `json:"approval_id,omitempty"`
	Retries     int               `json:"retries"`
	Backoff     time.Duration     `json:"backoff"`
	Timeout     time.Duration     `json:"timeout"`
	Attempts    int               `json:"attempts"`
	RequestedAt time.Time         `json:"requested_at"`
	ExecutedAt  time.Time         `json:"executed_at,omitzero"`
	ClaimedAt   time.Time         `json:"claimed_at,omitzero"`     // when a worker took it (running)
	FirstEvent  time.Time         `json:"first_event_at,omitzero"` // time of the subject's first evidence event (MTTR)
	Result      string            `json:"result,omitempty"`        // e.g. the ticket id
	Error       string            `json:"error"`
	Version     int               `json:"version"`
}

// ResponseQuery selects approvals or actions, newest first.
type ResponseQuery struct {
	Status     string
	IncidentID string
	Limit      int
	Cursor     string
}

// ApprovalPage is one page of approvals.
type ApprovalPage struct {
	Approvals []Approval
	Next      string
}

// ActionPage is one page of actions.
type ActionPage struct {
	Actions []Action
	Next    string
}

// Responses stores approvals and actions of the automated response.
// Updates are conditional on Version (optimistic concurrency): the stored
// row must still have the Version the caller read, else ErrConflict; the
// stored Version becomes Version+1.
type Responses interface {
	// InsertApproval stores a new approval; false when the id exists.
	InsertApproval(ctx context.Context, a Approval) (bool, error)
	UpdateApproval(ctx context.Context, a Approval) error
	GetApproval(ctx context.Context, id string) (Approval, error)
	ListApprovals(ctx context.Context, q ResponseQuery) (ApprovalPage, error)
	// InsertAction stores a new action; false when the id exists.
	InsertAction(ctx context.Context, a Action) (bool, error)
	UpdateAction(ctx context.Context, a Action) error
	GetAction(ctx context.Context, id string) (Action, error)
	ListActions(ctx context.Context, q ResponseQuery) (ActionPage, error)
}
