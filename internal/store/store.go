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
