// Package api is Vigil's HTTP API: event ingest and search, findings,
// incidents, the dead-letter queue, the audit log, token management, rule
// reloads, health and metrics. Every route except /healthz and /readyz needs
// a bearer token (internal/auth) whose role grants the route's permission;
// every mutating request, allowed or not, is written to the audit log.
//
// The package declares the small interfaces it consumes (Publisher,
// DeadLetters, Decoder, Auditor); the application wires the real pipeline,
// decoders and audit log into Deps.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/query"
	"github.com/vigil-soc/vigil/internal/store"
)

// ErrOverloaded is what a Publisher or DeadLetters error wraps (errors.Is)
// when the pipeline cannot take more right now; the API answers 503 with
// Retry-After. The application's adapter maps pipeline.ErrOverloaded to it.
var ErrOverloaded = errors.New("pipeline overloaded")

// Publisher hands decoded events to the pipeline. Publish returns only once
// the events are durable; it is called concurrently from many requests and
// must not keep evs after it returns.
type Publisher interface {
	Publish(ctx context.Context, evs []*event.Event) (dups int, err error)
}

// DeadLetter is a record that could not be decoded, kept for replay.
type DeadLetter struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Format string    `json:"format"`
	Source string    `json:"source"` // token name of the sender
	Reason string    `json:"reason"`
	Raw    []byte    `json:"raw"`
}

// DeadLetters is the dead-letter queue. Safe for concurrent use.
type DeadLetters interface {
	PublishDLQ(ctx context.Context, dl DeadLetter) error
	// ListDLQ returns entries with Seq > afterSeq, ascending, at most limit.
	ListDLQ(ctx context.Context, afterSeq uint64, limit int) ([]DeadLetter, error)
	DeleteDLQ(ctx context.Context, seq uint64) error
}

// Decoder decodes one raw record of a format (event.FormatAuto = detect)
// into ev. internal/ingest/decode.Set satisfies it. Safe for concurrent use;
// it must not keep raw.
type Decoder interface {
	Decode(format event.Format, raw []byte, ev *event.Event) error
}

// Auditor appends to the audit chain; internal/audit.Log satisfies it.
type Auditor interface {
	Append(ctx context.Context, rec store.AuditRecord) (store.AuditRecord, error)
}

// Deps are the components the API serves. Store, Auth, Publisher,
// DeadLetters, Decoder and Audit are required; the rest are optional.
type Deps struct {
	Store       store.Store
	Auth        *auth.Authenticator
	Publisher   Publisher
	DeadLetters DeadLetters
	Decoder     Decoder
	Audit       Auditor
	// ParseQuery parses the q parameter; nil = query.Parse.
	ParseQuery func(string) (query.Query, error)
	// ParseFormat parses ?format= (decode.ParseFormat); nil = the built-in
	// list of event formats.
	ParseFormat func(string) (event.Format, error)
	// ReloadRules reloads detection rules; nil answers 501.
	ReloadRules func() error
	// AnalyzeEmail analyses one raw email (POST /api/v1/email/analyze);
	// the result is written as JSON. nil answers 501.
	AnalyzeEmail func(ctx context.Context, raw []byte) any
	// Ready reports readiness for /readyz; nil means always ready.
	Ready func(ctx context.Context) error
	// Gatherer backs /metrics; nil answers 501.
	Gatherer prometheus.Gatherer
	// Context imports and shows the hospital context; nil answers 501.
	Context ContextImporter
	// Incidents changes incidents (PATCH, notes, merge, split); nil answers
	// 501 on those routes.
	Incidents IncidentService
	// Assistant is the AI analyst; nil answers 501 on its routes.
	Assistant Assistant
	// Approver decides approval requests; nil answers 501.
	Approver Approver
	// Now is the clock; nil = time.Now.
	Now func() time.Time
}

// Config tunes the API. The zero value is usable.
type Config struct {
	MaxBody             int64                 // max request body, also after decompression; default 16 MiB
	MaxInflightBytes    int64                 // bytes of ingest bodies in flight; default 256 MiB
	MaxConcurrentIngest int                   // concurrent ingest requests; default 32
	AcquireWait         time.Duration         // wait for ingest capacity before 429; default 100 ms
	MaxLine             int                   // max bytes of one record; default 1 MiB
	PublishChunk        int                   // events per Publish call; default (and max) 5000
	MaxContextBody      int64                 // max hospital context file, also after decompression; default 1 GiB
	Registerer          prometheus.Registerer // where metrics are registered; nil = none
	Logger              *slog.Logger          // nil = discard
}

func (c *Config) setDefaults() {
	if c.MaxBody <= 0 {
		c.MaxBody = 16 << 20
	}
	if c.MaxContextBody <= 0 {
		c.MaxContextBody = 1 << 30
	}
	if c.MaxInflightBytes <= 0 {
		c.MaxInflightBytes = 256 << 20
	}
	if c.MaxConcurrentIngest <= 0 {
		c.MaxConcurrentIngest = 32
	}
	if c.AcquireWait <= 0 {
		c.AcquireWait = 100 * time.Millisecond
	}
	if c.MaxLine <= 0 {
		c.MaxLine = 1 << 20
	}
	if c.PublishChunk <= 0 || c.PublishChunk > 5000 {
		c.PublishChunk = 5000
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// server carries the wiring shared by all handlers.
type server struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
	met  *metrics
	lim  *limiter
}

// New returns the API handler.
func New(cfg Config, deps Deps) http.Handler { return newServer(cfg, deps).routes() }

func newServer(cfg Config, deps Deps) *server {
	cfg.setDefaults()
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.ParseQuery == nil {
		deps.ParseQuery = query.Parse
	}
	log := cfg.Logger.With("component", "api")
	return &server{cfg: cfg, deps: deps, log: log, met: newMetrics(cfg.Registerer, log),
		lim: newLimiter(cfg.MaxConcurrentIngest, cfg.MaxInflightBytes)}
}

// NewServer returns an http.Server for h with timeouts suited to the API
// (ingest bodies up to a few tens of MiB on slow links, long-polling none).
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}
